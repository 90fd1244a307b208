# SPDX-License-Identifier: Apache-2.0
"""A sink task whose put asks for retries, with a backlog far larger than
max.poll.records: the real ``kconnect`` binary, the real broker and a sink
plugin loaded from ``plugin.path`` (tests/plugins/retry_sink, built as
<build>/tests/plugins/sinks/retry/kc_retry_sink.so).

The plugin's target is down for 3 s after its first put: put answers
KC_RETRY and asks for the batch again in 300 ms (kc_sink_task_ctx_timeout,
Apache's SinkTaskContext.timeout). The worker used to abort at the first
retry (rd_kafka_poll() on its consumer: rdkafka_queue.c assert, exit 134);
it must keep running and write every record once, in order.
"""

import pytest

from kconnect_worker import find_binary, kconnect  # noqa

RECORDS = 50000


def plugin_dir():
    path = find_binary().parent / "tests" / "plugins" / "sinks"
    if not (path / "retry" / "kc_retry_sink.so").exists():
        pytest.fail("retry sink plugin not built: %s (build the tests)"
                    % path)
    return path


def test_put_retry_with_a_large_backlog_keeps_the_worker_alive(
        kconnect, kcat, unique_topic, tmp_path):
    topic = unique_topic("kc-retry")
    values = ["r%d" % i for i in range(RECORDS)]
    kcat.produce(topic, values, partition=0, timeout=120)
    out = tmp_path / "out.txt"
    w = kconnect(
        worker={
            "plugin.path": str(plugin_dir()),
            "key.converter": "org.apache.kafka.connect.storage."
                             "StringConverter",
            "value.converter": "org.apache.kafka.connect.storage."
                               "StringConverter",
            "offset.flush.interval.ms": "1000",
        },
        connectors=[{
            "name": "retry-sink",
            "connector.class": "io.kconnect.test.RetrySink",
            "tasks.max": "1",
            "topics": topic,
            "file": str(out),
            "retry.for.ms": "3000",
            "retry.timeout.ms": "300",
        }])
    w.wait_for_connector("retry-sink", "RUNNING", tasks=1)

    def lines():
        if not out.exists():
            return None
        got = out.read_text().splitlines()
        return got if len(got) >= RECORDS else None

    got = w.wait_for(lines, timeout=120, interval=0.5,
                     what="%d lines in %s" % (RECORDS, out))
    assert w.running
    assert got == values  # every record once, in order
    log = w.log()
    assert "put asked for a retry" in log
    assert "the retried put succeeded" in log
    st = w.get("/connectors/retry-sink/status")
    assert st["tasks"][0]["state"] == "RUNNING"
    assert w.stop() == 0
