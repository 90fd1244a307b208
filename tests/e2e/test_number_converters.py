# SPDX-License-Identifier: Apache-2.0
"""Apache's primitive converters (org.apache.kafka.connect.converters.*)
in a running worker: a FileStreamSource casts its lines to int32
(Cast$Value) and writes them with IntegerConverter, a FileStreamSink reads
them back with IntegerConverter and prints them. The byte format itself is
checked against Apache's serializers in tests/unit/test_number_converter.c;
this proves the converters are found by their class names and used as
key/value converters by the runtime, and that a wrong type fails the task
with Apache's message.
"""

import time

from kconnect_worker import kconnect  # noqa

CONV = "org.apache.kafka.connect.converters."

def test_integer_converter_round_trip_through_kafka(kconnect, unique_topic,
                                                     tmp_path):
    topic = unique_topic("kc-intconv")
    src = tmp_path / "in.txt"
    out = tmp_path / "out.txt"
    src.write_text("1\n-2\n2147483647\n-2147483648\n")
    w = kconnect()
    w.put("/connectors/int-src/config", {
        "connector.class": "FileStreamSource", "file": str(src),
        "topic": topic, "value.converter": CONV + "IntegerConverter",
        "key.converter": CONV + "IntegerConverter",
        "transforms": "c",
        "transforms.c.type": "org.apache.kafka.connect.transforms.Cast$Value",
        "transforms.c.spec": "int32"})
    w.put("/connectors/int-sink/config", {
        "connector.class": "FileStreamSink", "file": str(out),
        "topics": topic, "value.converter": CONV + "IntegerConverter",
        "key.converter": CONV + "IntegerConverter"})
    w.wait_for(lambda: out.exists() and out.read_text().count("\n") >= 4,
               timeout=60, what="four lines in the sink file")
    assert out.read_text() == "1\n-2\n2147483647\n-2147483648\n"

def test_integer_converter_refuses_a_string_as_apache(kconnect, unique_topic,
                                                      tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("not a number\n")
    w = kconnect()
    w.put("/connectors/int-bad/config", {
        "connector.class": "FileStreamSource", "file": str(src),
        "topic": unique_topic("kc-intconv-bad"),
        "value.converter": CONV + "IntegerConverter"})

    def failed():
        st = w.get("/connectors/int-bad/status")
        tasks = st.get("tasks") or []
        return tasks and tasks[0]["state"] == "FAILED" and tasks[0]

    task = w.wait_for(failed, timeout=60, what="the task to fail")
    # Apache's DataException text (NumberConverter.fromConnectData); Apache
    # 4.1.1's task trace for the same connector carries the same line.
    assert ("Failed to serialize to integer (was class java.lang.String): "
            in task["trace"]), task["trace"]
