# SPDX-License-Identifier: Apache-2.0
"""Automatic restart of FAILED tasks (kconnect's auto.restart.* keys, issue
15), with a source plugin loaded from plugin.path whose first task starts
fail (tests/plugins/flaky_source, built as
<build>/tests/plugins/sources/flaky/kc_flaky_source.so). No REST call
restarts anything here.
"""

import pytest

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


def test_without_auto_restart_a_failed_task_stays_failed(kconnect, tmp_path):
    w = kconnect(worker={"plugin.path": str(plugin_dir())},
                 connectors=[flaky(tmp_path, 1)])
    w.wait_for(lambda: (task_state(w) or {}).get("state") == "FAILED",
               timeout=30, what="the task FAILED")
    t = task_state(w)
    assert "auto_restart" not in t  # Apache's shape unchanged
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
