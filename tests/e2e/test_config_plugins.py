# SPDX-License-Identifier: Apache-2.0
"""Configuration and plugins end to end: the real ``kconnect`` binary and
the real broker (``scripts/kafka start``).

1. A plugin loaded from ``plugin.path`` (tests/plugins/example, built next
   to the binary as <build>/tests/plugins/path/example/kc_example.so) is
   used by its Java-style class name as a connector's transform, and the
   connector's values come from ``${file:...}`` and ``${env:...}`` config
   provider references: the lines of the source file arrive in the topic
   named by the secrets file, prefixed by the plugin.
2. A reference that cannot be resolved stops the worker with an error that
   names the key and the reference (Apache would pass the text through).
"""

import pytest

from kconnect_worker import KconnectWorker, find_binary, kconnect  # noqa

FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider"
ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"


def plugin_dir():
    path = find_binary().parent / "tests" / "plugins" / "path"
    if not (path / "example" / "kc_example.so").exists():
        pytest.fail("example plugin not built: %s (build the tests)" % path)
    return path


def test_plugin_path_transform_and_providers(kconnect, kcat, unique_topic,
                                             tmp_path, monkeypatch):
    topic = unique_topic("kc-cfg")
    secrets = tmp_path / "secrets.properties"
    secrets.write_text("# the topic is a secret, of sorts\n"
                       "source.topic = %s\n" % topic)
    src = tmp_path / "in.txt"
    src.write_text("alpha\nbeta\ngamma\n")
    monkeypatch.setenv("KC_E2E_SOURCE_FILE", str(src))
    w = kconnect(
        worker={
            "plugin.path": "%s, %s" % (plugin_dir(), tmp_path / "empty"),
            "config.providers": "file,env",
            "config.providers.file.class": FILE_PROVIDER,
            "config.providers.env.class": ENV_PROVIDER,
            "config.providers.env.param.allowlist.pattern": "KC_E2E_.*",
            "key.converter": "org.apache.kafka.connect.storage."
                             "StringConverter",
            "value.converter": "org.apache.kafka.connect.storage."
                               "StringConverter",
            "offset.flush.interval.ms": "500",
        },
        connectors=[{
            "name": "cfg-src",
            "connector.class": "FileStreamSource",
            "tasks.max": "1",
            "file": "${env:KC_E2E_SOURCE_FILE}",
            "topic": "${file:%s:source.topic}" % secrets,
            "transforms": "prefix",
            "transforms.prefix.type": "io.kconnect.example.TopicPrefix",
            "transforms.prefix.prefix": "mirror-",
        }])
    w.wait_for_connector("cfg-src", "RUNNING", tasks=1)
    assert kcat.values("mirror-" + topic, 3) == ["alpha", "beta", "gamma"]
    assert "loaded plugin" in w.log()
    assert w.stop() == 0


def test_unresolvable_reference_names_key_and_reference(tmp_path):
    (tmp_path / "in.txt").write_text("x\n")
    w = KconnectWorker(
        tmp_path, wait=False,
        worker={
            "config.providers": "env",
            "config.providers.env.class": ENV_PROVIDER,
        },
        connectors=[{
            "name": "bad-ref",
            "connector.class": "FileStreamSource",
            "file": str(tmp_path / "in.txt"),
            "topic": "${env:KC_E2E_SURELY_UNSET_VARIABLE}",
        }])
    w.start()
    rc = w.wait_exit(timeout=30)
    assert rc != 0
    assert ('could not resolve ${env:KC_E2E_SURELY_UNSET_VARIABLE} in '
            '"topic": environment variable KC_E2E_SURELY_UNSET_VARIABLE is '
            'not set') in w.log()
