# SPDX-License-Identifier: Apache-2.0
"""HTTP edge cases answered as Apache Connect's Jetty answers them.

Expected values come from a side-by-side run against an Apache Kafka
Connect 4.1.1 standalone worker (Jetty 12.0.22), raw requests over a
socket to both:

- OPTIONS on a resource: 200, "Allow" with the resource's methods (HEAD
  where GET is) in Jersey's order, and the same list as a text/plain body;
  a path no resource has stays 404;
- an absolute-form target (GET http://host:port/connectors) is served when
  its authority is the Host header, and refused (400, "Authority!=Host")
  when it is not;
- HTTP/1.1 without a Host header: 400 ("No Host"); two Host headers: 400
  ("Duplicate Host Header"); HTTP/1.0 without Host is served.

- a malformed request line (no target, a bad character in the method or
  target, HTTP/0.9, an unknown version, HTTP/2.0 without an upgrade):
  Jetty's status and message (the <title> of its error page), then the
  connection closes; REQUEST_LINES below, captured by
  golden/capture_jetty_request_lines.py.

Not reproduced: a lower-case version ("http/1.1", which Jetty serves and
libmicrohttpd refuses with 400), a request line between about 8 KiB and
libmicrohttpd's own limit (Jetty 414/431, kconnect serves it) and a
non-ASCII target (Jetty 400 "Illegal Path Character", kconnect routes it).
"""

import html
import re
import socket
import time

from kconnect_worker import kconnect  # noqa


# (case, bytes sent, Jetty's status, Jetty's message), from
# golden/capture_jetty_request_lines.py against Apache Connect 4.1.1.
REQUEST_LINES = [
    ('no-target', b'GARBAGE\r\n\r\n', 400, 'No URI'),
    ('no-target-lf', b'GARBAGE\n\n', 400, 'No URI'),
    ('method-only', b'HELLO\r\n', 400, 'No URI'),
    ('method-and-space', b'GET \r\n\r\n', 400, 'No URI'),
    ('method-vchar', b'G@T / HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     "Illegal character VCHAR='@'"),
    ('method-paren', b'GE(T / HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     "Illegal character VCHAR='('"),
    ('method-del', b'GE\x7fT / HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character CNTL=0x7f'),
    ('method-non-ascii', b'G\xc3\xa9T / HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character OTEXT=0xc3'),
    ('leading-space', b' GET / HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     "Illegal character SPACE=' '"),
    ('space-after-empty-line', b'\r\n GET / HTTP/1.1\r\n\r\n', 400,
     "Illegal character SPACE=' '"),
    ('tab-separated', b'GET\t/\tHTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character HTAB=0x9'),
    ('tls-hello', b'\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03' +
     b'\x00' * 40, 400, 'Illegal character CNTL=0x16'),
    ('target-ctl', b'GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character CNTL=0x1'),
    ('target-nul', b'GET /\x00 HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character CNTL=0x0'),
    ('target-tab', b'GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n', 400,
     'Illegal character HTAB=0x9'),
    ('target-bare-cr', b'GET /\rX HTTP/1.1\r\n\r\n', 400, 'Bad EOL'),
    ('http-0.9', b'GET /\r\n\r\n', 505, 'HTTP/0.9 not supported'),
    ('http-0.9-space', b'GET / \r\nHost: h\r\n\r\n', 400,
     'HTTP/0.9 not supported'),
    ('version-9.9', b'GET / HTTP/9.9\r\nHost: h\r\n\r\n', 505,
     'Unknown Version'),
    ('version-1.2', b'GET / HTTP/1.2\r\nHost: h\r\n\r\n', 505,
     'Unknown Version'),
    ('version-word', b'GET / FOO\r\nHost: h\r\n\r\n', 505,
     'Unknown Version'),
    ('version-2.0', b'GET / HTTP/2.0\r\nHost: h\r\n\r\n', 426,
     'Upgrade Required'),
    ('version-ctl', b'GET / HTTP/1.\x01\r\nHost: h\r\n\r\n', 400,
     'Illegal character CNTL=0x1'),
    ('four-words', b'GET / HTTP/1.1 X\r\nHost: h\r\n\r\n', 400,
     "Illegal character SPACE=' '"),
    ('version-bare-cr', b'GET / HTTP/1.1\rHost: h\r\n\r\n', 400, 'Bad EOL'),
    ('served-after-empty-lines',
     b'\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
     200, None),
    ('served-with-two-spaces',
     b'GET  / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n', 200,
     None),
    ('served-with-bare-lf',
     b'GET / HTTP/1.1\nHost: h\nConnection: close\n\n', 200, None),
]


def answer(port, data, pause_after=None):
    """(status or None, Jetty-style message or None, closed) of the answer
    to @data; with @pause_after, the first that many bytes go first and
    the rest a moment later."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    out = b""
    closed = False
    try:
        if pause_after is not None:
            s.sendall(data[:pause_after])
            time.sleep(0.5)
            data = data[pause_after:]
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            out += chunk
    except OSError:
        pass
    finally:
        s.close()
    status = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/") else None
    m = re.search(rb"<title>Error \d+ (.*?)</title>", out)
    msg = html.unescape(m.group(1).decode("latin-1")) if m else None
    return status, msg, closed


def test_malformed_request_lines_are_answered_as_jetty(kconnect):
    w = kconnect()
    got = []
    want = []
    for name, data, status, reason in REQUEST_LINES:
        st, msg, closed = answer(w.port, data)
        got.append((name, st, msg if status != 200 else None, closed))
        want.append((name, status, reason, True))
    assert got == want
    # The worker still serves after them.
    assert answer(w.port, b"GET /connectors HTTP/1.1\r\nHost: h\r\n"
                  b"Connection: close\r\n\r\n")[0] == 200


def test_request_line_arriving_in_pieces(kconnect):
    """A first line split across packets is judged once it is whole: a
    good one is served, a bad one answered."""
    w = kconnect()
    st, _, _ = answer(w.port, b"GE" b"T /connectors HTTP/1.1\r\nHost: h\r\n"
                      b"Connection: close\r\n\r\n", pause_after=2)
    assert st == 200
    st, msg, closed = answer(w.port, b"GARBAGE\r\n\r\n", pause_after=4)
    assert (st, msg, closed) == (400, "No URI", True)
    st, msg, _ = answer(w.port, b"GET / HTTP/9.9\r\nHost: h\r\n\r\n",
                        pause_after=10)
    assert (st, msg) == (505, "Unknown Version")


def send(port, data):
    """(status, headers dict with lower-case names, body) of one request."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length: *(\d+)", head)
            if sep and m and len(body) >= int(m.group(1)):
                break
    finally:
        s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body.decode("latin-1")


# (path, Allow) as Apache answered OPTIONS.
APACHE_OPTIONS = [
    ("/", "HEAD,GET,OPTIONS"),
    ("/connectors", "HEAD,POST,GET,OPTIONS"),
    ("/connectors/x", "HEAD,DELETE,GET,OPTIONS"),
    ("/connectors/x/config", "HEAD,GET,OPTIONS,PUT,PATCH"),
    ("/connectors/x/offsets", "HEAD,DELETE,GET,OPTIONS,PATCH"),
    ("/connectors/x/status", "HEAD,GET,OPTIONS"),
    ("/connectors/x/tasks/0/restart", "POST,OPTIONS"),
    ("/admin/loggers", "HEAD,GET,OPTIONS"),
    ("/admin/loggers/root", "HEAD,GET,OPTIONS,PUT"),
    ("/connector-plugins", "HEAD,GET,OPTIONS"),
]


def test_options_lists_the_methods_of_a_resource(kconnect):
    w = kconnect()
    for path, allow in APACHE_OPTIONS:
        status, headers, body = send(
            w.port, b"OPTIONS %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: close\r\n\r\n" % path.encode())
        assert (status, headers.get("allow")) == (200, allow), path
        assert headers["content-type"] == "text/plain", path
        assert body == allow.replace(",", ", "), path
    status, _, _ = send(w.port, b"OPTIONS /nope HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n")
    assert status == 404


def test_absolute_form_target_is_served_when_it_names_the_host(kconnect):
    w = kconnect()
    auth = b"127.0.0.1:%d" % w.port
    status, _, body = send(w.port, b"GET http://%s/connectors HTTP/1.1\r\n"
                           b"Host: %s\r\nConnection: close\r\n\r\n"
                           % (auth, auth))
    assert (status, body) == (200, "[]")
    status, _, body = send(w.port, b"GET http://%s/connectors?expand=status "
                           b"HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                           % (auth, auth))
    assert (status, body) == (200, "{}")
    status, _, body = send(w.port, b"GET http://%s/connectors HTTP/1.1\r\n"
                           b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
                           % auth)
    assert status == 400 and "Authority!=Host" in body


def test_host_header_missing_or_repeated_is_a_bad_request(kconnect):
    w = kconnect()
    status, _, body = send(w.port, b"GET /connectors HTTP/1.1\r\n"
                           b"Connection: close\r\n\r\n")
    assert status == 400 and "No Host" in body
    status, _, body = send(w.port, b"GET /connectors HTTP/1.1\r\nHost: a\r\n"
                           b"Host: b\r\nConnection: close\r\n\r\n")
    assert status == 400 and "Duplicate Host Header" in body
    status, _, body = send(w.port, b"GET /connectors HTTP/1.0\r\n\r\n")
    assert (status, body) == (200, "[]")
