# SPDX-License-Identifier: Apache-2.0
"""GET /metrics against the real broker: Apache Connect's metric groups
under the Prometheus names existing dashboards query, parsed by
prometheus_client's own parser and scraped by a real Prometheus server.

The expected names come from outside kconnect: Strimzi's JMX exporter
rules (strimzi/strimzi-kafka-operator
packaging/examples/metrics/kafka-connect-metrics.yaml), its Grafana
dashboard and alert rules (see DASHBOARD_NAMES) and the Strimzi metrics
reporter's / jmx_exporter's naming as
../shared/reference/connect-metrics-and-rest-security.md (Part A.2)
quotes them.
"""

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kconnect_worker import (DEFAULT_BOOTSTRAP, consume_all,  # noqa
                             kconnect, unique_name)

STRING = "org.apache.kafka.connect.storage.StringConverter"
JSON = "org.apache.kafka.connect.json.JsonConverter"

# Every metric name the Strimzi "Strimzi Kafka Connect" Grafana dashboard
# (strimzi/strimzi-kafka-operator,
# packaging/examples/metrics/grafana-dashboards/strimzi-kafka-connect.json
# at 78ba70522ecea74fd8b4322bc516a9b28b2fb332) and its alert rules
# (packaging/examples/metrics/prometheus-install/prometheus-rules/
# prometheus-kafka-connect-rules.yaml at 0365d255e974) query, plus the
# connector class/type/version and admin client series of the newer
# dashboard revision (reference Part A.2). JVM and container series are
# excluded below; so are kafka_connect_coordinator_assigned_{connectors,
# tasks} and kafka_connect_worker_rebalance_rebalancing of the newer
# revision, distributed-mode groups that come with distributed mode.
DASHBOARD_NAMES = [
    "kafka_connect_worker_connector_count",
    "kafka_connect_worker_task_count",
    "kafka_consumer_incoming_byte_total",
    "kafka_producer_outgoing_byte_total",
    "kafka_connect_worker_connector_paused_task_count",
    "kafka_connect_worker_connector_failed_task_count",
    "kafka_connect_worker_connector_unassigned_task_count",
    "kafka_connect_worker_connector_destroyed_task_count",
    "kafka_connect_worker_connector_running_task_count",
    "kafka_consumer_connection_count",
    "kafka_producer_connection_count",
    "kafka_connect_connector_status",
    "kafka_connect_connector_task_status",
    "kafka_connect_connector_connector_class",
    "kafka_connect_connector_connector_type",
    "kafka_connect_connector_connector_version",
    "kafka_admin_client_connection_count",
]
# Queried by the dashboard but about the JVM or the container, not Connect:
# kconnect has no JVM; cAdvisor measures the container.
NOT_CONNECT = ["jvm_memory_bytes_used", "jvm_gc_collection_seconds_sum",
               "jvm_threads_current", "container_cpu_usage_seconds_total",
               "container_last_seen"]


def scrape(w, path="/metrics", url=None):
    """(content type, {sample name: [(labels, value)]}) of one scrape,
    parsed by prometheus_client (which raises on a malformed exposition)."""
    with urllib.request.urlopen((url or w.url) + path, timeout=10) as r:
        ctype = r.headers.get("Content-Type")
        text = r.read().decode("utf-8")
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return ctype, out


def value(samples, name, **labels):
    """The value of the one sample of ``name`` with ``labels``."""
    hits = [v for lab, v in samples.get(name, [])
            if all(lab.get(k) == str(x) for k, x in labels.items())]
    assert len(hits) == 1, (name, labels, samples.get(name))
    return hits[0]


def file_pipeline(tmp_path, n, src, snk, topic):
    (tmp_path / "in.txt").write_text(
        "".join("line %d\n" % i for i in range(n)))
    return [{"name": src, "connector.class": "FileStreamSource",
             "file": str(tmp_path / "in.txt"), "topic": topic},
            {"name": snk, "connector.class": "FileStreamSink",
             "file": str(tmp_path / "out.txt"), "topics": topic}]


def produce(topic, records):
    """(key, value) pairs to partition 0 of ``topic``."""
    data = "".join("%s\t%s\n" % kv for kv in records)
    subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t", topic,
                    "-p", "0", "-K", "\t", "-X", "acks=all"],
                   input=data, text=True, check=True, timeout=30)


def test_source_and_sink_counters_equal_the_records_moved(kconnect,
                                                          tmp_path):
    n = 347
    topic = unique_name("metrics")
    src, snk = unique_name("src"), unique_name("snk")
    w = kconnect(worker={"key.converter": STRING,
                         "value.converter": STRING},
                 connectors=file_pipeline(tmp_path, n, src, snk, topic))
    out = tmp_path / "out.txt"
    w.wait_for(lambda: out.exists() and
               len(out.read_text().splitlines()) == n,
               what="all records in the sink file")

    def counted():
        _, m = scrape(w)
        got = (
            value(m, "kafka_connect_source_task_source_record_poll_total",
                  connector=src, task=0),
            value(m, "kafka_connect_source_task_source_record_write_total",
                  connector=src, task=0),
            value(m, "kafka_connect_sink_task_sink_record_read_total",
                  connector=snk, task=0),
            value(m, "kafka_connect_sink_task_sink_record_send_total",
                  connector=snk, task=0))
        return got == (n, n, n, n) and m
    m = w.wait_for(counted, what="the four counters at %d" % n)
    # Nothing left in flight once every record is acknowledged.
    assert value(m, "kafka_connect_source_task_source_record_active_count",
                 connector=src, task=0) == 0
    assert value(m, "kafka_connect_worker_connector_count") == 2
    assert value(m, "kafka_connect_worker_task_count") == 2
    assert value(m, "kafka_connect_connector_task_status", connector=src,
                 task=0, status="running") == 1
    assert value(m, "kafka_connect_connector_connector_class",
                 connector=snk,
                 connector_class="org.apache.kafka.connect.file."
                                 "FileStreamSinkConnector") == 1
    assert value(m, "kafka_connect_sink_task_partition_count",
                 connector=snk, task=0) == 1
    assert value(m, "kafka_connect_worker_connector_startup_attempts_total") \
        == 2


def test_poison_record_counts_an_error_and_a_dlq_request(kconnect,
                                                         tmp_path):
    topic = unique_name("metrics-poison")
    dlq = unique_name("metrics-dlq")
    name = unique_name("snk")
    out = tmp_path / "out.txt"
    produce(topic, [("k0", '"good 0"'), ("k1", "{not json"),
                    ("k2", '"good 2"')])
    w = kconnect(
        worker={"key.converter": STRING, "value.converter": JSON,
                "value.converter.schemas.enable": "false"},
        connectors=[{"name": name, "connector.class": "FileStreamSink",
                     "file": str(out), "topics": topic,
                     "errors.tolerance": "all",
                     "errors.log.enable": "true",
                     "errors.deadletterqueue.topic.name": dlq,
                     "errors.deadletterqueue.topic.replication.factor":
                         "1"}])
    w.wait_for(lambda: out.exists() and
               out.read_text().splitlines() == ["good 0", "good 2"],
               what="the two good records in the sink file")
    consume_all(dlq)
    _, m = scrape(w)
    t = {"connector": name, "task": 0}
    assert value(m, "kafka_connect_task_error_total_record_errors", **t) == 1
    assert value(m, "kafka_connect_task_error_total_record_failures",
                 **t) == 1
    assert value(m, "kafka_connect_task_error_total_records_skipped",
                 **t) == 1
    assert value(m, "kafka_connect_task_error_total_errors_logged", **t) == 1
    assert value(m,
                 "kafka_connect_task_error_deadletterqueue_produce_requests",
                 **t) == 1
    assert value(m,
                 "kafka_connect_task_error_deadletterqueue_produce_failures",
                 **t) == 0
    assert value(m, "kafka_connect_task_error_last_error_timestamp",
                 **t) > time.time() * 1000 - 600000
    assert value(m, "kafka_connect_sink_task_sink_record_read_total",
                 connector=name, task=0) == 3
    assert value(m, "kafka_connect_sink_task_sink_record_send_total",
                 connector=name, task=0) == 2


def test_failed_task_shows_failed_status(kconnect, tmp_path):
    topic = unique_name("metrics-fail")
    name = unique_name("snk")
    produce(topic, [("k1", "{not json")])
    w = kconnect(
        worker={"key.converter": STRING, "value.converter": JSON,
                "value.converter.schemas.enable": "false"},
        connectors=[{"name": name, "connector.class": "FileStreamSink",
                     "file": str(tmp_path / "out.txt"), "topics": topic}])

    def task_failed():
        st = w.get("/connectors/%s/status" % name)
        return st["tasks"] and st["tasks"][0]["state"] == "FAILED"
    w.wait_for(task_failed, what="the task FAILED")
    _, m = scrape(w)
    assert value(m, "kafka_connect_connector_task_status", connector=name,
                 task=0, status="failed") == 1
    assert value(m, "kafka_connect_worker_connector_failed_task_count",
                 connector=name) == 1
    assert value(m, "kafka_connect_worker_connector_running_task_count",
                 connector=name) == 0
    # It failed after it had started: not a failed startup (Apache's
    # WorkerMetricsGroup counts a failure only before onStartup).
    assert value(m, "kafka_connect_worker_task_startup_success_total") == 1
    assert value(m, "kafka_connect_worker_task_startup_failure_total") == 0
    # The alert rule's expression finds it.
    assert value(m, "kafka_connect_connector_status", connector=name,
                 status="running") == 1


def test_every_dashboard_and_alert_metric_is_served(kconnect, tmp_path):
    topic = unique_name("metrics-dash")
    w = kconnect(worker={"key.converter": STRING, "value.converter": STRING,
                         "metrics.client.statistics.interval.ms": "500"},
                 connectors=file_pipeline(tmp_path, 5, unique_name("src"),
                                          unique_name("snk"), topic))
    out = tmp_path / "out.txt"
    w.wait_for(lambda: out.exists() and
               len(out.read_text().splitlines()) == 5, what="5 records")
    # Consumer lag per partition comes with the consumer's statistics.
    want = set(DASHBOARD_NAMES) | {"kconnect_consumer_lag_records"}

    def served():
        ctype, m = scrape(w)
        return want <= set(m) and (ctype, m)
    ctype, m = w.wait_for(served, what="every dashboard metric")
    # Prometheus 3 refuses a scrape without a parseable content type.
    assert ctype.startswith("text/plain; version=0.0.4")
    for name in NOT_CONNECT:
        assert name not in m
    # Process figures under the standard names.
    for name in ["process_cpu_seconds_total", "process_resident_memory_bytes",
                 "process_open_fds", "process_start_time_seconds",
                 "process_max_fds"]:
        assert name in m, name
    assert abs(m["process_start_time_seconds"][0][1] - time.time()) < 600
    assert m["kconnect_build_info"][0][0]["version"]
    # librdkafka statistics as kconnect_ series: the producer sent 5.
    sent = {lab["client_id"]: v for lab, v in
            m["kconnect_client_records_sent_total"]}
    assert 5 in sent.values(), sent
    assert [lab["topic"] for lab, _ in m["kconnect_consumer_lag_records"]] \
        == [topic]


def test_jmx_exporter_default_names(kconnect, tmp_path):
    topic = unique_name("metrics-jmx")
    src, snk = unique_name("src"), unique_name("snk")
    w = kconnect(worker={"key.converter": STRING, "value.converter": STRING,
                         "metrics.prometheus.naming": "jmx"},
                 connectors=file_pipeline(tmp_path, 3, src, snk, topic))
    out = tmp_path / "out.txt"
    w.wait_for(lambda: out.exists() and
               len(out.read_text().splitlines()) == 3, what="3 records")
    m = w.wait_for(lambda: (lambda m: value(
        m, "kafka_connect_source_task_metrics_source_record_poll_total",
        connector=src, task=0) == 3 and m)(scrape(w)[1]),
        what="the poll total under jmx_exporter's name")
    assert value(m, "kafka_connect_connect_worker_metrics_task_count") == 2
    # String metrics are dropped by the default rule.
    assert not any(k.startswith("kafka_connect_connector_metrics_status")
                   for k in m)


def test_strimzi_metrics_reporter_names(kconnect, tmp_path):
    topic = unique_name("metrics-rep")
    src, snk = unique_name("src"), unique_name("snk")
    w = kconnect(worker={"key.converter": STRING, "value.converter": STRING,
                         "metrics.prometheus.naming": "strimzi-reporter"},
                 connectors=file_pipeline(tmp_path, 3, src, snk, topic))
    out = tmp_path / "out.txt"
    w.wait_for(lambda: out.exists() and
               len(out.read_text().splitlines()) == 3, what="3 records")
    _, m = scrape(w)
    assert value(m, "kafka_connect_connect_worker_metrics_task_count") == 2
    assert value(m, "kafka_connect_connect_worker_metrics_"
                    "connector_startup_attempts") == 2
    assert value(m, "kafka_connect_connector_metrics_status_info",
                 connector=src, status="running") == 1
    assert value(m, "kafka_connect_connector_task_metrics_status_info",
                 connector=snk, task=0, status="running") == 1
    # Apache 4.1's plugin strings of connector-task-metrics (KIP-891).
    assert value(m, "kafka_connect_connector_task_metrics_key_converter_"
                    "class_info", connector=src, task=0,
                 key_converter_class=STRING) == 1
    assert value(m, "kafka_connect_connector_task_metrics_connector_class_info",
                 connector=snk, task=0,
                 connector_class="org.apache.kafka.connect.file."
                                 "FileStreamSinkConnector") == 1


def test_metrics_also_on_the_admin_listener(kconnect, tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    admin_port = s.getsockname()[1]
    s.close()
    w = kconnect(worker={"admin.listeners":
                         "http://127.0.0.1:%d" % admin_port})
    _, m = scrape(w, url="http://127.0.0.1:%d" % admin_port)
    assert value(m, "kafka_connect_worker_connector_count") == 0
    _, m = scrape(w)
    assert value(m, "kafka_connect_worker_task_count") == 0


def free_port_in_range(lo=21500, hi=21599):
    for port in range(lo, hi + 1):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    pytest.fail("no free port in %d-%d" % (lo, hi))


@pytest.mark.asan_skip
@pytest.mark.skipif(shutil.which("prometheus") is None,
                    reason="Debian's prometheus is not installed "
                           "(scripts/install-deps)")
def test_prometheus_scrapes_the_worker(kconnect, tmp_path):
    topic = unique_name("metrics-prom")
    src, snk = unique_name("src"), unique_name("snk")
    n = 11
    w = kconnect(worker={"key.converter": STRING, "value.converter": STRING},
                 connectors=file_pipeline(tmp_path, n, src, snk, topic))
    port = free_port_in_range()
    target = w.url.split("//", 1)[1]
    cfg = tmp_path / "prometheus.yml"
    cfg.write_text(
        "global:\n  scrape_interval: 1s\n"
        "scrape_configs:\n  - job_name: kconnect\n"
        "    static_configs:\n      - targets: ['%s']\n" % target)
    log = open(tmp_path / "prometheus.log", "w")
    prom = subprocess.Popen(
        ["prometheus", "--config.file=%s" % cfg,
         "--storage.tsdb.path=%s" % (tmp_path / "tsdb"),
         "--web.listen-address=127.0.0.1:%d" % port],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        def query(q):
            url = "http://127.0.0.1:%d/api/v1/query?%s" % (
                port, urllib.parse.urlencode({"query": q}))
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    body = json.load(r)
            except OSError:
                return None
            return body["data"]["result"] if body.get("status") == \
                "success" else None

        q = ('kafka_connect_source_task_source_record_write_total'
             '{connector="%s",task="0"}' % src)
        res = w.wait_for(
            lambda: (lambda r: r and float(r[0]["value"][1]) == n and r)(
                query(q)), timeout=60, what="Prometheus to store the series")
        assert res[0]["metric"]["job"] == "kconnect"
        up = w.wait_for(lambda: query('up{job="kconnect"}'), timeout=30)
        assert float(up[0]["value"][1]) == 1
        st = query('kafka_connect_connector_status{status="running"}')
        assert {r["metric"]["connector"] for r in st} == {src, snk}
    finally:
        prom.terminate()
        try:
            prom.wait(timeout=15)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()
        log.close()


def test_metrics_need_credentials_under_basic_auth(kconnect, tmp_path):
    """docs/security.md: with the basic-auth extension /metrics needs
    credentials like every Connect resource."""
    users = tmp_path / "users.properties"
    users.write_text("alice: alice-secret\n")
    jaas = tmp_path / "jaas.conf"
    jaas.write_text(
        "KafkaConnect {\n"
        "  org.apache.kafka.connect.rest.basic.auth.extension."
        "PropertyFileLoginModule required\n"
        "  file=\"%s\";\n};\n" % users)
    w = kconnect(worker={
        "rest.extension.classes":
            "org.apache.kafka.connect.rest.basic.auth.extension."
            "BasicAuthSecurityRestExtension",
        "rest.basic.auth.jaas.config": str(jaas)}, wait=False)

    def get(auth):
        req = urllib.request.Request(w.url + "/metrics")
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(
                auth.encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""
        except OSError:
            return None, ""
    status, _ = w.wait_for(lambda: (lambda r: r[0] and r)(get(None)),
                           what="the worker to answer")
    assert status == 401
    status, text = get("alice:alice-secret")
    assert status == 200
    assert "kafka_connect_worker_connector_count 0.0" in text
