/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_value_text: the Java text form FileStreamSink writes. The expected
 * strings come from Java itself: tests/golden/value_text/expected.tsv is
 * what String.valueOf printed for the value Apache's JsonConverter read
 * from each envelope of cases.tsv (GenValueTextGolden.java). This test
 * reads the same envelopes with a small reader of its own (jansson), so
 * the expected text never comes from kconnect's code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "kc_internal.h"

#include "data/kc_base64.h"
#include "data/kc_value_text.h"

#define GOLDEN_DIR KC_SOURCE_DIR "/tests/golden/value_text"

/* ---- a minimal JsonConverter envelope reader, for the test only ----- */

static kc_type_t type_of(const char *t)
{
    static const struct {
        const char *name;
        kc_type_t type;
    } map[] = {{"int8", KC_TYPE_INT8},       {"int16", KC_TYPE_INT16},
               {"int32", KC_TYPE_INT32},     {"int64", KC_TYPE_INT64},
               {"float", KC_TYPE_FLOAT32},   {"double", KC_TYPE_FLOAT64},
               {"boolean", KC_TYPE_BOOLEAN}, {"string", KC_TYPE_STRING},
               {"bytes", KC_TYPE_BYTES},     {"array", KC_TYPE_ARRAY},
               {"map", KC_TYPE_MAP},         {"struct", KC_TYPE_STRUCT}};

    for (size_t i = 0; i < KC_ARRAY_LEN(map); i++) {
        if (strcmp(map[i].name, t) == 0) {
            return map[i].type;
        }
    }
    fail_msg("unknown schema type %s", t);
    return KC_TYPE_NULL;
}

static kc_schema_t *schema_from_json(const json_t *j)
{
    const char *name = json_string_value(json_object_get(j, "name"));
    kc_type_t type = type_of(json_string_value(json_object_get(j, "type")));
    kc_schema_t *s;

    if (name != NULL && strcmp(name, KC_LOGICAL_DECIMAL_NAME) == 0) {
        const char *scale = json_string_value(
            json_object_get(json_object_get(j, "parameters"), "scale"));

        s = kc_schema_decimal_new((int32_t)atoi(scale));
    } else if (name != NULL && strcmp(name, KC_LOGICAL_DATE_NAME) == 0) {
        s = kc_schema_date_new();
    } else if (name != NULL && strcmp(name, KC_LOGICAL_TIME_NAME) == 0) {
        s = kc_schema_time_new();
    } else if (name != NULL && strcmp(name, KC_LOGICAL_TIMESTAMP_NAME) == 0) {
        s = kc_schema_timestamp_new();
    } else {
        s = kc_schema_new(type);
        if (name != NULL) {
            kc_schema_set_name(s, name);
        }
    }
    kc_schema_set_optional(s, json_is_true(json_object_get(j, "optional")));
    if (type == KC_TYPE_ARRAY) {
        kc_schema_set_items_take(s,
                                 schema_from_json(json_object_get(j, "items")));
    } else if (type == KC_TYPE_MAP) {
        kc_schema_set_map_take(s, schema_from_json(json_object_get(j, "keys")),
                               schema_from_json(json_object_get(j, "values")));
    } else if (type == KC_TYPE_STRUCT) {
        size_t i;
        json_t *f;

        json_array_foreach(json_object_get(j, "fields"), i, f)
        {
            kc_error_t err;
            const char *fname = json_string_value(json_object_get(f, "field"));

            assert_int_equal(
                kc_schema_add_field_take(s, fname, schema_from_json(f), &err),
                KC_OK);
        }
    }
    return s;
}

static double real_of(const json_t *j)
{
    /* Jackson reads JSON numbers as BigDecimal for JsonConverter, which
     * has no negative zero: "-0.0" arrives as 0.0. */
    return json_number_value(j) + 0.0;
}

static void value_from_json(kc_arena_t *arena, const kc_schema_t *s,
                            const json_t *j, kc_value_t *v)
{
    memset(v, 0, sizeof(*v));
    if (j == NULL || json_is_null(j)) {
        return;
    }
    if (s == NULL) {
        if (json_is_boolean(j)) {
            kc_value_set_bool(v, json_is_true(j));
        } else if (json_is_integer(j)) {
            kc_value_set_int(v, KC_TYPE_INT64, json_integer_value(j));
        } else if (json_is_real(j)) {
            kc_value_set_float(v, KC_TYPE_FLOAT64, real_of(j));
        } else if (json_is_string(j)) {
            kc_value_set_string(arena, v, json_string_value(j),
                                json_string_length(j));
        } else if (json_is_array(j)) {
            kc_value_set_array(arena, v, json_array_size(j));
            for (size_t i = 0; i < json_array_size(j); i++) {
                value_from_json(arena, NULL, json_array_get(j, i),
                                &v->u.array.items[i]);
            }
        } else {
            const char *key;
            json_t *val;
            size_t i = 0;

            kc_value_set_map(arena, v, json_object_size(j));
            json_object_foreach((json_t *)j, key, val)
            {
                kc_value_set_string(arena, &v->u.map.keys[i], key, strlen(key));
                value_from_json(arena, NULL, val, &v->u.map.values[i]);
                i++;
            }
        }
        return;
    }
    switch (kc_schema_type(s)) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_value_set_int(v, kc_schema_type(s), json_integer_value(j));
        break;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        kc_value_set_float(v, kc_schema_type(s), real_of(j));
        break;
    case KC_TYPE_BOOLEAN:
        kc_value_set_bool(v, json_is_true(j));
        break;
    case KC_TYPE_STRING:
        kc_value_set_string(arena, v, json_string_value(j),
                            json_string_length(j));
        break;
    case KC_TYPE_BYTES: {
        const uint8_t *data;
        size_t len;
        kc_error_t err;

        assert_int_equal(kc_base64_decode(arena, json_string_value(j),
                                          json_string_length(j), &data, &len,
                                          &err),
                         KC_OK);
        kc_value_set_bytes(arena, v, data, len);
        break;
    }
    case KC_TYPE_ARRAY:
        kc_value_set_array(arena, v, json_array_size(j));
        for (size_t i = 0; i < json_array_size(j); i++) {
            value_from_json(arena, kc_schema_items(s), json_array_get(j, i),
                            &v->u.array.items[i]);
        }
        break;
    case KC_TYPE_MAP:
        if (json_is_object(j)) {
            const char *key;
            json_t *val;
            size_t i = 0;

            kc_value_set_map(arena, v, json_object_size(j));
            json_object_foreach((json_t *)j, key, val)
            {
                kc_value_set_string(arena, &v->u.map.keys[i], key, strlen(key));
                value_from_json(arena, kc_schema_value(s), val,
                                &v->u.map.values[i]);
                i++;
            }
        } else {
            kc_value_set_map(arena, v, json_array_size(j));
            for (size_t i = 0; i < json_array_size(j); i++) {
                json_t *pair = json_array_get(j, i);

                value_from_json(arena, kc_schema_key(s),
                                json_array_get(pair, 0), &v->u.map.keys[i]);
                value_from_json(arena, kc_schema_value(s),
                                json_array_get(pair, 1), &v->u.map.values[i]);
            }
        }
        break;
    case KC_TYPE_STRUCT:
        kc_value_set_struct(arena, v, s);
        for (size_t i = 0; i < kc_schema_field_count(s); i++) {
            const kc_field_t *f = kc_schema_field_at(s, i);

            value_from_json(arena, f->schema, json_object_get(j, f->name),
                            &v->u.st.fields[i]);
        }
        break;
    default:
        fail_msg("unexpected schema type");
    }
}

/* ---- golden cases --------------------------------------------------- */

static char *unescape(const char *s, size_t len)
{
    char *out = kc_malloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len) {
            char c = s[++i];

            out[n++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

/* The text after "name\t" on the line of @p name in @p path, or NULL. */
static char *golden_lookup(const char *path, const char *name, bool escaped)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    char *found = NULL;
    size_t nlen = strlen(name);

    assert_non_null(f);
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if ((size_t)n > nlen && strncmp(line, name, nlen) == 0 &&
            line[nlen] == '\t') {
            found = escaped ? unescape(line + nlen + 1, (size_t)n - nlen - 1)
                            : kc_strdup(line + nlen + 1);
            break;
        }
    }
    free(line); /* getline's buffer comes from the C allocator */
    fclose(f);
    return found;
}

static void test_golden_cases(void **state)
{
    FILE *f = fopen(GOLDEN_DIR "/cases.tsv", "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int checked = 0;
    int failed = 0;

    assert_non_null(f);
    while ((n = getline(&line, &cap, f)) >= 0) {
        char *tab;
        char *expected;
        json_t *env;
        json_error_t jerr;
        kc_arena_t *arena;
        kc_schema_t *schema = NULL;
        kc_value_t value;
        kc_buf_t out;

        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (n == 0 || line[0] == '#') {
            continue;
        }
        tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        expected = golden_lookup(GOLDEN_DIR "/expected.tsv", line, true);
        if (expected == NULL) {
            fail_msg("case %s has no line in expected.tsv", line);
        }
        env = json_loads(tab + 1, 0, &jerr);
        assert_non_null(env);
        arena = kc_arena_new(0);
        if (!json_is_null(json_object_get(env, "schema"))) {
            schema = schema_from_json(json_object_get(env, "schema"));
        }
        value_from_json(arena, schema, json_object_get(env, "payload"), &value);
        kc_buf_init(&out, 0);
        assert_int_equal(kc_value_text_append(&out, schema, &value), KC_OK);
        if (strcmp(kc_buf_cstr(&out), expected) != 0) {
            print_error("case %s: expected \"%s\", got \"%s\"\n", line,
                        expected, kc_buf_cstr(&out));
            failed++;
        }
        checked++;
        kc_buf_release(&out);
        kc_arena_destroy(arena);
        kc_schema_unref(schema);
        json_decref(env);
        kc_free(expected);
    }
    free(line);
    fclose(f);
    assert_true(checked >= 100);
    assert_int_equal(failed, 0);
}

/* ---- direct cases --------------------------------------------------- */

static void test_bytes_print_as_base64(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t v;
    kc_buf_t out;

    kc_buf_init(&out, 0);
    kc_value_set_bytes(arena, &v, (const uint8_t *)"hello", 5);
    assert_int_equal(kc_value_text_append(&out, NULL, &v), KC_OK);
    /* base64("hello"), RFC 4648 alphabet with padding */
    assert_string_equal(kc_buf_cstr(&out), "aGVsbG8=");
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

static void test_map_with_bytes_keys_keeps_its_order(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t v;
    kc_buf_t out;

    /* byte[] has an identity hashCode in Java, so no HashMap order can be
     * reproduced: the map prints in its own order, keys as base64. */
    kc_buf_init(&out, 0);
    kc_value_set_map(arena, &v, 2);
    kc_value_set_bytes(arena, &v.u.map.keys[0], (const uint8_t *)"z", 1);
    kc_value_set_int(&v.u.map.values[0], KC_TYPE_INT32, 1);
    kc_value_set_bytes(arena, &v.u.map.keys[1], (const uint8_t *)"a", 1);
    kc_value_set_int(&v.u.map.values[1], KC_TYPE_INT32, 2);
    assert_int_equal(kc_value_text_append(&out, NULL, &v), KC_OK);
    assert_string_equal(kc_buf_cstr(&out), "{eg===1, YQ===2}");
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

static void test_string_hash_matches_java(void **state)
{
    /* Values of Java's "...".hashCode(), from the JLS formula by hand:
     * "Aa" = 65*31 + 97 = 2112 = "BB" = 66*31 + 66. */
    assert_int_equal(kc_value_text_string_hash("", 0), 0);
    assert_int_equal(kc_value_text_string_hash("a", 1), 97);
    assert_int_equal(kc_value_text_string_hash("Aa", 2), 2112);
    assert_int_equal(kc_value_text_string_hash("BB", 2), 2112);
    assert_int_equal(kc_value_text_string_hash("hello", 5), 99162322);
    /* U+00E9 is one UTF-16 unit (233); U+1F600 two (0xD83D, 0xDE00). */
    assert_int_equal(kc_value_text_string_hash("\xC3\xA9", 2), 233);
    assert_int_equal(kc_value_text_string_hash("\xF0\x9F\x98\x80", 4),
                     0xD83D * 31 + 0xDE00);
}

static void test_date_text(void **state)
{
    char buf[64];

    assert_int_equal(kc_value_text_date(0, buf, sizeof(buf)),
                     strlen("Thu Jan 01 00:00:00 UTC 1970"));
    assert_string_equal(buf, "Thu Jan 01 00:00:00 UTC 1970");
    /* 2024-03-01 is a Friday: 19783 days after the epoch. */
    kc_value_text_date((int64_t)19783 * 86400000 + 3600000 * 13 + 61000, buf,
                       sizeof(buf));
    assert_string_equal(buf, "Fri Mar 01 13:01:01 UTC 2024");
}

static void test_bounded_buffer_is_left_unchanged(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t v;
    kc_buf_t out;

    kc_buf_init(&out, 8);
    assert_int_equal(kc_buf_puts(&out, "ab"), KC_OK);
    kc_value_set_array(arena, &v, 3);
    for (size_t i = 0; i < 3; i++) {
        kc_value_set_string(arena, &v.u.array.items[i], "xyz", 3);
    }
    assert_int_equal(kc_value_text_append(&out, NULL, &v), KC_ERR_TOO_LARGE);
    assert_int_equal(out.len, 2);
    assert_memory_equal(out.data, "ab", 2);
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases),
        cmocka_unit_test(test_bytes_print_as_base64),
        cmocka_unit_test(test_map_with_bytes_keys_keeps_its_order),
        cmocka_unit_test(test_string_hash_matches_java),
        cmocka_unit_test(test_date_text),
        cmocka_unit_test(test_bounded_buffer_is_left_unchanged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
