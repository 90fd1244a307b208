# SPDX-License-Identifier: Apache-2.0
"""FileStreamSource / FileStreamSink end to end: the real ``kconnect``
binary, the real broker (``scripts/kafka start``), files in temp folders.

1. 100,000 lines file -> Kafka -> file arrive complete and in order.
2. kill -9 in the middle, restart: no line lost on either side; lines are
   repeated only from the last committed source position / sink offset on.
3. Apache's own quick-start files (config/connect-standalone.properties,
   connect-file-source.properties, connect-file-sink.properties) work as
   they are: only the offsets file path is made absolute, the topic made
   unique per run (the broker is shared) and ``listeners`` given a free
   port (tests run side by side; Apache's default is 8083).
4. JsonConverter values through the sink print as Apache prints them: the
   envelopes of tests/golden/value_text/cases.tsv produce the lines of
   expected.tsv, which Apache's own JsonConverter + String.valueOf wrote.
"""

import ctypes
import ctypes.util
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kconnect_worker import (DEFAULT_BOOTSTRAP, REPO, KconnectWorker,  # noqa
                             free_port, kconnect, unique_name)

GOLDEN = REPO / "tests" / "golden" / "value_text"
LINE_WIDTH = 13  # len("line-0000000\n")


def line_text(i):
    return "line-%07d" % i


def lines_blob(start, stop):
    return "".join(line_text(i) + "\n" for i in range(start, stop)).encode()


def wait_until(predicate, timeout, what, interval=0.1, worker=None):
    """Poll predicate() until truthy; fail naming @what (and the log)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        if worker is not None and worker.proc is not None \
                and worker.proc.poll() is not None:
            pytest.fail("kconnect exited (%s) while waiting for %s:\n%s"
                        % (worker.proc.returncode, what, worker.log()[-4000:]))
        time.sleep(interval)
    log = worker.log()[-4000:] if worker is not None else ""
    pytest.fail("timed out after %.0fs waiting for %s (last: %r)\n%s"
                % (timeout, what, last, log))


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data == b"" or data.endswith(b"\n"), "partial last line in %s" % path
    return data.decode("utf-8").split("\n")[:-1]


def consume_values(topic, expect_at_least, timeout=60):
    """Every message value of partition 0 of @topic, from the start, read
    with kcat until at least @expect_at_least arrived."""
    deadline = time.monotonic() + timeout
    values = []
    while True:
        out = subprocess.run(
            ["kcat", "-b", DEFAULT_BOOTSTRAP, "-C", "-t", topic, "-p", "0",
             "-o", "beginning", "-e", "-q", "-D", "\x1e"],
            capture_output=True, timeout=timeout)
        assert out.returncode == 0, out.stderr.decode(errors="replace")
        values = out.stdout.split(b"\x1e")[:-1]
        if len(values) >= expect_at_least or time.monotonic() > deadline:
            return values
        time.sleep(0.5)


def payloads(values):
    """The JsonConverter payloads of string records, checking the
    envelope is exactly Apache's for Schema.STRING_SCHEMA."""
    out = []
    for v in values:
        env = json.loads(v)
        assert env["schema"] == {"type": "string", "optional": False}, v
        out.append(env["payload"])
    return out


def topic_partitions(topic):
    meta = subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-L", "-t", topic,
                           "-J"], capture_output=True, timeout=30)
    assert meta.returncode == 0, meta.stderr
    topics = json.loads(meta.stdout)["topics"]
    return len(topics[0]["partitions"]) if topics else 0


class _TopicPartition(ctypes.Structure):
    _fields_ = [("topic", ctypes.c_char_p), ("partition", ctypes.c_int32),
                ("offset", ctypes.c_int64), ("metadata", ctypes.c_void_p),
                ("metadata_size", ctypes.c_size_t),
                ("opaque", ctypes.c_void_p), ("err", ctypes.c_int),
                ("_private", ctypes.c_void_p)]


def committed_offset(group, topic, partition=0):
    """The offset group @group committed for @topic/@partition (None if
    none), asked of the broker with librdkafka's rd_kafka_committed (no
    group membership, so the sink's group is not disturbed)."""
    lib = ctypes.CDLL(ctypes.util.find_library("rdkafka") or "librdkafka.so.1")
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_size_t]
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p,
                                 ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_topic_partition_list_new.restype = ctypes.c_void_p
    lib.rd_kafka_topic_partition_list_add.restype = \
        ctypes.POINTER(_TopicPartition)
    lib.rd_kafka_topic_partition_list_add.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32]
    lib.rd_kafka_committed.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                       ctypes.c_int]
    lib.rd_kafka_topic_partition_list_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    errstr = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    for k, v in (("bootstrap.servers", DEFAULT_BOOTSTRAP), ("group.id", group),
                 ("enable.auto.commit", "false")):
        assert lib.rd_kafka_conf_set(conf, k.encode(), v.encode(), errstr,
                                     512) == 0, errstr.value
    rk = lib.rd_kafka_new(1, conf, errstr, 512)  # RD_KAFKA_CONSUMER
    assert rk, errstr.value
    parts = lib.rd_kafka_topic_partition_list_new(1)
    tp = lib.rd_kafka_topic_partition_list_add(parts, topic.encode(),
                                               partition)
    try:
        rc = lib.rd_kafka_committed(rk, parts, 15000)
        assert rc == 0, "rd_kafka_committed failed: %d" % rc
        off = tp.contents.offset
        return None if off < 0 else off
    finally:
        lib.rd_kafka_topic_partition_list_destroy(parts)
        lib.rd_kafka_destroy(rk)


def committed_position(offsets_path):
    """The source position committed in a standalone offsets file (Java
    serialization of the JSON key/value bytes), or 0 if none yet."""
    try:
        data = Path(offsets_path).read_bytes()
    except FileNotFoundError:
        return 0
    found = re.findall(rb'\{"position":(\d+)\}', data)
    assert len(found) <= 1, "one source partition expected: %r" % found
    return int(found[0]) if found else 0


def file_pipeline(topic, src_file, sink_file):
    source = {"name": "file-src-" + topic, "connector.class":
              "FileStreamSource", "tasks.max": "1", "file": str(src_file),
              "topic": topic}
    sink = {"name": "file-sink-" + topic, "connector.class": "FileStreamSink",
            "tasks.max": "1", "file": str(sink_file), "topics": topic}
    return source, sink


# ---- 1. 100,000 lines, complete and in order --------------------------


def test_100k_lines_source_to_kafka_to_sink(kconnect, tmp_path):
    n = 100000
    topic = unique_name("file-100k")
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes(lines_blob(0, n))
    source, sink = file_pipeline(topic, src, out)
    w = kconnect(connectors=[source, sink])
    w.wait_for_connector(source["name"], "RUNNING", tasks=1)
    w.wait_for_connector(sink["name"], "RUNNING", tasks=1)
    wait_until(lambda: count_lines(out) >= n, 120,
               "%d lines in %s (have %d)" % (n, out, count_lines(out)),
               worker=w)
    assert out.read_bytes() == src.read_bytes()
    values = consume_values(topic, n)
    assert payloads(values) == [line_text(i) for i in range(n)]
    assert topic_partitions(topic) == 1
    # A line appended later is picked up (the task tails the file).
    with open(src, "ab") as f:
        f.write(b"one more\n")
    wait_until(lambda: count_lines(out) >= n + 1, 30, "the appended line",
               worker=w)
    assert out.read_bytes() == src.read_bytes()
    assert w.stop() == 0


# ---- 2. kill -9 and restart -------------------------------------------


def test_kill_9_and_restart_lose_nothing(tmp_path):
    total = 200000
    chunk = 1000  # every 50 ms: about 10 s of writing
    topic = unique_name("file-kill")
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    source, sink = file_pipeline(topic, src, out)
    # A short consumer session lets the group drop the killed worker's
    # member sooner (the broker's minimum is 6 s; Connect's default 45 s).
    w = KconnectWorker(tmp_path, connectors=[source, sink],
                       worker={"offset.flush.interval.ms": "300",
                               "consumer.session.timeout.ms": "6000",
                               "consumer.heartbeat.interval.ms": "1000"})
    written = [0]
    stop_writing = threading.Event()
    killed = threading.Event()

    def writer():
        # The second half is written only once the worker is dead, so the
        # kill always falls in the middle of the work.
        with open(src, "ab", buffering=0) as f:
            while written[0] < total and not stop_writing.is_set():
                if written[0] >= total // 2:
                    killed.wait(120)
                f.write(lines_blob(written[0], written[0] + chunk))
                written[0] += chunk
                time.sleep(0.05)

    src.write_bytes(b"")
    t = threading.Thread(target=writer, daemon=True)
    try:
        w.start()
        w.wait_for_connector(sink["name"], "RUNNING", tasks=1)
        t.start()
        group = "connect-" + sink["name"]
        # Kill once both sides have committed something and work is still
        # under way.
        wait_until(lambda: committed_position(w.offsets_path) > 0
                   and (committed_offset(group, topic) or 0) > 0,
                   60, "first source and sink commits", interval=0.2,
                   worker=w)
        w.stop(signal.SIGKILL)
        killed.set()
        pos_at_kill = committed_position(w.offsets_path)
        sink_at_kill = committed_offset(group, topic)
        out_at_kill = count_lines(out)
        assert pos_at_kill % LINE_WIDTH == 0, pos_at_kill
        t.join(60)
        assert written[0] == total
        assert out_at_kill <= total // 2
        w.start()
        wait_until(lambda: count_lines(out) >= total
                   and set(read_lines(out)[-1:]) == {line_text(total - 1)},
                   180, "all %d lines in the sink file" % total,
                   interval=0.5, worker=w)
        assert w.stop() == 0
    finally:
        stop_writing.set()
        killed.set()
        if w.running:
            w.stop(signal.SIGKILL)

    expected = [line_text(i) for i in range(total)]
    # Source side: the topic holds the lines up to the kill, then, after
    # the restart, the lines from the committed position on: a repeated
    # run that starts exactly at the committed position, nothing missing.
    topic_lines = payloads(consume_values(topic, total))
    c = pos_at_kill // LINE_WIDTH
    a = len(topic_lines) - (total - c)
    assert a >= c, ("the topic has %d records: fewer than the %d lines "
                    "before the committed position %d plus the %d after"
                    % (len(topic_lines), c, pos_at_kill, total - c))
    assert topic_lines[:a] == expected[:a], "lines before the kill"
    assert topic_lines[a:] == expected[c:], (
        "after the restart the source did not re-read from the committed "
        "position %d (line %d) in order" % (pos_at_kill, c))
    # Sink side: the file holds what the sink wrote before the kill, then
    # the records from the committed consumer offset on.
    out_lines = read_lines(out)
    ks = sink_at_kill or 0
    assert ks <= out_at_kill, (ks, out_at_kill)
    assert out_lines[:out_at_kill] == topic_lines[:out_at_kill]
    assert out_lines[out_at_kill:] == topic_lines[ks:], (
        "after the restart the sink did not resume at the committed offset "
        "%d in order" % ks)
    assert set(out_lines) == set(expected)
    print("kill -9 at: %d lines out, source committed line %d (%d re-read), "
          "sink committed offset %d (%d re-delivered)"
          % (out_at_kill, c, a - c, ks, out_at_kill - ks))


# ---- 3. Apache's quick-start files as they are --------------------------

APACHE_STANDALONE = """\
# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.  See the NOTICE file distributed with
# this work for additional information regarding copyright ownership.

# These are defaults. This file just demonstrates how to override some
# settings.
bootstrap.servers=localhost:9092

# The converters specify the format of data in Kafka and how to translate it
# into Connect data. Every Connect user will need to configure these based on
# the format they want their data in when loaded from or stored into Kafka
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
# Converter-specific settings can be passed in by prefixing the Converter's
# setting with the converter we want to apply it to
key.converter.schemas.enable=true
value.converter.schemas.enable=true

offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000

# Set to a list of filesystem paths separated by commas (,) to enable class
# loading isolation for plugins (connectors, converters, transformations).
# plugin.path=/usr/local/share/java,/usr/local/share/kafka/plugins,/opt/connectors,
#plugin.path=
"""

APACHE_FILE_SOURCE = """\
# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.

name=local-file-source
connector.class=FileStreamSource
tasks.max=1
file=test.txt
topic=connect-test
"""

APACHE_FILE_SINK = """\
# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.

name=local-file-sink
connector.class=FileStreamSink
tasks.max=1
file=test.sink.txt
topics=connect-test
"""


def test_apache_quickstart_files_unchanged(tmp_path):
    topic = unique_name("connect-test")
    w = KconnectWorker(tmp_path, wait=True)
    port = free_port()
    w.port = port
    w.url = "http://127.0.0.1:%d" % port
    worker_text = APACHE_STANDALONE.replace(
        "/tmp/connect.offsets", str(w.offsets_path))
    if os.environ.get("KC_BOOTSTRAP_SERVERS"):
        worker_text = worker_text.replace("localhost:9092", DEFAULT_BOOTSTRAP)
    worker_text += "listeners=http://127.0.0.1:%d\n" % port
    w.worker_path.write_text(worker_text)
    src_props = w.dir / "connect-file-source.properties"
    sink_props = w.dir / "connect-file-sink.properties"
    src_props.write_text(APACHE_FILE_SOURCE.replace("connect-test", topic))
    sink_props.write_text(APACHE_FILE_SINK.replace("connect-test", topic))
    w.connector_paths = [src_props, sink_props]
    # The quick start: "echo -e "foo\nbar" > test.txt", relative to the
    # worker's working directory, like the connector files say.
    (w.dir / "test.txt").write_text("foo\nbar\n")
    try:
        w.start()
        assert sorted(w.get("/connectors")) == ["local-file-sink",
                                                "local-file-source"]
        w.wait_for_connector("local-file-source", "RUNNING", tasks=1)
        w.wait_for_connector("local-file-sink", "RUNNING", tasks=1)
        cfg = w.get("/connectors/local-file-source/config")
        assert cfg["connector.class"] == "FileStreamSource"
        assert cfg["file"] == "test.txt"
        sink_out = w.dir / "test.sink.txt"
        wait_until(lambda: count_lines(sink_out) >= 2, 60,
                   "2 lines in test.sink.txt", worker=w)
        assert sink_out.read_text() == "foo\nbar\n"
        # What Apache's JsonConverter writes for Schema.STRING_SCHEMA.
        values = consume_values(topic, 2)
        assert values == [
            b'{"schema":{"type":"string","optional":false},"payload":"foo"}',
            b'{"schema":{"type":"string","optional":false},"payload":"bar"}']
        with open(w.dir / "test.txt", "a") as f:
            f.write("Another line\n")
        wait_until(lambda: count_lines(sink_out) >= 3, 60,
                   "the appended line in test.sink.txt", worker=w)
        assert sink_out.read_text() == "foo\nbar\nAnother line\n"
        # A clean stop commits the source offset in Apache's file format.
        assert w.stop() == 0
        assert committed_position(w.offsets_path) == len(
            "foo\nbar\nAnother line\n")
        # The key Apache's standalone worker stores for this partition.
        assert (b'["local-file-source",{"filename":"test.txt"}]'
                in w.offsets_path.read_bytes())
    finally:
        if w.running:
            w.stop(signal.SIGKILL)


# ---- 4. JsonConverter values print as Apache prints them ----------------


def _golden():
    cases, expected = [], {}
    for line in (GOLDEN / "cases.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, env = line.split("\t", 1)
            cases.append((name, env))
    for line in (GOLDEN / "expected.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, text = line.split("\t", 1)
            expected[name] = re.sub(
                r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(
                    m.group(1), m.group(1)), text)
    return cases, expected


def test_json_values_print_like_apache(kconnect, tmp_path):
    cases, expected = _golden()
    topic = unique_name("file-json")
    out = tmp_path / "out.txt"
    payload = "".join(env + "\n" for _, env in cases).encode("utf-8")
    prod = subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t", topic,
                           "-p", "0"], input=payload, capture_output=True,
                          timeout=60)
    assert prod.returncode == 0, prod.stderr
    sink = {"name": "json-sink", "connector.class":
            "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1", "file": str(out), "topics": topic}
    w = kconnect(connectors=[sink])
    w.wait_for_connector("json-sink", "RUNNING", tasks=1)
    wait_until(lambda: count_lines(out) >= len(cases), 60,
               "%d lines in %s" % (len(cases), out), worker=w)
    got = read_lines(out)
    assert len(got) == len(cases)
    wrong = ["%s: expected %r, got %r" % (name, expected[name], g)
             for (name, _), g in zip(cases, got) if g != expected[name]]
    assert not wrong, "\n".join(wrong)
