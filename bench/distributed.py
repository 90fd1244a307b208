#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The distributed scenario (bench/run distributed): kconnect and Apache
Kafka Connect 4.1.1 distributed workers side by side on the same broker.
Reports, never asserts.

  failover    3 workers, a VerifiableSource of 3 tasks (10 records/s each);
              a worker running a task is killed with SIGKILL, a follower
              or the group's leader (--victims; the role matters: a new
              leader has no previous assignment, so it gives a dead
              worker's tasks away at once whatever the delay); measured:
              the time from the kill to the first record a new owner of
              each of the dead worker's tasks produced (the time_ms of its
              JSON line on the new owner's stdout). Once with Apache's
              defaults (session.timeout.ms=10000, heartbeat 3000,
              scheduled.rebalance.max.delay.ms=300000: about 5 minutes),
              once with scheduled.rebalance.max.delay.ms=0.
  rebalance   3 workers, a VerifiableSource of --tasks tasks (1 record/s
              each), scheduled.rebalance.max.delay.ms=0: the time from
              creating the connector to every task RUNNING (start), and
              from SIGTERM of one worker to every task RUNNING on the two
              others (leave).
  idle        one worker alone in its group, no connectors: RSS (VmRSS)
              --idle seconds after its REST API first answered.

Workers are tests/e2e/dcluster.py's (the e2e harness): the Apache side
runs with connect-distributed.sh's JVM flags, kconnect is
$KCONNECT_BIN or build/kconnect. Results: bench/results/<date>-distributed
.json and .md, with the machine's load average noted.

  bench/distributed.py [--sides kconnect,apache] [--only failover,...]
                       [--failover-configs delay0,defaults]
                       [--victims follower,leader] [--tasks 50]
                       [--idle 30] [--bootstrap HOST:PORT]
"""

import argparse
import datetime
import json
import os
import re
import socket
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

import dcluster  # noqa: E402

# connect-distributed.sh: its heap, then kafka-run-class.sh's flags.
APACHE_JVM = ("-Xms256M -Xmx2G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
              "-XX:InitiatingHeapOccupancyPercent=35 "
              "-XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 "
              "-Djava.awt.headless=true").split()
FAILOVER_CONFIGS = {
    "defaults": {},
    "delay0": {"scheduled.rebalance.max.delay.ms": "0"},
}


def log(msg):
    print("distributed: %s" % msg, file=sys.stderr, flush=True)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def cluster(args, tmp, extra):
    c = dcluster.Cluster(tmp, protocol="sessioned", bootstrap=args.bootstrap,
                         java_opts=APACHE_JVM,
                         timeouts={"offset.flush.interval.ms": "1000"},
                         extra=extra)
    return c


def leader_of(c, ws, timeout=120.0):
    """The group's leader, from the last assignment each worker logged:
    Apache's "got assignment: Assignment{..., leaderUrl='http://h:p/'",
    kconnect's "Joined group ... as <member> (leader <member>)"."""
    apache_url = re.compile(r"leaderUrl='([^']*)'")
    joined = re.compile(r"Joined group \S+ at generation \d+ with protocol "
                        r"\S+ as (\S+) \(leader (\S+)\)")

    def find():
        found = []
        for w in ws:
            text = w.err_path.read_text(errors="replace")
            if w.kind == "kconnect":
                m = joined.findall(text)
                if m and m[-1][0] == m[-1][1]:
                    found.append(w)
            else:
                m = apache_url.findall(text)
                if m:
                    found += [x for x in ws
                              if x.url.rstrip("/") == m[-1].rstrip("/")]
        found = list({id(w): w for w in found}.values())
        return found[0] if len(found) == 1 else None
    return c.wait("a single leader", find, timeout=timeout)


def failover(args, tmp, side, config, role):
    c = cluster(args, tmp, FAILOVER_CONFIGS[config])
    try:
        ws = [c.add(side) for _ in range(3)]
        c.wait_ready(timeout=300)
        topic = c.topic("bench-fo")
        ws[0].put("/connectors/vsrc/config",
                  dcluster.source_config(topic, 3, throughput=10))
        st = c.wait_running("vsrc", 3, timeout=300)
        leader = leader_of(c, ws)
        owners = {t["worker_id"] for t in st["tasks"]}
        victim = next((w for w in ws if w.id in owners
                       and (w is leader) == (role == "leader")), None)
        if victim is None:
            raise RuntimeError("no %s runs a task: %r" % (role, st))
        moved = [t["id"] for t in st["tasks"] if t["worker_id"] == victim.id]
        time.sleep(3)
        t_kill = time.time() * 1000
        victim.kill9()
        log("%s %s: killed the %s %r running tasks %r" % (
            side, config, role, victim, moved))

        def firsts():
            out = {}
            for w in c.alive():
                for ln in w.lines():
                    if ln.get("name") == "vsrc" and "committed" not in ln \
                            and ln.get("task") in moved \
                            and ln["time_ms"] > t_kill:
                        t = ln["task"]
                        out[t] = min(out.get(t, ln["time_ms"]),
                                     ln["time_ms"])
            return out if len(out) == len(moved) else None
        got = c.wait("the dead worker's tasks producing again", firsts,
                     timeout=args.failover_timeout)
        return {"scenario": "failover", "config": config, "side": side,
                "victim": role, "tasks_moved": len(moved),
                "failover_s": round((max(got.values()) - t_kill) / 1000, 2),
                "first_task_s": round((min(got.values()) - t_kill) / 1000,
                                      2)}
    finally:
        c.cleanup()


def all_running(c, via, n, live):
    code, st = via.request("GET", "/connectors/vsrc/status", timeout=10)
    return code == 200 and len(st["tasks"]) == n and all(
        t["state"] == "RUNNING" and t["worker_id"] in live
        for t in st["tasks"])


def rebalance(args, tmp, side):
    c = cluster(args, tmp, FAILOVER_CONFIGS["delay0"])
    try:
        ws = [c.add(side) for _ in range(3)]
        c.wait_ready(timeout=300)
        topic = c.topic("bench-rb")
        live = {w.id for w in ws}
        t0 = time.monotonic()
        ws[0].put("/connectors/vsrc/config",
                  dcluster.source_config(topic, args.tasks, throughput=1))
        c.wait("%d tasks running" % args.tasks,
               lambda: all_running(c, ws[1], args.tasks, live),
               timeout=600, interval=0.1)
        start_s = time.monotonic() - t0
        time.sleep(3)
        out = {"scenario": "rebalance", "side": side, "tasks": args.tasks,
               "start_s": round(start_s, 2)}
        t0 = time.monotonic()
        ws[2].stop()
        live.discard(ws[2].id)
        try:
            c.wait("%d tasks running on two workers" % args.tasks,
                   lambda: all_running(c, ws[0], args.tasks, live),
                   timeout=args.failover_timeout, interval=0.1)
            out["leave_s"] = round(time.monotonic() - t0, 2)
        except AssertionError as e:
            # The start was measured: keep it, and say what went wrong.
            out["leave_error"] = str(e)[:2000]
        return out
    finally:
        c.cleanup()


def idle(args, tmp, side):
    c = cluster(args, tmp, {})
    try:
        w = c.add(side)
        c.wait_ready(timeout=300)
        time.sleep(args.idle)
        return {"scenario": "idle", "side": side, "idle_s": args.idle,
                "rss_mb": round(rss_kb(w.proc.pid) / 1024, 1)}
    finally:
        c.cleanup()


def render(results, meta):
    out = ["# distributed: kconnect and Apache Kafka Connect %s side by side"
           % meta["apache"], "",
           "%s on %s, %d cores; load average before: %s, after: %s. "
           "Reported, not asserted; one run per side." % (
               meta["date"], meta["host"], meta["cores"],
               meta["load_before"], meta["load_after"]), ""]
    out += ["| scenario | config | side | result |", "| --- | --- | --- | --- |"]
    for r in results:
        if "error" in r:
            what = "failed: %s" % r["error"].splitlines()[0][:160]
        elif r["scenario"] == "failover":
            what = ("kill -9 of the %s → first record from the new owner: "
                    "%.2f s (all %d moved tasks), %.2f s (first)" % (
                        r["victim"], r["failover_s"], r["tasks_moved"],
                        r["first_task_s"]))
        elif r["scenario"] == "rebalance":
            what = "%d tasks: create → all running %.2f s; " % (
                r["tasks"], r["start_s"])
            what += ("one worker stopped → all running on two %.2f s"
                     % r["leave_s"] if "leave_s" in r else
                     "one worker stopped → not all running on two: %s"
                     % r["leave_error"].splitlines()[0][:160])
        else:
            what = "RSS %.1f MB after %d s idle" % (r["rss_mb"], r["idle_s"])
        out.append("| %s | %s | %s | %s |" % (r["scenario"],
                                              r.get("config", ""),
                                              r["side"], what))
    out += ["", "Goals (issue 13): failover ≤ session.timeout.ms + 2 s with "
            "delay 0; a distributed worker idle ≤ 15 MB.", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sides", default="kconnect,apache")
    ap.add_argument("--only", default="failover,rebalance,idle")
    ap.add_argument("--failover-configs", default="delay0,defaults")
    ap.add_argument("--victims", default="follower,leader")
    ap.add_argument("--failover-timeout", type=float, default=600)
    ap.add_argument("--tasks", type=int, default=50)
    ap.add_argument("--idle", type=float, default=30)
    ap.add_argument("--bootstrap", default=os.environ.get(
        "KC_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    ap.add_argument("--out", default=None, help="results file stem")
    args = ap.parse_args()
    sides = args.sides.split(",")
    only = args.only.split(",")
    meta = {"date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC"), "host": socket.gethostname(),
            "cores": os.cpu_count(), "apache": "4.1.1",
            "load_before": "%.2f %.2f %.2f" % os.getloadavg()}
    results = []
    tmp = tempfile.mkdtemp(prefix="kc-bench-distributed-")
    jobs = []
    if "failover" in only:
        for config in args.failover_configs.split(","):
            for role in args.victims.split(","):
                jobs += [(failover, side, (config, role)) for side in sides]
    if "rebalance" in only:
        jobs += [(rebalance, side, None) for side in sides]
    if "idle" in only:
        jobs += [(idle, side, None) for side in sides]
    for fn, side, config in jobs:
        log("%s %s %s" % (fn.__name__, side, " ".join(config or ())))
        try:
            r = fn(args, tmp, side, *config) if config else fn(args, tmp,
                                                                side)
        except BaseException as e:  # a skip, a timeout, a worker that died
            if isinstance(e, KeyboardInterrupt):
                raise
            r = {"scenario": fn.__name__, "side": side, "error": str(e)}
            if config:
                r["config"], r["victim"] = config
        log(json.dumps(r)[:400])
        results.append(r)
    meta["load_after"] = "%.2f %.2f %.2f" % os.getloadavg()
    stem = args.out or os.path.join(
        ROOT, "bench", "results", "%s-distributed" %
        datetime.date.today().isoformat())
    with open(stem + ".json", "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write(render(results, meta))
    print(render(results, meta))
    return 0 if all("error" not in r and "leave_error" not in r
                    for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
