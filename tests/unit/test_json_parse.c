/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/converters/kc_json_parse.c: the arena JSON reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "converters/kc_json_parse.h"

static kc_err_t parse(kc_arena_t *arena, const char *text, kc_jnode_t **root,
                      kc_error_t *err)
{
    return kc_json_parse(arena, (const uint8_t *)text, strlen(text), root, err);
}

static void test_parse_document(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_jnode_t *root;
    kc_error_t err;
    const kc_jnode_t *n;

    (void)state;
    assert_int_equal(
        parse(arena,
              "\xEF\xBB\xBF { \"a\" : [1, -2.50e+3, 007, true, false, null],"
              "\"s\":\"x\\u00e9\\ud83d\\ude00\\n\\\"\", \"a\": "
              "12345678901234567890.5 } ",
              &root, &err),
        KC_OK);
    assert_int_equal(root->type, KC_JSON_OBJECT);
    assert_int_equal(root->len, 3);
    /* A repeated key: the last one wins, as Jackson's ObjectNode. */
    n = kc_json_get(root, "a");
    assert_int_equal(n->type, KC_JSON_NUMBER);
    assert_false(n->integral);
    assert_string_equal(n->text, "12345678901234567890.5");
    n = root->child;
    assert_int_equal(n->type, KC_JSON_ARRAY);
    assert_int_equal(n->len, 6);
    assert_string_equal(n->child->text, "1");
    assert_true(n->child->integral);
    assert_string_equal(n->child->next->text, "-2.50e+3");
    assert_string_equal(n->child->next->next->text, "007");
    assert_int_equal(n->child->next->next->next->type, KC_JSON_TRUE);
    n = kc_json_get(root, "s");
    assert_int_equal(n->type, KC_JSON_STRING);
    assert_int_equal(n->len, 1 + 2 + 4 + 2);
    assert_memory_equal(n->text, "x\xC3\xA9\xF0\x9F\x98\x80\n\"", 9);
    assert_null(kc_json_get(root, "missing"));
    assert_string_equal(kc_json_type_name(root), "OBJECT");
    assert_string_equal(kc_json_type_name(NULL), "MISSING");
    /* Whitespace only: no document. */
    assert_int_equal(parse(arena, " \n", &root, &err), KC_OK);
    assert_null(root);
    kc_arena_destroy(arena);
}

static void expect_error(const char *text, size_t len, const char *what)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_jnode_t *root;
    kc_error_t err;

    assert_int_equal(
        kc_json_parse(arena, (const uint8_t *)text, len, &root, &err),
        KC_ERR_INVALID);
    if (strstr(err.msg, what) == NULL) {
        fail_msg("parsing %.*s: got \"%s\", wanted \"%s\"", (int)len, text,
                 err.msg, what);
    }
    kc_arena_destroy(arena);
}

static void test_parse_errors(void **state)
{
    char deep[2 * KC_JSON_MAX_DEPTH + 10];
    size_t n = 0;

    (void)state;
    expect_error("[1,]", 4, "unexpected character");
    expect_error("{\"a\" 1}", 7, "':' expected");
    expect_error("[1 2]", 5, "',' or ']' expected");
    expect_error("{\"a\":1", 6, "unexpected end of input");
    expect_error("\"a\x01\"", 4, "control character");
    expect_error("\"\\x\"", 4, "bad escape");
    expect_error("\"\\u12g4\"", 8, "bad \\u escape");
    expect_error("\"\xC3(\"", 4, "invalid UTF-8");
    expect_error("\"abc", 4, "unterminated string");
    expect_error("1.", 2, "digit expected after '.'");
    expect_error("1e+", 3, "digit expected in exponent");
    expect_error("+1", 2, "unexpected character");
    expect_error("NaN", 3, "unexpected character");
    expect_error("tru", 3, "unexpected character");
    expect_error("{} {}", 5, "after the JSON value");
    expect_error("[1]\0", 4, "after the JSON value");
    for (int i = 0; i <= KC_JSON_MAX_DEPTH; i++) {
        deep[n++] = '[';
    }
    expect_error(deep, n, "nesting too deep");
}

static void test_parse_max_depth_ok(void **state)
{
    char deep[2 * KC_JSON_MAX_DEPTH];
    size_t n = 0;
    kc_arena_t *arena = kc_arena_new(0);
    kc_jnode_t *root;
    kc_error_t err;

    (void)state;
    for (int i = 0; i < KC_JSON_MAX_DEPTH; i++) {
        deep[n++] = '[';
    }
    for (int i = 0; i < KC_JSON_MAX_DEPTH; i++) {
        deep[n++] = ']';
    }
    assert_int_equal(
        kc_json_parse(arena, (const uint8_t *)deep, n, &root, &err), KC_OK);
    assert_int_equal(root->type, KC_JSON_ARRAY);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_document),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_max_depth_ok),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
