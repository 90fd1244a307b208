# SPDX-License-Identifier: Apache-2.0
"""JdbcSourceConnector end to end: the real binary, the real broker, and
real PostgreSQL (``scripts/postgres``), MariaDB (``scripts/mariadb``,
``$KC_MARIADB_URL``) and SQLite files.

1. Every mode on every database: the initial load, then rows inserted (and
   for the timestamp modes updated) are picked up on the next poll; the
   exact JSON (schema and payload) in the topic and the source partition
   and offset as Confluent writes them (GET /connectors/<name>/offsets).
2. A table with every common column type per database, checked against the
   Connect schema and values Confluent's type mapping gives.
3. A wrong password, a missing table: the connector or task fails with a
   message naming the problem; config/validate reports the connection.

Expected values are worked out from Confluent's documented mapping (see
../shared reference and kafka-connect-jdbc's GenericDatabaseDialect) and
computed in Python here (epoch values, Decimal bytes), never copied from
kconnect's output. Each test makes its own schema / database / file and
drops it.
"""

import base64
import datetime
import json
import os
import sqlite3
import subprocess
import uuid
from decimal import Decimal

import pytest

from kconnect_worker import kconnect, unique_name  # noqa

MARIADB_URL = os.environ.get(
    "KC_MARIADB_URL", "jdbc:mariadb://127.0.0.1:%s/kconnect" %
    os.environ.get("KC_MARIADB_PORT", "53306"))


def epoch_ms(text):
    dt = datetime.datetime.fromisoformat(text).replace(
        tzinfo=datetime.timezone.utc)
    return int(dt.timestamp() * 1000)


def epoch_days(text):
    return (datetime.date.fromisoformat(text) -
            datetime.date(1970, 1, 1)).days


def decimal_b64(text, scale):
    """Connect's Decimal: big-endian two's complement of the unscaled
    value, base64 in JSON."""
    unscaled = int(Decimal(text).scaleb(scale))
    n = max(1, (unscaled.bit_length() + 8) // 8)
    return base64.b64encode(unscaled.to_bytes(n, "big", signed=True)).decode()


# ---- the three databases ---------------------------------------------------

class Postgres:
    name = "postgres"

    def __init__(self, dsn):
        import psycopg2
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True
        self.schema = "jdbc_%s" % uuid.uuid4().hex[:10]
        self.sql("CREATE SCHEMA %s" % self.schema)
        self.sql("SET search_path TO %s" % self.schema)

    def sql(self, *stmts):
        with self.conn.cursor() as cur:
            for s in stmts:
                cur.execute(s)

    def config(self):
        return {"connection.url":
                "jdbc:postgresql://127.0.0.1:%s/kconnect" % os.environ.get(
                    "KC_PG_PORT", "55432"),
                "connection.user": "kconnect",
                "connection.password": "kconnect",
                "schema.pattern": self.schema}

    def fqn(self, table):
        return "%s.%s" % (self.schema, table)

    ts_type = "TIMESTAMP(3)"
    blob_type = "BYTEA"
    serial_pk = "id SERIAL PRIMARY KEY"

    def close(self):
        self.sql("SET search_path TO public",
                 "DROP SCHEMA %s CASCADE" % self.schema)
        self.conn.close()


class MariaDB:
    name = "mariadb"

    def __init__(self, url=None):
        hostport = (url or MARIADB_URL).split("//", 1)[1].split("/", 1)[0]
        self.host, _, port = hostport.partition(":")
        self.port = port or "3306"
        self.db = "jdbc_%s" % uuid.uuid4().hex[:10]
        try:
            self.client("CREATE DATABASE %s" % self.db, db="kconnect")
        except (OSError, subprocess.CalledProcessError) as e:
            pytest.skip("MariaDB at %s:%s refused: %s (run scripts/mariadb "
                        "start)" % (self.host, self.port, e))

    def client(self, sql, db=None):
        subprocess.run(
            ["mariadb", "--no-defaults", "-h", self.host, "-P", self.port,
             "-u", "kconnect", "-pkconnect", db or self.db, "-e", sql],
            check=True, capture_output=True, timeout=30)

    def sql(self, *stmts):
        self.client(";\n".join(stmts))

    def config(self):
        return {"connection.url": "jdbc:mariadb://%s:%s/%s" % (
            self.host, self.port, self.db),
            "connection.user": "kconnect",
            "connection.password": "kconnect"}

    def fqn(self, table):
        return "%s.%s" % (self.db, table)

    ts_type = "DATETIME(3)"
    blob_type = "BLOB"
    serial_pk = "id INT AUTO_INCREMENT PRIMARY KEY"

    def close(self):
        self.client("DROP DATABASE %s" % self.db, db="kconnect")


class Sqlite:
    name = "sqlite"

    def __init__(self, path):
        self.path = str(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)

    def sql(self, *stmts):
        for s in stmts:
            self.conn.execute(s)

    def config(self):
        return {"connection.url": "jdbc:sqlite:%s" % self.path}

    def fqn(self, table):
        return table

    ts_type = "TIMESTAMP"
    blob_type = "BLOB"
    serial_pk = "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"

    def close(self):
        self.conn.close()


@pytest.fixture(params=["postgres", "sqlite", "mariadb"])
def db(request, tmp_path):
    if request.param == "postgres":
        d = Postgres(request.getfixturevalue("pg_dsn"))
    elif request.param == "mariadb":
        d = MariaDB()
    else:
        d = Sqlite(tmp_path / "src.db")
    yield d
    d.close()


def ts_text(db, text):
    # SQLite keeps timestamps as text; compare as SQLite's datetime text
    # (milliseconds), the form kconnect binds its bounds in.
    return text + ".000" if db.name == "sqlite" else text


def start(kconnect, db, name, extra):
    config = {"name": name,
              "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
              "poll.interval.ms": "300",
              "connection.attempts": "1"}
    config.update(db.config())
    config.update(extra)
    w = kconnect(connectors=[config],
                 worker={"offset.flush.interval.ms": "300"})
    return w


def payloads(records):
    return [json.loads(r["payload"]) for r in records]


# ---- 1. every mode on every database ---------------------------------------

ROW_SCHEMA = {
    "type": "struct",
    "fields": [
        {"type": "int32", "optional": False, "field": "id"},
        {"type": "string", "optional": True, "field": "name"},
        {"type": "int64", "optional": False,
         "name": "org.apache.kafka.connect.data.Timestamp", "version": 1,
         "field": "ts"},
    ],
    "optional": False,
    "name": None,  # the table name, set per test
}

MODES = {
    "bulk": {},
    "incrementing": {"incrementing.column.name": "id"},
    "timestamp": {"timestamp.column.name": "ts"},
    "timestamp+incrementing": {"incrementing.column.name": "id",
                               "timestamp.column.name": "ts"},
}


def row(i, name, ts):
    return {"id": i, "name": name, "ts": epoch_ms(ts)}


@pytest.mark.parametrize("mode", list(MODES))
def test_each_mode_loads_then_follows_changes(kconnect, kcat, db, mode):
    table = "t_%s" % uuid.uuid4().hex[:8]
    prefix = unique_name("jdbc") + "-"
    topic = prefix + table
    db.sql("CREATE TABLE %s (id INT NOT NULL, name VARCHAR(20), ts %s NOT "
           "NULL)" % (table, db.ts_type),
           "INSERT INTO %s VALUES (1, 'a', '%s'), (2, 'b', '%s')" % (
               table, ts_text(db, "2020-01-01 00:00:01"),
               ts_text(db, "2020-01-01 00:00:02")))
    name = unique_name("jdbc-src")
    extra = {"mode": mode, "topic.prefix": prefix, "table.whitelist": table}
    extra.update(MODES[mode])
    w = start(kconnect, db, name, extra)
    w.wait_for_connector(name, "RUNNING", tasks=1)

    got = kcat.consume(topic, 2)
    schema = dict(ROW_SCHEMA, name=table)
    for r in got:
        env = json.loads(r["payload"])
        assert env["schema"] == schema
        assert r["key"] is None
    assert [json.loads(r["payload"])["payload"] for r in got[:2]] == [
        row(1, "a", "2020-01-01 00:00:01"), row(2, "b", "2020-01-01 00:00:02")]
    # the exact bytes of one record, as Java's JsonConverter writes them
    assert got[0]["payload"] == json.dumps(
        {"schema": schema, "payload": row(1, "a", "2020-01-01 00:00:01")},
        separators=(",", ":"))

    db.sql("INSERT INTO %s VALUES (3, 'c', '%s')" % (
        table, ts_text(db, "2020-01-01 00:00:03")))
    if mode.startswith("timestamp"):
        db.sql("UPDATE %s SET name = 'a2', ts = '%s' WHERE id = 1" % (
            table, ts_text(db, "2020-01-01 00:00:04")))
        want = [row(3, "c", "2020-01-01 00:00:03"),
                row(1, "a2", "2020-01-01 00:00:04")]
    elif mode == "incrementing":
        want = [row(3, "c", "2020-01-01 00:00:03")]
    else:
        # bulk copies the whole table again (at least once more)
        want = None
    if want is not None:
        got = kcat.consume(topic, 2 + len(want))
        assert [json.loads(r["payload"])["payload"] for r in got] == [
            row(1, "a", "2020-01-01 00:00:01"),
            row(2, "b", "2020-01-01 00:00:02")] + want
    else:
        got = kcat.consume(topic, 5)
        ids = [json.loads(r["payload"])["payload"]["id"] for r in got]
        assert ids[:2] == [1, 2]
        assert ids[2:5] in ([1, 2, 3], [1, 2, 1])

    # Confluent's source partition and offset
    def offsets():
        status, body = w.request("GET", "/connectors/%s/offsets" % name)
        if status != 200 or not body.get("offsets"):
            return None
        return body["offsets"]
    if mode == "bulk":
        # Confluent's bulk records carry a null offset: nothing is stored
        return
    want_off = {}
    if mode == "incrementing":
        want_off["incrementing"] = 3
    elif mode == "timestamp+incrementing":
        want_off["incrementing"] = 1  # the updated row, read last
    if mode.startswith("timestamp"):
        want_off["timestamp"] = epoch_ms("2020-01-01 00:00:04")
        want_off["timestamp_nanos"] = 0

    def final_offsets():
        off = offsets()
        return off if off and off[0]["offset"] == want_off else None
    off = w.wait_for(final_offsets, 30, what="final offsets")
    assert off[0]["partition"] == {"protocol": "1", "table": db.fqn(table)}


def test_tables_split_over_tasks_with_detected_increment(kconnect, kcat, db):
    """Three tables over tasks.max=2 (Connect's groupPartitions: 2 + 1),
    the incrementing column found from the auto-increment column."""
    tag = uuid.uuid4().hex[:6]
    tables = ["a_%s" % tag, "b_%s" % tag, "c_%s" % tag]
    for t in tables:
        db.sql("CREATE TABLE %s (%s, name VARCHAR(10))" % (t, db.serial_pk),
               "INSERT INTO %s (name) VALUES ('%s')" % (t, t))
    prefix = unique_name("jdbc") + "-"
    name = unique_name("jdbc-split")
    w = start(kconnect, db, name, {"mode": "incrementing",
                                   "topic.prefix": prefix,
                                   "table.whitelist": ",".join(tables),
                                   "tasks.max": "2"})
    w.wait_for_connector(name, "RUNNING", tasks=2)
    tasks = w.get("/connectors/%s/tasks" % name)
    assigned = [t["config"]["tables"] for t in tasks]
    assert len(assigned) == 2
    assert assigned[0].count(",") == 1 and "," not in assigned[1]
    for t in tables:
        got = kcat.consume(prefix + t, 1)
        assert json.loads(got[0]["payload"])["payload"] == {"id": 1,
                                                             "name": t}


def test_new_table_is_picked_up_by_the_table_monitor(kconnect, kcat, db):
    """table.poll.interval.ms: a table created while the connector runs
    gets its task config and its topic."""
    tag = uuid.uuid4().hex[:6]
    first, second = "m1_%s" % tag, "m2_%s" % tag
    db.sql("CREATE TABLE %s (%s, name VARCHAR(10))" % (first, db.serial_pk),
           "INSERT INTO %s (name) VALUES ('one')" % first)
    prefix = unique_name("jdbc") + "-"
    name = unique_name("jdbc-mon")
    w = start(kconnect, db, name, {"mode": "incrementing",
                                   "topic.prefix": prefix,
                                   "table.include.list": ".*m[12]_%s" % tag,
                                   "table.poll.interval.ms": "300"})
    w.wait_for_connector(name, "RUNNING", tasks=1)
    kcat.consume(prefix + first, 1)
    db.sql("CREATE TABLE %s (%s, name VARCHAR(10))" % (second, db.serial_pk),
           "INSERT INTO %s (name) VALUES ('two')" % second)

    def both():
        tasks = w.get("/connectors/%s/tasks" % name)
        tables = tasks[0]["config"]["tables"] if tasks else ""
        return tables if second in tables and first in tables else None
    w.wait_for(both, 30, what="a task config with both tables")
    got = kcat.consume(prefix + second, 1)
    assert json.loads(got[0]["payload"])["payload"] == {"id": 1,
                                                        "name": "two"}


def test_catalog_pattern_reaches_another_mariadb_database(kconnect, kcat):
    """MySQL's databases are JDBC catalogs: connected to "kconnect",
    catalog.pattern names the test's own database."""
    db = MariaDB()
    try:
        table = "cat_%s" % uuid.uuid4().hex[:8]
        db.sql("CREATE TABLE %s (id INT NOT NULL)" % table,
               "INSERT INTO %s VALUES (7)" % table)
        prefix = unique_name("jdbc") + "-"
        name = unique_name("jdbc-cat")
        config = db.config()
        config["connection.url"] = config["connection.url"].rsplit(
            "/", 1)[0] + "/kconnect"
        config.update({"name": name, "connector.class": "JdbcSourceConnector",
                       "mode": "incrementing",
                       "incrementing.column.name": "id",
                       "catalog.pattern": db.db, "topic.prefix": prefix,
                       "table.whitelist": table})
        w = kconnect(connectors=[config], worker={
            "offset.flush.interval.ms": "300"})
        w.wait_for_connector(name, "RUNNING", tasks=1)
        got = kcat.consume(prefix + table, 1)
        assert json.loads(got[0]["payload"])["payload"] == {"id": 7}

        def offsets():
            status, body = w.request("GET", "/connectors/%s/offsets" % name)
            off = body.get("offsets") if status == 200 else None
            return off or None
        off = w.wait_for(offsets, 30, what="offsets")
        assert off[0]["partition"] == {"protocol": "1",
                                       "table": "%s.%s" % (db.db, table)}
    finally:
        db.close()


def test_query_mode_publishes_to_the_prefix(kconnect, kcat, db):
    table = "q_%s" % uuid.uuid4().hex[:8]
    db.sql("CREATE TABLE %s (id INT NOT NULL, name VARCHAR(10))" % table,
           "INSERT INTO %s VALUES (1, 'a'), (2, 'b')" % table)
    topic = unique_name("jdbc-query")
    name = unique_name("jdbc-q")
    w = start(kconnect, db, name, {
        "mode": "incrementing", "incrementing.column.name": "id",
        "topic.prefix": topic,
        "transaction.isolation.mode": "REPEATABLE_READ",
        "query": "SELECT id, name FROM %s" % db.fqn(table)})
    w.wait_for_connector(name, "RUNNING", tasks=1)
    got = kcat.consume(topic, 2)
    env = json.loads(got[1]["payload"])
    # no schema name in query mode; query results are nullable unless the
    # driver knows the column
    assert "name" not in env["schema"]
    assert env["payload"] == {"id": 2, "name": "b"}
    # the isolation level is set where the database takes it, else a
    # warning (as Confluent)
    refused = "isolation level REPEATABLE_READ is not supported" in w.log()
    assert refused == (db.name == "sqlite")

    def offsets():
        status, body = w.request("GET", "/connectors/%s/offsets" % name)
        off = body.get("offsets") if status == 200 else None
        return off if off and off[0]["offset"] == {"incrementing": 2} \
            else None
    off = w.wait_for(offsets, 30, what="offsets")
    assert off[0]["partition"] == {"query": "query"}


def test_db_timezone_reads_and_bounds_wall_times_in_the_zone(kconnect, kcat,
                                                             db):
    """db.timezone=Europe/Paris: a TIMESTAMP column holds Paris wall time
    (UTC+1 in January), the criteria are bound in it, and the offset is
    the instant."""
    table = "tz_%s" % uuid.uuid4().hex[:8]
    db.sql("CREATE TABLE %s (id INT NOT NULL, ts %s NOT NULL)" % (
        table, db.ts_type),
        "INSERT INTO %s VALUES (1, '%s')" % (
            table, ts_text(db, "2020-01-01 01:00:00")))
    prefix = unique_name("jdbc") + "-"
    name = unique_name("jdbc-tz")
    w = start(kconnect, db, name, {"mode": "timestamp",
                                   "timestamp.column.name": "ts",
                                   "db.timezone": "Europe/Paris",
                                   "topic.prefix": prefix,
                                   "table.whitelist": table})
    w.wait_for_connector(name, "RUNNING", tasks=1)
    got = kcat.consume(prefix + table, 1)
    assert json.loads(got[0]["payload"])["payload"] == {
        "id": 1, "ts": epoch_ms("2020-01-01 00:00:00")}
    db.sql("INSERT INTO %s VALUES (2, '%s')" % (
        table, ts_text(db, "2020-07-01 02:00:00")))
    got = kcat.consume(prefix + table, 2)
    assert json.loads(got[1]["payload"])["payload"] == {
        "id": 2, "ts": epoch_ms("2020-07-01 00:00:00")}



def test_postgres_dates_before_1582_read_in_the_legacy_calendar(
        kconnect, kcat, pg_dsn):
    """date.calendar.system=LEGACY (the default): a DATE or TIMESTAMP
    before 1582-10-15 has the epoch value java.util's hybrid calendar
    gives its fields, as pgjdbc builds it; PROLEPTIC_GREGORIAN keeps the
    proleptic value. A TIMESTAMPTZ is built by pgjdbc in the session's
    zone (a UTC JVM's), so its hybrid-calendar day is the UTC one whatever
    db.timezone says: the rows sit where the day in Asia/Tokyo is another
    one across a Julian leap day or the 1582 cutover. Expected values:
    tests/golden/jdbc_calendar (GenLegacyCalendar.java, and
    GenTimestamptz.java through pgjdbc)."""
    db = Postgres(pg_dsn)
    try:
        table = "cal_%s" % uuid.uuid4().hex[:8]
        db.sql("CREATE TABLE %s (id INT NOT NULL, d DATE, ts TIMESTAMP(3), "
               "tz TIMESTAMPTZ)" % table,
               "INSERT INTO %s VALUES (1, '1500-06-15', "
               "'1500-06-15 12:00:00', '1500-02-28 20:00:00+00'), "
               "(2, '0044-03-15 BC', NULL, '1582-10-14 20:00:00+00'), "
               "(3, '2020-02-29', '2020-01-01 00:00:01.25', NULL)" % table)
        tz_legacy = [-14825908800000, -12218443200000, None]
        runs = [
            ("LEGACY", None, [(-171489, -14816606400000), (-735162, None),
                              (18321, 1577836801250)], tz_legacy),
            ("LEGACY", "UTC", None, tz_legacy),
            ("LEGACY", "Asia/Tokyo", None, tz_legacy),
            ("PROLEPTIC_GREGORIAN", None,
             [(-171499, -14817470400000), (-735160, None),
              (18321, 1577836801250)], None),
        ]
        for calendar, zone, rows, tzs in runs:
            prefix = unique_name("jdbc") + "-"
            name = unique_name("jdbc-cal")
            extra = {"mode": "bulk", "topic.prefix": prefix,
                     "table.whitelist": table, "poll.interval.ms": "3600000",
                     "date.calendar.system": calendar}
            if zone is not None:
                extra["db.timezone"] = zone
            w = start(kconnect, db, name, extra)
            w.wait_for_connector(name, "RUNNING", tasks=1)
            got = [json.loads(r["payload"])["payload"]
                   for r in kcat.consume(prefix + table, 3)]
            if rows is not None:
                assert [(p["d"], p["ts"]) for p in got] == rows, calendar
            if tzs is not None:
                assert [p["tz"] for p in got] == tzs, (calendar, zone)
            w.stop()
    finally:
        db.close()

# ---- 2. every common type per database -------------------------------------

def opt(type_, field, **kw):
    d = {"type": type_, "optional": True}
    d.update(kw)
    d["field"] = field
    return d


def logical(type_, name, field, **kw):
    return opt(type_, field, name="org.apache.kafka.connect.data." + name,
               version=1, **kw)


TYPE_CASES = {
    "postgres": {
        "ddl": "id INT NOT NULL, b BOOLEAN, i2 SMALLINT, i4 INTEGER, "
               "i8 BIGINT, f4 REAL, f8 DOUBLE PRECISION, n NUMERIC(10,3), "
               "txt TEXT, vc VARCHAR(10), js JSONB, u UUID, by BYTEA, "
               "d DATE, tm TIME(3), ts TIMESTAMP(3), tz TIMESTAMPTZ, "
               "iv INTERVAL",
        "values": "1, true, 2, 4, 8, 1.25, 2.5, 1.5, 'x', 'y', "
                  "'{\"a\": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                  "'\\x0102', '2001-02-03', '04:05:06.789', "
                  "'2020-01-01 00:00:01.5', '2020-01-01 02:00:00+02', "
                  "'1 day'",
        "fields": [
            {"type": "int32", "optional": False, "field": "id"},
            opt("boolean", "b"), opt("int16", "i2"), opt("int32", "i4"),
            opt("int64", "i8"), opt("float", "f4"), opt("double", "f8"),
            logical("bytes", "Decimal", "n", parameters={
                "scale": "3", "connect.decimal.precision": "10"}),
            opt("string", "txt"), opt("string", "vc"), opt("string", "js"),
            opt("string", "u"), opt("bytes", "by"),
            logical("int32", "Date", "d"), logical("int32", "Time", "tm"),
            logical("int64", "Timestamp", "ts"),
            logical("int64", "Timestamp", "tz"),
            # interval: a type Confluent skips
        ],
        "payload": {
            "id": 1, "b": True, "i2": 2, "i4": 4, "i8": 8, "f4": 1.25,
            "f8": 2.5, "n": decimal_b64("1.500", 3), "txt": "x", "vc": "y",
            "js": "{\"a\": 1}", "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "by": base64.b64encode(b"\x01\x02").decode(),
            "d": epoch_days("2001-02-03"),
            "tm": ((4 * 60 + 5) * 60 + 6) * 1000 + 789,
            "ts": epoch_ms("2020-01-01 00:00:01.500"),
            "tz": epoch_ms("2020-01-01 00:00:00"),
        },
    },
    "mariadb": {
        "ddl": "id INT NOT NULL, b TINYINT(1), ti TINYINT, tu TINYINT "
               "UNSIGNED, si SMALLINT, mi MEDIUMINT, bi BIGINT, f FLOAT, "
               "d DOUBLE, de DECIMAL(10,2), vc VARCHAR(20), tx TEXT, "
               "bl BLOB, dt DATE, tm TIME(3), dtm DATETIME(3), "
               "tsp TIMESTAMP NULL, js JSON",
        "values": "1, 1, -5, 200, 300, 70000, 9000000000, 1.25, 2.5, 12.34, "
                  "'v', 'text', x'0102', '2001-02-03', '04:05:06.789', "
                  "'2020-01-01 00:00:01.5', '2020-01-01 00:00:00', "
                  "'{\"a\":1}'",
        "fields": [
            {"type": "int32", "optional": False, "field": "id"},
            # Connector/J: TINYINT(1) is BIT, mapped to INT8
            opt("int8", "b"), opt("int8", "ti"), opt("int16", "tu"),
            opt("int16", "si"), opt("int32", "mi"), opt("int64", "bi"),
            opt("float", "f"), opt("double", "d"),
            logical("bytes", "Decimal", "de", parameters={
                "scale": "2", "connect.decimal.precision": "10"}),
            opt("string", "vc"), opt("string", "tx"), opt("bytes", "bl"),
            logical("int32", "Date", "dt"), logical("int32", "Time", "tm"),
            logical("int64", "Timestamp", "dtm"),
            logical("int64", "Timestamp", "tsp"),
            opt("string", "js"),
        ],
        "payload": {
            "id": 1, "b": 1, "ti": -5, "tu": 200, "si": 300, "mi": 70000,
            "bi": 9000000000, "f": 1.25, "d": 2.5,
            "de": decimal_b64("12.34", 2), "vc": "v", "tx": "text",
            "bl": base64.b64encode(b"\x01\x02").decode(),
            "dt": epoch_days("2001-02-03"),
            "tm": ((4 * 60 + 5) * 60 + 6) * 1000 + 789,
            "dtm": epoch_ms("2020-01-01 00:00:01.500"),
            "tsp": epoch_ms("2020-01-01 00:00:00"),
            "js": "{\"a\":1}",
        },
    },
    "sqlite": {
        "ddl": "id INTEGER NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, "
               "bi BIGINT, r REAL, f FLOAT, de DECIMAL(10,2), vc VARCHAR(10), "
               "tx TEXT, bl BLOB, d DATE, ts TIMESTAMP",
        "values": "1, 1, -5, 300, 9000000000, 1.25, 2.5, '12.34', 'v', "
                  "'text', x'0102', '2001-02-03', '2020-01-01 00:00:01.500'",
        "fields": [
            {"type": "int32", "optional": False, "field": "id"},
            opt("boolean", "b"), opt("int8", "ti"), opt("int16", "si"),
            opt("int64", "bi"), opt("float", "r"), opt("double", "f"),
            logical("bytes", "Decimal", "de", parameters={
                "scale": "2", "connect.decimal.precision": "10"}),
            opt("string", "vc"), opt("string", "tx"), opt("bytes", "bl"),
            logical("int32", "Date", "d"),
            logical("int64", "Timestamp", "ts"),
        ],
        "payload": {
            "id": 1, "b": True, "ti": -5, "si": 300, "bi": 9000000000,
            "r": 1.25, "f": 2.5, "de": decimal_b64("12.34", 2), "vc": "v",
            "tx": "text", "bl": base64.b64encode(b"\x01\x02").decode(),
            "d": epoch_days("2001-02-03"),
            "ts": epoch_ms("2020-01-01 00:00:01.500"),
        },
    },
}


def test_every_common_type_maps_as_confluent(kconnect, kcat, db):
    case = TYPE_CASES[db.name]
    table = "types_%s" % uuid.uuid4().hex[:8]
    prefix = unique_name("jdbc") + "-"
    db.sql("CREATE TABLE %s (%s)" % (table, case["ddl"]),
           "INSERT INTO %s VALUES (%s)" % (table, case["values"]))
    name = unique_name("jdbc-types")
    w = start(kconnect, db, name, {"mode": "incrementing",
                                   "incrementing.column.name": "id",
                                   "topic.prefix": prefix,
                                   "table.whitelist": table})
    w.wait_for_connector(name, "RUNNING", tasks=1)
    got = kcat.consume(prefix + table, 1)
    env = json.loads(got[0]["payload"])
    assert env["schema"] == {"type": "struct", "fields": case["fields"],
                             "optional": False, "name": table}
    assert env["payload"] == case["payload"]


# ---- 3. failures with a clear message --------------------------------------

@pytest.fixture(params=["postgres", "mariadb"])
def server_db(request):
    if request.param == "postgres":
        d = Postgres(request.getfixturevalue("pg_dsn"))
    else:
        d = MariaDB()
    yield d
    d.close()


def test_wrong_password_fails_the_connector_with_the_reason(kconnect,
                                                            server_db):
    name = unique_name("jdbc-badpw")
    config = dict(server_db.config(), **{
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "mode": "bulk", "topic.prefix": "x-", "connection.attempts": "1",
        "connection.password": "wrong"})
    w = kconnect()
    # (given on the command line, a connector that cannot start ends a
    # standalone worker, as Apache's ConnectStandalone does)
    # Creating it runs the connector's validation, which (as Confluent's)
    # opens a connection: refused with the database's reason.
    status, body = w.request("POST", "/connectors",
                             {"name": name, "config": config})
    assert status == 400
    message = body["message"]
    if server_db.name == "postgres":
        assert "password authentication failed" in message
    else:
        assert "Access denied" in message
    assert "wrong" not in message
    # config/validate names the connection as the problem
    config["name"] = name
    res = w.put("/connector-plugins/JdbcSourceConnector/config/validate",
                config)
    assert res["error_count"] >= 1
    by_key = {c["value"]["name"]: c["value"] for c in res["configs"]}
    assert by_key["connection.url"]["errors"]
    assert by_key["connection.password"]["value"] == "[hidden]"


def test_validate_names_a_whitelisted_table_that_is_missing(kconnect, db):
    w = kconnect()
    config = dict(db.config(), **{
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "name": "v", "mode": "bulk", "table.whitelist": "no_such_table_v"})
    res = w.put("/connector-plugins/JdbcSourceConnector/config/validate",
                config)
    by_key = {c["value"]["name"]: c["value"] for c in res["configs"]}
    assert res["error_count"] == 1
    assert "no_such_table_v" in by_key["table.whitelist"]["errors"][0]
    assert by_key["connection.url"]["errors"] == []


def test_missing_table_fails_the_task_with_its_name(kconnect, db):
    name = unique_name("jdbc-missing")
    w = start(kconnect, db, name, {"mode": "bulk",
                                   "topic.prefix": unique_name("q"),
                                   "query": "SELECT * FROM no_such_table_x"})
    st = w.wait_for_connector(name, "RUNNING")
    assert st["connector"]["state"] == "RUNNING"

    def failed():
        status, body = w.request("GET", "/connectors/%s/status" % name)
        tasks = body.get("tasks", []) if status == 200 else []
        return tasks[0] if tasks and tasks[0]["state"] == "FAILED" else None
    task = w.wait_for(failed, 30, what="task FAILED")
    assert "no_such_table_x" in task["trace"]


# ---- 4. kill -9 in the middle of a large table -----------------------------

def topic_payloads(topic):
    """Every value of ``topic`` so far (kcat -e), as text lines."""
    out = subprocess.run(
        ["kcat", "-b", os.environ.get("KC_BOOTSTRAP_SERVERS",
                                      "127.0.0.1:9092"),
         "-C", "-t", topic, "-e", "-q", "-o", "beginning", "-f", "%s\n"],
        capture_output=True, text=True, timeout=120)
    return [line for line in out.stdout.splitlines() if line.strip()]


# make check's plain run: 80,000 rows (16 s to read, the kill after 2 s);
# make soak: the full 200,000 (40 s). Volume: not in make check's ASan run.
@pytest.mark.asan_skip
@pytest.mark.parametrize("n", [
    80000, pytest.param(200000, marks=pytest.mark.soak)])
@pytest.mark.parametrize("mode", ["incrementing", "timestamp+incrementing"])
def test_kill_9_mid_table_loses_no_row(kconnect, kcat, pg_dsn, mode, n):
    """n rows, the worker killed with SIGKILL while it streams them:
    after a restart every row arrives, and rows arrive twice only as one
    contiguous replay from the last committed offset on."""
    import time
    db = Postgres(pg_dsn)
    try:
        table = "big_%s" % uuid.uuid4().hex[:8]
        db.sql("CREATE TABLE %s (id INT NOT NULL, ts TIMESTAMP(3) NOT NULL, "
               "pad TEXT)" % table,
               "INSERT INTO %s SELECT i, TIMESTAMP '2020-01-01' + "
               "i * INTERVAL '1 millisecond', 'row' FROM "
               "generate_series(1, %d) i" % (table, n))
        prefix = unique_name("jdbc") + "-"
        topic = prefix + table
        config = dict(db.config(), **{
            "name": unique_name("jdbc-kill"),
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "mode": mode, "incrementing.column.name": "id",
            "topic.prefix": prefix, "table.whitelist": table,
            "batch.max.rows": "500", "poll.interval.ms": "1000",
            # 5,000 rows a second: the table takes n / 5,000 s to read,
            # so the kill after 10,000 rows lands in the middle
            "query.suffix": "LIMIT 5000"})
        if mode.startswith("timestamp"):
            config["timestamp.column.name"] = "ts"
        w = kconnect(connectors=[config], worker={
            "offset.flush.interval.ms": "200",
            "value.converter.schemas.enable": "false"})
        kcat.wait_topic(topic)
        deadline = time.monotonic() + 60
        before = []
        while len(before) < 10000 and time.monotonic() < deadline:
            before = topic_payloads(topic)
        assert len(before) >= 10000
        w.kill()
        killed_at = len(topic_payloads(topic))
        assert killed_at < n, "the kill came after the last row"
        w.start()
        deadline = time.monotonic() + 120
        ids = []
        while time.monotonic() < deadline:
            ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
            if len(set(ids)) == n:
                break
            time.sleep(1)
        assert set(ids) == set(range(1, n + 1))
        # before the kill 1..k in order; after the restart a replay from
        # the committed offset r <= k + 1 on: ids == 1..k + r..n
        k = killed_at
        assert ids[:k] == list(range(1, k + 1))
        rest = ids[k:]
        assert rest == list(range(rest[0], n + 1))
        assert rest[0] <= k + 1
    finally:
        db.close()


# ---- 5. the database connection cut mid-stream -----------------------------

def test_connection_killed_mid_stream_reconnects_and_loses_nothing(
        kconnect, kcat, pg_dsn):
    """PostgreSQL ends the task's session (pg_terminate_backend) while it
    streams: the task reconnects by itself, stays RUNNING, and every row
    arrives."""
    import time
    db = Postgres(pg_dsn)
    try:
        table = "cut_%s" % uuid.uuid4().hex[:8]
        app = "kc-%s" % uuid.uuid4().hex[:8]
        n = 30000
        db.sql("CREATE TABLE %s (id INT NOT NULL, pad TEXT)" % table,
               "INSERT INTO %s SELECT i, 'row' FROM generate_series(1, %d) i"
               % (table, n))
        prefix = unique_name("jdbc") + "-"
        topic = prefix + table
        name = unique_name("jdbc-cut")
        config = db.config()
        config["connection.url"] += "?ApplicationName=" + app
        config.update({
            "name": name,
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "mode": "incrementing", "incrementing.column.name": "id",
            "topic.prefix": prefix, "table.whitelist": table,
            "poll.interval.ms": "500", "query.suffix": "LIMIT 1000"})
        w = kconnect(connectors=[config], worker={
            "value.converter.schemas.enable": "false"})
        kcat.wait_topic(topic)
        deadline = time.monotonic() + 60
        while len(topic_payloads(topic)) < 3000:
            assert time.monotonic() < deadline
        with db.conn.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM "
                        "pg_stat_activity WHERE application_name = %s",
                        (app,))
            assert cur.fetchone()[0] >= 1
        deadline = time.monotonic() + 90
        ids = []
        while time.monotonic() < deadline:
            ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
            if len(set(ids)) == n:
                break
            time.sleep(1)
        assert set(ids) == set(range(1, n + 1))
        st = w.get("/connectors/%s/status" % name)
        assert st["tasks"][0]["state"] == "RUNNING"
        # the cut was seen (and retried), not slept through
        assert "Failed to run query for %s" % db.fqn(table) in w.log()
    finally:
        db.close()


def test_postgres_reads_a_table_larger_than_one_fetch_from_one_snapshot(
        kconnect, kcat, pg_dsn):
    """A PostgreSQL result set larger than batch.max.rows is read as
    Confluent's pgjdbc reads it (autocommit off, fetch size =
    batch.max.rows): FETCHes of batch.max.rows rows from one statement, so
    rows inserted, deleted or updated while it is read between two FETCHes
    do not change it (the statement's snapshot); the next poll picks up
    the inserted rows. The read is held between FETCHes by an advisory
    lock that row 2001 of a view waits on, so the table changes at a known
    point: after 4 FETCHes of 500 rows."""
    import time
    db = Postgres(pg_dsn)
    gate_key = int(uuid.uuid4().hex[:7], 16)
    gate = None
    try:
        import psycopg2
        gate = psycopg2.connect(pg_dsn)
        gate.autocommit = True
        app = "kc-%s" % uuid.uuid4().hex[:8]
        n = 5000
        db.sql("CREATE TABLE t (id INT PRIMARY KEY, pad TEXT NOT NULL)",
               "INSERT INTO t SELECT i, 'row' || i FROM "
               "generate_series(1, %d) i" % n,
               "ANALYZE t",
               "CREATE FUNCTION gate(i INT) RETURNS BOOLEAN LANGUAGE plpgsql "
               "VOLATILE AS $$ BEGIN IF i = 2001 THEN "
               "PERFORM pg_advisory_lock_shared(%d); "
               "PERFORM pg_advisory_unlock_shared(%d); END IF; "
               "RETURN TRUE; END $$" % (gate_key, gate_key),
               "CREATE VIEW v AS SELECT id, pad FROM t WHERE gate(id)")
        with gate.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (gate_key,))
        prefix = unique_name("jdbc") + "-"
        topic = prefix + "v"
        config = db.config()
        config["connection.url"] += "?ApplicationName=" + app
        config.update({
            "name": unique_name("jdbc-fetch"),
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "mode": "incrementing", "incrementing.column.name": "id",
            "validate.non.null": "false", "table.types": "VIEW",
            "topic.prefix": prefix, "table.whitelist": "v",
            "batch.max.rows": "500", "poll.interval.ms": "300"})
        w = kconnect(connectors=[config], worker={
            "value.converter.schemas.enable": "false"})
        kcat.wait_topic(topic)
        deadline = time.monotonic() + 60
        got = []
        while len(got) < 1500 and time.monotonic() < deadline:
            got = topic_payloads(topic)
            time.sleep(0.2)
        # rows 1..2000 are read; the batch they end may wait for row 2001
        assert 1500 <= len(got) <= 2000

        # the task comes to wait in its fifth FETCH of batch.max.rows rows
        deadline = time.monotonic() + 30
        waiting = []
        while not waiting and time.monotonic() < deadline:
            with db.conn.cursor() as cur:
                cur.execute("SELECT query FROM pg_stat_activity WHERE "
                            "application_name = %s AND wait_event_type = "
                            "'Lock'", (app,))
                waiting = [r[0] for r in cur.fetchall()]
            time.sleep(0.1)
        assert len(waiting) == 1 and waiting[0].startswith(
            "FETCH FORWARD 500 "), waiting
        db.sql("INSERT INTO t SELECT i, 'new' || i FROM "
               "generate_series(%d, %d) i" % (n + 1, n + 10),
               "DELETE FROM t WHERE id = 3000",
               "UPDATE t SET pad = 'changed' WHERE id = 4000")
        with gate.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (gate_key,))

        deadline = time.monotonic() + 60
        rows = []
        while len(rows) < n + 10 and time.monotonic() < deadline:
            rows = [json.loads(p) for p in topic_payloads(topic)]
            time.sleep(0.2)
        # the statement's rows as they were when it started, each once, in
        # order; then the next poll's inserted rows
        assert rows == (
            [{"id": i, "pad": "row%d" % i} for i in range(1, n + 1)] +
            [{"id": i, "pad": "new%d" % i} for i in range(n + 1, n + 11)])
    finally:
        if gate is not None:
            gate.close()
        db.close()


# ---- 6. the database stopped and started mid-stream ------------------------

@pytest.fixture(params=["postgres", "mariadb"])
def own_server(request, free_port):
    """A database server of this test's own (scripts/postgres or
    scripts/mariadb on a free port), so that it may be stopped and started
    again (halt/resume keep its data); removed afterwards. Yields the
    database name, a connected test database and ctl(command)."""
    name = request.param
    port = str(free_port())
    env = dict(os.environ, KC_PG_PORT=port, KC_MARIADB_PORT=port)
    script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts",
                          name)
    if name == "postgres":
        pytest.importorskip("psycopg2")
    try:
        out = subprocess.run([script, "start"], env=env, check=True,
                             capture_output=True, text=True, timeout=180)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip("could not start a %s of our own: %s" % (name, e))

    def ctl(cmd):
        subprocess.run([script, cmd], env=env, check=True,
                       capture_output=True, timeout=120)
    db = None
    try:
        if name == "postgres":
            db = Postgres(out.stdout.strip())
            db.config_url = "jdbc:postgresql://127.0.0.1:%s/kconnect" % port
        else:
            db = MariaDB(out.stdout.strip())
            db.config_url = None
        yield db, ctl
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True,
                       timeout=120)


def test_database_restarted_mid_stream_loses_no_row(kconnect, kcat,
                                                    own_server):
    """The whole database server stops while the task streams a table and
    comes back a few seconds later: the task retries by itself, is RUNNING
    again without a restart, and every row arrives."""
    import time
    db, ctl = own_server
    table = "down_%s" % uuid.uuid4().hex[:8]
    n = 30000
    db.sql("CREATE TABLE %s (id INT NOT NULL, pad TEXT)" % table)
    if db.name == "postgres":
        db.sql("INSERT INTO %s SELECT i, 'row' FROM generate_series(1, %d) i"
               % (table, n))
    else:
        db.sql("INSERT INTO %s SELECT seq, 'row' FROM seq_1_to_%d"
               % (table, n))
    config = db.config()
    if db.config_url is not None:
        config["connection.url"] = db.config_url
    if db.name == "postgres":
        db.conn.close()
    prefix = unique_name("jdbc") + "-"
    topic = prefix + table
    name = unique_name("jdbc-down")
    config.update({
        "name": name,
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "mode": "incrementing", "incrementing.column.name": "id",
        "topic.prefix": prefix, "table.whitelist": table,
        "poll.interval.ms": "500", "query.suffix": "LIMIT 1000",
        "connection.backoff.ms": "1000"})
    w = kconnect(connectors=[config], worker={
        "offset.flush.interval.ms": "200",
        "value.converter.schemas.enable": "false"})
    kcat.wait_topic(topic)
    deadline = time.monotonic() + 60
    while len(topic_payloads(topic)) < 3000:
        assert time.monotonic() < deadline
    ctl("halt")
    # down long enough for several polls to fail
    time.sleep(4)
    during = len(topic_payloads(topic))
    assert during < n, "the table was read before the server stopped"
    ctl("resume")
    deadline = time.monotonic() + 120
    ids = []
    while time.monotonic() < deadline:
        ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
        if len(set(ids)) == n:
            break
        time.sleep(1)
    assert set(ids) == set(range(1, n + 1))
    st = w.get("/connectors/%s/status" % name)
    assert st["tasks"][0]["state"] == "RUNNING"
    assert st["connector"]["state"] == "RUNNING"
    assert "Failed to run query for %s" % db.fqn(table) in w.log()


# ---- 7. offsets an Apache Kafka Connect worker left behind -----------------

APACHE_OFFSETS = os.path.join(os.path.dirname(__file__), "..", "golden",
                              "jdbc_offsets", "connect.offsets")


def test_offsets_file_written_by_apache_connect_is_honoured(
        kconnect, kcat, tmp_path):
    """tests/golden/jdbc_offsets/connect.offsets was written by Apache's
    FileOffsetBackingStore (GenJdbcOffsetsFile.java) for connector
    apache-jdbc-resume: table orders at incrementing 60 (current partition
    form) and legacy_orders at 30 (legacy form). kconnect resumes both
    after those ids: nothing before is sent again, nothing after is lost."""
    import shutil
    import time
    offsets = tmp_path / "apache.offsets"
    shutil.copyfile(APACHE_OFFSETS, offsets)
    db = Sqlite(tmp_path / "shop.db")
    db.sql("CREATE TABLE orders (%s, item TEXT NOT NULL)" % db.serial_pk,
           "CREATE TABLE legacy_orders (%s, item TEXT NOT NULL)"
           % db.serial_pk)
    for i in range(1, 101):
        db.sql("INSERT INTO orders (item) VALUES ('o%d')" % i)
    for i in range(1, 51):
        db.sql("INSERT INTO legacy_orders (item) VALUES ('l%d')" % i)
    prefix = unique_name("jdbc") + "-"
    config = dict(db.config(), **{
        "name": "apache-jdbc-resume",
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "mode": "incrementing", "incrementing.column.name": "id",
        "topic.prefix": prefix, "table.whitelist": "orders,legacy_orders",
        "poll.interval.ms": "200"})
    w = kconnect(connectors=[config], worker={
        "offset.storage.file.filename": str(offsets),
        "value.converter.schemas.enable": "false"})
    try:
        for table, first, last in (("orders", 61, 100),
                                   ("legacy_orders", 31, 50)):
            topic = prefix + table
            kcat.wait_topic(topic)
            deadline = time.monotonic() + 60
            ids = []
            while time.monotonic() < deadline:
                ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
                if len(ids) >= last - first + 1:
                    break
                time.sleep(0.5)
            assert ids == list(range(first, last + 1)), table
        assert "Resuming orders from its committed offset" in w.log()
        # new rows go on from there, and the file keeps Apache's format
        db.sql("INSERT INTO orders (item) VALUES ('o101')")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ids = [json.loads(p)["id"]
                   for p in topic_payloads(prefix + "orders")]
            if len(ids) > 40:
                break
            time.sleep(0.5)
        assert ids == list(range(61, 102))
        w.stop()
        # still a Java serialization stream Apache's worker can read back
        data = offsets.read_bytes()
        assert data[:2] == b"\xac\xed"
        assert b'{"incrementing":101}' in data
    finally:
        db.close()


APACHE_TS_OFFSETS = os.path.join(os.path.dirname(__file__), "..", "golden",
                                 "jdbc_offsets", "connect-timestamp.offsets")


def test_timestamp_offsets_written_by_apache_connect_resume_exactly(
        kconnect, kcat, pg_dsn, tmp_path):
    """tests/golden/jdbc_offsets/connect-timestamp.offsets was written by
    Apache's FileOffsetBackingStore (GenJdbcTimestampOffsetsFile.java) in
    the shape Confluent's TimestampIncrementingOffset gives it, for
    connector apache-jdbc-ts-resume on PostgreSQL:
    kc_apache_offsets.events_ts at 10:00:30.123456 (millis plus nanos)
    and kc_apache_offsets.events_tsi at (10:00:08.5, id 32). kconnect
    resumes right after each: a row one microsecond after the offset is
    read, the offset's own row is not; rows sharing the offset's timestamp
    with a larger id are read, those up to id 32 are not."""
    import shutil
    import time
    import psycopg2
    offsets = tmp_path / "apache-ts.offsets"
    shutil.copyfile(APACHE_TS_OFFSETS, offsets)
    conn = psycopg2.connect(pg_dsn)
    conn.autocommit = True
    schema = "kc_apache_offsets"
    base = "TIMESTAMP '2024-03-01 10:00:00'"
    with conn.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS %s CASCADE" % schema)
        cur.execute("CREATE SCHEMA %s" % schema)
        cur.execute("CREATE TABLE %s.events_ts (id INT NOT NULL, "
                    "ts TIMESTAMP(6) NOT NULL)" % schema)
        cur.execute("INSERT INTO %s.events_ts SELECT i, %s + i * "
                    "INTERVAL '1 second' + INTERVAL '123456 microseconds' "
                    "FROM generate_series(1, 50) i" % (schema, base))
        cur.execute("INSERT INTO %s.events_ts VALUES "
                    "(51, TIMESTAMP '2024-03-01 10:00:30.123457')" % schema)
        cur.execute("CREATE TABLE %s.events_tsi (id INT NOT NULL, "
                    "ts TIMESTAMP(6) NOT NULL)" % schema)
        cur.execute("INSERT INTO %s.events_tsi SELECT i, %s + (i / 4) * "
                    "INTERVAL '1 second' + INTERVAL '500 milliseconds' "
                    "FROM generate_series(1, 40) i" % (schema, base))
    prefix = unique_name("jdbc") + "-"
    common = {
        "name": "apache-jdbc-ts-resume",
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "connection.url": "jdbc:postgresql://127.0.0.1:%s/kconnect" %
        os.environ.get("KC_PG_PORT", "55432"),
        "connection.user": "kconnect", "connection.password": "kconnect",
        "schema.pattern": schema, "timestamp.column.name": "ts",
        "topic.prefix": prefix, "poll.interval.ms": "200"}
    runs = (
        ("events_ts", {"mode": "timestamp"}, [51] + list(range(31, 51)),
         b'{"timestamp_nanos":123456000,"timestamp":1709287250123}'),
        ("events_tsi", {"mode": "timestamp+incrementing",
                        "incrementing.column.name": "id"},
         list(range(33, 41)),
         b'{"timestamp_nanos":500000000,"incrementing":40,'
         b'"timestamp":1709287210500}'),
    )
    try:
        for table, mode, expected, final in runs:
            config = dict(common, **mode)
            config["table.whitelist"] = table
            w = kconnect(connectors=[config], worker={
                "offset.storage.file.filename": str(offsets),
                "offset.flush.interval.ms": "200",
                "value.converter.schemas.enable": "false"})
            topic = prefix + table
            kcat.wait_topic(topic)
            deadline = time.monotonic() + 60
            ids = []
            while time.monotonic() < deadline:
                ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
                if len(ids) >= len(expected):
                    break
                time.sleep(0.5)
            # a poll more: nothing before the offset comes late
            time.sleep(1)
            ids = [json.loads(p)["id"] for p in topic_payloads(topic)]
            assert ids == expected, table
            w.stop()
            # written back in Confluent's form, beside the other partition
            data = offsets.read_bytes()
            assert data[:2] == b"\xac\xed"
            assert final in data, table
        assert b"kc_apache_offsets.events_ts" in data
    finally:
        with conn.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS %s CASCADE" % schema)
        conn.close()
