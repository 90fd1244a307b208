# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures for the end-to-end suite.

The suite runs against real servers: the Kafka broker from ``scripts/kafka
start`` (127.0.0.1:9092, or ``$KC_BOOTSTRAP_SERVERS``) and the PostgreSQL
cluster from ``scripts/postgres start`` (``$KC_PG_DSN``, else the script's
default DSN). ``make check`` (``scripts/e2e``) starts both and sets
``KC_E2E_STRICT=1``: then a test that skips, for example because a server is
missing, is reported as a failure instead.

Fixtures:
    kafka_bootstrap   "host:port" of a broker that answered a metadata request
    pg_dsn            a PostgreSQL DSN that accepted a connection
    kconnect_bin      path of the built kconnect executable
    free_port         function: a TCP port on 127.0.0.1 that was free
    unique_topic      function: unique_topic(prefix="kc") -> fresh topic name
    kcat              a Kcat helper bound to kafka_bootstrap
"""

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STRICT = os.environ.get("KC_E2E_STRICT") == "1"
DEFAULT_BOOTSTRAP = "127.0.0.1:%s" % os.environ.get("KC_KAFKA_PORT", "9092")
DEFAULT_PG_DSN = "postgresql://kconnect:kconnect@127.0.0.1:%s/kconnect" % (
    os.environ.get("KC_PG_PORT", "55432"))


# --- strict mode: a skip is a failure ---------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) \
            else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = ("KC_E2E_STRICT=1: an e2e test may not skip under "
                           "make check; it skipped with: %s" % reason)


def pytest_sessionfinish(session, exitstatus):
    # Skips at collection time (a module-level pytest.skip) do not pass
    # through pytest_runtest_makereport.
    if not STRICT:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- helpers ----------------------------------------------------------------

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unique_topic(prefix="kc"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


class KcatError(AssertionError):
    pass


class Kcat:
    """Produce and consume with kcat (librdkafka, as kconnect uses it)."""

    def __init__(self, bootstrap, exe="kcat"):
        self.bootstrap = bootstrap
        self.exe = exe

    def _run(self, args, stdin=None, timeout=30.0):
        cmd = [self.exe, "-b", self.bootstrap] + list(args)
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise KcatError("%s timed out after %.0f s; stdout so far: %r; "
                            "stderr: %r" % (" ".join(cmd), timeout,
                                            e.stdout, e.stderr)) from None
        if proc.returncode != 0:
            raise KcatError("%s exited %d: %s" % (" ".join(cmd),
                                                  proc.returncode,
                                                  proc.stderr.decode(
                                                      errors="replace")))
        return proc

    def produce(self, topic, values, keys=None, partition=None,
                timeout=30.0):
        """Produce each value (str or bytes) as one record, keys optional.

        Values and keys may not contain a newline; with keys, they may not
        contain a tab either (kcat -K is the separator).
        """
        args = ["-P", "-t", topic, "-X", "acks=all"]
        if partition is not None:
            args += ["-p", str(partition)]
        lines = []
        for i, v in enumerate(values):
            v = v.encode() if isinstance(v, str) else v
            if keys is not None:
                k = keys[i]
                k = k.encode() if isinstance(k, str) else k
                v = k + b"\t" + v
            lines.append(v)
        if keys is not None:
            args += ["-K", "\t"]
        self._run(args, stdin=b"\n".join(lines) + b"\n", timeout=timeout)

    def consume(self, topic, count, group=None, timeout=30.0,
                from_beginning=True):
        """Consume exactly ``count`` records; returns kcat's JSON envelopes
        (dicts with topic, partition, offset, key, payload, ...).

        With ``group``, consumes as a member of that consumer group (kcat
        -G) and commits what it consumed when it exits.
        """
        if group is None:
            # kcat -C fails at once on a topic that does not exist yet, and
            # a worker creates its topics with its first produce.
            self.wait_topic(topic, timeout)
            args = ["-C", "-t", topic, "-c", str(count), "-J", "-q"]
            if from_beginning:
                args += ["-o", "beginning"]
        else:
            args = ["-G", group, "-c", str(count), "-J", "-q",
                    "-X", "auto.offset.reset=%s" % (
                        "earliest" if from_beginning else "latest"),
                    topic]
        proc = self._run(args, timeout=timeout)
        records = [json.loads(line) for line in
                   proc.stdout.decode().splitlines() if line.strip()]
        if len(records) != count:
            raise KcatError("wanted %d records from %s, got %d: %r"
                            % (count, topic, len(records), records))
        return records

    def topic_exists(self, topic):
        meta = self.metadata(topic)
        return any(t.get("topic") == topic and not t.get("error")
                   and t.get("partitions") for t in meta.get("topics", []))

    def wait_topic(self, topic, timeout=30.0):
        """Wait until ``topic`` exists with partitions; KcatError if not."""
        deadline = time.monotonic() + timeout
        while not self.topic_exists(topic):
            if time.monotonic() > deadline:
                raise KcatError("topic %s did not appear within %.0f s"
                                % (topic, timeout))
            time.sleep(0.2)

    def values(self, topic, count, **kw):
        """The payloads of ``consume`` as str (None for a null value)."""
        return [r["payload"] for r in self.consume(topic, count, **kw)]

    def metadata(self, topic=None, timeout=15.0):
        """kcat -L -J: the cluster metadata as a dict."""
        args = ["-L", "-J"]
        if topic:
            args += ["-t", topic]
        return json.loads(self._run(args, timeout=timeout).stdout)


def _kafka_answers(bootstrap):
    if shutil.which("kcat") is None:
        return False
    try:
        Kcat(bootstrap).metadata(timeout=10)
        return True
    except (KcatError, ValueError):
        return False


# --- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="session")
def kafka_bootstrap():
    bootstrap = os.environ.get("KC_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP)
    if not _kafka_answers(bootstrap):
        pytest.skip("no Kafka broker answers on %s (run scripts/kafka start)"
                    % bootstrap)
    return bootstrap


@pytest.fixture(scope="session")
def pg_dsn():
    dsn = os.environ.get("KC_PG_DSN", DEFAULT_PG_DSN)
    try:
        import psycopg2
    except ImportError:
        pytest.skip("psycopg2 is not installed (run scripts/install-deps)")
    try:
        psycopg2.connect(dsn, connect_timeout=5).close()
    except psycopg2.OperationalError as e:
        pytest.skip("PostgreSQL at %s refused: %s (run scripts/postgres "
                    "start)" % (dsn, str(e).strip()))
    return dsn


@pytest.fixture(scope="session")
def kconnect_bin():
    path = Path(os.environ.get("KCONNECT_BIN", REPO / "build" / "kconnect"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip("%s is not built (run make)" % path)
    return path


@pytest.fixture
def free_port():
    return _free_port


@pytest.fixture
def unique_topic():
    return _unique_topic


@pytest.fixture(scope="session")
def kcat(kafka_bootstrap):
    return Kcat(kafka_bootstrap)
