# SPDX-License-Identifier: Apache-2.0
"""Automatic restart of FAILED tasks (kconnect's auto.restart.* keys, issue
15), with a source plugin loaded from plugin.path whose first task starts
fail (tests/plugins/flaky_source, built as
<build>/tests/plugins/sources/flaky/kc_flaky_source.so). No REST call
restarts anything here. The same figures are read from GET /metrics
(kconnect's own kconnect_auto_restart_* series), parsed by
prometheus_client.
"""

import calendar
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kconnect_worker import find_binary, kconnect  # noqa


def plugin_dir():
    path = find_binary().parent / "tests" / "plugins" / "sources"
    if not (path / "flaky" / "kc_flaky_source.so").exists():
        pytest.fail("flaky source plugin not built: %s (build the tests)"
                    % path)
    return path


def flaky(tmp_path, fail_starts, **extra):
    conf = {
        "name": "flaky",
        "connector.class": "io.kconnect.test.FlakySource",
        "tasks.max": "1",
        "topic": "kc-flaky-unused",
        "count.file": str(tmp_path / "starts"),
        "fail.starts": str(fail_starts),
    }
    conf.update(extra)
    return conf


def task_state(w):
    st = w.get("/connectors/flaky/status")
    return st["tasks"][0] if st.get("tasks") else None


def restart_metrics(w, task="0"):
    """{series: value} of the kconnect_auto_restart_* samples of task
    ``task`` of connector flaky (``task`` None: the connector's), parsed
    by prometheus_client (which raises on a malformed exposition)."""
    with urllib.request.urlopen(w.url + "/metrics", timeout=10) as r:
        text = r.read().decode("utf-8")
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if not s.name.startswith("kconnect_auto_restart_"):
                continue
            assert fam.type == "gauge", fam
            if (s.labels.get("connector") == "flaky"
                    and s.labels.get("task") == task):
                assert s.name not in out, s
                out[s.name] = s.value
    return out


def iso_seconds(text):
    """Seconds since the epoch of "2026-12-05T03:12:23.456Z"."""
    whole, frac = text.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) \
        + int(frac) / 1000.0


def test_task_failing_twice_is_running_again_without_rest_call(
        kconnect, tmp_path):
    w = kconnect(worker={"plugin.path": str(plugin_dir()),
                         "auto.restart.enable": "true",
                         "auto.restart.backoff.ms": "300",
                         "auto.restart.backoff.factor": "2"},
                 connectors=[flaky(tmp_path, 2)])

    def running():
        t = task_state(w)
        return t if t and t["state"] == "RUNNING" else None

    t = w.wait_for(running, timeout=30, what="the task RUNNING again")
    assert (tmp_path / "starts").read_text().strip() == "3"
    # Two automatic restarts, none pending, not given up.
    assert t["auto_restart"]["attempts"] == 2, t
    assert t["auto_restart"]["next_restart"] is None
    assert t["auto_restart"]["gave_up"] is False
    assert "Restarting FAILED task flaky-0 automatically (attempt 2" \
        in w.log()
    assert restart_metrics(w) == {
        "kconnect_auto_restart_attempts": 2,
        "kconnect_auto_restart_next_timestamp_seconds": 0,
        "kconnect_auto_restart_gave_up": 0}


def test_task_that_keeps_failing_stops_after_the_limit(kconnect, tmp_path):
    # The connector's own keys override the worker's (off there).
    w = kconnect(worker={"plugin.path": str(plugin_dir())},
                 connectors=[flaky(tmp_path, -1, **{
                     "auto.restart.enable": "true",
                     "auto.restart.backoff.ms": "100",
                     "auto.restart.max.attempts": "3"})])

    def gave_up():
        t = task_state(w)
        return t if t and t.get("auto_restart", {}).get("gave_up") else None

    t = w.wait_for(gave_up, timeout=30, what="auto restart to give up")
    assert t["state"] == "FAILED"
    assert t["auto_restart"]["attempts"] == 3
    assert t["auto_restart"]["max_attempts"] == 3
    # The first start and three restarts, then no more.
    assert (tmp_path / "starts").read_text().strip() == "4"
    assert "Giving up restarting FAILED task flaky-0 automatically after " \
        "3 attempts" in w.log()
    # Still there on the list view.
    st = w.get("/connectors?expand=status")["flaky"]["status"]
    assert st["tasks"][0]["auto_restart"]["gave_up"] is True
    assert restart_metrics(w) == {
        "kconnect_auto_restart_attempts": 3,
        "kconnect_auto_restart_next_timestamp_seconds": 0,
        "kconnect_auto_restart_gave_up": 1}


@pytest.mark.parametrize("naming", ["strimzi", "jmx", "strimzi-reporter"])
def test_pending_restart_time_is_in_the_metrics(kconnect, tmp_path, naming):
    # The first restart is immediate, the second an hour later: it stays
    # pending while the test reads it.
    w = kconnect(worker={"plugin.path": str(plugin_dir()),
                         "metrics.prometheus.naming": naming,
                         "auto.restart.enable": "true",
                         "auto.restart.backoff.ms": "3600000"},
                 connectors=[flaky(tmp_path, -1)])

    def pending():
        t = task_state(w) or {}
        ar = t.get("auto_restart") or {}
        return t if ar.get("attempts") == 1 and ar.get("next_restart") \
            else None

    t = w.wait_for(pending, timeout=30, what="a restart pending")
    m = restart_metrics(w)
    assert m["kconnect_auto_restart_attempts"] == 1
    assert m["kconnect_auto_restart_gave_up"] == 0
    # The same instant as the status's next_restart (to its millisecond).
    assert m["kconnect_auto_restart_next_timestamp_seconds"] == \
        pytest.approx(iso_seconds(t["auto_restart"]["next_restart"]),
                      abs=0.0005)
    assert restart_metrics(w, task=None) == {}  # the connector never failed


def test_without_auto_restart_a_failed_task_stays_failed(kconnect, tmp_path):
    w = kconnect(worker={"plugin.path": str(plugin_dir())},
                 connectors=[flaky(tmp_path, 1)])
    w.wait_for(lambda: (task_state(w) or {}).get("state") == "FAILED",
               timeout=30, what="the task FAILED")
    t = task_state(w)
    assert "auto_restart" not in t  # Apache's shape unchanged
    assert restart_metrics(w) == {}
    assert (tmp_path / "starts").read_text().strip() == "1"


def test_failed_connector_is_restarted_automatically(kconnect, tmp_path):
    w = kconnect(worker={"plugin.path": str(plugin_dir()),
                         "auto.restart.enable": "true",
                         "auto.restart.backoff.ms": "200"},
                 connectors=[flaky(tmp_path, 0,
                                   **{"fail.connector.starts": "2"})])

    def running():
        st = w.get("/connectors/flaky/status")
        ok = (st["connector"]["state"] == "RUNNING" and st["tasks"]
              and st["tasks"][0]["state"] == "RUNNING")
        return st if ok else None

    st = w.wait_for(running, timeout=30, what="connector and task RUNNING")
    assert st["connector"]["auto_restart"]["attempts"] == 2, st
    # The connector's series carry no task label.
    assert restart_metrics(w, task=None)[
        "kconnect_auto_restart_attempts"] == 2
    assert (tmp_path / "starts.connector").read_text().strip() == "3"


def test_attempts_reset_after_a_healthy_run(kconnect, tmp_path):
    # Each run fails after 600 ms, longer than auto.restart.reset.ms: every
    # failure counts as the first, so one attempt allowed is never used up.
    w = kconnect(worker={"plugin.path": str(plugin_dir()),
                         "auto.restart.enable": "true",
                         "auto.restart.max.attempts": "1",
                         "auto.restart.reset.ms": "300"},
                 connectors=[flaky(tmp_path, 0,
                                   **{"fail.after.ms": "600"})])

    def starts():
        p = tmp_path / "starts"
        n = int(p.read_text().strip() or 0) if p.exists() else 0
        return n if n >= 4 else None

    w.wait_for(starts, timeout=30, what="four starts")
    t = task_state(w)
    assert t.get("auto_restart", {}).get("gave_up") is not True, t
    assert "Giving up" not in w.log()
