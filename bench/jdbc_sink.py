#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The jdbc-sink scenario: N JsonConverter records (with schemas, 10
columns) from a topic into PostgreSQL, per side:

  kconnect-insert   JdbcSinkConnector, insert.mode=insert (COPY FROM STDIN)
  kconnect-upsert   the same, insert.mode=upsert, pk.mode=record_value
                    (multi-row INSERT .. ON CONFLICT)
  kconnect-old      optional (--kconnect-old): another kconnect binary with
                    insert.mode=insert, e.g. one from before COPY
  copy-ceiling      psql \\copy of the same rows in COPY's text format: the
                    ceiling for any sink
  debezium-insert   the Java peer the issue names: Debezium's JDBC sink
                    (bench/debezium-jdbc/pom.xml) as a plugin of Apache
                    Kafka Connect (scripts/apache-connect), insert.mode=
                    insert, primary.key.mode=none, schema.evolution=basic
  debezium-upsert   the same, insert.mode=upsert, primary.key.mode=
                    record_value, primary.key.fields=id

Each worker side: the topic is pre-filled once; a fresh connector (fresh
consumer group) and a fresh table per run; the rate is N / (time the table
first holds N rows - time it first held a row), measured from outside by
polling the row count every 100 ms (RowCounter: one psql session, each
poll scanning only the table's newest blocks), so start-up and the group
join do not count (the wall time, from spawn, is reported too); CPU is utime+stime of the
worker process when the last row is in, with start-up (CPU s per M rows)
and without it (the same from the first row in: run CPU). Every table's
rows are then checksummed (md5 of the rows' text in id order) and compared
with the ceiling's. Reports, never asserts.

  bench/jdbc_sink.py [--records N] [--kconnect PATH] [--dsn DSN]
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")

SCHEMA = {"type": "struct", "optional": False, "fields": [
    {"type": "int64", "optional": False, "field": "id"},
    {"type": "string", "optional": True, "field": "name"},
    {"type": "int32", "optional": True, "field": "qty"},
    {"type": "double", "optional": True, "field": "price"},
    {"type": "boolean", "optional": True, "field": "ok"},
    {"type": "int64", "optional": True, "field": "ts",
     "name": "org.apache.kafka.connect.data.Timestamp"},
    {"type": "string", "optional": True, "field": "city"},
    {"type": "string", "optional": True, "field": "note"},
    {"type": "int16", "optional": True, "field": "code"},
    {"type": "double", "optional": True, "field": "score"},
]}
# what auto.create makes of SCHEMA on PostgreSQL (the ceiling's table)
PG_COLUMNS = ("id BIGINT NOT NULL, name TEXT NULL, qty INT NULL, price "
              "DOUBLE PRECISION NULL, ok BOOLEAN NULL, ts TIMESTAMP NULL, "
              "city TEXT NULL, note TEXT NULL, code SMALLINT NULL, score "
              "DOUBLE PRECISION NULL")
# the same text for every side's table, whatever types its sink chose
ROW_TEXT = ("concat_ws('|', id, name, qty, price, ok, "
            "to_char(ts, 'YYYY-MM-DD HH24:MI:SS.MS'), city, note, code, score)")
DEBEZIUM_VERSION = "3.5.0.Final"
# kafka-run-class.sh's defaults, as bench/bench.py runs Apache Connect
APACHE_JVM = ("-Xms256M -Xmx2G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
              "-XX:InitiatingHeapOccupancyPercent=35 "
              "-XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 "
              "-Djava.awt.headless=true").split()
CITIES = ["Lisbon", "Oslo", "Quito", "Hanoi", "Perth", "Accra", "Lima"]


def log(msg):
    print("jdbc-sink: %s" % msg, file=sys.stderr, flush=True)


def rows(n, seed=7):
    rnd = random.Random(seed)
    ts0 = 1700000000000
    for i in range(n):
        yield {"id": i, "name": "name-%d" % rnd.randrange(10 ** 6),
               "qty": rnd.randrange(1000), "price": rnd.randrange(10 ** 6) /
               100.0, "ok": i % 3 == 0, "ts": ts0 + i * 37,
               "city": CITIES[i % len(CITIES)],
               "note": "note %d for row %d" % (rnd.randrange(10 ** 9), i),
               "code": i % 30000, "score": rnd.random()}


def make_inputs(n, tmp):
    """The topic's lines (JSON with schema) and the same rows as COPY
    text, written once per N."""
    jpath = os.path.join(tmp, "records-%d.json" % n)
    cpath = os.path.join(tmp, "rows-%d.copy" % n)
    if os.path.exists(jpath) and os.path.exists(cpath):
        return jpath, cpath
    schema = json.dumps(SCHEMA, separators=(",", ":"))
    with open(jpath + ".tmp", "w") as jf, open(cpath + ".tmp", "w") as cf:
        for r in rows(n):
            jf.write('{"schema":%s,"payload":%s}\n'
                     % (schema, json.dumps(r, separators=(",", ":"))))
            ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["ts"] //
                                                                1000))
            cf.write("\t".join([
                str(r["id"]), r["name"], str(r["qty"]), repr(r["price"]),
                "t" if r["ok"] else "f", "%s.%03d" % (ts, r["ts"] % 1000),
                r["city"], r["note"], str(r["code"]), repr(r["score"])])
                + "\n")
    os.rename(jpath + ".tmp", jpath)
    os.rename(cpath + ".tmp", cpath)
    return jpath, cpath


def psql(dsn, sql, timeout=600):
    out = subprocess.run(["psql", "-qAtX", dsn, "-c", sql],
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError("psql %s: %s" % (sql, out.stderr.strip()))
    return out.stdout.strip()


def cpu_s(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
        fields = data[data.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


_ports_given = set()


def free_port(lo, hi):
    """A port of [lo, hi) that can be bound now and was not handed out
    before in this run. Binding, not connecting: a worker that just exited
    (a JVM above all) can keep its listener, or the port's closed
    connections, a while after nothing answers there any more."""
    for p in range(lo, hi):
        if p in _ports_given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        _ports_given.add(p)
        return p
    raise RuntimeError("no port of %d-%d can be bound" % (lo, hi))


class RowCounter:
    """Counts a table's rows while a sink fills it, at a cost that does
    not grow with the table: one psql session for the whole run (no
    process per poll), and each poll scans only the blocks from the last
    one that held a visible row on (a TID range scan). Every side here
    writes from one task, transaction after transaction, into a fresh
    table that only grows: a block before the last visible row's can get
    no more visible rows, so its count is kept. A count(*) of the whole
    table every 100 ms from a new psql, as this script did before, made
    the database scan the table again and again (for 1M rows, about ten
    times the rows the sink wrote) on the cores the sink shares; the
    ceiling, timed without polling, never paid for it."""

    def __init__(self, dsn, table):
        self.table = table
        self.base_blk, self.base_rows = 0, 0
        self.p = subprocess.Popen(["psql", "-qAtX", "-v", "ON_ERROR_STOP=0",
                                   dsn], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True,
                                  bufsize=1)

    def count(self):
        """Rows visible now; 0 while the table does not exist."""
        self.p.stdin.write(
            "SELECT (ctid::text::point)[0]::bigint, count(*) FROM %s WHERE "
            "ctid >= '(%d,0)'::tid GROUP BY 1;\n\\echo kc-end\n"
            % (self.table, self.base_blk))
        self.p.stdin.flush()
        blocks = {}
        while True:
            line = self.p.stdout.readline()
            if line == "":
                raise RuntimeError("psql session for counting ended")
            line = line.strip()
            if line == "kc-end":
                break
            blk, n = line.split("|")
            blocks[int(blk)] = int(n)
        got = self.base_rows + sum(blocks.values())
        if blocks:
            last = max(blocks)
            self.base_rows += sum(n for b, n in blocks.items() if b < last)
            self.base_blk = last
        return got

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def delete_topic(bootstrap, topic):
    """With bench/run's raw tool (it builds it); without it the topic
    stays, and this says so."""
    raw = os.path.join(ROOT, ".cache", "bench", "kc_raw_limit")
    if os.path.exists(raw):
        subprocess.run([raw, "delete", "-b", bootstrap, "-t", topic],
                       capture_output=True, timeout=120)
    else:
        log("topic %s left on the broker (no %s)" % (topic, raw))


def checksum(dsn, table):
    return psql(dsn, "SELECT count(*) || ' ' || md5(string_agg(%s, E'\\n' "
                "ORDER BY id)) FROM %s" % (ROW_TEXT, table))


def setup_debezium(args):
    """The Apache Connect jars (scripts/apache-connect, the version the
    bench's Apache side runs) and Debezium's JDBC sink as a plugin.path
    directory of its own (its own class loader, for Hibernate and the JDBC
    drivers). Jackson's core jars are left out of it: Apache's classpath
    has jackson-datatype-jdk8 as a ServiceLoader Module, which Hibernate's
    findAndRegisterModules then meets as "not a subtype" of the plugin's
    own Module class; both are 2.19.0 here, so the plugin uses Apache's."""
    r = subprocess.run([os.path.join(ROOT, "scripts", "apache-connect")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("scripts/apache-connect: " + r.stderr[-2000:])
    args.apache_dir = r.stdout.strip().splitlines()[-1]
    args.plugin_path = os.path.join(ROOT, ".cache", "debezium-jdbc-plugins")
    plugin = os.path.join(args.plugin_path,
                          "debezium-connector-jdbc-" + DEBEZIUM_VERSION)
    if not os.path.exists(os.path.join(
            plugin, "debezium-connector-jdbc-%s.jar" % DEBEZIUM_VERSION)):
        log("fetching Debezium's JDBC sink %s (bench/debezium-jdbc/pom.xml)"
            % DEBEZIUM_VERSION)
        r = subprocess.run(
            ["mvn", "-q", "-B", "-f", os.path.join(ROOT, "bench",
                                                   "debezium-jdbc",
                                                   "pom.xml"),
             "-Ddebezium.version=" + DEBEZIUM_VERSION,
             "dependency:copy-dependencies", "-DoutputDirectory=" + plugin,
             "-DexcludeGroupIds=org.apache.kafka,org.slf4j,"
             "com.fasterxml.jackson.core"],
            capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("fetching Debezium failed: " +
                               (r.stdout + r.stderr)[-3000:])


def run_ceiling(args, cpath, schema):
    table = "%s.ceiling_%s" % (schema, uuid.uuid4().hex[:8])
    psql(args.dsn, "CREATE TABLE %s (%s)" % (table, PG_COLUMNS))
    t0 = time.monotonic()
    p = subprocess.Popen(["psql", "-qAtX", args.dsn, "-c",
                          "\\copy %s FROM '%s'" % (table, cpath)])
    ru = os.wait4(p.pid, 0)[2]
    secs = time.monotonic() - t0
    got = int(psql(args.dsn, "SELECT count(*) FROM %s" % table))
    return {"side": "copy-ceiling", "ok": got == args.records,
            "checksum": checksum(args.dsn, table),
            "secs": secs, "rows_per_s": args.records / secs,
            "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_kb": ru.ru_maxrss,
            "note": "psql client only; the server's CPU is not counted"}


def run_worker(args, binary, side, mode, topic, schema, tmp):
    table = "%s.%s_%s" % (schema, side.replace("-", "_"), uuid.uuid4().hex[:6])
    name = "bench-jdbc-%s" % uuid.uuid4().hex[:8]
    port = free_port(*args.ports)
    d = tempfile.mkdtemp(dir=tmp)
    host, dbport = args.dsn.split("@")[1].split("/")[0].split(":")
    worker = {"bootstrap.servers": args.bootstrap,
              "offset.storage.file.filename": os.path.join(d, "offsets"),
              "offset.flush.interval.ms": "1000",
              "listeners": "http://127.0.0.1:%d" % port,
              "key.converter": "org.apache.kafka.connect.json.JsonConverter",
              "value.converter":
              "org.apache.kafka.connect.json.JsonConverter",
              "consumer.max.poll.records": str(args.batch)}
    conn = {"name": name,
            "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
            "tasks.max": "1", "topics": topic,
            "connection.url": "jdbc:postgresql://%s:%s/kconnect" % (host,
                                                                   dbport),
            "connection.user": "kconnect", "connection.password": "kconnect",
            "table.name.format": table, "auto.create": "true",
            "insert.mode": mode, "batch.size": str(args.batch)}
    if mode == "upsert":
        conn.update({"pk.mode": "record_value", "pk.fields": "id"})
    if binary == "debezium":
        worker["plugin.path"] = args.plugin_path
        conn = {"name": name,
                "connector.class":
                "io.debezium.connector.jdbc.JdbcSinkConnector",
                "tasks.max": "1", "topics": topic,
                "connection.url": conn["connection.url"],
                "connection.username": "kconnect",
                "connection.password": "kconnect",
                "collection.name.format": table,
                "schema.evolution": "basic", "insert.mode": mode,
                "primary.key.mode":
                "record_value" if mode == "upsert" else "none",
                "batch.size": str(args.batch)}
        if mode == "upsert":
            conn["primary.key.fields"] = "id"
        cmd = (["java"] + APACHE_JVM + [
            "-Dlog4j2.configurationFile=" + os.path.join(
                ROOT, "bench", "log4j2.properties"),
            "-cp", os.path.join(args.apache_dir, "*"),
            "org.apache.kafka.connect.cli.ConnectStandalone"])
    else:
        cmd = [binary, "standalone"]
    for path, props in (("worker.properties", worker),
                        ("connector.properties", conn)):
        with open(os.path.join(d, path), "w") as f:
            for k, v in props.items():
                f.write("%s=%s\n" % (k, v))
    logf = open(os.path.join(d, "worker.log"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd + [os.path.join(d, "worker.properties"),
                          os.path.join(d, "connector.properties")],
                         stdout=logf, stderr=subprocess.STDOUT)
    got, cpu, hwm, deadline = 0, None, None, t0 + 60 + args.records / 2000
    first = cpu_first = None
    one_poll = False
    counter = RowCounter(args.dsn, table)
    try:
        while time.monotonic() < deadline and p.poll() is None:
            got = counter.count()
            if got > 0 and first is None:
                first, cpu_first = time.monotonic(), cpu_s(p.pid)
                # all rows in at the first poll that saw any: too fast for
                # this 100 ms clock, no rate (use a larger --records)
                one_poll = got >= args.records
            if got >= args.records:
                cpu, hwm = cpu_s(p.pid), hwm_kb(p.pid)
                break
            time.sleep(0.1)
        secs = time.monotonic() - t0
    finally:
        counter.close()
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        logf.close()
    ok = got == args.records
    if ok:
        sums = checksum(args.dsn, table)
    if not ok:
        log("%s: %d of %d rows; log in %s" % (side, got, args.records, d))
    else:
        shutil.rmtree(d, ignore_errors=True)
    # the rate counts from the first row in: start-up and the consumer
    # group join are not the sink's speed (secs, the wall time, has them)
    return {"side": side, "mode": mode, "ok": ok, "secs": secs,
            "rows_per_s": args.records / (t0 + secs - first)
            if ok and first is not None and not one_poll else None,
            "cpu_s": cpu, "peak_rss_kb": hwm,
            # from the first row in to the last: the JVM's start-up and
            # class loading (seconds of CPU) left out
            "cpu_run_s": cpu - cpu_first
            if cpu is not None and cpu_first is not None else None,
            "checksum": sums if ok else None}


def targets(args, results):
    """Issue 12's targets, kconnect against the Java peer in the same
    mode and against the ceiling."""
    by = {r["side"]: r for r in results}

    def rate(side):
        r = by.get(side)
        return r["rows_per_s"] if r and r["ok"] else None

    def cpu(side, key):
        r = by.get(side)
        return r[key] / args.records if r and r["ok"] and \
            r.get(key) is not None else None

    def line(what, got, goal, ok):
        print("| %s | %s | %s | %s |" % (
            what, got, goal, "-" if ok is None else "met" if ok else
            "NOT met"))
    print()
    print("| target | measured | goal | verdict |")
    print("| --- | ---: | ---: | --- |")
    for mode in ("insert", "upsert"):
        k, j = rate("kconnect-" + mode), rate("debezium-" + mode)
        line("%s rows/s vs Debezium" % mode,
             "%.1fx" % (k / j) if k and j else "-", ">= 3x",
             k / j >= 3 if k and j else None)
        for key, what in (("cpu_s", "start-up included"),
                          ("cpu_run_s", "from the first row in")):
            k, j = cpu("kconnect-" + mode, key), cpu("debezium-" + mode, key)
            line("%s CPU per row vs Debezium (%s)" % (mode, what),
                 "1/%.1f" % (j / k) if k and j else "-", "<= 1/5",
                 k * 5 <= j if k and j else None)
    k, c = rate("kconnect-insert"), results[0]["rows_per_s"]
    line("insert rows/s vs COPY ceiling",
         "%.0f%%" % (100 * k / c) if k and c else "-", ">= 50%",
         k / c >= 0.5 if k and c else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--batch", type=int, default=3000,
                    help="batch.size and consumer.max.poll.records")
    ap.add_argument("--kconnect", default=os.path.join(ROOT, "build",
                                                       "kconnect"))
    ap.add_argument("--kconnect-old", default=None)
    ap.add_argument("--ports", default="21250-21300",
                    help="LO-HI: the workers' REST ports are picked here")
    ap.add_argument("--no-debezium", action="store_true",
                    help="skip the Java peer (Debezium's JDBC sink on "
                    "Apache Connect)")
    ap.add_argument("--dsn", default=None)
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--out", default=None, help="JSON results file")
    ap.add_argument("--sides", default=None,
                    help="comma-separated worker sides to run (default: "
                    "all); the ceiling always runs")
    args = ap.parse_args()
    args.ports = tuple(int(x) for x in args.ports.split("-"))
    if args.dsn is None:
        args.dsn = subprocess.run([os.path.join(ROOT, "scripts", "postgres"),
                                   "dsn"], capture_output=True, text=True,
                                  check=True).stdout.strip()
    tmp = os.path.join(ROOT, ".cache", "bench", "jdbc-sink")
    os.makedirs(tmp, exist_ok=True)
    jpath, cpath = make_inputs(args.records, tmp)
    topic = "kcb-jdbc-sink-%s" % uuid.uuid4().hex[:8]
    log("producing %d records to %s" % (args.records, topic))
    subprocess.run(["kcat", "-b", args.bootstrap, "-P", "-t", topic, "-X",
                    "acks=all", "-l", jpath], check=True, timeout=1200)
    schema = "bench_%s" % uuid.uuid4().hex[:8]
    psql(args.dsn, "CREATE SCHEMA %s" % schema)
    results = []
    try:
        results.append(run_ceiling(args, cpath, schema))
        log("copy-ceiling: %r" % results[-1])
        sides = [("kconnect-insert", args.kconnect, "insert"),
                 ("kconnect-upsert", args.kconnect, "upsert")]
        if not args.no_debezium:
            sides += [("debezium-insert", "debezium", "insert"),
                      ("debezium-upsert", "debezium", "upsert")]
        if args.kconnect_old:
            sides.append(("kconnect-old-insert", args.kconnect_old,
                          "insert"))
        if args.sides:
            sides = [x for x in sides if x[0] in args.sides.split(",")]
        if any(x[1] == "debezium" for x in sides):
            setup_debezium(args)
        for side, binary, mode in sides:
            results.append(run_worker(args, binary, side, mode, topic,
                                        schema, tmp))
            log("%s: %r" % (side, results[-1]))
    finally:
        psql(args.dsn, "DROP SCHEMA %s CASCADE" % schema)
        delete_topic(args.bootstrap, topic)
    ceiling = results[0]["rows_per_s"]
    want = results[0]["checksum"]
    print("| side | rows/s | vs COPY ceiling | wall s | CPU s per M rows "
          "| run CPU s per M rows | peak RSS MB | rows, md5 same as ceiling |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        rate = r["rows_per_s"]
        print("| %s | %s | %s | %.1f | %s | %s | %s | %s |" % (
            r["side"], "%.0f" % rate if rate else
            "in one poll" if r["ok"] else "FAILED",
            "%.0f%%" % (100 * rate / ceiling) if rate else "-", r["secs"],
            "%.1f" % (r["cpu_s"] * 1e6 / args.records)
            if r["cpu_s"] is not None else "-",
            "%.1f" % (r["cpu_run_s"] * 1e6 / args.records)
            if r.get("cpu_run_s") is not None else "-",
            "%.1f" % (r["peak_rss_kb"] / 1024) if r["peak_rss_kb"] else "-",
            "-" if r is results[0] else
            "yes" if r["checksum"] == want else "NO (%s)" % r["checksum"]))
    print()
    print("checksum of the ceiling's table: %s" % want)
    targets(args, results)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"records": args.records, "batch": args.batch,
                       "results": results}, f, indent=1)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
