# SPDX-License-Identifier: Apache-2.0
"""Apache's system-test connectors, VerifiableSource and VerifiableSink
(org.apache.kafka.connect.tools.*), built into kconnect.

The side-by-side tests run the same connector config in an Apache Kafka
Connect 4.1.1 standalone worker (scripts/apache-connect) with Apache's own
connect-test-plugins jar, and in kconnect, on the shared broker, and compare
what each wrote to Kafka (keys, values and schemas with JsonConverter
schemas.enable=true) and the JSON lines each printed on stdout (field
order, field types, sequence numbers; times differ). Apache does not
publish connect-test-plugins 4.1.1; 4.0.2 is the nearest release on Maven
Central and its Verifiable* classes are those of 4.1.1.

The kill -9 test: a restarted source task resumes after the committed
seqno, so the topic holds every seqno and duplicates only after the last
commit.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kconnect_worker import (DEFAULT_BOOTSTRAP, KconnectWorker,  # noqa: F401
                             apache_connect_classpath, consume_all,
                             json_lines, kconnect, unique_name,
                             write_properties)

REPO = Path(__file__).resolve().parents[2]
COMPAT_LOG4J = REPO / "tests" / "compat" / "log4j2.properties"
SOURCE_CLASS = "org.apache.kafka.connect.tools.VerifiableSourceConnector"
SINK_CLASS = "org.apache.kafka.connect.tools.VerifiableSinkConnector"


# ---- Apache side ------------------------------------------------------------

def _apache_port():
    """A free port for the Apache worker's REST listener, from the range
    tests/compat uses (KC_COMPAT_PORT_BASE, default 20000)."""
    base = int(os.environ.get("KC_COMPAT_PORT_BASE", "20000"))
    for port in range(base, base + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in %d..%d" % (base, base + 99))


class ApacheWorker:
    """An Apache Kafka Connect standalone worker; its stdout (the connectors'
    JSON lines; log4j writes to stderr) goes to a file of its own."""

    def __init__(self, tmp_path, connector, worker=None):
        self.dir = Path(tmp_path) / unique_name("apache")
        self.dir.mkdir(parents=True)
        self.port = _apache_port()
        self.out_path = self.dir / "stdout"
        self.err_path = self.dir / "stderr"
        props = {
            "bootstrap.servers": DEFAULT_BOOTSTRAP,
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "true",
            "value.converter.schemas.enable": "true",
            "offset.storage.file.filename": str(self.dir / "offsets"),
            "offset.flush.interval.ms": "1000",
            "listeners": "http://127.0.0.1:%d" % self.port,
        }
        props.update(worker or {})
        write_properties(self.dir / "worker.properties", props)
        write_properties(self.dir / "connector.properties", connector)
        self.proc = None

    def start(self):
        java = os.environ.get("KC_JAVA", "java")
        cmd = [java, "-Xms128M", "-Xmx512M", "-Duser.timezone=UTC",
               "-Dlog4j2.configurationFile=%s" % COMPAT_LOG4J,
               "-cp", apache_connect_classpath(),
               "org.apache.kafka.connect.cli.ConnectStandalone",
               str(self.dir / "worker.properties"),
               str(self.dir / "connector.properties")]
        self._out = open(self.out_path, "ab")
        self._err = open(self.err_path, "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err,
                                     cwd=str(self.dir),
                                     start_new_session=True)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc is not None:
            self._out.close()
            self._err.close()

    def output(self):
        return self.out_path.read_text(errors="replace")

    def log(self):
        return self.err_path.read_text(errors="replace")[-4000:]


@pytest.fixture
def apache(tmp_path):
    made = []

    def make(connector, worker=None):
        w = ApacheWorker(tmp_path, connector, worker)
        made.append(w)
        return w.start()

    yield make
    for w in made:
        w.stop()


# ---- the JSON lines -----------------------------------------------------

def other_lines(text, prefix):
    return [ln for ln in text.splitlines() if ln.startswith(prefix)]


def shape(line):
    """A line's field names in order with their JSON types."""
    return [(k, type(v).__name__) for k, v in line.items()]


def wait_until(pred, timeout, what, logs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.25)
    raise AssertionError("timed out waiting for %s\n%s" % (what, logs()))


def source_lines(lines):
    """(produced, committed) lines of a VerifiableSource run."""
    produced = [ln for ln in lines if "committed" not in ln
                and "sinkTask" not in ln]
    committed = [ln for ln in lines if ln.get("committed") is True]
    return produced, committed


def records(topic, expect):
    """(key, value) of every record of topic, both as decoded JSON."""
    got = consume_all(topic, expect=expect, timeout=60)
    return [(json.loads(r["key"]), json.loads(r["payload"])) for r in got]


# ---- tests ------------------------------------------------------------

@pytest.mark.asan_skip
@pytest.mark.parametrize("complete", [False, True])
def test_verifiable_source_matches_apache(kconnect, apache, complete):
    per_task = 15
    name = unique_name("vsrc")
    conf = {"name": name, "connector.class": SOURCE_CLASS,
            "tasks.max": "2", "throughput": "20"}
    if complete:
        conf["complete.record.data"] = "true"
    topic_a = unique_name("verif-src-apache")
    topic_k = unique_name("verif-src-kc")
    a = apache(dict(conf, topic=topic_a))
    k = kconnect(connectors=[dict(conf, topic=topic_k)],
                 worker={"offset.flush.interval.ms": "1000"})

    def enough(text):
        produced, committed = source_lines(json_lines(text))
        return all(sum(1 for ln in committed if ln["task"] == t) >= per_task
                   for t in (0, 1)) or other_lines(text, "Bad data") != []

    def logs():
        return "apache:\n%s\nkconnect:\n%s" % (a.log(), k.log()[-4000:])

    wait_until(lambda: enough(a.output()) and enough(k.log()),
               120, "%d committed records per task on both sides" % per_task,
               logs)
    a.stop()
    k.stop()
    a_text, k_text = a.output(), k.log()
    a_prod, a_comm = source_lines(json_lines(a_text))
    k_prod, k_comm = source_lines(json_lines(k_text))

    # The same line shapes: field order and types.
    assert {tuple(shape(ln)) for ln in k_prod} == \
        {tuple(shape(ln)) for ln in a_prod}
    if complete:
        # Apache hands Jackson the Struct for "committed": it cannot.
        assert a_comm == [] and k_comm == []
        assert set(other_lines(k_text, "Bad data")) == \
            set(other_lines(a_text, "Bad data"))
    else:
        assert {tuple(shape(ln)) for ln in k_comm} == \
            {tuple(shape(ln)) for ln in a_comm}
    for prod, topic in ((a_prod, topic_a), (k_prod, topic_k)):
        for t in (0, 1):
            seqnos = [ln["seqno"] for ln in prod if ln["task"] == t]
            assert seqnos == list(range(len(seqnos))), (topic, t)
        assert {ln["name"] for ln in prod} == {name}
        assert {ln["topic"] for ln in prod} == {topic}
    # Committed lines: per task, each seqno once, in order, from 0.
    for comm in (a_comm, k_comm):
        for t in (0, 1):
            seqnos = [ln["seqno"] for ln in comm if ln["task"] == t]
            assert seqnos == list(range(len(seqnos)))

    # What reached Kafka: same key/value schemas, values from the lines.
    a_recs = records(topic_a, len(a_prod))
    k_recs = records(topic_k, len(k_prod))

    def schemas(recs):
        return {json.dumps([key["schema"], val["schema"]]) for key, val in
                recs}

    assert schemas(k_recs) == schemas(a_recs)
    assert len(schemas(k_recs)) == 1
    for recs, prod, topic in ((a_recs, a_prod, topic_a),
                              (k_recs, k_prod, topic_k)):
        got = sorted((key["payload"], json.dumps(val["payload"],
                                                 sort_keys=True))
                     for key, val in recs)
        if complete:
            want = sorted((ln["task"], json.dumps(
                {"name": name, "task": ln["task"], "topic": topic,
                 "time_ms": ln["time_ms"], "seqno": ln["seqno"]},
                sort_keys=True)) for ln in prod)
        else:
            want = sorted((ln["task"], json.dumps(ln["seqno"]))
                          for ln in prod)
        assert got == want, topic


@pytest.mark.asan_skip
def test_verifiable_sink_matches_apache(kconnect, apache, kcat):
    topic = unique_name("verif-sink-in")
    key = '{"schema":{"type":"int32","optional":false},"payload":%d}'
    val = '{"schema":{"type":"int64","optional":false},"payload":%d}'
    struct = ('{"schema":{"type":"struct","fields":[{"type":"int64",'
              '"optional":false,"field":"seqno"}],"optional":false},'
              '"payload":{"seqno":99}}')
    keys = [key % (i % 2) for i in range(10)] + [key % 0]
    values = [val % (i // 2) for i in range(10)] + [struct]
    kcat.produce(topic, values, keys=keys, partition=0)
    conf = {"connector.class": SINK_CLASS, "tasks.max": "1", "topics": topic}
    a = apache(dict(conf, name=unique_name("vsink-a")))
    k = kconnect(connectors=[dict(conf, name=unique_name("vsink-k"))],
                 worker={"offset.flush.interval.ms": "1000"})

    def enough(text):
        lines = json_lines(text)
        return (sum(1 for ln in lines if ln.get("flushed")) >= 10 and
                len(other_lines(text, "Bad data")) >= 2)

    def logs():
        return "apache:\n%s\nkconnect:\n%s" % (a.log(), k.log()[-4000:])

    wait_until(lambda: enough(a.output()) and enough(k.log()),
               120, "10 flushed records on both sides", logs)
    a.stop()
    k.stop()
    a_text, k_text = a.output(), k.log()
    a_lines, k_lines = json_lines(a_text), json_lines(k_text)
    assert {tuple(shape(ln)) for ln in k_lines} == \
        {tuple(shape(ln)) for ln in a_lines}
    assert len({tuple(shape(ln)) for ln in k_lines}) == 2  # put, flushed

    def facts(lines):
        return sorted((ln["task"], ln["seqno"], ln["offset"], ln["topic"],
                       ln["sinkTask"], ln.get("flushed", False))
                      for ln in lines)

    assert facts(k_lines) == facts(a_lines)
    assert len(facts(k_lines)) == 20
    # The struct value: both print Jackson's failure instead, put and flush.
    assert other_lines(k_text, "Bad data") == other_lines(a_text, "Bad data")


def test_verifiable_source_resumes_after_kill9_from_committed_seqno(kconnect):
    topic = unique_name("verif-kill")
    conf = {"name": unique_name("vsrc"), "connector.class": SOURCE_CLASS,
            "tasks.max": "1", "throughput": "100", "topic": topic}
    k = kconnect(connectors=[conf],
                 worker={"offset.flush.interval.ms": "500"})

    def stored():
        try:
            raw = k.offsets_path.read_bytes()
        except FileNotFoundError:
            return []
        return [int(m) for m in re.findall(rb'"seqno":(\d+)', raw)]

    wait_until(lambda: stored() and max(stored()) >= 50, 60,
               "an offset commit past seqno 50", lambda: k.log()[-4000:])
    # Let more records go out past the commit: they are the duplicates.
    time.sleep(0.3)
    k.kill()
    committed = max(stored())
    first_run = source_lines(json_lines(k.log()))[0]
    last_sent = max(ln["seqno"] for ln in first_run)
    mark = len(k.log())
    k.start()
    wait_until(lambda: len(source_lines(json_lines(
        k.log()[mark:]))[0]) >= 20, 60,
        "records after the restart", lambda: k.log()[-4000:])
    k.stop()
    second_run = source_lines(json_lines(k.log()[mark:]))[0]
    assert second_run[0]["seqno"] == committed + 1
    got = [json.loads(r["payload"])["payload"]
           for r in consume_all(topic, expect=1, timeout=30)]
    top = max(got)
    counts = {}
    for s in got:
        counts[s] = counts.get(s, 0) + 1
    # Nothing lost; only records after the last commit are sent twice.
    assert set(got) == set(range(top + 1))
    assert all(s > committed for s, n in counts.items() if n > 1)
    assert all(counts.get(s) == 1 for s in range(committed + 1))
    assert last_sent >= committed
