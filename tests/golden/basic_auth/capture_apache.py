#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Capture Apache Kafka Connect 4.1.1's answers to REST requests under its
BasicAuthSecurityRestExtension, for tests/e2e/test_rest_security.py.

Runs Apache's ConnectStandalone (jars from scripts/apache-connect, plus
connect-basic-auth-extension fetched with mvn) with a JAAS file given as
-Djava.security.auth.login.config, sends REQUESTS and writes
apache_answers.json: per request its status, Content-Type, body and
whether WWW-Authenticate was sent. Needs the broker on
$KC_BOOTSTRAP_SERVERS (default 127.0.0.1:9092).

    python3 tests/golden/basic_auth/capture_apache.py [port]
"""

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VERSION = "4.1.1"
EXT = "org.apache.kafka.connect.rest.basic.auth.extension."

USERS = "alice: alice-secret\nbob=bob-secret\n"


def basic(text):
    return "Basic " + base64.b64encode(text.encode()).decode()


# (name, method, path, Authorization header or None)
REQUESTS = [
    ("no credentials", "GET", "/connectors", None),
    ("right credentials", "GET", "/connectors", basic("alice:alice-secret")),
    ("colon separator in file", "GET", "/", basic("alice:alice-secret")),
    ("equals separator in file", "GET", "/", basic("bob:bob-secret")),
    ("wrong password", "GET", "/connectors", basic("alice:wrong")),
    ("unknown user", "GET", "/connectors", basic("mallory:alice-secret")),
    ("other user's password", "GET", "/connectors", basic("bob:alice-secret")),
    ("scheme case", "GET", "/connectors",
     "bAsIc " + base64.b64encode(b"alice:alice-secret").decode()),
    ("bearer scheme", "GET", "/connectors", "Bearer abc"),
    ("scheme only", "GET", "/connectors", "Basic"),
    ("no colon", "GET", "/connectors", basic("alice")),
    ("empty user", "GET", "/connectors", basic(":alice-secret")),
    ("root without credentials", "GET", "/", None),
    ("plugins without credentials", "GET", "/connector-plugins", None),
    ("loggers without credentials", "GET", "/admin/loggers", None),
    ("status without credentials", "GET", "/connectors/nope/status", None),
    ("unknown connector with credentials", "GET", "/connectors/nope",
     basic("alice:alice-secret")),
    ("create without credentials", "POST", "/connectors", None),
    ("unknown path without credentials", "GET", "/no/such/path", None),
    ("unknown path with credentials", "GET", "/no/such/path",
     basic("alice:alice-secret")),
    # Apache's exemptions: other workers call these (KIP-507 signs them).
    ("internal tasks endpoint", "POST", "/connectors/nope/tasks", None),
    ("internal fence endpoint", "PUT", "/connectors/nope/fence", None),
    # Where kconnect differs on purpose (docs/security.md).
    ("bad base64", "GET", "/connectors", "Basic !!!notbase64"),
    ("health without credentials", "GET", "/health", None),
]


def jars():
    d = subprocess.run([str(REPO / "scripts" / "apache-connect")],
                       check=True, capture_output=True,
                       text=True).stdout.strip()
    subprocess.run(["mvn", "-q", "-B", "dependency:get",
                    "-Dartifact=org.apache.kafka:connect-basic-auth-"
                    "extension:" + VERSION], check=True)
    ext = (Path.home() / ".m2" / "repository" / "org" / "apache" / "kafka"
           / "connect-basic-auth-extension" / VERSION
           / ("connect-basic-auth-extension-%s.jar" % VERSION))
    return os.path.join(d, "*") + os.pathsep + str(ext)


def ask(url, method, path, auth):
    req = urllib.request.Request(url + path, method=method,
                                 data=b"" if method in ("POST", "PUT")
                                 else None)
    req.add_header("Accept", "application/json")
    if method in ("POST", "PUT"):
        req.add_header("Content-Type", "application/json")
    if auth is not None:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, headers, body = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, body = e.code, e.headers, e.read()
    return {"status": status,
            "content_type": headers.get("Content-Type"),
            "body": body.decode("utf-8", "replace"),
            "www_authenticate": headers.get("WWW-Authenticate") is not None}


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 21650
    url = "http://127.0.0.1:%d" % port
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "users").write_text(USERS)
        (tmp / "jaas.conf").write_text(
            "KafkaConnect {\n  %sPropertyFileLoginModule required\n"
            "  file=\"%s\";\n};\n" % (EXT, tmp / "users"))
        (tmp / "worker.properties").write_text(
            "bootstrap.servers=%s\n"
            "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
            "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
            "offset.storage.file.filename=%s\n"
            "listeners=%s\n"
            "rest.extension.classes=%sBasicAuthSecurityRestExtension\n"
            % (os.environ.get("KC_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
               tmp / "offsets", url, EXT))
        log = open(tmp / "worker.log", "wb")
        proc = subprocess.Popen(
            ["java", "-Xmx512m",
             "-Djava.security.auth.login.config=%s" % (tmp / "jaas.conf"),
             "-cp", jars(), "org.apache.kafka.connect.cli.ConnectStandalone",
             str(tmp / "worker.properties")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while True:
                assert proc.poll() is None, (tmp / "worker.log").read_text()
                try:
                    if ask(url, "GET", "/", basic("alice:alice-secret"))[
                            "status"] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "Apache did not start"
                time.sleep(0.5)
            answers = {name: dict(ask(url, m, p, a), method=m, path=p,
                                  authorization=a)
                       for name, m, p, a in REQUESTS}
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(60)
    (HERE / "apache_answers.json").write_text(
        json.dumps({"apache_kafka": VERSION, "users": USERS,
                    "answers": answers}, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
