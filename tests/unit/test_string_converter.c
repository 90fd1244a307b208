/*
 * Unit tests for src/converters: StringConverter, ByteArrayConverter and
 * the registration of all converters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "plugins/kc_registry.h"

static void *configure(const struct kc_converter_plugin *p, const char *key,
                       const char *value, kc_err_t want, kc_error_t *err)
{
    kc_props_t *props = kc_props_new();
    void *ctx = NULL;

    if (key != NULL) {
        kc_props_set(props, key, value);
    }
    assert_int_equal(p->configure(&ctx, props, false, err), want);
    kc_props_destroy(props);
    return ctx;
}

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

static void test_string_converter_utf8(void **state)
{
    const struct kc_converter_plugin *p = &kc_string_converter_plugin;
    kc_error_t err;
    void *ctx = configure(p, NULL, NULL, KC_OK, &err);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_buf_t out;
    bool is_null = false;

    (void)state;
    kc_value_set_string(arena, &v, "h\xC3\xA9llo", 6);
    write_value(p, ctx, NULL, &v, "h\xC3\xA9llo", 6);
    /* Other values: their Java toString(). */
    kc_value_set_int(&v, KC_TYPE_INT32, -42);
    write_value(p, ctx, kc_schema_primitive(KC_TYPE_INT32, false), &v, "-42",
                3);
    kc_value_set_bool(&v, true);
    write_value(p, ctx, NULL, &v, "true", 4);
    kc_value_set_float(&v, KC_TYPE_FLOAT64, 1e10);
    write_value(p, ctx, NULL, &v, "1.0E10", 6);
    /* null -> Kafka null. */
    kc_value_set_null(&v);
    kc_buf_init(&out, 0);
    assert_int_equal(
        p->from_connect(ctx, "t", NULL, NULL, &v, &out, &is_null, &err), KC_OK);
    assert_true(is_null);
    assert_int_equal(out.len, 0);
    kc_buf_release(&out);
    /* Reading: an optional STRING, malformed UTF-8 replaced as Java. */
    assert_int_equal(p->to_connect(ctx, "t", NULL,
                                   (const uint8_t *)"a\xFF"
                                                    "b",
                                   3, arena, &schema, &v, &err),
                     KC_OK);
    assert_ptr_equal(schema, kc_schema_primitive(KC_TYPE_STRING, true));
    assert_int_equal(v.type, KC_TYPE_STRING);
    assert_int_equal(v.u.str.len, 5);
    assert_memory_equal(v.u.str.data,
                        "a\xEF\xBF\xBD"
                        "b",
                        5);
    assert_int_equal(
        p->to_connect(ctx, "t", NULL, NULL, 0, arena, &schema, &v, &err),
        KC_OK);
    assert_int_equal(v.type, KC_TYPE_NULL);
    assert_ptr_equal(schema, kc_schema_primitive(KC_TYPE_STRING, true));
    p->destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_string_converter_encodings(void **state)
{
    const struct kc_converter_plugin *p = &kc_string_converter_plugin;
    kc_error_t err;
    void *ctx;
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;

    (void)state;
    ctx = configure(p, "converter.encoding", "ISO-8859-1", KC_OK, &err);
    kc_value_set_string(arena, &v, "caf\xC3\xA9", 5);
    write_value(p, ctx, NULL, &v, "caf\xE9", 4);
    assert_int_equal(p->to_connect(ctx, "t", NULL, (const uint8_t *)"\xE9", 1,
                                   arena, &schema, &v, &err),
                     KC_OK);
    assert_int_equal(v.u.str.len, 2);
    assert_memory_equal(v.u.str.data, "\xC3\xA9", 2);
    p->destroy(ctx);

    ctx = configure(p, "converter.encoding", "UTF-16", KC_OK, &err);
    kc_value_set_string(arena, &v, "a", 1);
    write_value(p, ctx, NULL, &v,
                "\xFE\xFF\x00"
                "a",
                4);
    p->destroy(ctx);

    ctx = configure(p, "converter.encoding", "utf8", KC_OK, &err);
    p->destroy(ctx);
    configure(p, "converter.encoding", "NO-SUCH-CHARSET", KC_ERR_INVALID, &err);
    assert_non_null(strstr(err.msg, "converter.encoding"));
    assert_non_null(strstr(err.msg, "NO-SUCH-CHARSET"));
    kc_arena_destroy(arena);
}

static void test_bytearray_converter(void **state)
{
    const struct kc_converter_plugin *p = &kc_bytearray_converter_plugin;
    kc_error_t err;
    void *ctx = configure(p, NULL, NULL, KC_OK, &err);
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema;
    kc_value_t v;
    kc_buf_t out;
    bool is_null;

    (void)state;
    kc_value_set_bytes(arena, &v, (const uint8_t *)"\x00\x01\xFF", 3);
    write_value(p, ctx, kc_schema_primitive(KC_TYPE_BYTES, false), &v,
                "\x00\x01\xFF", 3);
    write_value(p, ctx, NULL, &v, "\x00\x01\xFF", 3);
    kc_buf_init(&out, 0);
    assert_int_equal(p->from_connect(ctx, "t", NULL,
                                     kc_schema_primitive(KC_TYPE_STRING, false),
                                     &v, &out, &is_null, &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "Invalid schema type for ByteArrayConverter: STRING");
    kc_value_set_string(arena, &v, "x", 1);
    assert_int_equal(
        p->from_connect(ctx, "t", NULL, NULL, &v, &out, &is_null, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "not compatible"));
    kc_value_set_null(&v);
    assert_int_equal(
        p->from_connect(ctx, "t", NULL, NULL, &v, &out, &is_null, &err), KC_OK);
    assert_true(is_null);
    kc_buf_release(&out);
    assert_int_equal(p->to_connect(ctx, "t", NULL, (const uint8_t *)"ab", 2,
                                   arena, &schema, &v, &err),
                     KC_OK);
    assert_ptr_equal(schema, kc_schema_primitive(KC_TYPE_BYTES, true));
    assert_int_equal(v.type, KC_TYPE_BYTES);
    assert_memory_equal(v.u.bytes.data, "ab", 2);
    p->destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_registered_under_apache_names(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_converters_register(reg, &err), KC_OK);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_CONVERTER,
                         "org.apache.kafka.connect.json.JsonConverter"),
        &kc_json_converter_plugin);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_CONVERTER, "JsonConverter"),
        &kc_json_converter_plugin);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_CONVERTER,
                         "org.apache.kafka.connect.storage.StringConverter"),
        &kc_string_converter_plugin);
    assert_ptr_equal(
        kc_registry_find(
            reg, KC_PLUGIN_CONVERTER,
            "org.apache.kafka.connect.converters.ByteArrayConverter"),
        &kc_bytearray_converter_plugin);
    assert_ptr_equal(
        kc_registry_find(
            reg, KC_PLUGIN_HEADER_CONVERTER,
            "org.apache.kafka.connect.storage.SimpleHeaderConverter"),
        &kc_simple_header_converter_plugin);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER,
                         "org.apache.kafka.connect.json.JsonConverter"),
        &kc_json_converter_plugin);
    /* SimpleHeaderConverter is not a key/value converter in Apache. */
    assert_null(
        kc_registry_find(reg, KC_PLUGIN_CONVERTER, "SimpleHeaderConverter"));
    kc_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_converter_utf8),
        cmocka_unit_test(test_string_converter_encodings),
        cmocka_unit_test(test_bytearray_converter),
        cmocka_unit_test(test_registered_under_apache_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
