# SPDX-License-Identifier: Apache-2.0
"""The Connect REST API of ``kconnect standalone``, endpoint by endpoint.

Each test runs the real binary (tests/e2e/kconnect_worker.py) against the
real broker and checks status codes and body shapes against what Apache
Kafka Connect 4.1 answers for the same request (the expected messages were
taken from Apache's ConnectorsResource, ConnectorPluginsResource,
RootResource, LoggingResource, AbstractHerder and StandaloneHerder).
"""

import http.client
import json
import re
import threading
import time

from kconnect_worker import (free_port, kconnect,  # noqa: F401
                             unique_name, write_properties)

SOURCE = "FileStreamSource"
SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SOURCE_TASK_CLASS = "org.apache.kafka.connect.file.FileStreamSourceTask"
STATES = {"UNASSIGNED", "RUNNING", "PAUSED", "STOPPED", "FAILED",
          "RESTARTING"}


def raw(w, method, path, body=None, headers=None, timeout=30):
    """(status, headers, decoded body or None); body may be bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", w.port, timeout=timeout)
    hdrs = {"Accept": "application/json"}
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        out = json.loads(data) if data else None
        return resp.status, dict(resp.getheaders()), out
    finally:
        conn.close()


def assert_error(status, body, code, message=None, prefix=None):
    """Apache's ErrorMessage: {"error_code": code, "message": str}."""
    assert status == code, body
    assert set(body) == {"error_code", "message"}, body
    assert body["error_code"] == code
    assert isinstance(body["message"], str)
    if message is not None:
        assert body["message"] == message
    if prefix is not None:
        assert body["message"].startswith(prefix), body["message"]


def source_config(tmp_path, name, topic=None, **extra):
    path = tmp_path / ("%s.txt" % name.replace("/", "_"))
    path.touch()
    cfg = {"connector.class": SOURCE, "file": str(path),
           "topic": topic or unique_name("rest-src")}
    cfg.update(extra)
    return cfg


def create(w, tmp_path, name=None, **extra):
    name = name or unique_name("c")
    status, _, body = raw(w, "POST", "/connectors",
                          {"name": name,
                           "config": source_config(tmp_path, name, **extra)})
    assert status == 201, body
    return name


def check_status_shape(st, name, worker_id, ctype="source"):
    assert list(st) == ["name", "connector", "tasks", "type"]
    assert st["name"] == name
    assert st["type"] == ctype
    assert st["connector"]["state"] in STATES
    assert st["connector"]["worker_id"] == worker_id
    for t in st["tasks"]:
        assert isinstance(t["id"], int)
        assert t["state"] in STATES
        assert t["worker_id"] == worker_id
    assert [t["id"] for t in st["tasks"]] == sorted(t["id"]
                                                    for t in st["tasks"])


# ---- root ------------------------------------------------------------------

def test_root_and_health(kconnect):
    w = kconnect()
    status, headers, body = raw(w, "GET", "/")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert list(body) == ["version", "commit", "kafka_cluster_id"]
    assert re.match(r"^\d+\.\d+\.\d+", body["version"])
    # The real broker has a cluster id; librdkafka reports it.
    assert isinstance(body["kafka_cluster_id"], str)
    assert body["kafka_cluster_id"]

    status, _, body = raw(w, "GET", "/health")
    assert status == 200
    assert body == {"status": "healthy", "message": "Worker has completed "
                    "startup and is ready to handle requests."}


def test_unknown_path_and_wrong_method(kconnect):
    w = kconnect()
    status, _, body = raw(w, "GET", "/nope")
    assert_error(status, body, 404, "HTTP 404 Not Found")
    status, _, body = raw(w, "GET", "/connectors/x/nope")
    assert_error(status, body, 404, "HTTP 404 Not Found")
    status, _, body = raw(w, "DELETE", "/connectors")
    assert_error(status, body, 405, "HTTP 405 Method Not Allowed")
    status, _, body = raw(w, "POST", "/connectors/x/status")
    assert_error(status, body, 405, "HTTP 405 Method Not Allowed")
    status, _, body = raw(w, "GET", "/connectors/x/restart")
    assert_error(status, body, 405, "HTTP 405 Method Not Allowed")
    # Distributed-mode internal endpoints, as Apache's standalone answers.
    status, _, body = raw(w, "POST", "/connectors/x/tasks", [])
    assert_error(status, body, 500, "Kafka Connect in standalone mode does "
                 "not support externally setting task configurations.")
    status, _, body = raw(w, "PUT", "/connectors/x/fence")
    assert_error(status, body, 500, "Kafka Connect in standalone mode does "
                 "not support exactly-once source connectors.")
    # The signature headers are read before the herder is asked (Apache's
    # InternalRequestSignature.fromHeaders): malformed ones are a 400.
    status, _, body = raw(w, "POST", "/connectors/x/tasks", [], headers={
        "X-Connect-Authorization": "AAAA",
        "X-Connect-Request-Signature-Algorithm": "HmacFoo"})
    assert_error(status, body, 400, "Algorithm HmacFoo not available")
    status, _, body = raw(w, "PUT", "/connectors/x/fence", headers={
        "X-Connect-Authorization": "ab-_",
        "X-Connect-Request-Signature-Algorithm": "HmacSHA256"})
    assert_error(status, body, 400, "Illegal base64 character 2d")
    # HEAD is GET without a body, as JAX-RS answers it.
    status, headers, body = raw(w, "HEAD", "/connectors")
    assert status == 200 and body is None
    # A task id that is not an integer does not match the route.
    status, _, body = raw(w, "GET", "/connectors/x/tasks/x/status")
    assert_error(status, body, 404, "HTTP 404 Not Found")


# ---- connectors: create, read, delete ---------------------------------------

def test_create_read_delete(kconnect, tmp_path):
    w = kconnect()
    name = unique_name("src")
    cfg = source_config(tmp_path, name)
    status, headers, body = raw(w, "POST", "/connectors",
                                {"name": name, "config": cfg})
    assert status == 201, body
    assert headers["Location"].endswith("/connectors/" + name)
    assert list(body) == ["name", "config", "tasks", "type"]
    assert body["name"] == name
    assert body["config"] == dict(cfg, name=name)
    assert body["tasks"] == [{"connector": name, "task": 0}]
    assert body["type"] == "source"

    status, _, again = raw(w, "POST", "/connectors",
                           {"name": name, "config": cfg})
    assert_error(status, again, 409, "Connector %s already exists" % name)

    assert w.get("/connectors") == [name]
    assert w.get("/connectors/" + name) == body
    assert w.get("/connectors/%s/config" % name) == dict(cfg, name=name)
    st = w.wait_for_connector(name, "RUNNING", tasks=1)
    check_status_shape(st, name, "127.0.0.1:%d" % w.port)

    tasks = w.get("/connectors/%s/tasks" % name)
    assert len(tasks) == 1
    assert tasks[0]["id"] == {"connector": name, "task": 0}
    assert tasks[0]["config"]["task.class"] == SOURCE_TASK_CLASS
    assert tasks[0]["config"]["topic"] == cfg["topic"]

    ts = w.get("/connectors/%s/tasks/0/status" % name)
    assert ts == {"id": 0, "state": "RUNNING",
                  "worker_id": "127.0.0.1:%d" % w.port,
                  **({"version": ts["version"]} if "version" in ts else {})}

    # tasks-config was removed in Apache 4.0 (it showed resolved config
    # provider values): an unknown path since.
    status, _, tc = raw(w, "GET", "/connectors/%s/tasks-config" % name)
    assert_error(status, tc, 404, "HTTP 404 Not Found")

    status, _, body = raw(w, "DELETE", "/connectors/" + name)
    assert status == 204 and body is None
    assert w.get("/connectors") == []
    status, _, body = raw(w, "GET", "/connectors/" + name)
    assert_error(status, body, 404, "Connector %s not found" % name)
    status, _, body = raw(w, "GET", "/connectors/%s/status" % name)
    assert_error(status, body, 404,
                 "No status found for connector %s" % name)


def test_unknown_connector_errors(kconnect):
    w = kconnect()
    cases = [
        ("GET", "/connectors/zz", 404, "Connector zz not found"),
        ("GET", "/connectors/zz/config", 404, "Connector zz not found"),
        ("GET", "/connectors/zz/tasks", 404, "Connector zz not found"),
        ("GET", "/connectors/zz/status", 404,
         "No status found for connector zz"),
        ("GET", "/connectors/zz/tasks/0/status", 404,
         "No status found for task zz-0"),
        ("DELETE", "/connectors/zz", 404, "Connector zz not found"),
        ("POST", "/connectors/zz/restart", 404, "Connector zz not found"),
        ("POST", "/connectors/zz/restart?includeTasks=true", 404,
         "Unknown connector: zz"),
        ("POST", "/connectors/zz/tasks/0/restart", 404,
         "Connector zz not found"),
        ("PUT", "/connectors/zz/pause", 404, "Unknown connector zz"),
        ("PUT", "/connectors/zz/resume", 404, "Unknown connector zz"),
        ("PUT", "/connectors/zz/stop", 404, "Connector zz not found"),
        ("GET", "/connectors/zz/offsets", 404, "Connector zz not found"),
        ("DELETE", "/connectors/zz/offsets", 404, "Connector zz not found"),
    ]
    for method, path, code, message in cases:
        status, _, body = raw(w, method, path)
        assert_error(status, body, code, message)
    status, _, body = raw(w, "PATCH", "/connectors/zz/config", {"a": "b"})
    assert_error(status, body, 404, "Connector zz not found")
    status, _, body = raw(w, "PATCH", "/connectors/zz/offsets",
                          {"offsets": [{"partition": {"a": 1},
                                        "offset": {"b": 2}}]})
    assert_error(status, body, 404, "Connector zz not found")
    # As Apache: an unknown connector has no active topics.
    assert w.get("/connectors/zz/topics") == {"zz": {"topics": []}}
    status, _, body = raw(w, "PUT", "/connectors/zz/topics/reset")
    assert status == 202 and body is None


def test_list_expand(kconnect, tmp_path):
    w = kconnect()
    a = create(w, tmp_path, "a-" + unique_name())
    b = create(w, tmp_path, "b-" + unique_name())
    w.wait_for_connector(a, "RUNNING", tasks=1)
    w.wait_for_connector(b, "RUNNING", tasks=1)
    assert w.get("/connectors") == [a, b]

    st = w.get("/connectors?expand=status")
    assert set(st) == {a, b}
    for n in (a, b):
        assert list(st[n]) == ["status"]
        check_status_shape(st[n]["status"], n, "127.0.0.1:%d" % w.port)

    info = w.get("/connectors?expand=info")
    assert info[a] == {"info": w.get("/connectors/" + a)}

    both = w.get("/connectors?expand=status&expand=info")
    assert set(both[b]) == {"status", "info"}
    assert both[b]["info"]["name"] == b

    # Unknown expansions are ignored, as Apache does.
    assert w.get("/connectors?expand=foo") == {a: {}, b: {}}


# ---- bad requests ----------------------------------------------------------

def test_create_bad_requests(kconnect, tmp_path):
    w = kconnect()
    status, _, body = raw(w, "POST", "/connectors", b"{bad",
                          {"Content-Type": "application/json"})
    assert_error(status, body, 400)

    status, _, body = raw(w, "POST", "/connectors", b'{"name":"x"}',
                          {"Content-Type":
                           "application/x-www-form-urlencoded"})
    assert_error(status, body, 415, "HTTP 415 Unsupported Media Type")

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "b", "config": {"tasks.max": "1"}})
    assert_error(status, body, 400, prefix="Connector config {")
    assert body["message"].endswith("} contains no connector type")

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "b",
                           "config": {"connector.class": "Nope"}})
    assert_error(status, body, 400,
                 prefix="Failed to find any class that implements Connector "
                        "and which name matches Nope, available connectors "
                        "are: ")
    assert SOURCE_CLASS in body["message"]

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "b",
                           "config": {"connector.class": "FileStreamSink"}})
    assert_error(status, body, 400)
    assert body["message"] == (
        "Connector configuration is invalid and contains the following 2 "
        "error(s):\nMust configure one of topics or topics.regex\n"
        "Must configure one of topics or topics.regex\nYou can also find "
        "the above list of errors at the endpoint "
        "`/connector-plugins/{connectorType}/config/validate`")

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "", "config": source_config(tmp_path,
                                                               "e")})
    assert_error(status, body, 400, prefix="Connector configuration is "
                 "invalid and contains the following 1 error(s):\n")
    assert "Invalid value  for configuration name: String may not be " \
           "empty" in body["message"]

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "a\nb", "config": source_config(tmp_path,
                                                                   "e")})
    assert_error(status, body, 400)
    assert "control" in body["message"]

    cfg = source_config(tmp_path, "n")
    cfg["batch.size"] = None
    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "n", "config": cfg})
    assert_error(status, body, 400)
    assert "Null value can not be supplied as the configuration value." \
        in body["message"]

    status, _, body = raw(w, "POST", "/connectors",
                          {"name": "n", "config": source_config(tmp_path,
                                                                "n"),
                           "initial_state": "SLEEPING"})
    assert_error(status, body, 400)

    status, _, body = raw(w, "POST", "/connectors", {"name": "n"})
    assert_error(status, body, 400)

    # Nothing was created by any of these.
    assert w.get("/connectors") == []


def test_put_config_name_mismatch_and_type_errors(kconnect, tmp_path):
    w = kconnect()
    status, _, body = raw(w, "PUT", "/connectors/a/config",
                          {"connector.class": SOURCE, "name": "other"})
    assert_error(status, body, 400,
                 "Connector name configuration (other) doesn't match "
                 "connector name in the URL (a)")
    status, _, body = raw(w, "PUT", "/connectors/a/config", [1, 2])
    assert_error(status, body, 400)
    status, _, body = raw(w, "PUT", "/connectors/a/config",
                          {"connector.class": SOURCE, "topic": {"x": 1}})
    assert_error(status, body, 400)
    assert w.get("/connectors") == []


# ---- config updates ----------------------------------------------------------

def test_put_and_patch_config(kconnect, tmp_path):
    w = kconnect()
    name = unique_name("put")
    cfg = source_config(tmp_path, name)
    status, headers, body = raw(w, "PUT", "/connectors/%s/config" % name,
                                cfg)
    assert status == 201, body
    assert headers["Location"].endswith("/connectors/" + name)
    assert body["config"] == dict(cfg, name=name)
    w.wait_for_connector(name, "RUNNING", tasks=1)

    # Numbers and booleans become strings, as Jackson reads Map<String,
    # String>.
    cfg2 = dict(cfg, topic=unique_name("rest-src2"), **{"batch.size": 100})
    status, _, body = raw(w, "PUT", "/connectors/%s/config" % name, cfg2)
    assert status == 200, body
    assert body["config"]["batch.size"] == "100"
    assert body["config"]["topic"] == cfg2["topic"]
    tasks = w.get("/connectors/%s/tasks" % name)
    assert tasks[0]["config"]["topic"] == cfg2["topic"]
    w.wait_for_connector(name, "RUNNING", tasks=1)

    status, _, body = raw(w, "PATCH", "/connectors/%s/config" % name,
                          {"batch.size": "10", "tasks.max": None})
    assert status == 200, body
    assert body["config"]["batch.size"] == "10"
    assert "tasks.max" not in body["config"]
    assert w.get("/connectors/%s/config" % name) == body["config"]

    # An invalid patch changes nothing.
    status, _, err = raw(w, "PATCH", "/connectors/%s/config" % name,
                         {"batch.size": "many"})
    assert_error(status, err, 400, prefix="Connector configuration is "
                 "invalid and contains the following 1 error(s):\n")
    assert w.get("/connectors/%s/config" % name) == body["config"]


def test_initial_state(kconnect, tmp_path):
    w = kconnect()
    paused = unique_name("paused")
    status, _, body = raw(w, "POST", "/connectors",
                          {"name": paused,
                           "config": source_config(tmp_path, paused),
                           "initial_state": "paused"})
    assert status == 201, body
    # As Apache: a paused connector's tasks are created on resume.
    st = w.wait_for_connector(paused, "PAUSED")
    assert st["tasks"] == []
    assert raw(w, "PUT", "/connectors/%s/resume" % paused)[0] == 202
    w.wait_for_connector(paused, "RUNNING", tasks=1)

    stopped = unique_name("stopped")
    status, _, body = raw(w, "POST", "/connectors",
                          {"name": stopped,
                           "config": source_config(tmp_path, stopped),
                           "initial_state": "STOPPED"})
    assert status == 201, body
    assert body["tasks"] == []
    st = w.wait_for_connector(stopped, "STOPPED")
    assert st["tasks"] == []


# ---- lifecycle ----------------------------------------------------------------

def test_pause_resume_stop(kconnect, tmp_path):
    w = kconnect()
    name = create(w, tmp_path)
    w.wait_for_connector(name, "RUNNING", tasks=1)

    status, _, body = raw(w, "PUT", "/connectors/%s/pause" % name)
    assert status == 202 and body is None
    w.wait_for_connector(name, "PAUSED", tasks=1)
    # Idempotent.
    assert raw(w, "PUT", "/connectors/%s/pause" % name)[0] == 202

    status, _, body = raw(w, "PUT", "/connectors/%s/resume" % name)
    assert status == 202 and body is None
    w.wait_for_connector(name, "RUNNING", tasks=1)

    status, _, body = raw(w, "PUT", "/connectors/%s/stop" % name)
    assert status == 204 and body is None
    st = w.wait_for_connector(name, "STOPPED")
    assert st["tasks"] == []
    assert w.get("/connectors/" + name)["tasks"] == []
    assert w.get("/connectors/%s/tasks" % name) == []
    status, _, body = raw(w, "GET", "/connectors/%s/tasks/0/status" % name)
    assert_error(status, body, 404, "No status found for task %s-0" % name)

    # Resume also restarts a stopped connector, with new tasks.
    assert raw(w, "PUT", "/connectors/%s/resume" % name)[0] == 202
    w.wait_for_connector(name, "RUNNING", tasks=1)


def test_restart(kconnect, tmp_path):
    w = kconnect()
    name = create(w, tmp_path)
    w.wait_for_connector(name, "RUNNING", tasks=1)
    wid = "127.0.0.1:%d" % w.port

    status, _, body = raw(w, "POST", "/connectors/%s/restart" % name)
    assert status == 204 and body is None
    w.wait_for_connector(name, "RUNNING", tasks=1)

    # KIP-745: the plan shows what restarts as RESTARTING.
    status, _, body = raw(w, "POST",
                          "/connectors/%s/restart?includeTasks=true" % name)
    assert status == 202, body
    check_status_shape(body, name, wid)
    assert body["connector"]["state"] == "RESTARTING"
    assert [t["state"] for t in body["tasks"]] == ["RESTARTING"]
    w.wait_for_connector(name, "RUNNING", tasks=1)

    # Nothing failed: nothing restarts.
    status, _, body = raw(w, "POST", "/connectors/%s/restart?includeTasks="
                          "true&onlyFailed=true" % name)
    assert status == 202, body
    assert body["connector"]["state"] == "RUNNING"
    assert [t["state"] for t in body["tasks"]] == ["RUNNING"]

    # onlyFailed alone restarts the connector only if it failed.
    status, _, body = raw(w, "POST",
                          "/connectors/%s/restart?onlyFailed=true" % name)
    assert status == 202, body
    assert body["connector"]["state"] == "RUNNING"

    # Booleans as Java parses them: only "true" is true.
    status, _, body = raw(w, "POST",
                          "/connectors/%s/restart?includeTasks=yes" % name)
    assert status == 204 and body is None

    status, _, body = raw(w, "POST", "/connectors/%s/tasks/0/restart" % name)
    assert status == 204 and body is None
    w.wait_for_connector(name, "RUNNING", tasks=1)
    status, _, body = raw(w, "POST", "/connectors/%s/tasks/5/restart" % name)
    assert_error(status, body, 404, "Task %s-5 not found" % name)
    status, _, body = raw(w, "GET", "/connectors/%s/tasks/5/status" % name)
    assert_error(status, body, 404, "No status found for task %s-5" % name)


def test_failed_task_trace_and_only_failed_restart(kconnect, tmp_path):
    w = kconnect()
    name = unique_name("bad-sink")
    status, _, body = raw(w, "POST", "/connectors", {
        "name": name,
        "config": {"connector.class": "FileStreamSink",
                   "file": str(tmp_path / "no" / "such" / "dir" / "out.txt"),
                   "topics": unique_name("rest-sink")}})
    assert status == 201, body
    assert body["type"] == "sink"

    def failed():
        st = w.get("/connectors/%s/status" % name)
        return st if st["tasks"] and st["tasks"][0]["state"] == "FAILED" \
            else None

    st = w.wait_for(failed, what="task FAILED")
    check_status_shape(st, name, "127.0.0.1:%d" % w.port, "sink")
    assert st["connector"]["state"] == "RUNNING"
    assert isinstance(st["tasks"][0]["trace"], str)
    assert st["tasks"][0]["trace"]
    assert "trace" not in st["connector"]
    ts = w.get("/connectors/%s/tasks/0/status" % name)
    assert ts["state"] == "FAILED" and ts["trace"] == st["tasks"][0]["trace"]

    status, _, body = raw(w, "POST", "/connectors/%s/restart?includeTasks="
                          "true&onlyFailed=true" % name)
    assert status == 202, body
    assert body["connector"]["state"] == "RUNNING"
    assert body["tasks"][0]["state"] == "RESTARTING"
    # It fails again: the directory still does not exist.
    w.wait_for(failed, what="task FAILED again")


# ---- topics and offsets ---------------------------------------------------------

def test_active_topics(kconnect, tmp_path):
    w = kconnect()
    name = unique_name("topics")
    topic = unique_name("rest-topics")
    cfg = source_config(tmp_path, name, topic=topic)
    assert raw(w, "POST", "/connectors", {"name": name,
                                          "config": cfg})[0] == 201
    with open(cfg["file"], "a") as f:
        f.write("one\ntwo\n")

    def has_topic():
        t = w.get("/connectors/%s/topics" % name)
        return t if t[name]["topics"] == [topic] else None

    assert w.wait_for(has_topic, what="active topic") == \
        {name: {"topics": [topic]}}
    status, _, body = raw(w, "PUT", "/connectors/%s/topics/reset" % name)
    assert status == 202 and body is None
    assert w.get("/connectors/%s/topics" % name) == {name: {"topics": []}}


def test_topic_tracking_disabled(kconnect, tmp_path):
    w = kconnect(worker={"topic.tracking.enable": "false"})
    status, _, body = raw(w, "GET", "/connectors/x/topics")
    assert_error(status, body, 403, "Topic tracking is disabled.")
    status, _, body = raw(w, "PUT", "/connectors/x/topics/reset")
    assert_error(status, body, 403, "Topic tracking is disabled.")

    w2 = kconnect(worker={"topic.tracking.allow.reset": "false"})
    assert raw(w2, "GET", "/connectors/x/topics")[0] == 200
    status, _, body = raw(w2, "PUT", "/connectors/x/topics/reset")
    assert_error(status, body, 403, "Topic tracking reset is disabled.")


def test_offsets(kconnect, tmp_path):
    w = kconnect(worker={"offset.flush.interval.ms": "200"})
    name = unique_name("offsets")
    cfg = source_config(tmp_path, name)
    assert raw(w, "POST", "/connectors", {"name": name,
                                          "config": cfg})[0] == 201
    with open(cfg["file"], "a") as f:
        f.write("a\nbb\nccc\n")
    partition = {"filename": cfg["file"]}

    want = {"offsets": [{"partition": partition,
                         "offset": {"position": 9}}]}

    def flushed():
        # The offset grows as the lines are read and acknowledged.
        return w.get("/connectors/%s/offsets" % name) == want

    w.wait_for(flushed, what="committed offsets of all three lines")

    stopped_msg = ("Connectors must be in the STOPPED state before their "
                   "offsets can be modified. This can be done for the "
                   "specified connector by issuing a 'PUT' request to the "
                   "'/connectors/%s/stop' endpoint" % name)
    alter = {"offsets": [{"partition": partition,
                          "offset": {"position": 2}}]}
    status, _, body = raw(w, "PATCH", "/connectors/%s/offsets" % name, alter)
    assert_error(status, body, 400, stopped_msg)
    status, _, body = raw(w, "DELETE", "/connectors/%s/offsets" % name)
    assert_error(status, body, 400, stopped_msg)

    assert raw(w, "PUT", "/connectors/%s/stop" % name)[0] == 204
    status, _, body = raw(w, "PATCH", "/connectors/%s/offsets" % name,
                          {"offsets": []})
    assert_error(status, body, 400, "Partitions / offsets need to be "
                 "provided for an alter offsets request")

    status, _, body = raw(w, "PATCH", "/connectors/%s/offsets" % name, alter)
    assert status == 200, body
    assert body == {"message": "The offsets for this connector have been "
                               "altered successfully"}
    assert w.get("/connectors/%s/offsets" % name) == {
        "offsets": [{"partition": partition, "offset": {"position": 2}}]}

    status, _, body = raw(w, "DELETE", "/connectors/%s/offsets" % name)
    assert status == 200, body
    assert body == {"message": "The offsets for this connector have been "
                               "reset successfully"}
    assert w.get("/connectors/%s/offsets" % name) == {"offsets": []}


# ---- plugins ------------------------------------------------------------------

def test_connector_plugins(kconnect):
    w = kconnect()
    plugins = w.get("/connector-plugins")
    classes = {p["class"]: p for p in plugins}
    assert classes[SOURCE_CLASS]["type"] == "source"
    assert classes[SINK_CLASS]["type"] == "sink"
    for p in plugins:
        assert set(p) <= {"class", "type", "version"}
        assert p["type"] in ("source", "sink")
    # Apache lists sinks first, then sources.
    types = [p["type"] for p in plugins]
    assert types == sorted(types, key=lambda t: t != "sink")

    everything = w.get("/connector-plugins?connectorsOnly=false")
    assert len(everything) >= len(plugins)
    assert everything[:len(plugins)] == plugins
    for p in everything:
        assert p["type"] in ("source", "sink", "converter",
                             "header_converter", "transformation",
                             "predicate")
    # Java's Boolean parsing: anything but "true" is false.
    assert w.get("/connector-plugins?connectorsOnly=nope") == everything
    assert w.get("/connector-plugins?connectorsOnly=TRUE") == plugins


def test_plugin_config(kconnect):
    w = kconnect()
    keys = w.get("/connector-plugins/FileStreamSource/config")
    names = [k["name"] for k in keys]
    # The plugin's own keys first, then the framework's.
    assert names[:3] == ["file", "topic", "batch.size"]
    assert "name" in names and "connector.class" in names
    assert "tasks.max" in names
    assert len(names) == len(set(names))
    for k in keys:
        assert list(k) == ["name", "type", "required", "default_value",
                           "importance", "documentation", "group", "width",
                           "display_name", "dependents", "order"]
    topic = keys[1]
    assert topic["type"] == "STRING" and topic["required"] is True
    assert topic["default_value"] is None
    assert keys[2]["default_value"] == "2000"
    assert w.get("/connector-plugins/%s/config" % SOURCE_CLASS) == keys
    assert w.get("/connector-plugins/FileStreamSourceConnector/config") == \
        keys

    status, _, body = raw(w, "GET", "/connector-plugins/Nope/config")
    assert_error(status, body, 404, "Unknown plugin Nope.")


def test_validate(kconnect):
    w = kconnect()
    path = "/connector-plugins/FileStreamSink/config/validate"
    status, _, body = raw(w, "PUT", path, {
        "connector.class": "FileStreamSink", "topics": "a",
        "topics.regex": "b", "file": "x", "tasks.max": "0"})
    assert status == 200, body
    assert list(body) == ["name", "error_count", "groups", "configs"]
    assert body["name"] == "FileStreamSink"
    assert "Common" in body["groups"]
    errors = {}
    for c in body["configs"]:
        assert set(c) == {"definition", "value"}
        v = c["value"]
        if v is not None:
            assert list(v) == ["name", "value", "recommended_values",
                               "errors", "visible"]
            if v["errors"]:
                errors[v["name"]] = v["errors"]
    assert body["error_count"] == sum(len(e) for e in errors.values())
    msg = ("topics and topics.regex are mutually exclusive options, but "
           "both are set.")
    assert errors["topics"] == [msg]
    assert errors["topics.regex"] == [msg]
    assert "tasks.max" in errors
    assert errors["name"] == ['Missing required configuration "name" which '
                              'has no default value.']
    values = {c["value"]["name"]: c["value"]["value"]
              for c in body["configs"] if c["value"]}
    assert values["file"] == "x"
    assert values["tasks.max"] == "0"

    status, _, body = raw(w, "PUT", path, {"connector.class": SINK_CLASS,
                                           "topics": "a", "name": "ok"})
    assert status == 200 and body["error_count"] == 0

    status, _, body = raw(w, "PUT",
                          "/connector-plugins/FileStreamSource/config/"
                          "validate",
                          {"connector.class": "FileStreamSink"})
    assert_error(status, body, 400, "Included connector type FileStreamSink "
                 "does not match request type FileStreamSource")
    status, _, body = raw(w, "PUT",
                          "/connector-plugins/Nope/config/validate",
                          {"connector.class": "Nope"})
    assert_error(status, body, 400, prefix="Failed to find any class")
    status, _, body = raw(w, "PUT", path, b"[",
                          {"Content-Type": "application/json"})
    assert_error(status, body, 400)


def test_validate_without_connector_class_is_refused(kconnect):
    """The path names the plugin, but Apache refuses a config without
    connector.class ("... contains no connector type", the config printed
    in Java's HashMap order, here Apache 4.1.1's own text). Apache answers
    500 there (docs/compat.md#client-errors-answered-400), kconnect 400."""
    w = kconnect()
    status, _, body = raw(w, "PUT", "/connector-plugins/FileStreamSource/"
                          "config/validate", {"name": "x"})
    assert_error(status, body, 400,
                 "Connector config {name=x} contains no connector type")
    status, _, body = raw(w, "PUT", "/connector-plugins/FileStreamSource/"
                          "config/validate",
                          {"name": "x", "tasks.max": "1", "topic": "t",
                           "file": "/f", "batch.size": "2"})
    assert_error(status, body, 400,
                 "Connector config {name=x, topic=t, file=/f, tasks.max=1, "
                 "batch.size=2} contains no connector type")


# ---- names -----------------------------------------------------------------------

def test_names_with_slashes_and_spaces(kconnect, tmp_path):
    w = kconnect()
    for name, enc in (("a/b", "a%2Fb"), ("with space", "with%20space"),
                      ("üñí", "%C3%BC%C3%B1%C3%AD")):
        cfg = source_config(tmp_path, name)
        status, headers, body = raw(w, "PUT", "/connectors/%s/config" % enc,
                                    cfg)
        assert status == 201, body
        assert body["name"] == name
        assert headers["Location"].endswith("/connectors/" + enc)
        assert w.get("/connectors/" + enc)["name"] == name
        w.wait_for_connector(enc, "RUNNING", tasks=1)
    assert sorted(w.get("/connectors")) == sorted(["a/b", "with space",
                                                   "üñí"])
    assert raw(w, "DELETE", "/connectors/a%2Fb")[0] == 204
    assert "a/b" not in w.get("/connectors")
    status, _, body = raw(w, "GET", "/connectors/bad%zz")
    assert_error(status, body, 400)


# ---- listeners and worker id -------------------------------------------------------

def test_port_zero_and_advertised_worker_id(kconnect, tmp_path):
    w = kconnect(worker={"listeners": "http://127.0.0.1:0",
                         "rest.advertised.host.name": "connect-1.example",
                         "rest.advertised.port": "18999"},
                 wait=False)

    def bound():
        m = re.search(r"REST server listening at http://127\.0\.0\.1:(\d+)/"
                      r", advertising URL http://connect-1\.example:18999/",
                      w.log())
        return m

    m = w.wait_for(bound, timeout=20, what="the bound port in the log")
    w.port = int(m.group(1))
    w.url = "http://127.0.0.1:%d" % w.port
    w.wait_ready()
    name = create(w, tmp_path)
    st = w.wait_for_connector(name, "RUNNING", tasks=1)
    assert st["connector"]["worker_id"] == "connect-1.example:18999"
    assert st["tasks"][0]["worker_id"] == "connect-1.example:18999"


def test_several_listeners_and_admin_listener(kconnect):
    w = kconnect(start=False)
    second = free_port()
    admin = free_port()
    w.worker_props["listeners"] = ("http://127.0.0.1:%d, http://127.0.0.1:%d"
                                   % (w.port, second))
    w.worker_props["admin.listeners"] = "http://127.0.0.1:%d" % admin
    write_properties(w.worker_path, w.worker_props)
    w.start()

    class At:
        def __init__(self, port):
            self.port = port

    for port in (w.port, second):
        assert raw(At(port), "GET", "/connectors")[0] == 200
        status, _, body = raw(At(port), "GET", "/admin/loggers")
        assert_error(status, body, 404, "HTTP 404 Not Found")
    status, _, body = raw(At(admin), "GET", "/admin/loggers")
    assert status == 200 and "root" in body
    status, _, body = raw(At(admin), "GET", "/connectors")
    assert_error(status, body, 404, "HTTP 404 Not Found")


def test_bad_listeners_fail_startup(kconnect):
    for bad in ("https://127.0.0.1:0", "127.0.0.1:8083", "http://:99999"):
        w = kconnect(worker={"listeners": bad}, start=False, wait=False)
        w.start()
        assert w.wait_exit(20) != 0
        assert "listeners" in w.log(), w.log()


def test_admin_listeners_empty_disables_admin(kconnect):
    w = kconnect(worker={"admin.listeners": ""})
    status, _, body = raw(w, "GET", "/admin/loggers")
    assert_error(status, body, 404, "HTTP 404 Not Found")
    assert raw(w, "GET", "/connectors")[0] == 200


# ---- concurrency ---------------------------------------------------------------------

def test_many_concurrent_requests(kconnect, tmp_path):
    w = kconnect()
    name = create(w, tmp_path)
    w.wait_for_connector(name, "RUNNING", tasks=1)
    results = []

    def hammer():
        for _ in range(10):
            results.append(raw(w, "GET", "/connectors/%s/status" % name)[0])
            results.append(raw(w, "GET", "/connectors")[0])

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    # Lifecycle changes while the readers run.
    assert raw(w, "PUT", "/connectors/%s/pause" % name)[0] == 202
    assert raw(w, "PUT", "/connectors/%s/resume" % name)[0] == 202
    for t in threads:
        t.join(60)
    assert results == [200] * 160
    w.wait_for_connector(name, "RUNNING", tasks=1)


# ---- loggers and the log layout ---------------------------------------------------------

LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] "
                  r"(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) (.*) "
                  r"\(([A-Za-z0-9_.$-]+)(:\d+)?\)$")


def test_admin_loggers(kconnect):
    w = kconnect()
    rest = "org.apache.kafka.connect.runtime.rest.RestServer"
    loggers = w.get("/admin/loggers")
    assert loggers["root"] == {"level": "INFO", "last_modified": None}
    # A logger that has written a line is known.
    assert loggers[rest] == {"level": "INFO", "last_modified": None}
    assert list(loggers) == sorted(loggers)

    status, _, body = raw(w, "GET", "/admin/loggers/nonexistent.logger")
    assert_error(status, body, 404, "Logger nonexistent.logger not found.")
    status, _, body = raw(w, "PUT", "/admin/loggers/x", {"level": "bogus"})
    assert_error(status, body, 404, "invalid log level 'bogus'.")
    status, _, body = raw(w, "PUT", "/admin/loggers/x", {})
    assert_error(status, body, 400, "Desired 'level' parameter was not "
                 "specified in request.")

    before = int(time.time() * 1000)
    status, _, body = raw(w, "PUT",
                          "/admin/loggers/org.apache.kafka.connect.runtime."
                          "rest", {"level": "debug"})
    assert status == 200, body
    assert body == sorted(body)
    assert "org.apache.kafka.connect.runtime.rest" in body
    assert rest in body
    lvl = w.get("/admin/loggers/" + rest)
    assert lvl["level"] == "DEBUG"
    assert lvl["last_modified"] >= before
    # The level takes effect: the REST server now logs at DEBUG.
    w.get("/connectors")
    debug = [m for m in map(LINE.match, w.log().splitlines())
             if m and m.group(1) == "DEBUG" and m.group(3) == rest]
    assert debug, w.log()

    status, _, body = raw(w, "PUT",
                          "/admin/loggers/zz.new?scope=cluster",
                          {"level": "WARN"})
    assert status == 204 and body is None
    assert w.get("/admin/loggers/zz.new")["level"] == "WARN"

    status, _, body = raw(w, "PUT", "/admin/loggers/root",
                          {"level": "ERROR"})
    assert status == 200
    assert "root" in body and rest in body
    assert w.get("/admin/loggers/root")["level"] == "ERROR"


def test_log_layout(kconnect, tmp_path):
    w = kconnect()
    name = create(w, tmp_path)
    w.wait_for_connector(name, "RUNNING", tasks=1)
    assert list(w.get("/connectors?expand=status")) == [name]
    w.stop()
    lines = [ln for ln in w.log().splitlines() if ln.startswith("[")]
    assert lines
    for ln in lines:
        assert LINE.match(ln), ln
    # Request log lines, as Apache's RestServer writes them.
    assert any(re.search(r'INFO 127\.0\.0\.1 - - \[[^\]]+\] "GET /connectors/'
                         r'%s/status HTTP/1\.1" 200 \d+ ' % re.escape(name),
                         ln) for ln in lines)
    # The request target keeps its query.
    assert any('"GET /connectors?expand=status HTTP/1.1" 200' in ln
               for ln in lines)


def test_sink_offsets(kconnect, tmp_path):
    w = kconnect(worker={"offset.flush.interval.ms": "200"})
    topic = unique_name("rest-sink-offsets")
    src = unique_name("src")
    cfg = source_config(tmp_path, src, topic=topic)
    with open(cfg["file"], "w") as f:
        f.write("one\ntwo\nthree\n")
    assert raw(w, "POST", "/connectors", {"name": src, "config": cfg})[0] \
        == 201
    out = tmp_path / "sink-out.txt"
    snk = unique_name("snk")
    status, _, body = raw(w, "POST", "/connectors", {
        "name": snk, "config": {"connector.class": "FileStreamSink",
                                "file": str(out), "topics": topic}})
    assert status == 201, body
    w.wait_for(lambda: out.exists() and
               out.read_text().splitlines() == ["one", "two", "three"],
               what="the sink file")
    partition = {"kafka_topic": topic, "kafka_partition": 0}
    want = {"offsets": [{"partition": partition,
                         "offset": {"kafka_offset": 3}}]}
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % snk) == want,
               what="committed sink offsets")

    assert raw(w, "PUT", "/connectors/%s/stop" % snk)[0] == 204
    status, _, body = raw(w, "PATCH", "/connectors/%s/offsets" % snk, {
        "offsets": [{"partition": partition,
                     "offset": {"kafka_offset": 1}}]})
    assert status == 200, body
    assert body == {"message": "The offsets for this connector have been "
                               "altered successfully"}
    assert w.get("/connectors/%s/offsets" % snk) == {
        "offsets": [{"partition": partition, "offset": {"kafka_offset": 1}}]}
    status, _, body = raw(w, "DELETE", "/connectors/%s/offsets" % snk)
    assert status == 200, body
    assert body == {"message": "The offsets for this connector have been "
                               "reset successfully"}
    assert w.get("/connectors/%s/offsets" % snk) == {"offsets": []}


def test_connectors_from_the_command_line(kconnect, tmp_path):
    name = unique_name("cli")
    cfg = dict(source_config(tmp_path, name), name=name)
    w = kconnect(connectors=[cfg])
    st = w.wait_for_connector(name, "RUNNING", tasks=1)
    check_status_shape(st, name, "127.0.0.1:%d" % w.port)
    assert w.get("/connectors/%s/config" % name) == cfg


def test_cors_and_response_headers(kconnect):
    w = kconnect(worker={
        "access.control.allow.origin": "http://ui.example",
        "access.control.allow.methods": "GET,POST,PUT,DELETE",
        "response.http.headers.config":
            'set X-Frame-Options: DENY,"add Cache-Control: no-cache, '
            'no-store"'})
    status, headers, body = raw(w, "GET", "/connectors",
                                headers={"Origin": "http://ui.example"})
    assert status == 200 and body == []
    assert headers["Access-Control-Allow-Origin"] == "http://ui.example"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-cache, no-store"

    status, headers, body = raw(w, "OPTIONS", "/connectors", headers={
        "Origin": "http://ui.example",
        "Access-Control-Request-Method": "PUT"})
    assert status == 200 and body is None
    assert headers["Access-Control-Allow-Methods"] == "GET,POST,PUT,DELETE"

    status, headers, _ = raw(w, "GET", "/connectors",
                             headers={"Origin": "http://other.example"})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers
    assert headers["X-Frame-Options"] == "DENY"


def test_bad_response_headers_config_fails_startup(kconnect):
    w = kconnect(worker={"response.http.headers.config": "put X: y"},
                 start=False, wait=False)
    w.start()
    assert w.wait_exit(20) != 0
    assert "Invalid format of header config 'put X: y'" in w.log()
