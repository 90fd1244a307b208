/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SimpleDateFormat.parse, lenient, in UTC with the en_US symbols: the
 * text is read field by field into a kc_jcal_t (as Java's CalendarBuilder)
 * and resolved by kc_java_calendar.c. Numbers are read as Java's
 * DecimalFormat reads them (any Unicode decimal digits, an exponent).
 */
#include "kc_internal.h"

#include <time.h>

#include "transforms/kc_java_calendar.h"
#include "transforms/kc_java_date_format.h"
#include "transforms/kc_java_date_pattern.h"

/* Zeros of the Unicode decimal digit runs (category Nd, Unicode 14) in the
 * Basic Multilingual Plane: Java's DecimalFormat reads chars, and a char
 * is a digit where Character.digit says so. */
static const uint16_t kc_digit_zeros[] = {
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6,
    0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0,
    0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900,
    0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

static int kc_digit(uint16_t ch)
{
    for (size_t i = 0; i < KC_ARRAY_LEN(kc_digit_zeros); i++) {
        if (ch >= kc_digit_zeros[i] && ch < kc_digit_zeros[i] + 10) {
            return ch - kc_digit_zeros[i];
        }
    }
    return -1;
}

/* The text as UTF-16 code units, as Java indexes it. */
typedef struct kc_u16 {
    uint16_t *u;
    size_t n;
} kc_u16_t;

static void kc_u16_from(kc_u16_t *t, const char *s, size_t len)
{
    t->u = kc_malloc((len + 1) * sizeof(uint16_t));
    t->n = kc_jpat_utf16_of(s, len, t->u);
}

/* Digits after *i (before @p end): their values, leading zeros dropped,
 * at most @p cap kept; returns how many digits there were. */
static size_t kc_scan_digits(const kc_u16_t *t, size_t end, size_t *i,
                             char *sig, size_t cap, size_t *nsig)
{
    size_t n = 0;

    *nsig = 0;
    while (*i < end && kc_digit(t->u[*i]) >= 0) {
        int dg = kc_digit(t->u[*i]);

        if (dg != 0 || *nsig > 0) {
            if (*nsig < cap) {
                sig[*nsig] = (char)('0' + dg);
            }
            (*nsig)++;
        }
        n++;
        (*i)++;
    }
    return n;
}

/*
 * DecimalFormat.parse as SimpleDateFormat sets it up (integers only, no
 * grouping) followed by Number.intValue(): an optional '-', digits and an
 * optional exponent "E[-]digits"; "NaN" and the infinity sign too. A
 * result that fits a long wraps to an int; any other (a fraction, or too
 * large) is a double, which intValue truncates and clamps.
 */
static bool kc_parse_number(const kc_u16_t *t, size_t end, size_t *pos,
                            int32_t *out)
{
    size_t i = *pos;
    bool neg = false;
    char sig[40];
    size_t nsig;
    size_t nint;
    int64_t point;
    int64_t exp = 0;

    if (i + 3 <= end && t->u[i] == 'N' && t->u[i + 1] == 'a' &&
        t->u[i + 2] == 'N') {
        *out = 0;
        *pos = i + 3;
        return true;
    }
    if (i < end && t->u[i] == '-') {
        neg = true;
        i++;
    }
    if (i < end && t->u[i] == 0x221E) {
        *out = neg ? INT32_MIN : INT32_MAX;
        *pos = i + 1;
        return true;
    }
    nint = kc_scan_digits(t, end, &i, sig, sizeof(sig), &nsig);
    if (nint == 0) {
        return false;
    }
    point = (int64_t)nsig; /* digits before the decimal point */
    if (i < end && t->u[i] == 'E') {
        size_t j = i + 1;
        bool eneg = false;
        char esig[24];
        size_t ensig;

        if (j < end && t->u[j] == '-') {
            eneg = true;
            j++;
        }
        if (kc_scan_digits(t, end, &j, esig, sizeof(esig), &ensig) > 0) {
            if (ensig > 18) {
                exp = INT64_C(1000000000000000000);
            } else {
                for (size_t k = 0; k < ensig; k++) {
                    exp = exp * 10 + (esig[k] - '0');
                }
            }
            exp = eneg ? -exp : exp;
            i = j;
        }
    }
    *pos = i;
    while (nsig > 0 && nsig <= sizeof(sig) && sig[nsig - 1] == '0') {
        nsig--;
    }
    if (nsig == 0) {
        *out = 0;
        return true;
    }
    point += exp;
    if (point >= (int64_t)nsig && point <= 19) {
        /* An integer: a long if it fits (DigitList.fitsIntoLong). */
        uint64_t mag = 0;
        bool fits = true;

        for (int64_t k = 0; k < point; k++) {
            int dg = k < (int64_t)nsig ? sig[k] - '0' : 0;

            if (mag > (UINT64_MAX - (uint64_t)dg) / 10) {
                fits = false;
                break;
            }
            mag = mag * 10 + (uint64_t)dg;
        }
        if (fits && (mag <= (uint64_t)INT64_MAX ||
                     (neg && mag == (uint64_t)INT64_MAX + 1))) {
            *out = (int32_t)(uint32_t)(neg ? (uint64_t)0 - mag : mag);
            return true;
        }
    }
    /* A double: intValue truncates toward zero and clamps. */
    if (point > 10) {
        *out = neg ? INT32_MIN : INT32_MAX;
    } else {
        int64_t whole = 0;

        for (int64_t k = 0; k < point; k++) {
            whole = whole * 10 + (k < (int64_t)nsig ? sig[k] - '0' : 0);
        }
        whole = neg ? -whole : whole;
        *out = whole > INT32_MAX   ? INT32_MAX
               : whole < INT32_MIN ? INT32_MIN
                                   : (int32_t)whole;
    }
    return true;
}

/* String.regionMatches(true, ...) of ASCII @p name at @p at. */
static bool kc_match_ci(const kc_u16_t *t, size_t at, const char *name)
{
    size_t n = strlen(name);

    if (at + n > t->n) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        uint16_t a = t->u[at + k];
        char b = name[k];

        if (a >= 'a' && a <= 'z') {
            a = (uint16_t)(a - 'a' + 'A');
        }
        if (b >= 'a' && b <= 'z') {
            b = (char)(b - 'a' + 'A');
        }
        if (a != (uint16_t)(unsigned char)b) {
            return false;
        }
    }
    return true;
}

/* SimpleDateFormat.matchString: the longest of @p names; -1 if none. */
static int kc_match_names(const kc_u16_t *t, size_t at,
                          const char *const *names, int count, bool full,
                          size_t *len)
{
    int best = -1;
    size_t best_len = 0;

    for (int i = 0; i < count; i++) {
        size_t n = full ? strlen(names[i]) : 3;
        char abbr[4];
        const char *s = names[i];

        if (!full) {
            memcpy(abbr, names[i], 3);
            abbr[3] = '\0';
            s = abbr;
        }
        if (n > best_len && kc_match_ci(t, at, s)) {
            best = i;
            best_len = n;
        }
    }
    *len = best_len;
    return best;
}

typedef struct kc_jparse {
    kc_u16_t t;
    kc_jcal_t cal;
    bool ambiguous;
    int32_t century_year; /* year of "now - 80 years" */
} kc_jparse_t;

static bool kc_is_digit_ascii(const kc_u16_t *t, size_t i)
{
    return i < t->n && t->u[i] >= '0' && t->u[i] <= '9';
}

/* SimpleDateFormat.subParseNumericZone; 0 if the text is not one. */
static size_t kc_parse_numeric_zone(kc_jparse_t *p, size_t i, int sign,
                                    int count, bool colon)
{
    const kc_u16_t *t = &p->t;
    int hours;
    int minutes = 0;

    if (!kc_is_digit_ascii(t, i)) {
        return 0;
    }
    hours = t->u[i++] - '0';
    if (i >= t->n) {
        return 0;
    }
    if (kc_is_digit_ascii(t, i)) {
        hours = hours * 10 + (t->u[i++] - '0');
    } else if (count > 0 || !colon) {
        return 0;
    }
    if (hours > 23) {
        return 0;
    }
    if (count != 1) {
        if (colon) {
            if (i >= t->n || t->u[i] != ':') {
                return 0;
            }
            i++;
        }
        if (!kc_is_digit_ascii(t, i) || !kc_is_digit_ascii(t, i + 1)) {
            return 0;
        }
        minutes = (t->u[i] - '0') * 10 + (t->u[i + 1] - '0');
        i += 2;
        if (minutes > 59) {
            return 0;
        }
    }
    kc_jcal_set(&p->cal, KC_F_ZONE,
                (int64_t)(minutes + hours * 60) * 60000 * sign);
    kc_jcal_set(&p->cal, KC_F_DST, 0);
    return i;
}

/*
 * The zone names Java matches in UTC: only UTC's and GMT's own (Java
 * looks through every zone of the JDK; kconnect knows no others, so
 * another name fails the parse). They leave the offset unset: zero.
 */
static size_t kc_parse_zone_name(const kc_u16_t *t, size_t i)
{
    static const char *const names[] = {"Coordinated Universal Time", "UTC",
                                        "Greenwich Mean Time", "GMT"};

    for (size_t k = 0; k < KC_ARRAY_LEN(names); k++) {
        if (kc_match_ci(t, i, names[k])) {
            return i + strlen(names[k]);
        }
    }
    return 0;
}

static bool kc_obey_count(char c)
{
    return strchr("ydkHmsSDFwWhKYu", c) != NULL;
}

/*
 * SimpleDateFormat.subParse for one field at @p start; returns the index
 * after it, or 0 when the text does not fit (Java's negative index).
 */
static size_t kc_sub_parse(kc_jparse_t *p, size_t start, char c, int count,
                           bool obey)
{
    const kc_u16_t *t = &p->t;
    size_t pos = start;
    size_t actual;
    int32_t value = 0;
    size_t len;
    int idx;

    while (true) {
        if (pos >= t->n) {
            return 0;
        }
        if (t->u[pos] != ' ' && t->u[pos] != '\t') {
            break;
        }
        pos++;
    }
    actual = pos;
    if (c == 'k' || c == 'h' || ((c == 'M' || c == 'L') && count <= 2) ||
        c == 'y' || c == 'Y') {
        /* The window counts from before the skipped blanks, as Java's. */
        if (obey && start + (size_t)count > t->n) {
            return 0;
        }
        if (!kc_parse_number(t, obey ? start + (size_t)count : t->n, &pos,
                             &value)) {
            return 0;
        }
    }
    switch (c) {
    case 'G':
        idx = kc_match_names(t, start, kc_jpat_eras, 2, true, &len);
        if (idx < 0) {
            return 0;
        }
        kc_jcal_set(&p->cal, KC_F_ERA, idx);
        return start + len;
    case 'y':
    case 'Y':
        if (count <= 2 && pos - actual == 2 && kc_digit(t->u[actual]) >= 0 &&
            kc_digit(t->u[actual + 1]) >= 0) {
            /* Two digits: within 80 years before and 20 after now. */
            int32_t amb = p->century_year % 100;

            p->ambiguous = value == amb;
            value += (p->century_year / 100) * 100 + (value < amb ? 100 : 0);
        }
        kc_jcal_set(&p->cal, c == 'y' ? KC_F_YEAR : KC_F_WEEK_YEAR, value);
        return pos;
    case 'M':
    case 'L':
        if (count <= 2) {
            kc_jcal_set(&p->cal, KC_F_MONTH, (int64_t)value - 1);
            return pos;
        }
        idx = kc_match_names(t, start, kc_jpat_months, 12, true, &len);
        if (idx < 0) {
            idx = kc_match_names(t, start, kc_jpat_months, 12, false, &len);
        }
        if (idx < 0) {
            return 0;
        }
        kc_jcal_set(&p->cal, KC_F_MONTH, idx);
        return start + len;
    case 'k':
        kc_jcal_set(&p->cal, KC_F_HOD, value == 24 ? 0 : value);
        return pos;
    case 'h':
        kc_jcal_set(&p->cal, KC_F_HOUR, value == 12 ? 0 : value);
        return pos;
    case 'E':
        idx = kc_match_names(t, start, kc_jpat_days, 7, true, &len);
        if (idx < 0) {
            idx = kc_match_names(t, start, kc_jpat_days, 7, false, &len);
        }
        if (idx < 0) {
            return 0;
        }
        kc_jcal_set(&p->cal, KC_F_DOW, idx + 1);
        return start + len;
    case 'a':
        idx = kc_match_names(t, start, kc_jpat_ampm, 2, true, &len);
        if (idx < 0) {
            return 0;
        }
        kc_jcal_set(&p->cal, KC_F_AMPM, idx);
        return start + len;
    case 'z':
    case 'Z': {
        uint16_t ch = t->u[pos];
        int sign = ch == '+' ? 1 : ch == '-' ? -1 : 0;
        size_t r;

        if (sign != 0) {
            return kc_parse_numeric_zone(p, pos + 1, sign, 0, false);
        }
        if ((ch == 'G' || ch == 'g') && kc_match_ci(t, start, "GMT")) {
            pos = start + 3;
            if (pos < t->n && (t->u[pos] == '+' || t->u[pos] == '-')) {
                sign = t->u[pos] == '+' ? 1 : -1;
                return kc_parse_numeric_zone(p, pos + 1, sign, 0, true);
            }
            kc_jcal_set(&p->cal, KC_F_ZONE, 0);
            kc_jcal_set(&p->cal, KC_F_DST, 0);
            return pos;
        }
        r = kc_parse_zone_name(t, pos);
        return r;
    }
    case 'X': {
        uint16_t ch = t->u[pos];

        if (ch == 'Z') {
            kc_jcal_set(&p->cal, KC_F_ZONE, 0);
            kc_jcal_set(&p->cal, KC_F_DST, 0);
            return pos + 1;
        }
        if (ch != '+' && ch != '-') {
            return 0;
        }
        return kc_parse_numeric_zone(p, pos + 1, ch == '+' ? 1 : -1, count,
                                     count == 3);
    }
    default: {
        static const struct {
            char letter;
            int field;
        } generic[] = {{'d', KC_F_DOM},    {'H', KC_F_HOD}, {'m', KC_F_MINUTE},
                       {'s', KC_F_SECOND}, {'S', KC_F_MS},  {'D', KC_F_DOY},
                       {'F', KC_F_DOWIM},  {'w', KC_F_WOY}, {'W', KC_F_WOM},
                       {'K', KC_F_HOUR},   {'u', KC_F_DOW}};
        int field = KC_F_DOM;

        if (obey && start + (size_t)count > t->n) {
            return 0;
        }
        if (!kc_parse_number(t, obey ? start + (size_t)count : t->n, &pos,
                             &value)) {
            return 0;
        }
        for (size_t k = 0; k < KC_ARRAY_LEN(generic); k++) {
            if (generic[k].letter == c) {
                field = generic[k].field;
            }
        }
        if (c == 'u' && value >= 1 && value <= 7) {
            /* ISO day of week (1 Monday) to Calendar's (1 Sunday). */
            value = value == 7 ? 1 : value + 1;
        }
        kc_jcal_set(&p->cal, field, value);
        return pos;
    }
    }
}

/* Literal pattern text against the text, UTF-16 unit by unit. */
static size_t kc_parse_lit(const kc_jparse_t *p, size_t at, const uint16_t *lit,
                           size_t n)
{
    for (size_t k = 0; k < n; k++, at++) {
        if (at >= p->t.n || p->t.u[at] != lit[k]) {
            return 0;
        }
    }
    return at;
}

kc_err_t kc_java_date_pattern_parse(const kc_java_date_pattern_t *pat,
                                    const char *text, int64_t now_ms,
                                    int64_t *ms, kc_error_t *err)
{
    kc_jparse_t p = {.cal = {.next = 1}};
    int64_t century;
    size_t at = 0;
    bool ok = true;

    century = kc_jcal_century_start(now_ms, &p.century_year);
    kc_u16_from(&p.t, text, strlen(text));
    for (size_t i = 0; i < pat->n && ok; i++) {
        const kc_jtok_t *t = &pat->tok[i];
        size_t r;

        if (t->letter == 0) {
            r = kc_parse_lit(&p, at, pat->u16 + t->uoff, t->ulen);
        } else {
            bool obey = i + 1 < pat->n && pat->tok[i + 1].letter != 0 &&
                        kc_obey_count(pat->tok[i + 1].letter);

            if (i + 1 < pat->n && (pat->tok[i + 1].letter == 'M' ||
                                   pat->tok[i + 1].letter == 'L')) {
                obey = pat->tok[i + 1].count <= 2;
            }
            r = kc_sub_parse(&p, at, t->letter, t->count, obey);
        }
        ok = r > 0;
        at = r;
    }
    if (ok) {
        ok = kc_jcal_establish(&p.cal, ms);
        if (ok && p.ambiguous && *ms < century) {
            if (p.cal.stamp[KC_F_YEAR] != 0) {
                p.cal.val[KC_F_YEAR] =
                    kc_jcal_i32((int64_t)p.cal.val[KC_F_YEAR] + 100);
            }
            if (p.cal.stamp[KC_F_WEEK_YEAR] != 0) {
                p.cal.val[KC_F_WEEK_YEAR] =
                    kc_jcal_i32((int64_t)p.cal.val[KC_F_WEEK_YEAR] + 100);
            }
            ok = kc_jcal_establish(&p.cal, ms);
        }
    }
    kc_free(p.t.u);
    /* DateFormat.parse: nothing read is an error too (an empty pattern). */
    if (!ok || at == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "Unparseable date: \"%s\"",
                            text);
    }
    return KC_OK;
}

kc_err_t kc_java_date_parse_at(const char *pattern, const char *text,
                               int64_t now_ms, int64_t *ms, kc_error_t *err)
{
    kc_java_date_pattern_t *pat = kc_java_date_pattern_new(pattern, err);
    kc_err_t rc;

    if (pat == NULL) {
        return KC_ERR_INVALID;
    }
    rc = kc_java_date_pattern_parse(pat, text, now_ms, ms, err);
    kc_java_date_pattern_destroy(pat);
    return rc;
}

kc_err_t kc_java_date_parse(const char *pattern, const char *text, int64_t *ms,
                            kc_error_t *err)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return kc_java_date_parse_at(
        pattern, text, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, ms,
        err);
}
