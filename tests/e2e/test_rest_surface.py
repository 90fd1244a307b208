# SPDX-License-Identifier: Apache-2.0
"""The REST and plugin surface compared with Apache Kafka Connect 4.1.1.

golden/rest_surface_cases.json is a scripted REST session; golden/
rest_surface_apache.json is what an Apache Kafka Connect 4.1.1 standalone
worker answered to it (how it was produced: golden/capture_apache_rest.py).
This test runs the same session against kconnect, with the same worker
converters (JsonConverter for keys and values), and compares every status
code and body:

- the plugin lists (the primitive converters, versions 4.1.1) and each
  plugin's config listing (converter.type, widths, orders, groups);
- config/validate: the *.plugin.version keys, the rows of every transform
  and predicate alias in their "Transforms: x" / "Predicates: y" groups,
  converters' recommended values and worker defaults, error_count;
- connector creation refused (400) for an unknown key/value converter or a
  converter version that does not match;
- PATCH offsets of a stopped FileStreamSource: the shapes Apache's
  FileStreamSourceConnector.alterOffsets refuses, with its messages;
- /admin/loggers (the last case): every logger kconnect lists is one
  Apache lists (after the same session), or a class Apache creates when a
  sink task or a dead letter queue runs, which this session does not, or
  under the clients namespace (librdkafka's lines); and kconnect lists its
  own loggers before they have logged anything, as Apache lists the
  loggers that exist.

Left out of the comparison, on purpose: "documentation" texts (kconnect's
framework keys keep their own, shorter texts; docs/architecture.md,
"Plugins") and the order of the source offsets listed by GET offsets
(Apache lists a HashMap's order).
"""

import json
from pathlib import Path

from kconnect_worker import kconnect  # noqa

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = json.loads((GOLDEN / "rest_surface_cases.json").read_text())
APACHE = json.loads((GOLDEN / "rest_surface_apache.json").read_text())


def normalize(case_id, body):
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k != "documentation"}
        if isinstance(o, list):
            return [strip(x) for x in o]
        return o

    body = strip(body)
    if isinstance(body, list):
        # kconnect bundles Confluent's JDBC connectors and Apache's
        # system-test Verifiable* connectors; the Apache worker the answers
        # were captured from had only Apache's runtime plugins (with the
        # JDBC plugin or connect-test-plugins installed it would list them
        # too).
        body = [p for p in body if not (isinstance(p, dict) and str(
            p.get("class", "")).startswith((
                "io.confluent.connect.jdbc.",
                "org.apache.kafka.connect.tools.Verifiable")))]
    if case_id == "offs_after" and isinstance(body, dict):
        body["offsets"] = sorted(body["offsets"],
                                 key=lambda x: json.dumps(x, sort_keys=True))
    return body


# Apache classes that exist once a sink task or a dead letter queue runs.
LOGGERS_OF_SINKS = {
    "org.apache.kafka.connect.runtime.WorkerSinkTask",
    "org.apache.kafka.connect.file.FileStreamSinkTask",
    "org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter",
}
# Loggers kconnect has from the start, all of them Apache class names.
LOGGERS_AT_START = {
    "org.apache.kafka.connect.cli.ConnectStandalone",
    "org.apache.kafka.connect.runtime.Loggers",
    "org.apache.kafka.connect.runtime.Worker",
    "org.apache.kafka.connect.runtime.isolation.PluginScanner",
    "org.apache.kafka.connect.runtime.rest.RestServer",
    "org.apache.kafka.connect.runtime.standalone.StandaloneHerder",
    "org.apache.kafka.connect.transforms.RegexRouter",
}


def check_loggers(status, body, apache):
    assert status == 200
    assert body["root"] == apache["root"]
    for name, info in body.items():
        assert (name in apache or name in LOGGERS_OF_SINKS
                or name.startswith("org.apache.kafka.clients")), name
        assert info == {"level": "INFO", "last_modified": None}, name
    assert LOGGERS_AT_START <= set(body), LOGGERS_AT_START - set(body)


def test_rest_surface_matches_apache(kconnect):
    w = kconnect()
    differences = []
    for case in CASES:
        status, body = w.request(case["method"], case["path"],
                                 case.get("body"))
        if case["id"] == "loggers":
            check_loggers(status, body, APACHE["loggers"]["body"])
            continue
        if "wait_state" in case:
            name = case["wait_connector"]
            w.wait_for(lambda: w.request("GET", "/connectors/%s/status" % name)
                       [1]["connector"]["state"] == case["wait_state"],
                       what="%s %s" % (name, case["wait_state"]))
        want = APACHE[case["id"]]
        got = {"status": status, "body": normalize(case["id"], body)}
        exp = {"status": want["status"],
               "body": normalize(case["id"], want["body"])}
        if got != exp:
            differences.append("%s %s %s:\n  apache:   %s\n  kconnect: %s" % (
                case["id"], case["method"], case["path"],
                json.dumps(exp, sort_keys=True)[:1500],
                json.dumps(got, sort_keys=True)[:1500]))
    assert not differences, "\n".join(differences)
