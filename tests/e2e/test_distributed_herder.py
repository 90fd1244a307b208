# SPDX-License-Identifier: Apache-2.0
"""The distributed herder: ``kconnect distributed`` workers on the shared
broker, each test with its own group and internal topics.

* one worker creates the three internal topics with Apache's partition
  counts (config 1, offsets 25, status 5) and runs a connector;
* three workers: only the leader takes writes (the others answer 409 as
  Apache's NotLeaderException), the tasks spread over all three and every
  worker shows the same status; pause / resume / restart / delete reach the
  tasks on every worker;
* kill -9 of a worker: after scheduled.rebalance.max.delay.ms its tasks
  run on the others and resume from the committed offsets, no sequence
  number of VerifiableSource missing in the output topic.
"""

import base64
import hashlib
import hmac
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from kconnect_worker import (DEFAULT_BOOTSTRAP, KconnectWorker,
                             check_no_sanitizer_report, consume_all,
                             unique_name)

VERIFIABLE_SOURCE = "org.apache.kafka.connect.tools.VerifiableSourceConnector"


class DistributedWorker(KconnectWorker):
    """A ``kconnect distributed`` worker of group @group."""

    def __init__(self, tmp_path, group, worker=None, **kw):
        props = {
            "offset.storage.file.filename": None,
            "group.id": group,
            "config.storage.topic": group + "-configs",
            "offset.storage.topic": group + "-offsets",
            "status.storage.topic": group + "-status",
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "offset.flush.interval.ms": "1000",
            # Apache's default; task.shutdown.graceful.timeout.ms too
            # (5 s): a task stop no longer reads the offsets topic.
            "session.timeout.ms": "10000",
            "heartbeat.interval.ms": "1000",
            "scheduled.rebalance.max.delay.ms": "4000",
            # VerifiableSource: key the task id, value the seqno.
            "key.converter": "org.apache.kafka.connect.storage."
                             "StringConverter",
            "value.converter": "org.apache.kafka.connect.storage."
                               "StringConverter",
        }
        props.update(worker or {})
        super().__init__(tmp_path, worker=props, **kw)

    @property
    def command(self):
        return [str(self.binary), "distributed", str(self.worker_path)]

    @property
    def worker_id(self):
        return "127.0.0.1:%d" % self.port


@pytest.fixture
def cluster(tmp_path):
    """cluster(n) -> n started workers of a new group."""
    made = []

    def make(n, worker=None):
        group = unique_name("kc-dh")
        ws = [DistributedWorker(tmp_path, group, worker) for _ in range(n)]
        for w in ws:
            made.append(w)
            w.start()
        return ws

    yield make
    rcs = {}
    for w in made:
        if w.running:
            rcs[w.worker_id] = w.stop(signal.SIGTERM, timeout=60)
    for w in made:
        check_no_sanitizer_report(w)
    # A worker stops its work, leaves the group and exits 0.
    assert all(rc == 0 for rc in rcs.values()), rcs


def _write(w, method, path, body=None, timeout=30.0):
    """A write, again while a rebalance answers 409 (as Apache's)."""
    deadline = time.monotonic() + timeout
    while True:
        status, out = w.request(method, path, body)
        if status != 409 or time.monotonic() > deadline:
            return status, out
        time.sleep(0.5)


def _put(w, name, config):
    return _write(w, "PUT", "/connectors/%s/config" % name, config)


def _leader(workers, timeout=60.0):
    """The leader once every worker joined the group: a config without
    connector.class, sent with forward=false, is refused 400 by the
    leader's validation and 409 by the others (not the leader, or a
    rebalance under way; 500 while starting)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = [w.request("PUT", "/connectors/probe/config?forward=false",
                          {"tasks.max": "1"}) for w in workers]
        leaders = [w for w, (st, _) in zip(workers, last) if st == 400]
        others = [st for st, _ in last if st == 409]
        if len(leaders) == 1 and len(others) == len(workers) - 1:
            return leaders[0]
        time.sleep(0.5)
    raise TimeoutError("no single leader: %r" % (last,))


def _source(topic, tasks, throughput=20):
    return {"connector.class": VERIFIABLE_SOURCE, "tasks.max": str(tasks),
            "topic": topic, "throughput": str(throughput), "id": "1"}


def _statuses_agree(workers, name, tasks, state="RUNNING"):
    def check():
        seen = []
        for w in workers:
            status, st = w.request("GET", "/connectors/%s/status" % name)
            if status != 200 or st["connector"]["state"] != state:
                return None
            ts = st.get("tasks", [])
            if len(ts) != tasks or any(t["state"] != state for t in ts):
                return None
            seen.append(st)
        return seen if all(s == seen[0] for s in seen) else None

    return workers[0].wait_for(check, 60, what="%s %s on every worker"
                               % (name, state))


def _signed_post(w, path, body, key):
    sig = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest())
    req = urllib.request.Request(w.url + path, data=body, method="POST",
                                 headers={
                                     "Content-Type": "application/json",
                                     "X-Connect-Authorization": sig.decode(),
                                     "X-Connect-Request-Signature-Algorithm":
                                         "HmacSHA256"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _partitions(topic):
    out = subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-L", "-J", "-t",
                          topic], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    md = json.loads(out.stdout)
    return len(md["topics"][0]["partitions"])


def test_distributed_worker_creates_internal_topics_and_runs_a_connector(
        cluster, kcat):
    (w,) = cluster(1)
    leader = _leader([w])
    assert leader is w
    group = w.worker_props["group.id"]
    # Apache's defaults: config 1 partition, offsets 25, status 5.
    assert _partitions(group + "-configs") == 1
    assert _partitions(group + "-offsets") == 25
    assert _partitions(group + "-status") == 5
    # connect.protocol sessioned (the default): the leader writes a
    # session key record, {"key","algorithm","creation-timestamp"}.
    recs = consume_all(group + "-configs", expect=1)
    keys = [json.loads(r["payload"]) for r in recs
            if r["key"] == "session-key"]
    assert keys and keys[-1]["algorithm"] == "HmacSHA256", recs
    assert len(base64.b64decode(keys[-1]["key"])) == 32
    topic = unique_name("kc-dh-out")
    status, body = _put(w, "src", _source(topic, 2))
    assert status == 201, body
    st = w.wait_for_connector("src", "RUNNING", tasks=2, timeout=60)
    assert st["connector"]["worker_id"] == w.worker_id
    # The first sixty records, read by count while the tasks run (pausing
    # first could stop them before they had written that many).
    got = kcat.consume(topic, 60, timeout=60)
    assert {int(r["key"]) for r in got} == {0, 1}
    assert _write(w, "PUT", "/connectors/src/pause")[0] == 202
    _statuses_agree([w], "src", 2, "PAUSED")
    assert _write(w, "PUT", "/connectors/src/resume")[0] == 202
    _statuses_agree([w], "src", 2, "RUNNING")

    # The internal endpoint takes task configs signed with that key
    # (HMAC-SHA256 of the body, as Apache's InternalRequestSignature), and
    # refuses a wrong signature 403.
    key = base64.b64decode(keys[-1]["key"])
    tasks = [{"task.class": "org.apache.kafka.connect.tools."
              "VerifiableSourceTask", "topic": topic, "id": "1",
              "throughput": "20"}]
    body = json.dumps(tasks).encode()
    assert _signed_post(w, "/connectors/src/tasks", body,
                        b"not the key")[0] == 403
    status, out = _signed_post(w, "/connectors/src/tasks", body, key)
    assert status == 204, out
    w.wait_for(lambda: w.get("/connectors/src/tasks") == [
        {"id": {"connector": "src", "task": 0}, "config": tasks[0]}], 30,
        what="the posted task configs")


def test_distributed_herder_lines_carry_distributed_herder_logger(cluster):
    """The herder core's lines (connector started, removed) of a
    distributed worker carry Apache's DistributedHerder logger name, not
    StandaloneHerder's."""
    (w,) = cluster(1)
    _leader([w])
    status, body = _put(w, "src", _source(unique_name("kc-dh-log"), 1))
    assert status == 201, body
    w.wait_for_connector("src", "RUNNING", tasks=1, timeout=60)
    assert _write(w, "DELETE", "/connectors/src")[0] == 204
    w.wait_for(lambda: "Removed connector src" in w.log(), 30,
               what="the removal logged")
    log = w.log()
    removed = [ln for ln in log.splitlines() if "Removed connector src" in ln]
    assert removed and all(
        "(org.apache.kafka.connect.runtime.distributed.DistributedHerder"
        in ln for ln in removed), removed
    assert "StandaloneHerder" not in log


def test_three_workers_spread_tasks_only_leader_writes_and_status_agrees(
        cluster):
    ws = cluster(3)
    leader = _leader(ws)
    followers = [w for w in ws if w is not leader]
    topic = unique_name("kc-dh-out")
    # Not the leader: 409 with Apache's NotLeaderException text when the
    # request may not be forwarded; forwarded to the leader otherwise.
    status, body = followers[0].request(
        "PUT", "/connectors/src/config?forward=false", _source(topic, 6))
    assert status == 409, body
    status, body = _put(followers[0], "src", _source(topic, 6))
    assert status == 201, body
    seen = _statuses_agree(ws, "src", 6)
    owners = {t["worker_id"] for t in seen[0]["tasks"]}
    assert owners == {w.worker_id for w in ws}
    # Pause and resume are taken by any worker (as Apache's); they reach
    # the tasks on every worker.
    assert _write(followers[1], "PUT", "/connectors/src/pause")[0] == 202
    _statuses_agree(ws, "src", 6, "PAUSED")
    assert _write(leader, "PUT", "/connectors/src/resume")[0] == 202
    _statuses_agree(ws, "src", 6)
    status, plan = _write(followers[0], "POST",
                          "/connectors/src/restart?includeTasks=true")
    assert status == 202, plan
    assert all(t["state"] == "RESTARTING" for t in plan["tasks"])
    _statuses_agree(ws, "src", 6)
    # A task restart sent to a worker that does not run the task goes to
    # the leader (Apache's NotLeaderException, forwarded); here the leader
    # runs it.
    seen = _statuses_agree(ws, "src", 6)
    task = next(t["id"] for t in seen[0]["tasks"]
                if t["worker_id"] == leader.worker_id)
    status, out = _write(followers[0], "POST",
                         "/connectors/src/tasks/%d/restart" % task)
    assert status == 204, out
    _statuses_agree(ws, "src", 6)
    assert _write(followers[1], "DELETE", "/connectors/src")[0] == 204
    for w in ws:
        w.wait_for(lambda w=w: w.request("GET", "/connectors")[1] == [],
                   30, what="src deleted on %s" % w.worker_id)


def _offset_records(topic, connector, expect=1):
    """(key bytes, partition, offset) of @connector's records in an
    offsets topic, in topic order per partition."""
    out = []
    for r in consume_all(topic, expect=expect, timeout=60):
        key = json.loads(r["key"])
        if key[0] == connector:
            out.append((r["key"], key[1], json.loads(r["payload"])
                        if r["payload"] is not None else None))
    return out


def test_source_connector_with_its_own_offsets_topic(cluster):
    (w,) = cluster(1)
    _leader([w])
    group = w.worker_props["group.id"]
    own = unique_name("kc-dh-own-offsets")
    topic = unique_name("kc-dh-out")
    config = dict(_source(topic, 1), **{"offsets.storage.topic": own})
    status, body = _put(w, "src", config)
    assert status == 201, body
    w.wait_for_connector("src", "RUNNING", tasks=1, timeout=60)
    # Apache's KafkaOffsetBackingStore creates the topic with the worker's
    # offset.storage.partitions (25 by default).
    recs = _offset_records(own, "src", expect=2)
    assert _partitions(own) == 25
    # Apache's key and value: ["src",{<partition>}] and {"seqno":N}
    key, part, off = recs[-1]
    assert set(off) == {"seqno"}, recs
    # ... and the secondary write to the worker's offsets topic
    assert _offset_records(group + "-offsets", "src", expect=1)
    assert _write(w, "PUT", "/connectors/src/stop")[0] == 204
    w.wait_for(lambda: w.get("/connectors/src/status")["connector"]["state"]
               == "STOPPED", 60, what="src stopped")
    # The task reads its offsets from its own topic only: an offset put
    # there (and not in the worker's topic) is where it resumes.
    prod = subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t", own,
                           "-K", "\t", "-p", "0"],
                          input="%s\t%s\n" % (key, json.dumps(
                              {"seqno": 100000})),
                          capture_output=True, text=True, timeout=30)
    assert prod.returncode == 0, prod.stderr
    w.wait_for(lambda: w.get("/connectors/src/offsets")["offsets"] == [
        {"partition": part, "offset": {"seqno": 100000}}], 30,
        what="GET offsets from the connector's own topic")
    # The worker's topic is not read for values: there, a partition's
    # offset is hidden by the connector topic's, and a partition only the
    # worker's topic has is listed with a null offset (what Apache 4.1.1
    # answers, seen side by side with its worker).
    other = dict(part, id=part.get("id", 0) + 1) if "id" in part else None
    wkey = json.dumps(["src", part], separators=(",", ":"))
    lines = "%s\t%s\n" % (wkey, json.dumps({"seqno": 5000}))
    if other is not None:
        lines += "%s\t%s\n" % (json.dumps(["src", other],
                                            separators=(",", ":")),
                                 json.dumps({"seqno": 7000}))
    prod = subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t",
                           group + "-offsets", "-K", "\t", "-p", "0"],
                          input=lines, capture_output=True, text=True,
                          timeout=30)
    assert prod.returncode == 0, prod.stderr
    want = [{"partition": part, "offset": {"seqno": 100000}}]
    if other is not None:
        want.append({"partition": other, "offset": None})
    key_of = lambda o: json.dumps(o["partition"], sort_keys=True)
    w.wait_for(lambda: sorted(w.get("/connectors/src/offsets")["offsets"],
                              key=key_of) == sorted(want, key=key_of), 30,
               what="GET offsets ignoring the worker topic's values")
    assert _write(w, "PUT", "/connectors/src/resume")[0] == 202
    w.wait_for_connector("src", "RUNNING", tasks=1, timeout=60)
    # VerifiableSource resumes at the stored seqno + 1; its commits go on
    # from there (not from the worker topic's seqno, a few dozen).
    w.wait_for(lambda: w.get("/connectors/src/offsets")["offsets"][0][
        "offset"]["seqno"] > 100000, 60,
        what="the task resumed after seqno 100000")
    # DELETE offsets writes tombstones to both topics (Apache: the worker's
    # first, then the connector's).
    assert _write(w, "PUT", "/connectors/src/stop")[0] == 204
    w.wait_for(lambda: w.get("/connectors/src/status")["connector"]["state"]
               == "STOPPED", 60, what="src stopped")
    status, out = _write(w, "DELETE", "/connectors/src/offsets")
    assert status == 200, out
    assert _offset_records(own, "src")[-1][2] is None
    assert _offset_records(group + "-offsets", "src")[-1][2] is None
    assert w.get("/connectors/src/offsets") == {"offsets": []}


def _task_starts(w, name, task):
    return w.log().count("Creating task %s-%d" % (name, task))


def test_task_restart_reaches_the_worker_that_runs_it_through_the_leader(
        cluster):
    ws = cluster(3)
    leader = _leader(ws)
    topic = unique_name("kc-dh-out")
    status, body = _put(leader, "src", _source(topic, 6))
    assert status == 201, body
    seen = _statuses_agree(ws, "src", 6)
    # A task a follower runs.
    owner = next(w for w in ws if w is not leader and any(
        t["worker_id"] == w.worker_id for t in seen[0]["tasks"]))
    other = next(w for w in ws if w is not leader and w is not owner)
    task = next(t["id"] for t in seen[0]["tasks"]
                if t["worker_id"] == owner.worker_id)
    # Sent to the leader, which does not run it: Apache's leader answers
    # NotAssignedException with the owner's URL and forwards it there.
    before = _task_starts(owner, "src", task)
    status, out = _write(leader, "POST",
                         "/connectors/src/tasks/%d/restart" % task)
    assert status == 204, out
    owner.wait_for(lambda: _task_starts(owner, "src", task) > before, 30,
                   what="task %d started again on its worker" % task)
    # Sent to a follower that does not run it: to the leader, then on to
    # the owner (two hops).
    before = _task_starts(owner, "src", task)
    status, out = _write(other, "POST",
                         "/connectors/src/tasks/%d/restart" % task)
    assert status == 204, out
    owner.wait_for(lambda: _task_starts(owner, "src", task) > before, 30,
                   what="task %d started again through two hops" % task)
    _statuses_agree(ws, "src", 6)
    # Already forwarded (forward=false): no further hop, Apache's 409.
    status, out = leader.request(
        "POST", "/connectors/src/tasks/%d/restart?forward=false" % task)
    assert status == 409, out
    assert out["message"] == ("Cannot complete request because of a "
                              "conflicting operation (e.g. worker "
                              "rebalance)"), out


def test_kill9_of_a_worker_moves_its_tasks_and_no_record_is_lost(cluster):
    ws = cluster(3)
    leader = _leader(ws)
    topic = unique_name("kc-dh-out")
    status, body = _put(leader, "src", _source(topic, 3, throughput=20))
    assert status == 201, body
    seen = _statuses_agree(ws, "src", 3)
    victim = next(w for w in ws if w is not leader and any(
        t["worker_id"] == w.worker_id for t in seen[0]["tasks"]))
    time.sleep(3)  # some offsets committed (offset.flush.interval.ms 1 s)
    victim.stop(signal.SIGKILL)
    alive = [w for w in ws if w is not victim]

    def moved():
        st = leader.get("/connectors/src/status")
        ts = st["tasks"]
        return (len(ts) == 3 and all(t["state"] == "RUNNING" for t in ts)
                and all(t["worker_id"] != victim.worker_id for t in ts)
                and st["connector"]["worker_id"] != victim.worker_id
                and st)

    leader.wait_for(moved, 120, what="the victim's tasks elsewhere")
    time.sleep(3)
    # Paused, so kcat -e reaches the end (see the first test).
    assert _write(leader, "PUT", "/connectors/src/pause")[0] == 202
    _statuses_agree(alive, "src", 3, "PAUSED")
    got = consume_all(topic, expect=50)
    seqnos = {}
    for r in got:
        seqnos.setdefault(int(r["key"]), set()).add(int(r["payload"]))
    assert set(seqnos) == {0, 1, 2}
    for task, s in seqnos.items():
        # At least once: repeats are allowed, gaps are not.
        missing = set(range(max(s) + 1)) - s
        assert not missing, "task %d lost seqnos %s" % (task,
                                                         sorted(missing)[:10])
    del alive


def test_restarting_many_tasks_keeps_the_group_membership(cluster):
    # Apache's session.timeout.ms floor-ish 6 s and its 5 s task shutdown
    # timeout: restarting 8 source tasks (each stop commits its offsets
    # to the offsets topic) must not take the herder thread away from
    # its heartbeats long enough for the coordinator to expire the worker.
    (w,) = cluster(1, {"session.timeout.ms": "6000",
                       "task.shutdown.graceful.timeout.ms": "5000"})
    _leader([w])
    topic = unique_name("kc-dh-out")
    assert _put(w, "src", _source(topic, 8, throughput=200))[0] == 201
    w.wait_for_connector("src", "RUNNING", tasks=8, timeout=60)
    joins = w.log().count("(Re-)joining group")
    for _ in range(3):
        status, plan = _write(w, "POST",
                              "/connectors/src/restart?includeTasks=true")
        assert status == 202, plan
        w.wait_for_connector("src", "RUNNING", tasks=8, timeout=60)
    # Past one session timeout: an expired member would have been told to
    # rejoin by its next heartbeat.
    time.sleep(8)
    assert w.request("GET", "/connectors/src/status")[0] == 200
    log = w.log()
    assert log.count("(Re-)joining group") == joins, log[-4000:]
    # Each task stopped within its 5 s (every start and stop used to wait
    # for 0.5-1 s reads of the offsets topic, one after another).
    assert "Graceful stop of task" not in log
