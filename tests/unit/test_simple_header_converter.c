/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/converters/kc_simple_header_converter.c: golden cases
 * from Apache's SimpleHeaderConverter (tests/golden) and direct checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "converters/kc_converters.h"

#include "kc_test_golden.h"

#define READ_GOLDEN                                                            \
    KC_SOURCE_DIR "/tests/golden/simple_header_read_golden.jsonl"
#define WRITE_GOLDEN                                                           \
    KC_SOURCE_DIR "/tests/golden/simple_header_write_golden.jsonl"

static void write_value(const struct kc_converter_plugin *p, void *ctx,
                        const kc_schema_t *schema, const kc_value_t *v,
                        const char *want, size_t want_len)
{
    kc_buf_t out;
    bool is_null = true;
    kc_error_t err;

    kc_buf_init(&out, 0);
    assert_int_equal(
        p->from_connect(ctx, "t", "h", schema, v, &out, &is_null, &err), KC_OK);
    assert_false(is_null);
    assert_int_equal(out.len, want_len);
    assert_memory_equal(out.data, want, want_len);
    kc_buf_release(&out);
}

static void read_header(const char *text, kc_arena_t *arena,
                        const kc_schema_t **schema, kc_value_t *v)
{
    kc_error_t err;

    assert_int_equal(kc_simple_header_converter_plugin.to_connect(
                         NULL, "t", "h", (const uint8_t *)text, strlen(text),
                         arena, schema, v, &err),
                     KC_OK);
}

static void test_simple_header_converter_reads_types(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *s;
    kc_value_t v;

    (void)state;
    read_header("42", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_INT8);
    assert_int_equal(v.u.i, 42);
    read_header("300", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_INT16);
    read_header("-70000", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_INT32);
    assert_int_equal(v.u.i, -70000);
    read_header("5000000000", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_INT64);
    read_header("1.0", arena, &s, &v); /* exact integer */
    assert_int_equal(kc_schema_type(s), KC_TYPE_INT8);
    read_header("1.5", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_FLOAT32);
    assert_true(v.u.f == 1.5);
    read_header("true", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_BOOLEAN);
    assert_true(v.u.b);
    read_header("2024-01-02", arena, &s, &v);
    assert_int_equal(kc_schema_logical(s), KC_LOGICAL_DATE);
    assert_int_equal(v.u.i, 19724);
    read_header("2023-11-14T22:13:20.123Z", arena, &s, &v);
    assert_int_equal(kc_schema_logical(s), KC_LOGICAL_TIMESTAMP);
    assert_int_equal(v.u.i, 1700000000123LL);
    read_header("hello world", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_STRING);
    assert_string_equal(v.u.str.data, "hello world");
    read_header("", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_STRING);
    assert_int_equal(v.u.str.len, 0);
    read_header("null", arena, &s, &v);
    assert_null(s);
    assert_int_equal(v.type, KC_TYPE_NULL);
    kc_arena_destroy(arena);
}

/* Arrays whose elements nest to different depths must not get an element
 * schema that some elements do not match (the fuzzer found this). */
static void test_nested_arrays_of_different_depths(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *s;
    kc_value_t v;
    kc_error_t err;

    (void)state;
    read_header("[[1],[[2]]]", arena, &s, &v);
    assert_int_equal(kc_schema_type(s), KC_TYPE_ARRAY);
    assert_null(kc_schema_items(s));
    assert_int_equal(v.u.array.len, 2);
    assert_int_equal(kc_value_validate(s, &v, &err), KC_OK);
    /* Same depth still gets a common element schema. */
    read_header("[[1],[2,3]]", arena, &s, &v);
    assert_non_null(kc_schema_items(s));
    assert_int_equal(kc_schema_type(kc_schema_items(s)), KC_TYPE_ARRAY);
    assert_int_equal(kc_value_validate(s, &v, &err), KC_OK);
    kc_arena_destroy(arena);
}

static void test_simple_header_converter_writes_text(void **state)
{
    const struct kc_converter_plugin *p = &kc_simple_header_converter_plugin;
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *date = kc_schema_date_new();
    kc_value_t v;

    (void)state;
    kc_value_set_string(arena, &v, "a\"b", 3);
    write_value(p, NULL, NULL, &v, "a\"b", 3);
    kc_value_set_array(arena, &v, 3);
    kc_value_set_string(arena, &v.u.array.items[0], "a\"b", 3);
    kc_value_set_int(&v.u.array.items[1], KC_TYPE_INT32, 1);
    write_value(p, NULL, NULL, &v, "[\"a\\\"b\",1,null]", 15);
    kc_value_set_map(arena, &v, 1);
    kc_value_set_string(arena, &v.u.map.keys[0], "k", 1);
    kc_value_set_bool(&v.u.map.values[0], false);
    write_value(p, NULL, NULL, &v, "{\"k\":false}", 11);
    kc_value_set_int(&v, KC_TYPE_INT32, 19724);
    write_value(p, NULL, date, &v, "2024-01-02", 10);
    kc_schema_unref(date);
    kc_arena_destroy(arena);
}

static void for_each_line(const char *path,
                          void (*fn)(const json_t *c, size_t *n), size_t *n)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);

        assert_non_null(c);
        fn(c, n);
        json_decref(c);
    }
    free(line); /* allocated by getline */
    fclose(f);
}

static void read_case(const json_t *c, size_t *n)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const json_t *input = json_object_get(c, "input");
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *want_schema = build_schema(json_object_get(c, "schema"));
    const kc_schema_t *schema;
    kc_value_t want;
    kc_value_t v;
    kc_error_t err;

    assert_int_equal(kc_simple_header_converter_plugin.to_connect(
                         NULL, "golden", "h",
                         (const uint8_t *)json_string_value(input),
                         json_string_length(input), arena, &schema, &v, &err),
                     KC_OK);
    build_value(arena, want_schema, json_object_get(c, "value"), &want);
    if ((want_schema == NULL) != (schema == NULL) ||
        (want_schema != NULL && !kc_schema_equals(want_schema, schema))) {
        fail_msg("case %s (\"%s\"): schema differs from Apache's", id,
                 json_string_value(input));
    }
    if (!value_equals_unordered(&want, &v)) {
        fail_msg("case %s (\"%s\"): value differs from Apache's", id,
                 json_string_value(input));
    }
    kc_schema_unref(want_schema);
    kc_arena_destroy(arena);
    (*n)++;
}

static void write_case(const json_t *c, size_t *n)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const json_t *expected = json_object_get(c, "expected");
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *schema = build_schema(json_object_get(c, "schema"));
    kc_value_t v;
    kc_buf_t out;
    bool is_null = false;
    kc_error_t err;

    build_value(arena, schema, json_object_get(c, "value"), &v);
    kc_buf_init(&out, 0);
    assert_int_equal(kc_simple_header_converter_plugin.from_connect(
                         NULL, "golden", "h", schema, &v, &out, &is_null, &err),
                     KC_OK);
    if (json_is_null(expected)) {
        assert_true(is_null);
    } else {
        const uint8_t *want;
        size_t want_len;

        assert_int_equal(kc_base64_decode(arena, json_string_value(expected),
                                          json_string_length(expected), &want,
                                          &want_len, NULL),
                         KC_OK);
        if (out.len != want_len || memcmp(out.data, want, want_len) != 0) {
            fail_msg("case %s:\n  apache:   %.*s\n  kconnect: %.*s", id,
                     (int)want_len, (const char *)want, (int)out.len,
                     (const char *)out.data);
        }
    }
    kc_buf_release(&out);
    kc_schema_unref(schema);
    kc_arena_destroy(arena);
    (*n)++;
}

static void test_golden_apache_header_reads(void **state)
{
    size_t n = 0;

    (void)state;
    for_each_line(READ_GOLDEN, read_case, &n);
    assert_true(n >= 25);
}

static void test_golden_apache_header_writes(void **state)
{
    size_t n = 0;

    (void)state;
    for_each_line(WRITE_GOLDEN, write_case, &n);
    assert_true(n >= 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_header_converter_reads_types),
        cmocka_unit_test(test_simple_header_converter_writes_text),
        cmocka_unit_test(test_nested_arrays_of_different_depths),
        cmocka_unit_test(test_golden_apache_header_reads),
        cmocka_unit_test(test_golden_apache_header_writes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
