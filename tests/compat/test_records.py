# SPDX-License-Identifier: Apache-2.0
"""Every case of cases.py on Apache and kconnect, compared byte for byte."""

import difflib
import re
from pathlib import Path

import pytest

from cases import CASES
from conftest import OUTCOMES
from expected import applies, load_expected

DOC = (Path(__file__).resolve().parents[2] / "docs" / "compat.md").read_text()


def check(cid, apache, kconnect, expected, java_major):
    same = apache == kconnect
    OUTCOMES[cid] = "same" if same else "differs"
    entry = expected.get(cid)
    if entry and not applies(entry, java_major):
        entry = None
    if same and entry:
        pytest.fail("%s is listed in expected_differences.txt (%s: %s) but "
                    "kconnect now matches Apache: remove the entry"
                    % (cid, entry.kind, entry.reason))
    if not same and not entry:
        diff = "\n".join(difflib.unified_diff(
            apache.splitlines(), kconnect.splitlines(), "apache", "kconnect",
            lineterm="", n=2))
        pytest.fail("%s differs from Apache and is not listed in "
                    "expected_differences.txt:\n%s" % (cid, diff))


@pytest.mark.parametrize("cid", [c["id"] for c in CASES])
def test_case(cid, differential, expected, sides):
    late = [sides[n].prefix + cid for n in ("apache", "kconnect")
            if sides[n].prefix + cid in differential.unfinished_cases]
    if late:
        pytest.fail("%s: the sink of %s had not consumed its input when the "
                    "run's time limit was reached (%s); nothing compared"
                    % (cid, ", ".join(late), differential.timings))
    check(cid, differential.dumps[("apache", cid)],
          differential.dumps[("kconnect", cid)], expected,
          sides["java_major"])


def test_expected_entries_name_known_cases_and_sections():
    from test_rest_session import STEP_IDS
    known = {c["id"] for c in CASES} | set(STEP_IDS)
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
               for h in re.findall(r"^#+ (.*)$", DOC, re.M)}
    bad = []
    for cid, e in load_expected().items():
        if cid not in known:
            bad.append("%s: no such case" % cid)
        if e.section.split("#", 1)[1] not in anchors:
            bad.append("%s: no section %s" % (cid, e.section))
    assert not bad, "\n".join(bad)
