#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions per million records of a kconnect pipeline, counted by
valgrind's callgrind (exact, unlike wall-clock time on a loaded machine).

Two runs of `kconnect standalone` under callgrind on a Kafka broker:
  source: a file of N lines (200 B each) -> FileStreamSource -> topic,
          done when the topic holds N records;
  sink:   that topic -> FileStreamSink -> file, done when the file holds
          N lines.
Each run is stopped with SIGTERM once done; callgrind writes one profile
per thread (--separate-threads=yes). Printed: the instructions of the
whole process and of the task thread (the one running
kc_source_task_run / kc_sink_task_run), per million records.

  bench/callgrind_pipeline.py --kconnect build-rel/kconnect --out DIR \
      [--records 200000] [--bootstrap 127.0.0.1:9092]

Needs valgrind and kcat. Used for bench/results/2026-12-05-metrics-overhead.md.
"""

import argparse
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid

STRING = "org.apache.kafka.connect.storage.StringConverter"


def write_props(path, props):
    with open(path, "w") as f:
        for k, v in props.items():
            f.write("%s=%s\n" % (k, v))


def high_watermark(bootstrap, topic):
    r = subprocess.run(["kcat", "-b", bootstrap, "-Q", "-t", topic + ":0:-1"],
                       capture_output=True, text=True, timeout=30)
    m = re.search(r"\[0\] offset (-?\d+)", r.stdout)
    return int(m.group(1)) if m else -1


def line_count(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(buf.count(b"\n") for buf in iter(lambda: f.read(1 << 20), b""))


def thread_totals(prefix):
    """{thread file: (instructions, is task thread)}"""
    out = {}
    for path in glob.glob(prefix + "*"):
        total = None
        task = False
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total = int(line.split()[1])
                elif "kc_source_task_run" in line or "kc_sink_task_run" in line:
                    # Named once per file (name compression), in whichever
                    # line comes first; only the task's thread names it.
                    task = True
        out[path] = (total or 0, task)
    return out


def run(args, side, wp, cp, done):
    prefix = os.path.join(args.out, "callgrind.%s" % side)
    cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
           "--callgrind-out-file=" + prefix + ".%p",
           args.kconnect, "standalone", wp, cp]
    log = open(os.path.join(args.out, side + ".log"), "w")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    t0 = time.time()
    while not done():
        if p.poll() is not None:
            sys.exit("%s: kconnect exited early (%s)" % (side, log.name))
        if time.time() - t0 > args.timeout:
            p.send_signal(signal.SIGTERM)
            sys.exit("%s: not done after %d s" % (side, args.timeout))
        time.sleep(1)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=600)
    log.close()
    threads = thread_totals(prefix)
    total = sum(v[0] for v in threads.values())
    task = sum(v[0] for v in threads.values() if v[1])
    per_m = 1e6 / args.records
    return {"side": side, "seconds": round(time.time() - t0, 1),
            "threads": len(threads),
            "process_instr_per_M": int(total * per_m),
            "task_thread_instr_per_M": int(task * per_m)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kconnect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--port", type=int, default=22510)
    ap.add_argument("--timeout", type=int, default=1200)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    infile = os.path.join(args.out, "input.txt")
    with open(infile, "w") as f:
        for i in range(args.records):
            f.write(("record-%09d-" % i).ljust(199, "x") + "\n")
    topic = "kc-callgrind-" + uuid.uuid4().hex[:8]
    worker = {"bootstrap.servers": args.bootstrap,
              "key.converter": STRING, "value.converter": STRING,
              "offset.flush.interval.ms": "10000",
              "listeners": "http://127.0.0.1:%d" % args.port}
    results = []

    w = dict(worker, **{"offset.storage.file.filename":
                        os.path.join(args.out, "offsets.source")})
    wp, cp = (os.path.join(args.out, n) for n in ("source-worker.properties",
                                                  "source.properties"))
    write_props(wp, w)
    write_props(cp, {"name": "cg-source", "tasks.max": "1",
                     "connector.class":
                     "org.apache.kafka.connect.file.FileStreamSourceConnector",
                     "file": infile, "topic": topic, "batch.size": "2000"})
    results.append(run(args, "source", wp, cp,
                       lambda: high_watermark(args.bootstrap, topic)
                       >= args.records))

    outfile = os.path.join(args.out, "sink-output.txt")
    w = dict(worker, **{"offset.storage.file.filename":
                        os.path.join(args.out, "offsets.sink")})
    wp, cp = (os.path.join(args.out, n) for n in ("sink-worker.properties",
                                                  "sink.properties"))
    write_props(wp, w)
    write_props(cp, {"name": "cg-sink-" + uuid.uuid4().hex[:8],
                     "tasks.max": "1",
                     "connector.class":
                     "org.apache.kafka.connect.file.FileStreamSinkConnector",
                     "file": outfile, "topics": topic})
    results.append(run(args, "sink", wp, cp,
                       lambda: line_count(outfile) >= args.records))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
