"""The REST server stays available: with thousands of idle connections
open, while slow requests (an offsets read from a broker that does not
answer) are pending, with slow clients and with large bodies.

Apache Kafka Connect (Jetty) keeps answering with more than 1,100 idle
connections open; kconnect used to refuse every new connection once the
process held about 1,020 descriptors (libmicrohttpd in select() mode).
"""

import json
import os
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kconnect_worker import (REPO, free_port, kconnect,  # noqa: F401
                             unique_name)

IDLE_CONNECTIONS = 10000


def limits_of(pid):
    """(soft, hard) "Max open files" of a process, from /proc."""
    for line in Path("/proc/%d/limits" % pid).read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise AssertionError("no open file limit in /proc/%d/limits" % pid)


def start_with_low_fd_limit(kconnect, **kwargs):
    """A worker started with the usual soft limit of 1024 open files (the
    hard limit stays), as from a login shell: it must raise it itself."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        return kconnect(**kwargs)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def http_get(port, path, timeout=30):
    """(status, decoded body) of one GET on a fresh connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else None


def test_worker_raises_open_file_limit_to_hard_limit(kconnect):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard <= 1024:
        pytest.skip("the hard open file limit is %d: nothing to raise" % hard)
    w = start_with_low_fd_limit(kconnect)
    assert limits_of(w.proc.pid) == (hard, hard)
    assert "raised the open file limit to %d" % hard in w.log()


def test_rest_answers_with_10000_idle_connections(kconnect):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = IDLE_CONNECTIONS + 1000
    if hard < need:
        pytest.skip("the hard open file limit (%d) is below the %d this "
                    "test needs" % (hard, need))
    w = start_with_low_fd_limit(kconnect)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    idle = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            try:
                idle.append(socket.create_connection(("127.0.0.1", w.port),
                                                     timeout=30))
            except OSError as e:
                raise AssertionError("the worker stopped accepting "
                                     "connections after %d idle ones: %s"
                                     % (len(idle), e))
        # Every idle connection is accepted and kept by the worker...
        w.wait_for(lambda: len(os.listdir("/proc/%d/fd" % w.proc.pid))
                   > IDLE_CONNECTIONS, what="the idle connections accepted")
        # ...and new clients are still answered.
        status, body = http_get(w.port, "/")
        assert status == 200, body
        assert "version" in body
        assert http_get(w.port, "/connectors") == (200, [])
        # The idle connections are still open (not dropped to make room).
        for s in idle[:: IDLE_CONNECTIONS // 10]:
            s.sendall(b"GET /connectors HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
            assert s.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for s in idle:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    # Right after they close, the worker answers again.
    assert http_get(w.port, "/")[0] == 200
    assert http_get(w.port, "/connectors") == (200, [])
    assert w.running
