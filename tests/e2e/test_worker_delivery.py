# SPDX-License-Identifier: Apache-2.0
"""Worker delivery semantics against the real broker (scripts/kafka start):
ordering, offsets flushed at SIGTERM, restart resumes without repeating,
sink consumer offsets committed, and the embedded cluster for kcat.
"""

import json
import re
import signal
import subprocess
import time

from kconnect_worker import (DEFAULT_BOOTSTRAP, kconnect,  # noqa
                             unique_name)

STRING = "org.apache.kafka.connect.storage.StringConverter"
STRING_WORKER = {"key.converter": STRING, "value.converter": STRING}


def kcat_read(topic, bootstrap=DEFAULT_BOOTSTRAP, expect=None, timeout=30):
    """Every value of @topic (all partitions), as a list of strings, once at
    least @expect values are there."""
    deadline = time.monotonic() + timeout
    values = []
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["kcat", "-b", bootstrap, "-t", topic, "-C", "-e", "-q",
             "-o", "beginning", "-f", "%s\n"],
            capture_output=True, text=True, timeout=timeout)
        if out.returncode == 0:
            values = out.stdout.splitlines()
            if expect is None or len(values) >= expect:
                return values
        time.sleep(0.3)
    raise AssertionError("topic %s has %d values, expected %s"
                         % (topic, len(values), expect))


def kcat_write(topic, lines, bootstrap=DEFAULT_BOOTSTRAP):
    subprocess.run(["kcat", "-b", bootstrap, "-t", topic, "-P"],
                   input="".join(line + "\n" for line in lines), text=True,
                   check=True, timeout=30)


def file_source(name, path, topic, **extra):
    cfg = {"name": name, "connector.class": "FileStreamSource",
           "file": str(path), "topic": topic}
    cfg.update(extra)
    return cfg


def test_source_order_is_kept(kconnect, tmp_path):
    """Records of one source partition reach Kafka in poll order."""
    topic = unique_name("order")
    lines = ["record %05d" % i for i in range(5000)]
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n")
    w = kconnect(worker=STRING_WORKER, connectors=[
        file_source(unique_name("src"), tmp_path / "in.txt", topic)])
    assert kcat_read(topic, expect=len(lines)) == lines
    assert w.stop() == 0


def test_sigterm_flushes_offsets_and_restart_resumes(kconnect, tmp_path):
    """With a 10-minute flush interval, only the flush at stop can save the
    offset; a restart then reads on from it without repeating a line."""
    topic = unique_name("resume")
    src = tmp_path / "in.txt"
    first = ["first %d" % i for i in range(100)]
    src.write_text("\n".join(first) + "\n")
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "600000"}),
                 connectors=[file_source(unique_name("src"), src, topic)])
    assert kcat_read(topic, expect=100) == first
    assert not w.offsets_path.exists()
    assert w.stop(signal.SIGTERM) == 0
    assert w.offsets_path.exists(), w.log()
    # Apache's format: a Java-serialized HashMap holding our JSON key.
    raw = w.offsets_path.read_bytes()
    assert raw.startswith(b"\xac\xed\x00\x05")
    assert b'{"position":%d}' % src.stat().st_size in raw

    second = ["second %d" % i for i in range(50)]
    with open(src, "a") as f:
        f.write("\n".join(second) + "\n")
    w.start()
    got = kcat_read(topic, expect=150)
    time.sleep(1.0)  # a repeat would show up by now
    got = kcat_read(topic, expect=150)
    assert got == first + second
    assert w.stop() == 0


def test_sink_commits_offsets_and_does_not_repeat(kconnect, tmp_path):
    topic = unique_name("sink")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    first = ["a%d" % i for i in range(30)]
    kcat_write(topic, first)
    cfg = {"name": name, "connector.class": "FileStreamSink",
           "file": str(out), "topics": topic}
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "1000"}),
                 connectors=[cfg])

    def lines():
        return out.read_text().splitlines() if out.exists() else []

    w.wait_for(lambda: len(lines()) >= 30, what="30 lines in the sink file")

    def committed():
        offs = w.get("/connectors/%s/offsets" % name)["offsets"]
        return offs and offs[0]["offset"]["kafka_offset"] == 30 and offs

    offs = w.wait_for(committed, what="committed sink offset 30")
    assert offs[0]["partition"] == {"kafka_topic": topic,
                                    "kafka_partition": 0}
    assert w.stop() == 0

    second = ["b%d" % i for i in range(20)]
    kcat_write(topic, second)
    w.start()
    w.wait_for(lambda: len(lines()) >= 50, what="50 lines in the sink file")
    time.sleep(1.0)
    assert lines() == first + second
    assert w.stop() == 0


def test_embedded_cluster_prints_an_address_kcat_can_read(kconnect, tmp_path):
    topic = unique_name("embedded")
    lines = ["hello %d" % i for i in range(10)]
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n")
    w = kconnect(worker=dict(STRING_WORKER, **{
        "bootstrap.servers": "embedded"}), connectors=[
        file_source(unique_name("src"), tmp_path / "in.txt", topic)])
    m = re.search(r"embedded Kafka listening on (\S+)", w.log())
    assert m, w.log()
    assert m.group(1) != DEFAULT_BOOTSTRAP
    assert kcat_read(topic, bootstrap=m.group(1), expect=10) == lines
    assert w.get("/")["kafka_cluster_id"]
    assert w.stop() == 0


def test_active_topics_and_source_offsets_rest(kconnect, tmp_path):
    topic = unique_name("topics")
    name = unique_name("src")
    src = tmp_path / "in.txt"
    src.write_text("x\ny\n")
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "500"}),
                 connectors=[file_source(name, src, topic)])
    kcat_read(topic, expect=2)
    assert w.get("/connectors/%s/topics" % name) == {
        name: {"topics": [topic]}}

    def offsets():
        offs = w.get("/connectors/%s/offsets" % name)["offsets"]
        return offs and offs[0]["offset"] == {"position": 4} and offs

    offs = w.wait_for(offsets, what="source offset position 4")
    assert offs[0]["partition"] == {"filename": str(src)}
    assert w.stop() == 0


def kcat_topic_partitions(topic, bootstrap=DEFAULT_BOOTSTRAP):
    out = subprocess.run(["kcat", "-b", bootstrap, "-L", "-t", topic],
                         capture_output=True, text=True, timeout=30)
    m = re.search(r'topic "%s" with (\d+) partitions' % re.escape(topic),
                  out.stdout)
    return int(m.group(1)) if m else None


def test_source_topic_creation(kconnect, tmp_path):
    """KIP-158: the worker creates the topic with the connector's settings
    before the first record goes to it."""
    topic = unique_name("created")
    (tmp_path / "in.txt").write_text("a\nb\n")
    w = kconnect(worker=STRING_WORKER, connectors=[file_source(
        unique_name("src"), tmp_path / "in.txt", topic, **{
            "topic.creation.default.partitions": "3",
            "topic.creation.default.replication.factor": "1",
            "topic.creation.default.retention.ms": "86400000",
        })])
    assert sorted(kcat_read(topic, expect=2)) == ["a", "b"]
    assert kcat_topic_partitions(topic) == 3
    assert "Created topic (name=%s, numPartitions=3" % topic in w.log()
    assert w.stop() == 0


def test_sink_dead_letter_queue(kconnect, tmp_path):
    """errors.tolerance=all: a record the converter rejects goes to the
    dead letter queue with the __connect.errors.* headers; the good ones
    reach the sink."""
    topic = unique_name("dlqsrc")
    dlq = unique_name("dlq")
    out = tmp_path / "out.txt"
    kcat_write(topic, ['"good 1"', "not json", '"good 2"'])
    w = kconnect(worker={
        "key.converter": STRING,
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
    }, connectors=[{
        "name": unique_name("sink"), "connector.class": "FileStreamSink",
        "file": str(out), "topics": topic,
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
    }])
    w.wait_for(lambda: out.exists() and
               out.read_text().splitlines() == ["good 1", "good 2"],
               what="the two good records in the sink file")
    def dlq_lines():
        # One "<headers>|<value>" per record; the stacktrace header has
        # newlines, so read kcat's JSON and rebuild that shape.
        got = subprocess.run(
            ["kcat", "-b", DEFAULT_BOOTSTRAP, "-t", dlq, "-C", "-e", "-q",
             "-o", "beginning", "-J"],
            capture_output=True, text=True, timeout=30)
        out = []
        for line in got.stdout.splitlines():
            rec = json.loads(line)
            h = rec.get("headers") or []
            out.append(",".join("%s=%s" % kv for kv in zip(h[0::2], h[1::2]))
                       + "|" + (rec["payload"] or ""))
        return out

    lines = w.wait_for(dlq_lines, what="a record in the dead letter queue")
    time.sleep(0.5)
    lines = dlq_lines()
    assert len(lines) == 1, lines
    headers, value = lines[0].rsplit("|", 1)
    assert value == "not json"
    assert "__connect.errors.topic=%s" % topic in headers
    assert "__connect.errors.offset=1" in headers
    assert "__connect.errors.stage=VALUE_CONVERTER" in headers
    assert w.stop() == 0


def test_sigkill_loses_nothing(kconnect, tmp_path):
    """Killed before any offset flush, the worker sends the lines again
    after a restart: at-least-once, nothing lost."""
    topic = unique_name("kill")
    src = tmp_path / "in.txt"
    first = ["k%d" % i for i in range(10)]
    src.write_text("\n".join(first) + "\n")
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "600000"}),
                 connectors=[file_source(unique_name("src"), src, topic)])
    assert kcat_read(topic, expect=10) == first
    assert w.stop(signal.SIGKILL) == -signal.SIGKILL
    assert not w.offsets_path.exists()
    second = ["l%d" % i for i in range(5)]
    with open(src, "a") as f:
        f.write("\n".join(second) + "\n")
    w.start()
    assert kcat_read(topic, expect=25) == first + first + second
    assert w.stop() == 0


def test_source_transforms_run_before_produce(kconnect, tmp_path):
    """The transform chain runs between poll and produce: RegexRouter
    changes the topic the records go to."""
    topic = unique_name("route")
    (tmp_path / "in.txt").write_text("r1\nr2\n")
    w = kconnect(worker=STRING_WORKER, connectors=[file_source(
        unique_name("src"), tmp_path / "in.txt", topic, **{
            "transforms": "route",
            "transforms.route.type":
                "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "(.*)",
            "transforms.route.replacement": "$1-routed",
        })])
    assert kcat_read(topic + "-routed", expect=2) == ["r1", "r2"]
    assert w.stop() == 0
