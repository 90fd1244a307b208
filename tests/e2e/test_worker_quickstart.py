# SPDX-License-Identifier: Apache-2.0
"""scripts/quickstart end to end: embedded Kafka, file source -> topic ->
file sink and the bundled SQLite database -> JDBC source -> topic -> file
sink (a row inserted while it runs arrives too), REST status, clean stop. Runs on its own folder and a free port
so it cannot collide with a worker on 8083."""

import json
import os
import sqlite3
import subprocess

from kconnect_worker import REPO, find_binary, free_port, sanitizer_report


def test_quickstart_script(tmp_path):
    env = dict(os.environ, KCONNECT_BIN=str(find_binary()),
               KC_QUICKSTART_DIR=str(tmp_path / "qs"),
               KC_QUICKSTART_PORT=str(free_port()))
    out = subprocess.run([str(REPO / "scripts" / "quickstart"),
                          "--lines", "300"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all 300 lines arrived, in order" in out.stdout
    assert '"state": "RUNNING"' in out.stdout
    assert "kcat -b 127.0.0.1:" in out.stdout
    assert "worker exited with 0" in out.stdout
    assert (tmp_path / "qs" / "output.txt").read_text() == \
        (tmp_path / "qs" / "input.txt").read_text()
    assert (tmp_path / "qs" / "connect.offsets").exists()
    # The SQLite pipeline: the rows of shop.sql, then the one inserted while
    # the worker ran, as JsonConverter (schemas.enable=false) writes a
    # Struct: columns in table order, compact.
    db = sqlite3.connect(":memory:")
    db.executescript((REPO / "config" / "quickstart" / "shop.sql").read_text())
    db.execute("INSERT INTO orders (customer, item, qty) "
               "VALUES ('frank', 'webcam', 2)")
    cols = [d[0] for d in db.execute("SELECT * FROM orders").description]
    expect = [json.dumps(dict(zip(cols, row)), separators=(",", ":"))
              for row in db.execute("SELECT * FROM orders ORDER BY id")]
    assert len(expect) == 6
    assert (tmp_path / "qs" / "orders.txt").read_text().splitlines() == expect
    assert "arrived: " + expect[-1] in out.stdout
    assert out.stdout.count('"state": "RUNNING"') >= 8  # 4 connectors, 4 tasks
    # make e2e-asan: the worker's own log must carry no sanitizer report.
    report = sanitizer_report(
        (tmp_path / "qs" / "worker.log").read_text(errors="replace"))
    assert report is None, report
