/*
 * java.text.SimpleDateFormat with a java.util.GregorianCalendar in UTC and
 * the en_US symbols, written after the JDK's documented behaviour and
 * checked against it (tests/golden/date_format). The calendar is Java's
 * hybrid one: Julian before 1582-10-15, Gregorian from then on, weeks
 * starting on Sunday with one minimal day in the first week. Days are
 * counted as Java counts them, "fixed dates" (day 1 is 0001-01-01
 * proleptic Gregorian), so the formulas map one to one onto the JDK's.
 */
#include "kc_internal.h"

#include <time.h>

#include "transforms/kc_java_date_format.h"
#include "util/kc_utf8.h"

#define KC_MS_PER_DAY   86400000LL
#define KC_EPOCH_FIXED  719163 /* 1970-01-01 */
#define KC_CUTOVER      577736 /* 1582-10-15, the first Gregorian day */
#define KC_CUTOVER_YEAR 1582

/* The letters Java knows, in its own order (DateFormatSymbols). */
static const char kc_pattern_chars[] = "GyMdkHmsSEDFwWahKzZYuXL";

static const char *const kc_months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const kc_days[] = {"Sunday",    "Monday",   "Tuesday",
                                      "Wednesday", "Thursday", "Friday",
                                      "Saturday"};
static const char *const kc_eras[] = {"BC", "AD"};
static const char *const kc_ampm[] = {"AM", "PM"};

/* ---- arithmetic ---------------------------------------------------- */

static int64_t kc_fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t kc_fmod(int64_t a, int64_t b)
{
    int64_t r = a % b;

    /* Not a - fdiv(a, b) * b: that product overflows near INT64_MIN. */
    return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}

/* Java's int arithmetic wraps; C's signed overflow must not happen. */
static int32_t kc_i32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

/* ---- the calendar ---------------------------------------------------- */

static bool kc_greg_leap(int64_t y)
{
    return kc_fmod(y, 4) == 0 && (kc_fmod(y, 100) != 0 || kc_fmod(y, 400) == 0);
}

static bool kc_jul_leap(int64_t y)
{
    return kc_fmod(y, 4) == 0;
}

/* GregorianCalendar.isLeapYear: Julian rule up to the cutover year. */
static bool kc_leap(int64_t y)
{
    return y > KC_CUTOVER_YEAR ? kc_greg_leap(y) : kc_jul_leap(y);
}

static int kc_month_length(int m0, int64_t y)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m0 == 1 && kc_leap(y) ? 29 : len[m0];
}

/* Fixed date of a proleptic Gregorian date (month 1..12). */
static int64_t kc_greg_fixed(int64_t y, int64_t m, int64_t d)
{
    int64_t py = y - 1;
    int64_t days = d + 365 * py + kc_fdiv(py, 4) - kc_fdiv(py, 100) +
                   kc_fdiv(py, 400) + kc_fdiv(367 * m - 362, 12);

    if (m > 2) {
        days -= kc_greg_leap(y) ? 1 : 2;
    }
    return days;
}

/* Fixed date of a proleptic Julian date (year 0 is 1 BC). */
static int64_t kc_jul_fixed(int64_t y, int64_t m, int64_t d)
{
    int64_t days =
        -2 + 365 * (y - 1) + d + kc_fdiv(y - 1, 4) + kc_fdiv(367 * m - 362, 12);

    if (m > 2) {
        days -= kc_jul_leap(y) ? 1 : 2;
    }
    return days;
}

static int64_t kc_cal_fixed(bool julian, int64_t y, int64_t m, int64_t d)
{
    return julian ? kc_jul_fixed(y, m, d) : kc_greg_fixed(y, m, d);
}

/* The date of @p fixed in the calendar in force that day. */
static void kc_date_of(int64_t fixed, int64_t *y, int *m, int *d)
{
    bool julian = fixed < KC_CUTOVER;
    int64_t year;
    int64_t prior;
    int64_t month;

    if (julian) {
        year = kc_fdiv(4 * (fixed + 1) + 1464, 1461);
    } else {
        int64_t d0 = fixed - 1;
        int64_t n400 = kc_fdiv(d0, 146097);
        int64_t d1 = kc_fmod(d0, 146097);
        int64_t n100 = d1 / 36524;
        int64_t d2 = d1 % 36524;
        int64_t n4 = d2 / 1461;
        int64_t n1 = (d2 % 1461) / 365;

        year = 400 * n400 + 100 * n100 + 4 * n4 + n1;
        if (n100 != 4 && n1 != 4) {
            year++;
        }
    }
    prior = fixed - kc_cal_fixed(julian, year, 1, 1);
    if (fixed >= kc_cal_fixed(julian, year, 3, 1)) {
        prior += (julian ? kc_jul_leap(year) : kc_greg_leap(year)) ? 1 : 2;
    }
    month = kc_fdiv(12 * prior + 373, 367);
    *y = year;
    *m = (int)month;
    *d = (int)(fixed - kc_cal_fixed(julian, year, month, 1) + 1);
}

/* January 1st of @p y: Julian up to the cutover year (1582 included). */
static int64_t kc_jan1(int64_t y)
{
    return kc_cal_fixed(y <= KC_CUTOVER_YEAR, y, 1, 1);
}

/* The day of week @p dow (1 Sunday .. 7) on or before @p fixed. */
static int64_t kc_dow_on_or_before(int64_t fixed, int64_t dow)
{
    return fixed - kc_fmod(fixed - (dow - 1), 7);
}

/* Week number of @p fixed in the period starting on @p day1. */
static int64_t kc_week_number(int64_t day1, int64_t fixed)
{
    int64_t first = kc_dow_on_or_before(day1 + 6, 1);

    if (first - day1 >= 1) {
        first -= 7;
    }
    return kc_fdiv(fixed - first, 7) + 1;
}

/* The calendar fields Java computes for an instant. */
typedef struct kc_jfields {
    int64_t fixed;
    int64_t year; /* normalized: 0 is 1 BC */
    int month;    /* 1..12 */
    int dom;
    int dow; /* 1 Sunday .. 7 Saturday */
    int64_t doy, woy, wom, dowim, week_year;
    int64_t tod; /* ms into the day */
} kc_jfields_t;

/* GregorianCalendar.getWeekYear. */
static int64_t kc_week_year(const kc_jfields_t *f)
{
    int64_t year = f->year;
    int64_t max_doy;
    int64_t first;
    int64_t next;
    int64_t del;

    if (year > KC_CUTOVER_YEAR + 1) {
        if (f->month == 1) {
            return f->woy >= 52 ? year - 1 : year;
        }
        return f->woy == 1 ? year + 1 : year;
    }
    /* Java's slow path, for the years around the cutover and before. */
    max_doy = kc_jan1(year + 1) - kc_jan1(year);
    if (f->doy > 1 && f->doy < max_doy - 6) {
        return year;
    }
    first = kc_jan1(year);
    del = 1 - (kc_fmod(first, 7) + 1);
    if (del < 0) {
        del += 7;
    }
    if (f->doy < 1 + del) {
        return year;
    }
    /* Java sets YEAR (the year of the era) to year + 1 keeping the era,
     * which for BC years is not the next year; follow it. */
    next = year <= 0 ? -year : year + 1;
    first = kc_jan1(next);
    del = 1 - (kc_fmod(first, 7) + 1);
    if (del < 0) {
        del += 7;
    }
    if (del == 0) {
        del = 7;
    }
    if (max_doy - f->doy + 1 <= 7 - del) {
        return year + 1;
    }
    return year;
}

static void kc_fields_of(int64_t ms, kc_jfields_t *f)
{
    int64_t day = kc_fdiv(ms, KC_MS_PER_DAY);
    int64_t jan1;
    int64_t month1;

    f->tod = kc_fmod(ms, KC_MS_PER_DAY);
    f->fixed = day + KC_EPOCH_FIXED;
    kc_date_of(f->fixed, &f->year, &f->month, &f->dom);
    f->dow = (int)kc_fmod(f->fixed, 7) + 1;
    jan1 = kc_jan1(f->year);
    f->doy = f->fixed - jan1 + 1;
    month1 = f->fixed - f->dom + 1;
    if (f->year == KC_CUTOVER_YEAR && f->month == 10 &&
        f->fixed >= KC_CUTOVER) {
        /* October 1582 lost ten days; Java counts it from its Julian 1st. */
        month1 = kc_jul_fixed(KC_CUTOVER_YEAR, 10, 1);
    }
    f->dowim = (f->fixed - month1) / 7 + 1;
    f->wom = kc_week_number(month1, f->fixed);
    f->woy = kc_week_number(jan1, f->fixed);
    if (f->woy >= 52 || f->year == KC_CUTOVER_YEAR ||
        f->year == KC_CUTOVER_YEAR - 1) {
        int64_t next = kc_jan1(f->year + 1);
        int64_t next_first = kc_dow_on_or_before(next + 6, 1);

        if (next_first - next >= 1 && f->fixed >= next_first - 7) {
            f->woy = 1;
        }
    }
    f->week_year = kc_week_year(f);
}

/* ---- the pattern ------------------------------------------------------ */

/* One field (letter, count) or one run of literal text (letter 0). */
typedef struct kc_jtok {
    char letter;
    int count;
    size_t off; /* literal text in kc_jpat_t.text */
    size_t len;
    size_t uoff; /* the same as UTF-16 units in kc_jpat_t.u16 */
    size_t ulen;
} kc_jtok_t;

/* A compiled pattern: immutable, so tasks may share it. */
struct kc_java_date_pattern {
    kc_jtok_t *tok;
    size_t n;
    char *text;
    size_t text_len;
    uint16_t *u16;
};

typedef struct kc_java_date_pattern kc_jpat_t;

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

/* UTF-16 code units of @p len bytes of UTF-8 into @p u (room for len);
 * a byte that starts no character is U+FFFD, as Java decodes it. */
static size_t kc_utf16_of(const char *s, size_t len, uint16_t *u)
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
            t->ulen = kc_utf16_of(p->text + t->off, t->len, p->u16 + at);
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
        kc_buf_puts(out, kc_eras[f->year > 0]);
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
            kc_fmt_name(out, kc_months[f->month - 1], n >= 4);
        } else {
            kc_fmt_number(out, f->month, n, false);
        }
        return;
    case 'E':
        kc_fmt_name(out, kc_days[f->dow - 1], n >= 4);
        return;
    case 'a':
        kc_buf_puts(out, kc_ampm[hour >= 12]);
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

    kc_fields_of(ms, &f);
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

/* ---- Calendar fields and their resolution (parsing) ------------------ */

enum {
    KC_F_ERA,
    KC_F_YEAR,
    KC_F_MONTH,
    KC_F_WOY,
    KC_F_WOM,
    KC_F_DOM,
    KC_F_DOY,
    KC_F_DOW,
    KC_F_DOWIM,
    KC_F_AMPM,
    KC_F_HOUR,
    KC_F_HOD,
    KC_F_MINUTE,
    KC_F_SECOND,
    KC_F_MS,
    KC_F_ZONE,
    KC_F_DST,
    KC_F_WEEK_YEAR, /* CalendarBuilder only */
    KC_F_COUNT
};

#define KC_M(f) (1u << (f))

/*
 * Fields set by the parser, each with the stamp of its last setting:
 * CalendarBuilder and Calendar in one (the builder hands its fields to the
 * calendar in stamp order, so the stamps can be shared).
 */
typedef struct kc_jcal {
    int32_t val[KC_F_COUNT];
    int stamp[KC_F_COUNT]; /* 0 = unset */
    int next;
} kc_jcal_t;

static void kc_jcal_set(kc_jcal_t *c, int field, int64_t v)
{
    c->val[field] = kc_i32(v);
    c->stamp[field] = c->next++;
}

static int kc_agg(int a, int b)
{
    return (a == 0 || b == 0) ? 0 : (a > b ? a : b);
}

static int kc_max(int a, int b)
{
    return a > b ? a : b;
}

/* Calendar.selectFields. */
static unsigned kc_select_fields(const kc_jcal_t *c)
{
    const int *st = c->stamp;
    unsigned mask = KC_M(KC_F_YEAR);
    int dow = st[KC_F_DOW];
    int month = st[KC_F_MONTH];
    int dom = st[KC_F_DOM];
    int wom = kc_agg(st[KC_F_WOM], dow);
    int dowim = kc_agg(st[KC_F_DOWIM], dow);
    int doy = st[KC_F_DOY];
    int woy = kc_agg(st[KC_F_WOY], dow);
    int best = kc_max(kc_max(kc_max(dom, wom), kc_max(dowim, doy)), woy);
    int hod;
    int hour;

    if (st[KC_F_ERA] != 0) {
        mask |= KC_M(KC_F_ERA);
    }
    if (best == 0) {
        wom = st[KC_F_WOM];
        dowim = kc_max(st[KC_F_DOWIM], dow);
        woy = st[KC_F_WOY];
        best = kc_max(kc_max(wom, dowim), woy);
        if (best == 0) {
            best = dom = month;
        }
    }
    if (best == dom || (best == wom && st[KC_F_WOM] >= st[KC_F_WOY]) ||
        (best == dowim && st[KC_F_DOWIM] >= st[KC_F_WOY])) {
        mask |= KC_M(KC_F_MONTH);
        if (best == dom) {
            mask |= KC_M(KC_F_DOM);
        } else {
            if (dow != 0) {
                mask |= KC_M(KC_F_DOW);
            }
            if (wom == dowim) {
                mask |= st[KC_F_WOM] >= st[KC_F_DOWIM] ? KC_M(KC_F_WOM)
                                                       : KC_M(KC_F_DOWIM);
            } else if (best == wom) {
                mask |= KC_M(KC_F_WOM);
            } else if (st[KC_F_DOWIM] != 0) {
                mask |= KC_M(KC_F_DOWIM);
            }
        }
    } else if (best == doy) {
        mask |= KC_M(KC_F_DOY);
    } else {
        if (dow != 0) {
            mask |= KC_M(KC_F_DOW);
        }
        mask |= KC_M(KC_F_WOY);
    }
    hod = st[KC_F_HOD];
    hour = kc_agg(st[KC_F_HOUR], st[KC_F_AMPM]);
    best = hour > hod ? hour : hod;
    if (best == 0) {
        best = kc_max(st[KC_F_HOUR], st[KC_F_AMPM]);
    }
    if (best != 0) {
        if (best == hod) {
            mask |= KC_M(KC_F_HOD);
        } else {
            mask |= KC_M(KC_F_HOUR);
            if (st[KC_F_AMPM] != 0) {
                mask |= KC_M(KC_F_AMPM);
            }
        }
    }
    for (int fld = KC_F_MINUTE; fld <= KC_F_DST; fld++) {
        if (st[fld] != 0) {
            mask |= KC_M(fld);
        }
    }
    return mask;
}

/* GregorianCalendar.getFixedDate: the day the date fields name in one
 * calendar system. */
static int64_t kc_fields_fixed(const kc_jcal_t *c, bool julian, int64_t year,
                               unsigned mask)
{
    const int32_t *v = c->val;
    int64_t month = 0;
    int64_t fixed;

    if (mask & KC_M(KC_F_MONTH)) {
        month = v[KC_F_MONTH];
        if (month > 11) {
            year = kc_i32(year + month / 12);
            month %= 12;
        } else if (month < 0) {
            year = kc_i32(year + kc_fdiv(month, 12));
            month = kc_fmod(month, 12);
        }
    }
    fixed = kc_cal_fixed(julian, year, month + 1, 1);
    if (mask & KC_M(KC_F_MONTH)) {
        if (mask & KC_M(KC_F_DOM)) {
            if (c->stamp[KC_F_DOM] != 0) {
                fixed += (int64_t)v[KC_F_DOM] - 1;
            }
        } else if (mask & KC_M(KC_F_WOM)) {
            int64_t first = kc_dow_on_or_before(fixed + 6, 1);

            if (first - fixed >= 1) {
                first -= 7;
            }
            if (mask & KC_M(KC_F_DOW)) {
                first = kc_dow_on_or_before(first + 6, v[KC_F_DOW]);
            }
            /* 7 * (week - 1) is int arithmetic in Java: it wraps. */
            fixed = first + kc_i32(7 * ((int64_t)v[KC_F_WOM] - 1));
        } else {
            int64_t dow = (mask & KC_M(KC_F_DOW)) ? v[KC_F_DOW] : 1;
            int64_t dowim = (mask & KC_M(KC_F_DOWIM)) ? v[KC_F_DOWIM] : 1;

            if (dowim >= 0) {
                fixed = kc_dow_on_or_before(fixed + kc_i32(7 * dowim) - 1, dow);
            } else {
                int64_t last = kc_i32(kc_month_length((int)month, year) +
                                      kc_i32(7 * (dowim + 1)));

                fixed = kc_dow_on_or_before(fixed + last - 1, dow);
            }
        }
    } else if (mask & KC_M(KC_F_DOY)) {
        fixed += (int64_t)v[KC_F_DOY] - 1;
    } else {
        int64_t first = kc_dow_on_or_before(fixed + 6, 1);

        if (first - fixed >= 1) {
            first -= 7;
        }
        if ((mask & KC_M(KC_F_DOW)) && v[KC_F_DOW] != 1) {
            first = kc_dow_on_or_before(first + 6, v[KC_F_DOW]);
        }
        fixed = first + 7 * ((int64_t)v[KC_F_WOY] - 1);
    }
    return fixed;
}

/* GregorianCalendar.computeTime in UTC. False for an era other than
 * BC/AD (Java: "Invalid era"). */
static bool kc_compute_time(const kc_jcal_t *c, int64_t *ms)
{
    const int32_t *v = c->val;
    unsigned mask = kc_select_fields(c);
    int64_t year = c->stamp[KC_F_YEAR] != 0 ? v[KC_F_YEAR] : 1970;
    int32_t era = c->stamp[KC_F_ERA] != 0 ? v[KC_F_ERA] : 1;
    int64_t tod = 0;
    int64_t fixed;
    int64_t gfd;
    int64_t jfd;
    int64_t zone = 0;

    if (era == 0) {
        year = kc_i32(1 - year);
    } else if (era != 1) {
        return false;
    }
    if (mask & KC_M(KC_F_HOD)) {
        tod += v[KC_F_HOD];
    } else {
        tod += v[KC_F_HOUR];
        if (mask & KC_M(KC_F_AMPM)) {
            tod += kc_i32(12 * (int64_t)v[KC_F_AMPM]);
        }
    }
    tod =
        ((tod * 60 + v[KC_F_MINUTE]) * 60 + v[KC_F_SECOND]) * 1000 + v[KC_F_MS];
    fixed = tod / KC_MS_PER_DAY;
    tod %= KC_MS_PER_DAY;
    while (tod < 0) {
        tod += KC_MS_PER_DAY;
        --fixed;
    }
    if (year > KC_CUTOVER_YEAR) {
        gfd = fixed + kc_fields_fixed(c, false, year, mask);
        if (gfd >= KC_CUTOVER) {
            fixed = gfd;
            goto done;
        }
        jfd = fixed + kc_fields_fixed(c, true, year, mask);
    } else if (year < KC_CUTOVER_YEAR) {
        jfd = fixed + kc_fields_fixed(c, true, year, mask);
        if (jfd < KC_CUTOVER) {
            fixed = jfd;
            goto done;
        }
        gfd = jfd;
    } else {
        jfd = fixed + kc_fields_fixed(c, true, year, mask);
        gfd = fixed + kc_fields_fixed(c, false, year, mask);
    }
    if (mask & (KC_M(KC_F_DOY) | KC_M(KC_F_WOY))) {
        fixed = jfd;
    } else if (gfd >= KC_CUTOVER) {
        /* An overlapping date: Java takes the Gregorian one. */
        fixed = gfd;
    } else {
        /* Before the cutover, or lost in the ten missing days (lenient
         * Java takes the Julian reading). */
        fixed = jfd;
    }
done:
    if (mask & KC_M(KC_F_ZONE)) {
        zone += v[KC_F_ZONE];
    }
    if (mask & KC_M(KC_F_DST)) {
        zone += v[KC_F_DST];
    }
    /* Java's long arithmetic wraps for absurd years; so does this. */
    *ms =
        (int64_t)((uint64_t)(fixed - KC_EPOCH_FIXED) * (uint64_t)KC_MS_PER_DAY +
                  (uint64_t)tod - (uint64_t)zone);
    return true;
}

/* CalendarBuilder.establish followed by Calendar.getTime. */
static bool kc_establish(const kc_jcal_t *b, int64_t *ms)
{
    kc_jcal_t c = *b;
    int64_t woy;
    int64_t dow;
    int64_t t;
    int64_t y;
    int m;
    int d;
    kc_jcal_t gc = {.next = 1};
    bool bc;

    c.stamp[KC_F_WEEK_YEAR] = 0;
    if (b->stamp[KC_F_WEEK_YEAR] == 0 ||
        b->stamp[KC_F_WEEK_YEAR] <= b->stamp[KC_F_YEAR]) {
        return kc_compute_time(&c, ms);
    }
    /* A week date (Y): GregorianCalendar.setWeekDate. */
    woy = b->stamp[KC_F_WOY] != 0 ? b->val[KC_F_WOY] : 1;
    dow = b->stamp[KC_F_DOW] != 0 ? b->val[KC_F_DOW] : 1;
    if (dow < 1 || dow > 7) {
        if (dow >= 8) {
            dow--;
            woy = kc_i32(woy + dow / 7);
            dow = dow % 7 + 1;
        } else {
            /* Java adds a week at a time; the same in one step. */
            int64_t weeks = (7 - dow) / 7;

            dow += 7 * weeks;
            woy = kc_i32(woy - weeks);
        }
        /* Java reads the normalized value as an ISO day (1 Monday). */
        dow = dow == 7 ? 1 : dow + 1;
    }
    /* The era of the date the other fields describe. */
    if (!kc_compute_time(&c, &t)) {
        return false;
    }
    kc_date_of(kc_fdiv(t, KC_MS_PER_DAY) + KC_EPOCH_FIXED, &y, &m, &d);
    bc = y <= 0;
    kc_jcal_set(&gc, KC_F_ERA, bc ? 0 : 1);
    kc_jcal_set(&gc, KC_F_YEAR, b->val[KC_F_WEEK_YEAR]);
    kc_jcal_set(&gc, KC_F_WOY, 1);
    kc_jcal_set(&gc, KC_F_DOW, 1);
    if (!kc_compute_time(&gc, &t)) {
        return false;
    }
    /* Java adds (dow - Sunday) + 7 * (week - 1) days, in int. */
    t = kc_fdiv(t, KC_MS_PER_DAY) + KC_EPOCH_FIXED +
        kc_i32((dow - 1) + kc_i32(7 * (woy - 1)));
    kc_date_of(t, &y, &m, &d);
    kc_jcal_set(&c, KC_F_ERA, y > 0 ? 1 : 0);
    kc_jcal_set(&c, KC_F_YEAR, y > 0 ? y : 1 - y);
    kc_jcal_set(&c, KC_F_MONTH, m - 1);
    kc_jcal_set(&c, KC_F_DOM, d);
    return kc_compute_time(&c, ms);
}

/* ---- parsing --------------------------------------------------------- */

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
    t->n = kc_utf16_of(s, len, t->u);
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
        idx = kc_match_names(t, start, kc_eras, 2, true, &len);
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
        idx = kc_match_names(t, start, kc_months, 12, true, &len);
        if (idx < 0) {
            idx = kc_match_names(t, start, kc_months, 12, false, &len);
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
        idx = kc_match_names(t, start, kc_days, 7, true, &len);
        if (idx < 0) {
            idx = kc_match_names(t, start, kc_days, 7, false, &len);
        }
        if (idx < 0) {
            return 0;
        }
        kc_jcal_set(&p->cal, KC_F_DOW, idx + 1);
        return start + len;
    case 'a':
        idx = kc_match_names(t, start, kc_ampm, 2, true, &len);
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

/* The year of now minus 80 years, and that instant (UTC). */
static int64_t kc_century_start(int64_t now_ms, int32_t *year)
{
    kc_jfields_t f;
    int64_t y;
    int d;

    kc_fields_of(now_ms, &f);
    y = f.year - 80;
    d = f.dom;
    if (d > kc_month_length(f.month - 1, y)) {
        d = kc_month_length(f.month - 1, y);
    }
    *year = (int32_t)y;
    return (kc_greg_fixed(y, f.month, d) - KC_EPOCH_FIXED) * KC_MS_PER_DAY +
           f.tod;
}

kc_err_t kc_java_date_pattern_parse(const kc_java_date_pattern_t *pat,
                                    const char *text, int64_t now_ms,
                                    int64_t *ms, kc_error_t *err)
{
    kc_jparse_t p = {.cal = {.next = 1}};
    int64_t century;
    size_t at = 0;
    bool ok = true;

    century = kc_century_start(now_ms, &p.century_year);
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
        ok = kc_establish(&p.cal, ms);
        if (ok && p.ambiguous && *ms < century) {
            if (p.cal.stamp[KC_F_YEAR] != 0) {
                p.cal.val[KC_F_YEAR] =
                    kc_i32((int64_t)p.cal.val[KC_F_YEAR] + 100);
            }
            if (p.cal.stamp[KC_F_WEEK_YEAR] != 0) {
                p.cal.val[KC_F_WEEK_YEAR] =
                    kc_i32((int64_t)p.cal.val[KC_F_WEEK_YEAR] + 100);
            }
            ok = kc_establish(&p.cal, ms);
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
    kc_jpat_t pat;
    kc_err_t rc;

    if (kc_jpat_compile(pattern, &pat, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    rc = kc_java_date_pattern_parse(&pat, text, now_ms, ms, err);
    kc_jpat_release(&pat);
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
