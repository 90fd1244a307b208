/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/converters/kc_number_converter.c: Apache's primitive
 * converters (Boolean, Short, Integer, Long, Float, Double), checked
 * against tests/golden/number_converter_golden.jsonl, which Apache's own
 * converters wrote (tests/golden/GenNumberConverterGolden.java): the bytes
 * of every value, what the bytes read back as, and the error texts for
 * values of another type and byte strings of the wrong size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <jansson.h>

#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "plugins/kc_registry.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/number_converter_golden.jsonl"

static const struct kc_converter_plugin *plugin_named(const char *name)
{
    const struct kc_converter_plugin *all[] = {
        &kc_boolean_converter_plugin, &kc_short_converter_plugin,
        &kc_integer_converter_plugin, &kc_long_converter_plugin,
        &kc_float_converter_plugin,   &kc_double_converter_plugin,
    };

    for (size_t i = 0; i < KC_ARRAY_LEN(all); i++) {
        if (strcmp(all[i]->name, name) == 0) {
            return all[i];
        }
    }
    fail_msg("no converter %s", name);
    return NULL;
}

static kc_type_t type_of_tag(const char *tag)
{
    static const struct {
        const char *tag;
        kc_type_t type;
    } rows[] = {{"i16", KC_TYPE_INT16},   {"i32", KC_TYPE_INT32},
                {"i64", KC_TYPE_INT64},   {"f32", KC_TYPE_FLOAT32},
                {"f64", KC_TYPE_FLOAT64}, {"bool", KC_TYPE_BOOLEAN},
                {"str", KC_TYPE_STRING},  {"null", KC_TYPE_NULL}};

    for (size_t i = 0; i < KC_ARRAY_LEN(rows); i++) {
        if (strcmp(rows[i].tag, tag) == 0) {
            return rows[i].type;
        }
    }
    fail_msg("unknown tag %s", tag);
    return KC_TYPE_NULL;
}

static kc_type_t type_of_schema_name(const char *name)
{
    for (int t = KC_TYPE_INT8; t <= KC_TYPE_STRUCT; t++) {
        if (strcmp(kc_type_name((kc_type_t)t), name) == 0) {
            return (kc_type_t)t;
        }
    }
    fail_msg("unknown schema type %s", name);
    return KC_TYPE_NULL;
}

/* Rebuild the Java value a case describes. */
static void build(kc_arena_t *arena, const char *tag, const char *text,
                  kc_value_t *v)
{
    kc_type_t type = type_of_tag(tag);

    switch (type) {
    case KC_TYPE_NULL:
        kc_value_set_null(v);
        break;
    case KC_TYPE_FLOAT32: {
        uint32_t bits = (uint32_t)strtoul(text, NULL, 16);
        float f;

        memcpy(&f, &bits, sizeof(f));
        kc_value_set_float(v, type, f);
        break;
    }
    case KC_TYPE_FLOAT64: {
        uint64_t bits = strtoull(text, NULL, 16);
        double d;

        memcpy(&d, &bits, sizeof(d));
        kc_value_set_float(v, type, d);
        break;
    }
    case KC_TYPE_BOOLEAN:
        kc_value_set_bool(v, strcmp(text, "true") == 0);
        break;
    case KC_TYPE_STRING:
        kc_value_set_string(arena, v, text, strlen(text));
        break;
    default:
        kc_value_set_int(v, type, strtoll(text, NULL, 10));
        break;
    }
}

static char *hex_of(const uint8_t *data, size_t len)
{
    char *s = kc_malloc(len * 2 + 1);

    for (size_t i = 0; i < len; i++) {
        snprintf(s + 2 * i, 3, "%02x", data[i]);
    }
    s[len * 2] = '\0';
    return s;
}

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;

    for (size_t i = 0; i < n; i++) {
        unsigned int b;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (uint8_t)b;
    }
    return n;
}

/* Apache's DataException text, followed by its cause's text if any. */
static void expect_error(const json_t *c, const kc_error_t *err)
{
    const char *msg = json_string_value(json_object_get(c, "error"));
    const char *cause = json_string_value(json_object_get(c, "cause"));
    char want[512];

    snprintf(want, sizeof(want), "%s%s", msg, cause != NULL ? cause : "");
    assert_string_equal(err->msg, want);
}

static void run_write(const json_t *c, kc_arena_t *arena)
{
    const struct kc_converter_plugin *p =
        plugin_named(json_string_value(json_object_get(c, "converter")));
    const char *schema_name = json_string_value(json_object_get(c, "schema"));
    const char *want = json_string_value(json_object_get(c, "bytes"));
    const kc_schema_t *schema =
        schema_name != NULL
            ? kc_schema_primitive(type_of_schema_name(schema_name), false)
            : NULL;
    kc_value_t v;
    kc_buf_t out;
    bool is_null = false;
    kc_error_t err = {0};
    void *ctx = NULL;
    kc_err_t rc;

    build(arena, json_string_value(json_object_get(c, "type")),
          json_string_value(json_object_get(c, "value")), &v);
    assert_int_equal(p->configure(&ctx, NULL, false, &err), KC_OK);
    kc_buf_init(&out, 0);
    rc = p->from_connect(ctx, "t", NULL, schema, &v, &out, &is_null, &err);
    if (json_object_get(c, "error") != NULL) {
        assert_int_not_equal(rc, KC_OK);
        expect_error(c, &err);
    } else if (want == NULL) {
        assert_int_equal(rc, KC_OK);
        assert_true(is_null);
        assert_int_equal(out.len, 0);
    } else {
        char *got;

        assert_int_equal(rc, KC_OK);
        assert_false(is_null);
        got = hex_of(out.data, out.len);
        assert_string_equal(got, want);
        kc_free(got);
    }
    kc_buf_release(&out);
    p->destroy(ctx);
}

static void run_read(const json_t *c, kc_arena_t *arena)
{
    const struct kc_converter_plugin *p =
        plugin_named(json_string_value(json_object_get(c, "converter")));
    const char *hex = json_string_value(json_object_get(c, "bytes"));
    uint8_t data[16];
    size_t len = hex != NULL ? unhex(hex, data) : 0;
    const kc_schema_t *schema = NULL;
    kc_value_t v;
    kc_error_t err = {0};
    void *ctx = NULL;
    kc_err_t rc;

    assert_int_equal(p->configure(&ctx, NULL, false, &err), KC_OK);
    rc = p->to_connect(ctx, "t", NULL, hex != NULL ? data : NULL, len, arena,
                       &schema, &v, &err);
    if (json_object_get(c, "error") != NULL) {
        assert_int_not_equal(rc, KC_OK);
        expect_error(c, &err);
    } else {
        kc_value_t want;

        assert_int_equal(rc, KC_OK);
        assert_non_null(schema);
        assert_string_equal(kc_type_name(kc_schema_type(schema)),
                            json_string_value(json_object_get(c, "schema")));
        assert_true(kc_schema_optional(schema));
        build(arena, json_string_value(json_object_get(c, "type")),
              json_string_value(json_object_get(c, "value")), &want);
        assert_int_equal(v.type, want.type);
        if (want.type == KC_TYPE_FLOAT32 || want.type == KC_TYPE_FLOAT64) {
            /* Bit patterns: NaN and -0.0 must come back as they were. */
            assert_memory_equal(&v.u.f, &want.u.f, sizeof(double));
        } else if (want.type == KC_TYPE_BOOLEAN) {
            assert_int_equal(v.u.b, want.u.b);
        } else if (want.type != KC_TYPE_NULL) {
            assert_int_equal(v.u.i, want.u.i);
        }
    }
    p->destroy(ctx);
}

static void
test_primitive_converters_match_apache_bytes_and_errors(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    size_t writes = 0;
    size_t reads = 0;
    kc_arena_t *arena = kc_arena_new(0);

    (void)state;
    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);
        const char *op;

        assert_non_null(c);
        op = json_string_value(json_object_get(c, "op"));
        if (strcmp(op, "write") == 0) {
            run_write(c, arena);
            writes++;
        } else {
            run_read(c, arena);
            reads++;
        }
        json_decref(c);
    }
    free(line); /* allocated by getline */
    fclose(f);
    kc_arena_destroy(arena);
    /* An empty or truncated file must fail. */
    assert_true(writes >= 150);
    assert_true(reads >= 90);
}

/* Logical types are other Java classes (Date, BigDecimal) in Apache. */
static void test_integer_converter_refuses_a_date(void **state)
{
    kc_schema_t *date = kc_schema_date_new();
    kc_value_t v;
    kc_buf_t out;
    bool is_null;
    kc_error_t err = {0};
    void *ctx = NULL;

    (void)state;
    kc_value_set_int(&v, KC_TYPE_INT32, 3);
    kc_buf_init(&out, 0);
    assert_int_equal(
        kc_integer_converter_plugin.configure(&ctx, NULL, false, &err), KC_OK);
    assert_int_not_equal(kc_integer_converter_plugin.from_connect(
                             ctx, "t", NULL, date, &v, &out, &is_null, &err),
                         KC_OK);
    assert_string_equal(err.msg, "Failed to serialize to integer (was class "
                                 "java.util.Date): ");
    kc_buf_release(&out);
    kc_schema_unref(date);
}

/* Listed as Apache lists them: converters and header converters. */
static void
test_primitive_converters_are_registered_for_both_roles(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err = {0};
    const char *names[] = {"BooleanConverter", "ShortConverter",
                           "IntegerConverter", "LongConverter",
                           "FloatConverter",   "DoubleConverter"};

    (void)state;
    assert_int_equal(kc_converters_register(reg, &err), KC_OK);
    for (size_t i = 0; i < KC_ARRAY_LEN(names); i++) {
        char cls[128];

        snprintf(cls, sizeof(cls), "org.apache.kafka.connect.converters.%s",
                 names[i]);
        assert_non_null(kc_registry_find(reg, KC_PLUGIN_CONVERTER, cls));
        assert_non_null(kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER, cls));
        assert_non_null(kc_registry_find(reg, KC_PLUGIN_CONVERTER, names[i]));
    }
    kc_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_primitive_converters_match_apache_bytes_and_errors),
        cmocka_unit_test(test_integer_converter_refuses_a_date),
        cmocka_unit_test(
            test_primitive_converters_are_registered_for_both_roles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
