# SPDX-License-Identifier: Apache-2.0
"""JdbcSinkConnector end to end: the real binary, the real broker, and real
PostgreSQL, MariaDB and SQLite files (the database fixtures of
test_jdbc_source.py).

JSON-with-schema records go into a table; the rows are then read back with
the database's own client and compared with the values the records hold
(worked out here, never taken from kconnect's output): insert and upsert
with auto.create, auto.evolve adding an optional column, tombstones
deleting with delete.enabled, and a record that does not fit failing the
task with the database's reason or, with errors.tolerance=all, going to
the dead letter queue while the good rows are written.
"""

import json
import time

import pytest

from kconnect_worker import consume_all, kconnect, unique_name  # noqa
from test_jdbc_source import MariaDB, Postgres, Sqlite


@pytest.fixture(params=["postgres", "sqlite", "mariadb"])
def db(request, tmp_path):
    if request.param == "postgres":
        d = Postgres(request.getfixturevalue("pg_dsn"))
    elif request.param == "mariadb":
        d = MariaDB()
    else:
        d = Sqlite(tmp_path / "sink.db")
    yield d
    d.close()


def rows(db, table, order="id"):
    """Every row of ``table`` as tuples, read with the database's client."""
    if db.name == "postgres":
        with db.conn.cursor() as cur:
            cur.execute("SELECT * FROM %s.%s ORDER BY %s" % (db.schema, table,
                                                             order))
            return [tuple(r) for r in cur.fetchall()]
    if db.name == "sqlite":
        return [tuple(r) for r in db.conn.execute(
            "SELECT * FROM %s ORDER BY %s" % (table, order))]
    import subprocess
    out = subprocess.run(
        ["mariadb", "--no-defaults", "-h", db.host, "-P", db.port, "-u",
         "kconnect", "-pkconnect", db.db, "-B", "-N", "-e",
         "SELECT * FROM %s ORDER BY %s" % (table, order)],
        check=True, capture_output=True, text=True, timeout=30)
    return [tuple(line.split("\t")) for line in out.stdout.splitlines()]


def columns(db, table):
    if db.name == "postgres":
        with db.conn.cursor() as cur:
            cur.execute("SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = %s AND table_name = %s "
                        "ORDER BY ordinal_position", (db.schema, table))
            return [r[0] for r in cur.fetchall()]
    if db.name == "sqlite":
        return [r[1] for r in db.conn.execute(
            "PRAGMA table_info(%s)" % table)]
    import subprocess
    out = subprocess.run(
        ["mariadb", "--no-defaults", "-h", db.host, "-P", db.port, "-u",
         "kconnect", "-pkconnect", db.db, "-B", "-N", "-e",
         "SELECT column_name FROM information_schema.columns WHERE "
         "table_schema = '%s' AND table_name = '%s' ORDER BY "
         "ordinal_position" % (db.db, table)],
        check=True, capture_output=True, text=True, timeout=30)
    return out.stdout.split()


def norm(db, got):
    """MariaDB's client prints text; the others give Python values."""
    if db.name != "mariadb":
        return got
    return [tuple(None if v == "NULL" else v for v in r) for r in got]


def expect(db, want):
    if db.name != "mariadb":
        return want
    return [tuple(None if v is None else str(v) for v in r) for r in want]


SCHEMA = {"type": "struct", "optional": False, "fields": [
    {"type": "int32", "optional": False, "field": "id"},
    {"type": "string", "optional": True, "field": "name"},
    {"type": "int64", "optional": True, "field": "qty"},
]}

SCHEMA2 = {"type": "struct", "optional": False, "fields": SCHEMA["fields"] + [
    {"type": "string", "optional": True, "field": "note"},
]}

KEY_SCHEMA = {"type": "struct", "optional": False, "fields": [
    {"type": "int32", "optional": False, "field": "id"}]}


def value(schema, **payload):
    return json.dumps({"schema": schema, "payload": payload})


def key(i):
    return json.dumps({"schema": KEY_SCHEMA, "payload": {"id": i}})


def sink(kconnect, db, topic, table, extra):
    name = unique_name("jdbc-sink")
    config = {"name": name,
              "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
              "topics": topic,
              "key.converter": "org.apache.kafka.connect.json.JsonConverter",
              "value.converter":
              "org.apache.kafka.connect.json.JsonConverter",
              "table.name.format": db.fqn(table),
              "connection.attempts": "1",
              "max.retries": "0"}
    config.update(db.config())
    config.pop("schema.pattern", None)
    config.update(extra)
    w = kconnect(connectors=[config],
                 worker={"offset.flush.interval.ms": "300"})
    w.wait_for_connector(name, "RUNNING")
    return w, name


def wait_rows(w, db, table, want, timeout=30):
    want = expect(db, want)
    last = [None]

    def check():
        try:
            last[0] = norm(db, rows(db, table))
        except Exception as e:  # table not there yet
            last[0] = repr(e)
            return None
        return last[0] == want or None
    try:
        w.wait_for(check, timeout, interval=0.3, what="rows")
    except AssertionError:
        raise AssertionError("rows: %r, wanted %r\n%s" % (last[0], want,
                                                         w.log()[-3000:]))


def task_failure(w, name, timeout=30):
    def failed():
        status, body = w.request("GET", "/connectors/%s/status" % name)
        tasks = body.get("tasks", []) if status == 200 else []
        return tasks[0] if tasks and tasks[0]["state"] == "FAILED" else None
    return w.wait_for(failed, timeout, what="task FAILED")


def test_insert_auto_create_then_evolve_adds_the_new_column(
        kconnect, kcat, db, unique_topic):
    topic = unique_topic()
    table = "orders_ins"
    kcat.produce(topic, [value(SCHEMA, id=1, name="apple", qty=3),
                         value(SCHEMA, id=2, name=None, qty=None)])
    w, _ = sink(kconnect, db, topic, table,
                {"auto.create": "true", "auto.evolve": "true"})
    wait_rows(w, db, table, [(1, "apple", 3), (2, None, None)])
    kcat.produce(topic, [value(SCHEMA2, id=3, name="pear", qty=7,
                               note="ripe")])
    wait_rows(w, db, table, [(1, "apple", 3, None), (2, None, None, None),
                             (3, "pear", 7, "ripe")])
    assert columns(db, table) == ["id", "name", "qty", "note"]


def test_upsert_by_record_key_keeps_the_last_write_and_deletes(
        kconnect, kcat, db, unique_topic):
    topic = unique_topic()
    table = "orders_up"
    kcat.produce(topic,
                 [value(SCHEMA, id=1, name="a", qty=1),
                  value(SCHEMA, id=2, name="b", qty=2),
                  value(SCHEMA, id=1, name="a2", qty=10),
                  value(SCHEMA, id=3, name="c", qty=3)],
                 keys=[key(1), key(2), key(1), key(3)])
    w, _ = sink(kconnect, db, topic, table,
                {"auto.create": "true", "insert.mode": "upsert",
                 "pk.mode": "record_key", "delete.enabled": "true"})
    wait_rows(w, db, table, [(1, "a2", 10), (2, "b", 2), (3, "c", 3)])
    # a tombstone: kcat -Z sends an empty value as null
    kcat._run(["-P", "-t", topic, "-K", "\t", "-Z"],
              stdin=(key(2) + "\t\n").encode())
    wait_rows(w, db, table, [(1, "a2", 10), (3, "c", 3)])


def test_kafka_pk_mode_writes_the_coordinates(kconnect, kcat, db,
                                              unique_topic):
    topic = unique_topic()
    table = "orders_kafka"
    kcat.produce(topic, [value(SCHEMA, id=5, name="x", qty=1),
                         value(SCHEMA, id=6, name="y", qty=2)], partition=0)
    w, _ = sink(kconnect, db, topic, table,
                {"auto.create": "true", "pk.mode": "kafka"})
    wait_rows(w, db, table, [(topic, 0, 0, 5, "x", 1),
                             (topic, 0, 1, 6, "y", 2)])
    assert rows(db, table, order="__connect_offset")
    assert columns(db, table) == ["__connect_topic", "__connect_partition",
                                  "__connect_offset", "id", "name", "qty"]


def test_a_row_the_table_refuses_fails_the_task_with_the_reason(
        kconnect, kcat, db, unique_topic):
    topic = unique_topic()
    table = "orders_strict"
    db.sql("CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name TEXT NOT "
           "NULL, qty BIGINT)" % db.fqn(table))
    kcat.produce(topic, [value(SCHEMA, id=1, name=None, qty=1)])
    w, name = sink(kconnect, db, topic, table, {})
    task = task_failure(w, name)
    assert "name" in task["trace"].lower() or "null" in task["trace"].lower()
    assert rows(db, table) == []


def test_bad_rows_go_to_the_dlq_and_good_rows_are_written(
        kconnect, kcat, db, unique_topic):
    topic = unique_topic()
    dlq = unique_name("dlq")
    table = "orders_dlq"
    db.sql("CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name TEXT NOT "
           "NULL, qty BIGINT)" % db.fqn(table))
    kcat.produce(topic, [value(SCHEMA, id=1, name="ok", qty=1),
                         value(SCHEMA, id=2, name=None, qty=2),
                         value(SCHEMA, id=3, name="ok3", qty=3)])
    w, _ = sink(kconnect, db, topic, table,
                {"errors.tolerance": "all",
                 "errors.deadletterqueue.topic.name": dlq,
                 "errors.deadletterqueue.topic.replication.factor": "1",
                 "errors.deadletterqueue.context.headers.enable": "true"})
    wait_rows(w, db, table, [(1, "ok", 1), (3, "ok3", 3)])
    got = consume_all(dlq, expect=1)
    assert len(got) == 1
    assert json.loads(got[0]["payload"])["payload"]["id"] == 2
    headers = dict(zip(got[0]["headers"][0::2], got[0]["headers"][1::2]))
    # the database's own reason names the column that refused the null
    assert "name" in headers["__connect.errors.exception.message"].lower()
    assert headers["__connect.errors.stage"] == "TASK_PUT"


def test_missing_required_key_field_fails_with_the_pk_mode(
        kconnect, kcat, db, unique_topic):
    topic = unique_topic()
    kcat.produce(topic, [value(SCHEMA, id=1, name="a", qty=1)],
                 keys=[json.dumps({"schema": {"type": "struct", "fields": [
                     {"type": "int32", "optional": False,
                      "field": "other"}]}, "payload": {"other": 1}})])
    w, name = sink(kconnect, db, topic, "orders_pk",
                   {"auto.create": "true", "pk.mode": "record_key",
                    "pk.fields": "id", "insert.mode": "upsert"})
    task = task_failure(w, name)
    assert "RECORD_KEY" in task["trace"]
    assert "does not contain field: id" in task["trace"]


def test_validate_refuses_delete_without_record_key(kconnect, db):
    w = kconnect()
    cfg = {"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
           "topics": "t", "delete.enabled": "true", "pk.mode": "none"}
    cfg.update(db.config())
    cfg.pop("schema.pattern", None)
    status, body = w.request(
        "PUT", "/connector-plugins/JdbcSinkConnector/config/validate", cfg)
    assert status == 200
    by_key = {c["value"]["name"]: c["value"] for c in body["configs"]}
    assert by_key["delete.enabled"]["errors"] == [
        "Primary key mode must be 'record_key' when delete support is "
        "enabled"]
    assert by_key["connection.password"]["value"] in ("[hidden]", None)


def test_locked_database_is_retried_and_nothing_is_lost(kconnect, kcat,
                                                        tmp_path,
                                                        unique_topic):
    """SQLite busy (another connection holds an exclusive lock) is
    transient: the put is retried after retry.backoff.ms until the lock
    goes, then every row is written and the task is still RUNNING."""
    import sqlite3
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT, "
                   "qty INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    topic = unique_topic()
    kcat.produce(topic, [value(SCHEMA, id=i, name="n%d" % i, qty=i)
                         for i in range(1, 6)])
    name = unique_name("jdbc-sink")
    w = kconnect(connectors=[{
        "name": name,
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
        "topics": topic,
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "connection.url": "jdbc:sqlite:%s?busy_timeout=50" % path,
        "table.name.format": "orders",
        "max.retries": "1000",
        "retry.backoff.ms": "100"}],
        worker={"offset.flush.interval.ms": "300"})
    w.wait_for(lambda: "remainingRetries" in w.log(), 30,
               what="a retried put")
    holder.execute("COMMIT")
    holder.close()
    reader = sqlite3.connect(str(path))

    def written():
        got = reader.execute("SELECT id, name, qty FROM orders ORDER BY "
                             "id").fetchall()
        return got if len(got) == 5 else None
    got = w.wait_for(written, 30, what="5 rows")
    assert got == [(i, "n%d" % i, i) for i in range(1, 6)]
    st = w.wait_for_connector(name, "RUNNING")
    assert st["tasks"][0]["state"] == "RUNNING"
    reader.close()


def test_schemaless_json_into_an_existing_table_and_with_auto_create(
        kconnect, kcat, db, unique_topic):
    """Beyond Confluent (which refuses them): schemaless JSON maps go into
    an existing table by column name, and with auto.create into a table
    typed from the first record (integers BIGINT, decimals DOUBLE, text
    TEXT, a null nullable text)."""
    topic = unique_topic()
    existing = "plain_rows"
    db.sql("CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name TEXT, qty "
           "BIGINT)" % db.fqn(existing))
    kcat.produce(topic, ['{"id": 1, "name": "a", "qty": 10}',
                         '{"qty": 20, "id": 2, "name": null}',
                         '{"id": 3, "name": "c"}'])
    less = {"value.converter.schemas.enable": "false"}
    w, _ = sink(kconnect, db, topic, existing, less)
    wait_rows(w, db, existing, [(1, "a", 10), (2, None, 20), (3, "c", None)])

    topic2 = unique_topic()
    created = "plain_made"
    kcat.produce(topic2, ['{"id": 7, "name": "x", "price": 1.5, "ok": true}'])
    extra = dict(less, **{"auto.create": "true", "pk.mode": "record_value",
                          "pk.fields": "id"})
    w2, _ = sink(kconnect, db, topic2, created, extra)
    want_ok = 1 if db.name != "postgres" else True
    wait_rows(w2, db, created, [(7, "x", 1.5, want_ok)])
    assert columns(db, created) == ["id", "name", "price", "ok"]


def test_update_mode_changes_existing_rows_only(kconnect, kcat, db,
                                                unique_topic):
    topic = unique_topic()
    table = "orders_upd"
    db.sql("CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name TEXT, qty "
           "BIGINT)" % db.fqn(table),
           "INSERT INTO %s VALUES (1, 'old', 1)" % db.fqn(table),
           "INSERT INTO %s VALUES (2, 'keep', 2)" % db.fqn(table))
    kcat.produce(topic, [value(SCHEMA, id=1, name="new", qty=5),
                         value(SCHEMA, id=9, name="nobody", qty=9)],
                 keys=[key(1), key(9)])
    w, _ = sink(kconnect, db, topic, table,
                {"insert.mode": "update", "pk.mode": "record_key"})
    wait_rows(w, db, table, [(1, "new", 5), (2, "keep", 2)])


def test_refused_evolution_fails_the_task_with_the_field(kconnect, kcat, db,
                                                         unique_topic):
    """A new required field without a default cannot be added: the task
    fails naming it, and no row of the record is written."""
    topic = unique_topic()
    table = "orders_evo"
    required = {"type": "struct", "optional": False,
                "fields": SCHEMA["fields"] + [
                    {"type": "int32", "optional": False, "field": "must"}]}
    kcat.produce(topic, [value(SCHEMA, id=1, name="a", qty=1),
                         value(required, id=2, name="b", qty=2, must=3)])
    w, name = sink(kconnect, db, topic, table,
                   {"auto.create": "true", "auto.evolve": "true"})
    task = task_failure(w, name)
    assert ("to add missing field must, as the field is not optional and "
            "does not have a default value") in task["trace"]
    assert [r[0] for r in norm(db, rows(db, table))] in ([], [1], ["1"])


def test_upsert_of_many_repeated_keys_keeps_the_last_write_per_key(
        kconnect, kcat, db, unique_topic):
    """Batches carry a key many times: the table ends as row-by-row
    writes would leave it (the last value per key), although rows go in
    multi-row statements."""
    topic = unique_topic()
    table = "orders_many"
    ids = [(i * 7) % 13 for i in range(300)]
    kcat.produce(topic, [value(SCHEMA, id=k, name="v%d" % n, qty=n)
                         for n, k in enumerate(ids)],
                 keys=[key(k) for k in ids])
    last = {}
    for n, k in enumerate(ids):
        last[k] = (k, "v%d" % n, n)
    w, _ = sink(kconnect, db, topic, table,
                {"auto.create": "true", "insert.mode": "upsert",
                 "pk.mode": "record_key", "batch.size": "50"})
    wait_rows(w, db, table, [last[k] for k in sorted(last)])
    # no statement failed over a repeated key (PostgreSQL's ON CONFLICT)
    assert "one by one" not in w.log()


def test_kill_9_mid_stream_with_upsert_leaves_the_input(kconnect, kcat, db,
                                                        unique_topic):
    """kill -9 while puts are being written, then a new worker with the
    same connector: the rolled-back put is delivered again and the table
    ends equal to the input (the last write per key)."""
    topic = unique_topic()
    table = "orders_kill"
    ids = [(i * 11) % 97 for i in range(3000)]
    kcat.produce(topic, [value(SCHEMA, id=k, name="v%d" % n, qty=n)
                         for n, k in enumerate(ids)],
                 keys=[key(k) for k in ids])
    last = {}
    for n, k in enumerate(ids):
        last[k] = (k, "v%d" % n, n)
    name = unique_name("jdbc-sink")
    config = {"name": name,
              "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
              "topics": topic,
              "table.name.format": db.fqn(table),
              "auto.create": "true", "insert.mode": "upsert",
              "pk.mode": "record_key", "batch.size": "20"}
    config.update(db.config())
    config.pop("schema.pattern", None)
    # The new worker gets the partition once the killed member's session
    # has expired: 6 s (the broker's least), not the default 45 s.
    worker = {"offset.flush.interval.ms": "200",
              "consumer.max.poll.records": "20",
              "consumer.session.timeout.ms": "6000"}
    w = kconnect(connectors=[config], worker=worker)

    def some_rows():
        try:
            return len(rows(db, table)) > 0 or None
        except Exception:
            return None
    w.wait_for(some_rows, 60, what="first rows")
    w.kill()
    w2 = kconnect(connectors=[config], worker=worker)
    wait_rows(w2, db, table, [last[k] for k in sorted(last)], timeout=120)


# ---- poison records at scale ------------------------------------------------

# 20,000 records on each database in make check's plain run; 100,000 on
# PostgreSQL is a soak test (the same path, five times the volume). 20,000
# is the least that leaves room for 500 of each kind of poison at distinct
# places. Volume: not in make check's ASan run.
@pytest.mark.asan_skip
@pytest.mark.parametrize("db,n", [
    ("postgres", 20000), ("sqlite", 20000), ("mariadb", 20000),
    pytest.param("postgres", 100000, marks=pytest.mark.soak)],
    indirect=["db"])
def test_poison_records_at_scale_go_to_the_dlq_and_no_good_row_is_lost(
        kconnect, kcat, db, n, unique_topic):
    """n records (20,000, or 100,000 on PostgreSQL in make soak) of which
    1,000 the table refuses (a NULL into a NOT NULL column, a text longer
    than the column allows), errors.tolerance=all with a DLQ: every good
    record is one row of the table, every bad one is in the DLQ with the
    database's reason, nothing else."""
    topic = unique_topic()
    dlq = unique_name("dlq")
    table = "orders_poison"
    if db.name == "sqlite":
        # SQLite ignores VARCHAR(n): the length is a CHECK there
        name_type = "TEXT NOT NULL CHECK (length(name) <= 8)"
    else:
        name_type = "VARCHAR(8) NOT NULL"
    # no primary key: a row written twice would show
    db.sql("CREATE TABLE %s (id INT NOT NULL, name %s, qty BIGINT)"
           % (db.fqn(table), name_type))
    bad_null = set(list(range(17, n, n // 500))[:500])
    bad_long = set(list(range(29, n, n // 500))[:500])
    assert len(bad_null) == 500 and len(bad_long) == 500
    assert not bad_null & bad_long

    def name_of(i):
        if i in bad_null:
            return None
        return "much too long %d" % i if i in bad_long else "n%d" % (i % 1000)
    kcat.produce(topic, [value(SCHEMA, id=i, name=name_of(i), qty=i)
                         for i in range(n)], timeout=120)
    w, name = sink(kconnect, db, topic, table,
                   {"errors.tolerance": "all",
                    "errors.deadletterqueue.topic.name": dlq,
                    "errors.deadletterqueue.topic.replication.factor": "1",
                    "errors.deadletterqueue.context.headers.enable": "true",
                    "batch.size": "1000"})
    good = n - len(bad_null) - len(bad_long)

    def count():
        try:
            return len(rows(db, table)) == good or None
        except Exception:
            return None
    w.wait_for(count, 300, interval=1, what="%d rows" % good)
    got = consume_all(dlq, expect=len(bad_null) + len(bad_long), timeout=60)
    reasons = {}
    for rec in got:
        i = json.loads(rec["payload"])["payload"]["id"]
        headers = dict(zip(rec["headers"][0::2], rec["headers"][1::2]))
        assert headers["__connect.errors.stage"] == "TASK_PUT"
        assert i not in reasons, "record %d twice in the DLQ" % i
        reasons[i] = headers["__connect.errors.exception.message"].lower()
    assert set(reasons) == bad_null | bad_long
    for i in bad_null:
        assert "null" in reasons[i], reasons[i]
    for i in bad_long:
        assert ("too long" in reasons[i] or "check constraint" in
                reasons[i]), reasons[i]
    ids = [int(r[0]) for r in rows(db, table)]
    assert len(ids) == good
    assert set(ids) == set(range(n)) - bad_null - bad_long
    status, body = w.request("GET", "/connectors/%s/status" % name)
    assert body["tasks"][0]["state"] == "RUNNING"


# ---- PostgreSQL stopped mid-stream ------------------------------------------

@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL of this module's own (scripts/postgres on a port of
    21230-21299) that the tests may halt and resume; removed afterwards."""
    import os
    import socket
    import subprocess
    pytest.importorskip("psycopg2")
    port = None
    for p in range(21230, 21300):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) != 0:
                port = str(p)
                break
    assert port is not None
    env = dict(os.environ, KC_PG_PORT=port)
    script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts",
                          "postgres")
    try:
        out = subprocess.run([script, "start"], env=env, check=True,
                             capture_output=True, text=True, timeout=180)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip("could not start a PostgreSQL of our own: %s" % e)

    def ctl(cmd):
        subprocess.run([script, cmd], env=env, check=True,
                       capture_output=True, timeout=120)
    try:
        yield out.stdout.strip(), port, ctl
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True,
                       timeout=120)


def pg_count(dsn, sql):
    import psycopg2
    conn = psycopg2.connect(dsn, connect_timeout=3)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()
    finally:
        conn.close()


def pg_rows_at_least(dsn, table, n):
    """A predicate for wait_for: the table exists with >= n rows."""
    import psycopg2

    def check():
        try:
            return pg_count(dsn, "SELECT count(*) FROM %s" % table)[0] >= n
        except psycopg2.Error:
            return None
    return check


def outage_sink(kconnect, port, topic, table, extra, worker=None, name=None):
    name = name or unique_name("jdbc-sink")
    config = {"name": name,
              "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
              "topics": topic,
              "value.converter":
              "org.apache.kafka.connect.json.JsonConverter",
              "connection.url":
              "jdbc:postgresql://127.0.0.1:%s/kconnect" % port,
              "connection.user": "kconnect",
              "connection.password": "kconnect",
              "table.name.format": table, "auto.create": "true",
              "batch.size": "500"}
    config.update(extra)
    wconf = {"offset.flush.interval.ms": "300",
             "consumer.max.poll.records": "500"}
    wconf.update(worker or {})
    w = kconnect(connectors=[config], worker=wconf)
    w.wait_for_connector(name, "RUNNING")
    return w, name


# A 20 s outage by design: in make check's plain run, under ASan in make
# soak.
@pytest.mark.asan_skip
def test_postgres_stopped_20s_mid_stream_is_retried_and_loses_nothing(
        kconnect, kcat, unique_topic, own_postgres):
    """The server stops for 20 s while the sink writes: the failed write
    is retried (max.retries), the reconnection tried every
    connection.backoff.ms (connection.attempts), then every record is one
    row (plain inserts into a table without a key: a duplicate would
    show) and the task is RUNNING without a restart."""
    dsn, port, ctl = own_postgres
    topic = unique_topic()
    table = "outage_%s" % uuid4hex()
    n = 20000
    kcat.produce(topic, [value(SCHEMA, id=i, name="n%d" % i, qty=i)
                         for i in range(n // 2)])
    w, name = outage_sink(kconnect, port, topic, table,
                          {"max.retries": "20", "retry.backoff.ms": "500",
                           "connection.attempts": "60",
                           "connection.backoff.ms": "1000"})
    w.wait_for(pg_rows_at_least(dsn, table, n // 2), 60, interval=0.5,
               what="first half")
    ctl("halt")
    kcat.produce(topic, [value(SCHEMA, id=i, name="n%d" % i, qty=i)
                         for i in range(n // 2, n)])
    time.sleep(20)
    ctl("resume")
    w.wait_for(pg_rows_at_least(dsn, table, n), 120, interval=0.5,
               what="every row")
    time.sleep(1)  # a duplicate written late would still show
    total, distinct, lo, hi = pg_count(
        dsn, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM %s"
        % table)
    assert (total, distinct, lo, hi) == (n, n, 0, n - 1)
    log = w.log()
    assert "Unable to connect to database on attempt" in log
    status, body = w.request("GET", "/connectors/%s/status" % name)
    assert body["tasks"][0]["state"] == "RUNNING"


def test_postgres_down_past_connection_attempts_fails_the_task(
        kconnect, kcat, unique_topic, own_postgres):
    """As Confluent: once connection.attempts tries have failed the task
    fails, naming the attempts and the driver's reason; nothing written
    after the outage began."""
    dsn, port, ctl = own_postgres
    topic = unique_topic()
    table = "outage_%s" % uuid4hex()
    kcat.produce(topic, [value(SCHEMA, id=1, name="a", qty=1)])
    w, name = outage_sink(kconnect, port, topic, table,
                          {"max.retries": "1", "retry.backoff.ms": "200",
                           "connection.attempts": "2",
                           "connection.backoff.ms": "300"})
    w.wait_for(pg_rows_at_least(dsn, table, 1), 60, interval=0.5,
               what="the first row")
    ctl("halt")
    try:
        kcat.produce(topic, [value(SCHEMA, id=2, name="b", qty=2)])
        task = task_failure(w, name, timeout=60)
        assert "after 2 attempts (connection.attempts)" in task["trace"]
    finally:
        ctl("resume")
    assert pg_count(dsn, "SELECT count(*) FROM %s" % table)[0] == 1


def sink_committed(name, topic):
    """The offset group connect-<name> committed for partition 0 of
    @topic, or 0, asked of the broker directly (no worker needed)."""
    from test_file_connectors import committed_offset
    off = committed_offset("connect-%s" % name, topic)
    return 0 if off is None else off


def test_postgres_stopped_under_a_pending_copy_commits_no_offset_past_its_rows(
        kconnect, kcat, unique_topic, own_postgres):
    """The server stops while COPYs are in flight (the runner converts the
    next batch while the database loads one), then the worker is killed:
    the committed offset is never past the rows the database confirmed
    (a table without a key; one partition), and a new worker then writes
    every record that was not committed."""
    dsn, port, ctl = own_postgres
    topic = unique_topic()
    table = "pending_%s" % uuid4hex()
    n = 60000
    kcat.produce(topic, [value(SCHEMA, id=i, name="n%d" % i, qty=i)
                         for i in range(n)], timeout=120)
    extra = {"max.retries": "50", "retry.backoff.ms": "500",
             "connection.attempts": "100", "connection.backoff.ms": "500"}
    # the new worker gets the partition once the killed one's session has
    # expired: 6 s, the broker's least
    session = {"consumer.session.timeout.ms": "6000"}
    w, name = outage_sink(kconnect, port, topic, table, extra, session)
    w.wait_for(pg_rows_at_least(dsn, table, 2000), 60, interval=0.05,
               what="the first rows")
    ctl("halt")
    try:
        time.sleep(1)  # commits are due every 300 ms meanwhile
        w.kill()
        committed = sink_committed(name, topic)
    finally:
        ctl("resume")
    rows = pg_count(dsn, "SELECT count(*) FROM %s" % table)[0]
    assert committed <= rows
    w2, _ = outage_sink(kconnect, port, topic, table, extra, session, name)
    w2.wait_for(lambda: sink_committed(name, topic) == n or None, 120,
                interval=0.5, what="offset %d committed" % n)
    total, distinct = pg_count(
        dsn, "SELECT count(*), count(DISTINCT id) FROM %s" % table)
    # at least once: what was written and not committed comes again
    assert distinct == n
    assert total == n + (rows - committed)


def test_stop_during_a_pending_copy_waits_for_it_and_commits_exactly_its_rows(
        kconnect, kcat, unique_topic, own_postgres):
    """SIGTERM while the sink streams: the stop waits for the COPY in
    flight and commits the offsets of exactly the rows in the table (no
    key: a row written twice would show), and a new worker writes the
    rest, none twice."""
    dsn, port, ctl = own_postgres
    topic = unique_topic()
    table = "stop_%s" % uuid4hex()
    n = 60000
    kcat.produce(topic, [value(SCHEMA, id=i, name="n%d" % i, qty=i)
                         for i in range(n)], timeout=120)
    w, name = outage_sink(kconnect, port, topic, table, {})
    w.wait_for(pg_rows_at_least(dsn, table, 2000), 60, interval=0.05,
               what="the first rows")
    assert w.stop() == 0
    rows = pg_count(dsn, "SELECT count(*) FROM %s" % table)[0]
    assert sink_committed(name, topic) == rows
    w2, _ = outage_sink(kconnect, port, topic, table, {}, name=name)
    w2.wait_for(lambda: sink_committed(name, topic) == n or None, 120,
                interval=0.5, what="offset %d committed" % n)
    total, distinct, lo, hi = pg_count(
        dsn, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM %s"
        % table)
    assert (total, distinct, lo, hi) == (n, n, 0, n - 1)


def uuid4hex():
    import uuid
    return uuid.uuid4().hex[:8]


# ---- PostgreSQL COPY --------------------------------------------------------

def test_postgres_plain_inserts_go_by_copy_and_write_what_inserts_write(
        kconnect, kcat, pg_dsn, unique_topic):
    """Runs of plain inserts go through COPY .. FROM STDIN, upserts
    through COPY into a staging table and one INSERT .. SELECT .. ON
    CONFLICT; both leave the values of the records (worked out here), for
    text with COPY's own delimiters and escapes, bytes, decimals,
    timestamps."""
    import base64
    import datetime
    import decimal
    db = Postgres(pg_dsn)
    try:
        schema = {"type": "struct", "optional": False, "fields": [
            {"type": "int32", "optional": False, "field": "id"},
            {"type": "string", "optional": True, "field": "name"},
            {"type": "bytes", "optional": True, "field": "raw"},
            {"type": "bytes", "optional": True, "field": "price",
             "name": "org.apache.kafka.connect.data.Decimal",
             "parameters": {"scale": "2"}},
            {"type": "int64", "optional": True, "field": "ts",
             "name": "org.apache.kafka.connect.data.Timestamp"},
            {"type": "boolean", "optional": True, "field": "ok"},
            {"type": "double", "optional": True, "field": "f"}]}
        names = ["tab\there", "line\nbreak\r", "back\\slash", "\\N", "",
                 "\u00fcn\u00ef \u2603", None]
        raws = [b"\x00\x01\x02\xff", b"\\\t\n", b"", None, b"x", b"\\N",
                b"\xfe"]
        prices = [(12345, b"\x30\x39"), (-5, b"\xfb"), None, (0, b"\x00"),
                  (100, b"\x00\x64"), None, (1, b"\x01")]
        ts0 = 1709210096789  # 2024-02-29 12:34:56.789 UTC
        records, want = [], []
        for i in range(7):
            p = prices[i]
            payload = {
                "id": i, "name": names[i],
                "raw": (None if raws[i] is None
                        else base64.b64encode(raws[i]).decode()),
                "price": (None if p is None
                          else base64.b64encode(p[1]).decode()),
                "ts": None if i == 3 else ts0 + i * 1001,
                "ok": None if i == 5 else i % 2 == 0,
                "f": None if i == 6 else i / 4.0}
            records.append(value(schema, **payload))
            want.append((
                i, names[i], raws[i],
                None if p is None else decimal.Decimal(p[0]).scaleb(-2),
                None if i == 3 else
                datetime.datetime(2024, 2, 29, 12, 34, 56, 789000) +
                datetime.timedelta(milliseconds=i * 1001),
                None if i == 5 else i % 2 == 0,
                None if i == 6 else i / 4.0))
        topic = unique_topic()
        kcat.produce(topic, records)
        w, _ = sink(kconnect, db, topic, "by_copy", {"auto.create": "true"})
        w2, _ = sink(kconnect, db, topic, "by_insert",
                     {"auto.create": "true", "insert.mode": "upsert",
                      "pk.mode": "record_value", "pk.fields": "id"})

        def read(table):
            try:
                got = rows(db, table)
            except Exception:
                db.conn.rollback() if not db.conn.autocommit else None
                return None
            return [tuple(bytes(v) if isinstance(v, memoryview) else v
                          for v in r) for r in got] if len(got) == 7 else None
        got_copy = w.wait_for(lambda: read("by_copy"), 30, what="7 rows")
        got_insert = w2.wait_for(lambda: read("by_insert"), 30,
                                 what="7 rows")
        assert got_copy == want
        assert got_insert == want
        assert "Writing runs of plain inserts into %s with: COPY" % (
            db.fqn("by_copy")) in w.log()
        assert "Writing runs of upserts into %s through a staging table " \
            "with: COPY kc_stage" % db.fqn("by_insert") in w2.log()
    finally:
        db.close()


def test_postgres_put_of_one_copy_runs_without_a_transaction_around_it(
        kconnect, kcat, pg_dsn, unique_topic):
    """A put whose records all go into one COPY (plain inserts, one
    table) sends that COPY alone: no BEGIN before it and no COMMIT after
    (two round trips fewer; a COPY is atomic by itself). Seen from the
    database: a statement trigger finds the COPY's transaction started by
    the COPY itself (transaction_timestamp() = statement_timestamp()),
    where a BEGIN sent first starts it one round trip earlier. With
    kconnect.exactly.once the offsets share the rows' transaction, so
    that put still has its BEGIN."""
    db = Postgres(pg_dsn)
    try:
        schema = {"type": "struct", "optional": False, "fields": [
            {"type": "int32", "optional": False, "field": "id"},
            {"type": "string", "optional": True, "field": "name"}]}
        db.sql("CREATE TABLE %s (src TEXT, own_tx BOOLEAN)"
               % db.fqn("tx_log"),
               "CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN INSERT INTO %s VALUES (TG_TABLE_NAME, "
               "transaction_timestamp() = statement_timestamp()); "
               "RETURN NULL; END $$" % (db.fqn("log_tx"), db.fqn("tx_log")))
        for table in ("plain", "eos"):
            db.sql("CREATE TABLE %s (id INT NOT NULL, name TEXT)"
                   % db.fqn(table),
                   "CREATE TRIGGER log_tx AFTER INSERT ON %s FOR EACH "
                   "STATEMENT EXECUTE FUNCTION %s()"
                   % (db.fqn(table), db.fqn("log_tx")))
        topic = unique_topic()
        kcat.produce(topic, [value(schema, id=i, name="n%d" % i)
                             for i in range(200)])
        w, _ = sink(kconnect, db, topic, "plain", {})
        w2, _ = sink(kconnect, db, topic, "eos",
                     {"kconnect.exactly.once": "true",
                      "kconnect.exactly.once.table": db.fqn("kc_offsets")})
        for table in ("plain", "eos"):
            w.wait_for(lambda: len(rows(db, table)) == 200 or None, 30,
                       what="200 rows in %s" % table)
        with db.conn.cursor() as cur:
            cur.execute("SELECT src, own_tx FROM %s" % db.fqn("tx_log"))
            log = cur.fetchall()
        plain = [own for src, own in log if src == "plain"]
        eos = [own for src, own in log if src == "eos"]
        assert plain and all(plain), log
        assert eos and not any(eos), log
        assert "Writing runs of plain inserts into %s with: COPY" % (
            db.fqn("plain")) in w.log()
    finally:
        db.close()


def test_postgres_copy_goes_binary_for_exact_types_and_writes_the_same_rows(
        kconnect, kcat, pg_dsn, unique_topic):
    """A run whose values all have their column's exact type (auto.create's
    integers, REAL/DOUBLE PRECISION, BOOLEAN, TEXT, BYTEA, TIMESTAMP) goes
    by binary COPY: no number or timestamp text to format and parse. The
    rows are the records' values worked out here, extremes included, and
    the same as through a text COPY into a table whose NUMERIC column binary
    COPY cannot take."""
    import base64
    import datetime
    import struct
    db = Postgres(pg_dsn)
    try:
        schema = {"type": "struct", "optional": False, "fields": [
            {"type": "int64", "optional": False, "field": "id"},
            {"type": "int8", "optional": True, "field": "i8"},
            {"type": "int16", "optional": True, "field": "i16"},
            {"type": "int32", "optional": True, "field": "i32"},
            {"type": "int64", "optional": True, "field": "big"},
            {"type": "float", "optional": True, "field": "f32"},
            {"type": "double", "optional": True, "field": "f64"},
            {"type": "boolean", "optional": True, "field": "ok"},
            {"type": "string", "optional": True, "field": "name"},
            {"type": "bytes", "optional": True, "field": "raw"},
            {"type": "int64", "optional": True, "field": "ts",
             "name": "org.apache.kafka.connect.data.Timestamp"}]}
        cases = [
            (-128, -32768, -2 ** 31, -2 ** 63, 0.1, 0.1, True, "tab\there",
             b"\x00\xff", -1),
            (127, 32767, 2 ** 31 - 1, 2 ** 63 - 1, -3.4028234663852886e38,
             1.7976931348623157e308, False, "line\nbreak\\", b"", 0),
            (0, 0, 0, 0, 1.5, 5e-324, None, "\u00fcn\u00ef \u2603", None,
             -12219292800000),
            (None, None, None, None, None, 3.141592653589793, True, "",
             b"\\N", 1709210096789),
            (1, 2, 3, 4, None, None, None, None, b"x", None)]
        def f32_text(v):
            """The float PostgreSQL's REAL output (the shortest text that
            reads back as the same float4) reads as in Python."""
            f = struct.unpack("f", struct.pack("f", v))[0]
            for digits in range(1, 10):
                t = float("%.*g" % (digits, f))
                if struct.unpack("f", struct.pack("f", t))[0] == f:
                    return t
            return f
        records, want = [], []
        for i, c in enumerate(cases):
            payload = dict(zip(
                ["i8", "i16", "i32", "big", "f32", "f64", "ok", "name", "raw",
                 "ts"], c))
            payload["id"] = i
            if c[8] is not None:
                payload["raw"] = base64.b64encode(c[8]).decode()
            records.append(value(schema, **payload))
            want.append((
                i,) + c[:4] + (
                None if c[4] is None else f32_text(c[4]),) + c[5:9] + (
                None if c[9] is None else
                datetime.datetime(1970, 1, 1) +
                datetime.timedelta(milliseconds=c[9]),))
        topic = unique_topic()
        kcat.produce(topic, records)
        db.sql("CREATE TABLE %s (id BIGINT NOT NULL, i8 SMALLINT, "
               "i16 SMALLINT, i32 INT, big NUMERIC, f32 REAL, "
               "f64 DOUBLE PRECISION, ok BOOLEAN, name TEXT, raw BYTEA, "
               "ts TIMESTAMP)" % db.fqn("by_text"))
        w, _ = sink(kconnect, db, topic, "by_binary", {"auto.create": "true"})
        w2, _ = sink(kconnect, db, topic, "by_text", {})

        def read(table):
            try:
                got = rows(db, table)
            except Exception:
                return None
            return [tuple(bytes(v) if isinstance(v, memoryview) else
                          int(v) if j == 4 and v is not None else v
                          for j, v in enumerate(r))
                    for r in got] if len(got) == len(cases) else None
        got_binary = w.wait_for(lambda: read("by_binary"), 30, what="rows")
        got_text = w2.wait_for(lambda: read("by_text"), 30, what="rows")
        assert got_binary == want
        assert got_text == want
        assert 'COPY in binary format: COPY "%s"."by_binary"' % db.schema \
            in w.log()
        assert "COPY in text format" in w2.log()
        assert "FORMAT binary" not in w2.log()
    finally:
        db.close()


def test_postgres_staged_upserts_into_two_tables_copy_by_their_own_types(
        kconnect, kcat, pg_dsn, unique_topic):
    """Upserts into two tables whose columns have the same names and other
    types (INT and BIGINT) both go through "COPY kc_stage (..)" in binary:
    each by its own table's types, so no COPY fails and no put is written
    again row by row."""
    db = Postgres(pg_dsn)
    try:
        fields = [{"type": "int64", "optional": False, "field": "id"}]
        small = {"type": "struct", "optional": False, "fields": fields + [
            {"type": "int32", "optional": True, "field": "v"}]}
        big = {"type": "struct", "optional": False, "fields": fields + [
            {"type": "int64", "optional": True, "field": "v"}]}
        ta, tb = unique_topic(), unique_topic()
        kcat.produce(ta, [value(small, id=i, v=i * 10) for i in range(5)])
        kcat.produce(tb, [value(big, id=i, v=i * 100) for i in range(5)])
        name = unique_name("jdbc-sink")
        config = {"name": name,
                  "connector.class":
                  "io.confluent.connect.jdbc.JdbcSinkConnector",
                  "topics": "%s,%s" % (ta, tb),
                  "value.converter":
                  "org.apache.kafka.connect.json.JsonConverter",
                  "table.name.format": db.schema + ".${topic}",
                  "auto.create": "true", "insert.mode": "upsert",
                  "pk.mode": "record_value", "pk.fields": "id",
                  "connection.attempts": "1", "max.retries": "0"}
        config.update(db.config())
        config.pop("schema.pattern", None)
        w = kconnect(connectors=[config],
                     worker={"offset.flush.interval.ms": "300"})
        w.wait_for_connector(name, "RUNNING")

        def read(topic, n):
            try:
                got = rows(db, '"%s"' % topic)
            except Exception:
                return None
            return got if len(got) == n else None
        assert w.wait_for(lambda: read(ta, 5), 30, what="5 rows") == [
            (i, i * 10) for i in range(5)]
        assert w.wait_for(lambda: read(tb, 5), 30, what="5 rows") == [
            (i, i * 100) for i in range(5)]
        assert "COPY in binary format: COPY kc_stage" in w.log()
        assert "one by one" not in w.log()
    finally:
        db.close()


# ---- kconnect.exactly.once ---------------------------------------------------

# Each kill waits out the killed member's session (6 s): two kills on each
# database in make check's plain run, the full five in make soak.
@pytest.mark.asan_skip
@pytest.mark.parametrize("kills", [2, pytest.param(5, marks=pytest.mark.soak)])
def test_exactly_once_insert_survives_kill_9_without_a_duplicate(
        kconnect, kcat, db, unique_topic, kills):
    """kconnect.exactly.once=true with insert.mode=insert into a table
    without a key: `kills` kill -9 at random points, each once the worker
    holds the partition, and a new worker with the same connector after
    each, then every record is exactly one row. Kafka's own offset
    commits lag far behind (offset.flush.interval.ms 60 s), so without the
    offsets stored with the rows each new worker would write the rows
    since the last commit again."""
    import random
    topic = unique_topic()
    table = "orders_eos"
    n = 6000
    kcat.produce(topic, [value(SCHEMA, id=i, name="v%d" % i, qty=i)
                         for i in range(n)])
    db.sql("CREATE TABLE %s (id INT NOT NULL, name TEXT, qty BIGINT)"
           % db.fqn(table))
    name = unique_name("jdbc-sink")
    config = {"name": name,
              "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
              "topics": topic,
              "value.converter":
              "org.apache.kafka.connect.json.JsonConverter",
              "table.name.format": db.fqn(table),
              "kconnect.exactly.once": "true",
              "kconnect.exactly.once.table": db.fqn("kc_offsets"),
              "batch.size": "50"}
    config.update(db.config())
    config.pop("schema.pattern", None)
    # a killed member leaves the group after 6 s, not 45
    worker = {"offset.flush.interval.ms": "60000",
              "consumer.max.poll.records": "50",
              "consumer.session.timeout.ms": "6000"}

    def count():
        try:
            return len(rows(db, table))
        except Exception:
            return 0

    def holds(w):
        return lambda: "assigned %s-0" % topic in w.log() or None
    rnd = random.Random(12)
    marks = sorted(rnd.sample(range(n // 20, n * 9 // 10, 50), kills))
    for mark in marks:
        w = kconnect(connectors=[config], worker=worker)
        w.wait_for(holds(w), 60, interval=0.1, what="the partition")
        w.wait_for(lambda: count() >= mark or None, 120, interval=0.05,
                   what="%d rows" % mark)
        w.kill()
    w = kconnect(connectors=[config], worker=worker)
    w.wait_for(holds(w), 60, interval=0.1, what="the partition")
    # the partition started where the table ends
    assert "(given by the task)" in w.log()
    # records go in order: once the last one is a row, all were handled
    kcat.produce(topic, [value(SCHEMA, id=n, name="last", qty=n)])
    w.wait_for(lambda: n in [int(r[0]) for r in rows(db, table)] or None,
               120, interval=0.3, what="the last row")
    ids = sorted(int(r[0]) for r in rows(db, table))
    assert len(ids) == n + 1, "%d rows for %d records" % (len(ids), n + 1)
    assert ids == list(range(n + 1))
