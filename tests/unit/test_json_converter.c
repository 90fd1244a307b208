/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/converters/kc_json_converter.c: byte-for-byte golden
 * cases produced by Apache Kafka's own JsonConverter (tests/golden), round
 * trips of Apache's bytes through to_connect, and the reader's handling of
 * bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <jansson.h>
#include <math.h>

#include "converters/kc_converters.h"
#include "data/kc_base64.h"

#include "kc_test_golden.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/json_converter_golden.jsonl"
#define READ_GOLDEN                                                            \
    KC_SOURCE_DIR "/tests/golden/json_converter_read_golden.jsonl"

static void *configure(const json_t *config, kc_error_t *err)
{
    kc_props_t *props = kc_props_new();
    const char *k;
    json_t *v;
    void *ctx = NULL;

    json_object_foreach((json_t *)config, k, v)
    {
        kc_props_set(props, k, json_string_value(v));
    }
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, err), KC_OK);
    kc_props_destroy(props);
    return ctx;
}

/* Cases where reading Apache's bytes back gives something else than the
 * case wrote, in Apache too: a default for a null. */
static bool reads_back_a_default(const char *id)
{
    static const char *const ids[] = {"schema_default_used", "decimal_default",
                                      "struct_nested_nulls", NULL};

    for (size_t i = 0; ids[i] != NULL; i++) {
        if (strcmp(ids[i], id) == 0) {
            return true;
        }
    }
    return false;
}

/* -0.0 reads back as 0.0, in Apache too: it reads numbers as BigDecimal,
 * which has no negative zero. */
static bool reads_back_positive_zero(const char *id)
{
    static const char *const ids[] = {"float64_neg_zero", "float32_neg_zero",
                                      NULL};

    for (size_t i = 0; ids[i] != NULL; i++) {
        if (strcmp(ids[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static void run_golden_case(const json_t *c, size_t *checked,
                            size_t *round_trips)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const json_t *expected = json_object_get(c, "expected");
    const json_t *error = json_object_get(c, "error");
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *schema = build_schema(json_object_get(c, "schema"));
    kc_value_t value;
    kc_error_t err;
    void *ctx = configure(json_object_get(c, "config"), &err);
    kc_buf_t out;
    bool is_null = false;
    kc_err_t rc;

    build_value(arena, schema, json_object_get(c, "value"), &value);
    kc_buf_init(&out, 0);
    rc = kc_json_converter_plugin.from_connect(ctx, "golden", NULL, schema,
                                               &value, &out, &is_null, &err);
    if (!json_is_null(error)) {
        if (rc == KC_OK) {
            fail_msg("case %s: Apache failed (%s) but kconnect wrote \"%.*s\"",
                     id, json_string_value(error), (int)out.len,
                     (const char *)out.data);
        }
    } else if (json_is_null(expected)) {
        if (rc != KC_OK || !is_null) {
            fail_msg("case %s: expected a Kafka null, got rc %d (%s)", id, rc,
                     err.msg);
        }
    } else {
        const uint8_t *want;
        size_t want_len;

        assert_int_equal(kc_base64_decode(arena, json_string_value(expected),
                                          json_string_length(expected), &want,
                                          &want_len, NULL),
                         KC_OK);
        if (rc != KC_OK) {
            fail_msg("case %s: from_connect failed: %s", id, err.msg);
        }
        if (out.len != want_len || memcmp(out.data, want, want_len) != 0) {
            fail_msg("case %s:\n  apache:   %.*s\n  kconnect: %.*s", id,
                     (int)want_len, (const char *)want, (int)out.len,
                     (const char *)out.data);
        }
        /* Again: now the schema, and a struct's field keys, come from the
         * converter's cache. */
        kc_buf_reset(&out);
        rc = kc_json_converter_plugin.from_connect(
            ctx, "golden", NULL, schema, &value, &out, &is_null, &err);
        if (rc != KC_OK || out.len != want_len ||
            memcmp(out.data, want, want_len) != 0) {
            fail_msg("case %s, cached:\n  apache:   %.*s\n  kconnect: %.*s", id,
                     (int)want_len, (const char *)want, (int)out.len,
                     (const char *)out.data);
        }
        /* Apache's bytes back to Connect data and out again. */
        {
            const kc_schema_t *schema2 = NULL;
            kc_value_t value2;
            kc_buf_t out2;
            bool null2 = false;

            rc = kc_json_converter_plugin.to_connect(ctx, "golden", NULL, want,
                                                     want_len, arena, &schema2,
                                                     &value2, &err);
            if (rc != KC_OK) {
                fail_msg("case %s: to_connect of Apache's bytes failed: %s", id,
                         err.msg);
            }
            kc_buf_init(&out2, 0);
            rc = kc_json_converter_plugin.from_connect(
                ctx, "golden", NULL, schema2, &value2, &out2, &null2, &err);
            /* JSON null read schemaless is null with no schema: a Kafka
             * null on the way out, as in Apache. */
            if (rc == KC_OK && null2 && schema2 == NULL &&
                value2.type == KC_TYPE_NULL && want_len == 4 &&
                memcmp(want, "null", 4) == 0) {
                kc_buf_puts(&out2, "null");
            }
            if (rc == KC_OK && reads_back_positive_zero(id)) {
                assert_int_equal(value2.type, value.type);
                assert_true(value2.u.f == 0.0 && !signbit(value2.u.f));
                kc_buf_reset(&out2);
                kc_buf_append(&out2, want, want_len);
            }
            /*
             * Schemaless JSON objects read back as Java HashMaps, which
             * Apache writes in hash order: there the round trip keeps the
             * data, not the key order. Compare what the bytes hold.
             */
            if (rc == KC_OK && schema2 == NULL && out2.len == want_len &&
                memcmp(out2.data, want, want_len) != 0) {
                const kc_schema_t *schema3 = NULL;
                kc_value_t value3;

                assert_int_equal(kc_json_converter_plugin.to_connect(
                                     ctx, "golden", NULL, out2.data, out2.len,
                                     arena, &schema3, &value3, &err),
                                 KC_OK);
                if (value_equals_unordered(&value2, &value3)) {
                    kc_buf_reset(&out2);
                    kc_buf_append(&out2, want, want_len);
                }
            }
            if (rc != KC_OK || out2.len != want_len ||
                memcmp(out2.data, want, want_len) != 0) {
                fail_msg("case %s: round trip differs (%s):\n  apache: "
                         "%.*s\n  again:  %.*s",
                         id, rc == KC_OK ? "" : err.msg, (int)want_len,
                         (const char *)want, (int)out2.len,
                         (const char *)out2.data);
            }
            kc_buf_release(&out2);
            if (schema != NULL && schema2 != NULL) {
                if (!kc_schema_equals(schema, schema2)) {
                    fail_msg("case %s: schema read back differs", id);
                }
                if (!reads_back_a_default(id) &&
                    !reads_back_positive_zero(id) &&
                    !kc_value_equals(&value, &value2)) {
                    fail_msg("case %s: value read back differs", id);
                }
            }
            (*round_trips)++;
        }
    }
    (*checked)++;
    kc_buf_release(&out);
    kc_json_converter_plugin.destroy(ctx);
    kc_schema_unref(schema);
    kc_arena_destroy(arena);
}

static void test_golden_apache_bytes(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    size_t checked = 0;
    size_t round_trips = 0;

    (void)state;
    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);

        assert_non_null(c);
        run_golden_case(c, &checked, &round_trips);
        json_decref(c);
    }
    free(line); /* allocated by getline */
    fclose(f);
    /* The file holds 150+ cases; an empty or truncated file must fail. */
    assert_true(checked >= 150);
    assert_true(round_trips >= 130);
}

/*
 * Inputs where kconnect deliberately differs from Apache, which silently
 * corrupts them: a fraction or an out-of-range number for an integer field
 * (Apache truncates / wraps: 300 -> 44 for INT8), a JSON type that does not
 * match the schema (Apache reads "5" for a STRING as null, "true" for a
 * BOOLEAN as false), data after the document (Apache ignores it), an
 * integer beyond 64 bits (Apache wraps). kconnect rejects all of these.
 * "NaN" for a double is what the writer emits for NaN; Apache reads it
 * back as 0.0, kconnect as NaN.
 */
static const char *const kc_read_differences[] = {"r_diff_int_fraction",
                                                  "r_diff_int8_overflow",
                                                  "r_diff_string_from_number",
                                                  "r_diff_bool_from_string",
                                                  "r_diff_trailing_data",
                                                  "r_diff_nl_huge_int",
                                                  NULL};

static bool is_read_difference(const char *id)
{
    for (size_t i = 0; kc_read_differences[i] != NULL; i++) {
        if (strcmp(kc_read_differences[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static void run_read_case(const json_t *c, size_t *checked)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *input = json_string_value(json_object_get(c, "input"));
    const json_t *error = json_object_get(c, "error");
    kc_arena_t *arena = kc_arena_new(0);
    kc_error_t err;
    void *ctx = configure(json_object_get(c, "config"), &err);
    const kc_schema_t *schema = NULL;
    kc_value_t value;
    kc_err_t rc;

    rc = kc_json_converter_plugin.to_connect(
        ctx, "golden", NULL, (const uint8_t *)input, strlen(input), arena,
        &schema, &value, &err);
    if (is_read_difference(id)) {
        if (rc == KC_OK) {
            fail_msg("case %s: kconnect should reject this input", id);
        }
    } else if (strcmp(id, "r_diff_double_nan_string") == 0) {
        assert_int_equal(rc, KC_OK);
        assert_true(isnan(value.u.f));
    } else if (!json_is_null(error)) {
        if (rc == KC_OK) {
            fail_msg("case %s: Apache failed (%s) but kconnect read it", id,
                     json_string_value(error));
        }
    } else {
        kc_schema_t *want_schema = build_schema(json_object_get(c, "schema"));
        kc_value_t want;

        if (rc != KC_OK) {
            fail_msg("case %s: to_connect failed: %s", id, err.msg);
        }
        build_value(arena, want_schema, json_object_get(c, "value"), &want);
        if ((want_schema == NULL) != (schema == NULL) ||
            (want_schema != NULL && !kc_schema_equals(want_schema, schema))) {
            fail_msg("case %s: schema differs from Apache's", id);
        }
        if (!value_equals_unordered(&want, &value)) {
            fail_msg("case %s: value differs from Apache's", id);
        }
        kc_schema_unref(want_schema);
    }
    (*checked)++;
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_golden_apache_reads(void **state)
{
    FILE *f = fopen(READ_GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    size_t checked = 0;

    (void)state;
    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);

        assert_non_null(c);
        run_read_case(c, &checked);
        json_decref(c);
    }
    free(line); /* allocated by getline */
    fclose(f);
    assert_true(checked >= 60);
}

/* ---- reader: inputs Apache accepts and rejects ----------------------- */

typedef struct conv_fixture {
    void *ctx;
    kc_arena_t *arena;
} conv_fixture_t;

static void *make_conv(const char *k1, const char *v1, const char *k2,
                       const char *v2)
{
    kc_props_t *props = kc_props_new();
    void *ctx = NULL;
    kc_error_t err;

    if (k1 != NULL) {
        kc_props_set(props, k1, v1);
    }
    if (k2 != NULL) {
        kc_props_set(props, k2, v2);
    }
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err), KC_OK);
    kc_props_destroy(props);
    return ctx;
}

static kc_err_t read_json(void *ctx, kc_arena_t *arena, const char *text,
                          const kc_schema_t **schema, kc_value_t *value,
                          kc_error_t *err)
{
    return kc_json_converter_plugin.to_connect(
        ctx, "t", NULL, (const uint8_t *)text, strlen(text), arena, schema,
        value, err);
}

static void test_read_schemaless_inference(void **state)
{
    void *ctx = make_conv("schemas.enable", "false", NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_error_t err;
    const kc_value_t *m;

    (void)state;
    assert_int_equal(read_json(ctx, arena,
                               "{\"i\":007,\"f\":1.5,\"e\":1e2,\"s\":\"x\","
                               "\"b\":true,\"n\":null,\"a\":[1,\"y\"]}",
                               &schema, &v, &err),
                     KC_OK);
    assert_null(schema);
    assert_int_equal(v.type, KC_TYPE_MAP);
    assert_int_equal(v.u.map.len, 7);
    m = kc_value_map_get(&v, "i");
    assert_int_equal(m->type, KC_TYPE_INT64);
    assert_int_equal(m->u.i, 7);
    m = kc_value_map_get(&v, "f");
    assert_int_equal(m->type, KC_TYPE_FLOAT64);
    assert_true(m->u.f == 1.5);
    m = kc_value_map_get(&v, "e");
    assert_int_equal(m->type, KC_TYPE_FLOAT64);
    assert_true(m->u.f == 100.0);
    assert_int_equal(kc_value_map_get(&v, "s")->type, KC_TYPE_STRING);
    assert_int_equal(kc_value_map_get(&v, "b")->type, KC_TYPE_BOOLEAN);
    assert_int_equal(kc_value_map_get(&v, "n")->type, KC_TYPE_NULL);
    m = kc_value_map_get(&v, "a");
    assert_int_equal(m->type, KC_TYPE_ARRAY);
    assert_int_equal(m->u.array.items[0].type, KC_TYPE_INT64);
    assert_int_equal(m->u.array.items[1].type, KC_TYPE_STRING);

    /* Empty input is Jackson's missing node: null. */
    assert_int_equal(read_json(ctx, arena, "  ", &schema, &v, &err), KC_OK);
    assert_int_equal(v.type, KC_TYPE_NULL);
    /* A Kafka null is a null value and no schema. */
    assert_int_equal(kc_json_converter_plugin.to_connect(
                         ctx, "t", NULL, NULL, 0, arena, &schema, &v, &err),
                     KC_OK);
    assert_null(schema);
    assert_int_equal(v.type, KC_TYPE_NULL);
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_read_errors_are_clear(void **state)
{
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_error_t err;

    (void)state;
    assert_int_equal(read_json(ctx, arena, "{\"a\":", &schema, &v, &err),
                     KC_ERR_INVALID);
    /* Apache's text, then the parser's detail (Apache has Jackson's). */
    assert_non_null(strstr(err.msg, "Converting byte[] to Kafka Connect data "
                                    "failed due to serialization error: "));
    assert_non_null(strstr(err.msg, "invalid JSON at offset 5"));

    assert_int_equal(read_json(ctx, arena, "{\"a\":1}", &schema, &v, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "set schemas.enable=false"));

    assert_int_equal(read_json(ctx, arena, "[1] x", &schema, &v, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "after the JSON value"));

    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":"
                  "\"int32\",\"optional\":false,\"field\":\"zip\"}],"
                  "\"optional\":false},\"payload\":{\"zip\":\"x\"}}",
                  &schema, &v, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "field \"zip\": expected INT32"));

    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"int8\",\"optional\":false},"
                  "\"payload\":300}",
                  &schema, &v, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "out of range for INT8"));

    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"int32\",\"optional\":false},"
                  "\"payload\":null}",
                  &schema, &v, &err),
        KC_ERR_INVALID);
    assert_string_equal(err.msg, "Invalid null value for required INT32 field");

    assert_int_equal(read_json(ctx, arena,
                               "{\"schema\":{\"type\":\"nope\"},"
                               "\"payload\":1}",
                               &schema, &v, &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg, "Unknown schema type: nope");

    /* A Decimal scale is a Java int: out of range or padded is refused
     * (found by fuzz_json_converter: the scale wrapped around). */
    {
        static const char *const bad_scales[] = {
            "2777777777777777", "2147483648", " 2", "2 ", "", "x"};

        for (size_t i = 0; i < sizeof(bad_scales) / sizeof(bad_scales[0]);
             i++) {
            char *text = kc_asprintf(
                "{\"schema\":{\"type\":\"bytes\",\"name\":"
                "\"org.apache.kafka.connect.data.Decimal\",\"parameters\":"
                "{\"scale\":\"%s\"}},\"payload\":\"AJY=\"}",
                bad_scales[i]);

            assert_int_equal(read_json(ctx, arena, text, &schema, &v, &err),
                             KC_ERR_INVALID);
            assert_non_null(strstr(err.msg, "bad \"scale\" parameter"));
            kc_free(text);
        }
        assert_int_equal(
            read_json(ctx, arena,
                      "{\"schema\":{\"type\":\"bytes\",\"name\":"
                      "\"org.apache.kafka.connect.data.Decimal\","
                      "\"parameters\":{\"scale\":\"-2147483648\"}},"
                      "\"payload\":\"AJY=\"}",
                      &schema, &v, &err),
            KC_OK);
    }

    assert_int_equal(read_json(ctx, arena,
                               "{\"schema\":{\"type\":\"bytes\"},"
                               "\"payload\":\"@@@\"}",
                               &schema, &v, &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg, "Invalid bytes field");
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_read_decimal_number_and_nan(void **state)
{
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_error_t err;
    static const uint8_t want[] = {0x01, 0x8F, 0xC9}; /* 102345 */

    (void)state;
    /* Decimals as numbers are accepted whatever decimal.format says; a
     * number with the schema's scale is a plain Decimal value. */
    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"bytes\",\"optional\":false,"
                  "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                  "\"parameters\":{\"scale\":\"4\"}},\"payload\":10.2345}",
                  &schema, &v, &err),
        KC_OK);
    assert_int_equal(v.type, KC_TYPE_BYTES);
    assert_int_equal(v.u.bytes.len, sizeof(want));
    assert_memory_equal(v.u.bytes.data, want, sizeof(want));
    assert_int_equal(kc_schema_logical(schema), KC_LOGICAL_DECIMAL);
    assert_int_equal(kc_schema_decimal_scale(schema), 4);
    assert_int_equal(v.flags, 0);
    /* Another scale is kept, as Apache's BigDecimal keeps it: 1.25 for a
     * scale-1 schema is 125 at scale 2, not rounded nor refused. */
    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"bytes\",\"optional\":false,"
                  "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                  "\"parameters\":{\"scale\":\"1\"}},\"payload\":1.25}",
                  &schema, &v, &err),
        KC_OK);
    assert_int_equal(v.u.bytes.len, 1);
    assert_int_equal(v.u.bytes.data[0], 125);
    assert_int_equal(kc_value_decimal_scale(schema, &v), 2);
    /* "NaN" as written for a NaN double reads back as NaN. */
    assert_int_equal(
        read_json(ctx, arena,
                  "{\"schema\":{\"type\":\"double\",\"optional\":false},"
                  "\"payload\":\"NaN\"}",
                  &schema, &v, &err),
        KC_OK);
    assert_true(isnan(v.u.f));
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

/*
 * A Decimal read from a JSON number keeps the number's scale, whatever it
 * is (the Java int range), and NUMERIC writes it back as BigDecimal's
 * text, which reads back to the same value: extreme exponents included
 * (the fuzz target's round trip). A scale beyond a Java int is refused.
 */
static void test_decimal_number_scale_round_trips(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"1E+2147483647", "1E+2147483647"},
        {"1E-2147483647", "1E-2147483647"},
        {"-0.000", "0.000"},
        {"1e0", "1"},
        {"123.456e-3", "0.123456"},
        {"-12.5E+7", "-1.25E+8"},
        {"0E+5", "0E+5"},
    };
    void *ctx = make_conv("decimal.format", "NUMERIC", NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_error_t err;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = kc_asprintf(
            "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
            "\"org.apache.kafka.connect.data.Decimal\",\"parameters\":"
            "{\"scale\":\"2\"}},\"payload\":%s}",
            cases[i].in);
        char *want = kc_asprintf("\"payload\":%s}", cases[i].out);
        kc_buf_t out;
        bool is_null;
        kc_value_t again;
        const kc_schema_t *schema2;

        assert_int_equal(read_json(ctx, arena, text, &schema, &v, &err), KC_OK);
        kc_buf_init(&out, 0);
        assert_int_equal(kc_json_converter_plugin.from_connect(
                             ctx, "t", NULL, schema, &v, &out, &is_null, &err),
                         KC_OK);
        assert_int_equal(kc_buf_putc(&out, '\0'), KC_OK);
        assert_non_null(strstr((const char *)out.data, want));
        assert_int_equal(kc_json_converter_plugin.to_connect(
                             ctx, "t", NULL, out.data, out.len - 1, arena,
                             &schema2, &again, &err),
                         KC_OK);
        assert_true(kc_value_equals(&v, &again));
        kc_buf_release(&out);
        kc_free(want);
        kc_free(text);
    }
    assert_int_equal(read_json(ctx, arena,
                               "{\"schema\":{\"type\":\"bytes\",\"name\":"
                               "\"org.apache.kafka.connect.data.Decimal\","
                               "\"parameters\":{\"scale\":\"2\"}},"
                               "\"payload\":1E-2147483649}",
                               &schema, &v, &err),
                     KC_ERR_INVALID);
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_write_errors_name_the_field(void **state)
{
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *inner = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *outer = kc_schema_new(KC_TYPE_STRUCT);
    kc_value_t v;
    kc_error_t err;
    kc_buf_t out;
    bool is_null;

    (void)state;
    assert_int_equal(
        kc_schema_add_field_take(
            inner, "zip",
            kc_schema_ref(kc_schema_primitive(KC_TYPE_INT32, false)), NULL),
        KC_OK);
    assert_int_equal(kc_schema_add_field_take(outer, "address", inner, NULL),
                     KC_OK);
    kc_value_set_struct(arena, &v, outer);
    kc_value_set_struct(arena, &v.u.st.fields[0], inner);
    kc_value_set_string(arena, &v.u.st.fields[0].u.st.fields[0], "x", 1);
    kc_buf_init(&out, 0);
    kc_buf_puts(&out, "keep");
    assert_int_equal(kc_json_converter_plugin.from_connect(
                         ctx, "orders", NULL, outer, &v, &out, &is_null, &err),
                     KC_ERR_INVALID);
    /* Apache's text exactly (users match on it). */
    assert_string_equal(err.msg,
                        "Invalid type for INT32: class java.lang.String");
    /* Nothing half-written is left behind. */
    assert_int_equal(out.len, 4);
    kc_buf_release(&out);
    kc_json_converter_plugin.destroy(ctx);
    kc_schema_unref(outer);
    kc_arena_destroy(arena);
}

/* The field path of a kconnect-only error (a Time beyond a day, which
 * Apache writes unchecked) names array indexes, and a path longer than
 * its 255-byte buffer is cut, not overrun. */
static void test_write_error_path_index_and_long_name(void **state)
{
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *arr = kc_schema_new(KC_TYPE_ARRAY);
    kc_schema_t *outer = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *deep = kc_schema_new(KC_TYPE_STRUCT);
    char longname[301];
    char expect[300];
    kc_value_t v;
    kc_error_t err;
    kc_buf_t out;
    bool is_null;

    (void)state;
    kc_schema_set_items_take(arr, kc_schema_time_new());
    assert_int_equal(kc_schema_add_field_take(outer, "items", arr, NULL),
                     KC_OK);
    kc_value_set_struct(arena, &v, outer);
    kc_value_set_array(arena, &v.u.st.fields[0], 13);
    for (int i = 0; i < 13; i++) {
        kc_value_set_int(&v.u.st.fields[0].u.array.items[i], KC_TYPE_INT32, i);
    }
    kc_value_set_int(&v.u.st.fields[0].u.array.items[12], KC_TYPE_INT32,
                     90000000);
    kc_buf_init(&out, 0);
    assert_int_equal(kc_json_converter_plugin.from_connect(
                         ctx, "t", NULL, outer, &v, &out, &is_null, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "field \"items[12]\": Time value"));

    memset(longname, 'n', 300);
    longname[300] = '\0';
    assert_int_equal(
        kc_schema_add_field_take(deep, longname, kc_schema_time_new(), NULL),
        KC_OK);
    kc_value_set_struct(arena, &v, deep);
    kc_value_set_int(&v.u.st.fields[0], KC_TYPE_INT32, -1);
    out.len = 0;
    assert_int_equal(kc_json_converter_plugin.from_connect(
                         ctx, "t", NULL, deep, &v, &out, &is_null, &err),
                     KC_ERR_INVALID);
    /* 255 bytes of the name, then the message. */
    snprintf(expect, sizeof(expect), "field \"%.255s\": Time value", longname);
    assert_non_null(strstr(err.msg, expect));
    kc_buf_release(&out);
    kc_json_converter_plugin.destroy(ctx);
    kc_schema_unref(outer);
    kc_schema_unref(deep);
    kc_arena_destroy(arena);
}

/* Strings longer than 8 bytes take the word-at-a-time path: escapes at
 * every position of a word and right after it must still be written as
 * Jackson writes them. */
static void test_write_escapes_in_long_strings(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"0123456789abcdef\"tail", "\"0123456789abcdef\\\"tail\""},
        {"abcdefgh\\ijklmnop", "\"abcdefgh\\\\ijklmnop\""},
        {"abcdefghijklmno\x01", "\"abcdefghijklmno\\u0001\""},
        {"abcdefgh\tijklmnopq\n", "\"abcdefgh\\tijklmnopq\\n\""},
        {"abcdefg\x1f"
         "abcdefgh",
         "\"abcdefg\\u001Fabcdefgh\""},
        {"abcdefgh\xc3\xa9ijklmnop", "\"abcdefgh\xc3\xa9ijklmnop\""},
        {"abcdefghi\xffjklmnopq", "\"abcdefghi\xef\xbf\xbdjklmnopq\""},
        {"abcdefgh\xf0\x9d\x84\x9e", "\"abcdefgh\\uD834\\uDD1E\""},
        {"!#[]^_ ~\x7f!#[]^_ ~", "\"!#[]^_ ~\x7f!#[]^_ ~\""},
        {"0123456701234567", "\"0123456701234567\""},
    };
    void *ctx = make_conv("schemas.enable", "false", NULL, NULL);
    const kc_schema_t *schema = kc_schema_primitive(KC_TYPE_STRING, false);

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_value_t v;
        kc_buf_t out;
        kc_error_t err;
        bool is_null = true;

        kc_value_set_string_ref(&v, cases[i].in, strlen(cases[i].in));
        kc_buf_init(&out, 0);
        assert_int_equal(kc_json_converter_plugin.from_connect(
                             ctx, "t", NULL, schema, &v, &out, &is_null, &err),
                         KC_OK);
        assert_false(is_null);
        assert_int_equal(out.len, strlen(cases[i].out));
        assert_memory_equal(out.data, cases[i].out, out.len);
        kc_buf_release(&out);
    }
    kc_json_converter_plugin.destroy(ctx);
}

/*
 * Short strings (under 16 bytes) and integers take the writer's quick
 * paths. Expected: Jackson's escapes as in the long-string cases above,
 * and Long.toString, which prints what %lld prints.
 */
static void test_write_short_strings_and_integers(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"", "\"\""},
        {"id", "\"id\""},
        {"a\"b", "\"a\\\"b\""},
        {"a\\", "\"a\\\\\""},
        {"\x01", "\"\\u0001\""},
        {"\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""},
        {"x\xff", "\"x\xef\xbf\xbd\""},
        {"\x7f~ ", "\"\x7f~ \""},
        {"\xf0\x9d\x84\x9e", "\"\\uD834\\uDD1E\""},
    };
    static const int64_t ints[] = {0,
                                   9,
                                   10,
                                   99,
                                   100,
                                   101,
                                   -1,
                                   -10,
                                   -99,
                                   -100,
                                   1704067201000,
                                   INT64_MAX,
                                   INT64_MIN,
                                   INT64_MIN + 1};
    void *ctx = make_conv("schemas.enable", "false", NULL, NULL);
    const kc_schema_t *str = kc_schema_primitive(KC_TYPE_STRING, false);
    const kc_schema_t *i64 = kc_schema_primitive(KC_TYPE_INT64, false);
    kc_value_t v;
    kc_buf_t out;
    kc_error_t err;
    bool is_null = true;
    char want[32];

    (void)state;
    kc_buf_init(&out, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_value_set_string_ref(&v, cases[i].in, strlen(cases[i].in));
        kc_buf_reset(&out);
        assert_int_equal(kc_json_converter_plugin.from_connect(
                             ctx, "t", NULL, str, &v, &out, &is_null, &err),
                         KC_OK);
        assert_int_equal(out.len, strlen(cases[i].out));
        assert_memory_equal(out.data, cases[i].out, out.len);
    }
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        kc_value_set_int(&v, KC_TYPE_INT64, ints[i]);
        kc_buf_reset(&out);
        assert_int_equal(kc_json_converter_plugin.from_connect(
                             ctx, "t", NULL, i64, &v, &out, &is_null, &err),
                         KC_OK);
        snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
        assert_int_equal(out.len, strlen(want));
        assert_memory_equal(out.data, want, out.len);
    }
    kc_buf_release(&out);
    kc_json_converter_plugin.destroy(ctx);
}

/*
 * The settings are checked by the converter's config table, with the
 * messages of Apache's ConfigException (ConfigDef's BOOLEAN parse and
 * CaseInsensitiveValidString, as JsonConverterConfig defines them).
 */
static void test_configure_errors_are_apaches(void **state)
{
    static const struct {
        const char *key;
        const char *value;
        const char *msg;
    } cases[] = {
        {"decimal.format", "HEX",
         /* Apache's HashSet order (checked with connect-json 4.1.1). */
         "Invalid value HEX for configuration decimal.format: String must "
         "be one of (case insensitive): NUMERIC, BASE64"},
        {"schemas.enable", "yes",
         "Invalid value yes for configuration schemas.enable: Expected "
         "value to be either true or false"},
        {"schemas.cache.size", "ten",
         "Invalid value ten for configuration schemas.cache.size: Not a "
         "number of type INT"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_props_t *props = kc_props_new();
        void *ctx = NULL;
        kc_error_t err;

        kc_props_set(props, cases[i].key, cases[i].value);
        assert_int_equal(
            kc_json_converter_plugin.configure(&ctx, props, false, &err),
            KC_ERR_INVALID);
        if (strstr(err.msg, cases[i].msg) == NULL) {
            fail_msg("%s: got \"%s\"", cases[i].key, err.msg);
        }
        kc_props_destroy(props);
    }
}

static void test_configure_rejects_bad_values(void **state)
{
    kc_props_t *props = kc_props_new();
    void *ctx = NULL;
    kc_error_t err;

    (void)state;
    kc_props_set(props, "decimal.format", "HEX");
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "decimal.format"));
    kc_props_set(props, "decimal.format", "numeric");
    kc_props_set(props, "schemas.enable", "yes");
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "schemas.enable"));
    kc_props_set(props, "schemas.enable", " FALSE ");
    kc_props_set(props, "schemas.cache.size", "-1");
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "schemas.cache.size"));
    kc_props_set(props, "schemas.cache.size", "0");
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err), KC_OK);
    kc_json_converter_plugin.destroy(ctx);
    kc_props_destroy(props);
}

static void test_schema_cache_reuses_parsed_schema(void **state)
{
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *s1;
    const kc_schema_t *s2;
    kc_value_t v;
    kc_error_t err;
    const char *doc = "{\"schema\":{\"type\":\"string\",\"optional\":false},"
                      "\"payload\":\"a\"}";

    (void)state;
    assert_int_equal(read_json(ctx, arena, doc, &s1, &v, &err), KC_OK);
    assert_int_equal(read_json(ctx, arena, doc, &s2, &v, &err), KC_OK);
    assert_ptr_equal(s1, s2);
    /* The schema outlives the converter until the arena lets it go. */
    kc_json_converter_plugin.destroy(ctx);
    assert_int_equal(kc_schema_type(s1), KC_TYPE_STRING);
    kc_arena_destroy(arena);
}

/*
 * A record that repeats the cached schema text skips parsing it; every
 * such record, and every near miss that must take the full parse, reads
 * as it does with the caches off (the path the golden tests pin).
 */
static void test_cached_schema_records_read_like_a_full_parse(void **state)
{
    static const char *const schema =
        "{\"type\":\"struct\",\"optional\":false,\"fields\":["
        "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
        "{\"type\":\"double\",\"optional\":true,\"field\":\"d\"},"
        "{\"type\":\"string\",\"optional\":true,\"field\":\"s\"}]}";
    static const char *const tails[] = {
        ",\"payload\":{\"id\":1,\"d\":0.5,\"s\":\"x\"}}",
        ",\"payload\":{\"s\":\"x\",\"id\":2}}",
        ",\"payload\":{\"id\":3,\"d\":1.5,\"s\":\"x\",\"id\":4}}",
        ",\"payload\":{\"id\":5,\"d\":2,\"x\":null}}",
        ",\"payload\": {\"id\":6} }",
        ",\"payload\":{\"id\":7}}\n",
        ",\"payload\":{\"id\":8}}}",
        ",\"payload\":{\"id\":9}",
        ",\"payload\":{\"id\":\"10\"}}",
        ",\"payload\":{\"id\":1e3}}",
        ",\"payload\":{\"id\":99999999999999999999}}",
        ",\"payload\":{\"id\":-123456789012345678,\"d\":-0.0}}",
        ",\"payload\":{\"id\":11},\"payload\":{\"id\":12}}",
        ",\"payload\":{\"id\":13},\"x\":1}",
        ",\"payload\":[}",
        ",\"payload\":null}",
    };
    void *cached = make_conv(NULL, NULL, NULL, NULL);
    void *plain = make_conv("schemas.cache.size", "0", NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    char doc[1024];

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(tails); i++) {
        const kc_schema_t *s1;
        const kc_schema_t *s2;
        kc_value_t v1;
        kc_value_t v2;
        kc_error_t e1 = {0};
        kc_error_t e2 = {0};
        kc_err_t r1;
        kc_err_t r2;

        snprintf(doc, sizeof(doc), "{\"schema\":%s%s", schema, tails[i]);
        /* Twice, so the second read finds the schema cached. */
        read_json(cached, arena, doc, &s1, &v1, &e1);
        r1 = read_json(cached, arena, doc, &s1, &v1, &e1);
        r2 = read_json(plain, arena, doc, &s2, &v2, &e2);
        assert_int_equal(r1, r2);
        if (r1 != KC_OK) {
            assert_string_equal(e1.msg, e2.msg);
            continue;
        }
        assert_true(kc_value_equals(&v1, &v2));
    }
    kc_json_converter_plugin.destroy(cached);
    kc_json_converter_plugin.destroy(plain);
    kc_arena_destroy(arena);
}

/* Doubles and integers read without libc's parsers are libc's values. */
static void test_number_literals_read_as_strtod_and_strtoll(void **state)
{
    static const char *const doubles[] = {"0.1",
                                          "0.3",
                                          "1234.56",
                                          "0.8444218515250481",
                                          "0.7579544029403025",
                                          "9007199254740992",
                                          "9007199254740993",
                                          "0.12345678901234567",
                                          "123456789.123456789",
                                          "1.0000000000000000000001",
                                          "-2.5",
                                          "0.0000000000000000000001",
                                          "0.00000000000000000000001",
                                          "5e-324",
                                          "1.7976931348623157e308",
                                          "7",
                                          "-0.0",
                                          "00.5"};
    static const char *const ints[] = {"0",
                                       "-0",
                                       "007",
                                       "999999999999999999",
                                       "-999999999999999999",
                                       "9223372036854775807",
                                       "-9223372036854775808"};
    void *ctx = make_conv(NULL, NULL, NULL, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    char doc[256];

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(doubles); i++) {
        const kc_schema_t *s;
        kc_value_t v;
        kc_error_t err;
        double want = strtod(doubles[i], NULL) + 0.0;

        snprintf(doc, sizeof(doc),
                 "{\"schema\":{\"type\":\"double\"},\"payload\":%s}",
                 doubles[i]);
        assert_int_equal(read_json(ctx, arena, doc, &s, &v, &err), KC_OK);
        assert_memory_equal(&v.u.f, &want, sizeof(want));
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(ints); i++) {
        const kc_schema_t *s;
        kc_value_t v;
        kc_error_t err;

        snprintf(doc, sizeof(doc),
                 "{\"schema\":{\"type\":\"int64\"},\"payload\":%s}", ints[i]);
        assert_int_equal(read_json(ctx, arena, doc, &s, &v, &err), KC_OK);
        assert_int_equal(v.u.i, strtoll(ints[i], NULL, 10));
    }
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_apache_bytes),
        cmocka_unit_test(test_golden_apache_reads),
        cmocka_unit_test(test_read_schemaless_inference),
        cmocka_unit_test(test_read_errors_are_clear),
        cmocka_unit_test(test_read_decimal_number_and_nan),
        cmocka_unit_test(test_decimal_number_scale_round_trips),
        cmocka_unit_test(test_write_errors_name_the_field),
        cmocka_unit_test(test_write_error_path_index_and_long_name),
        cmocka_unit_test(test_write_escapes_in_long_strings),
        cmocka_unit_test(test_write_short_strings_and_integers),
        cmocka_unit_test(test_configure_rejects_bad_values),
        cmocka_unit_test(test_configure_errors_are_apaches),
        cmocka_unit_test(test_schema_cache_reuses_parsed_schema),
        cmocka_unit_test(test_cached_schema_records_read_like_a_full_parse),
        cmocka_unit_test(test_number_literals_read_as_strtod_and_strtoll),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
