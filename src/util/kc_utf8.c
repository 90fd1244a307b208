/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "util/kc_utf8.h"

size_t kc_utf8_decode(const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
    uint8_t c = p[0];
    size_t n;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = v << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (n == 4 && (v < 0x10000 || v > 0x10FFFF))) {
        return 0;
    }
    *cp = v;
    return n;
}

bool kc_utf8_valid(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + len;
    uint32_t cp;

    while (p < end) {
        size_t n = kc_utf8_decode(p, end, &cp);

        if (n == 0) {
            return false;
        }
        p += n;
    }
    return true;
}

bool kc_utf8_is_iso_control(uint32_t cp)
{
    return cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F);
}

char *kc_str_escape_log(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end;
    kc_buf_t buf;

    if (s == NULL) {
        return kc_strdup("null");
    }
    end = p + strlen(s);
    kc_buf_init(&buf, 0);
    while (p < end) {
        uint32_t cp;
        size_t n = kc_utf8_decode(p, end, &cp);

        if (n == 0) {
            kc_buf_printf(&buf, "\\x%02X", *p);
            p++;
            continue;
        }
        if (cp == '\n') {
            kc_buf_puts(&buf, "\\n");
        } else if (cp == '\r') {
            kc_buf_puts(&buf, "\\r");
        } else if (cp == '\t') {
            kc_buf_puts(&buf, "\\t");
        } else if (cp == '\\') {
            kc_buf_puts(&buf, "\\\\");
        } else if (kc_utf8_is_iso_control(cp)) {
            kc_buf_printf(&buf, "\\x%02X", (unsigned)cp);
        } else if (cp == 0x2028 || cp == 0x2029) {
            kc_buf_printf(&buf, "\\u%04X", (unsigned)cp);
        } else {
            kc_buf_append(&buf, p, n);
        }
        p += n;
    }
    return kc_buf_detach(&buf, NULL);
}

char *kc_utf8_repair(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + strlen(s);
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    while (p < end) {
        uint32_t cp;
        size_t n = kc_utf8_decode(p, end, &cp);

        if (n == 0) {
            /* U+FFFD, as Java's UTF-8 decoder substitutes. */
            kc_buf_puts(&buf, "\xEF\xBF\xBD");
            p++;
            continue;
        }
        kc_buf_append(&buf, p, n);
        p += n;
    }
    return kc_buf_detach(&buf, NULL);
}
