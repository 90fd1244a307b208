# SPDX-License-Identifier: Apache-2.0
"""tests/compat/expected_differences.txt: the differences the suite accepts.

One entry a line, columns separated by " | ":

    case id | deliberate or pending | docs/compat.md#section | reason [| jdk<19]

A `deliberate` entry is a documented difference that stays; a `pending` one
is a difference being fixed. The optional fifth column limits an entry to
the JDKs it names (jdk<19: only when Apache runs on a JDK before 19;
jdk>=19: only on JDK 19 and later).
A case that differs without an entry fails, and so does an entry whose case
turns out identical.
"""

from collections import namedtuple
from pathlib import Path

Entry = namedtuple("Entry", "id kind section reason when")
PATH = Path(__file__).resolve().parent / "expected_differences.txt"
KINDS = ("deliberate", "pending")


def load_expected(path=PATH):
    out = {}
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split(" | ")]
        if len(cols) not in (4, 5) or cols[1] not in KINDS \
                or not cols[2].startswith("docs/compat.md#"):
            raise ValueError("%s:%d: bad entry %r" % (path, n, line))
        if cols[0] in out:
            raise ValueError("%s:%d: %s listed twice" % (path, n, cols[0]))
        out[cols[0]] = Entry(cols[0], cols[1], cols[2], cols[3],
                             cols[4] if len(cols) == 5 else "")
    return out


def applies(entry, java_major):
    if entry.when == "jdk<19":
        return java_major < 19
    if entry.when == "jdk>=19":
        return java_major >= 19
    return True
