# SPDX-License-Identifier: Apache-2.0
"""Three distributed workers serve one cluster: connectors created through
any worker's REST API, tasks spread over all three, the same status from
every worker, and pause/resume/restart/stop/offsets/delete through any
worker.

Run on a kconnect cluster and on an Apache Kafka Connect 4.1.1 cluster
(which proves the test), with connect.protocol=eager and sessioned; make
check runs kconnect with sessioned, the rest is marked ``soak``.
"""

import pytest

from dcluster import (SINK_CLASS, NotYet, dcluster,  # noqa: F401
                      sink_config, source_config)

soak = pytest.mark.soak
# Three workers, each started (and some restarted) in turn: longer than
# the suite's 300 s default on a busy machine.
pytestmark = pytest.mark.timeout(900)
CASES = [pytest.param(k, p, id="%s-%s" % (k, p),
                      marks=() if (k, p) == ("kconnect", "sessioned")
                      else (soak,))
         for k in ("kconnect", "apache") for p in ("eager", "sessioned")]


@pytest.mark.parametrize("kind,protocol", CASES)
def test_three_workers_serve_one_cluster_through_any_rest_api(
        dcluster, kind, protocol):
    c = dcluster(protocol=protocol)
    ws = [c.add(kind) for _ in range(3)]
    c.wait_ready()
    topic = c.topic("vs")
    src = source_config(topic, 3, throughput=20)
    ws[0].put("/connectors/vsrc/config", src)
    ws[1].put("/connectors/vsink/config", sink_config(topic, 3))

    # Every worker knows both, with the same configs and task configs.
    def listed():
        return all(sorted(w.get("/connectors")) == ["vsink", "vsrc"]
                   for w in ws)
    c.wait("both connectors listed by every worker", listed)

    # Read through wait: a worker answers 500 "a rebalance is expected"
    # (Apache's RebalanceNeededException) while the sink's tasks settle.
    def configs():
        return [(w.get("/connectors/vsrc/config"),
                 w.get("/connectors/vsink/config")["connector.class"])
                for w in ws]
    assert c.wait("both configs from every worker", configs) == \
        [(dict(src, name="vsrc"), SINK_CLASS)] * len(ws)
    # Tasks spread over all three; the same status from each (waited for).
    st_src = c.wait_running("vsrc", 3)
    c.wait("tasks on all three workers", lambda: len(
        {t["worker_id"] for t in c.wait_running("vsrc", 3)["tasks"]} |
        {t["worker_id"] for t in c.wait_running("vsink", 3)["tasks"]}) == 3)
    assert st_src["type"] == "source"
    tasks = ws[0].get("/connectors/vsrc/tasks")
    assert [t["id"]["task"] for t in tasks] == [0, 1, 2]
    for w in ws[1:]:
        assert w.get("/connectors/vsrc/tasks") == tasks

    # Pause through one worker, resume through another.
    ws[1].put("/connectors/vsrc/pause")
    c.wait_running("vsrc", 3, state="PAUSED")
    ws[2].put("/connectors/vsrc/resume")
    c.wait_running("vsrc", 3)
    # Restart connector and tasks through the third.
    out = ws[0].post("/connectors/vsrc/restart?includeTasks=true")
    assert out["name"] == "vsrc"
    c.wait_running("vsrc", 3)

    # Offsets: committed for the three tasks (seen from every worker),
    # then, the connector stopped through one worker, the same offsets
    # from every worker (the order of the list is no contract), altered
    # through another, and the task resumes after them.
    def committed():
        got = [w.request("GET", "/connectors/vsrc/offsets") for w in ws]
        if any(code != 200 or len(body["offsets"]) != 3
               for code, body in got):
            raise NotYet(got)
        return got
    c.wait("offsets of three tasks from every worker", committed)
    ws[1].put("/connectors/vsrc/stop")
    def stopped():
        seen = c.statuses("vsrc")
        if not all(s["connector"]["state"] == "STOPPED" and s["tasks"] == []
                   for s in seen.values()):
            raise NotYet(seen)
        return True
    c.wait("vsrc STOPPED on every worker", stopped)

    def offsets(w):
        return sorted(w.get("/connectors/vsrc/offsets")["offsets"],
                      key=lambda o: o["partition"]["id"])
    for w in ws[1:]:
        assert offsets(w) == offsets(ws[0]), w
    ws[2].patch("/connectors/vsrc/offsets", {"offsets": [
        {"partition": {"id": 0}, "offset": {"seqno": 100000}}]})
    for w in ws:
        got = {o["partition"]["id"]: o["offset"]["seqno"]
               for o in w.get("/connectors/vsrc/offsets")["offsets"]}
        assert got[0] == 100000, (w, got)
    ws[0].put("/connectors/vsrc/resume")
    c.wait_running("vsrc", 3)
    c.wait("task 0 to resume at seqno 100001", lambda: any(
        ln.get("name") == "vsrc" and ln.get("task") == 0 and
        ln.get("seqno") == 100001 for w in ws for ln in w.lines()))

    # Delete through yet another worker: gone from every worker.
    ws[1].delete("/connectors/vsrc")
    c.wait("vsrc gone from every worker", lambda: all(
        w.get("/connectors") == ["vsink"] and
        w.request("GET", "/connectors/vsrc/status")[0] == 404 for w in ws))
