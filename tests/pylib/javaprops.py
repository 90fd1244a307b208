# SPDX-License-Identifier: Apache-2.0
"""Writing Java .properties files for the test suites.

One copy for tests/e2e (kconnect_worker.py) and tests/compat (harness.py),
which each put this directory on sys.path, so that both suites stay
runnable on their own (pytest tests/compat, pytest tests/e2e/test_x.py).
"""

from pathlib import Path


def _escape(text, key):
    # java.util.Properties.load: a backslash escapes, '=' ':' end a key and
    # '#' '!' start a comment line, so all four are escaped anywhere; a space
    # ends a key, and a value's leading blanks are skipped, so those are
    # escaped too. A line break becomes \n to stay on one line.
    out = []
    for i, ch in enumerate(str(text)):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch in "=:#!" or (key and ch == " "):
            out.append("\\" + ch)
        elif ch == " " and i == 0:
            out.append("\\ ")
        else:
            out.append(ch)
    return "".join(out)


def write_properties(path, props):
    """Write a dict as a Java .properties file, one key=value a line, keys
    and values escaped. A key whose value is None is left out (a test's
    way of removing a default key); any other value is written as str()."""
    lines = ["%s=%s\n" % (_escape(k, True), _escape(v, False))
             for k, v in props.items() if v is not None]
    Path(path).write_text("".join(lines))
