#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions per row of the JDBC source (PostgreSQL -> JsonConverter ->
Kafka), counted by valgrind's callgrind: exact where wall-clock time on a
shared machine is not.

`kconnect standalone` under callgrind reads TABLE (the jdbc-source
scenario's 10 columns, filled by bench/run or by hand) with the bench's
settings (batch.max.rows=2000, JsonConverter with schemas, linger.ms=5,
batch.size=262144), stopped with SIGTERM once the topic holds every row.
Printed: the instructions of the whole process and of the task thread per
row (connection set-up included: a fixed cost, the same in every run).

  bench/callgrind_jdbc_source.py --kconnect build/kconnect --out DIR \\
      --pg-port 36032 --table bench_rows_50000 --rows 50000 \\
      [--mode incrementing|bulk] [--bootstrap 127.0.0.1:9092]

Used for bench/results/2026-12-05c-jdbc-source.md.
"""

import argparse
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind_pipeline import high_watermark, run, write_props  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kconnect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pg-port", type=int, required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--mode", default="incrementing")
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--port", type=int, default=36110)
    ap.add_argument("--timeout", type=int, default=1200)
    args = ap.parse_args()
    args.records = args.rows  # what run() divides by
    os.makedirs(args.out, exist_ok=True)
    prefix = "kc-cg-%s-" % uuid.uuid4().hex[:8]
    topic = prefix + args.table
    wp, cp = (os.path.join(args.out, n)
              for n in ("worker.properties", "source.properties"))
    write_props(wp, {
        "bootstrap.servers": args.bootstrap,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "offset.flush.interval.ms": "1000",
        "offset.storage.file.filename": os.path.join(args.out, "offsets"),
        "producer.linger.ms": "5", "producer.batch.size": "262144",
        "listeners": "http://127.0.0.1:%d" % args.port})
    conn = {"name": "cg-jdbc", "tasks.max": "1",
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "connection.url": "jdbc:postgresql://127.0.0.1:%d/kconnect"
                              % args.pg_port,
            "connection.user": "kconnect", "connection.password": "kconnect",
            "table.whitelist": args.table, "topic.prefix": prefix,
            "mode": args.mode, "batch.max.rows": "2000",
            "poll.interval.ms": "5000"}
    if args.mode == "incrementing":
        conn["incrementing.column.name"] = "id"
    write_props(cp, conn)
    r = run(args, args.mode, wp, cp,
            lambda: high_watermark(args.bootstrap, topic) >= args.rows)
    r["process_instr_per_row"] = r["process_instr_per_M"] // 1000000
    r["task_thread_instr_per_row"] = r["task_thread_instr_per_M"] // 1000000
    print(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
