# SPDX-License-Identifier: Apache-2.0
"""A distributed worker whose group client meets an error Apache does not
retry stops, as Apache's does.

A broker of our own (scripts/kafka on KC_FATAL_KAFKA_PORT, default 19660,
its controller on +1, SASL_PLAINTEXT on +2) with Kafka's StandardAuthorizer:
user "kc" may do anything with every topic and the cluster but nothing with
groups (tests/e2e/java/GrantAcls.java). A worker logging in as "kc" reads
and writes its internal topics, and its group client is refused
(GROUP_AUTHORIZATION_FAILED). Apache 4.1.1's DistributedHerder.run logs
"Uncaught exception in herder work thread, exiting: " with the
GroupAuthorizationException "Not authorized to access group: <group>" and
exits 1; kconnect logs the same and exits 4 naming the cause, instead of
looking for the coordinator again every retry.backoff.ms for ever.
"""

import os
import subprocess
from pathlib import Path

import pytest

from dcluster import JAVA, LOG4J, apache_classpath
from kconnect_worker import PrivateKafka, find_binary, unique_name

PORT = int(os.environ.get("KC_FATAL_KAFKA_PORT", "19660"))
GRANT = Path(__file__).resolve().parent / "java" / "GrantAcls.java"


@pytest.fixture(scope="module")
def acl_broker():
    b = PrivateKafka(PORT, props={
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer."
                                 "StandardAuthorizer",
        # the PLAINTEXT listener (the broker's own and the controller's)
        "super.users": "User:ANONYMOUS"})
    b.env.update(KC_KAFKA_SASL_PORT=str(PORT + 2), KC_KAFKA_HEAP="512m")
    b.start()
    try:
        cp = b._script("classpath")  # the broker's jars (Java wildcard)
        r = subprocess.run([JAVA, "-cp", cp, str(GRANT), b.bootstrap, "kc"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        yield b
    finally:
        b.stop()


def _props(path, group, rest_port):
    props = {
        "bootstrap.servers": "127.0.0.1:%d" % (PORT + 2),
        "group.id": group,
        "config.storage.topic": group + "-c",
        "offset.storage.topic": group + "-o",
        "status.storage.topic": group + "-s",
        "config.storage.replication.factor": "1",
        "offset.storage.replication.factor": "1",
        "status.storage.replication.factor": "1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "listeners": "http://127.0.0.1:%d" % rest_port,
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "PLAIN",
        "sasl.jaas.config": "org.apache.kafka.common.security.plain."
                            "PlainLoginModule required username=\"kc\" "
                            "password=\"kc-secret\";",
    }
    path.write_text("".join("%s=%s\n" % kv for kv in props.items()))


@pytest.mark.parametrize("kind", ["kconnect", "apache"])
def test_group_authorization_failure_stops_the_worker(acl_broker, tmp_path,
                                                      kind):
    group = unique_name("kc-fatal-" + kind)
    path = tmp_path / "worker.properties"
    _props(path, group, PORT + 3 if kind == "kconnect" else PORT + 4)
    if kind == "kconnect":
        cmd = [str(find_binary()), "distributed", str(path)]
    else:
        cmd = [JAVA, "-Dlog4j2.configurationFile=%s" % LOG4J, "-cp",
               apache_classpath(),
               "org.apache.kafka.connect.cli.ConnectDistributed", str(path)]
    # Before the fix kconnect never exits: the timeout fails the test.
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       cwd=str(tmp_path))
    out = r.stdout + r.stderr
    assert r.returncode == (4 if kind == "kconnect" else 1), out[-4000:]
    assert "Uncaught exception in herder work thread, exiting: " in out, \
        out[-4000:]
    assert "Not authorized to access group: %s" % group in out, out[-4000:]
    if kind == "kconnect":
        assert ("kconnect: the distributed herder stopped: Not authorized "
                "to access group: %s\n" % group) in r.stderr, r.stderr[-4000:]
