# SPDX-License-Identifier: Apache-2.0
"""Start and stop a real ``kconnect standalone`` worker from e2e tests.

The worker runs the built binary with temporary property files, a free REST
port and its offsets file in a temporary folder; it talks to the real broker
(``scripts/kafka start``, 127.0.0.1:9092, or ``$KC_BOOTSTRAP_SERVERS``).

Usage in a test module::

    from kconnect_worker import KconnectWorker, kconnect, unique_name  # noqa

    def test_file_source(kconnect, tmp_path):
        topic = unique_name("file-src")
        w = kconnect(connectors=[{
            "name": "src",
            "connector.class": "FileStreamSource",
            "file": str(tmp_path / "in.txt"),
            "topic": topic,
        }])                                   # started, GET / answers
        w.wait_for_connector("src", "RUNNING", tasks=1)
        assert w.get("/connectors") == ["src"]
        rc = w.stop()                         # SIGTERM, waits, returns rc
        assert rc == 0

    # Without the fixture (e.g. to restart on the same offsets file):
    w = KconnectWorker(tmp_path, worker={"offset.flush.interval.ms": "500"})
    w.start()
    ...
    w.stop(signal.SIGKILL)
    w.start()                                 # same files, same port
    w.stop()

``kconnect`` is a factory fixture: every worker it made is stopped (SIGKILL
if SIGTERM did not end it) at the end of the test. Keyword arguments of
``KconnectWorker`` (and of the factory):

- ``worker``: dict of worker keys added to / overriding the defaults
  (a value of ``None`` removes a default key);
- ``connectors``: list of connector configs; each is a dict written as a
  ``.properties`` file, or ``("json", dict)`` written as a ``.json`` file
  (Apache's ``{"name":..,"config":{..}}`` shape or a flat object);
- ``args``: extra command-line arguments placed before the files;
- ``binary``: path of the executable (default ``$KCONNECT_BIN``, then
  ``build/kconnect`` of the repository);
- ``wait``: whether ``start`` waits until ``GET /`` answers (default True).

The worker's stderr and stdout go to ``w.log_path`` (read ``w.log()``);
``w.url`` is ``http://127.0.0.1:<port>``. ``w.get/post/put/patch/delete``
return decoded JSON (or None for an empty body) and raise ``RestError``
(with ``.status`` and ``.body``) for a status >= 400; ``w.request`` returns
``(status, body)`` without raising.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import OrderedDict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# tests/pylib: the helpers tests/compat shares (write_properties, which the
# tests import from here).
sys.path.insert(0, str(REPO / "tests" / "pylib"))
from javaprops import write_properties  # noqa: E402,F401
DEFAULT_BOOTSTRAP = os.environ.get("KC_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
# Set by scripts/e2e --asan: the binary is the ASan/UBSan build.
SANITIZED = os.environ.get("KC_E2E_SANITIZED") == "1"


def find_binary():
    """The kconnect executable: $KCONNECT_BIN, else build/kconnect."""
    env = os.environ.get("KCONNECT_BIN")
    if env:
        return Path(env)
    return REPO / "build" / "kconnect"


def free_port():
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_name(prefix="kc"):
    """A topic/connector name no other test run uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def rest_request(url, method, path, body=None, timeout=30.0):
    """(status, decoded JSON body or None) of @method @url + @path with
    @body sent as JSON; never raises on status."""
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if not raw:
        return status, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def json_lines(text):
    """The stdout lines that are JSON objects, fields in printed order
    (Apache's system tests skip the other lines the same way)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            out.append(json.loads(line, object_pairs_hook=OrderedDict))
        except ValueError:
            continue
    return out


# Apache does not publish connect-test-plugins 4.1.1; 4.0.2's Verifiable*
# classes are those of 4.1.1.
TEST_PLUGINS = "org.apache.kafka:connect-test-plugins:4.0.2"
_apache_cp = None


def apache_connect_classpath():
    """Apache Connect 4.1.1's jars (scripts/apache-connect) plus
    connect-test-plugins and the server-common jar its throttler lives in,
    fetched once into .cache/verifiable-plugins; skips when unavailable."""
    global _apache_cp
    if _apache_cp:
        return _apache_cp
    r = subprocess.run([str(REPO / "scripts" / "apache-connect")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("scripts/apache-connect failed: %s" % r.stderr[-500:])
    jars = r.stdout.strip().splitlines()[-1]
    version = Path(jars).name.rsplit("-", 1)[-1]
    extra = REPO / ".cache" / "verifiable-plugins"
    for artifact in (TEST_PLUGINS,
                     "org.apache.kafka:kafka-server-common:%s" % version):
        _, name, ver = artifact.split(":")
        if (extra / ("%s-%s.jar" % (name, ver))).exists():
            continue
        r = subprocess.run(["mvn", "-q", "-B", "dependency:copy",
                            "-Dartifact=%s" % artifact,
                            "-DoutputDirectory=%s" % extra],
                           capture_output=True, text=True, cwd="/tmp",
                           timeout=300)
        if r.returncode != 0:
            pytest.skip("could not fetch %s with mvn: %s"
                        % (artifact, (r.stdout + r.stderr)[-500:]))
    _apache_cp = os.pathsep.join([os.path.join(jars, "*"),
                                  str(extra / "*")])
    return _apache_cp


class RestError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__("%s %s -> %s: %r" % (method, path, status, body))
        self.status = status
        self.body = body


class KconnectWorker:
    """One standalone worker process; see the module docstring."""

    def __init__(self, tmp_path, worker=None, connectors=(), args=(),
                 binary=None, wait=True, bootstrap=None):
        self.dir = Path(tmp_path) / unique_name("worker")
        self.dir.mkdir(parents=True)
        self.binary = Path(binary) if binary else find_binary()
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.offsets_path = self.dir / "connect.offsets"
        self.log_path = self.dir / "worker.log"
        self.wait = wait
        self.args = list(args)
        self.proc = None
        self._log_file = None
        self.worker_props = {
            "bootstrap.servers": bootstrap or DEFAULT_BOOTSTRAP,
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "true",
            "value.converter.schemas.enable": "true",
            "offset.storage.file.filename": str(self.offsets_path),
            "offset.flush.interval.ms": "10000",
            "listeners": "http://127.0.0.1:%d" % self.port,
            "plugin.path": "",
        }
        for k, v in (worker or {}).items():
            if v is None:
                self.worker_props.pop(k, None)
            else:
                self.worker_props[k] = str(v)
        self.worker_path = self.dir / "worker.properties"
        write_properties(self.worker_path, self.worker_props)
        self.connector_paths = []
        for i, c in enumerate(connectors):
            if isinstance(c, tuple) and c[0] == "json":
                p = self.dir / ("connector-%d.json" % i)
                p.write_text(json.dumps(c[1]))
            elif isinstance(c, (str, Path)):
                p = Path(c)
            else:
                p = self.dir / ("connector-%d.properties" % i)
                write_properties(p, c)
            self.connector_paths.append(p)

    # ---- process ------------------------------------------------------

    @property
    def command(self):
        return ([str(self.binary), "standalone"] + self.args
                + [str(self.worker_path)]
                + [str(p) for p in self.connector_paths])

    def start(self, timeout=20.0):
        """Start the process; unless wait=False, wait until GET / answers."""
        assert self.proc is None or self.proc.poll() is not None
        if not self.binary.exists():
            raise FileNotFoundError("kconnect binary not built: %s"
                                    % self.binary)
        self._log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                     stdout=self._log_file,
                                     stderr=subprocess.STDOUT,
                                     cwd=str(self.dir))
        if self.wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=20.0):
        """Wait until GET / answers 200; raise with the log if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise RuntimeError("kconnect exited with %d before its REST "
                                   "API answered:\n%s" % (rc, self.log()))
            try:
                status, _ = self.request("GET", "/", timeout=1.0)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("kconnect REST API did not answer on %s within "
                           "%.0fs:\n%s" % (self.url, timeout, self.log()))

    def wait_exit(self, timeout=30.0):
        """Wait for the process to exit; return its exit code."""
        try:
            rc = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is not None and self._log_file:
                self._log_file.close()
                self._log_file = None
        check_no_sanitizer_report(self)
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        """Send @sig and wait; SIGKILL after @timeout. Returns exit code.
        Fails the test when the worker printed a sanitizer report."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        check_no_sanitizer_report(self)
        return self.proc.returncode

    def kill(self):
        return self.stop(signal.SIGKILL)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        """Everything the worker wrote to stdout/stderr so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # ---- REST ---------------------------------------------------------

    def request(self, method, path, body=None, timeout=30.0):
        """(status, decoded JSON body or None); never raises on status."""
        return rest_request(self.url, method, path, body, timeout)

    def _call(self, method, path, body=None):
        status, out = self.request(method, path, body)
        if status >= 400:
            raise RestError(method, path, status, out)
        return out

    def get(self, path):
        return self._call("GET", path)

    def post(self, path, body=None):
        return self._call("POST", path, body)

    def put(self, path, body=None):
        return self._call("PUT", path, body)

    def patch(self, path, body=None):
        return self._call("PATCH", path, body)

    def delete(self, path):
        return self._call("DELETE", path)

    # ---- waiting ------------------------------------------------------

    def wait_for(self, predicate, timeout=30.0, interval=0.1, what="it"):
        """Call predicate() until it returns a truthy value; return it."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = predicate()
                if last:
                    return last
            except (OSError, RestError) as e:
                last = e
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError("kconnect exited with %d while waiting "
                                   "for %s:\n%s"
                                   % (self.proc.returncode, what, self.log()))
            time.sleep(interval)
        raise TimeoutError("timed out waiting for %s (last: %r)\n%s"
                           % (what, last, self.log()))

    def wait_for_connector(self, name, state="RUNNING", tasks=None,
                           timeout=30.0):
        """Wait until the connector (and, if tasks is a number, that many
        tasks) are in @state; return the status JSON."""

        def check():
            status, st = self.request("GET", "/connectors/%s/status" % name)
            if status != 200:
                return None
            if st["connector"]["state"] != state:
                return None
            if tasks is not None:
                ts = st.get("tasks", [])
                if len(ts) != tasks or any(t["state"] != state for t in ts):
                    return None
            return st

        return self.wait_for(check, timeout,
                             what="connector %s %s" % (name, state))


@pytest.fixture
def kconnect(tmp_path):
    """Factory fixture: kconnect(**kwargs) -> started KconnectWorker."""
    made = []

    def make(**kwargs):
        start = kwargs.pop("start", True)
        w = KconnectWorker(tmp_path, **kwargs)
        made.append(w)
        if start:
            w.start()
        return w

    yield make
    unclean = []
    for w in made:
        if w.running:
            rc = w.stop(signal.SIGTERM, timeout=15)
            if rc != 0:
                unclean.append("%s exited %s on SIGTERM" % (w.dir, rc))
    # Under an ASan/UBSan build (make e2e-asan) a report in any worker's
    # output fails the test, also when the test itself passed (stop checks
    # the ones it stops; this, the ones that exited by themselves).
    for w in made:
        check_no_sanitizer_report(w)
    # There, an exit code other than 0 is how a leak at exit or an abort
    # without a report shows.
    if unclean and SANITIZED:
        pytest.fail("; ".join(unclean), pytrace=False)


def consume_all(topic, expect=1, timeout=30.0, bootstrap=None):
    """kcat's JSON envelopes of every record of ``topic``, once there are at
    least ``expect`` of them (polls; AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    got = []
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["kcat", "-b", bootstrap or DEFAULT_BOOTSTRAP, "-C", "-t", topic,
             "-e", "-q", "-J", "-o", "beginning"],
            capture_output=True, text=True, timeout=30)
        if out.returncode == 0:
            got = [json.loads(line) for line in out.stdout.splitlines()
                   if line.strip()]
            if len(got) >= expect:
                return got
        time.sleep(0.3)
    raise AssertionError("%s: %d records, wanted %d" % (topic, len(got),
                                                        expect))


# ---- fault tests: a private broker, offsets, sanitizer reports -------------

class PrivateKafka:
    """A broker of our own (``scripts/kafka`` on @port), for tests that
    pause, kill or restart it: never the shared broker on 9092.

    ``props`` are extra server.properties (KC_KAFKA_SERVER_PROPS). kill and
    restart_keep keep the data directory, so a restart is "on the same
    data"; stop removes it.
    """

    def __init__(self, port, props=None, run_dir=None):
        self.port = port
        self.bootstrap = "127.0.0.1:%d" % port
        self.env = dict(os.environ, KC_KAFKA_PORT=str(port),
                        KC_KAFKA_CONTROLLER_PORT=str(port + 1))
        self.env.pop("KC_KAFKA_RUN_DIR", None)
        if run_dir:
            self.env["KC_KAFKA_RUN_DIR"] = str(run_dir)
        if props:
            self.env["KC_KAFKA_SERVER_PROPS"] = " ".join(
                "%s=%s" % kv for kv in props.items())

    def _script(self, *args, timeout=180):
        proc = subprocess.run([str(REPO / "scripts" / "kafka")] + list(args),
                              env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError("scripts/kafka %s (port %d) exited %d: %s%s"
                               % (" ".join(args), self.port, proc.returncode,
                                  proc.stdout, proc.stderr))
        return proc.stdout.strip()

    def start(self):
        self._script("start")
        return self

    def stop(self):
        self._script("stop")

    def pause(self):
        """SIGSTOP: the broker keeps its sockets but answers nothing."""
        self._script("pause")

    def resume(self):
        self._script("resume")

    def kill(self):
        """SIGKILL, data kept."""
        self._script("kill")

    def restart_keep(self):
        """Start again on the same data (after kill, or stopping it first)."""
        self._script("restart-keep")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def offsets_file_positions(path):
    """The FileStreamSource positions in a standalone offsets file (Java
    serialization holding JSON text): {"position": N} values, or [] when
    the file does not exist."""
    import re
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    return [int(m) for m in re.findall(rb'"position":(\d+)', raw)]


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "WARNING: AddressSanitizer",
                     "ERROR: ThreadSanitizer")


def sanitizer_report(text):
    """The first ASan/UBSan/LSan report in @text (a worker log), or None."""
    for marker in SANITIZER_MARKERS:
        i = text.find(marker)
        if i >= 0:
            return text[max(0, i - 200):i + 4000]
    return None


def check_no_sanitizer_report(worker):
    """Fail the test when the worker's log carries a sanitizer report."""
    report = sanitizer_report(worker.log())
    if report:
        pytest.fail("kconnect (%s) printed a sanitizer report:\n%s"
                    % (worker.log_path, report), pytrace=False)
