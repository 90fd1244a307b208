# SPDX-License-Identifier: Apache-2.0
"""The two workers of the differential suite and what runs on them.

One Apache Kafka Connect standalone worker (the jars of
scripts/apache-connect, started once with the JDK of $KC_COMPAT_JAVA, else
$JAVA_HOME/bin/java, else java on PATH) and one kconnect standalone worker run
side by side on the same broker. Every case of cases.py becomes one connector
on each side, created over REST, with its own topics, input file and sink file
per side: all names start with the side's prefix ("compat-<run>-a-" or
"compat-<run>-k-"), so a run never reads another run's or side's data.

What is compared per case, after both sides went quiet: the connector and
task states, every record of the case's output topics (key, value, headers,
byte for byte), the sink file byte for byte. Before comparing, the side prefix
is replaced by "@P@" everywhere (topic and connector names appear in values
and DLQ headers), and the DLQ header __connect.errors.exception.stacktrace is
reduced to whether it is there (a Java stack trace can never equal
kconnect's). Nothing else is masked.
"""

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# tests/pylib: the helpers tests/e2e shares.
sys.path.insert(0, str(REPO / "tests" / "pylib"))
from javaprops import write_properties  # noqa: E402
HERE = Path(__file__).resolve().parent
BOOTSTRAP = os.environ.get("KC_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
PORT_RANGE = range(int(os.environ.get("KC_COMPAT_PORT_BASE", "20000")),
                   int(os.environ.get("KC_COMPAT_PORT_BASE", "20000")) + 100)
MASK_STACKTRACE = "__connect.errors.exception.stacktrace"
# Fixed record timestamp of every sink input (InsertField timestamp.field,
# TimestampRouter): 2021-03-04T05:06:07.089Z.
INPUT_TS = 1614834367089


def java_bin():
    j = os.environ.get("KC_COMPAT_JAVA")
    if j:
        return j
    if os.environ.get("JAVA_HOME"):
        return os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    return shutil.which("java") or "java"


def java_major(java):
    out = subprocess.run([java, "-version"], capture_output=True,
                         text=True).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        return 0
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 else major


def apache_jars():
    r = subprocess.run([str(REPO / "scripts" / "apache-connect")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("scripts/apache-connect failed:\n" + r.stderr)
    return r.stdout.strip().splitlines()[-1]


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def pick_port(taken):
    for p in PORT_RANGE:
        if p not in taken and port_free(p):
            taken.add(p)
            return p
    raise RuntimeError("no free port in %s..%s" % (PORT_RANGE[0],
                                                   PORT_RANGE[-1]))


class Side:
    """One worker process (Apache or kconnect) and its REST client."""

    def __init__(self, name, letter, run_id, workdir, port, java=None,
                 jars=None):
        self.name = name  # "apache" or "kconnect"
        self.prefix = "compat-%s-%s-" % (run_id, letter)
        self.dir = Path(workdir) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        self.java, self.jars = java, jars
        self.proc = None
        self.log_path = self.dir / "worker.log"
        props = {
            "bootstrap.servers": BOOTSTRAP,
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "offset.storage.file.filename": str(self.dir / "offsets"),
            "offset.flush.interval.ms": "1000",
            "listeners": self.url,
        }
        if name == "kconnect":
            props["plugin.path"] = ""
        self.worker_props = self.dir / "worker.properties"
        write_properties(self.worker_props, props)

    def command(self):
        if self.name == "kconnect":
            binary = os.environ.get("KCONNECT_BIN",
                                    str(REPO / "build" / "kconnect"))
            return [binary, "standalone", str(self.worker_props)]
        return [self.java, "-Xms256M", "-Xmx1G", "-Duser.timezone=UTC",
                "-Dlog4j2.configurationFile=%s" % (HERE / "log4j2.properties"),
                "-cp", os.path.join(self.jars, "*"),
                "org.apache.kafka.connect.cli.ConnectStandalone",
                str(self.worker_props)]

    def start(self):
        env = dict(os.environ, TZ="UTC")
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self._log,
                                     stderr=subprocess.STDOUT,
                                     cwd=str(self.dir), env=env,
                                     start_new_session=True)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s worker exited with %s:\n%s" % (
                    self.name, self.proc.returncode, self.log()[-4000:]))
            try:
                if self.request("GET", "/", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("%s worker REST did not answer:\n%s"
                           % (self.name, self.log()[-4000:]))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc:
            self._log.close()

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def request(self, method, path, body=None, timeout=30, raw=None,
                headers=None):
        """(status, decoded JSON or text or None); never raises on >= 400."""
        data = raw if raw is not None else (
            None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, text = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        if not text:
            return status, None
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text.decode(errors="replace")


class KafkaIO:
    """tests/compat/KafkaIO.java: produce and read back byte for byte."""

    def __init__(self, java, jars, log_path):
        self._err = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [java, "-Dlog4j2.configurationFile=%s" % (HERE / "log4j2.properties"),
             "-cp", os.path.join(jars, "*"), str(HERE / "KafkaIO.java"),
             BOOTSTRAP],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
            text=True, start_new_session=True)
        self.lock = threading.Lock()

    def call(self, cmd):
        with self.lock:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("KafkaIO.java exited")
        out = json.loads(line)
        if "error" in out:
            raise RuntimeError("KafkaIO.java: %s" % out["error"])
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._err.close()


# --------------------------------------------------------------------------
# cases -> connectors

SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


class CaseRun:
    """One case's resources on one side."""

    def __init__(self, case, side):
        self.case, self.side = case, side
        cid = case["id"]
        p = side.prefix
        self.connector = p + cid
        self.out_topic = p + cid
        self.in_topic = p + "in-" + cid
        self.dlq_topic = p + "dlq-" + cid
        self.in_file = side.dir / ("%s.in" % cid)
        self.sink_file = side.dir / ("%s.out" % cid)
        self.extra_topics = [p + t for t in case.get("extra_topics", [])]

    def topics(self):
        """Output topics read back after the run."""
        if self.case["kind"] == "source":
            t = [self.out_topic]
        else:
            t = []
        if self.case.get("dlq"):
            t.append(self.dlq_topic)
        return t + self.extra_topics

    def config(self):
        c = {"name": self.connector, "tasks.max": "1"}
        if self.case["kind"] == "source":
            c.update({"connector.class": SOURCE, "file": str(self.in_file),
                      "topic": self.out_topic})
        else:
            c.update({"connector.class": SINK, "file": str(self.sink_file),
                      "topics": self.in_topic})
        for k, v in self.case.get("config", {}).items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = str(v).replace("@P@", self.side.prefix)
        if self.case.get("dlq"):
            c.update({
                "errors.tolerance": "all",
                "errors.deadletterqueue.topic.name": self.dlq_topic,
                "errors.deadletterqueue.topic.replication.factor": "1",
                "errors.deadletterqueue.context.headers.enable": "true",
            })
            c.update(self.case.get("dlq_config", {}))
        return c

    def prepare(self):
        case = self.case
        if case["kind"] == "source":
            data = case.get("input_bytes")
            if data is None:
                data = "".join(line + "\n" for line in case["lines"]).encode()
            self.in_file.write_bytes(data)
            return []
        recs = []
        for r in case["records"]:
            if not isinstance(r, dict):
                r = {"value": r}
            rec = {"topic": self.in_topic, "key": r.get("key"),
                   "value": r.get("value"),
                   "headers": r.get("headers", []),
                   "timestamp": r.get("timestamp", INPUT_TS)}
            if "value_b64" in r:
                rec["value_b64"] = r["value_b64"]
            recs.append(rec)
        return recs


def normalize(data, prefix):
    if data is None:
        return None
    return data.replace(prefix.encode(), b"@P@")


def b64d(s):
    return None if s is None else base64.b64decode(s)


def show(b):
    """Readable and exact: UTF-8 text as a JSON string, else hex."""
    if b is None:
        return "null"
    try:
        return json.dumps(b.decode("utf-8"), ensure_ascii=False)
    except UnicodeDecodeError:
        return "hex:" + b.hex()


def task_states(side, connector):
    st, body = side.request("GET", "/connectors/%s/status" % connector)
    if st != 200 or not isinstance(body, dict):
        return "status %s" % st
    tasks = ",".join("%s:%s" % (t.get("id"), t.get("state"))
                     for t in body.get("tasks", []))
    return "connector=%s tasks=[%s]" % (
        body.get("connector", {}).get("state"), tasks)


def dump(run, records_by_topic, partitions, status):
    """The canonical text of one case on one side (what is compared).
    Records of a topic with more than one partition are sorted: which
    partition a keyless record lands in is the producer's choice."""
    side = run.side
    out = ["status: " + status]
    for topic in run.topics():
        n = partitions.get(topic, 0)
        out.append("topic %s (%s partitions):" % (
            topic.replace(side.prefix, "@P@"), n))
        lines = []
        for r in records_by_topic.get(topic, []):
            rec = ["  key=%s value=%s" % (
                show(normalize(b64d(r["key"]), side.prefix)),
                show(normalize(b64d(r["value"]), side.prefix)))]
            for k, v in r["headers"]:
                v = b64d(v)
                if k == MASK_STACKTRACE:
                    v = b"<stack trace present>" if v else v
                rec.append("    header %s=%s" % (
                    k, show(normalize(v, side.prefix))))
            lines.append("\n".join(rec))
        out.extend(sorted(lines) if n > 1 else lines)
    if run.case["kind"] == "sink":
        try:
            data = run.sink_file.read_bytes()
        except FileNotFoundError:
            data = None
        out.append("sink file:")
        if data is None:
            out.append("  <missing>")
        else:
            for line in normalize(data, side.prefix).split(b"\n"):
                out.append("  " + show(line))
    return "\n".join(out)


class Differential:
    """Runs every case on both sides at once and keeps both dumps."""

    def __init__(self, cases, sides, kio):
        self.cases = cases
        self.sides = sides
        self.kio = kio
        self.runs = {s.name: [CaseRun(c, s) for c in cases] for s in sides}
        self.dumps = {}
        self.create_errors = {}
        self.unfinished = []
        self.unfinished_cases = set()

    def produce_inputs(self):
        recs = []
        for runs in self.runs.values():
            for run in runs:
                recs.extend(run.prepare())
        # Input topics and DLQs (a sink's DLQ records keep the input's 2021
        # timestamp) without retention, so the broker never deletes them
        # during a run.
        topics = {r["topic"] for r in recs}
        topics |= {run.dlq_topic for runs in self.runs.values()
                   for run in runs if run.case.get("dlq")}
        # Source topics exist before the connectors start (except where
        # the case is about topic creation): kconnect's source task fails
        # on UNKNOWN_TOPIC_OR_PARTITION while the broker is still
        # auto-creating a topic, where Java's producer waits (seen under
        # load; a kconnect issue of its own, not what these cases compare).
        topics |= {run.out_topic for runs in self.runs.values()
                   for run in runs if run.case["kind"] == "source"
                   and "topic.creation.groups" not in run.case["config"]}
        if topics:
            self.kio.call({"op": "create", "topics": sorted(topics)})
        if recs:
            self.kio.call({"op": "produce", "records": recs})

    def create_all(self):
        def create(run):
            st, body = run.side.request("POST", "/connectors", {
                "name": run.connector, "config": run.config()}, timeout=120)
            if st != 201:
                self.create_errors[(run.side.name, run.case["id"])] = (
                    "create -> %s %s" % (st, body))

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(create, [r for runs in self.runs.values()
                                   for r in runs]))

    def sinks_done(self):
        """Every sink group committed all its input, or its task is not
        RUNNING (failed), or it was never created."""
        todo = {}
        for runs in self.runs.values():
            for r in runs:
                if r.case["kind"] == "sink" and \
                        (r.side.name, r.case["id"]) not in self.create_errors:
                    todo["connect-" + r.connector] = (r, len(r.case["records"]))
        try:
            got = self.kio.call({"op": "committed",
                                 "groups": sorted(todo)})["committed"]
        except RuntimeError as e:
            # A busy broker may time a lookup out: ask again next round.
            self.unfinished = ["(committed offsets unknown: %s)" % e]
            return False
        self.unfinished = []
        self.unfinished_cases = set()
        for group, (r, n) in sorted(todo.items()):
            if got.get(group, 0) >= n:
                continue
            if "tasks=[0:RUNNING]" in task_states(r.side, r.connector):
                self.unfinished.append("%s (%s of %s)" % (
                    group, got.get(group, 0), n))
        return not self.unfinished

    def snapshot(self):
        topics = [t for runs in self.runs.values() for r in runs
                  for t in r.topics()]
        ends = self.kio.call({"op": "end", "topics": topics})["ends"]
        files = []
        states = []
        for runs in self.runs.values():
            for r in runs:
                try:
                    files.append(r.sink_file.stat().st_size)
                except FileNotFoundError:
                    files.append(-1)
        for s in self.sides:
            st, body = s.request("GET", "/connectors?expand=status")
            states.append(json.dumps(body, sort_keys=True) if st == 200
                          else st)
        return (sorted(ends.items()), files, states)

    def wait_quiet(self, quiet_s=5, limit_s=150):
        """Until every sink is done and then nothing changed for quiet_s:
        topic ends, sink files, connector states."""
        start = time.monotonic()
        while time.monotonic() - start < limit_s and not self.sinks_done():
            time.sleep(1)
        last, since = None, time.monotonic()
        while time.monotonic() - start < limit_s:
            snap = self.snapshot()
            if snap != last:
                last, since = snap, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return True
            time.sleep(1)
        return False

    def collect(self):
        topics = [t for runs in self.runs.values() for r in runs
                  for t in r.topics()]
        got = self.kio.call({"op": "consume", "topics": topics})
        recs, parts = got["records"], got["partitions"]
        for side in self.sides:
            for run in self.runs[side.name]:
                cid = run.case["id"]
                err = self.create_errors.get((side.name, cid))
                status = err if err else task_states(side, run.connector)
                text = dump(run, recs, parts, status)
                self.dumps[(side.name, cid)] = text
                (side.dir / ("%s.dump" % cid)).write_text(text + "\n")

    def run(self):
        t0 = time.monotonic()
        self.produce_inputs()
        t1 = time.monotonic()
        self.create_all()
        t2 = time.monotonic()
        quiet = self.wait_quiet()
        # What was still running at the limit is not compared (its output
        # is incomplete): those cases fail as unfinished instead.
        self.unfinished_cases = {u.split(" ")[0][len("connect-"):]
                                 for u in self.unfinished}
        t3 = time.monotonic()
        self.collect()
        self.timings = ("produce %.1fs, create %.1fs, run until quiet %.1fs%s, "
                        "collect %.1fs" % (
                            t1 - t0, t2 - t1, t3 - t2,
                            "" if quiet else " (NOT quiet; sinks not done: %s)"
                            % ", ".join(self.unfinished or ["none"]),
                            time.monotonic() - t3))
