# SPDX-License-Identifier: Apache-2.0
"""The distributed worker's Kafka-topic stores against Apache Kafka Connect.

A real Apache Kafka Connect 4.1.1 *distributed* worker (Java, the jars of
scripts/apache-connect, ConnectDistributed) runs on the shared broker with
its own group and internal topics:

* Java writes, kconnect reads: the Java worker runs a FileStream source,
  commits its offsets, is paused, and is killed (kill -9, so that its last
  statuses stay PAUSED rather than the UNASSIGNED a clean shutdown
  writes). kconnect's config, status and offset stores (build/kc_store_tool
  dump) must then see what the Java worker's REST API showed: the
  connector config, target state, task configs, statuses and offsets.
* kconnect writes, Java reads: kconnect's stores write a paused connector
  with task configs and offsets; a Java worker started on those topics
  must show them through its REST API and run the connector paused.
  Statuses cannot be seen through its REST API (as leader it tombstones
  the statuses of connectors and tasks it has no config for, and
  overwrites those of the ones it runs), so the test reads its status
  store's TRACE log ("Received connector ... status update ...") for the
  statuses kconnect wrote, and then checks that kconnect's status store
  reads the tombstones the Java worker wrote.
* A config topic that is not compacted is refused with Apache's message.

Topic and group names are unique per run; the topics are deleted at the
end.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PORTS = range(21300, 21400)  # this area's range (distributed stores)
JAVA = os.environ.get("KC_COMPAT_JAVA", "/usr/bin/java")
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"


def _tool():
    path = Path(os.environ.get(
        "KC_STORE_TOOL",
        Path(os.environ.get("KCONNECT_BIN", REPO / "build" / "kconnect"))
        .parent / "kc_store_tool"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip("%s is not built (run make)" % path)
    return str(path)


def _apache_jars():
    r = subprocess.run([str(REPO / "scripts" / "apache-connect")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("scripts/apache-connect failed: %s" % r.stderr[-2000:])
    return r.stdout.strip().splitlines()[-1]


def _port():
    for p in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
                return p
            except OSError:
                continue
    raise RuntimeError("no free port in 21300..21399")


class Topics:
    def __init__(self, run):
        self.config = "kc-dst-%s-configs" % run
        self.status = "kc-dst-%s-status" % run
        self.offsets = "kc-dst-%s-offsets" % run

    def args(self):
        return [self.config, self.status, self.offsets]


class JavaWorker:
    """One Apache Connect distributed worker."""

    def __init__(self, tmp, jars, bootstrap, group, topics, log4j=None,
                 extra=None):
        self.port = _port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.dir = Path(tmp) / ("java-%s" % group)
        self.dir.mkdir(parents=True, exist_ok=True)
        props = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "config.storage.topic": topics.config,
            "offset.storage.topic": topics.offsets,
            "status.storage.topic": topics.status,
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "status.storage.partitions": "5",
            "offset.storage.partitions": "25",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "offset.flush.interval.ms": "500",
            "listeners": self.url,
            "rest.advertised.host.name": "127.0.0.1",
            "rest.advertised.port": str(self.port),
        }
        props.update(extra or {})
        self.props = self.dir / "worker.properties"
        self.props.write_text("".join("%s=%s\n" % kv for kv in props.items()))
        self.log_path = self.dir / "worker.log"
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [JAVA, "-Xms128M", "-Xmx512M",
             "-Dlog4j2.configurationFile=%s"
             % (log4j or REPO / "tests" / "compat" / "log4j2.properties"),
             "-cp", os.path.join(jars, "*"),
             "org.apache.kafka.connect.cli.ConnectDistributed",
             str(self.props)],
            stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, cwd=str(self.dir),
            start_new_session=True)

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode()
                return resp.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text

    def wait(self, what, fn, timeout=120):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("Java worker exited:\n" + self.log())
            try:
                last = fn()
                if last:
                    return last
            except OSError as e:
                last = e
            time.sleep(0.3)
        raise AssertionError("timed out waiting for %s (last: %r)\n%s"
                             % (what, last, self.log()))

    def wait_ready(self):
        # GET /connectors answers once the worker joined its group and
        # read the config topic.
        self.wait("the Java worker's REST API",
                  lambda: self.request("GET", "/connectors")[0] == 200)

    def get(self, path):
        code, body = self.request("GET", path)
        assert code == 200, (path, code, body)
        return body

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()


@pytest.fixture
def run_env(kafka_bootstrap, tmp_path):
    jars = _apache_jars()
    tool = _tool()
    if not os.access(JAVA, os.X_OK):
        pytest.skip("no java at %s" % JAVA)
    run = uuid.uuid4().hex[:10]
    made = []
    workers = []
    data = []
    yield dict(jars=jars, tool=tool, run=run, topics=made, workers=workers,
               data=data, bootstrap=kafka_bootstrap, tmp=tmp_path)
    for w in workers:
        w.kill()
    names = [t for topics in made for t in topics.args()] + data
    if names:
        subprocess.run([tool, "delete-topics", kafka_bootstrap] + names,
                       capture_output=True, timeout=60)


def _dump(env, topics):
    r = subprocess.run([env["tool"], "dump", env["bootstrap"]]
                       + topics.args(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def _by_id(tasks):
    return {t["id"]: t for t in tasks}


@pytest.mark.asan_skip
def test_kconnect_stores_read_what_a_java_distributed_worker_wrote(
        run_env, unique_topic):
    env = run_env
    topics = Topics(env["run"] + "j")
    env["topics"].append(topics)
    java = JavaWorker(env["tmp"], env["jars"], env["bootstrap"],
                      "kc-dst-%s-j" % env["run"], topics)
    env["workers"].append(java)
    java.wait_ready()

    infile = env["tmp"] / "in.txt"
    infile.write_text("".join("line %d\n" % i for i in range(5)))
    config = {"connector.class": FILE_SOURCE, "tasks.max": "1",
              "file": str(infile), "topic": unique_topic("kc-dst")}
    env["data"].append(config["topic"])
    code, body = java.request("PUT", "/connectors/fs-java/config", config)
    assert code == 201, body

    size = infile.stat().st_size

    def offsets_committed():
        body = java.get("/connectors/fs-java/offsets")
        return body if any(o["offset"].get("position") == size
                           for o in body["offsets"]) else None
    java.wait("the source offsets to be committed", offsets_committed)
    assert java.request("PUT", "/connectors/fs-java/pause")[0] == 202

    def paused():
        st = java.get("/connectors/fs-java/status")
        return st if st["connector"]["state"] == "PAUSED" and st["tasks"] \
            and all(t["state"] == "PAUSED" for t in st["tasks"]) else None
    status = java.wait("the connector to be paused", paused)
    want_config = java.get("/connectors/fs-java/config")
    want_tasks = java.get("/connectors/fs-java/tasks")
    want_offsets = java.get("/connectors/fs-java/offsets")["offsets"]
    java.kill()

    got = _dump(env, topics)
    conn = got["connectors"]["fs-java"]
    assert conn["config"] == want_config
    assert conn["target"] == "PAUSED"
    assert conn["tasks"] == [t["config"] for t in
                             sorted(want_tasks, key=lambda t: t["id"]["task"])]
    assert conn["offsets"] == want_offsets
    assert conn["status"]["connector"]["state"] == "PAUSED"
    assert conn["status"]["connector"]["worker_id"] == \
        status["connector"]["worker_id"]
    want_task_states = {i: (t["state"], t["worker_id"])
                        for i, t in _by_id(status["tasks"]).items()}
    got_task_states = {i: (t["state"], t["worker_id"])
                       for i, t in _by_id(conn["status"]["tasks"]).items()}
    assert got_task_states == want_task_states
    # The config offset of the group protocol: the records read.
    assert got["config_offset"] > 0


def _write(env, topics, spec):
    path = env["tmp"] / ("spec-%s.json" % spec["name"])
    path.write_text(json.dumps(spec))
    r = subprocess.run([env["tool"], "write", env["bootstrap"]]
                       + topics.args() + [str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.mark.asan_skip
def test_a_java_distributed_worker_reads_what_kconnect_stores_wrote(
        run_env, unique_topic):
    env = run_env
    topics = Topics(env["run"] + "k")
    env["topics"].append(topics)
    infile = str(env["tmp"] / "k.txt")
    topic = unique_topic("kc-dst")
    env["data"].append(topic)
    config = {"connector.class": FILE_SOURCE, "tasks.max": "1",
              "file": infile, "topic": topic, "name": "fs-kc"}
    task = {"file": infile, "topic": topic, "batch.size": "2000",
            "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask"}
    _write(env, topics, {
        "name": "fs-kc", "config": config, "target": "PAUSED",
        "tasks": [task], "worker_id": "127.0.0.1:21399", "generation": 3,
        "status": {"connector": "PAUSED", "tasks": ["PAUSED", "RUNNING"]},
        "offsets": [{"partition": {"filename": infile},
                     "offset": {"position": 42}}]})
    # Statuses of a connector another worker reported, and of a task of
    # fs-kc that its config does not have.
    _write(env, topics, {
        "name": "ghost-kc", "status_only": True,
        "worker_id": "10.9.9.9:8083", "generation": 5,
        "status": {"connector": "FAILED", "trace": "boom",
                   "tasks": ["RUNNING"]}})

    log4j = env["tmp"] / "log4j2.properties"
    log4j.write_text(
        (REPO / "tests" / "compat" / "log4j2.properties").read_text()
        + "logger.kss.name = "
          "org.apache.kafka.connect.storage.KafkaStatusBackingStore\n"
          "logger.kss.level = TRACE\n")
    java = JavaWorker(env["tmp"], env["jars"], env["bootstrap"],
                      "kc-dst-%s-k" % env["run"], topics, log4j=log4j)
    env["workers"].append(java)
    java.wait_ready()

    assert java.get("/connectors") == ["fs-kc"]
    assert java.get("/connectors/fs-kc/config") == config
    assert java.get("/connectors/fs-kc/tasks") == [
        {"id": {"connector": "fs-kc", "task": 0}, "config": task}]
    assert java.get("/connectors/fs-kc/offsets") == {
        "offsets": [{"partition": {"filename": infile},
                     "offset": {"position": 42}}]}
    # Our target state: the Java worker runs it paused.
    st = java.wait("fs-kc paused on the Java worker", lambda: (
        lambda s: s if s["connector"]["state"] == "PAUSED" else None)(
            java.get("/connectors/fs-kc/status")))
    assert st["type"] == "source"

    # The Java status store parsed what kconnect's wrote ...
    log = java.log_path.read_text(errors="replace")
    for line in (
            "Received connector fs-kc status update Status{id=fs-kc, "
            "state=PAUSED, workerId='127.0.0.1:21399', version='null', "
            "generation=3}",
            "Received task fs-kc-0 status update Status{id=fs-kc-0, "
            "state=PAUSED, workerId='127.0.0.1:21399', version='null', "
            "generation=3}",
            "Received connector ghost-kc status update Status{id=ghost-kc, "
            "state=FAILED, workerId='10.9.9.9:8083', version='null', "
            "generation=5}",
            "Received task ghost-kc-0 status update Status{id=ghost-kc-0, "
            "state=RUNNING, workerId='10.9.9.9:8083', version='null', "
            "generation=5}",
            "Received task fs-kc-1 status update Status{id=fs-kc-1, "
            "state=RUNNING, workerId='127.0.0.1:21399', version='null', "
            "generation=3}"):
        assert line in log, line
    # ... and as leader tombstoned the statuses of what it has no config
    # for (fs-kc's task 1), which kconnect's status store must read.
    java.wait("the Java leader to remove fs-kc-1's status",
              lambda: "Removing task status for fs-kc-1"
              in java.log_path.read_text(errors="replace"))
    java_id = st["connector"]["worker_id"]
    java.kill()
    got = _dump(env, topics)["connectors"]
    status = got["fs-kc"]["status"]
    assert status["connector"]["worker_id"] == java_id
    assert [(t["id"], t["state"], t["worker_id"]) for t in status["tasks"]] \
        == [(0, "PAUSED", java_id)]


def test_a_config_topic_that_is_not_compacted_is_refused(run_env):
    env = run_env
    topics = Topics(env["run"] + "d")
    env["topics"].append(topics)
    r = subprocess.run([env["tool"], "create-topic", env["bootstrap"],
                        topics.config, "delete"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([env["tool"], "dump", env["bootstrap"]]
                       + topics.args(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0
    # Apache's TopicAdmin.verifyTopicCleanupPolicyOnlyCompact message.
    assert ("Topic '%s' supplied via the 'config.storage.topic' property is "
            "required to have 'cleanup.policy=compact' to guarantee "
            "consistency and durability of connector configurations, but "
            "found the topic currently has 'cleanup.policy=delete'."
            % topics.config) in r.stderr
