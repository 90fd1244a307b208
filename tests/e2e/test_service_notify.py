# SPDX-License-Identifier: Apache-2.0
"""kconnect under systemd: the Type=notify protocol and Apache's names.

The packaged kconnect.service is Type=notify: systemd counts the worker as
started when it sends READY=1 on the datagram socket named by
NOTIFY_SOCKET, and as stopping on STOPPING=1. These tests play systemd's
side with a socket of their own. Every worker here runs on the embedded
Kafka: no broker needed.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from kconnect_worker import find_binary, free_port, write_properties


@pytest.fixture
def notify_socket():
    # sun_path holds 108 bytes: pytest's tmp_path can be longer.
    folder = tempfile.mkdtemp(prefix="kc-notify-", dir="/tmp")
    path = os.path.join(folder, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.5)
    yield sock, path
    sock.close()
    shutil.rmtree(folder, ignore_errors=True)


def _wait_message(sock, proc, word, seconds):
    """Every message up to the one holding the line `word`."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            if proc.poll() is not None and word != "STOPPING=1":
                break
            continue
        seen.append(msg)
        if word in msg.split("\n"):
            return seen
    pytest.fail("no %s within %d s (got %r; worker exit %r)" %
                (word, seconds, seen, proc.poll()))


def test_ready_is_notified_once_rest_answers_and_stopping_on_sigterm(
        tmp_path, notify_socket):
    sock, path = notify_socket
    port = free_port()
    write_properties(tmp_path / "worker.properties", {
        "bootstrap.servers": "embedded",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "offset.storage.file.filename": str(tmp_path / "connect.offsets"),
        "listeners": "http://127.0.0.1:%d" % port,
    })
    (tmp_path / "in.txt").write_text("a\n")
    write_properties(tmp_path / "source.properties", {
        "name": "notify-source",
        "connector.class": "FileStreamSource",
        "file": str(tmp_path / "in.txt"),
        "topic": "notify-topic",
    })
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen(
        [str(find_binary()), "standalone", "worker.properties",
         "source.properties"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, NOTIFY_SOCKET=path))
    try:
        seen = _wait_message(sock, proc, "READY=1", 60)
        # Nothing said READY before: the first READY comes when the REST
        # API answers and the connector file is applied.
        assert all("READY=1" not in m.split("\n") for m in seen[:-1])
        with urllib.request.urlopen(
                "http://127.0.0.1:%d/connectors" % port, timeout=10) as r:
            assert json.load(r) == ["notify-source"]
        proc.send_signal(signal.SIGTERM)
        _wait_message(sock, proc, "STOPPING=1", 30)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
