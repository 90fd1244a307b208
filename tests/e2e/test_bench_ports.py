# SPDX-License-Identifier: Apache-2.0
"""The bench scenarios' port picking: bench/jdbc_sink.py's free_port hands
out only a port it can bind, so a worker does not fail to listen on the
port of one that has just exited (a JVM can hold it a while longer)."""

import importlib.util
import socket

import pytest

from kconnect_worker import REPO


def _jdbc_sink():
    spec = importlib.util.spec_from_file_location(
        "bench_jdbc_sink", REPO / "bench" / "jdbc_sink.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_jdbc_sink_free_port_skips_a_port_it_cannot_bind():
    js = _jdbc_sink()
    with socket.socket() as held:
        # Bound, not listening: nothing answers there (a connect is
        # refused), yet no worker could listen on it.
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        with pytest.raises(RuntimeError, match="can be bound"):
            js.free_port(port, port + 1)


def test_jdbc_sink_free_port_never_hands_out_a_port_twice():
    js = _jdbc_sink()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert js.free_port(port, port + 1) == port
    with pytest.raises(RuntimeError):
        js.free_port(port, port + 1)
