# SPDX-License-Identifier: Apache-2.0
"""Java regular expressions end to end (src/util/kc_java_regex.c on PCRE2):
the real ``kconnect`` binary and the real broker.

1. Source: RegexRouter with named groups and an inline (?i) flag routes
   ``<base>-ORDERS_EU`` to ``<base>-EU.ORDERS`` (the value java.util.regex
   gives for the same regex, replacement and topic).
2. Sink: ``topics.regex`` with a negative look-ahead consumes
   ``<base>-keep`` only: ``<base>-skip`` fails the look-ahead and
   ``<base>-keep.more`` is not a whole match (checked with java.util.regex;
   librdkafka's own regex subscription would have prefix-matched it).
3. Source topic creation: a ``topic.creation.<group>.include`` pattern with
   (?i) and a look-ahead picks the group (Apache joins the list with '|'
   and needs a whole match; checked with java.util.regex).
"""

import re

import subprocess
import time

import pytest

from kconnect_worker import KconnectWorker, unique_name  # noqa


def wait_until(predicate, timeout, what, worker):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.proc is not None and worker.proc.poll() is not None:
            pytest.fail("kconnect exited (%s) while waiting for %s:\n%s"
                        % (worker.proc.returncode, what, worker.log()[-4000:]))
        time.sleep(0.1)
    pytest.fail("timed out waiting for %s\n%s" % (what, worker.log()[-4000:]))


def _produce(bootstrap, topic, values):
    subprocess.run(["kcat", "-b", bootstrap, "-P", "-t", topic,
                    "-X", "acks=all"],
                   input=("\n".join(values) + "\n").encode(), check=True,
                   timeout=30)


def test_regex_router_named_groups_and_inline_flag(tmp_path, kcat):
    base = unique_name("rx")
    src = tmp_path / "in.txt"
    src.write_text("one\ntwo\n")
    connector = {
        "name": "rx-source",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": str(src),
        "topic": base + "-ORDERS_EU",
        "transforms": "route",
        "transforms.route.type":
            "org.apache.kafka.connect.transforms.RegexRouter",
        "transforms.route.regex":
            "(?<prefix>.+)-(?i)(?<name>orders)_(?<region>[a-z]{2})",
        "transforms.route.replacement": "${prefix}-${region}.${name}",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
    }
    routed = base + "-EU.ORDERS"
    w = KconnectWorker(tmp_path, connectors=[connector])
    try:
        w.start()
        wait_until(lambda: kcat.topic_exists(routed), 60,
                   "topic %s" % routed, w)
        records = kcat.consume(routed, 2, timeout=60)
    finally:
        w.stop()
    assert [r["payload"] for r in records] == ["one", "two"]


def test_sink_topics_regex_with_look_ahead(tmp_path, kcat):
    base = unique_name("rxs")
    out = tmp_path / "out.txt"
    _produce(kcat.bootstrap, base + "-keep", ["a", "b"])
    _produce(kcat.bootstrap, base + "-skip", ["skipped"])
    _produce(kcat.bootstrap, base + "-keep.more", ["not-whole"])
    connector = {
        "name": "rx-sink",
        "connector.class": "FileStreamSink",
        "tasks.max": "1",
        "topics.regex": base + "-(?!skip)\\w+",
        "file": str(out),
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
    }
    w = KconnectWorker(tmp_path, connectors=[connector],
                       worker={"consumer.auto.offset.reset": "earliest"})
    try:
        w.start()
        wait_until(lambda: out.exists() and out.read_text().count("\n") >= 2,
                   60, "2 lines in the sink file", w)
        time.sleep(1.0)  # records of the other topics must not show up late
        status, body = w.request("GET", "/connectors/rx-sink/topics")
    finally:
        w.stop()
    assert out.read_text() == "a\nb\n"
    assert status == 200, body
    assert body["rx-sink"]["topics"] == [base + "-keep"]


def _partitions(bootstrap, topic):
    out = subprocess.run(["kcat", "-b", bootstrap, "-L", "-t", topic],
                         capture_output=True, text=True, timeout=30)
    m = re.search(r'topic "%s" with (\d+) partitions' % re.escape(topic),
                  out.stdout)
    return int(m.group(1)) if m else None


def test_topic_creation_group_by_java_regex(tmp_path, kcat):
    topic = unique_name("rxc") + "-EU-orders"
    src = tmp_path / "in.txt"
    src.write_text("a\n")
    connector = {
        "name": "rx-create",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": str(src),
        "topic": topic,
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "topic.creation.default.partitions": "3",
        "topic.creation.default.replication.factor": "1",
        "topic.creation.groups": "eu",
        "topic.creation.eu.include": "x-never, (?i).*-eu-(?=orders).*",
        "topic.creation.eu.partitions": "2",
    }
    w = KconnectWorker(tmp_path, connectors=[connector])
    try:
        w.start()
        # Not a metadata poll: asking the broker for a topic that does not
        # exist yet auto-creates it with one partition.
        wait_until(lambda: ("Created topic (name=%s" % topic) in w.log(), 60,
                   "the worker to create " + topic, w)
        records = kcat.consume(topic, 1, timeout=60)
    finally:
        w.stop()
    assert [r["payload"] for r in records] == ["a"]
    assert _partitions(kcat.bootstrap, topic) == 2
