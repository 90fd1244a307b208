# SPDX-License-Identifier: Apache-2.0
"""Error handling of sink tasks against the real broker: the dead letter
queue (original bytes and every __connect.errors.* header), errors.tolerance
none (task FAILED, offset not committed past the bad record, re-read after a
config fix) and Apache's LogReporter lines.
"""

import re
import subprocess
import time

from kconnect_worker import (DEFAULT_BOOTSTRAP, consume_all,  # noqa
                             kconnect, unique_name)

STRING = "org.apache.kafka.connect.storage.StringConverter"
JSON = "org.apache.kafka.connect.json.JsonConverter"
JSON_WORKER = {"key.converter": STRING, "value.converter": JSON,
               "value.converter.schemas.enable": "false"}


def produce(topic, records, headers=()):
    """records: (key, value) pairs, each produced to partition 0."""
    args = ["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t", topic, "-p", "0",
            "-K", "\t", "-X", "acks=all"]
    for h in headers:
        args += ["-H", h]
    data = "".join("%s\t%s\n" % (k, v) for k, v in records)
    subprocess.run(args, input=data, text=True, check=True, timeout=30)


def committed(w, name):
    """The committed offset of partition 0 (GET .../offsets), or None."""
    offs = w.get("/connectors/%s/offsets" % name)["offsets"]
    return offs[0]["offset"]["kafka_offset"] if offs else None


def sink(name, topic, out, **extra):
    cfg = {"name": name, "connector.class": "FileStreamSink",
           "file": str(out), "topics": topic}
    cfg.update(extra)
    return cfg


def test_dlq_has_the_original_bytes_and_all_headers(kconnect, tmp_path):
    topic = unique_name("errsink")
    dlq = unique_name("errdlq")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    produce(topic, [("k0", '"good 0"'), ("k1", "{not json"),
                    ("k2", '"good 2"')], headers=["trace-id=abc"])
    w = kconnect(worker=JSON_WORKER, connectors=[sink(
        name, topic, out, **{
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": dlq,
            "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true"})])
    w.wait_for(lambda: out.exists() and
               out.read_text().splitlines() == ["good 0", "good 2"],
               what="the two good records in the sink file")
    [rec] = consume_all(dlq)
    assert rec["key"] == "k1"
    assert rec["payload"] == "{not json"
    h = rec["headers"]
    names = h[0::2]
    values = dict(zip(h[0::2], h[1::2]))
    assert names == [
        "trace-id",
        "__connect.errors.topic",
        "__connect.errors.partition",
        "__connect.errors.offset",
        "__connect.errors.connector.name",
        "__connect.errors.task.id",
        "__connect.errors.stage",
        "__connect.errors.class.name",
        "__connect.errors.exception.class.name",
        "__connect.errors.exception.message",
        "__connect.errors.exception.stacktrace",
    ]
    assert values["trace-id"] == "abc"
    assert values["__connect.errors.topic"] == topic
    assert values["__connect.errors.partition"] == "0"
    assert values["__connect.errors.offset"] == "1"
    assert values["__connect.errors.connector.name"] == name
    assert values["__connect.errors.task.id"] == "0"
    assert values["__connect.errors.stage"] == "VALUE_CONVERTER"
    assert values["__connect.errors.class.name"] == \
        "org.apache.kafka.connect.json.JsonConverter"
    assert values["__connect.errors.exception.class.name"] == \
        "org.apache.kafka.connect.errors.DataException"
    msg = values["__connect.errors.exception.message"]
    assert msg
    assert values["__connect.errors.exception.stacktrace"] == (
        "org.apache.kafka.connect.errors.DataException: %s\n"
        "\tat kconnect.VALUE_CONVERTER(JsonConverter)\n" % msg)
    assert w.stop() == 0


def test_tolerance_none_fails_and_a_fix_rereads_the_record(kconnect,
                                                           tmp_path):
    topic = unique_name("errnone")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    produce(topic, [("k0", '"a"'), ("k1", "not json"), ("k2", '"b"')])
    w = kconnect(worker=dict(JSON_WORKER, **{
        "offset.flush.interval.ms": "200"}),
        connectors=[sink(name, topic, out)])

    def failed():
        st = w.get("/connectors/%s/status" % name)
        tasks = st.get("tasks", [])
        return tasks and tasks[0]["state"] == "FAILED" and tasks[0]

    task = w.wait_for(failed, what="the task to fail")
    trace = task["trace"]
    assert trace.startswith("org.apache.kafka.connect.errors."
                            "ConnectException: Tolerance exceeded in error "
                            "handler\n"), trace
    assert "Caused by: org.apache.kafka.connect.errors.DataException: " \
        in trace
    assert "\tat kconnect.VALUE_CONVERTER(JsonConverter)" in trace
    # As Apache, a poll batch is converted whole before put: "a" came in
    # the same batch as the bad record, so nothing was put or committed.
    time.sleep(0.5)
    assert not out.exists() or out.read_text() == ""
    assert committed(w, name) in (None, 0)

    # Fix the converter: the failed record is read again, nothing is lost.
    cfg = w.get("/connectors/%s/config" % name)
    cfg["value.converter"] = STRING
    w.put("/connectors/%s/config" % name, cfg)
    st = w.get("/connectors/%s/status" % name)
    if st["tasks"] and st["tasks"][0]["state"] == "FAILED":
        w.post("/connectors/%s/restart?includeTasks=true" % name)
    expected = ['"a"', "not json", '"b"']
    w.wait_for(lambda: out.exists() and
               out.read_text().splitlines() == expected,
               what="the records re-read with the fixed converter")
    w.wait_for(lambda: committed(w, name) == 3, what="offset 3 committed")
    assert w.stop() == 0


def test_log_reporter_lines(kconnect, tmp_path):
    topic = unique_name("errlog")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    produce(topic, [("k0", '"ok"'), ("k1", "nope{")])
    w = kconnect(worker=JSON_WORKER, connectors=[
        sink(name, topic, out, **{"errors.tolerance": "all",
                                  "errors.log.enable": "true",
                                  "errors.log.include.messages": "true"}),
        sink(name + "-quiet", topic, tmp_path / "quiet.txt", **{
            "errors.tolerance": "all", "errors.log.enable": "true"})])
    pattern = re.compile(
        r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] ERROR \[%s\|task-0\] "
        r"Error encountered in task %s-0\. Executing stage "
        r"'VALUE_CONVERTER' with class "
        r"'org\.apache\.kafka\.connect\.json\.JsonConverter', where consumed "
        r"record is \{topic='%s', partition=0, offset=1, timestamp=\d+, "
        r"timestampType=CreateTime\}\.$" % (re.escape(name), re.escape(name),
                                            re.escape(topic)), re.M)
    quiet = re.compile(
        r"^\[[^\]]+\] ERROR \[%s\|task-0\] Error encountered in task "
        r"%s-0\. Executing stage 'VALUE_CONVERTER' with class "
        r"'org\.apache\.kafka\.connect\.json\.JsonConverter'\.$"
        % (re.escape(name + "-quiet"), re.escape(name + "-quiet")), re.M)
    w.wait_for(lambda: pattern.search(w.log()) and quiet.search(w.log()),
               what="both LogReporter lines")
    log = w.log()
    after = log[pattern.search(log).end():].splitlines()[1]
    assert after.startswith("org.apache.kafka.connect.errors.DataException: ")
    assert len(pattern.findall(log)) == 1
    assert w.stop() == 0
