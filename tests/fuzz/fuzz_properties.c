/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the .properties reader. Beyond "no crash, no leak",
 * it checks a round trip: whatever parses, written back with every special
 * character escaped, must parse to the same entries.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kconnect/kconnect.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void kc_fuzz_escape(kc_buf_t *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '\t':
            kc_buf_puts(out, "\\t");
            break;
        case '\n':
            kc_buf_puts(out, "\\n");
            break;
        case '\r':
            kc_buf_puts(out, "\\r");
            break;
        case '\f':
            kc_buf_puts(out, "\\f");
            break;
        case '\\':
        case ' ':
        case '=':
        case ':':
        case '#':
        case '!':
            kc_buf_putc(out, '\\');
            kc_buf_putc(out, *s);
            break;
        default:
            kc_buf_putc(out, *s);
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_props_t *props = kc_props_new();
    kc_props_t *again;
    kc_error_t err;
    kc_buf_t text;

    if (kc_props_parse(props, (const char *)data, size, &err) != KC_OK) {
        /* errors must say where */
        if (strncmp(err.msg, "line ", 5) != 0) {
            __builtin_trap();
        }
        if (kc_props_count(props) != 0) {
            __builtin_trap(); /* a failed parse adds nothing */
        }
        kc_props_destroy(props);
        return 0;
    }
    kc_buf_init(&text, 0);
    for (size_t i = 0; i < kc_props_count(props); i++) {
        kc_fuzz_escape(&text, kc_props_key_at(props, i));
        kc_buf_putc(&text, '=');
        kc_fuzz_escape(&text, kc_props_value_at(props, i));
        kc_buf_putc(&text, '\n');
    }
    again = kc_props_new();
    if (kc_props_parse(again, (const char *)text.data, text.len, &err) !=
            KC_OK ||
        !kc_props_equal(props, again)) {
        __builtin_trap();
    }
    kc_buf_release(&text);
    kc_props_destroy(again);
    kc_props_destroy(props);
    return 0;
}
