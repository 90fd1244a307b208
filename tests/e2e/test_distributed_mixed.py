# SPDX-License-Identifier: Apache-2.0
"""kconnect workers in one cluster with Apache Kafka Connect 4.1.1 workers
(Java, scripts/apache-connect), and clusters of one kind taking over the
internal topics of the other.

* Mixed cluster: one Java worker and two kconnect workers in one group run
  FileStream connectors; both kinds run tasks, both kinds' REST APIs show
  the same statuses, and when the Java worker is killed its tasks move to
  kconnect with every line still delivered.
* Live migration: three Java workers under VerifiableSource/Sink load are
  replaced one by one by kconnect workers; nothing is lost and some
  worker's REST API answers all along but for one window per replacement
  (the rebalance it causes).
* Internal topics: a Java cluster's configs, offsets and statuses are taken
  over by a kconnect cluster started on them, and back; the tasks resume
  from the committed offsets.

Each test takes the kind of the "new" workers as parameter: "kconnect" is
the test; "apache" (Java workers only) proves the test itself and carries
the ``soak`` marker. The protocol: sessioned in make check, eager under
``soak`` (an eager cluster also takes a sessioned worker: Apache's
compatibility rules).
"""

import threading
import time

import pytest

from dcluster import (FILE_SINK, FILE_SOURCE, TASKS,  # noqa: F401
                      check_delivery, dcluster, pause_and_settle, progress,
                      start_load)

soak = pytest.mark.soak
# Three workers, each started (and some restarted) in turn: longer than
# the suite's 300 s default on a busy machine. The mixed tests run a JVM:
# not worth an ASan run (asan_skip).
pytestmark = [pytest.mark.timeout(900), pytest.mark.asan_skip]
CASES = [pytest.param(k, p, id="%s-%s" % (k, p),
                      marks=() if (k, p) == ("kconnect", "sessioned")
                      else (soak,))
         for k in ("kconnect", "apache") for p in ("sessioned", "eager")]
STRING = "org.apache.kafka.connect.storage.StringConverter"


def _append(path, first, count):
    with open(path, "a") as f:
        for i in range(first, first + count):
            f.write("%s line %d\n" % (path.name, i))


def _lines(path):
    try:
        return set(path.read_text().splitlines())
    except FileNotFoundError:
        return set()


@pytest.mark.parametrize("kind,protocol", CASES)
def test_mixed_cluster_runs_file_connectors_on_both_kinds(
        dcluster, tmp_path, kind, protocol):
    c = dcluster(protocol=protocol)
    java = c.add("apache")
    others = [c.add(kind) for _ in range(2)]
    c.wait_ready()
    topic = c.topic("fs")
    ins = [tmp_path / ("in-%d.txt" % i) for i in range(3)]
    outs = [tmp_path / ("out-%d.txt" % i) for i in range(3)]
    for p in ins:
        _append(p, 0, 50)
    workers = [java] + others
    for i in range(3):
        # Each connector through a different worker, of both kinds.
        workers[i].put("/connectors/fsrc-%d/config" % i, {
            "connector.class": FILE_SOURCE, "tasks.max": "1",
            "file": str(ins[i]), "topic": topic,
            "key.converter": STRING, "value.converter": STRING})
        workers[(i + 1) % 3].put("/connectors/fsink-%d/config" % i, {
            "connector.class": FILE_SINK, "tasks.max": "1",
            "file": str(outs[i]), "topics": topic,
            "key.converter": STRING, "value.converter": STRING})
    names = ["fsrc-%d" % i for i in range(3)] + \
        ["fsink-%d" % i for i in range(3)]

    def owners():
        return {t["worker_id"] for n in names
                for t in c.wait_running(n, 1)["tasks"]}
    c.wait("tasks on the Java worker and on a %s worker" % kind,
           lambda: java.id in owners() and
           owners() & {w.id for w in others})
    want = set().union(*(_lines(p) for p in ins))
    c.wait("every line in every sink file",
           lambda: all(_lines(o) >= want for o in outs))

    java.kill9()
    for n in names:
        st = c.wait_running(n, 1)
        assert java.id not in {t["worker_id"] for t in st["tasks"]}
    for p in ins:
        _append(p, 50, 50)
    want = set().union(*(_lines(p) for p in ins))
    assert len(want) == 300
    c.wait("every line, before and after the kill, in every sink file",
           lambda: all(_lines(o) >= want for o in outs))


class RestWatch(threading.Thread):
    """Asks GET /connectors of the live workers, one after another, every
    0.2 s, and keeps (time, answered) per round: answered when some live
    worker said 200."""

    def __init__(self, cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.samples = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            ok = False
            for w in list(self.cluster.alive()):
                try:
                    if w.request("GET", "/connectors", timeout=2)[0] == 200:
                        ok = True
                        break
                except OSError:
                    pass
            self.samples.append((time.monotonic(), ok))
            time.sleep(0.2)

    def windows(self):
        """The stretches of rounds no worker answered."""
        out, start = [], None
        for t, ok in self.samples:
            if not ok and start is None:
                start = t
            elif ok and start is not None:
                out.append((start, t))
                start = None
        if start is not None:
            out.append((start, None))
        return out


@pytest.mark.parametrize("kind,protocol", CASES)
def test_live_migration_of_three_java_workers_under_load(
        dcluster, kind, protocol):
    c = dcluster(protocol=protocol)
    old, topic = start_load(c, "apache")
    progress(c, what="on the Java cluster")
    watch = RestWatch(c)
    watch.start()
    steps = []
    try:
        for w in old:
            # Start the replacement first, as an operator would, then stop
            # the Java worker it replaces.
            t0 = time.monotonic()
            new = c.add(kind)
            c.wait_ready([new])
            w.stop()
            c.wait_running("vsrc", TASKS)
            c.wait_running("vsink", TASKS)
            progress(c, by=10, what="after replacing %r by %r" % (w, new))
            steps.append((t0, time.monotonic()))
    finally:
        watch.done.set()
        watch.join()
    assert not any(w.alive for w in old)
    st = c.wait_running("vsrc", TASKS)
    assert {t["worker_id"] for t in st["tasks"]} <= \
        {w.id for w in c.alive() if w.kind == kind}
    # REST: at most one stretch without an answer per replacement.
    for t0, t1 in steps:
        inside = [win for win in watch.windows() if t0 <= win[0] <= t1]
        assert len(inside) <= 1, (inside, steps)
    assert len(watch.samples) > 10
    pause_and_settle(c, c.alive()[0], "vsrc", TASKS)
    check_delivery(c, "vsrc", topic, "vsink", TASKS)


@pytest.mark.parametrize("kind,protocol", CASES)
def test_internal_topics_pass_from_java_cluster_to_other_and_back(
        dcluster, kind, protocol):
    c = dcluster(protocol=protocol)
    java, topic = start_load(c, "apache", n=2)
    progress(c, what="on the Java cluster")
    configs = java[0].get("/connectors/vsrc/config")
    tasks = java[0].get("/connectors/vsrc/tasks")
    for w in java:
        w.stop()
    # Everything the Java cluster wrote, read by the other cluster.
    others = [c.add(kind) for _ in range(2)]
    c.wait_ready()
    assert others[0].get("/connectors/vsrc/config") == configs
    assert others[1].get("/connectors/vsrc/tasks") == tasks
    c.wait_running("vsrc", TASKS)
    c.wait_running("vsink", TASKS)
    progress(c, what="on the %s cluster" % kind)
    for w in others:
        w.stop()
    # And back: a Java cluster on what the other wrote.
    back = [c.add("apache") for _ in range(2)]
    c.wait_ready()
    assert back[0].get("/connectors/vsrc/config") == configs
    c.wait_running("vsrc", TASKS)
    progress(c, what="on the Java cluster again")
    pause_and_settle(c, back[1], "vsrc", TASKS)
    summary = check_delivery(c, "vsrc", topic, "vsink", TASKS)
    assert summary["restarts"] >= 2 * TASKS, summary
