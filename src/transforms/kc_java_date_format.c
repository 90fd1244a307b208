/* SPDX-License-Identifier: Apache-2.0 */
/*
 * java.text.SimpleDateFormat with a java.util.GregorianCalendar in UTC and
 * the en_US symbols, written after the JDK's documented behaviour and
 * checked against it (tests/golden/date_format): the pattern compiler and
 * formatting. The calendar is in kc_java_calendar.c, lenient parsing in
 * kc_java_date_parse.c.
 */
#include "kc_internal.h"

#include "transforms/kc_java_calendar.h"
#include "transforms/kc_java_date_format.h"
#include "transforms/kc_java_date_pattern.h"
#include "util/kc_utf8.h"

/* The letters Java knows, in its own order (DateFormatSymbols). */
static const char kc_pattern_chars[] = "GyMdkHmsSEDFwWahKzZYuXL";

const char *const kc_jpat_months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
const char *const kc_jpat_days[] = {"Sunday",    "Monday",   "Tuesday",
                                    "Wednesday", "Thursday", "Friday",
                                    "Saturday"};
const char *const kc_jpat_eras[] = {"BC", "AD"};
const char *const kc_jpat_ampm[] = {"AM", "PM"};

/* ---- the pattern ------------------------------------------------------ */

static void kc_jpat_release(kc_jpat_t *p)
{
    kc_free(p->tok);
    kc_free(p->text);
    kc_free(p->u16);
}

static void kc_jpat_field(kc_jpat_t *p, char letter, int count)
{
    p->tok[p->n++] = (kc_jtok_t){.letter = letter, .count = count};
}

static void kc_jpat_lit(kc_jpat_t *p, const char *s, size_t n)
{
    if (p->n > 0 && p->tok[p->n - 1].letter == 0) {
        p->tok[p->n - 1].len += n;
    } else {
        p->tok[p->n++] = (kc_jtok_t){.letter = 0, .off = p->text_len, .len = n};
    }
    memcpy(p->text + p->text_len, s, n);
    p->text_len += n;
}

/* Ends a run of a letter: Java refuses 'X' four times or more here. */
static kc_err_t kc_jpat_flush(kc_jpat_t *p, char *last, int *count,
                              kc_error_t *err)
{
    if (*count > 0) {
        if (*last == 'X' && *count >= 4) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid ISO 8601 format: length=%d", *count);
        }
        kc_jpat_field(p, *last, *count);
    }
    *last = 0;
    *count = 0;
    return KC_OK;
}

size_t kc_jpat_utf16_of(const char *s, size_t len, uint16_t *u)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + len;
    size_t n = 0;

    while (p < end) {
        uint32_t cp;
        size_t k = kc_utf8_decode(p, end, &cp);

        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        p += k;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            u[n++] = (uint16_t)(0xD800 + (cp >> 10));
            u[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            u[n++] = (uint16_t)cp;
        }
    }
    return n;
}

/* The literals as UTF-16, which parsing compares unit by unit. */
static void kc_jpat_utf16(kc_jpat_t *p)
{
    size_t at = 0;

    p->u16 = kc_malloc((p->text_len + 1) * sizeof(uint16_t));
    for (size_t i = 0; i < p->n; i++) {
        kc_jtok_t *t = &p->tok[i];

        if (t->letter == 0) {
            t->uoff = at;
            t->ulen = kc_jpat_utf16_of(p->text + t->off, t->len, p->u16 + at);
            at += t->ulen;
        }
    }
}

/* SimpleDateFormat.compile: the same tokens and the same errors. */
static kc_err_t kc_jpat_compile(const char *pattern, kc_jpat_t *p,
                                kc_error_t *err)
{
    size_t len = strlen(pattern);
    bool in_quote = false;
    char last = 0;
    int count = 0;

    p->tok = kc_calloc(len + 1, sizeof(*p->tok));
    p->text = kc_malloc(len + 1);
    p->u16 = NULL;
    p->n = 0;
    p->text_len = 0;
    for (size_t i = 0; i < len; i++) {
        char c = pattern[i];

        if (c == '\'') {
            if (i + 1 < len && pattern[i + 1] == '\'') {
                i++;
                if (!in_quote &&
                    kc_jpat_flush(p, &last, &count, err) != KC_OK) {
                    goto fail;
                }
                kc_jpat_lit(p, "'", 1);
                continue;
            }
            if (!in_quote && kc_jpat_flush(p, &last, &count, err) != KC_OK) {
                goto fail;
            }
            in_quote = !in_quote;
            continue;
        }
        if (in_quote) {
            kc_jpat_lit(p, &pattern[i], 1);
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            if (kc_jpat_flush(p, &last, &count, err) != KC_OK) {
                goto fail;
            }
            kc_jpat_lit(p, &pattern[i], 1);
            continue;
        }
        if (strchr(kc_pattern_chars, c) == NULL) {
            kc_error_set(err, KC_ERR_INVALID, "Illegal pattern character '%c'",
                         c);
            goto fail;
        }
        if (last != 0 && last != c &&
            kc_jpat_flush(p, &last, &count, err) != KC_OK) {
            goto fail;
        }
        last = c;
        count++;
    }
    if (in_quote) {
        kc_error_set(err, KC_ERR_INVALID, "Unterminated quote");
        goto fail;
    }
    if (kc_jpat_flush(p, &last, &count, err) != KC_OK) {
        goto fail;
    }
    kc_jpat_utf16(p);
    return KC_OK;
fail:
    kc_jpat_release(p);
    return KC_ERR_INVALID;
}

kc_err_t kc_java_date_check(const char *pattern, kc_error_t *err)
{
    kc_jpat_t p;

    if (kc_jpat_compile(pattern, &p, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    kc_jpat_release(&p);
    return KC_OK;
}

kc_java_date_pattern_t *kc_java_date_pattern_new(const char *pattern,
                                                 kc_error_t *err)
{
    kc_jpat_t *p = kc_calloc(1, sizeof(*p));

    if (kc_jpat_compile(pattern, p, err) != KC_OK) {
        kc_free(p);
        return NULL;
    }
    return p;
}

void kc_java_date_pattern_destroy(kc_java_date_pattern_t *p)
{
    if (p != NULL) {
        kc_jpat_release(p);
        kc_free(p);
    }
}

/* ---- formatting ------------------------------------------------------ */

/* SimpleDateFormat.zeroPaddingNumber: at least @p min digits; a maximum
 * of two keeps the last two digits (yy). */
static void kc_fmt_number(kc_buf_t *out, int64_t v, int min, bool two)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[24];
    int n;

    if (two) {
        mag %= 100;
    }
    n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)mag);
    if (v < 0) {
        kc_buf_putc(out, '-');
    }
    for (int i = n; i < min; i++) {
        kc_buf_putc(out, '0');
    }
    kc_buf_append(out, digits, (size_t)n);
}

static void kc_fmt_name(kc_buf_t *out, const char *name, bool full)
{
    kc_buf_append(out, name, full ? strlen(name) : 3);
}

static void kc_fmt_field(kc_buf_t *out, const kc_jfields_t *f, char c, int n)
{
    int64_t hour = f->tod / 3600000;
    int64_t yoe = f->year <= 0 ? 1 - f->year : f->year;

    switch (c) {
    case 'G':
        kc_buf_puts(out, kc_jpat_eras[f->year > 0]);
        return;
    case 'y':
        kc_fmt_number(out, yoe, n == 2 ? 2 : n, n == 2);
        return;
    case 'Y':
        kc_fmt_number(out, f->week_year, n == 2 ? 2 : n, n == 2);
        return;
    case 'M':
    case 'L':
        if (n >= 3) {
            kc_fmt_name(out, kc_jpat_months[f->month - 1], n >= 4);
        } else {
            kc_fmt_number(out, f->month, n, false);
        }
        return;
    case 'E':
        kc_fmt_name(out, kc_jpat_days[f->dow - 1], n >= 4);
        return;
    case 'a':
        kc_buf_puts(out, kc_jpat_ampm[hour >= 12]);
        return;
    case 'z':
        kc_buf_puts(out, n >= 4 ? "Coordinated Universal Time" : "UTC");
        return;
    case 'Z':
        kc_buf_puts(out, "+0000");
        return;
    case 'X':
        kc_buf_putc(out, 'Z');
        return;
    case 'd':
        kc_fmt_number(out, f->dom, n, false);
        return;
    case 'D':
        kc_fmt_number(out, f->doy, n, false);
        return;
    case 'F':
        kc_fmt_number(out, f->dowim, n, false);
        return;
    case 'w':
        kc_fmt_number(out, f->woy, n, false);
        return;
    case 'W':
        kc_fmt_number(out, f->wom, n, false);
        return;
    case 'u':
        kc_fmt_number(out, f->dow == 1 ? 7 : f->dow - 1, n, false);
        return;
    case 'H':
        kc_fmt_number(out, hour, n, false);
        return;
    case 'k':
        kc_fmt_number(out, hour == 0 ? 24 : hour, n, false);
        return;
    case 'K':
        kc_fmt_number(out, hour % 12, n, false);
        return;
    case 'h':
        kc_fmt_number(out, hour % 12 == 0 ? 12 : hour % 12, n, false);
        return;
    case 'm':
        kc_fmt_number(out, f->tod / 60000 % 60, n, false);
        return;
    case 's':
        kc_fmt_number(out, f->tod / 1000 % 60, n, false);
        return;
    default: /* 'S' */
        kc_fmt_number(out, f->tod % 1000, n, false);
        return;
    }
}

void kc_java_date_pattern_format(const kc_java_date_pattern_t *p, int64_t ms,
                                 kc_buf_t *out)
{
    kc_jfields_t f;

    kc_jcal_fields_of(ms, &f);
    for (size_t i = 0; i < p->n; i++) {
        const kc_jtok_t *t = &p->tok[i];

        if (t->letter == 0) {
            kc_buf_append(out, p->text + t->off, t->len);
        } else {
            kc_fmt_field(out, &f, t->letter, t->count);
        }
    }
}

void kc_java_date_format(const char *pattern, int64_t ms, kc_buf_t *out)
{
    kc_jpat_t p;

    if (kc_jpat_compile(pattern, &p, NULL) != KC_OK) {
        return;
    }
    kc_java_date_pattern_format(&p, ms, out);
    kc_jpat_release(&p);
}

kc_err_t kc_java_date_format_values(int64_t ms, kc_buf_t *out)
{
    const char *pattern = ms < KC_MS_PER_DAY ? "HH:mm:ss.SSS'Z'"
                          : ms % KC_MS_PER_DAY == 0
                              ? "yyyy-MM-dd"
                              : "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
    kc_buf_t tmp;
    kc_err_t rc;

    /* Whole or nothing into a bounded @p out. */
    kc_buf_init(&tmp, 0);
    kc_java_date_format(pattern, ms, &tmp);
    rc = kc_buf_append(out, tmp.data, tmp.len);
    kc_buf_release(&tmp);
    return rc;
}
