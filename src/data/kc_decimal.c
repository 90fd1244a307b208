/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decimal <-> text. A Connect Decimal is an arbitrary-size big-endian
 * two's-complement unscaled integer, so the conversions work on byte
 * strings (schoolbook base conversion: decimals are short).
 */
#include "kc_internal.h"

#include "data/kc_decimal.h"

/* Longest decimal text we accept; far past any real DECIMAL column. */
#define KC_DECIMAL_MAX_DIGITS 4096

kc_err_t kc_decimal_digits(const uint8_t *unscaled, size_t len, kc_buf_t *out,
                           bool *negative)
{
    uint8_t *mag;
    char *digits;
    size_t nd = 0;
    size_t start = 0;
    kc_err_t rc;

    *negative = len > 0 && (unscaled[0] & 0x80) != 0;
    if (len == 0) {
        return kc_buf_putc(out, '0');
    }
    mag = kc_malloc(len);
    memcpy(mag, unscaled, len);
    if (*negative) {
        /* Two's complement negate: invert, add one. */
        unsigned carry = 1;

        for (size_t i = len; i-- > 0;) {
            unsigned v = (uint8_t)~mag[i] + carry;

            mag[i] = (uint8_t)v;
            carry = v >> 8;
        }
    }
    /* Each byte is < 2.41 decimal digits. */
    digits = kc_malloc(len * 3 + 1);
    for (;;) {
        uint32_t rem = 0;
        bool zero = true;

        while (start < len && mag[start] == 0) {
            start++;
        }
        if (start == len) {
            break;
        }
        for (size_t i = start; i < len; i++) {
            uint32_t cur = (rem << 8) | mag[i];

            mag[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (mag[i] != 0) {
                zero = false;
            }
        }
        digits[nd++] = (char)('0' + rem);
        if (zero) {
            break;
        }
    }
    if (nd == 0) {
        digits[nd++] = '0';
    }
    rc = kc_buf_reserve(out, nd);
    for (size_t i = 0; rc == KC_OK && i < nd; i++) {
        rc = kc_buf_putc(out, digits[nd - 1 - i]);
    }
    kc_free(digits);
    kc_free(mag);
    return rc;
}

kc_err_t kc_decimal_to_string(const uint8_t *unscaled, size_t len,
                              int32_t scale, kc_buf_t *out)
{
    kc_buf_t d;
    bool neg;
    kc_err_t rc;

    kc_buf_init(&d, 0);
    rc = kc_decimal_digits(unscaled, len, &d, &neg);
    if (rc == KC_OK && neg) {
        rc = kc_buf_putc(out, '-');
    }
    if (rc != KC_OK) {
        kc_buf_release(&d);
        return rc;
    }
    if (scale <= 0) {
        rc = kc_buf_append(out, d.data, d.len);
        for (int64_t i = 0; rc == KC_OK && i < -(int64_t)scale; i++) {
            rc = kc_buf_putc(out, '0');
        }
    } else if ((size_t)scale >= d.len) {
        rc = kc_buf_puts(out, "0.");
        for (size_t i = d.len; rc == KC_OK && i < (size_t)scale; i++) {
            rc = kc_buf_putc(out, '0');
        }
        if (rc == KC_OK) {
            rc = kc_buf_append(out, d.data, d.len);
        }
    } else {
        size_t ip = d.len - (size_t)scale;

        rc = kc_buf_append(out, d.data, ip);
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '.');
        }
        if (rc == KC_OK) {
            rc = kc_buf_append(out, d.data + ip, (size_t)scale);
        }
    }
    kc_buf_release(&d);
    return rc;
}

kc_err_t kc_decimal_to_java_string(const uint8_t *unscaled, size_t len,
                                   int32_t scale, kc_buf_t *out)
{
    kc_buf_t d;
    bool neg;
    kc_err_t rc;
    int64_t adjusted;

    kc_buf_init(&d, 0);
    rc = kc_decimal_digits(unscaled, len, &d, &neg);
    if (rc != KC_OK) {
        kc_buf_release(&d);
        return rc;
    }
    adjusted = -(int64_t)scale + (int64_t)d.len - 1;
    if (scale >= 0 && adjusted >= -6) {
        kc_buf_release(&d);
        return kc_decimal_to_string(unscaled, len, scale, out);
    }
    if (neg) {
        rc = kc_buf_putc(out, '-');
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, (char)d.data[0]);
    }
    if (rc == KC_OK && d.len > 1) {
        rc = kc_buf_putc(out, '.');
        if (rc == KC_OK) {
            rc = kc_buf_append(out, d.data + 1, d.len - 1);
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_printf(out, "E%s%lld", adjusted >= 0 ? "+" : "",
                           (long long)adjusted);
    }
    kc_buf_release(&d);
    return rc;
}

kc_err_t kc_decimal_text_scale(const char *text, size_t len, int32_t *scale,
                               kc_error_t *err)
{
    size_t i = 0;
    int64_t frac = 0;
    int64_t exp = 0;
    bool eneg = false;

    if (i < len && (text[i] == '-' || text[i] == '+')) {
        i++;
    }
    while (i < len && text[i] >= '0' && text[i] <= '9') {
        i++;
    }
    if (i < len && text[i] == '.') {
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
            frac++;
        }
    }
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < len && (text[i] == '-' || text[i] == '+')) {
            eneg = text[i] == '-';
            i++;
        }
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
            /* Saturate: anything this large is out of range anyway. */
            if (exp < INT64_C(1000000000000)) {
                exp = exp * 10 + (text[i] - '0');
            }
        }
    }
    exp = eneg ? -exp : exp;
    if (i != len || frac - exp < INT32_MIN || frac - exp > INT32_MAX) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse decimal \"%.*s\": not a number "
                            "with a Java int scale",
                            (int)(len > 64 ? 64 : len), text);
    }
    *scale = (int32_t)(frac - exp);
    return KC_OK;
}

kc_err_t kc_decimal_from_string(kc_arena_t *arena, const char *text, size_t len,
                                int32_t scale, const uint8_t **unscaled,
                                size_t *out_len, kc_error_t *err)
{
    size_t i = 0;
    bool neg = false;
    /* Stack room for the usual column; a long text goes to the heap. */
    char dsmall[64];
    uint8_t msmall[64];
    char *digits;
    size_t nd = 0;
    int64_t frac = 0;
    int64_t exp = 0;
    int64_t shift;
    bool seen_digit = false;
    uint8_t *mag; /* little-endian base 256 */
    size_t mlen = 0;
    size_t mcap;
    uint8_t *res;
    size_t rlen;

    if (i < len && (text[i] == '-' || text[i] == '+')) {
        neg = text[i] == '-';
        i++;
    }
    if (len > KC_DECIMAL_MAX_DIGITS) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse decimal: text longer than %d "
                            "characters",
                            KC_DECIMAL_MAX_DIGITS);
    }
    digits = len + 1 <= sizeof(dsmall) ? dsmall : kc_malloc(len + 1);
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
        seen_digit = true;
        if (nd > 0 || text[i] != '0') {
            digits[nd++] = text[i];
        }
    }
    if (i < len && text[i] == '.') {
        i++;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
            seen_digit = true;
            frac++;
            if (nd > 0 || text[i] != '0') {
                digits[nd++] = text[i];
            }
        }
    }
    if (seen_digit && i < len && (text[i] == 'e' || text[i] == 'E')) {
        bool eneg = false;
        bool edig = false;

        i++;
        if (i < len && (text[i] == '-' || text[i] == '+')) {
            eneg = text[i] == '-';
            i++;
        }
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
            edig = true;
            /* Saturate far beyond any int32 scale, so that an exponent
             * matched by an equally large scale still cancels out. */
            if (exp < INT64_C(1000000000000)) {
                exp = exp * 10 + (text[i] - '0');
            }
        }
        if (!edig) {
            seen_digit = false;
        }
        exp = eneg ? -exp : exp;
    }
    if (!seen_digit || i != len) {
        if (digits != dsmall) {
            kc_free(digits);
        }
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse decimal \"%.*s\": not a number",
                            (int)(len > 64 ? 64 : len), text);
    }
    /* unscaled = digits * 10^(exp - frac + scale) */
    shift = exp - frac + scale;
    if (shift < 0) {
        for (int64_t k = 0; k < -shift; k++) {
            if (nd == 0) {
                break;
            }
            if (digits[nd - 1] != '0') {
                if (digits != dsmall) {
                    kc_free(digits);
                }
                return kc_error_set(
                    err, KC_ERR_INVALID,
                    "could not convert decimal \"%.*s\" to scale %d without "
                    "rounding",
                    (int)(len > 64 ? 64 : len), text, (int)scale);
            }
            nd--;
        }
        shift = 0;
    }
    if (nd == 0) {
        /* Zero: no exponent changes it, however large (the magnitude
         * buffer below would otherwise be sized by the exponent). */
        shift = 0;
    }
    if (nd > 0 && (size_t)shift + nd > KC_DECIMAL_MAX_DIGITS) {
        if (digits != dsmall) {
            kc_free(digits);
        }
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not convert decimal \"%.*s\" to scale %d: "
                            "too many digits",
                            (int)(len > 64 ? 64 : len), text, (int)scale);
    }
    mcap = (nd + (size_t)shift) / 2 + 2;
    if (mcap <= sizeof(msmall)) {
        mag = msmall;
        memset(mag, 0, mcap);
    } else {
        mag = kc_calloc(mcap, 1);
    }
    for (size_t k = 0; k < nd + (size_t)(nd > 0 ? shift : 0); k++) {
        unsigned carry = k < nd ? (unsigned)(digits[k] - '0') : 0;

        for (size_t j = 0; j < mlen; j++) {
            unsigned v = mag[j] * 10u + carry;

            mag[j] = (uint8_t)v;
            carry = v >> 8;
        }
        while (carry) {
            mag[mlen++] = (uint8_t)carry;
            carry >>= 8;
        }
    }
    if (digits != dsmall) {
        kc_free(digits);
    }
    /* Minimal two's complement, big-endian, at least one byte. */
    rlen = mlen + 1;
    res = kc_arena_alloc(arena, rlen);
    res[0] = 0;
    for (size_t j = 0; j < mlen; j++) {
        res[rlen - 1 - j] = mag[j];
    }
    if (mag != msmall) {
        kc_free(mag);
    }
    if (neg && mlen > 0) {
        unsigned carry = 1;

        for (size_t j = rlen; j-- > 0;) {
            unsigned v = (uint8_t)~res[j] + carry;

            res[j] = (uint8_t)v;
            carry = v >> 8;
        }
    }
    /* Drop redundant sign bytes. */
    while (rlen > 1 && ((res[0] == 0x00 && !(res[1] & 0x80)) ||
                        (res[0] == 0xff && (res[1] & 0x80)))) {
        res++;
        rlen--;
    }
    *unscaled = res;
    *out_len = rlen;
    return KC_OK;
}
