# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the differential suite (see harness.py and docs/compat.md).

One Apache Kafka Connect worker and one kconnect worker are started once per
session; test_records.py runs every case of cases.py on both at once and
test_rest_session.py drives both REST APIs. A case's outcome is checked
against expected_differences.txt; at the end the summary lists the pending
entries that now match, so they can be removed as fixes land.
"""

import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest

import harness
from expected import applies, load_expected

OUTCOMES = {}  # case id -> "same" | "differs"
JAVA = {}  # "major": the JDK major version Apache runs on


def pytest_configure(config):
    config.addinivalue_line("markers", "compat: differential test")


@pytest.fixture(scope="session")
def expected():
    return load_expected()


@pytest.fixture(scope="session")
def sides(tmp_path_factory):
    java = harness.java_bin()
    jars = harness.apache_jars()
    run_id = uuid.uuid4().hex[:8]
    work = Path(tmp_path_factory.mktemp("compat"))
    taken = set()
    apache = harness.Side("apache", "a", run_id, work,
                          harness.pick_port(taken), java=java, jars=jars)
    kconn = harness.Side("kconnect", "k", run_id, work,
                         harness.pick_port(taken))
    kio = None
    try:
        apache.start()
        kconn.start()
        kio = harness.KafkaIO(java, jars, work / "kafkaio.log")
        kconn.wait_ready(30)
        apache.wait_ready(180)
        JAVA["major"] = harness.java_major(java)
        yield {"apache": apache, "kconnect": kconn, "kio": kio,
               "java": java, "java_major": JAVA["major"], "work": work}
    finally:
        for s in (apache, kconn):
            s.stop()
        if kio:
            # A run creates some 500 topics; a broker keeping them all
            # from run to run runs out of heap.
            try:
                kio.call({"op": "delete", "prefixes": [apache.prefix,
                                                       kconn.prefix]})
            except (RuntimeError, OSError) as e:
                print("compat: could not delete the run's topics: %s" % e)
            kio.close()
        if os.environ.get("KC_COMPAT_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


_diff_lock = threading.Lock()
_diff = {}


@pytest.fixture(scope="session")
def differential(sides):
    from cases import CASES
    with _diff_lock:
        if "d" not in _diff:
            d = harness.Differential(CASES, [sides["apache"],
                                             sides["kconnect"]], sides["kio"])
            d.run()
            _diff["d"] = d
    return _diff["d"]


def pytest_terminal_summary(terminalreporter):
    if not OUTCOMES:
        return
    exp = load_expected()
    now_same = sorted(cid for cid, e in exp.items()
                      if e.kind == "pending" and OUTCOMES.get(cid) == "same"
                      and applies(e, JAVA.get("major", 0)))
    differs = sum(1 for v in OUTCOMES.values() if v == "differs")
    tr = terminalreporter
    if "d" in _diff:
        tr.write_line("compat timings: " + _diff["d"].timings)
    tr.write_line("compat: Apache ran on JDK %s" % JAVA.get("major", "?"))
    tr.write_sep("-", "compat: %d compared, %d identical, %d differ"
                 % (len(OUTCOMES), len(OUTCOMES) - differs, differs))
    if now_same:
        tr.write_line("pending entries that now match Apache (remove them "
                      "from tests/compat/expected_differences.txt):")
        for cid in now_same:
            tr.write_line("  %s  (%s)" % (cid, exp[cid].reason))
    else:
        tr.write_line("no pending entry matches Apache yet")
