# SPDX-License-Identifier: Apache-2.0
"""kconnect's dead letter queue for SOURCE connectors (an extension: Apache
ignores errors.deadletterqueue.* on sources) against the real broker: a
record a transform rejects goes to the queue as JsonConverter text with the
context headers and its source partition and offset; the good records and
the source offsets move on. Without the queue topic, behaviour is Apache's.
"""

import json
import time

from kconnect_worker import consume_all, kconnect, unique_name  # noqa

STRING = "org.apache.kafka.connect.storage.StringConverter"
JSON = "org.apache.kafka.connect.json.JsonConverter"
WORKER = {"key.converter": STRING, "value.converter": JSON,
          "value.converter.schemas.enable": "false",
          "offset.flush.interval.ms": "200"}


def source(name, path, topic, **extra):
    cfg = {"name": name, "connector.class": "FileStreamSource",
           "file": str(path), "topic": topic,
           "transforms": "num",
           "transforms.num.type": "org.apache.kafka.connect.transforms."
                                  "Cast$Value",
           "transforms.num.spec": "int32"}
    cfg.update(extra)
    return cfg


def test_source_dlq_gets_the_failed_record(kconnect, tmp_path):
    topic = unique_name("srcerr")
    dlq = unique_name("srcdlq")
    name = unique_name("src")
    path = tmp_path / "in.txt"
    path.write_text("1\nabc\n3\n")
    w = kconnect(worker=WORKER, connectors=[source(name, path, topic, **{
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true"})])
    good = consume_all(topic, 2)
    assert [r["payload"] for r in good] == ["1", "3"]
    [dead] = consume_all(dlq, 1)
    assert dead["payload"] == '"abc"'
    assert dead["key"] is None
    h = dead["headers"]
    values = dict(zip(h[0::2], h[1::2]))
    assert h[0::2] == [
        "__connect.errors.topic",
        "__connect.errors.connector.name",
        "__connect.errors.task.id",
        "__connect.errors.stage",
        "__connect.errors.class.name",
        "__connect.errors.exception.class.name",
        "__connect.errors.exception.message",
        "__connect.errors.exception.stacktrace",
        "__connect.errors.source.partition",
        "__connect.errors.source.offset",
    ]
    assert values["__connect.errors.topic"] == topic
    assert values["__connect.errors.connector.name"] == name
    assert values["__connect.errors.task.id"] == "0"
    assert values["__connect.errors.stage"] == "TRANSFORMATION"
    assert values["__connect.errors.class.name"] == \
        "org.apache.kafka.connect.transforms.Cast$Value"
    assert values["__connect.errors.exception.class.name"] == \
        "org.apache.kafka.connect.errors.DataException"
    msg = values["__connect.errors.exception.message"]
    # Apache's Cast text (tests/golden: error_cast_string_to_int).
    assert msg == "Value (abc) was out of range for requested data type", msg
    assert values["__connect.errors.exception.stacktrace"].startswith(
        "org.apache.kafka.connect.errors.DataException: " + msg + "\n\tat "
        "kconnect.TRANSFORMATION(")
    assert json.loads(values["__connect.errors.source.partition"]) == \
        {"filename": str(path)}
    # FileStreamSource's offset after "1\nabc\n" is 6.
    assert json.loads(values["__connect.errors.source.offset"]) == \
        {"position": 6}

    # The source offset moved past every line, the bad one included.
    def done():
        offs = w.get("/connectors/%s/offsets" % name)["offsets"]
        return offs and offs[0]["offset"] == {"position": 8}

    w.wait_for(done, what="source offset 8 committed")
    assert w.stop() == 0


def test_source_without_dlq_topic_is_unchanged(kconnect, tmp_path):
    """errors.tolerance=none and no queue: the task fails as in Apache and
    the offset stays before the bad record."""
    topic = unique_name("srcnone")
    name = unique_name("src")
    path = tmp_path / "in.txt"
    path.write_text("1\nabc\n3\n")
    w = kconnect(worker=WORKER, connectors=[source(name, path, topic)])

    def failed():
        st = w.get("/connectors/%s/status" % name)
        tasks = st.get("tasks", [])
        return tasks and tasks[0]["state"] == "FAILED" and tasks[0]

    task = w.wait_for(failed, what="the task to fail")
    assert "Tolerance exceeded in error handler" in task["trace"]
    assert [r["payload"] for r in consume_all(topic, 1)] == ["1"]
    time.sleep(0.5)
    offs = w.get("/connectors/%s/offsets" % name)["offsets"]
    assert not offs or offs[0]["offset"]["position"] <= 2
    assert w.stop() == 0
