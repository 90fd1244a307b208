/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 for JSON bytes and decimals. Written out here because the hot
 * path serialises straight into a kc_buf.
 */
#include "kc_internal.h"

#include "data/kc_base64.h"

static const char kc_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

kc_err_t kc_base64_encode(const uint8_t *data, size_t len, kc_buf_t *out)
{
    size_t olen = (len + 2) / 3 * 4;
    kc_err_t rc = kc_buf_reserve(out, olen);
    char *p;
    size_t i = 0;

    if (rc != KC_OK) {
        return rc;
    }
    p = (char *)out->data + out->len;
    for (; i + 3 <= len; i += 3) {
        uint32_t v =
            (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];

        *p++ = kc_b64_alphabet[(v >> 18) & 63];
        *p++ = kc_b64_alphabet[(v >> 12) & 63];
        *p++ = kc_b64_alphabet[(v >> 6) & 63];
        *p++ = kc_b64_alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;

        *p++ = kc_b64_alphabet[(v >> 18) & 63];
        *p++ = kc_b64_alphabet[(v >> 12) & 63];
        *p++ = '=';
        *p++ = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;

        *p++ = kc_b64_alphabet[(v >> 18) & 63];
        *p++ = kc_b64_alphabet[(v >> 12) & 63];
        *p++ = kc_b64_alphabet[(v >> 6) & 63];
        *p++ = '=';
    }
    out->len += olen;
    return KC_OK;
}

static int kc_b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

kc_err_t kc_base64_decode(kc_arena_t *arena, const char *text, size_t len,
                          const uint8_t **data, size_t *out_len,
                          kc_error_t *err)
{
    uint8_t *out = kc_arena_alloc(arena, len / 4 * 3 + 3);
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    size_t i = 0;
    size_t chars = 0;

    for (; i < len && text[i] != '='; i++) {
        int v = kc_b64_value((unsigned char)text[i]);

        if (v < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid base64: illegal character at "
                                "offset %zu",
                                i);
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        chars++;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    if (chars % 4 == 1) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid base64: truncated input");
    }
    /* Padding: only '=' may follow, and only to complete the quad. */
    {
        size_t pad = 0;

        for (; i < len; i++, pad++) {
            if (text[i] != '=') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "invalid base64: data after padding");
            }
        }
        if (pad > 0 && (chars + pad) % 4 != 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid base64: wrong padding");
        }
    }
    *data = out;
    *out_len = n;
    return KC_OK;
}
