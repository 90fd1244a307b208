/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes into JsonConverter.to_connect, with
 * schemas on and off; whatever parses goes back out through from_connect,
 * and that output must read back again (the writer must emit valid JSON
 * for anything the reader accepts).
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *kc_fuzz_conv(bool schemas, bool numeric)
{
    kc_props_t *props = kc_props_new();
    void *ctx = NULL;
    kc_error_t err;

    kc_props_set(props, "schemas.enable", schemas ? "true" : "false");
    kc_props_set(props, "decimal.format", numeric ? "NUMERIC" : "BASE64");
    if (kc_json_converter_plugin.configure(&ctx, props, false, &err) != KC_OK) {
        abort(); /* a bug in the harness, not input */
    }
    kc_props_destroy(props);
    return ctx;
}

static void kc_fuzz_one(void *ctx, const uint8_t *data, size_t size)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema = NULL;
    kc_value_t value;
    kc_error_t err;
    kc_buf_t out;
    bool is_null = false;

    kc_buf_init(&out, 1 << 24);
    if (kc_json_converter_plugin.to_connect(ctx, "fuzz", NULL, data, size,
                                            arena, &schema, &value,
                                            &err) == KC_OK &&
        kc_json_converter_plugin.from_connect(ctx, "fuzz", NULL, schema, &value,
                                              &out, &is_null, &err) == KC_OK &&
        !is_null) {
        const kc_schema_t *schema2 = NULL;
        kc_value_t value2;

        if (kc_json_converter_plugin.to_connect(ctx, "fuzz", NULL, out.data,
                                                out.len, arena, &schema2,
                                                &value2, &err) != KC_OK) {
            fprintf(stderr, "re-read failed: %s\n", err.msg);
            abort();
        }
    }
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void *with_schemas;
    static void *without_schemas;
    static void *numeric;

    if (with_schemas == NULL) {
        with_schemas = kc_fuzz_conv(true, false);
        without_schemas = kc_fuzz_conv(false, false);
        numeric = kc_fuzz_conv(true, true);
    }
    kc_fuzz_one(with_schemas, data, size);
    kc_fuzz_one(without_schemas, data, size);
    kc_fuzz_one(numeric, data, size);
    return 0;
}
