# SPDX-License-Identifier: Apache-2.0
"""A scripted REST session run against both workers, step by step.

Each step is one request (or a short wait for a state first); what is
compared per step is the status code, the JSON shape of the body (key sets
and value types, recursively) and, where Apache and kconnect must agree, the
values that `pick` selects. Side-specific strings (topic/connector prefix,
the side's directory, worker ids) are normalized before comparing.
"""

import json
import socket
import time

import pytest

from test_records import check

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in sorted(v.items())}
    if isinstance(v, list):
        return [shape(x) for x in v]
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if v is None:
        return "null"
    return "str"


def apache_classes(body):
    """(class, type) of the org.apache.kafka plugins a listing holds, but
    the system-test Verifiable* connectors kconnect bundles (Apache's live
    in connect-test-plugins, which the Apache side does not load)."""
    if not isinstance(body, list):
        return body
    return sorted("%s %s" % (p.get("class"), p.get("type")) for p in body
                  if str(p.get("class", "")).startswith("org.apache.kafka")
                  and not str(p.get("class", "")).startswith(
                      "org.apache.kafka.connect.tools.Verifiable"))


def file_versions(body):
    if not isinstance(body, list):
        return body
    return sorted("%s %s" % (p.get("class"), p.get("version")) for p in body
                  if "connect.file." in str(p.get("class", "")))


def config_names(body):
    if not isinstance(body, list):
        return body
    return sorted(str(c.get("name")) for c in body)


def validate_summary(body):
    if not isinstance(body, dict):
        return body
    return {"name": body.get("name"), "error_count": body.get("error_count"),
            "errors": sorted(c["value"]["name"] for c in body.get("configs", [])
                             if c.get("value", {}).get("errors"))}


def override_entries(body):
    """The client override keys' entries, in order, without Apache's
    documentation prose (kconnect writes its own line)."""
    if not isinstance(body, dict):
        return body
    out = []
    names = [str(c.get("value", {}).get("name"))
             for c in body.get("configs", [])]
    first = next((i for i, n in enumerate(names) if n.startswith(
        ("producer.override.", "consumer.override.", "admin.override."))),
        len(names))
    for c in body.get("configs", []):
        name = str(c.get("value", {}).get("name"))
        if not name.startswith(("producer.override.", "consumer.override.",
                                "admin.override.")):
            continue
        d = c.get("definition")
        if isinstance(d, dict):
            d = {k: v for k, v in d.items() if k != "documentation"}
        out.append({"definition": d, "value": c.get("value")})
    # Where they sit: after the connector's keys, before the keys of a
    # converter the connector names (Apache's mergeConfigInfos order).
    return {"error_count": body.get("error_count"),
            "groups": body.get("groups"), "overrides": out,
            "from_first_override": names[first:]}


def state_of(body):
    if not isinstance(body, dict):
        return body
    return {"connector": body.get("connector", {}).get("state"),
            "tasks": [t.get("state") for t in body.get("tasks", [])]}


def whole(body):
    return body


def loggers_shape(body):
    """The loggers listed are each program's own (Apache names every
    Jetty and client class that has logged), so compare the answer's form:
    an object of {"level": ...} entries, and the root logger's level."""
    if not isinstance(body, dict):
        return body
    return {"root": body.get("root"),
            "entries": sorted({json.dumps(shape(v)) for v in body.values()})}


def nothing(body):
    return None


# (id, method, path, body, what to compare besides status: "shape" and/or a
# pick function for values, wait-for-state before the request)
N = "@P@rest-src"


def steps():
    src_cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1",
               "file": "@DIR@/rest.in", "topic": "@P@rest-topic",
               "name": N}
    return [
        ("rest-root", "GET", "/", None, "shape", nothing, None),
        ("rest-connector-plugins", "GET", "/connector-plugins", None, None,
         apache_classes, None),
        ("rest-plugin-versions", "GET", "/connector-plugins", None, None,
         file_versions, None),
        ("rest-connector-plugins-all", "GET",
         "/connector-plugins?connectorsOnly=false", None, None,
         apache_classes, None),
        ("rest-plugin-config", "GET",
         "/connector-plugins/FileStreamSourceConnector/config", None, None,
         config_names, None),
        ("rest-plugin-config-unknown", "GET",
         "/connector-plugins/NoSuchConnector/config", None, "shape",
         nothing, None),
        ("rest-create", "POST", "/connectors", {"name": N,
                                                 "config": src_cfg},
         "shape", whole, None),
        ("rest-create-conflict", "POST", "/connectors",
         {"name": N, "config": src_cfg}, "shape", whole, None),
        ("rest-get", "GET", "/connectors/" + N, None, "shape", whole,
         "RUNNING"),
        ("rest-config", "GET", "/connectors/%s/config" % N, None, "shape",
         whole, None),
        ("rest-status", "GET", "/connectors/%s/status" % N, None, "shape",
         state_of, None),
        ("rest-expand", "GET",
         "/connectors?expand=status&expand=info", None, None,
         lambda b: shape(b.get(N)) if isinstance(b, dict) else b, None),
        ("rest-tasks", "GET", "/connectors/%s/tasks" % N, None, "shape",
         whole, None),
        ("rest-task-status", "GET", "/connectors/%s/tasks/0/status" % N,
         None, "shape", lambda b: b.get("state") if isinstance(b, dict)
         else b, None),
        ("rest-task-status-404", "GET", "/connectors/%s/tasks/9/status" % N,
         None, "shape", nothing, None),
        ("rest-topics", "GET", "/connectors/%s/topics" % N, None, "shape",
         nothing, "TOPICS"),
        ("rest-pause", "PUT", "/connectors/%s/pause" % N, None, "shape",
         whole, None),
        ("rest-status-paused", "GET", "/connectors/%s/status" % N, None,
         "shape", state_of, "PAUSED"),
        ("rest-resume", "PUT", "/connectors/%s/resume" % N, None, "shape",
         whole, None),
        ("rest-restart", "POST", "/connectors/%s/restart" % N, None,
         "shape", whole, "RUNNING"),
        ("rest-restart-include-tasks", "POST",
         "/connectors/%s/restart?includeTasks=true&onlyFailed=false" % N,
         None, "shape", state_of, "RUNNING"),
        ("rest-restart-only-failed", "POST",
         "/connectors/%s/restart?includeTasks=true&onlyFailed=true" % N,
         None, "shape", state_of, "RUNNING"),
        ("rest-restart-task", "POST", "/connectors/%s/tasks/0/restart" % N,
         None, "shape", whole, "RUNNING"),
        ("rest-put-config", "PUT", "/connectors/%s/config" % N,
         dict(src_cfg, **{"batch.size": "10"}), "shape", whole, "RUNNING"),
        ("rest-put-config-name-mismatch", "PUT", "/connectors/%s/config" % N,
         dict(src_cfg, name="other"), "shape", nothing, None),
        ("rest-offsets-running", "GET", "/connectors/%s/offsets" % N, None,
         "shape", nothing, "RUNNING"),
        ("rest-offsets-patch-running", "PATCH", "/connectors/%s/offsets" % N,
         {"offsets": []}, "shape", nothing, None),
        ("rest-stop", "PUT", "/connectors/%s/stop" % N, None, "shape",
         whole, "RUNNING"),
        ("rest-status-stopped", "GET", "/connectors/%s/status" % N, None,
         "shape", state_of, "STOPPED"),
        ("rest-offsets-get", "GET", "/connectors/%s/offsets" % N, None,
         "shape", whole, None),
        ("rest-offsets-patch", "PATCH", "/connectors/%s/offsets" % N,
         {"offsets": [{"partition": {"filename": "@DIR@/rest.in"},
                       "offset": {"position": 5}}]}, "shape", whole, None),
        ("rest-offsets-after-patch", "GET", "/connectors/%s/offsets" % N,
         None, "shape", whole, None),
        ("rest-offsets-patch-bad-partition", "PATCH",
         "/connectors/%s/offsets" % N,
         {"offsets": [{"partition": {"nofile": 1},
                       "offset": {"position": 5}}]}, "shape", nothing, None),
        ("rest-offsets-patch-bad-offset", "PATCH",
         "/connectors/%s/offsets" % N,
         {"offsets": [{"partition": {"filename": "@DIR@/rest.in"},
                       "offset": {"position": "five"}}]}, "shape", nothing,
         None),
        ("rest-offsets-delete", "DELETE", "/connectors/%s/offsets" % N,
         None, "shape", whole, None),
        ("rest-validate-good", "PUT",
         "/connector-plugins/FileStreamSourceConnector/config/validate",
         src_cfg, None, validate_summary, None),
        ("rest-validate-missing-class", "PUT",
         "/connector-plugins/FileStreamSourceConnector/config/validate",
         {"name": "x"}, "shape", nothing, None),
        ("rest-validate-bad-value", "PUT",
         "/connector-plugins/FileStreamSourceConnector/config/validate",
         dict(src_cfg, **{"tasks.max": "zero", "batch.size": "-1"}), None,
         validate_summary, None),
        ("rest-validate-unknown-converter", "PUT",
         "/connector-plugins/FileStreamSourceConnector/config/validate",
         dict(src_cfg, **{"value.converter": "com.example.Nope"}), None,
         validate_summary, None),
        ("rest-validate-client-overrides", "PUT",
         "/connector-plugins/FileStreamSourceConnector/config/validate",
         dict(src_cfg, **{
             "producer.override.linger.ms": " 10 ",
             "producer.override.enable.idempotence": "TRUE",
             "producer.override.bootstrap.servers": " a:1 , b:2 ,",
             "producer.override.ssl.key.password": "secret",
             "producer.override.acks": "1",
             "producer.override.no.such.key": "x",
             "value.converter": "org.apache.kafka.connect.json.JsonConverter",
             "consumer.override.max.poll.records": "10",
             "topic.creation.default.replication.factor": "1",
             "topic.creation.default.partitions": "1",
             "admin.override.request.timeout.ms": "1000"}), None,
         override_entries, None),
        ("rest-validate-sink-dlq-overrides", "PUT",
         "/connector-plugins/FileStreamSinkConnector/config/validate",
         {"connector.class": FILE_SINK, "name": "@P@rest-sink-v",
          "topics": "@P@t", "file": "@DIR@/rest.out",
          "errors.tolerance": "all",
          "errors.deadletterqueue.topic.name": "@P@dlq",
          "consumer.override.max.poll.records": "10",
          "consumer.override.auto.offset.reset": "latest",
          "producer.override.acks": "1",
          "admin.override.request.timeout.ms": "1000"}, None,
         override_entries, None),
        ("rest-create-unknown-converter", "POST", "/connectors",
         {"name": "@P@rest-bad-conv", "config": dict(
             src_cfg, name="@P@rest-bad-conv",
             **{"value.converter": "com.example.Nope"})}, "shape", nothing,
         None),
        ("rest-create-unknown-class", "POST", "/connectors",
         {"name": "@P@rest-bad-class", "config": {
             "connector.class": "com.example.NoSuchConnector",
             "name": "@P@rest-bad-class"}}, "shape", nothing, None),
        ("rest-create-bad-json", "POST", "/connectors", b"{bad", "shape",
         nothing, None),
        ("rest-loggers", "GET", "/admin/loggers", None, None,
         loggers_shape, None),
        ("rest-logger-root", "GET", "/admin/loggers/root", None, "shape",
         whole, None),
        ("rest-logger-put", "PUT",
         "/admin/loggers/org.apache.kafka.connect.runtime.WorkerSourceTask",
         {"level": "DEBUG"}, "shape", nothing, None),
        ("rest-logger-put-bad-level", "PUT", "/admin/loggers/root",
         {"level": "LOUD"}, "shape", nothing, None),
        ("rest-404-connector", "GET", "/connectors/@P@nope", None, "shape",
         whole, None),
        ("rest-404-route", "GET", "/no/such/route", None, "shape", nothing,
         None),
        ("rest-405-method", "DELETE", "/connectors", None, "shape", nothing,
         None),
        ("rest-delete", "DELETE", "/connectors/" + N, None, "shape", whole,
         None),
        ("rest-get-after-delete", "GET", "/connectors/" + N, None, "shape",
         whole, None),
    ]


# Raw HTTP edge cases: only the status code of the answer is compared.
RAW_STEPS = [
    ("rest-http-options", b"OPTIONS /connectors HTTP/1.1\r\nHost: h\r\n"
     b"Connection: close\r\n\r\n"),
    ("rest-http-absolute-form", b"GET http://127.0.0.1:@PORT@/ HTTP/1.1\r\n"
     b"Host: h\r\nConnection: close\r\n\r\n"),
    ("rest-http-garbage-request-line", b"GARBAGE\r\n\r\n"),
    ("rest-http-missing-host", b"GET / HTTP/1.1\r\nConnection: close\r\n"
     b"\r\n"),
    ("rest-http-1-0", b"GET /connectors/@P@nope HTTP/1.0\r\n\r\n"),
]

STEP_IDS = [s[0] for s in steps()] + [s[0] for s in RAW_STEPS]


def raw_status(side, data):
    data = data.replace(b"@PORT@", str(side.port).encode()).replace(
        b"@P@", side.prefix.encode())
    with socket.create_connection(("127.0.0.1", side.port), timeout=10) as c:
        c.sendall(data)
        got = b""
        try:
            while len(got) < 64:
                chunk = c.recv(4096)
                if not chunk:
                    break
                got += chunk
        except OSError:
            pass
    line = got.split(b"\r\n", 1)[0].split()
    return line[1].decode() if len(line) > 1 else "no answer"


def wait_state(side, name, state, limit=60):
    """Until the connector and its tasks are in @state, or (state
    "TOPICS") until it has used a topic; gives up after @limit seconds and
    lets the step show what it then sees."""
    deadline = time.monotonic() + limit
    while state == "TOPICS" and time.monotonic() < deadline:
        st, body = side.request("GET", "/connectors/%s/topics" % name)
        if st == 200 and body.get(name, {}).get("topics"):
            return
        time.sleep(0.2)
    while time.monotonic() < deadline:
        st, body = side.request("GET", "/connectors/%s/status" % name)
        if st == 200 and body.get("connector", {}).get("state") == state \
                and all(t.get("state") == state
                        for t in body.get("tasks", [])):
            return
        time.sleep(0.2)


def subst(obj, side):
    text = json.dumps(obj).replace("@P@", side.prefix).replace(
        "@DIR@", str(side.dir))
    return json.loads(text)


def normalize(obj, side):
    text = json.dumps(obj).replace(side.prefix, "@P@").replace(
        str(side.dir), "@DIR@").replace("127.0.0.1:%d" % side.port,
                                        "@WORKER@")
    return json.loads(text)


def run_session(side):
    (side.dir / "rest.in").write_text("one\ntwo\n")
    views = {}
    for sid, method, path, body, what, pick, wait in steps():
        if wait:
            wait_state(side, subst(N, side), wait)
        path = subst(path, side)
        if isinstance(body, bytes):
            st, resp = side.request(method, path, raw=body)
        else:
            st, resp = side.request(method, path, None if body is None
                                    else subst(body, side))
        resp = normalize(resp, side)
        view = {"status": st}
        if what == "shape":
            view["shape"] = shape(resp)
        view["values"] = pick(resp)
        views[sid] = json.dumps(view, indent=1, sort_keys=True,
                                ensure_ascii=False)
        (side.dir / ("%s.rest" % sid)).write_text(views[sid] + "\n")
    for sid, data in RAW_STEPS:
        views[sid] = "status %s" % raw_status(side, data)
        (side.dir / ("%s.rest" % sid)).write_text(views[sid] + "\n")
    return views


_views = {}


@pytest.fixture(scope="session")
def rest_views(sides):
    if not _views:
        for name in ("apache", "kconnect"):
            _views[name] = run_session(sides[name])
    return _views


@pytest.mark.parametrize("sid", STEP_IDS)
def test_rest_step(sid, rest_views, expected, sides):
    check(sid, rest_views["apache"][sid], rest_views["kconnect"][sid],
          expected, sides["java_major"])

