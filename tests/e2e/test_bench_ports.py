# SPDX-License-Identifier: Apache-2.0
"""The bench scenarios' port picking: bench/jdbc_sink.py's free_port hands
out only a port it can bind, so a worker does not fail to listen on the
port of one that has just exited (a JVM can hold it a while longer); and
its RowCounter, which times every worker side, counts what count(*)
counts."""

import importlib.util
import socket
import uuid

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


def test_jdbc_sink_row_counter_counts_what_count_star_counts(pg_dsn):
    """The bench's RowCounter scans only the newest blocks after its first
    poll: across many blocks written in several transactions, with one
    left open, it must give what count(*) gives at every poll."""
    import psycopg2

    js = _jdbc_sink()
    table = "kc_bench_counter_%s" % uuid.uuid4().hex[:8]
    admin = psycopg2.connect(pg_dsn)
    admin.autocommit = True
    writer = psycopg2.connect(pg_dsn)
    counter = js.RowCounter(pg_dsn, table)
    try:
        assert counter.count() == 0  # no table yet
        with admin.cursor() as c:
            c.execute("DROP TABLE IF EXISTS %s" % table)
            c.execute("CREATE TABLE %s (id bigint, pad text)" % table)

        def truth():
            with admin.cursor() as c:
                c.execute("SELECT count(*) FROM %s" % table)
                return c.fetchone()[0]

        assert counter.count() == 0
        start = 0
        for n in (1, 500, 7000, 3, 20000):
            with writer.cursor() as c:
                c.execute("INSERT INTO %s SELECT g, repeat('x', 40) FROM "
                          "generate_series(%d, %d) g" % (table, start,
                                                         start + n - 1))
                # uncommitted rows are in the newest blocks, not counted
                assert counter.count() == truth() == start
            writer.commit()
            start += n
            assert counter.count() == truth() == start
        assert counter.base_blk > 0  # it did move on from block 0
    finally:
        counter.close()
        writer.close()
        with admin.cursor() as c:
            c.execute("DROP TABLE IF EXISTS %s" % table)
        admin.close()
