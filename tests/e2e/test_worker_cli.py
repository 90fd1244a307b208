# SPDX-License-Identifier: Apache-2.0
"""The kconnect command line: usage, exit codes, config errors, file shapes.

Worker-level behaviour that needs no records; the broker is only used where
a worker actually starts (test_connector_files_*).
"""

import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest

from kconnect_worker import (KconnectWorker, find_binary, free_port,  # noqa
                             kconnect, unique_name, write_properties)


def run(args, timeout=30):
    return subprocess.run([str(find_binary())] + args, capture_output=True,
                          text=True, timeout=timeout)


def distributed_props(**extra):
    """A valid distributed worker config on the test broker with its own
    group, internal topics and REST port."""
    tag = unique_name("cli")
    props = {
        "bootstrap.servers": os.environ.get("KC_BOOTSTRAP_SERVERS",
                                            "127.0.0.1:9092"),
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "group.id": tag,
        "config.storage.topic": tag + "-configs",
        "offset.storage.topic": tag + "-offsets",
        "status.storage.topic": tag + "-status",
        "config.storage.replication.factor": "1",
        "offset.storage.replication.factor": "1",
        "status.storage.replication.factor": "1",
        "listeners": "http://127.0.0.1:%d" % free_port(),
    }
    props.update(extra)
    return props


def start_then_stop(cmd, props):
    """Runs @cmd until its REST listener answers GET /, then SIGTERM:
    (exit code, stderr, the GET / body)."""
    url = props["listeners"] + "/"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    body = None
    deadline = time.monotonic() + 90
    while body is None and proc.poll() is None and \
            time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = json.loads(r.read())
        except OSError:
            time.sleep(0.2)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return proc.returncode, err, body


def test_version_and_help():
    out = run(["--version"])
    assert out.returncode == 0
    assert out.stdout.startswith("kconnect ")
    out = run(["--help"])
    assert out.returncode == 0
    assert "standalone WORKER.properties" in out.stdout


def test_no_arguments_is_a_usage_error():
    out = run([])
    assert out.returncode == 1
    assert "Usage:" in out.stderr


def test_distributed_checks_the_config_then_starts(tmp_path):
    worker = tmp_path / "worker.properties"
    write_properties(worker, {
        "bootstrap.servers": "127.0.0.1:9092",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        # group.id and the storage topics are missing; these are refused
        # with Apache's DistributedConfig messages:
        "connect.protocol": "cooperative",
        "status.storage.partitions": "0",
    })
    out = run(["distributed", str(worker)])
    assert out.returncode == 2
    assert ('group.id: Missing required configuration "group.id" which has '
            'no default value.') in out.stderr
    assert ("connect.protocol: Invalid value cooperative for configuration "
            "connect.protocol: Invalid Connect protocol compatibility"
            ) in out.stderr
    assert ("Invalid value 0 for configuration status.storage.partitions: "
            "Number of partitions must be positive, or -1 to use the "
            "broker's default") in out.stderr
    # No offsets file in distributed mode (standalone only).
    assert "offset.storage.file.filename" not in out.stderr
    assert "not finished" not in out.stderr

    # a valid config starts a worker, as `distributed` and as the
    # connect-distributed name; SIGTERM stops it cleanly
    link = tmp_path / "connect-distributed"
    link.symlink_to(find_binary())
    for cmd in ([str(find_binary()), "distributed"], [str(link)]):
        props = distributed_props()
        write_properties(worker, props)
        rc, err, body = start_then_stop(cmd + [str(worker)], props)
        assert body is not None and "kafka_cluster_id" in body, err
        assert rc == 0, err


def test_distributed_config_loads_plugin_path_and_resolves_providers(
        tmp_path):
    """As Apache's DistributedConfig: the worker file's converter may come
    from plugin.path, and its values from config providers."""
    plugins = find_binary().parent / "tests" / "plugins" / "converters"
    if not (plugins / "raw" / "kc_raw_converter.so").exists():
        pytest.fail("converter plugin not built: %s (build the tests)"
                    % plugins)
    secrets = tmp_path / "cluster.properties"
    worker = tmp_path / "worker.properties"
    props = distributed_props(**{
        "plugin.path": str(plugins),
        "config.providers": "file",
        "config.providers.file.class":
            "org.apache.kafka.common.config.provider.FileConfigProvider",
        "key.converter": "io.kconnect.test.RawBytesConverter",
        "value.converter": "io.kconnect.test.RawBytesConverter",
    })
    group = props["group.id"]
    secrets.write_text("group = %s\n" % group)
    props["group.id"] = "${file:%s:group}" % secrets
    write_properties(worker, props)
    rc, err, body = start_then_stop(
        [str(find_binary()), "distributed", str(worker)], props)
    assert "invalid worker config" not in err, err
    assert body is not None, err
    assert rc == 0, err
    # the group it joined is the provider's value, not the reference
    assert "joining group %s" % group in err, err

    # a reference that does not resolve is refused, naming it
    write_properties(worker, {
        "bootstrap.servers": "127.0.0.1:9092",
        "plugin.path": str(plugins),
        "config.providers": "file",
        "config.providers.file.class":
            "org.apache.kafka.common.config.provider.FileConfigProvider",
        "key.converter": "io.kconnect.test.RawBytesConverter",
        "value.converter": "io.kconnect.test.RawBytesConverter",
        "group.id": "${file:%s:no.such.key}" % secrets,
        "config.storage.topic": "connect-configs",
        "offset.storage.topic": "connect-offsets",
        "status.storage.topic": "connect-status",
    })
    out = run(["distributed", str(worker)])
    assert out.returncode == 2
    assert "no.such.key" in out.stderr
    assert "not finished" not in out.stderr


def test_connect_standalone_name_implies_standalone(tmp_path):
    link = tmp_path / "connect-standalone"
    link.symlink_to(find_binary())
    out = subprocess.run([str(link), str(tmp_path / "missing.properties")],
                         capture_output=True, text=True, timeout=30)
    # Parsed as a worker file (not as a command word): the file is missing.
    assert out.returncode == 2
    assert "missing.properties" in out.stderr


def test_bad_worker_config_lists_every_problem(tmp_path):
    worker = tmp_path / "worker.properties"
    write_properties(worker, {
        "bootstrap.servers": "127.0.0.1:9092",
        # key.converter, value.converter, offset.storage.file.filename
        # are missing; these two are malformed:
        "offset.flush.interval.ms": "soon",
        "producer.acks": "bogus",
        "header.converter": "com.example.NoSuchConverter",
        "listeners": "http://127.0.0.1:0",
    })
    out = run(["standalone", str(worker)])
    assert out.returncode == 2, out.stderr
    for key in ("key.converter", "value.converter",
                "offset.storage.file.filename", "offset.flush.interval.ms",
                "producer.acks", "header.converter"):
        assert key in out.stderr, (key, out.stderr)
    # One line per problem.
    assert "(6 problems)" in out.stderr, out.stderr


@pytest.mark.parametrize("key,value", [
    ("rest.extension.classes", "com.example.AuditRestExtension"),
    ("listeners.https.ssl.provider", "SunJSSE"),
    ("listeners.https.ssl.enabled.protocols", "SSLv3"),
    ("ssl.keystore.location", "/etc/ks.jks"),
])
def test_unimplemented_security_setting_refuses_to_start(tmp_path, key,
                                                          value):
    # Silently ignored, these would leave the REST API or the worker's
    # connections unprotected while the user believes otherwise. (ssl.*
    # reach the Kafka clients only over SSL, as in Java.)
    extra = {"security.protocol": "SSL"} if key.startswith("ssl.") else {}
    worker = KconnectWorker(tmp_path, worker={key: value, **extra},
                            wait=False)
    out = run(["standalone", str(worker.worker_path)])
    assert out.returncode == 2, out.stderr
    assert "  %s: " % key in out.stderr, out.stderr
    assert "(1 problem)" in out.stderr, out.stderr


def test_https_admin_listener_without_key_store_refuses_to_start(tmp_path):
    # https listeners are served (test_rest_security.py); one without a
    # key store cannot be, and the message names the key to set.
    worker = KconnectWorker(tmp_path, worker={
        "admin.listeners": "https://127.0.0.1:0"}, wait=False)
    out = run(["standalone", str(worker.worker_path)])
    assert out.returncode != 0, out.stderr
    assert "ssl.keystore.location" in out.stderr, out.stderr


def test_missing_worker_file_names_it(tmp_path):
    out = run(["standalone", str(tmp_path / "nope.properties")])
    assert out.returncode == 2
    assert "nope.properties" in out.stderr


def test_connector_file_without_name_exits_3(tmp_path):
    worker = KconnectWorker(tmp_path, wait=False)
    bad = tmp_path / "bad.properties"
    write_properties(bad, {"connector.class": "FileStreamSource",
                           "topic": "t"})
    out = run(["standalone", str(worker.worker_path), str(bad)])
    assert out.returncode == 3, out.stderr
    assert "missing the mandatory 'name'" in out.stderr


def test_connector_file_name_that_is_not_utf8_exits_3(tmp_path):
    worker = KconnectWorker(tmp_path, wait=False)
    bad = tmp_path / "bad.properties"
    bad.write_bytes(b"name=ab\xffcd\nconnector.class=FileStreamSource\n"
                    b"topic=t\n")
    out = run(["standalone", str(worker.worker_path), str(bad)])
    assert out.returncode == 3, out.stderr
    assert "Connector name must be valid UTF-8" in out.stderr, out.stderr
    # The name is escaped where it is echoed.
    assert 'connector "ab\\xFFcd"' in out.stderr, out.stderr


def test_json_name_mismatch_exits_3(tmp_path):
    worker = KconnectWorker(tmp_path, wait=False)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "a", "config": {
        "name": "b", "connector.class": "FileStreamSource"}}))
    out = run(["standalone", str(worker.worker_path), str(bad)])
    assert out.returncode == 3, out.stderr
    assert "doesn't match" in out.stderr


def test_invalid_connector_config_exits_3(kconnect, tmp_path):
    w = KconnectWorker(tmp_path, connectors=[{
        "name": unique_name("sink"),
        "connector.class": "FileStreamSink",
        "file": str(tmp_path / "out.txt"),
        # neither topics nor topics.regex
    }], wait=False)
    w.start()
    rc = w.wait_exit(30)
    assert rc == 3, w.log()
    assert "topics" in w.log()


def test_connector_files_in_every_apache_shape(kconnect, tmp_path):
    """.properties, a flat JSON object, and {"name","config"} JSON."""
    names = [unique_name("props"), unique_name("flat"), unique_name("req")]
    base = {"connector.class": "FileStreamSource",
            "file": str(tmp_path / "in.txt"), "topic": unique_name("t")}
    (tmp_path / "in.txt").write_text("")
    w = kconnect(connectors=[
        dict(base, name=names[0]),
        ("json", dict(base, name=names[1], **{"tasks.max": 1})),
        ("json", {"name": names[2], "config": base,
                  "initial_state": "PAUSED"}),
    ])
    assert sorted(w.get("/connectors")) == sorted(names)
    assert w.get("/connectors/%s/config" % names[1])["tasks.max"] == "1"
    assert w.get("/connectors/%s/config" % names[2])["name"] == names[2]
    w.wait_for_connector(names[2], "PAUSED")
    w.wait_for_connector(names[0], "RUNNING", tasks=1)
    assert w.stop() == 0
