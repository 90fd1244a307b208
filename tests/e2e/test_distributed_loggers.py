# SPDX-License-Identifier: Apache-2.0
"""A distributed worker's GET /admin/loggers and its start-up and shutdown
lines against Apache Kafka Connect 4.1.1's ConnectDistributed, run side by
side (a one-worker Apache cluster next to a one-worker kconnect cluster),
so every expected name is Apache's.
"""

import re

from dcluster import dcluster, require_kind  # noqa: F401

# Apache creates these loggers once a task (or a dead letter queue) runs;
# kconnect lists them from the start.
LOGGERS_OF_TASKS = {
    "org.apache.kafka.connect.runtime.WorkerSinkTask",
    "org.apache.kafka.connect.runtime.WorkerSourceTask",
    "org.apache.kafka.connect.file.FileStreamSinkTask",
    "org.apache.kafka.connect.file.FileStreamSourceTask",
    "org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter",
    "org.apache.kafka.connect.runtime.errors.LogReporter",
}
# The lines whose logger names are compared, by how they start.
LINES = ("Kafka Connect worker initializing", "Kafka Connect started",
         "Herder started", "Kafka Connect stopping", "Kafka Connect stopped")
LINE = re.compile(r"^\[[^]]*\] [A-Z]+ (?:\[[^]]*\] )?(.*) \(([\w.$]+)(?::\d+)?\)$")


def connect_loggers(w):
    return {n for n in w.get("/admin/loggers")
            if n.startswith("org.apache.kafka.connect.")}


def line_loggers(log):
    """{line start: logger} for the LINES in @log (the first of each)."""
    out = {}
    for text in log.splitlines():
        m = LINE.match(text)
        if m is None:
            continue
        for start in LINES:
            if m.group(1).startswith(start) and start not in out:
                out[start] = m.group(2)
    return out


def test_distributed_worker_lists_and_logs_under_apache_distributed_loggers(
        dcluster):
    require_kind("apache")
    require_kind("kconnect")
    a = dcluster()
    aw = a.add("apache")
    a.wait_ready()
    k = dcluster()
    kw = k.add("kconnect")
    k.wait_ready()
    apache = connect_loggers(aw)
    ours = connect_loggers(kw)
    aw.stop()  # Apache exits 143 on SIGTERM: its code is not compared
    assert kw.stop() == 0, kw.log()
    apache_lines = line_loggers(aw.log(10 ** 7))
    assert set(apache_lines) == set(LINES), apache_lines

    assert "org.apache.kafka.connect.runtime.distributed.DistributedHerder" \
        in ours
    # Every name kconnect lists is one Apache's distributed worker lists,
    # or one Apache creates once a task runs, or one its worker logged
    # under (Apache's listing leaves out AbstractConnectCli, whose
    # start-up lines its log shows).
    extra = ours - apache - LOGGERS_OF_TASKS - set(apache_lines.values())
    assert not extra, sorted(extra)
    assert line_loggers(kw.log(10 ** 7)) == apache_lines
