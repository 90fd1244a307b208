#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Capture Apache Kafka Connect's answers to rest_surface_cases.json.

The golden file rest_surface_apache.json was produced by running this
against an Apache Kafka Connect 4.1.1 standalone worker (the jars bench/
fetches, default plugin.discovery) whose worker.properties set
key.converter and value.converter to
org.apache.kafka.connect.json.JsonConverter, with a fresh offsets file:

    java -cp '<apache-connect-4.1.1>/*' \\
        org.apache.kafka.connect.cli.ConnectStandalone worker.properties
    tests/e2e/golden/capture_apache_rest.py http://127.0.0.1:<port>

tests/e2e/test_rest_surface.py runs the same cases against kconnect and
compares status codes and bodies (see its docstring for what it leaves
out).
"""
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def request(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    return status, json.loads(raw) if raw else None


def wait_state(base, connector, state, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = request(base, "GET", "/connectors/%s/status" % connector)
        if status == 200 and body["connector"]["state"] == state:
            return
        time.sleep(0.1)
    raise SystemExit("%s never reached %s" % (connector, state))


def run(base, cases):
    """{case id: {"status": code, "body": JSON or None}} for every case."""
    out = {}
    for case in cases:
        status, body = request(base, case["method"], case["path"],
                               case.get("body"))
        out[case["id"]] = {"status": status, "body": body}
        if "wait_state" in case:
            wait_state(base, case["wait_connector"], case["wait_state"])
    return out


def main():
    cases = json.loads((HERE / "rest_surface_cases.json").read_text())
    got = run(sys.argv[1].rstrip("/"), cases)
    (HERE / "rest_surface_apache.json").write_text(
        json.dumps(got, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
