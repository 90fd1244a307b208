# SPDX-License-Identifier: Apache-2.0
"""KIP-875 offsets management through the worker: PATCH and DELETE
/connectors/{name}/offsets on a STOPPED connector, sources (offsets file)
and sinks (consumer group connect-<name>), against the real broker.
"""

from kconnect_worker import kconnect, unique_name  # noqa
from test_worker_delivery import STRING_WORKER, file_source, kcat_read, \
    kcat_write


def stop_connector(w, name):
    w.put("/connectors/%s/stop" % name)
    w.wait_for_connector(name, "STOPPED")


def test_alter_source_offset_rewinds(kconnect, tmp_path):
    topic = unique_name("alter")
    name = unique_name("src")
    src = tmp_path / "in.txt"
    src.write_text("ab\ncd\n")
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "200"}),
                 connectors=[file_source(name, src, topic)])
    assert kcat_read(topic, expect=2) == ["ab", "cd"]
    stop_connector(w, name)
    w.patch("/connectors/%s/offsets" % name, {"offsets": [
        {"partition": {"filename": str(src)}, "offset": {"position": 3}}]})
    assert w.get("/connectors/%s/offsets" % name)["offsets"] == [
        {"partition": {"filename": str(src)}, "offset": {"position": 3}}]
    w.put("/connectors/%s/resume" % name)
    assert kcat_read(topic, expect=3) == ["ab", "cd", "cd"]
    assert w.stop() == 0


def test_reset_source_offsets_rereads(kconnect, tmp_path):
    topic = unique_name("reset")
    name = unique_name("src")
    src = tmp_path / "in.txt"
    src.write_text("x\n")
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "200"}),
                 connectors=[file_source(name, src, topic)])
    assert kcat_read(topic, expect=1) == ["x"]
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % name)["offsets"],
               what="a committed source offset")
    stop_connector(w, name)
    w.delete("/connectors/%s/offsets" % name)
    assert w.get("/connectors/%s/offsets" % name) == {"offsets": []}
    w.put("/connectors/%s/resume" % name)
    assert kcat_read(topic, expect=2) == ["x", "x"]
    assert w.stop() == 0


def test_sink_offsets_alter_and_reset(kconnect, tmp_path):
    topic = unique_name("sinkoff")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    kcat_write(topic, ["m0", "m1", "m2"])
    w = kconnect(worker=dict(STRING_WORKER,
                             **{"offset.flush.interval.ms": "200"}),
                 connectors=[{"name": name,
                              "connector.class": "FileStreamSink",
                              "file": str(out), "topics": topic}])

    def lines():
        return out.read_text().splitlines() if out.exists() else []

    w.wait_for(lambda: lines() == ["m0", "m1", "m2"], what="3 sink lines")
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % name)["offsets"],
               what="a committed sink offset")
    stop_connector(w, name)
    # Rewind partition 0 to offset 2: m2 is delivered again.
    w.patch("/connectors/%s/offsets" % name, {"offsets": [{
        "partition": {"kafka_topic": topic, "kafka_partition": 0},
        "offset": {"kafka_offset": 2}}]})
    assert w.get("/connectors/%s/offsets" % name)["offsets"] == [{
        "partition": {"kafka_topic": topic, "kafka_partition": 0},
        "offset": {"kafka_offset": 2}}]
    w.put("/connectors/%s/resume" % name)
    w.wait_for(lambda: lines() == ["m0", "m1", "m2", "m2"],
               what="m2 delivered again")
    # Reset deletes the group: everything is delivered again.
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % name)["offsets"][0]
               ["offset"]["kafka_offset"] == 3, what="offset 3 committed")
    stop_connector(w, name)
    w.delete("/connectors/%s/offsets" % name)
    assert w.get("/connectors/%s/offsets" % name) == {"offsets": []}
    w.put("/connectors/%s/resume" % name)
    w.wait_for(lambda: len(lines()) == 7, what="all 3 delivered again")
    assert lines()[4:] == ["m0", "m1", "m2"]
    assert w.stop() == 0
