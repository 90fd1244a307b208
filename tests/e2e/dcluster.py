# SPDX-License-Identifier: Apache-2.0
"""A cluster of distributed Connect workers for the e2e tests, and a
delivery checker for Apache's VerifiableSource/VerifiableSink.

A ``Cluster`` is one Connect group (a unique ``group.id`` and unique
config/offset/status topics per test) whose workers are either kind:

* ``"kconnect"``: ``build/kconnect distributed worker.properties``
  (``$KCONNECT_BIN``);
* ``"apache"``: Apache Kafka Connect 4.1.1's ``ConnectDistributed`` (Java,
  the jars of ``scripts/apache-connect``, plus connect-test-plugins for the
  Verifiable connectors, as kconnect_worker.apache_connect_classpath
  fetches them for tests/e2e/test_verifiable_connectors.py too).

Every worker has a REST port of its own from this area's range (32000-32999,
``$KC_DTEST_PORT_BASE`` moves it), kept across restarts so that its worker
id (``127.0.0.1:<port>``) stays the same. Its stdout (the Verifiable
connectors' JSON lines) and stderr (the log) go to files of its own, opened
for appending, so that the lines of every incarnation are kept.

Usage::

    def test_x(dcluster):
        c = dcluster(protocol="eager")          # no workers yet
        ws = [c.add("apache") for _ in range(3)]
        c.wait_ready()
        ws[0].put("/connectors/src/config", {...})
        c.wait_running("src", tasks=3)           # every live worker agrees
        ws[1].kill9()
        c.wait_running("src", tasks=3)           # tasks moved
        check_delivery(c, "src", topic, "sink")

``check_delivery`` pauses nothing itself; the caller stops the source (PUT
.../pause) before it so that the topic holds everything the source sent.
"""

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from kconnect_worker import (apache_connect_classpath, find_binary,
                             json_lines, rest_request)

REPO = Path(__file__).resolve().parents[2]
PORT_BASE = int(os.environ.get("KC_DTEST_PORT_BASE", "32000"))
PORTS = range(PORT_BASE, PORT_BASE + 1000)
JAVA = os.environ.get("KC_COMPAT_JAVA", "/usr/bin/java")
BOOTSTRAP = os.environ.get("KC_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
SOURCE_CLASS = "org.apache.kafka.connect.tools.VerifiableSourceConnector"
SINK_CLASS = "org.apache.kafka.connect.tools.VerifiableSinkConnector"
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
LOG4J = REPO / "tests" / "compat" / "log4j2.properties"

# Apache's group timeouts shortened as its own system tests shorten them,
# so that a dead worker's tasks move within seconds, not minutes.
SHORT_TIMEOUTS = {
    "session.timeout.ms": "6000",        # the broker's minimum
    "heartbeat.interval.ms": "1000",
    "rebalance.timeout.ms": "30000",
    "scheduled.rebalance.max.delay.ms": "3000",
    "offset.flush.interval.ms": "1000",
    "worker.sync.timeout.ms": "3000",
    "worker.unsync.backoff.ms": "3000",
}

_ports_taken = set()


def _free_port():
    for p in PORTS:
        if p in _ports_taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        _ports_taken.add(p)
        return p
    raise RuntimeError("no free port in %d..%d" % (PORTS[0], PORTS[-1]))


def apache_classpath():
    """Apache Connect 4.1.1's jars and connect-test-plugins
    (kconnect_worker.apache_connect_classpath); skips when unavailable."""
    if not os.access(JAVA, os.X_OK):
        pytest.skip("no java at %s" % JAVA)
    return apache_connect_classpath()


kconnect_binary = find_binary


def require_kind(kind):
    """Skip when a worker of @kind cannot be started here at all (no Java,
    no jars, no binary). A kconnect without a working ``distributed``
    command is not skipped: its workers exit and the test fails with
    their log."""
    if kind == "apache":
        apache_classpath()
    elif not os.access(kconnect_binary(), os.X_OK):
        pytest.skip("%s is not built (run make)" % kconnect_binary())


class RestError(AssertionError):
    pass


class NotYet(Exception):
    """A wait condition not met yet, with what was seen (the timeout
    message shows the last one)."""


class Worker:
    """One distributed worker of a Cluster; see the module docstring."""

    def __init__(self, cluster, kind, index, extra=None):
        assert kind in ("apache", "kconnect"), kind
        self.cluster = cluster
        self.kind = kind
        self.index = index
        self.port = _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.id = "127.0.0.1:%d" % self.port
        self.dir = Path(cluster.tmp) / ("w%d-%s" % (index, kind))
        self.dir.mkdir(parents=True, exist_ok=True)
        props = {
            "bootstrap.servers": cluster.bootstrap,
            "group.id": cluster.group,
            "config.storage.topic": cluster.config_topic,
            "offset.storage.topic": cluster.offset_topic,
            "status.storage.topic": cluster.status_topic,
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "connect.protocol": cluster.protocol,
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "listeners": self.url,
            "rest.advertised.host.name": "127.0.0.1",
            "rest.advertised.port": str(self.port),
            "plugin.path": "",
        }
        props.update(cluster.extra)
        props.update(extra or {})
        self.props = props
        self.props_path = self.dir / "worker.properties"
        self.props_path.write_text(
            "".join("%s=%s\n" % kv for kv in props.items()))
        self.out_path = self.dir / "stdout"
        self.err_path = self.dir / "stderr"
        self.proc = None
        self.starts = 0

    def __repr__(self):
        return "<%s worker %d %s>" % (self.kind, self.index, self.id)

    # ---- process ------------------------------------------------------

    def command(self):
        if self.kind == "kconnect":
            return [str(kconnect_binary()), "distributed",
                    str(self.props_path)]
        return [JAVA] + self.cluster.java_opts + [
                "-Duser.timezone=UTC",
                "-Dlog4j2.configurationFile=%s" % LOG4J,
                "-cp", apache_classpath(),
                "org.apache.kafka.connect.cli.ConnectDistributed",
                str(self.props_path)]

    def start(self):
        assert not self.alive
        self._out = open(self.out_path, "ab")
        self._err = open(self.err_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err,
                                     cwd=str(self.dir),
                                     start_new_session=True)
        self.starts += 1
        return self

    def _closed(self):
        for f in (self._out, self._err):
            f.close()

    def kill9(self):
        """SIGKILL: no leave, no offset commit, no status update."""
        if self.alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self._closed()

    def stop(self, timeout=60):
        """SIGTERM, as a user stops a worker; SIGKILL after @timeout."""
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self._closed()
        return self.proc.returncode if self.proc else None

    def restart(self):
        self.stop()
        return self.start()

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stdout(self):
        try:
            return self.out_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log(self, tail=4000):
        try:
            return self.err_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def lines(self):
        return json_lines(self.stdout())

    # ---- REST ---------------------------------------------------------

    def request(self, method, path, body=None, timeout=30):
        return rest_request(self.url, method, path, body, timeout)

    def call(self, method, path, body=None, ok=(200, 201, 202, 204)):
        """The body of a request that must succeed; retried while the
        cluster answers 409 (rebalance in progress) or the worker does
        not answer yet."""
        deadline = time.monotonic() + 90
        while True:
            try:
                status, out = self.request(method, path, body)
            except OSError as e:
                status, out = None, e
            if status in ok:
                return out
            if status not in (None, 409, 503) or \
                    time.monotonic() > deadline:
                raise RestError("%s %s on %r -> %s: %r\n%s" % (
                    method, path, self, status, out, self.log()))
            time.sleep(0.5)

    def get(self, path):
        return self.call("GET", path)

    def put(self, path, body=None):
        return self.call("PUT", path, body)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def delete(self, path):
        return self.call("DELETE", path)

    def patch(self, path, body=None):
        return self.call("PATCH", path, body)


class Cluster:
    """Workers of one group; see the module docstring."""

    def __init__(self, tmp, protocol="sessioned", extra=None,
                 bootstrap=None, run=None, java_opts=None,
                 timeouts=SHORT_TIMEOUTS):
        self.run = run or uuid.uuid4().hex[:10]
        self.tmp = Path(tmp) / ("cluster-" + self.run)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.bootstrap = bootstrap or BOOTSTRAP
        self.protocol = protocol
        self.group = "kc-dt-%s" % self.run
        self.config_topic = "kc-dt-%s-configs" % self.run
        self.offset_topic = "kc-dt-%s-offsets" % self.run
        self.status_topic = "kc-dt-%s-status" % self.run
        self.extra = dict(timeouts)
        self.extra.update(extra or {})
        # Small heaps and the client compiler: three JVMs start faster on
        # a busy machine (bench/ passes Apache's own flags instead).
        self.java_opts = list(java_opts or [
            "-Xms64M", "-Xmx384M", "-XX:TieredStopAtLevel=1"])
        self.workers = []
        self.data_topics = []

    def add(self, kind, start=True, extra=None):
        require_kind(kind)
        w = Worker(self, kind, len(self.workers), extra)
        self.workers.append(w)
        if start:
            w.start()
        return w

    def alive(self):
        return [w for w in self.workers if w.alive]

    def topic(self, prefix="dt"):
        name = "kc-%s-%s" % (prefix, uuid.uuid4().hex[:10])
        self.data_topics.append(name)
        return name

    def logs(self):
        return "\n".join("---- %r (%s)\n%s" % (w, "alive" if w.alive
                                                else "dead", w.log(3000))
                         for w in self.workers)

    def wait(self, what, fn, timeout=180, interval=0.5):
        """Poll fn() until truthy; fail naming @what with every log."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = fn()
                if last:
                    return last
            except (OSError, RestError, ValueError, KeyError, NotYet) as e:
                last = e
            time.sleep(interval)
        raise AssertionError("timed out after %d s waiting for %s (last: %r)"
                             "\n%s" % (timeout, what, last, self.logs()))

    def wait_ready(self, workers=None, timeout=180):
        """Every (given) live worker answers GET /connectors: it joined the
        group and read the config topic."""
        for w in workers or self.alive():
            def ready(w=w):
                if not w.alive:
                    raise AssertionError("%r exited:\n%s" % (w, w.log()))
                return w.request("GET", "/connectors", timeout=5)[0] == 200
            self.wait("%r to answer GET /connectors" % w, ready, timeout)

    def statuses(self, name):
        """{worker id: normalised status} from every live worker."""
        out = {}
        for w in self.alive():
            code, st = w.request("GET", "/connectors/%s/status" % name,
                                 timeout=10)
            if code != 200:
                return None
            st["tasks"] = sorted(st["tasks"], key=lambda t: t["id"])
            out[w.id] = st
        return out

    def wait_running(self, name, tasks, state="RUNNING", spread=None,
                     timeout=180):
        """Wait until every live worker shows the same status for @name:
        the connector and @tasks tasks in @state, each on a live worker
        (and, with spread=N, on N different workers). Returns it."""
        def check():
            sts = self.statuses(name)
            if not sts:
                raise NotYet("no status from some live worker")
            live = {w.id for w in self.alive()}
            first = next(iter(sts.values()))
            if any(s != first for s in sts.values()):
                raise NotYet("the workers disagree: %r" % sts)
            c, ts = first["connector"], first["tasks"]
            if c["state"] != state or c["worker_id"] not in live or \
                    len(ts) != tasks or any(t["state"] != state or
                                            t["worker_id"] not in live
                                            for t in ts):
                raise NotYet("status: %r (live: %r)" % (first, live))
            if spread and len({t["worker_id"] for t in ts}) < spread:
                raise NotYet("not spread: %r" % first)
            return first
        return self.wait("%s: %d tasks %s on live workers, the same status "
                         "from every worker%s" % (
                             name, tasks, state,
                             ", on %d workers" % spread if spread else ""),
                         check, timeout)

    def cleanup(self):
        for w in self.workers:
            w.kill9()
        topics = [self.config_topic, self.offset_topic,
                  self.status_topic] + self.data_topics
        tool = kconnect_binary().parent / "kc_store_tool"
        if tool.is_file():
            subprocess.run([str(tool), "delete-topics", self.bootstrap]
                           + topics, capture_output=True, timeout=60)


@pytest.fixture
def dcluster(tmp_path, kafka_bootstrap):
    """Factory: dcluster(protocol=..., extra=...) -> Cluster; every worker
    is killed and every topic deleted at the end of the test."""
    made = []

    def make(**kw):
        c = Cluster(tmp_path, bootstrap=kafka_bootstrap, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.cleanup()


# ---- VerifiableSource / VerifiableSink ---------------------------------

def source_config(topic, tasks, throughput=50, partitions=3):
    """A VerifiableSource writing @topic (created with @partitions by
    KIP-158 topic creation so that sink tasks can spread too)."""
    return {"connector.class": SOURCE_CLASS, "tasks.max": str(tasks),
            "topic": topic, "throughput": str(throughput),
            "topic.creation.default.partitions": str(partitions),
            "topic.creation.default.replication.factor": "1"}


def sink_config(topic, tasks):
    return {"connector.class": SINK_CLASS, "tasks.max": str(tasks),
            "topics": topic}


def _kcat_all(bootstrap, topic):
    r = subprocess.run(["kcat", "-b", bootstrap, "-C", "-t", topic, "-e",
                        "-q", "-J", "-o", "beginning"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, "kcat %s: %s" % (topic, r.stderr)
    return [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip()]


def topic_seqnos(cluster, topic):
    """{source task id: [seqno, ...]} of every record of @topic."""
    out = {}
    for r in _kcat_all(cluster.bootstrap, topic):
        task = json.loads(r["key"])["payload"]
        out.setdefault(task, []).append(json.loads(r["payload"])["payload"])
    return out


def committed_offsets(cluster, name):
    """{task id: [(record timestamp ms, committed seqno), ...]} from the
    offsets topic, for connector @name."""
    out = {}
    for r in _kcat_all(cluster.bootstrap, cluster.offset_topic):
        if r.get("key") is None or r.get("payload") is None:
            continue
        key = json.loads(r["key"])
        if not (isinstance(key, list) and key and key[0] == name):
            continue
        task = key[1]["id"]
        out.setdefault(task, []).append(
            (r["ts"], json.loads(r["payload"])["seqno"]))
    return out


def source_runs(cluster, name):
    """The VerifiableSource's produced lines of @name cut into runs: per
    worker incarnation's output, per task, the stretches of consecutive
    seqnos. Returns {task: [(first time_ms, first seqno, last seqno)]}."""
    runs = {}
    for w in cluster.workers:
        current = {}
        for ln in w.lines():
            if ln.get("name") != name or "sinkTask" in ln or \
                    "committed" in ln:
                continue
            t, s = ln["task"], ln["seqno"]
            r = current.get(t)
            if r is not None and s == r[2] + 1:
                r[2] = s
                continue
            r = [ln["time_ms"], s, s]
            current[t] = r
            runs.setdefault(t, []).append(r)
    for t in runs:
        runs[t].sort()
    return {t: [tuple(r) for r in rs] for t, rs in runs.items()}


def sink_seen(cluster, sink_name):
    """{(source task, seqno)} the VerifiableSink @sink_name was given."""
    seen = set()
    for w in cluster.workers:
        for ln in w.lines():
            if ln.get("name") == sink_name and "sinkTask" in ln:
                seen.add((ln["task"], ln["seqno"]))
    return seen


def delivery_verdict(got, commits, runs, tasks):
    """The source half of check_delivery on collected data: @got
    {task: [seqno in the topic]}, @commits {task: [(ts ms, seqno)]} from
    the offsets topic, @runs from source_runs. Returns (problems, summary):
    problems is a list of sentences, empty when delivery was right."""
    problems = []
    summary = {"records": 0, "duplicates": 0, "restarts": 0}
    if sorted(got) != list(range(tasks)):
        problems.append("source tasks in the topic: %r, wanted 0..%d"
                        % (sorted(got), tasks - 1))
    for t, seqnos in sorted(got.items()):
        top = max(seqnos)
        missing = sorted(set(range(top + 1)) - set(seqnos))
        if missing:
            problems.append("task %d: %d seqnos lost: %r" % (
                t, len(missing), missing[:20]))
        summary["records"] += len(seqnos)
        dups = len(seqnos) - len(set(seqnos))
        summary["duplicates"] += dups
        for first_ms, first, _ in runs.get(t, [])[1:]:
            before = [s for ts, s in commits.get(t, []) if ts <= first_ms]
            last = max(before) if before else -1
            if first != last + 1:
                problems.append(
                    "task %d: a run began at seqno %d at %d ms, but the "
                    "last committed seqno then was %d: %s" % (
                        t, first, first_ms, last,
                        "records skipped" if first > last + 1 else
                        "committed records sent again"))
            summary["restarts"] += 1
        if dups and len(runs.get(t, [])) < 2:
            problems.append("task %d: %d duplicates without a restart"
                            % (t, dups))
    return problems, summary


def check_delivery(cluster, name, topic, sink_name, tasks):
    """Apache's system-test delivery check, with the duplicates bounded:

    * per source task, the topic holds every seqno from 0 to its highest
      (nothing lost);
    * every run of a task after its first starts right after the seqno
      last committed to the offsets topic before that run began, so the
      only records sent twice are those after the last commit;
    * every record of the topic reached the VerifiableSink.

    Call it once the source is paused (its topic no longer grows); it
    waits for the sink to catch up. Returns a summary dict."""
    got = topic_seqnos(cluster, topic)
    problems, summary = delivery_verdict(
        got, committed_offsets(cluster, name), source_runs(cluster, name),
        tasks)
    assert not problems, "\n".join(problems)
    want = {(t, s) for t, ss in got.items() for s in ss}
    cluster.wait("the VerifiableSink %s to see all %d records of %s"
                 % (sink_name, len(want), topic),
                 lambda: not (want - sink_seen(cluster, sink_name)),
                 timeout=120)
    return summary


def pause_and_settle(cluster, worker, name, tasks):
    """Pause @name through @worker and wait until every live worker shows
    it PAUSED, so that its topic holds everything its tasks sent."""
    worker.put("/connectors/%s/pause" % name)
    cluster.wait_running(name, tasks, state="PAUSED")


# ---- load: three tasks of each --------------------------------------

TASKS = 3


def start_load(c, kind, n=3):
    """@n workers of @kind, a VerifiableSource and a VerifiableSink of
    three tasks each, created through different workers."""
    ws = [c.add(kind) for _ in range(n)]
    c.wait_ready()
    topic = c.topic("vs")
    ws[0].put("/connectors/vsrc/config", source_config(topic, TASKS))
    ws[-1].put("/connectors/vsink/config", sink_config(topic, TASKS))
    c.wait_running("vsrc", TASKS)
    c.wait_running("vsink", TASKS)
    return ws, topic


def committed(c, name="vsrc"):
    """{task: committed seqno} as the first live worker's REST shows."""
    w = c.alive()[0]
    code, body = w.request("GET", "/connectors/%s/offsets" % name)
    if code != 200:
        return {}
    return {o["partition"]["id"]: o["offset"]["seqno"]
            for o in body["offsets"]}


def progress(c, by=30, what="progress"):
    """Wait until every source task committed @by more seqnos than now."""
    start = committed(c)

    def moved():
        now = committed(c)
        return len(now) == TASKS and all(
            now[t] >= start.get(t, -1) + by for t in range(TASKS))
    c.wait("%s: every source task commits %d more records" % (what, by),
           moved)


def workers_of(st):
    return {t["worker_id"] for t in st["tasks"]}
