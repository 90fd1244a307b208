#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""kconnect benchmark driver (called by bench/run; see bench/README.md).

Runs each scenario for kconnect, for Apache Kafka Connect (same version as
the broker) and for raw librdkafka, on the same broker, alternating the
sides, and measures everything from outside the measured process:

  * throughput: record timestamps read back from the topic (topics are
    created with message.timestamp.type=LogAppendTime, i.e. the broker's
    clock) or the growth of the sink's output file;
  * CPU: utime+stime from /proc/<pid>/stat when the last record is in
    (getrusage of the child for the raw tool, which exits when done);
  * memory: VmHWM / VmRSS from /proc/<pid>/status;
  * start-up: process spawn until GET / on its REST port answers, and until
    the first record is in Kafka (or in the sink's file).

It never asserts speed. It fails (exit 1) only when a run does not deliver
all records, or when a process dies, hangs or never starts.
"""

import argparse
import datetime
import filecmp
import glob
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
CACHE = os.path.join(ROOT, ".cache", "bench")
RAW_TOOL = os.path.join(CACHE, "kc_raw_limit")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

# ---------------------------------------------------------------------------
# Settings shared by every side.  Producer keys are valid both for the Java
# producer (as producer.* worker overrides) and for librdkafka (raw-limit).
# Connect itself additionally forces max.in.flight.requests.per.connection=1
# and acks=all on source-task producers, and leaves the producer's
# enable.idempotence=true (Kafka 3.0+'s default; kconnect sets it too): the
# raw tools get the same, so the ceiling delivers as the connector does.
PRODUCER = {
    "acks": "all",
    "linger.ms": "5",
    "batch.size": "262144",
    "compression.type": "none",
    "max.in.flight.requests.per.connection": "1",
    "enable.idempotence": "true",
}
# Keys the worker config carries as producer.* (max.in.flight is Connect's own
# default for source tasks, so it is not repeated in worker.properties).
WORKER_PRODUCER_KEYS = ["acks", "linger.ms", "batch.size", "compression.type"]
OFFSET_FLUSH_MS = 1000
SOURCE_BATCH_SIZE = 2000  # FileStreamSource batch.size (Apache's default)
LINE_BYTES = 200  # bytes per input line, newline included

APACHE_HEAP_OPTS = "-Xms256M -Xmx2G"  # connect-standalone.sh default
APACHE_JVM_OPTS = ("-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
                   "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent "
                   "-XX:MaxInlineLevel=15 -Djava.awt.headless=true")  # kafka-run-class.sh default

STRING_CONV = "org.apache.kafka.connect.storage.StringConverter"
JSON_CONV = "org.apache.kafka.connect.json.JsonConverter"
SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"

SCENARIOS = {
    "file-source": {"kind": "source", "converter": "string",
                    "about": "file of N lines (200 B each) -> FileStreamSource -> topic, StringConverter"},
    "file-source-json": {"kind": "source", "converter": "json",
                         "about": "same file -> FileStreamSource -> topic, JsonConverter schemas.enable=true"},
    "file-sink": {"kind": "sink", "converter": "string",
                  "about": "topic pre-filled with N records -> FileStreamSink -> file, StringConverter"},
    # The same 3-transform chain on both sides (kconnect has these SMTs).
    "smt-chain": {"kind": "source", "converter": "json",
                  "transforms": [
                      ("hoist", "org.apache.kafka.connect.transforms.HoistField$Value", {"field": "line"}),
                      ("insert", "org.apache.kafka.connect.transforms.InsertField$Value",
                       {"static.field": "origin", "static.value": "bench"}),
                      ("rename", "org.apache.kafka.connect.transforms.ReplaceField$Value",
                       {"renames": "line:text"}),
                  ],
                  "about": "file-source-json with a chain of single message transforms: HoistField$Value "
                           "(line), InsertField$Value (static origin=bench), ReplaceField$Value (line:text)"},
    # A 10-column PostgreSQL table -> JdbcSourceConnector -> topic,
    # JsonConverter; "apache" is the Java peer the issue names: Debezium's
    # PostgreSQL connector (initial snapshot) on Apache Kafka Connect; "raw"
    # is bench/raw/kc_raw_jdbc.c (libpq cursor + librdkafka, the same bytes).
    "jdbc-source": {"kind": "jdbc", "mode": "bulk", "converter": "json",
                    "about": "PostgreSQL table of N rows (10 columns: bigint, int, smallint, varchar, text, "
                             "numeric(12,2), double, boolean, 2 x timestamp(3)) -> JdbcSourceConnector mode=bulk -> "
                             "topic, JsonConverter schemas.enable=true; Apache column: Debezium PostgreSQL "
                             "connector's initial snapshot (snapshot.mode=initial_only, its own envelope) on "
                             "Apache Connect; raw: the same rows through a libpq cursor into librdkafka, "
                             "producing the bytes kconnect writes"},
    "jdbc-source-incrementing": {"kind": "jdbc", "mode": "incrementing", "converter": "json",
                                 "about": "the same table -> JdbcSourceConnector mode=incrementing "
                                          "(incrementing.column.name=id); Apache and raw as for jdbc-source"},
    "jdbc-source-5x": {"kind": "jdbc", "mode": "bulk", "converter": "json", "scale": 5, "sides": ["kconnect"],
                       "about": "memory against table size: jdbc-source on a table 5 times as large "
                                "(compare peak RSS with jdbc-source); kconnect only"},
    "idle": {"kind": "idle",
             "about": "one FileStreamSource on an empty file, nothing to do; RSS sampled the idle period after REST first answers"},
    "raw-limit": {"kind": "raw",
                  "about": "the same records produced (file -> topic) and consumed (topic -> file) by librdkafka "
                           "alone; the JSON and smt-chain produce runs send the exact values those scenarios' "
                           "workers write (the lines wrapped in the JsonConverter envelope), so each source "
                           "scenario is compared with a ceiling that moves the same bytes"},
}
WORKER_SIDES = ["kconnect", "apache"]

JDBC_SOURCE_CLASS = "io.confluent.connect.jdbc.JdbcSourceConnector"
DEBEZIUM_PG_CLASS = "io.debezium.connector.postgresql.PostgresConnector"
DEBEZIUM_VERSION = "3.6.1.Final"
JDBC_BATCH_MAX_ROWS = 2000  # batch.max.rows, as FileStreamSource's batch.size
JDBC_COLUMNS = ("id BIGINT PRIMARY KEY, account INTEGER NOT NULL, qty SMALLINT NOT NULL, "
                "name VARCHAR(64) NOT NULL, email TEXT, price NUMERIC(12,2) NOT NULL, "
                "score DOUBLE PRECISION, active BOOLEAN NOT NULL, created_at TIMESTAMP(3) NOT NULL, "
                "updated_at TIMESTAMP(3)")
JDBC_ROWS_SQL = ("SELECT i, i % 100000, (i % 1000)::smallint, 'user-' || i, "
                 "CASE WHEN i % 10 = 0 THEN NULL ELSE 'user' || i || '@example.com' END, "
                 "((i % 1000000) / 100.0)::numeric(12,2), CASE WHEN i % 9 = 0 THEN NULL "
                 "ELSE (i % 10000) * 0.25 END, i % 2 = 0, "
                 "TIMESTAMP '2024-01-01' + i * INTERVAL '1 second', "
                 "CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + i * INTERVAL '1 second' "
                 "+ INTERVAL '1.5 seconds' END FROM generate_series({lo}, {hi}) i")
# kc_raw_jdbc -k: how each column's text becomes JSON, and the value schema
# Confluent's JdbcSourceConnector gives the table (the struct is named after
# it), which kc_raw_jdbc writes before each payload.
JDBC_RAW_KINDS = "iiiss2fbtt"


def jdbc_schema_json(table):
    def f(type_, field, optional=False, extra=""):
        return ('{"type":"%s","optional":%s%s,"field":"%s"}'
                % (type_, "true" if optional else "false", extra, field))
    ts = ',"name":"org.apache.kafka.connect.data.Timestamp","version":1'
    dec = (',"name":"org.apache.kafka.connect.data.Decimal","version":1,'
           '"parameters":{"scale":"2","connect.decimal.precision":"12"}')
    fields = [f("int64", "id"), f("int32", "account"), f("int16", "qty"), f("string", "name"),
              f("string", "email", True), f("bytes", "price", False, dec), f("double", "score", True),
              f("boolean", "active"), f("int64", "created_at", False, ts),
              f("int64", "updated_at", True, ts)]
    return ('{"type":"struct","fields":[' + ",".join(fields) + '],"optional":false,"name":"%s"}'
            % table)

# The raw-limit runs, each with what it moves: produce the bytes a source
# scenario's worker writes to its topic (plain lines, the JsonConverter
# envelope, the smt-chain's envelope), or consume what a sink reads.
RAW_OPS = ["produce", "produce-json", "produce-smt", "consume"]
RAW_OP_ABOUT = {"produce": "produce (file → topic)",
                "produce-json": "produce JSON (file-source-json's bytes)",
                "produce-smt": "produce smt-chain's bytes",
                "consume": "consume (topic → file)"}
RAW_REF = {"file-source": "produce", "file-source-json": "produce-json",
           "smt-chain": "produce-smt", "file-sink": "consume"}


def json_envelope(line, smt):
    """The value kconnect and Apache write for @line: JsonConverter with
    schemas.enable=true, after the smt-chain transforms when @smt."""
    text = json.dumps(line, ensure_ascii=False)
    if smt:
        return ('{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"text"},'
                '{"type":"string","optional":true,"field":"origin"}],"optional":false},'
                '"payload":{"text":' + text + ',"origin":"bench"}}')
    return '{"schema":{"type":"string","optional":false},"payload":' + text + '}'


LIVE = set()  # measured processes still running, killed if the harness is interrupted


def kill_live():
    for p in list(LIVE):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                p.kill()
            p.wait()
        LIVE.discard(p)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class SetupError(Exception):
    pass


# ---------------------------------------------------------------------------
# helpers


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)


def read_versions():
    v = {}
    path = os.path.join(ROOT, "scripts", "versions")
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, val = line.split("=", 1)
                v[k.strip()] = val.strip()
    return v


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def proc_cpu_s(pid):
    """user+sys CPU seconds of a live process (all threads)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        fields = data[data.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def proc_mem_kb(pid):
    """(VmRSS, VmHWM) in KiB of a live process."""
    rss = hwm = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            lines = f.readlines()
        return "".join(lines[-n:])
    except OSError:
        return "(no log)"


def write_props(path, props):
    with open(path, "w") as f:
        for k, v in props.items():
            f.write(f"{k}={v}\n")


def raw(args, timeout=120, check=True):
    r = subprocess.run([RAW_TOOL] + args, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"kc_raw_limit {args[0]} failed ({r.returncode}): {r.stderr.strip()}")
    return r


def kv_line(text):
    out = {}
    for tok in text.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            try:
                out[k] = int(v)
            except ValueError:
                out[k] = v
    return out


# ---------------------------------------------------------------------------
# setup: tools, broker, Apache jars, raw tool, kconnect, input data


class Env:
    pass


def setup(args):
    env = Env()
    env.versions = read_versions()
    env.kafka_version = env.versions.get("KAFKA_VERSION")
    env.bootstrap = args.bootstrap
    host, port = env.bootstrap.rsplit(":", 1)
    os.makedirs(CACHE, exist_ok=True)

    missing = [t for t in ("java", "mvn", "cc", "pkg-config") if not shutil.which(t)]
    if not missing and sh("pkg-config --exists rdkafka").returncode != 0:
        missing.append("librdkafka-dev (pkg-config rdkafka)")
    if missing:
        raise SetupError("missing tools: " + ", ".join(missing) +
                         " — run scripts/install-deps (Debian: default-jdk-headless maven gcc "
                         "pkg-config librdkafka-dev)")

    # broker
    if port_open(host, int(port)):
        log(f"broker already listening on {env.bootstrap}")
    else:
        script = os.path.join(ROOT, "scripts", "kafka")
        if not os.access(script, os.X_OK):
            raise SetupError(f"no broker on {env.bootstrap} and no scripts/kafka to start one")
        log("starting the broker: scripts/kafka start")
        r = subprocess.run([script, "start"], cwd=ROOT)
        if r.returncode != 0:
            raise SetupError(f"scripts/kafka start failed (exit {r.returncode})")
        for _ in range(600):
            if port_open(host, int(port)):
                break
            time.sleep(0.1)
        else:
            raise SetupError(f"broker did not listen on {env.bootstrap} within 60 s")

    # raw tool (harness only, never part of the product build)
    src = os.path.join(BENCH, "raw", "kc_raw_limit.c")
    if not os.path.exists(RAW_TOOL) or os.path.getmtime(RAW_TOOL) < os.path.getmtime(src):
        log("compiling bench/raw/kc_raw_limit.c")
        flags = sh("pkg-config --cflags --libs rdkafka").stdout.split()
        r = sh(["cc", "-O2", "-Wall", "-pthread", "-o", RAW_TOOL, src] + flags)
        if r.returncode != 0:
            raise SetupError("cannot compile bench/raw/kc_raw_limit.c:\n" + r.stderr)
    env.librdkafka_version = raw(["version"]).stdout.strip()

    # Apache Kafka Connect jars, same version as the broker
    # (scripts/apache-connect fetches them once into .cache/; tests/compat
    # uses the same copy)
    env.apache_dir = os.path.join(ROOT, ".cache", f"apache-connect-{env.kafka_version}")
    if "apache" in args.sides:
        r = sh([os.path.join(ROOT, "scripts", "apache-connect")])
        if r.returncode != 0:
            raise SetupError("scripts/apache-connect failed:\n" + r.stdout[-3000:] + r.stderr[-2000:])
        env.apache_dir = r.stdout.strip().splitlines()[-1]
    env.java_version = sh("java -version").stderr.strip().splitlines()[0] if shutil.which("java") else "?"

    # kconnect binary
    env.kconnect = None
    env.kconnect_error = None
    env.kconnect_version = "?"
    if "kconnect" in args.sides:
        env.kconnect, env.kconnect_error = find_kconnect(args)
        if env.kconnect:
            try:
                r = subprocess.run([env.kconnect, "--version"], capture_output=True, text=True, timeout=5)
                env.kconnect_version = (r.stdout.strip() or r.stderr.strip()).splitlines()[0][:80] \
                    if (r.stdout.strip() or r.stderr.strip()) else "?"
            except (subprocess.TimeoutExpired, OSError, IndexError):
                pass
            log(f"kconnect: {env.kconnect} ({env.kconnect_version})")
        else:
            log(f"kconnect side will fail: {env.kconnect_error}")

    # input data
    env.input = make_input(args.records)
    env.input_bytes = os.path.getsize(env.input)
    env.raw_inputs = {"produce": env.input}
    if "raw" in args.sides and "raw-limit" in args.scenarios:
        env.raw_inputs["produce-json"] = make_json_input(env.input, smt=False)
        env.raw_inputs["produce-smt"] = make_json_input(env.input, smt=True)
    env.empty = os.path.join(CACHE, "data", "empty.txt")
    open(env.empty, "w").close()
    if any(SCENARIOS[s]["kind"] == "jdbc" for s in args.scenarios):
        setup_jdbc(env, args)
    return env


# ---------------------------------------------------------------------------
# jdbc-source: a throwaway PostgreSQL cluster with wal_level=logical (for
# Debezium), Debezium's jars, the kc_raw_jdbc harness, the tables


def pg_sql(env, sql, timeout=3600):
    r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", env.pg_dsn, "-c", sql],
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise SetupError(f"psql failed: {r.stderr.strip()}\n  {sql[:200]}")
    return r.stdout.strip()


def setup_jdbc(env, args):
    env.pg_port = int(args.pg_port)
    pg_env = dict(os.environ, KC_PG_PORT=str(env.pg_port))
    script = os.path.join(ROOT, "scripts", "postgres")
    # A smoke run (make check) stops a cluster it started; a full run keeps
    # it, with its filled tables, for the next run.
    env.pg_stop_after = args.smoke and subprocess.run(
        [script, "status"], env=pg_env, capture_output=True).returncode != 0
    r = subprocess.run([script, "start"], env=pg_env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SetupError(f"scripts/postgres start (port {env.pg_port}) failed:\n{r.stderr[-2000:]}")
    env.pg_dsn = r.stdout.strip().splitlines()[-1]
    env.pg_conninfo = (f"host=127.0.0.1 port={env.pg_port} dbname=kconnect user=kconnect "
                       "password=kconnect")
    if pg_sql(env, "SHOW wal_level") != "logical":
        log(f"PostgreSQL on {env.pg_port}: wal_level=logical (Debezium), restarting it")
        pg_sql(env, "ALTER SYSTEM SET wal_level = logical")
        for cmd in ("halt", "resume"):
            r = subprocess.run([script, cmd], env=pg_env, capture_output=True, text=True)
            if r.returncode != 0:
                raise SetupError(f"scripts/postgres {cmd} failed:\n{r.stderr[-2000:]}")
    # tables: one per size, filled once and kept between bench runs
    env.jdbc_tables = {}
    for name in args.scenarios:
        scen = SCENARIOS[name]
        if scen["kind"] != "jdbc":
            continue
        n = args.records * scen.get("scale", 1)
        table = f"bench_rows_{n}"
        env.jdbc_tables[name] = (table, n)
        have = pg_sql(env, f"SELECT count(*) FROM pg_tables WHERE tablename = '{table}'")
        if have == "1" and pg_sql(env, f"SELECT count(*) FROM {table}") == str(n):
            continue
        log(f"filling PostgreSQL table {table} with {n:,} rows")
        pg_sql(env, f"DROP TABLE IF EXISTS {table}")
        pg_sql(env, f"CREATE TABLE {table} ({JDBC_COLUMNS})")
        step = 1_000_000
        for lo in range(1, n + 1, step):
            pg_sql(env, f"INSERT INTO {table} " + JDBC_ROWS_SQL.format(lo=lo, hi=min(n, lo + step - 1)))
        pg_sql(env, f"VACUUM ANALYZE {table}")
    # Debezium's PostgreSQL connector, as a plugin of the Apache worker (its
    # own class loader: its Jackson is not Apache's)
    env.debezium_dir = os.path.join(ROOT, ".cache", "debezium-plugins")
    plugin = os.path.join(env.debezium_dir, f"debezium-connector-postgres-{DEBEZIUM_VERSION}")
    if "apache" in args.sides and not glob.glob(os.path.join(plugin, "debezium-connector-postgres-*.jar")):
        log(f"fetching Debezium {DEBEZIUM_VERSION} (bench/debezium/pom.xml)")
        r = sh(["mvn", "-q", "-B", "-f", os.path.join(BENCH, "debezium", "pom.xml"),
                f"-Ddebezium.version={DEBEZIUM_VERSION}", "dependency:copy-dependencies",
                f"-DoutputDirectory={plugin}", "-DexcludeGroupIds=org.apache.kafka,org.slf4j"])
        if r.returncode != 0:
            raise SetupError("fetching Debezium failed:\n" + r.stdout[-3000:] + r.stderr[-2000:])
    # the raw harness
    src = os.path.join(BENCH, "raw", "kc_raw_jdbc.c")
    env.raw_jdbc = os.path.join(CACHE, "kc_raw_jdbc")
    if "raw" in args.sides and (not os.path.exists(env.raw_jdbc)
                                or os.path.getmtime(env.raw_jdbc) < os.path.getmtime(src)):
        log("compiling bench/raw/kc_raw_jdbc.c")
        flags = sh("pkg-config --cflags --libs rdkafka libpq").stdout.split()
        r = sh(["cc", "-O2", "-Wall", "-o", env.raw_jdbc, src] + flags)
        if r.returncode != 0:
            raise SetupError("cannot compile bench/raw/kc_raw_jdbc.c (libpq-dev, librdkafka-dev):\n"
                             + r.stderr)


def jdbc_connector(env, run, scen, side, name, topic_prefix):
    table, _ = env.jdbc_tables[run.r["scenario"]]
    if side == "kconnect":
        c = {"name": name, "connector.class": JDBC_SOURCE_CLASS, "tasks.max": "1",
             "connection.url": f"jdbc:postgresql://127.0.0.1:{env.pg_port}/kconnect",
             "connection.user": "kconnect", "connection.password": "kconnect",
             "table.whitelist": table, "mode": scen["mode"], "topic.prefix": topic_prefix,
             "batch.max.rows": str(JDBC_BATCH_MAX_ROWS),
             # bulk re-reads the whole table every poll: once per run
             "poll.interval.ms": "3600000"}
        if scen["mode"] == "incrementing":
            c["incrementing.column.name"] = "id"
        return c, topic_prefix + table
    slot = "kcb_" + uuid.uuid4().hex[:10]
    run.r["debezium_slot"] = slot
    c = {"name": name, "connector.class": DEBEZIUM_PG_CLASS, "tasks.max": "1",
         "database.hostname": "127.0.0.1", "database.port": str(env.pg_port),
         "database.user": "kconnect", "database.password": "kconnect", "database.dbname": "kconnect",
         "topic.prefix": topic_prefix.rstrip("-"), "table.include.list": f"public.{table}",
         "plugin.name": "pgoutput", "slot.name": slot, "publication.name": slot,
         "publication.autocreate.mode": "filtered", "snapshot.mode": "initial_only"}
    return c, f"{topic_prefix.rstrip('-')}.public.{table}"


def jdbc_cleanup(env, run):
    slot = run.r.get("debezium_slot")
    if not slot:
        return
    # The worker was just killed, but its walsender may not have noticed yet:
    # an active slot cannot be dropped, and a slot left behind makes the
    # cluster keep WAL without limit. End the walsender, then drop the slot
    # once it shows inactive; warn if it outlives the retries.
    try:
        left = None
        for _ in range(30):
            pg_sql(env, f"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                        f"WHERE slot_name = '{slot}' AND active", timeout=30)
            pg_sql(env, f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                        f"WHERE slot_name = '{slot}' AND NOT active", timeout=30)
            left = pg_sql(env, f"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}'",
                          timeout=30)
            if left == "0":
                break
            time.sleep(1)
        if left != "0":
            run.r["warnings"].append(f"Debezium's replication slot {slot} is still there after 30 "
                                     "attempts to drop it: the cluster keeps WAL for it; drop it by hand")
        pg_sql(env, f"DROP PUBLICATION IF EXISTS {slot}", timeout=30)
    except Exception as e:
        run.r["warnings"].append(f"dropping Debezium's slot {slot}: {e}")


def find_kconnect(args):
    cand = args.kconnect or os.environ.get("KCONNECT")
    if cand:
        if os.access(cand, os.X_OK):
            return os.path.abspath(cand), None
        return None, f"{cand} is not an executable"
    if args.smoke and os.access(os.path.join(ROOT, "build", "kconnect"), os.X_OK):
        return os.path.join(ROOT, "build", "kconnect"), None
    # A Release build of our own, so figures never come from a debug build.
    bdir = os.path.join(ROOT, "build-bench")
    blog = os.path.join(CACHE, "kconnect-build.log")
    log("building kconnect (Release) in build-bench/")
    with open(blog, "w") as lf:
        r = subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-DCMAKE_BUILD_TYPE=Release",
                            "-DKC_BUILD_TESTS=OFF", "-DKC_WERROR=OFF"], stdout=lf, stderr=subprocess.STDOUT)
        if r.returncode == 0:
            r = subprocess.run(["cmake", "--build", bdir, "-j", str(os.cpu_count() or 2),
                                "--target", "kconnect"], stdout=lf, stderr=subprocess.STDOUT)
    exe = os.path.join(bdir, "kconnect")
    if r.returncode != 0 or not os.access(exe, os.X_OK):
        return None, f"kconnect build failed, see {blog}:\n" + tail(blog, 8)
    return exe, None


def make_input(n):
    d = os.path.join(CACHE, "data")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, f"lines-{n}.txt")
    if os.path.exists(path) and os.path.getsize(path) == n * LINE_BYTES:
        return path
    log(f"generating {n} input lines of {LINE_BYTES} bytes")
    import random
    rnd = random.Random(42)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      "
    pool = "".join(rnd.choice(alphabet) for _ in range(8192))
    body = LINE_BYTES - 1 - 11

    def lines():
        for i in range(n):
            off = (i * 7919) % (len(pool) - body)
            yield f"{i:010d} {pool[off:off + body]}\n"

    write_lines(path, lines())
    return path


def make_json_input(lines_path, smt):
    """@lines_path with every line replaced by the value a JSON scenario writes."""
    path = lines_path[:-4] + ("-smt" if smt else "-json") + ".txt"
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(lines_path):
        return path
    log(f"generating {os.path.basename(path)}")
    with open(lines_path) as src:
        write_lines(path, (json_envelope(line.rstrip("\n"), smt) + "\n" for line in src))
    return path


def write_lines(path, lines):
    """Write @lines (each with its newline) to @path via a temporary file, in chunks."""
    with open(path + ".tmp", "w") as f:
        buf = []
        for line in lines:
            buf.append(line)
            if len(buf) == 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    os.rename(path + ".tmp", path)


# ---------------------------------------------------------------------------
# one measured run


class Run:
    def __init__(self, scenario, side, rnd, run_dir):
        self.r = {"scenario": scenario, "side": side, "round": rnd, "ok": False,
                  "error": None, "warnings": [], "dir": os.path.relpath(run_dir, ROOT),
                  "load1_at_start": os.getloadavg()[0]}
        self.dir = run_dir


def worker_files(env, args, run, scen, side, topic, port, infile=None, outfile=None):
    conv = JSON_CONV if scen.get("converter") == "json" else STRING_CONV
    w = {
        "bootstrap.servers": env.bootstrap,
        "key.converter": conv,
        "value.converter": conv,
    }
    if conv == JSON_CONV:
        w["key.converter.schemas.enable"] = "true"
        w["value.converter.schemas.enable"] = "true"
    w.update({
        "offset.storage.file.filename": os.path.join(run.dir, "offsets"),
        "offset.flush.interval.ms": str(OFFSET_FLUSH_MS),
        "listeners": f"http://127.0.0.1:{port}",
    })
    for k in WORKER_PRODUCER_KEYS:
        w["producer." + k] = PRODUCER[k]
    name = f"bench-{run.r['scenario']}-{uuid.uuid4().hex[:8]}"
    if scen["kind"] == "jdbc":
        if side == "apache":
            w["plugin.path"] = env.debezium_dir
        c, topic = jdbc_connector(env, run, scen, side, name, topic)
        run.r["topic"] = topic
    elif scen["kind"] == "sink":
        c = {"name": name, "connector.class": SINK_CLASS, "tasks.max": "1",
             "file": outfile, "topics": topic}
    else:
        c = {"name": name, "connector.class": SOURCE_CLASS, "tasks.max": "1",
             "file": infile, "topic": topic, "batch.size": str(SOURCE_BATCH_SIZE)}
    if scen.get("transforms"):
        c["transforms"] = ",".join(t[0] for t in scen["transforms"])
        for alias, cls, conf in scen["transforms"]:
            c[f"transforms.{alias}.type"] = cls
            for k, v in conf.items():
                c[f"transforms.{alias}.{k}"] = v
    wp, cp = os.path.join(run.dir, "worker.properties"), os.path.join(run.dir, "connector.properties")
    write_props(wp, w)
    write_props(cp, c)
    return wp, cp, name


def worker_cmd(env, side, wp, cp):
    if side == "kconnect":
        return [env.kconnect, "standalone", wp, cp]
    heap = os.environ.get("KAFKA_HEAP_OPTS", APACHE_HEAP_OPTS).split()
    jvm = os.environ.get("KAFKA_JVM_PERFORMANCE_OPTS", APACHE_JVM_OPTS).split()
    return (["java"] + heap + jvm +
            [f"-Dlog4j2.configurationFile={os.path.join(BENCH, 'log4j2.properties')}",
             "-cp", os.path.join(env.apache_dir, "*"),
             "org.apache.kafka.connect.cli.ConnectStandalone", wp, cp])


class RestProbe(threading.Thread):
    """Polls GET / until it answers; records ms since spawn and the CPU then."""

    def __init__(self, port, t0, pid, limit_s):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/"
        self.port = port
        self.t0, self.pid, self.limit = t0, pid, limit_s
        self.ms = None
        self.cpu = None
        self.body = None
        self.stop = False

    def run(self):
        # A bare TCP connect first (cheap, so polling does not steal CPU from the
        # starting process); the HTTP request only once the port accepts.
        while not self.stop and time.monotonic() - self.t0 < self.limit:
            elapsed = time.monotonic() - self.t0
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status == 200:
                        self.ms = (time.monotonic() - self.t0) * 1000
                        self.cpu = proc_cpu_s(self.pid)
                        self.body = resp.read(300).decode(errors="replace")
                        return
            except Exception:
                pass
            time.sleep(0.001 if elapsed < 1 else 0.005)


def stop_process(p, run, grace=10):
    """SIGTERM, then SIGKILL to the whole process group (started with its own session)."""
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        run.r["warnings"].append(f"did not exit within {grace} s of SIGTERM; killed")
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            p.kill()
        p.wait()


class LineReader(threading.Thread):
    """Collects `kc_raw_limit wait` output (first_ms=...) without blocking the main loop."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.first_ms = None

    def run(self):
        for line in self.stream:
            kv = kv_line(line)
            if kv.get("first_ms"):
                self.first_ms = kv["first_ms"]


def run_worker(env, args, scenario, side, rnd, run_dir):
    scen = SCENARIOS[scenario]
    run = Run(scenario, side, rnd, run_dir)
    os.makedirs(run_dir, exist_ok=True)
    if side == "kconnect" and not env.kconnect:
        run.r["error"] = env.kconnect_error
        return run.r
    n = args.records * scen.get("scale", 1)
    topic = f"kcb-{scenario}-{side}-r{rnd}-{uuid.uuid4().hex[:8]}"
    if kind_of(scenario) == "jdbc":
        topic += "-"  # the topic prefix; the topic is named after the table
    port = free_port()
    outfile = os.path.join(run_dir, "sink-output.txt")
    kind = scen["kind"]
    infile = env.empty if kind == "idle" else env.input

    if kind in ("source", "sink"):
        raw(["create", "-b", env.bootstrap, "-t", topic])
    if kind == "sink":
        prefill(env, topic, n)
    wp, cp, name = worker_files(env, args, run, scen, side, topic, port, infile, outfile)
    if kind == "jdbc":
        topic = run.r["topic"]
        raw(["create", "-b", env.bootstrap, "-t", topic])
        kind = "source"  # measured as any source from here on
    run.r["topic"] = topic
    cmd = worker_cmd(env, side, wp, cp)
    logpath = os.path.join(run_dir, "worker.log")
    timeout = (args.startup_timeout + args.idle_seconds + 10 if kind == "idle"
               else args.timeout * scen.get("scale", 1))
    wait_p = reader = None
    with open(logpath, "w") as lf:
        t0_wall = time.time()
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, cwd=run_dir,
                             start_new_session=True)
        LIVE.add(p)
        probe = RestProbe(port, t0, p.pid, args.startup_timeout)
        probe.start()
        try:
            if kind == "source":
                wait_p = subprocess.Popen([RAW_TOOL, "wait", "-b", env.bootstrap, "-t", topic,
                                           "-n", str(n), "-T", str(int(timeout * 1000))],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                LIVE.add(wait_p)
                reader = LineReader(wait_p.stdout)
                reader.start()
            first_growth = None
            done_at = None
            peak_rss = 0
            last_mem = 0.0
            while True:
                now = time.monotonic()
                if p.poll() is not None:
                    raise RuntimeError(f"{side} exited with code {p.returncode} before the run ended; "
                                       f"log {os.path.relpath(logpath, ROOT)}:\n{tail(logpath)}")
                if now - last_mem >= 0.1:
                    rss, _ = proc_mem_kb(p.pid)
                    peak_rss = max(peak_rss, rss or 0)
                    last_mem = now
                if kind == "source":
                    if wait_p.poll() is not None:
                        if wait_p.returncode == 0:
                            done_at = time.monotonic()
                            break
                        raise RuntimeError(f"timeout: fewer than {n} records in {topic} after {timeout} s")
                elif kind == "sink":
                    try:
                        size = os.path.getsize(outfile)
                    except OSError:
                        size = 0
                    if size and first_growth is None:
                        first_growth = now
                    if size >= env.input_bytes:
                        done_at = now
                        break
                elif kind == "idle":
                    # The idle period starts when the worker is up (REST answers).
                    if probe.ms is None:
                        if now - t0 > args.startup_timeout:
                            raise RuntimeError(f"REST port {port} never answered GET / within "
                                               f"{args.startup_timeout} s")
                    elif now - t0 >= probe.ms / 1000 + args.idle_seconds:
                        done_at = now
                        break
                if now - t0 > timeout:
                    raise RuntimeError(f"timeout after {timeout} s (run marked failed, not waited for)")
                started = (probe.ms is not None or first_growth is not None
                           or (kind == "source" and reader.first_ms))
                if not started and now - t0 > args.startup_timeout:
                    raise RuntimeError(f"{side} neither answered GET / on port {port} nor delivered a "
                                       f"record within {args.startup_timeout} s; log "
                                       f"{os.path.relpath(logpath, ROOT)}:\n{tail(logpath)}")
                time.sleep(0.01 if kind != "idle" else 0.1)

            cpu = proc_cpu_s(p.pid)
            rss, hwm = proc_mem_kb(p.pid)
            run.r["cpu_s"] = cpu
            run.r["peak_rss_kb"] = max(hwm or 0, peak_rss)
            run.r["rest_ms"] = probe.ms
            run.r["cpu_at_rest_s"] = probe.cpu
            if kind == "idle":
                run.r["idle_rss_kb"] = rss
                run.r["idle_s"] = args.idle_seconds
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/connectors/{name}/status",
                                                timeout=2) as resp:
                        st = json.loads(resp.read())
                    run.r["connector_state"] = st.get("connector", {}).get("state")
                except Exception as e:  # reported, not fatal: idle is about memory
                    run.r["warnings"].append(f"GET /connectors/{name}/status: {e}")
        except Exception as e:
            run.r["error"] = str(e)
        finally:
            probe.stop = True
            stop_process(p, run)
            LIVE.discard(p)
            if wait_p:
                if wait_p.poll() is None:
                    wait_p.kill()
                    wait_p.wait()
                LIVE.discard(wait_p)

    if not run.r["error"]:
        if kind == "source":
            finish_source(env, run, topic, n, t0_wall)
        elif kind == "sink":
            finish_sink(env, run, outfile, n, t0, first_growth, done_at)
        else:
            run.r["ok"] = True
    if kind in ("source", "sink") and not args.keep_topics:
        raw(["delete", "-b", env.bootstrap, "-t", topic], check=False)
    if scen["kind"] == "jdbc":
        jdbc_cleanup(env, run)
    if run.r["error"]:
        return run.r
    if run.r["ok"] and "cpu_s" in run.r and kind != "idle":
        cpu, cpu0 = run.r["cpu_s"], run.r.get("cpu_at_rest_s")
        run.r["cpu_s_per_m"] = cpu / n * 1e6 if cpu is not None else None
        run.r["cpu_s_per_m_after_start"] = (cpu - cpu0) / n * 1e6 if cpu is not None and cpu0 is not None else None
    return run.r


def kind_of(scenario):
    return SCENARIOS[scenario]["kind"]


def run_raw_jdbc(env, args, scenario, rnd, run_dir):
    """jdbc-source's ceiling: kc_raw_jdbc reads the table through a libpq
    cursor and produces the bytes kconnect's JdbcSourceConnector writes."""
    run = Run(scenario, "raw", rnd, run_dir)
    os.makedirs(run_dir, exist_ok=True)
    table, n = env.jdbc_tables[scenario]
    topic = f"kcb-{scenario}-raw-r{rnd}-{uuid.uuid4().hex[:8]}-{table}"
    run.r["topic"] = topic
    try:
        raw(["create", "-b", env.bootstrap, "-t", topic])
        # The rows the connector's mode reads, in its order: incrementing
        # mode's statement (from no committed offset) walks the primary key.
        query = f"SELECT * FROM {table}"
        if SCENARIOS[scenario].get("mode") == "incrementing":
            query += f' WHERE "{table}"."id" > -1 ORDER BY "{table}"."id" ASC'
        run.r["query"] = query
        cmd = [env.raw_jdbc, "-b", env.bootstrap, "-t", topic, "-d", env.pg_conninfo,
               "-q", query, "-k", JDBC_RAW_KINDS, "-s", jdbc_schema_json(table),
               "-B", str(JDBC_BATCH_MAX_ROWS)]
        for k, v in PRODUCER.items():
            cmd += ["-X", f"{k}={v}"]
        logpath = os.path.join(run_dir, "raw.log")
        with open(logpath, "w") as lf:
            t0_wall, t0 = time.time(), time.monotonic()
            p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
            LIVE.add(p)
            rusage = None
            while True:
                pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    rusage = ru
                    p.returncode = os.waitstatus_to_exitcode(st)
                    break
                if time.monotonic() - t0 > args.timeout * SCENARIOS[scenario].get("scale", 1):
                    raise RuntimeError(f"timeout after {args.timeout} s")
                time.sleep(0.01)
            LIVE.discard(p)
        if p.returncode != 0:
            raise RuntimeError(f"kc_raw_jdbc exited {p.returncode}:\n{tail(logpath)}")
        run.r["cpu_s"] = rusage.ru_utime + rusage.ru_stime
        run.r["peak_rss_kb"] = rusage.ru_maxrss
        run.r["cpu_s_per_m"] = run.r["cpu_s"] / n * 1e6
        finish_source(env, run, topic, n, t0_wall)
    except Exception as e:
        run.r["error"] = str(e)
    kill_live()
    if not args.keep_topics:
        raw(["delete", "-b", env.bootstrap, "-t", topic], check=False)
    return run.r


def finish_source(env, run, topic, n, t0_wall):
    s = kv_line(raw(["scan", "-b", env.bootstrap, "-t", topic, "-T", "120000"], timeout=180).stdout)
    run.r["count"] = s.get("count", 0)
    run.r["bytes"] = s.get("bytes", 0)
    if s.get("ts_type") != "LogAppendTime":
        run.r["warnings"].append(f"timestamps are {s.get('ts_type')}, not LogAppendTime")
    span = (s.get("max_ts", 0) - s.get("min_ts", 0)) / 1000.0
    run.r["seconds"] = span
    run.r["first_record_ms"] = s.get("min_ts", 0) - t0_wall * 1000
    if run.r["count"] < n:
        run.r["error"] = f"only {run.r['count']} of {n} records in {topic}"
        return
    if run.r["count"] > n:
        run.r["warnings"].append(f"{run.r['count'] - n} duplicate records")
    if span > 0:
        run.r["rec_s"] = run.r["count"] / span
        run.r["mb_s"] = run.r["bytes"] / span / 1e6
    run.r["ok"] = True


def finish_sink(env, run, outfile, n, t0, first_growth, done_at):
    run.r["count"] = n
    run.r["bytes"] = os.path.getsize(outfile)
    if not filecmp.cmp(outfile, env.input, shallow=False):
        run.r["error"] = f"{os.path.relpath(outfile, ROOT)} differs from the input"
        return
    span = done_at - first_growth
    run.r["seconds"] = span
    run.r["first_record_ms"] = (first_growth - t0) * 1000
    if span > 0:
        run.r["rec_s"] = n / span
        run.r["mb_s"] = run.r["bytes"] / span / 1e6
    run.r["ok"] = True
    try:
        os.unlink(outfile)  # 200 MB per run otherwise
    except OSError:
        pass


def prefill(env, topic, n):
    r = raw(["produce", "-b", env.bootstrap, "-t", topic, "-f", env.input,
             "-X", "linger.ms=20", "-X", "batch.size=1000000", "-X", "acks=all"], timeout=300)
    w = raw(["wait", "-b", env.bootstrap, "-t", topic, "-n", str(n), "-T", "30000"], check=False)
    if w.returncode != 0:
        raise RuntimeError(f"pre-filling {topic} failed: {w.stdout} {r.stderr}")


def run_raw(env, args, op, rnd, run_dir):
    """raw-limit: librdkafka alone; produce* = file -> topic, consume = topic -> file."""
    run = Run("raw-limit", op, rnd, run_dir)
    os.makedirs(run_dir, exist_ok=True)
    n = args.records
    topic = f"kcb-raw-{op}-r{rnd}-{uuid.uuid4().hex[:8]}"
    run.r["topic"] = topic
    outfile = os.path.join(run_dir, "raw-output.txt")
    try:
        raw(["create", "-b", env.bootstrap, "-t", topic])
        xs = []
        if op.startswith("produce"):
            for k, v in PRODUCER.items():
                xs += ["-X", f"{k}={v}"]
            cmd = [RAW_TOOL, "produce", "-b", env.bootstrap, "-t", topic, "-f", env.raw_inputs[op]] + xs
        else:
            prefill(env, topic, n)
            cmd = [RAW_TOOL, "consume", "-b", env.bootstrap, "-t", topic, "-g",
                   f"raw-{uuid.uuid4().hex[:8]}", "-n", str(n), "-o", outfile,
                   "-T", str(int(args.timeout * 1000))]
        logpath = os.path.join(run_dir, "raw.log")
        with open(logpath, "w") as lf:
            t0_wall, t0 = time.time(), time.monotonic()
            p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
            LIVE.add(p)
            first_growth = done_at = None
            status = rusage = None
            while True:
                now = time.monotonic()
                if op == "consume":
                    try:
                        size = os.path.getsize(outfile)
                    except OSError:
                        size = 0
                    if size and first_growth is None:
                        first_growth = now
                    if size >= env.input_bytes and done_at is None:
                        done_at = now
                pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    status, rusage = st, ru
                    p.returncode = os.waitstatus_to_exitcode(st)
                    if op == "consume" and done_at is None:
                        done_at = now
                    break
                if now - t0 > args.timeout:
                    raise RuntimeError(f"timeout after {args.timeout} s")
                time.sleep(0.01)
            LIVE.discard(p)
        if p.returncode != 0:
            raise RuntimeError(f"kc_raw_limit {op} exited {p.returncode}:\n{tail(logpath)}")
        run.r["cpu_s"] = rusage.ru_utime + rusage.ru_stime
        run.r["peak_rss_kb"] = rusage.ru_maxrss
        run.r["cpu_s_per_m"] = run.r["cpu_s"] / n * 1e6
        if op.startswith("produce"):
            finish_source(env, run, topic, n, t0_wall)
        else:
            if first_growth is None:
                first_growth = done_at
            finish_sink(env, run, outfile, n, t0, first_growth, done_at)
    except Exception as e:
        run.r["error"] = str(e)
    kill_live()
    if not args.keep_topics:
        raw(["delete", "-b", env.bootstrap, "-t", topic], check=False)
    return run.r


# ---------------------------------------------------------------------------
# report


def med_range(vals, fmt):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "—", None
    m = statistics.median(vals)
    if len(vals) == 1:
        return fmt(m), m
    return f"{fmt(m)} ({fmt(min(vals))}–{fmt(max(vals))})", m


def f_int(v):
    return f"{v:,.0f}"


def f_1(v):
    return f"{v:,.1f}"


def f_2(v):
    return f"{v:,.2f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    v = a / b
    return f"{v:.2f}×" if v >= 0.1 else f"{v:.2g}×"


METRICS = [
    ("records/s", "rec_s", f_int),
    ("MB/s (10^6 B, record values)", "mb_s", f_1),
    ("CPU s per M records (whole process)", "cpu_s_per_m", f_2),
    ("CPU s per M records (after REST up)", "cpu_s_per_m_after_start", f_2),
    ("peak RSS MB (VmHWM)", "peak_rss_kb", lambda v: f"{v / 1024:,.1f}"),
    ("REST answers GET / (ms after spawn)", "rest_ms", f_int),
    ("first record in Kafka / file (ms after spawn)", "first_record_ms", f_int),
]
IDLE_METRICS = [
    ("RSS MB (VmRSS) idle period after REST up", "idle_rss_kb", lambda v: f"{v / 1024:,.1f}"),
    ("peak RSS MB (VmHWM)", "peak_rss_kb", lambda v: f"{v / 1024:,.1f}"),
    ("CPU s used (start-up + idle)", "cpu_s", f_2),
    ("REST answers GET / (ms after spawn)", "rest_ms", f_int),
]


def broker_version(env):
    """The version of the jars the broker process listening on the bootstrap port runs."""
    import re
    port = env.bootstrap.rsplit(":", 1)[1]
    try:
        out = sh(["ss", "-ltnpH", f"sport = :{port}"]).stdout
        pid = re.search(r"pid=(\d+)", out).group(1)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().decode(errors="replace").split("\0")
        cp = argv[argv.index("-cp") + 1] if "-cp" in argv else ""
        jars = []
        for part in cp.split(":"):
            jars += glob.glob(part) if "*" in part else [part]
        for j in jars:
            m = re.search(r"/kafka_[0-9.]+-([^/]+)\.jar$", j) or re.search(r"/kafka-server-([^/]+)\.jar$", j)
            if m:
                return m.group(1) + " (from the running broker's class path)"
    except Exception:
        pass
    return f"{env.kafka_version} (scripts/versions; running broker not inspected)"


def machine_info(env):
    cpu_model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:
        mem_kb = 0
    rev = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip() or "no commit"
    dirty = len([l for l in sh(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "include",
                                "CMakeLists.txt"]).stdout.splitlines() if l.strip()])
    if dirty:
        rev += f" + {dirty} uncommitted change(s) under src/ include/ CMakeLists.txt"
    return {
        "host": socket.gethostname(),
        "cores": os.cpu_count(),
        "cpu": cpu_model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "broker": f"Apache Kafka {broker_version(env)}, single node on {env.bootstrap}",
        "apache_connect": f"{env.kafka_version} (Maven Central), {APACHE_HEAP_OPTS}",
        "librdkafka": env.librdkafka_version,
        "java": env.java_version,
        "kconnect": f"{env.kconnect or 'not available'} ({env.kconnect_version}), tree at {rev}",
        "python": platform.python_version(),
    }


def render(mi, args, results, started, out_md, png_name):
    L = []
    L.append(f"# kconnect benchmark — {started:%Y-%m-%d %H:%M} UTC on {mi['host']}")
    L.append("")
    L.append(f"Command: `{' '.join(['bench/run'] + list(args.argv))}`  ")
    L.append(f"Records per run: {args.records:,} lines of {LINE_BYTES} bytes; rounds: {args.rounds} "
             f"(sides alternate kconnect, Apache in every round); idle period: {args.idle_seconds} s."
             + (" **Smoke run: the figures are not meaningful, only the correctness check is.**"
                if args.smoke else ""))
    L.append("")
    L.append("## Machine")
    L.append("")
    for k in ("cores", "cpu", "memory_gib", "kernel", "broker", "apache_connect", "librdkafka", "java",
              "kconnect", "python"):
        L.append(f"- {k.replace('_', ' ')}: {mi[k]}")
    L.append("")
    L.append("## Settings (the same on every side)")
    L.append("")
    L.append("- worker: " + ", ".join(
        [f"`producer.{k}={PRODUCER[k]}`" for k in WORKER_PRODUCER_KEYS] +
        [f"`offset.flush.interval.ms={OFFSET_FLUSH_MS}`", "`tasks.max=1`",
         f"`batch.size={SOURCE_BATCH_SIZE}` (FileStreamSource)", "consumer: defaults"]))
    L.append("- raw-limit consumer: defaults, and the same 20 ms fetch waker as kconnect's sink "
             "(`kc_raw_limit consume -W 20`; see bench/README.md)")
    L.append("- raw-limit producer: " + ", ".join(f"`{k}={v}`" for k, v in PRODUCER.items()) +
             " (Connect forces acks=all and max.in.flight.requests.per.connection=1 on source producers)")
    L.append("- topics: 1 partition, `message.timestamp.type=LogAppendTime`, fresh per run")
    L.append("")
    loads = [r["load1_at_start"] for r in results if r.get("load1_at_start") is not None]
    if loads:
        busy = max(loads) > (os.cpu_count() or 1) * 0.75
        L.append(f"Machine load (1-min load average when each run started): median {statistics.median(loads):.1f}, "
                 f"max {max(loads):.1f} on {os.cpu_count()} cores."
                 + (" **Other processes competed for the CPU during some runs: treat the spread "
                    "(min–max) with care; per-run loads are in the JSON.**" if busy else ""))
        L.append("")
    L.append(f"![throughput and memory]({png_name})")
    L.append("")

    def runs(scen, side):
        return [r for r in results if r["scenario"] == scen and r["side"] == side]

    def okv(scen, side, key):
        return [r.get(key) for r in runs(scen, side) if r["ok"]]

    for name in args.scenarios:
        scen = SCENARIOS[name]
        L.append(f"## {name}")
        L.append("")
        L.append(scen["about"] + ".")
        L.append("")
        if scen["kind"] == "skip":
            L.append(f"SKIPPED: {scen['reason']}.")
            L.append("")
            continue
        if scen["kind"] == "raw":
            ops = [op for op in RAW_OPS if runs(name, op)]
            L.append("| metric | " + " | ".join(RAW_OP_ABOUT[op] for op in ops) + " |")
            L.append("| --- " * (len(ops) + 1) + "|")
            for label, key, fmt in METRICS:
                if key in ("rest_ms", "cpu_s_per_m_after_start"):
                    continue
                cells = [med_range(okv(name, op, key), fmt)[0] for op in ops]
                L.append(f"| {label} | " + " | ".join(cells) + " |")
        else:
            metrics = IDLE_METRICS if scen["kind"] == "idle" else METRICS
            ref = RAW_REF.get(name)
            ref_scen = "raw-limit"
            apache_label = "Apache Connect"
            if scen["kind"] == "jdbc":
                ref, ref_scen, apache_label = "(libpq + librdkafka)", name, "Debezium on Apache Connect"
            head = f"| metric | kconnect | {apache_label} | kconnect / Apache |"
            if ref:
                head += f" raw-limit {ref} | kconnect / raw |"
            L.append(head)
            L.append("| --- " * (head.count("|") - 1) + "|")
            for label, key, fmt in metrics:
                k, km = med_range(okv(name, "kconnect", key), fmt)
                a, am = med_range(okv(name, "apache", key), fmt)
                row = f"| {label} | {k} | {a} | {ratio(km, am)} |"
                if ref:
                    if key in ("rec_s", "cpu_s_per_m", "peak_rss_kb"):
                        rr, rm = med_range(okv(ref_scen, "raw" if ref_scen == name else ref, key), fmt)
                        row += f" {rr} | {ratio(km, rm)} |"
                    else:
                        row += " | |"
                L.append(row)
        L.append("")
        sides = [op for op in RAW_OPS if runs(name, op)] if scen["kind"] == "raw" else [s for s in WORKER_SIDES if s in args.sides]
        if scen["kind"] == "jdbc":
            sides = [s for s in WORKER_SIDES + ["raw"] if runs(name, s)]
        notes = []
        for side in sides:
            rs = runs(name, side)
            okc = sum(1 for r in rs if r["ok"])
            notes.append(f"{side}: {okc}/{len(rs)} runs delivered")
            errors = {}
            for r in rs:
                if r.get("error"):
                    errors.setdefault(r["error"].strip(), []).append(str(r["round"]))
                for w in r.get("warnings", []):
                    L.append(f"- note {side} round {r['round']}: {w}")
            for err, rounds in errors.items():
                err = err.replace(ROOT + "/", "").replace("\n", "\n    ")
                L.append(f"- FAILED {side} round{'s' if len(rounds) > 1 else ''} {', '.join(rounds)}:\n\n    {err}\n")
        L.append("Runs: " + "; ".join(notes) + ".")
        L.append("")
    L.extend(targets_section(args, results))
    L.append("## How to read this")
    L.append("")
    L.append("Each cell is the median over the rounds, with min–max in brackets; ratios are of medians. "
             "Throughput is first to last record by the broker's LogAppendTime (sources) or by the growth of "
             "the output file polled every 10 ms (sinks); CPU is utime+stime of the process when the last "
             "record was in (raw-limit: getrusage of the child); peak RSS is VmHWM. "
             "Targets are in bench/README.md; the harness reports them and never fails on them. Raw per-run data: "
             f"`{os.path.basename(out_md)[:-3]}.json`.")
    L.append("")
    with open(out_md, "w") as f:
        f.write("\n".join(L))


def targets_section(args, results):
    """The README's targets next to the measured medians. Reported, never asserted."""
    def med(scen, side, key):
        vals = [r.get(key) for r in results if r["scenario"] == scen and r["side"] == side and r["ok"]
                and r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def verdict(ok):
        return "n/a" if ok is None else ("met" if ok else "not met")

    rows = []
    for name in args.scenarios:
        kind = SCENARIOS[name]["kind"]
        if kind in ("source", "sink"):
            k, a = med(name, "kconnect", "rec_s"), med(name, "apache", "rec_s")
            rw = med("raw-limit", RAW_REF[name], "rec_s")
            v = k / rw if k and rw else None
            rows.append((f"{name}: records/s ≥ 80% of raw-limit {RAW_REF[name]}",
                         f"{v:.0%}" if v is not None else "—", verdict(None if v is None else v >= 0.8)))
            v = k / a if k and a else None
            rows.append((f"{name}: records/s ahead of Apache", f"{v:.2f}×" if v else "—",
                         verdict(None if v is None else v > 1)))
            k, a = med(name, "kconnect", "cpu_s_per_m"), med(name, "apache", "cpu_s_per_m")
            v = k / a if k and a else None
            rows.append((f"{name}: CPU s per M records ≤ 1/5 of Apache's", f"{v:.3f}×" if v else "—",
                         verdict(None if v is None else v <= 0.2)))
        if kind == "jdbc" and not SCENARIOS[name].get("scale"):
            k, a = med(name, "kconnect", "rec_s"), med(name, "apache", "rec_s")
            rw = med(name, "raw", "rec_s")
            v = k / rw if k and rw else None
            rows.append((f"{name}: records/s ≥ 80% of raw (libpq + librdkafka)",
                         f"{v:.0%}" if v is not None else "—", verdict(None if v is None else v >= 0.8)))
            v = k / a if k and a else None
            rows.append((f"{name}: records/s ≥ 3× the Java peer (Debezium snapshot)",
                         f"{v:.2f}×" if v else "—", verdict(None if v is None else v >= 3)))
            k, a = med(name, "kconnect", "cpu_s_per_m"), med(name, "apache", "cpu_s_per_m")
            v = k / a if k and a else None
            rows.append((f"{name}: CPU s per M records ≤ 1/5 of the Java peer's", f"{v:.3f}×" if v else "—",
                         verdict(None if v is None else v <= 0.2)))
        if kind == "jdbc" and SCENARIOS[name].get("scale"):
            base = next((b for b in args.scenarios if kind_of(b) == "jdbc"
                         and not SCENARIOS[b].get("scale")), None)
            k = med(name, "kconnect", "peak_rss_kb")
            b = med(base, "kconnect", "peak_rss_kb") if base else None
            v = k / b if k and b else None
            rows.append((f"{name}: peak RSS flat in table size ({SCENARIOS[name]['scale']}× the rows "
                         f"of {base})", f"{v:.2f}×" if v else "—",
                         verdict(None if v is None else v <= 1.2)))
        if kind in ("source", "sink", "idle"):
            k, a = med(name, "kconnect", "peak_rss_kb"), med(name, "apache", "peak_rss_kb")
            v = k / a if k and a else None
            rows.append((f"{name}: peak RSS ≤ 1/10 of Apache's", f"{v:.3f}×" if v else "—",
                         verdict(None if v is None else v <= 0.1)))
        if kind == "idle":
            k = med(name, "kconnect", "idle_rss_kb")
            rows.append((f"{name}: RSS ≤ 10 MB", f"{k / 1024:.1f} MB" if k else "—",
                         verdict(None if k is None else k <= 10 * 1024)))
    rest = [r["rest_ms"] for r in results if r["side"] == "kconnect" and r["ok"] and r.get("rest_ms") is not None]
    m = statistics.median(rest) if rest else None
    rows.append(("REST answers within 50 ms of start (median of all kconnect runs)",
                 f"{m:.0f} ms" if m is not None else "—", verdict(None if m is None else m <= 50)))
    L = ["## Against the targets", "",
         "Medians from the tables above; the harness reports these, it does not fail on them.", "",
         "| target | measured | |", "| --- | --- | --- |"]
    L += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    L.append("")
    return L


def plot(args, results, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no plot (pip install -r bench/requirements.txt)")
        return False
    scen = [s for s in args.scenarios if SCENARIOS[s]["kind"] in ("source", "sink", "idle")]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    colors = {"kconnect": "#2a7ab0", "apache": "#d9822b", "raw": "#6a6a6a"}

    def stat(s, side, key):
        vals = [r.get(key) for r in results if r["scenario"] == s and r["side"] == side and r["ok"]
                and r.get(key) is not None]
        if not vals:
            return 0, 0, 0
        m = statistics.median(vals)
        return m, m - min(vals), max(vals) - m

    w = 0.27
    tp = [s for s in scen if SCENARIOS[s]["kind"] != "idle"]
    top = 1
    for i, side in enumerate(["kconnect", "apache", "raw"]):
        xs, ys, lo, hi = [], [], [], []
        for j, s in enumerate(tp):
            if side == "raw":
                m, a, b = stat("raw-limit", RAW_REF[s], "rec_s")
            else:
                m, a, b = stat(s, side, "rec_s")
            xs.append(j + (i - 1) * w)
            ys.append(m)
            lo.append(a)
            hi.append(b)
        label = "raw librdkafka" if side == "raw" else ("Apache Connect" if side == "apache" else side)
        ax1.bar(xs, ys, w, yerr=[lo, hi], label=label, color=colors[side], capsize=3)
        top = max([top] + [y + h for y, h in zip(ys, hi)])
        for x, y in zip(xs, ys):
            if not y:
                ax1.annotate("n/a", (x, 0), ha="center", va="bottom", fontsize=8, rotation=90)
    ax1.set_xticks(range(len(tp)))
    ax1.set_xticklabels(tp)
    ax1.set_ylabel("records/s (median, min–max)")
    from matplotlib.ticker import FuncFormatter
    ax1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:,.0f}k"))
    ax1.set_title("throughput (higher is better)")
    ax1.legend(loc="upper left")
    ax1.set_ylim(0, top * 1.3)
    for i, side in enumerate(["kconnect", "apache"]):
        xs, ys = [], []
        for j, s in enumerate(scen):
            key = "idle_rss_kb" if SCENARIOS[s]["kind"] == "idle" else "peak_rss_kb"
            m, _, _ = stat(s, side, key)
            xs.append(j + (i - 0.5) * w)
            ys.append(m / 1024)
        ax2.bar(xs, ys, w, label="Apache Connect" if side == "apache" else side, color=colors[side])
        for x, y in zip(xs, ys):
            if y:
                ax2.annotate(f"{y:.0f}" if y >= 10 else f"{y:.1f}", (x, y), ha="center", va="bottom",
                             fontsize=8)
            else:
                ax2.annotate("n/a", (x, 1), ha="center", va="bottom", fontsize=8, rotation=90)
    ax2.set_xticks(range(len(scen)))
    ax2.set_xticklabels([s + ("\n(RSS after idle)" if SCENARIOS[s]["kind"] == "idle" else "\n(peak)")
                         for s in scen])
    heights = [p.get_height() for p in ax2.patches if p.get_height() > 0]
    if heights:
        ax2.set_yscale("log")
        ax2.set_ylim(1, max(heights) * 10)  # headroom for the legend
    ax2.set_ylabel("MB (log scale)")
    ax2.set_title("memory (lower is better)")
    ax2.legend(loc="upper left")
    fig.suptitle(f"kconnect vs Apache Kafka Connect vs raw librdkafka — {args.records:,} records x "
                 f"{LINE_BYTES} B, {args.rounds} round(s)")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True


# ---------------------------------------------------------------------------


def rerender(path):
    with open(path) as f:
        d = json.load(f)
    args = argparse.Namespace(argv=d["argv"], records=d["records"], rounds=d["rounds"],
                              idle_seconds=d.get("idle_seconds", 30), smoke=d.get("smoke", False),
                              scenarios=d.get("scenarios", list(SCENARIOS)),
                              sides=d.get("sides", ["kconnect", "apache", "raw"]))
    base = path[:-5]
    plot(args, d["runs"], base + ".png")
    render(d["machine"], args, d["runs"], datetime.datetime.fromisoformat(d["started"]), base + ".md",
           os.path.basename(base) + ".png")
    log(f"report: {base}.md")
    return 0


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true",
                    help="a few thousand records, one round, short idle; a correctness check")
    ap.add_argument("--rounds", type=int, default=None, help="rounds (default 3; 1 with --smoke)")
    ap.add_argument("--records", type=int, default=None, help="records per run (default 1,000,000; 5,000 with --smoke)")
    ap.add_argument("--idle-seconds", type=float, default=None, help="idle period (default 30; 3 with --smoke)")
    ap.add_argument("--timeout", type=float, default=None, help="per-run timeout in seconds")
    ap.add_argument("--sides", default="kconnect,apache,raw", help="comma list of kconnect,apache,raw")
    ap.add_argument("--kconnect", help="kconnect binary (default: $KCONNECT, else a Release build in "
                                       "build-bench/; with --smoke build/kconnect if present)")
    ap.add_argument("--keep-topics", action="store_true",
                    help="keep each run's topic (default: delete it once measured)")
    ap.add_argument("--bootstrap", default=os.environ.get(
        "KC_BENCH_BOOTSTRAP", os.environ.get(
            "KC_BOOTSTRAP_SERVERS",
            "127.0.0.1:%s" % os.environ.get("KC_KAFKA_PORT", "9092"))))
    ap.add_argument("--pg-port", default=os.environ.get("KC_BENCH_PG_PORT", "55433"),
                    help="port of the throwaway PostgreSQL cluster the jdbc-source scenarios start "
                         "(scripts/postgres, wal_level=logical; kept running; default 55433)")
    ap.add_argument("--out", help="results directory (default bench/results; .cache/bench/results with --smoke)")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                    help="any of " + ", ".join(SCENARIOS) + " (default: all)")
    ap.add_argument("--render", metavar="RESULTS.json",
                    help="only rewrite the .md and .png next to an earlier run's .json")
    args = ap.parse_args(argv)
    if args.render:
        return rerender(args.render)
    args.argv = argv
    args.rounds = args.rounds or (1 if args.smoke else 3)
    args.records = args.records or (5000 if args.smoke else 1_000_000)
    args.idle_seconds = args.idle_seconds if args.idle_seconds is not None else (3 if args.smoke else 30)
    args.timeout = args.timeout or (120 if args.smoke else 60 + args.records / 5000)
    args.startup_timeout = 90 if args.smoke else 120
    args.sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    for s in args.sides:
        if s not in ("kconnect", "apache", "raw"):
            ap.error(f"unknown side {s}")
    for s in args.scenarios:
        if s not in SCENARIOS:
            ap.error(f"unknown scenario {s}; known: {', '.join(SCENARIOS)}")
    args.scenarios = args.scenarios or list(SCENARIOS)
    if os.environ.get("KC_BENCH_SMT") == "1":
        for sc in SCENARIOS.values():
            if sc["kind"] == "skip" and sc.get("enabled_kind"):
                sc["kind"] = sc["enabled_kind"]
    out_dir = args.out or (os.path.join(CACHE, "results") if args.smoke else os.path.join(BENCH, "results"))

    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        env = setup(args)
    except SetupError as e:
        print(f"bench/run: setup failed: {e}", file=sys.stderr)
        return 2

    stamp = started.strftime("%Y%m%dT%H%M%S")
    runs_root = os.path.join(CACHE, "runs", stamp)
    results = []
    sides = [s for s in WORKER_SIDES if s in args.sides]
    for rnd in range(1, args.rounds + 1):
        for name in args.scenarios:
            scen = SCENARIOS[name]
            if scen["kind"] == "skip":
                if rnd == 1:
                    log(f"{name}: SKIPPED ({scen['reason']})")
                continue
            if scen["kind"] == "raw":
                if "raw" not in args.sides:
                    continue
                todo = [(op, run_raw) for op in RAW_OPS if op in env.raw_inputs or op == "consume"]
            elif scen["kind"] == "jdbc":
                todo = [(s, run_worker) for s in sides if s in scen.get("sides", WORKER_SIDES)]
                if "raw" in args.sides and "raw" in scen.get("sides", ["raw"]):
                    todo.append(("raw", run_raw_jdbc))
            else:
                todo = [(s, run_worker) for s in sides]
            for side, fn in todo:
                rd = os.path.join(runs_root, f"{name}-{side}-r{rnd}")
                log(f"round {rnd}/{args.rounds} {name} {side} ...")
                try:
                    if fn is run_raw:
                        r = run_raw(env, args, side, rnd, rd)
                    elif fn is run_raw_jdbc:
                        r = run_raw_jdbc(env, args, name, rnd, rd)
                    else:
                        r = run_worker(env, args, name, side, rnd, rd)
                except Exception as e:  # e.g. the broker went away while creating a topic
                    kill_live()
                    r = Run(name, side, rnd, rd).r
                    r["error"] = f"{type(e).__name__}: {e}"
                results.append(r)
                if r["ok"]:
                    bits = []
                    if r.get("rec_s"):
                        bits.append(f"{r['rec_s']:,.0f} rec/s")
                    if r.get("cpu_s_per_m") is not None:
                        bits.append(f"{r['cpu_s_per_m']:.2f} CPU s/M")
                    if r.get("idle_rss_kb"):
                        bits.append(f"idle RSS {r['idle_rss_kb'] / 1024:.1f} MB")
                    if r.get("peak_rss_kb"):
                        bits.append(f"peak RSS {r['peak_rss_kb'] / 1024:.1f} MB")
                    if r.get("rest_ms") is not None:
                        bits.append(f"REST {r['rest_ms']:.0f} ms")
                    log(f"  ok: " + ", ".join(bits) + "".join(f" [{w}]" for w in r["warnings"]))
                else:
                    log(f"  FAILED: {r['error']}")

    os.makedirs(out_dir, exist_ok=True)
    base = f"{started:%Y-%m-%d}-{socket.gethostname()}" + ("-smoke" if args.smoke else "")
    out_md = os.path.join(out_dir, base + ".md")
    png = os.path.join(out_dir, base + ".png")
    mi = machine_info(env)
    with open(os.path.join(out_dir, base + ".json"), "w") as f:
        json.dump({"started": started.isoformat(), "argv": argv, "records": args.records,
                   "rounds": args.rounds, "idle_seconds": args.idle_seconds, "smoke": args.smoke,
                   "scenarios": args.scenarios, "sides": args.sides,
                   "machine": mi, "runs": results}, f, indent=1)
    plot(args, results, png)
    render(mi, args, results, started, out_md, os.path.basename(png))
    log(f"report: {os.path.relpath(out_md, ROOT)}")

    if getattr(env, "pg_stop_after", False):
        subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "stop"],
                       env=dict(os.environ, KC_PG_PORT=str(env.pg_port)),
                       capture_output=True)
    failed = [r for r in results if not r["ok"]]
    ok = len(results) - len(failed)
    print(f"bench: {ok} passed, {len(failed)} failed")
    for r in failed:
        print(f"  FAILED {r['scenario']} {r['side']} round {r['round']}: {r['error'].splitlines()[0]}")
    return 1 if failed else 0


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        kill_live()
        print("bench/run: interrupted; the measured processes were stopped", file=sys.stderr)
        sys.exit(130)
