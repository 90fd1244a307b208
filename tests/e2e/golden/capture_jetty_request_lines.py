# SPDX-License-Identifier: Apache-2.0
"""Print how a live Apache Kafka Connect worker's Jetty answers malformed
request lines: the status and the <title> of its error page for each case
of test_rest_http_edges.REQUEST_LINES. The expected values in that test
were taken from this script's output against Apache Kafka Connect 4.1.1
standalone (Jetty 12.0.22).

    python3 tests/e2e/golden/capture_jetty_request_lines.py PORT
"""

import html
import re
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from test_rest_http_edges import REQUEST_LINES  # noqa: E402


def answer(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    out = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    finally:
        s.close()
    status = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/") else None
    m = re.search(rb"<title>Error \d+ (.*?)</title>", out)
    msg = html.unescape(m.group(1).decode("latin-1")) if m else None
    return status, msg


def main():
    port = int(sys.argv[1])
    for name, data, _, _ in REQUEST_LINES:
        status, reason = answer(port, data)
        print("    (%r, %r, %r, %r)," % (name, data, status, reason))


if __name__ == "__main__":
    main()
