# SPDX-License-Identifier: Apache-2.0
"""An offsets file the worker cannot write (its directory is read-only):
the source task keeps running, its status carries the error (the file and
the OS error) as the trace, and once the directory is writable again the
next flush writes the file and clears the trace. Before, the failure was
only logged and a restart re-sent everything.

Root ignores directory permissions, so as root the worker runs without
CAP_DAC_OVERRIDE (setpriv) and the mode bits apply to it too.
"""

import os
import shutil

import pytest

from kconnect_worker import KconnectWorker, consume_all, unique_name

STRING = "org.apache.kafka.connect.storage.StringConverter"


class NoOverrideWorker(KconnectWorker):
    """A worker that file permissions bind even when run as root."""

    @property
    def command(self):
        cmd = super().command
        if os.geteuid() == 0:
            cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"
                   ] + cmd
        return cmd


def test_unwritable_offsets_file_shows_in_task_status(tmp_path):
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions would "
                    "not apply")
    topic = unique_name("offro")
    name = unique_name("src")
    offdir = tmp_path / "offsets"
    offdir.mkdir()
    offsets = offdir / "connect.offsets"
    path = tmp_path / "in.txt"
    path.write_text("a\nb\n")
    offdir.chmod(0o555)
    w = NoOverrideWorker(tmp_path, worker={
        "key.converter": STRING, "value.converter": STRING,
        "offset.storage.file.filename": str(offsets),
        "offset.flush.interval.ms": "200"}, connectors=[{
            "name": name, "connector.class": "FileStreamSource",
            "file": str(path), "topic": topic}])
    try:
        w.start()
        assert [r["payload"] for r in consume_all(topic, 2)] == ["a", "b"]

        def trace():
            st = w.get("/connectors/%s/status" % name)
            task = st["tasks"][0] if st.get("tasks") else {}
            return task.get("trace") and task

        task = w.wait_for(trace, what="the offsets error in the status")
        assert task["state"] == "RUNNING"
        assert ('could not write offsets file "%s"' % offsets) in \
            task["trace"], task["trace"]
        assert "Permission denied" in task["trace"]
        assert not offsets.exists()
        assert "could not commit offsets" in w.log()

        offdir.chmod(0o755)

        def written():
            st = w.get("/connectors/%s/status" % name)
            return (offsets.exists() and "trace" not in st["tasks"][0]
                    and st["tasks"][0])

        task = w.wait_for(written, what="the offsets file written")
        assert task["state"] == "RUNNING"
        # "a\nb\n": the offset after both lines is 4.
        assert b'{"position":4}' in offsets.read_bytes()
        assert w.stop() == 0
    finally:
        offdir.chmod(0o755)
        w.stop()
