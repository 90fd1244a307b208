/* SPDX-License-Identifier: Apache-2.0 */
/* The string helpers of src/util/kc_str.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "util/kc_str.h"

static void test_str_trim(void **state)
{
    char a[] = " \t hello world \r\n";
    char b[] = "   ";
    char *d;

    (void)state;
    assert_string_equal(kc_str_trim(a), "hello world");
    assert_string_equal(kc_str_trim(b), "");
    d = kc_str_trim_dup("  x y  z", 6); /* "  x y " */
    assert_string_equal(d, "x y");
    kc_free(d);
    assert_true(kc_str_is_space('\f'));
    assert_false(kc_str_is_space('a'));
}

static void test_str_compare(void **state)
{
    (void)state;
    assert_true(kc_str_eq_nocase("FileStreamSource", "filestreamSOURCE"));
    assert_false(kc_str_eq_nocase("abc", "abcd"));
    assert_true(kc_str_eq_nocase(NULL, NULL));
    assert_false(kc_str_eq_nocase("a", NULL));
    assert_true(kc_str_cmp_nocase("ABC", "abd") < 0);
    assert_true(kc_str_cmp_nocase("b", "A") > 0);
    assert_true(kc_str_starts_with("producer.acks", "producer."));
    assert_false(kc_str_starts_with("prod", "producer."));
    assert_true(kc_str_ends_with("plugin.so", ".so"));
    assert_false(kc_str_ends_with("so", ".so"));
    assert_true(kc_str_ends_with("x", ""));
}

static void test_str_split_comma(void **state)
{
    kc_strlist_t list = {0};

    (void)state;
    kc_str_split_comma(" a , b,c ", &list);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0], "a");
    assert_string_equal(list.items[1], "b");
    assert_string_equal(list.items[2], "c");
    kc_strlist_release(&list);
    assert_int_equal(list.count, 0);

    kc_str_split_comma("   ", &list);
    assert_int_equal(list.count, 0);
    kc_str_split_comma("a,,b,", &list);
    assert_int_equal(list.count, 4);
    assert_string_equal(list.items[1], "");
    assert_string_equal(list.items[3], "");
    kc_strlist_push(&list, "pushed");
    assert_string_equal(list.items[4], "pushed");
    kc_strlist_release(&list);
}

static void test_str_to_i64(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_int_equal(kc_str_to_i64(" 42 ", INT32_MIN, INT32_MAX, &v), KC_OK);
    assert_int_equal(v, 42);
    assert_int_equal(kc_str_to_i64("-0", INT32_MIN, INT32_MAX, &v), KC_OK);
    assert_int_equal(v, 0);
    assert_int_equal(kc_str_to_i64("+12", 0, 100, &v), KC_OK);
    assert_int_equal(v, 12);
    v = 7;
    assert_int_equal(kc_str_to_i64("101", 0, 100, &v), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_i64("-1", 0, 100, &v), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_i64("12a", 0, 100, &v), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_i64("- 1", -5, 5, &v), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_i64("", 0, 100, &v), KC_ERR_INVALID);
    assert_int_equal(
        kc_str_to_i64("99999999999999999999", INT64_MIN, INT64_MAX, &v),
        KC_ERR_INVALID);
    assert_int_equal(v, 7); /* untouched on failure */
}

static void test_str_to_double_and_bool(void **state)
{
    double d = 0;
    bool b = false;

    (void)state;
    assert_int_equal(kc_str_to_double(" 1.5 ", &d), KC_OK);
    assert_true(d == 1.5);
    assert_int_equal(kc_str_to_double("2.5f", &d), KC_OK);
    assert_true(d == 2.5);
    assert_int_equal(kc_str_to_double("-1e3", &d), KC_OK);
    assert_true(d == -1000.0);
    assert_int_equal(kc_str_to_double(".5", &d), KC_OK);
    assert_true(d == 0.5);
    /* longer than the parser's stack copy: 0.25 after 70 zeros, trimmed */
    {
        char text[100];

        memset(text, '0', sizeof(text));
        text[0] = ' ';
        memcpy(text + 71, ".25d ", 6);
        assert_int_equal(kc_str_to_double(text, &d), KC_OK);
        assert_true(d == 0.25);
        text[71] = 'x';
        assert_int_equal(kc_str_to_double(text, &d), KC_ERR_INVALID);
    }
    assert_int_equal(kc_str_to_double("NaN", &d), KC_OK);
    assert_true(isnan(d));
    assert_int_equal(kc_str_to_double("-Infinity", &d), KC_OK);
    assert_true(isinf(d) && d < 0);
    assert_int_equal(kc_str_to_double("nan", &d), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_double("inf", &d), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_double("1.5x", &d), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_double("", &d), KC_ERR_INVALID);

    assert_int_equal(kc_str_to_bool(" TRUE ", &b), KC_OK);
    assert_true(b);
    assert_int_equal(kc_str_to_bool("False", &b), KC_OK);
    assert_false(b);
    assert_int_equal(kc_str_to_bool("yes", &b), KC_ERR_INVALID);
    assert_int_equal(kc_str_to_bool("1", &b), KC_ERR_INVALID);
}

static char *pct(const char *s, const char *keep)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    kc_str_pct_encode(&buf, s, keep);
    return kc_buf_detach(&buf, NULL);
}

/*
 * Expected texts from Java 17 (input "a b/c%d~*!:@" U+00E9 U+20AC "?#"):
 * URLEncoder.encode(s, UTF_8) gives
 * "a+b%2Fc%25d%7E*%21%3A%40%C3%A9%E2%82%AC%3F%23" -- the same bytes but
 * for ' ' ('+'), '~' and '*', which a URL path (RFC 3986) treats the
 * other way; new URI("http", "h", "/connectors/" + s, null)
 * .toASCIIString() keeps pchar and '/' and gives the path below.
 */
static void test_str_pct_encode_reserved_utf8_slash_percent(void **state)
{
    const char *in = "a b/c%d~*!:@\xc3\xa9\xe2\x82\xac?#";
    char *s;

    (void)state;
    s = pct(in, NULL);
    assert_string_equal(s, "a%20b%2Fc%25d~%2A%21%3A%40%C3%A9%E2%82%AC%3F%23");
    kc_free(s);
    s = pct(in, "!$&'()*+,;=:@/");
    assert_string_equal(s, "a%20b/c%25d~*!:@%C3%A9%E2%82%AC%3F%23");
    kc_free(s);
    s = pct("", NULL);
    assert_string_equal(s, "");
    kc_free(s);
    /* Bytes that are not UTF-8 at all still come out as escapes. */
    s = pct("\x01\x7f\xff", NULL);
    assert_string_equal(s, "%01%7F%FF");
    kc_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_trim),
        cmocka_unit_test(test_str_compare),
        cmocka_unit_test(test_str_split_comma),
        cmocka_unit_test(test_str_to_i64),
        cmocka_unit_test(test_str_to_double_and_bool),
        cmocka_unit_test(test_str_pct_encode_reserved_utf8_slash_percent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
