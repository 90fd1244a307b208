# SPDX-License-Identifier: Apache-2.0
"""Faults, against a broker of our own (scripts/kafka on KC_FAULTS_PORT,
default 19600; never the shared broker): the worker killed with SIGKILL at
random points of a source and of a sink stream, the broker paused and killed
under a running worker, a full disk under FileStreamSink, SIGTERM while the
producer waits on a paused broker, and records larger than the broker takes.

Random kill points come from KC_FAULTS_SEED (printed on failure) so that a
failing run can be repeated.
"""

import os
import random
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import STRICT
from kconnect_worker import (KconnectWorker, PrivateKafka,  # noqa
                             check_no_sanitizer_report, kconnect,
                             offsets_file_positions, unique_name)

PORT = int(os.environ.get("KC_FAULTS_PORT", "19600"))
# The size limit of the topic in the broker-side record-too-large tests:
# small enough that a 400 kB record (below the producer's own 1 MB limit)
# reaches the broker and is refused there. A topic config, not the broker's
# message.max.bytes, which would also refuse batches of small records.
TOPIC_MAX_MESSAGE = 262144
SEED = int(os.environ.get("KC_FAULTS_SEED", str(int(time.time()))))
STRING = "org.apache.kafka.connect.storage.StringConverter"
LINE = "line %07d"  # fixed width: a byte position maps to a line index
LINE_LEN = len(LINE % 0) + 1


@pytest.fixture(scope="module")
def broker():
    # A killed worker's sink consumer stays in its group until its session
    # times out, and the next one waits for that: let sessions be short.
    b = PrivateKafka(PORT, props={"group.min.session.timeout.ms": 1000})
    b.start()
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture
def fault_broker(broker):
    """The module's broker, answering again after the test whatever the test
    did to it (paused, killed), so that one failure does not fail the rest."""
    yield broker
    try:
        broker.resume()
    except RuntimeError:
        broker.restart_keep()


@pytest.fixture
def rng():
    r = random.Random(SEED)
    yield r


def worker_props(b, **extra):
    props = {"bootstrap.servers": b.bootstrap, "key.converter": STRING,
             "value.converter": STRING, "offset.flush.interval.ms": "200",
             "consumer.session.timeout.ms": "3000",
             "consumer.heartbeat.interval.ms": "500"}
    props.update(extra)
    return props


def file_source(name, path, topic, **extra):
    cfg = {"name": name, "connector.class": "FileStreamSource",
           "file": str(path), "topic": topic}
    cfg.update(extra)
    return cfg


def file_sink(name, path, topic, **extra):
    cfg = {"name": name, "connector.class": "FileStreamSink",
           "file": str(path), "topics": topic}
    cfg.update(extra)
    return cfg


def lines(start, stop):
    return [LINE % i for i in range(start, stop)]


def append(path, values):
    with open(path, "a") as f:
        f.write("".join(v + "\n" for v in values))


def topic_values(b, topic):
    """Every value in @topic now (all partitions, in offset order for one)."""
    out = subprocess.run(["kcat", "-b", b.bootstrap, "-C", "-t", topic, "-e",
                          "-q", "-o", "beginning", "-f", "%s\n"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return []
    return out.stdout.splitlines()


def wait_topic_values(b, topic, expect, timeout=60.0, what=None):
    """The values of @topic once it holds at least @expect distinct ones."""
    deadline = time.monotonic() + timeout
    got = []
    while time.monotonic() < deadline:
        got = topic_values(b, topic)
        if len(set(got)) >= expect:
            return got
        time.sleep(0.3)
    raise AssertionError("%s: %d distinct values, wanted %d%s"
                         % (topic, len(set(got)), expect,
                            " (%s)" % what if what else ""))


def produce(b, topic, values):
    out = subprocess.run(["kcat", "-b", b.bootstrap, "-t", topic, "-P",
                          "-X", "acks=all"],
                         input="".join(v + "\n" for v in values), text=True,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, "kcat -P %s exited %d: %s" % (
        topic, out.returncode, out.stderr)


def line_index(v):
    m = re.fullmatch(r"line (\d{7})", v)
    return int(m.group(1)) if m else None


def check_resends(values, n, rewinds, what, index=line_index):
    """@values (a topic or a file, in order) must hold records 0..n-1 each at
    least once, and may repeat records only as whole suffixes re-sent from a
    committed position: walking them, a record is either the next one or the
    start of a re-send at one of @rewinds (record indexes committed before a
    kill), taken in order. @rewinds None: one re-send from anywhere."""
    nxt = 0
    allowed = [None] if rewinds is None else list(rewinds)
    for pos, v in enumerate(values):
        i = index(v)
        assert i is not None, ("%s: value %d is not a whole record: %r"
                               % (what, pos, v[:200]))
        if i == nxt:
            nxt += 1
            continue
        assert i < nxt, ("%s: records %d..%d lost (value %d is record %d)"
                         % (what, nxt, i - 1, pos, i))
        # A re-send: it must start at a committed position, at or after the
        # earlier ones (each restart resumes from its last commit).
        while allowed and allowed[0] not in (i, None):
            allowed.pop(0)
        if not allowed:
            pytest.fail("%s: from value %d, records %d..%d again (%d "
                        "duplicates), and %d is not a committed position to "
                        "resume from (commits: %r)"
                        % (what, pos, i, nxt - 1, nxt - i, i, rewinds),
                        pytrace=False)
        allowed.pop(0)
        nxt = i + 1
    assert nxt == n, "%s: records %d..%d never arrived" % (what, nxt, n - 1)


class Feeder(threading.Thread):
    """Appends @total lines to a file (or produces them to a topic) in
    chunks, at a steady pace, while the test kills things."""

    def __init__(self, total, chunk, pause, sink):
        super().__init__(daemon=True)
        self.total, self.chunk, self.pause, self.sink = total, chunk, pause, \
            sink
        self.error = None

    def run(self):
        try:
            for start in range(0, self.total, self.chunk):
                self.sink(lines(start, min(start + self.chunk, self.total)))
                time.sleep(self.pause)
        except Exception as e:  # reported by the test
            self.error = e


# --- kill -9 of the worker -------------------------------------------------

def test_sigkill_at_random_points_of_a_source_stream_loses_nothing(
        fault_broker, tmp_path, rng):
    """The topic holds every line at least once; repeats are only whole
    suffixes re-sent from the position the offsets file held at a kill."""
    b = fault_broker
    topic = unique_name("kill-src")
    src = tmp_path / "in.txt"
    src.touch()
    total = 30000
    w = KconnectWorker(tmp_path, worker=worker_props(b),
                       connectors=[file_source(unique_name("src"), src,
                                               topic)])
    feeder = Feeder(total, 500, 0.05, lambda v: append(src, v))
    rewinds = []
    try:
        w.start()
        feeder.start()
        for _ in range(4):
            time.sleep(rng.uniform(0.3, 1.5))
            assert w.stop(signal.SIGKILL) == -signal.SIGKILL
            pos = offsets_file_positions(w.offsets_path)
            committed = pos[0] if pos else 0
            assert committed % LINE_LEN == 0, (committed, w.log())
            rewinds.append(committed // LINE_LEN)
            w.start()
        feeder.join(120)
        assert feeder.error is None, feeder.error
        values = wait_topic_values(b, topic, total)
        assert w.stop() == 0
    finally:
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    check_resends(values, total, rewinds, "topic %s (seed %d)"
                  % (topic, SEED))


def sink_committed(b, tmp_path, name, topic):
    """The consumer offset committed for connector @name's group, read by a
    second worker on which the connector is created STOPPED (it does not
    join the group, so it cannot move the offset)."""
    w = KconnectWorker(tmp_path, worker=worker_props(b))
    try:
        w.start()
        w.post("/connectors", {
            "name": name, "initial_state": "STOPPED",
            "config": file_sink(name, tmp_path / "unused.txt", topic)})
        w.wait_for_connector(name, "STOPPED")
        offs = w.get("/connectors/%s/offsets" % name)["offsets"]
        assert w.stop() == 0
    finally:
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    return offs[0]["offset"]["kafka_offset"] if offs else 0


def test_sigkill_at_random_points_of_a_sink_stream_loses_nothing(
        fault_broker, tmp_path, rng):
    """The output file holds every record; repeats are only records
    re-delivered from the consumer offset committed at a kill."""
    b = fault_broker
    topic = unique_name("kill-sink")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    total = 30000
    produce(b, topic, lines(0, 1000))
    w = KconnectWorker(tmp_path, worker=worker_props(b),
                       connectors=[file_sink(name, out, topic)])
    feeder = Feeder(total - 1000, 1000, 0.1,
                    lambda v: produce(b, topic, [
                        LINE % (int(x[5:]) + 1000) for x in v]))
    rewinds = []
    try:
        w.start()
        feeder.start()
        for _ in range(3):
            time.sleep(rng.uniform(0.3, 1.5))
            assert w.stop(signal.SIGKILL) == -signal.SIGKILL
            rewinds.append(sink_committed(b, tmp_path, name, topic))
            w.start()
        feeder.join(120)
        assert feeder.error is None, feeder.error

        def whole():
            got = out.read_text().splitlines() if out.exists() else []
            return len(set(got)) >= total and got
        got = w.wait_for(whole, timeout=60, what="%d records in %s"
                         % (total, out))
        assert w.stop() == 0
    finally:
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    check_resends(got, total, rewinds, "file %s (seed %d)" % (out, SEED))


# --- the broker paused and killed under a running worker --------------------

def test_broker_paused_and_killed_tasks_recover_without_loss_or_duplicates(
        fault_broker, tmp_path):
    """A source and a sink keep running through a paused (SIGSTOP/SIGCONT)
    and a killed-and-restarted broker: RUNNING afterwards without a restart
    by the test, every line in the topic exactly once (the idempotent
    producer), every line in the sink's file."""
    b = fault_broker
    topic = unique_name("brk")
    src = tmp_path / "in.txt"
    src.touch()
    out = tmp_path / "out.txt"
    # The feeder runs for about 20 s: through the pause and the kill.
    total = 100000
    srcname, sinkname = unique_name("src"), unique_name("sink")
    # A produce request sent into the pause times out on the client after
    # 1.5 s (librdkafka's socket.timeout.ms; its request.timeout.ms is only
    # the broker's ack timeout) and is sent again on a new connection; the
    # broker still appends the first copy when it runs again. Without the
    # idempotent producer that is a duplicate batch (seen on every run).
    w = KconnectWorker(tmp_path, worker=worker_props(
        b, **{"producer.socket.timeout.ms": "1500"}), connectors=[
        file_source(srcname, src, topic), file_sink(sinkname, out, topic)])
    feeder = Feeder(total, 1000, 0.2, lambda v: append(src, v))
    try:
        w.start()
        w.wait_for_connector(srcname, "RUNNING", tasks=1)
        w.wait_for_connector(sinkname, "RUNNING", tasks=1)
        feeder.start()
        time.sleep(1.0)
        b.pause()
        time.sleep(5.0)
        b.resume()
        time.sleep(1.0)
        b.kill()
        time.sleep(2.0)
        b.restart_keep()
        feeder.join(120)
        assert feeder.error is None, feeder.error
        values = wait_topic_values(b, topic, total, timeout=120)
        for name in (srcname, sinkname):
            w.wait_for_connector(name, "RUNNING", tasks=1, timeout=60)

        def whole():
            got = out.read_text().splitlines() if out.exists() else []
            return len(set(got)) >= total and got
        got = w.wait_for(whole, timeout=60, what="%d lines in %s"
                         % (total, out))
        assert w.stop() == 0
    finally:
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    # Nothing lost from the source, nothing sent twice.
    check_resends(values, total, [], "topic %s" % topic)
    # The sink may repeat what it wrote after its last commit; not lose.
    assert set(got) == set(lines(0, total))
    assert all(re.fullmatch(r"line \d{7}", v) for v in got)


# --- disk full under FileStreamSink -----------------------------------------

@pytest.fixture
def small_fs(tmp_path):
    """A 64 KiB tmpfs at tmp_path/mnt (root only)."""
    if os.geteuid() != 0:
        msg = ("the disk-full test mounts a tmpfs and needs root "
               "(CI runs as root)")
        if STRICT:
            pytest.fail("KC_E2E_STRICT=1: " + msg, pytrace=False)
        pytest.skip(msg)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                          str(mnt)], capture_output=True, text=True)
    if out.returncode != 0:
        pytest.fail("could not mount a tmpfs at %s (the disk-full test needs "
                    "it): %s" % (mnt, out.stderr.strip()), pytrace=False)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_fails_the_sink_task_and_restart_completes_the_file(
        fault_broker, tmp_path, small_fs):
    b = fault_broker
    topic = unique_name("full")
    name = unique_name("sink")
    out = small_fs / "out.txt"
    # 3000 x 100 bytes do not fit in 64 KiB.
    recs = ["rec %05d " % i + "x" * 89 for i in range(3000)]
    produce(b, topic, recs)
    w = KconnectWorker(tmp_path, worker=worker_props(b),
                       connectors=[file_sink(name, out, topic)])
    try:
        w.start()
        st = w.wait_for_connector(name, "RUNNING")
        st = w.wait_for(lambda: (lambda s: s["tasks"] and
                                 s["tasks"][0]["state"] == "FAILED" and s)(
            w.get("/connectors/%s/status" % name)),
            what="the sink task FAILED on a full disk")
        trace = st["tasks"][0].get("trace", "")
        assert "No space left on device" in trace, trace
        data = out.read_bytes()
        assert data == b"" or data.endswith(b"\n"), \
            "partial line left: %r" % data[-120:]
        part = data.decode().splitlines()
        assert part == recs[:len(part)], "the file holds other than whole " \
                                         "records in order"

        subprocess.run(["mount", "-o", "remount,size=4m", str(small_fs)],
                       check=True)
        w.post("/connectors/%s/tasks/0/restart" % name)

        def whole():
            got = out.read_text().splitlines()
            return len(set(got)) >= len(recs) and got
        got = w.wait_for(whole, timeout=60, what="the whole file")
        w.wait_for_connector(name, "RUNNING", tasks=1)
        assert w.stop() == 0
    finally:
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    # Every line a whole record (no fragment glued to a re-delivered one),
    # every record there; repeats only as one re-delivered run.
    pos = {r: i for i, r in enumerate(recs)}
    check_resends(got, len(recs), None, "file %s" % out, index=pos.get)


# --- SIGTERM while the producer waits on a paused broker --------------------

def test_sigterm_under_back_pressure_exits_0_and_saves_acknowledged_offsets(
        fault_broker, tmp_path):
    b = fault_broker
    topic = unique_name("bp")
    src = tmp_path / "in.txt"
    first = 1000
    total = 60000
    append(src, lines(0, first))
    # Only the flush at stop writes the offsets file; a small producer
    # buffer fills at once while the broker is paused.
    w = KconnectWorker(tmp_path, worker=worker_props(
        b, **{"offset.flush.interval.ms": "600000",
              "producer.buffer.memory": "65536"}),
        connectors=[file_source(unique_name("src"), src, topic)])
    paused = False
    try:
        w.start()
        wait_topic_values(b, topic, first)
        b.pause()
        paused = True
        append(src, lines(first, total))
        time.sleep(3.0)
        rc = w.stop(signal.SIGTERM, timeout=60)
        assert rc == 0, "exit %r after SIGTERM under back-pressure:\n%s" % (
            rc, w.log())
        pos = offsets_file_positions(w.offsets_path)
        assert pos, "no offsets saved at SIGTERM:\n%s" % w.log()
        committed = pos[0] // LINE_LEN
        # What the broker acknowledged before the pause is saved.
        assert committed >= first, (committed, w.log())
        assert pos[0] % LINE_LEN == 0
        b.resume()
        paused = False
        w.start()
        values = wait_topic_values(b, topic, total, timeout=90)
        assert w.stop() == 0
    finally:
        if paused:
            b.resume()
        w.stop(signal.SIGKILL)
        check_no_sanitizer_report(w)
    # Repeats only from the saved position (what was not acknowledged).
    check_resends(values, total, [committed], "topic %s" % topic)


# --- records larger than the broker takes -----------------------------------

BIG = {"broker": 400000,      # the producer sends it; the broker refuses
       "producer": 2000000}   # over the producer's 1 MB: refused at once


def big_source(name, path, topic, where, **extra):
    if where == "broker":
        extra.update({
            "topic.creation.default.replication.factor": "1",
            "topic.creation.default.partitions": "1",
            "topic.creation.default.max.message.bytes":
                str(TOPIC_MAX_MESSAGE)})
    return file_source(name, path, topic, **extra)


def alive(w):
    assert w.running, w.log()
    assert w.get("/")["version"]
    assert isinstance(w.get("/connectors"), list)


@pytest.mark.parametrize("where", sorted(BIG))
def test_record_too_large_with_tolerance_none_fails_the_task(
        fault_broker, kconnect, tmp_path, where):
    b = fault_broker
    topic = unique_name("big")
    name = unique_name("src")
    src = tmp_path / "in.txt"
    append(src, ["before"])
    w = kconnect(worker=worker_props(b), connectors=[
        big_source(name, src, topic, where, **{"errors.tolerance": "none"})])
    assert wait_topic_values(b, topic, 1) == ["before"]
    append(src, ["x" * BIG[where], "after"])
    st = w.wait_for(lambda: (lambda s: s["tasks"] and
                             s["tasks"][0]["state"] == "FAILED" and s)(
        w.get("/connectors/%s/status" % name)),
        what="the source task FAILED on a record too large")
    trace = st["tasks"][0].get("trace", "")
    assert re.search(r"too ?large", trace, re.I), trace
    alive(w)
    time.sleep(1.0)
    alive(w)
    assert w.stop() == 0


@pytest.mark.parametrize("where", sorted(BIG))
def test_record_too_large_with_tolerance_all_is_skipped(
        fault_broker, kconnect, tmp_path, where):
    b = fault_broker
    topic = unique_name("big")
    name = unique_name("src")
    src = tmp_path / "in.txt"
    append(src, ["before"])
    w = kconnect(worker=worker_props(b), connectors=[
        big_source(name, src, topic, where, **{"errors.tolerance": "all",
                                               "errors.log.enable": "true"})])
    assert wait_topic_values(b, topic, 1) == ["before"]
    append(src, ["x" * BIG[where]])
    w.wait_for(lambda: re.search(r"too ?large", w.log(), re.I),
               what="the skipped record in the log")
    append(src, ["after %d" % i for i in range(100)])
    values = wait_topic_values(b, topic, 101)
    assert values == ["before"] + ["after %d" % i for i in range(100)]
    st = w.get("/connectors/%s/status" % name)
    assert st["tasks"][0]["state"] == "RUNNING", st
    alive(w)
    assert w.stop() == 0
