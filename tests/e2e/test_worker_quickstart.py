"""scripts/quickstart end to end: embedded Kafka, file source -> topic ->
file sink, REST status, clean stop. Runs on its own folder and a free port
so it cannot collide with a worker on 8083."""

import os
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
    # make e2e-asan: the worker's own log must carry no sanitizer report.
    report = sanitizer_report(
        (tmp_path / "qs" / "worker.log").read_text(errors="replace"))
    assert report is None, report
