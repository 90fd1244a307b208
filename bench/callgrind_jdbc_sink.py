#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions per record of the JDBC sink (Kafka -> JsonConverter ->
PostgreSQL), counted by valgrind's callgrind: exact where wall-clock time
on a shared machine is not.

The jdbc-sink scenario's records (JSON with schema, 10 columns, made by
bench/jdbc_sink.py's make_inputs) are produced once into a fresh topic;
then `kconnect standalone` under callgrind runs the JdbcSinkConnector
(insert.mode=insert or upsert, batch.size and consumer.max.poll.records
3000, auto.create) into a fresh table, stopped with SIGTERM once the table
holds every record. Printed: the instructions of the whole process and of
the task thread per record (start-up and the group join included: a fixed
cost, the same in every run). The table is dropped at the end, and the
topic too when bench/run has built .cache/bench/kc_raw_limit.

  bench/callgrind_jdbc_sink.py --kconnect build/kconnect --out DIR \\
      --pg-port 35632 [--records 100000] [--mode insert|upsert] \\
      [--bootstrap 127.0.0.1:9092] [--port 35610]

Used for bench/results/2026-12-05e-jdbc-sink-cpu.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind_pipeline import run, write_props  # noqa: E402
from jdbc_sink import RowCounter, delete_topic, make_inputs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kconnect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pg-port", type=int, required=True)
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--mode", default="insert")
    ap.add_argument("--batch", type=int, default=3000)
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--port", type=int, default=35610)
    ap.add_argument("--timeout", type=int, default=1200)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    dsn = "postgresql://kconnect:kconnect@127.0.0.1:%d/kconnect" % args.pg_port
    tmp = os.path.join(tempfile.gettempdir(), "kc-cg-jdbc-sink-inputs")
    os.makedirs(tmp, exist_ok=True)
    jpath, _ = make_inputs(args.records, tmp)
    topic = "kc-cg-sink-%s" % uuid.uuid4().hex[:8]
    table = "cg_sink_%s" % uuid.uuid4().hex[:8]
    subprocess.run(["kcat", "-b", args.bootstrap, "-P", "-t", topic, "-p",
                    "0", "-l", jpath], check=True, timeout=600)
    wp, cp = (os.path.join(args.out, n)
              for n in ("worker.properties", "sink.properties"))
    write_props(wp, {
        "bootstrap.servers": args.bootstrap,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "offset.flush.interval.ms": "1000",
        "offset.storage.file.filename": os.path.join(args.out, "offsets"),
        "consumer.max.poll.records": str(args.batch),
        "listeners": "http://127.0.0.1:%d" % args.port})
    conn = {"name": "cg-sink-" + uuid.uuid4().hex[:8], "tasks.max": "1",
            "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
            "topics": topic,
            "connection.url": "jdbc:postgresql://127.0.0.1:%d/kconnect"
                              % args.pg_port,
            "connection.user": "kconnect", "connection.password": "kconnect",
            "table.name.format": table, "auto.create": "true",
            "insert.mode": args.mode, "batch.size": str(args.batch)}
    if args.mode == "upsert":
        conn.update({"pk.mode": "record_value", "pk.fields": "id"})
    write_props(cp, conn)

    counter = RowCounter(dsn, table)
    try:
        r = run(args, args.mode, wp, cp,
                lambda: counter.count() >= args.records)
    finally:
        counter.close()
        subprocess.run(["psql", "-qAtX", dsn, "-c",
                        "DROP TABLE IF EXISTS %s" % table],
                       capture_output=True, timeout=60)
        delete_topic(args.bootstrap, topic)
    r["process_instr_per_record"] = r["process_instr_per_M"] // 1000000
    r["task_thread_instr_per_record"] = r["task_thread_instr_per_M"] // 1000000
    print(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
