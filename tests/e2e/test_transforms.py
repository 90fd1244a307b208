# SPDX-License-Identifier: Apache-2.0
"""Single message transforms end to end: the real ``kconnect`` binary, the
real broker, connector configs written the way Apache Kafka Connect users
write them (``transforms=...``, ``transforms.<a>.type=<Java class>``,
``predicates=...``).

1. Source: FileStreamSource lines -> HoistField$Value -> InsertField$Value
   -> RegexRouter -> JsonConverter -> Kafka: the records land in the routed
   topic as Structs with the inserted fields.
2. Sink: Kafka (schemaless JSON) -> Filter (negated HasHeaderKey predicate)
   -> ExtractField$Value -> FileStreamSink: only the records with the
   header arrive, as the extracted field.
3. A bad transform config is refused with the alias and key named.
"""

import json
import subprocess
import time

import pytest

from kconnect_worker import (DEFAULT_BOOTSTRAP, KconnectWorker,  # noqa
                             unique_name)


def wait_until(predicate, timeout, what, worker):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.proc is not None and worker.proc.poll() is not None:
            pytest.fail("kconnect exited (%s) while waiting for %s:\n%s"
                        % (worker.proc.returncode, what, worker.log()[-4000:]))
        time.sleep(0.1)
    pytest.fail("timed out waiting for %s\n%s" % (what, worker.log()[-4000:]))


def test_source_chain_hoist_insert_route(tmp_path, kcat):
    base = unique_name("smt")
    src = tmp_path / "in.txt"
    src.write_text("foo\nbar\n")
    connector = {
        "name": "smt-source",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": str(src),
        "topic": base + "-in",
        "transforms": "hoist,insert,route",
        "transforms.hoist.type":
            "org.apache.kafka.connect.transforms.HoistField$Value",
        "transforms.hoist.field": "line",
        "transforms.insert.type":
            "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.insert.topic.field": "t",
        "transforms.insert.static.field": "src",
        "transforms.insert.static.value": "file",
        "transforms.route.type":
            "org.apache.kafka.connect.transforms.RegexRouter",
        "transforms.route.regex": "(.*)-in",
        "transforms.route.replacement": "$1-out",
    }
    w = KconnectWorker(tmp_path, connectors=[connector])
    try:
        w.start()
        # The routed topic is auto-created by the first produce: wait for
        # it, or kcat fails with "Unknown topic or partition".
        wait_until(lambda: kcat.topic_exists(base + "-out"), 60,
                   "topic %s-out" % base, w)
        records = kcat.consume(base + "-out", 2, timeout=60)
    finally:
        w.stop()
    envelopes = [json.loads(r["payload"]) for r in records]
    fields = [(f["field"], f["type"], f["optional"])
              for f in envelopes[0]["schema"]["fields"]]
    assert envelopes[0]["schema"]["type"] == "struct"
    # HoistField wraps the STRING schema; InsertField adds optional strings.
    assert fields == [("line", "string", False), ("t", "string", True),
                      ("src", "string", True)]
    assert [e["payload"] for e in envelopes] == [
        {"line": "foo", "t": base + "-in", "src": "file"},
        {"line": "bar", "t": base + "-in", "src": "file"},
    ]


def _produce(bootstrap, topic, values, header=None):
    cmd = ["kcat", "-b", bootstrap, "-P", "-t", topic, "-X", "acks=all"]
    if header:
        cmd += ["-H", header]
    subprocess.run(cmd, input=("\n".join(values) + "\n").encode(),
                   check=True, timeout=30)


def test_sink_chain_filter_extract(tmp_path, kcat):
    topic = unique_name("smt-sink")
    out = tmp_path / "out.txt"
    _produce(kcat.bootstrap, topic, ['{"name":"a","n":1}'], header="keep=1")
    _produce(kcat.bootstrap, topic, ['{"name":"dropped","n":2}'])
    _produce(kcat.bootstrap, topic, ['{"name":"c","n":3}'], header="keep=1")
    connector = {
        "name": "smt-sink",
        "connector.class": "FileStreamSink",
        "tasks.max": "1",
        "topics": topic,
        "file": str(out),
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "transforms": "keepOnly,name",
        "transforms.keepOnly.type": "Filter",
        "transforms.keepOnly.predicate": "hasKeep",
        "transforms.keepOnly.negate": "true",
        "transforms.name.type": "ExtractField$Value",
        "transforms.name.field": "name",
        "predicates": "hasKeep",
        "predicates.hasKeep.type":
            "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "predicates.hasKeep.name": "keep",
    }
    w = KconnectWorker(tmp_path, connectors=[connector],
                       worker={"consumer.auto.offset.reset": "earliest"})
    try:
        w.start()
        wait_until(lambda: out.exists() and out.read_text().count("\n") >= 2,
                   60, "2 lines in the sink file", w)
        time.sleep(1.0)  # the filtered record must not show up late
    finally:
        w.stop()
    assert out.read_text() == "a\nc\n"


def test_bad_transform_config_is_refused(tmp_path):
    connector = {
        "name": "smt-bad",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": str(tmp_path / "x.txt"),
        "topic": unique_name("smt-bad"),
        "transforms": "route",
        "transforms.route.type": "RegexRouter",
        "transforms.route.replacement": "x",
    }
    w = KconnectWorker(tmp_path, wait=False)
    w.start()
    try:
        w.wait_ready()
        status, body = w.request("POST", "/connectors",
                                 {"name": "smt-bad", "config": connector})
    finally:
        w.stop()
    assert status == 400, body
    assert "transforms.route.regex" in body["message"], body
