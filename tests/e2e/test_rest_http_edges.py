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

Not reproduced: a request line with no target at all ("HELLO"), which
libmicrohttpd drops without an answer where Jetty answers 400 ("No URI");
docs/architecture.md ("The REST server")
says why.
"""

import re
import socket

from kconnect_worker import kconnect  # noqa


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
