# SPDX-License-Identifier: Apache-2.0
"""The dead letter queue headers of a converter failure and of a transform
failure carry Apache's exception class and message: the texts come from
Apache's own JsonConverter and ExtractField, run by
tests/golden/GenPipelineGolden.java (tests/golden/pipeline_golden.jsonl),
not from kconnect.
"""

import json
import os
import subprocess

from kconnect_worker import (DEFAULT_BOOTSTRAP, consume_all,  # noqa
                             kconnect, unique_name)

STRING = "org.apache.kafka.connect.storage.StringConverter"
JSON = "org.apache.kafka.connect.json.JsonConverter"
GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden",
                      "pipeline_golden.jsonl")


def apache(case_id):
    """Apache's exception class and message for one golden case."""
    with open(GOLDEN) as f:
        for line in f:
            c = json.loads(line)
            if c["id"] == case_id:
                return c["error_class"], c["error_message"]
    raise KeyError(case_id)


def produce(topic, values):
    data = "".join("k%d\t%s\n" % (i, v) for i, v in enumerate(values))
    subprocess.run(["kcat", "-b", DEFAULT_BOOTSTRAP, "-P", "-t", topic,
                    "-p", "0", "-K", "\t", "-X", "acks=all"],
                   input=data, text=True, check=True, timeout=30)


def test_dlq_headers_carry_apaches_exception_texts(kconnect, tmp_path):
    topic = unique_name("errtext")
    dlq = unique_name("errtextdlq")
    name = unique_name("sink")
    out = tmp_path / "out.txt"
    # A record the converter refuses, one the transform refuses, one good.
    produce(topic, ["not json", '"a string"', '{"id":7}'])
    w = kconnect(worker={"key.converter": STRING, "value.converter": JSON,
                         "value.converter.schemas.enable": "false"},
                 connectors=[{
                     "name": name, "connector.class": "FileStreamSink",
                     "file": str(out), "topics": topic,
                     "transforms": "id",
                     "transforms.id.type": "org.apache.kafka.connect."
                                           "transforms.ExtractField$Value",
                     "transforms.id.field": "id",
                     "errors.tolerance": "all",
                     "errors.deadletterqueue.topic.name": dlq,
                     "errors.deadletterqueue.topic.replication.factor": "1",
                     "errors.deadletterqueue.context.headers.enable":
                         "true"}])
    w.wait_for(lambda: out.exists() and out.read_text() == "7\n",
               what="the good record in the sink file")
    conv, tx = consume_all(dlq, 2)
    conv_h = dict(zip(conv["headers"][0::2], conv["headers"][1::2]))
    tx_h = dict(zip(tx["headers"][0::2], tx["headers"][1::2]))

    cls, msg = apache("error_json_syntax_schemaless")
    assert conv_h["__connect.errors.stage"] == "VALUE_CONVERTER"
    assert conv_h["__connect.errors.class.name"] == JSON
    assert conv_h["__connect.errors.exception.class.name"] == cls
    # Apache's message is this prefix alone (Jackson's text is only in its
    # cause); kconnect adds its parser's detail after it (docs/compat.md).
    assert msg.endswith(": ")
    assert conv_h["__connect.errors.exception.message"].startswith(msg)

    cls, msg = apache("error_extract_field_schemaless_not_map")
    assert tx_h["__connect.errors.stage"] == "TRANSFORMATION"
    assert tx_h["__connect.errors.class.name"] == \
        "org.apache.kafka.connect.transforms.ExtractField$Value"
    assert tx_h["__connect.errors.exception.class.name"] == cls
    assert tx_h["__connect.errors.exception.message"] == msg
    assert tx_h["__connect.errors.exception.stacktrace"].startswith(
        "%s: %s\n" % (cls, msg))
    assert w.stop() == 0
