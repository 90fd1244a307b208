# SPDX-License-Identifier: Apache-2.0
"""The group member state machine (src/distributed/kc_group_member.c) on
the real broker. Its cmocka tests (tests/unit/test_group_member.c) need a
real Kafka for several members (librdkafka's mock broker refuses a
follower's SyncGroup) and skip without one; `make unit` runs before any
broker is up, so the real-broker runs happen here, where a skip fails:
three and four members, leave, kill, incremental revocation, and a mixed
group with an Apache Connect 4.1.1 distributed worker, whichever leads.
"""

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from kconnect_worker import find_binary

import test_distributed_stores as tds
from test_distributed_stores import run_env  # noqa: F401 (fixture)

# Rebalances wait out session timeouts and the mixed group's time goes to
# a JVM: left out of make check's ASan run (make soak runs both under ASan).
pytestmark = pytest.mark.asan_skip

MIXED = "test_group_member_mixed_group_with_apache_worker"
# Its JoinGroup error is injected by the embedded (mock) Kafka only.
MOCK_ONLY = "test_group_member_join_refused_by_authorization_gives_up"


def member_binary():
    path = Path(find_binary()).parent / "tests" / "test_group_member"
    if not os.access(path, os.X_OK):
        pytest.fail("%s is not built (build the tests)" % path)
    return str(path)


def run_members(env_extra):
    env = dict(os.environ)
    for k in ("KC_MIXED_GROUP", "KC_MIXED_APACHE_URL", "KC_MIXED_APACHE_LOG"):
        env.pop(k, None)
    env.update(env_extra)
    r = subprocess.run([member_binary()], env=env, capture_output=True,
                       text=True, timeout=900)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    return out


def skipped(out):
    # "[  SKIPPED ] name" per test, then again in the summary
    return sorted(set(re.findall(r"\[\s*SKIPPED\s*\]\s*(test_\w+)", out)))


def test_group_members_on_the_real_broker(kafka_bootstrap):
    out = run_members({"KC_BOOTSTRAP_SERVERS": kafka_bootstrap})
    # Only the mixed-group test (it needs an Apache worker: below) and the
    # mock-only one skip.
    assert skipped(out) == sorted([MIXED, MOCK_ONLY]), out[-6000:]


def test_group_member_in_a_group_with_an_apache_worker(run_env):
    group = "kc-mixed-%s" % uuid.uuid4().hex[:8]
    topics = tds.Topics(run_env["run"] + "m")
    run_env["topics"].append(topics)
    java = tds.JavaWorker(run_env["tmp"], run_env["jars"],
                          run_env["bootstrap"], group, topics,
                          extra={"connect.protocol": "compatible"})
    run_env["workers"].append(java)
    java.wait_ready()
    out = run_members({"KC_BOOTSTRAP_SERVERS": run_env["bootstrap"],
                       "KC_MIXED_GROUP": group,
                       # as Apache advertises it (rest.advertised.*)
                       "KC_MIXED_APACHE_URL": java.url + "/",
                       "KC_MIXED_APACHE_LOG": str(java.log_path)})
    assert MIXED not in skipped(out), out[-6000:]
    assert "mixed group %s" % group in out, out[-6000:]
