# SPDX-License-Identifier: Apache-2.0
"""log.debug (kconnect's own worker key): DEBUG for some areas from the start.

An unknown area refuses to start naming the key; a known one shows its
loggers at DEBUG in /admin/loggers and its DEBUG lines in the log, while
the other areas stay at INFO.
"""

import subprocess

from kconnect_worker import KconnectWorker, find_binary, kconnect  # noqa


def test_unknown_log_debug_area_refuses_to_start(tmp_path):
    worker = KconnectWorker(tmp_path, worker={"log.debug": "rest,herdr"},
                            wait=False)
    out = subprocess.run([str(find_binary()), "standalone",
                          str(worker.worker_path)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2, out.stderr
    assert "  log.debug: " in out.stderr, out.stderr
    assert '"herdr"' in out.stderr, out.stderr
    assert "(1 problem)" in out.stderr, out.stderr


def test_log_debug_area_logs_at_debug_from_the_start(kconnect):
    w = kconnect(worker={"log.debug": "rest"})
    loggers = w.get("/admin/loggers")
    assert loggers["org.apache.kafka.connect.runtime.rest"]["level"] == \
        "DEBUG", loggers
    assert "org.apache.kafka.connect.runtime.standalone" not in loggers, \
        loggers
    w.get("/connectors")
    log = w.log()
    # The listener is bound before any request: start-up is covered.
    assert "DEBUG Bound REST listener" in log, log
    assert "DEBUG Handling GET /connectors" in log, log


def test_without_log_debug_no_area_is_at_debug(kconnect):
    w = kconnect()
    w.get("/connectors")
    assert "Handling GET /connectors" not in w.log(), w.log()
