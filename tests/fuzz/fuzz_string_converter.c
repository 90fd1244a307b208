/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: StringConverter in Java's charsets. The first byte
 * picks a charset; the rest is read as record bytes (to_connect), the
 * text is written back (from_connect), and the raw bytes are also written
 * as if they were a string (a kconnect string may hold any bytes).
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "util/kc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kc_fuzz_charsets[] = {
    "UTF-8",          "CESU-8",     "UTF-16",     "UTF-16LE",       "UTF-16BE",
    "x-UTF-16LE-BOM", "UTF-32",     "UTF-32LE",   "X-UTF-32BE-BOM", "IBM037",
    "windows-1252",   "ISO-8859-1", "US-ASCII",   "Shift_JIS",      "EUC-KR",
    "ISO-2022-JP",    "GB18030",    "Big5-HKSCS", "x-MacRoman",     "IBM290"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kc_converter_plugin *p = &kc_string_converter_plugin;
    kc_props_t *props;
    void *ctx = NULL;
    kc_arena_t *arena;
    const kc_schema_t *schema;
    kc_value_t value;
    kc_error_t err;
    kc_buf_t out;
    bool is_null;
    const char *name;

    if (size == 0) {
        return 0;
    }
    name = kc_fuzz_charsets[data[0] % KC_ARRAY_LEN(kc_fuzz_charsets)];
    props = kc_props_new();
    kc_props_set(props, "converter.encoding", name);
    if (p->configure(&ctx, props, false, &err) != KC_OK) {
        /* a charset this system's iconv lacks */
        kc_props_destroy(props);
        return 0;
    }
    kc_props_destroy(props);
    arena = kc_arena_new(0);
    if (p->to_connect(ctx, "fuzz", NULL, data + 1, size - 1, arena, &schema,
                      &value, &err) != KC_OK) {
        fprintf(stderr, "could not read %s: %s\n", name, err.msg);
        abort();
    }
    kc_buf_init(&out, 1 << 24);
    if (p->from_connect(ctx, "fuzz", NULL, schema, &value, &out, &is_null,
                        &err) != KC_OK) {
        fprintf(stderr, "could not write %s back: %s\n", name, err.msg);
        abort();
    }
    kc_buf_reset(&out);
    kc_value_set_string(arena, &value, (const char *)data + 1, size - 1);
    if (p->from_connect(ctx, "fuzz", NULL, NULL, &value, &out, &is_null,
                        &err) != KC_OK) {
        fprintf(stderr, "could not write raw bytes as %s: %s\n", name, err.msg);
        abort();
    }
    kc_buf_release(&out);
    kc_arena_destroy(arena);
    p->destroy(ctx);
    return 0;
}
