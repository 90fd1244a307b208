/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary text into Values.parseString's port (what
 * SimpleHeaderConverter and InsertHeader read), then back out through
 * SimpleHeaderConverter.from_connect.
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "converters/kc_values_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema = NULL;
    kc_value_t value;
    kc_error_t err;
    kc_buf_t out;
    bool is_null;

    kc_values_parse_string(arena, (const char *)data, size, &schema, &value);
    if (schema != NULL && kc_value_validate(schema, &value, &err) != KC_OK) {
        fprintf(stderr, "parsed value does not match its schema: %s\n",
                err.msg);
        abort();
    }
    kc_buf_init(&out, 1 << 24);
    kc_simple_header_converter_plugin.from_connect(
        NULL, "fuzz", "h", schema, &value, &out, &is_null, &err);
    kc_buf_release(&out);
    kc_arena_destroy(arena);
    return 0;
}
