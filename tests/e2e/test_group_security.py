# SPDX-License-Identifier: Apache-2.0
"""The distributed group client over SASL and TLS on a real broker.

A broker of our own (scripts/kafka on KC_SEC_KAFKA_PORT, default 19640,
its controller on +1) with a SASL_PLAINTEXT listener on +2, SSL on +3,
SASL_SSL on +4 and SSL requiring a client certificate on +5 (PLAIN,
SCRAM-SHA-256 and SCRAM-SHA-512 for user "kc", a throwaway CA made by
openssl) runs the cmocka tests of
tests/unit/test_group_security.c: two group members join, sync and
heartbeat over every protocol and mechanism and with a client
certificate, and a wrong password, an unknown user, an untrusted CA, a
hostname mismatch and a missing client certificate are refused with the
broker's reason. `make unit` runs that binary without a broker, where its
broker tests skip; here a skip fails.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from kconnect_worker import PrivateKafka, find_binary

PORT = int(os.environ.get("KC_SEC_KAFKA_PORT", "19640"))


def security_binary():
    path = Path(find_binary()).parent / "tests" / "test_group_security"
    if not os.access(path, os.X_OK):
        pytest.fail("%s is not built (build the tests)" % path)
    return str(path)


@pytest.fixture(scope="module")
def secured_broker():
    b = PrivateKafka(PORT)
    b.env.update(KC_KAFKA_SASL_PORT=str(PORT + 2),
                 KC_KAFKA_SSL_PORT=str(PORT + 3),
                 KC_KAFKA_SASL_SSL_PORT=str(PORT + 4),
                 KC_KAFKA_MTLS_PORT=str(PORT + 5),
                 KC_KAFKA_HEAP="512m")
    b.start()
    try:
        yield b
    finally:
        b.stop()


def test_group_client_over_sasl_and_ssl(secured_broker):
    ca = secured_broker._script("ca")
    env = dict(os.environ,
               KC_SEC_SASL_BOOTSTRAP="127.0.0.1:%d" % (PORT + 2),
               # the certificate names localhost, as the listeners advertise
               KC_SEC_SSL_BOOTSTRAP="localhost:%d" % (PORT + 3),
               KC_SEC_SASL_SSL_BOOTSTRAP="localhost:%d" % (PORT + 4),
               KC_SEC_MTLS_BOOTSTRAP="localhost:%d" % (PORT + 5),
               KC_SEC_CA=ca,
               KC_SEC_OTHER_CA=str(Path(ca).parent / "other-ca.pem"),
               KC_SEC_CLIENT_CERT=str(Path(ca).parent / "client.pem"),
               KC_SEC_CLIENT_KEY_ENC=str(Path(ca).parent / "client-enc.key"))
    r = subprocess.run([security_binary()], env=env, capture_output=True,
                       text=True, timeout=600)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    assert not re.findall(r"\[\s*SKIPPED\s*\]", out), out[-6000:]
    for name in ("plain", "scram256", "scram512", "ssl", "saslssl", "mtls"):
        assert re.search(r"%s: group \S+ generation \d+, both members "
                         r"heartbeating" % name, out), out[-6000:]
    # the broker's own reason reaches the message
    assert "Authentication failed during authentication due to invalid " \
        "credentials with SASL mechanism SCRAM-SHA-256" in out, out[-6000:]


@pytest.mark.parametrize("mechanism", ["GSSAPI", "OAUTHBEARER", None])
def test_distributed_worker_refuses_mechanism_group_client_lacks(
        tmp_path, mechanism):
    # None: Kafka's default mechanism, GSSAPI; never a silent PLAIN
    props = {
        "bootstrap.servers": "127.0.0.1:%d" % (PORT + 2),
        "group.id": "kc-sec-refused",
        "config.storage.topic": "kc-sec-c",
        "offset.storage.topic": "kc-sec-o",
        "status.storage.topic": "kc-sec-s",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.jaas.config": "org.apache.kafka.common.security.plain."
                            "PlainLoginModule required username=\"kc\" "
                            "password=\"kc-secret\";",
    }
    if mechanism:
        props["sasl.mechanism"] = mechanism
    path = tmp_path / "worker.properties"
    path.write_text("".join("%s=%s\n" % kv for kv in props.items()))
    r = subprocess.run([str(find_binary()), "distributed", str(path)],
                       capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    assert re.search(r"sasl\.mechanism: SASL mechanism %s is not supported"
                     % (mechanism or "GSSAPI"), out), out
