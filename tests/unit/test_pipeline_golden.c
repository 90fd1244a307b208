/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden cases from Apache's own classes (tests/golden/GenPipelineGolden.java,
 * cases written by tests/golden/make_pipeline_cases.py): one pipeline step
 * each -- JsonConverter in, one transform, JsonConverter out -- with the
 * bytes Apache wrote, the text FileStreamSink writes (String.valueOf) and,
 * when a step failed, the exception message Apache put in the dead letter
 * queue headers. kconnect runs the same step and must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <jansson.h>

#include "converters/kc_converters.h"
#include "converters/kc_values_parse.h"
#include "data/kc_value_text.h"

#include "kc_transform_test.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/pipeline_golden.jsonl"

/*
 * Cases where kconnect deliberately says something else (docs/compat.md,
 * "Error texts"): Apache fails with a NullPointerException or reports an
 * IllegalArgumentException where kconnect names the problem; Apache
 * ignores data after the JSON document.
 */
static const char *const kc_known_differences[] = {
    /* Apache ignores data after the document; kconnect refuses it. */
    "error_json_trailing_garbage",
    /* Apache reads an object's values as the array's items. */
    "error_json_array_not_array",
    /* Apache: NullPointerException; kconnect names the missing field. */
    "error_header_from_missing",
    /* Apache: Values infers the first map's schema for every item and
     * then fails on the second; kconnect writes both. */
    "header_array_of_maps",
    /* Apache prints the whole record with Java's toString. */
    "error_timestamp_router_no_timestamp",
    NULL,
};

/*
 * Cast of a whole Decimal value keeps the Decimal name on the new schema
 * in Apache 4.1.1 (SchemaUtil.copySchemaBasics), so Apache's JsonConverter
 * then fails on the cast value; kconnect writes it. The cast value itself
 * (its text) must still be Apache's.
 */
static const char *const kc_apache_write_bugs[] = {
    "cast_decimal_small_to_string",
    "cast_decimal_own_scale_to_string",
    "cast_decimal_small_to_float64",
    "cast_decimal_own_scale_to_float64",
    "cast_decimal_small_to_int32",
    "cast_decimal_own_scale_to_int32",
    "cast_decimal_small_to_int64",
    "cast_decimal_own_scale_to_int64",
    "cast_decimal_small_to_boolean",
    "cast_decimal_own_scale_to_boolean",
    NULL,
};

static bool in_list(const char *const *list, const char *id)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_known_difference(const char *id)
{
    for (size_t i = 0; kc_known_differences[i] != NULL; i++) {
        if (strcmp(kc_known_differences[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static void *make_json(const json_t *a, const json_t *b, bool header)
{
    kc_props_t *props = kc_props_new();
    const json_t *confs[] = {a, b};
    const char *k;
    json_t *v;
    void *ctx = NULL;
    kc_error_t err = {0};

    kc_props_set(props, "converter.type", header ? "header" : "value");
    for (int i = 0; i < 2; i++) {
        if (confs[i] == NULL) {
            continue;
        }
        json_object_foreach((json_t *)confs[i], k, v)
        {
            kc_props_set(props, k, json_string_value(v));
        }
    }
    if (kc_json_converter_plugin.configure(&ctx, props, false, &err) != KC_OK) {
        fail_msg("configure: %s", err.msg);
    }
    kc_props_destroy(props);
    return ctx;
}

static size_t kc_failures;

/*
 * Apache's message exactly; where Apache's own message ends in ": " (the
 * parser's exception is only its cause), kconnect appends its parser's
 * detail, so Apache's text must be a prefix.
 */
static bool same_message(const char *apache, const char *kconnect)
{
    size_t n = strlen(apache);

    if (n >= 2 && strcmp(apache + n - 2, ": ") == 0) {
        return strncmp(apache, kconnect, n) == 0;
    }
    return strcmp(apache, kconnect) == 0;
}

/* Compare what kconnect got with the case's expectations; every mismatch
 * is printed, so one run shows them all. */
static void check(const json_t *c, const char *step, const kc_error_t *err,
                  const char *output, const char *text)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *want_step = json_string_value(json_object_get(c, "error_step"));
    const char *want_msg =
        json_string_value(json_object_get(c, "error_message"));
    const char *want_out = json_string_value(json_object_get(c, "output"));
    const char *want_text = json_string_value(json_object_get(c, "text"));
    size_t before = kc_failures;

    /* byte[] prints as "[B@<identity hash>" in Java; kconnect writes
     * base64 (kc_value_text.h). */
    if (want_text != NULL && text != NULL &&
        strncmp(want_text, "[B@", 3) != 0 && strcmp(want_text, text) != 0) {
        fprintf(stderr, "%s: text\n  apache:   %s\n  kconnect: %s\n", id,
                want_text, text);
        kc_failures++;
    }
    if (want_step != NULL && in_list(kc_apache_write_bugs, id)) {
        /* Only the text is compared (above). */
        assert_string_equal(want_step, "write");
    } else if (want_step != NULL) {
        const char *cls = json_string_value(json_object_get(c, "error_class"));
        /* What the error handler reports for a converter or transform. */
        const char *mine = step != NULL && kc_error_java_exception(err)
                               ? kc_error_java_exception(err)
                               : "org.apache.kafka.connect.errors."
                                 "DataException";

        if (strcmp(cls, mine) != 0) {
            fprintf(stderr, "%s: Apache raised %s, kconnect %s\n", id, cls,
                    mine);
            kc_failures++;
        }
        if (step == NULL || strcmp(step, want_step) != 0 ||
            !same_message(want_msg, err->msg)) {
            fprintf(stderr,
                    "%s: error\n  apache:   %s: %s\n  kconnect: %s: %s\n", id,
                    want_step, want_msg, step != NULL ? step : "(none)",
                    step != NULL ? err->msg : "");
            kc_failures++;
        }
    } else if (step != NULL) {
        fprintf(stderr, "%s: kconnect failed at %s: %s\n", id, step, err->msg);
        kc_failures++;
    } else if (want_out != NULL && strcmp(want_out, output) != 0) {
        fprintf(stderr, "%s: output\n  apache:   %s\n  kconnect: %s\n", id,
                want_out, output);
        kc_failures++;
    }
    if (kc_failures == before) {
        return;
    }
}

static char *text_of(const kc_schema_t *schema, const kc_value_t *value)
{
    kc_buf_t b;

    kc_buf_init(&b, 0);
    assert_int_equal(kc_value_text_append(&b, schema, value), KC_OK);
    return kc_buf_detach(&b, NULL);
}

static char *write_value(void *ctx, const kc_schema_t *schema,
                         const kc_value_t *value, const char *header,
                         kc_error_t *err)
{
    kc_buf_t b;
    bool is_null = false;

    kc_buf_init(&b, 0);
    if (kc_json_converter_plugin.from_connect(ctx, "t", header, schema, value,
                                              &b, &is_null, err) != KC_OK) {
        kc_buf_release(&b);
        return NULL;
    }
    return kc_buf_detach(&b, NULL);
}

/* Write with another converter (ByteArrayConverter, StringConverter). */
static char *write_other(tx_fixture_t *fx, const char *name,
                         const kc_record_t *rec, kc_error_t *err)
{
    const struct kc_converter_plugin *plugin =
        kc_registry_find(fx->reg, KC_PLUGIN_CONVERTER, name);

    /* SimpleHeaderConverter is a header converter only in kconnect. */
    if (plugin == NULL) {
        plugin = kc_registry_find(fx->reg, KC_PLUGIN_HEADER_CONVERTER, name);
    }
    kc_props_t *props = kc_props_new();
    void *ctx = NULL;
    kc_buf_t b;
    bool is_null = false;
    char *out = NULL;

    assert_non_null(plugin);
    assert_int_equal(plugin->configure(&ctx, props, false, err), KC_OK);
    kc_buf_init(&b, 0);
    if (plugin->from_connect(ctx, "t", NULL, rec->value_schema, &rec->value, &b,
                             &is_null, err) == KC_OK) {
        out = kc_buf_detach(&b, NULL);
    } else {
        kc_buf_release(&b);
    }
    plugin->destroy(ctx);
    kc_props_destroy(props);
    return out;
}

static void run_header(const json_t *c, kc_arena_t *arena)
{
    const json_t *lit = json_object_get(c, "literal");
    void *ctx = make_json(NULL, NULL, true);
    const kc_schema_t *schema = NULL;
    kc_value_t value;
    kc_error_t err = {0};
    char *out;
    char *text;

    kc_values_parse_string(arena, json_string_value(lit),
                           json_string_length(lit), &schema, &value);
    out = write_value(ctx, schema, &value, "h", &err);
    text = text_of(schema, &value);
    check(c, out == NULL ? "write" : NULL, &err, out, text);
    kc_free(out);
    kc_free(text);
    kc_json_converter_plugin.destroy(ctx);
}

static void run_pipeline(tx_fixture_t *fx, const json_t *c)
{
    const char *kind = json_string_value(json_object_get(c, "kind"));
    const json_t *input = json_object_get(c, "input");
    json_t *read_conf = NULL;
    void *in;
    void *out;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};
    const char *step = NULL;
    char *bytes = NULL;
    char *text = NULL;

    if (strcmp(kind, "convert") == 0) {
        read_conf = json_incref(json_object_get(c, "config"));
    } else {
        read_conf = json_pack(
            "{ss}", "schemas.enable",
            json_is_true(json_object_get(c, "schemas")) ? "true" : "false");
    }
    in = make_json(read_conf, NULL, false);
    out = make_json(read_conf, json_object_get(c, "write"), false);
    if (kc_json_converter_plugin.to_connect(
            in, "t", NULL, (const uint8_t *)json_string_value(input),
            json_string_length(input), fx->arena, &rec->value_schema,
            &rec->value, &err) != KC_OK) {
        step = "read";
    }
    if (step == NULL && strcmp(kind, "transform") == 0) {
        char *props = NULL;
        kc_buf_t b;
        const char *k;
        json_t *v;
        bool drop = false;

        const json_t *steps = json_object_get(c, "chain");
        size_t n = steps != NULL ? json_array_size(steps) : 1;

        /* One transform ("class", "props") or a "chain" of them. */
        kc_buf_init(&b, 0);
        kc_buf_puts(&b, "transforms=");
        for (size_t i = 0; i < n; i++) {
            kc_buf_printf(&b, "%sx%zu", i > 0 ? "," : "", i);
        }
        kc_buf_putc(&b, '\n');
        for (size_t i = 0; i < n; i++) {
            const json_t *one = steps != NULL ? json_array_get(steps, i) : NULL;
            const json_t *cls = one != NULL ? json_array_get(one, 0)
                                            : json_object_get(c, "class");
            const json_t *conf = one != NULL ? json_array_get(one, 1)
                                             : json_object_get(c, "props");

            kc_buf_printf(&b, "transforms.x%zu.type=%s\n", i,
                          json_string_value(cls));
            json_object_foreach((json_t *)conf, k, v)
            {
                kc_buf_printf(&b, "transforms.x%zu.%s=%s\n", i, k,
                              json_string_value(v));
            }
        }
        props = kc_buf_detach(&b, NULL);
        tx_chain(fx, props);
        kc_free(props);
        if (kc_transform_chain_apply(fx->chain, rec, fx->arena, &drop, &err) !=
            KC_OK) {
            step = "apply";
        }
    }
    if (step == NULL) {
        const json_t *oc = json_object_get(c, "out_converter");

        text = text_of(rec->value_schema, &rec->value);
        if (oc != NULL) {
            bytes = write_other(fx, json_string_value(oc), rec, &err);
        } else {
            bytes =
                write_value(out, rec->value_schema, &rec->value, NULL, &err);
        }
        if (bytes == NULL) {
            step = "write";
        }
    }
    check(c, step, &err, bytes, text);
    kc_free(bytes);
    kc_free(text);
    json_decref(read_conf);
    kc_json_converter_plugin.destroy(in);
    kc_json_converter_plugin.destroy(out);
}

static void test_pipeline_golden_matches_apache(void **state)
{
    tx_fixture_t *fx = *state;
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    size_t checked = 0;

    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);
        const char *id;

        assert_non_null(c);
        id = json_string_value(json_object_get(c, "id"));
        if (!is_known_difference(id)) {
            if (strcmp(json_string_value(json_object_get(c, "kind")),
                       "header") == 0) {
                run_header(c, fx->arena);
            } else {
                run_pipeline(fx, c);
            }
            checked++;
        }
        json_decref(c);
    }
    free(line); /* allocated by getline */
    fclose(f);
    /* A truncated or empty file must fail. */
    assert_true(checked >= 60);
    assert_int_equal(kc_failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pipeline_golden_matches_apache,
                                        tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
