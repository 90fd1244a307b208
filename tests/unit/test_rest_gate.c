/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST gate's request-line check. Verdicts and messages are Jetty
 * 12.0.22's (Apache Connect 4.1.1), captured by
 * tests/e2e/golden/capture_jetty_request_lines.py; this test adds what a
 * live server cannot show: the verdict on every prefix of a line.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rest/kc_rest_gate.h"

static kc_line_verdict_t check(const char *s, size_t n, int *status,
                               char *reason)
{
    return kc_rest_line_check((const unsigned char *)s, n, status, reason, 128);
}

/* The verdict on the first @p len bytes of @p line. */
static void expect(const char *line, size_t len, kc_line_verdict_t v,
                   int status, const char *reason)
{
    int st = 0;
    char r[128] = "";

    assert_int_equal(check(line, len, &st, r), v);
    if (v == KC_LINE_BAD) {
        assert_int_equal(st, status);
        assert_string_equal(r, reason);
    }
}

static void test_a_good_line_passes_once_whole(void **state)
{
    const char *line = "GET /connectors HTTP/1.1\r\nHost: h\r\n\r\n";
    size_t whole = strlen("GET /connectors HTTP/1.1\r\n");
    int st;
    char r[128];

    (void)state;
    for (size_t n = 0; n < whole; n++) {
        assert_int_equal(check(line, n, &st, r), KC_LINE_MORE);
    }
    expect(line, whole, KC_LINE_PASS, 0, NULL);
    expect("\r\n\r\nGET / HTTP/1.0\n", 20, KC_LINE_PASS, 0, NULL);
    expect("GET  / HTTP/1.1\r\n", 17, KC_LINE_PASS, 0, NULL);
    expect("DELETE /x http/1.1\r\n", 20, KC_LINE_PASS, 0, NULL);
}

static void test_a_bad_line_is_refused_as_soon_as_seen(void **state)
{
    (void)state;
    /* No need to wait for the end of the line. */
    expect("G@", 2, KC_LINE_BAD, 400, "Illegal character VCHAR='@'");
    expect("\x16\x03\x01", 3, KC_LINE_BAD, 400, "Illegal character CNTL=0x16");
    expect(" ", 1, KC_LINE_BAD, 400, "Illegal character SPACE=' '");
    expect("GARBAGE\r", 8, KC_LINE_BAD, 400, "No URI");
    expect("G\xc3", 2, KC_LINE_BAD, 400, "Illegal character OTEXT=0xc3");
    expect("GET\t", 4, KC_LINE_BAD, 400, "Illegal character HTAB=0x9");
    expect("GET /\x7f", 6, KC_LINE_BAD, 400, "Illegal character CNTL=0x7f");
}

static void test_versions(void **state)
{
    (void)state;
    expect("GET / HTTP/1.1", 14, KC_LINE_MORE, 0, NULL);
    expect("GET / HTTP/1.1\r", 15, KC_LINE_MORE, 0, NULL);
    expect("GET / HTTP/1.1\rX", 16, KC_LINE_BAD, 400, "Bad EOL");
    expect("GET / HTTP/2.0\r\n", 16, KC_LINE_BAD, 426, "Upgrade Required");
    expect("GET / HTTP/1.10\r\n", 17, KC_LINE_BAD, 505, "Unknown Version");
    expect("GET /\r\n", 7, KC_LINE_BAD, 505, "HTTP/0.9 not supported");
    expect("GET / \r\n", 8, KC_LINE_BAD, 400, "HTTP/0.9 not supported");
    expect("GET / HTTP/1.1 X", 15, KC_LINE_BAD, 400,
           "Illegal character SPACE=' '");
}

static void test_a_non_ascii_target_is_left_to_the_router(void **state)
{
    (void)state;
    expect("GET /\xc3\xa9 HTTP/1.1\r\n", 19, KC_LINE_PASS, 0, NULL);
}

static void test_answer_is_a_whole_response(void **state)
{
    char out[2048];
    size_t n = kc_rest_line_answer(400, "Illegal character VCHAR='@'", out,
                                   sizeof(out));
    const char *body;

    (void)state;
    assert_true(n > 0 && n < sizeof(out));
    assert_memory_equal(out, "HTTP/1.1 400 Bad Request\r\n", 26);
    body = strstr(out, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    assert_non_null(strstr(out, "Content-Type: text/html;charset=iso-8859-1"));
    assert_non_null(strstr(body, "<title>Error 400 Illegal character "
                                 "VCHAR=&apos;@&apos;</title>"));
    {
        char want[64];

        snprintf(want, sizeof(want), "Content-Length: %zu\r\n", strlen(body));
        assert_non_null(strstr(out, want));
    }
    n = kc_rest_line_answer(505, "Unknown Version", out, sizeof(out));
    assert_memory_equal(out, "HTTP/1.1 505 HTTP Version Not Supported\r\n", 41);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_good_line_passes_once_whole),
        cmocka_unit_test(test_a_bad_line_is_refused_as_soon_as_seen),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_a_non_ascii_target_is_left_to_the_router),
        cmocka_unit_test(test_answer_is_a_whole_response),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
