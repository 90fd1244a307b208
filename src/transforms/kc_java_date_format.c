/*
 * SimpleDateFormat (UTC) formatting and lenient parsing.
 */
#include "kc_internal.h"

#include <time.h>

#include "transforms/kc_java_date_format.h"
#include "util/kc_str.h"

#define KC_MS_PER_DAY 86400000LL

static const char *const kc_months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const kc_days[] = {"Sunday",    "Monday",   "Tuesday",
                                      "Wednesday", "Thursday", "Friday",
                                      "Saturday"};

static bool kc_is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool kc_known_letter(char c)
{
    return strchr("yMdDHkKhmsSaEzZX", c) != NULL;
}

/*
 * Walk @p pattern: call @p lit for literal text and @p field for each run
 * of a pattern letter. Returns the first error of a callback.
 */
typedef kc_err_t (*kc_lit_fn)(void *arg, const char *s, size_t n);
typedef kc_err_t (*kc_field_fn)(void *arg, char letter, int count,
                                bool abutting);

static kc_err_t kc_walk(const char *pattern, kc_lit_fn lit, kc_field_fn field,
                        void *arg, kc_error_t *err)
{
    for (const char *p = pattern; *p != '\0';) {
        kc_err_t rc;

        if (*p == '\'') {
            p++;
            if (*p == '\'') {
                rc = lit(arg, "'", 1);
                p++;
            } else {
                rc = KC_OK;
                while (*p != '\0' && rc == KC_OK) {
                    if (*p == '\'' && p[1] == '\'') {
                        rc = lit(arg, "'", 1);
                        p += 2;
                    } else if (*p == '\'') {
                        p++;
                        break;
                    } else {
                        rc = lit(arg, p, 1);
                        p++;
                    }
                }
            }
        } else if (kc_is_letter(*p)) {
            char c = *p;
            int n = 0;

            if (!kc_known_letter(c)) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Illegal pattern character '%c'", c);
            }
            while (*p == c) {
                n++;
                p++;
            }
            rc = field(arg, c, n, kc_is_letter(*p));
        } else {
            rc = lit(arg, p, 1);
            p++;
        }
        if (rc != KC_OK) {
            return kc_error_set(err, rc, "could not parse date text");
        }
    }
    return KC_OK;
}

static kc_err_t kc_nop_lit(void *arg, const char *s, size_t n)
{
    KC_UNUSED(arg);
    KC_UNUSED(s);
    KC_UNUSED(n);
    return KC_OK;
}

static kc_err_t kc_nop_field(void *arg, char c, int n, bool abutting)
{
    KC_UNUSED(arg);
    KC_UNUSED(c);
    KC_UNUSED(n);
    KC_UNUSED(abutting);
    return KC_OK;
}

kc_err_t kc_java_date_check(const char *pattern, kc_error_t *err)
{
    return kc_walk(pattern, kc_nop_lit, kc_nop_field, NULL, err);
}

/* ---- formatting ------------------------------------------------------ */

typedef struct kc_fmt {
    kc_buf_t *out;
    struct tm tm;
    int millis;
} kc_fmt_t;

static kc_err_t kc_fmt_lit(void *arg, const char *s, size_t n)
{
    kc_fmt_t *f = arg;

    return kc_buf_append(f->out, s, n);
}

static kc_err_t kc_fmt_field(void *arg, char c, int n, bool abutting)
{
    kc_fmt_t *f = arg;
    const struct tm *tm = &f->tm;
    long v;

    KC_UNUSED(abutting);
    switch (c) {
    case 'y':
        v = tm->tm_year + 1900L;
        if (n == 2) {
            v %= 100;
        }
        break;
    case 'M':
        if (n >= 3) {
            return kc_buf_printf(f->out, "%.*s", n == 3 ? 3 : 16,
                                 kc_months[tm->tm_mon]);
        }
        v = tm->tm_mon + 1;
        break;
    case 'd':
        v = tm->tm_mday;
        break;
    case 'D':
        v = tm->tm_yday + 1;
        break;
    case 'H':
        v = tm->tm_hour;
        break;
    case 'k':
        v = tm->tm_hour == 0 ? 24 : tm->tm_hour;
        break;
    case 'K':
        v = tm->tm_hour % 12;
        break;
    case 'h':
        v = tm->tm_hour % 12 == 0 ? 12 : tm->tm_hour % 12;
        break;
    case 'm':
        v = tm->tm_min;
        break;
    case 's':
        v = tm->tm_sec;
        break;
    case 'S':
        v = f->millis;
        break;
    case 'a':
        return kc_buf_puts(f->out, tm->tm_hour < 12 ? "AM" : "PM");
    case 'z': /* the zone is always UTC */
        return kc_buf_puts(f->out,
                           n >= 4 ? "Coordinated Universal Time" : "UTC");
    case 'Z':
        return kc_buf_puts(f->out, "+0000");
    case 'X':
        return kc_buf_puts(f->out, "Z");
    default: /* 'E' */
        return kc_buf_printf(f->out, "%.*s", n <= 3 ? 3 : 16,
                             kc_days[tm->tm_wday]);
    }
    return kc_buf_printf(f->out, "%0*ld", n, v);
}

void kc_java_date_format(const char *pattern, int64_t ms, kc_buf_t *out)
{
    int64_t day = ms >= 0 ? ms / KC_MS_PER_DAY
                          : -((-ms + KC_MS_PER_DAY - 1) / KC_MS_PER_DAY);
    int64_t rest = ms - day * KC_MS_PER_DAY;
    time_t tt = (time_t)(day * 86400 + rest / 1000);
    kc_fmt_t f = {.out = out, .millis = (int)(rest % 1000)};

    gmtime_r(&tt, &f.tm);
    kc_walk(pattern, kc_fmt_lit, kc_fmt_field, &f, NULL);
}

/* ---- parsing --------------------------------------------------------- */

typedef struct kc_parse {
    const char *s;
    int64_t year, month, day, hour, minute, second, millis;
    int64_t doy;       /* day of year, 0 when absent */
    int64_t offset_ms; /* zone offset east of UTC */
    bool pm, has_ampm, hour12;
} kc_parse_t;

/* "+hh", "+hhmm" or "+hh:mm" (or '-'); returns false if not one. */
static bool kc_parse_offset(kc_parse_t *p)
{
    const char *s = p->s;
    int sign;
    int h;
    int m = 0;

    if (*s != '+' && *s != '-') {
        return false;
    }
    sign = *s == '-' ? -1 : 1;
    s++;
    if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9')) {
        return false;
    }
    h = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    if (*s == ':') {
        s++;
    }
    if (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9') {
        m = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
    }
    p->offset_ms = sign * ((int64_t)h * 3600000 + (int64_t)m * 60000);
    p->s = s;
    return true;
}

/* A zone: "Z", "UTC"/"GMT" (optionally followed by an offset), an offset. */
static kc_err_t kc_parse_zone(kc_parse_t *p, char c)
{
    if (c == 'X' && *p->s == 'Z') {
        p->s++;
        return KC_OK;
    }
    if (c != 'X' &&
        (strncmp(p->s, "UTC", 3) == 0 || strncmp(p->s, "GMT", 3) == 0)) {
        p->s += 3;
        kc_parse_offset(p);
        return KC_OK;
    }
    return kc_parse_offset(p) ? KC_OK : KC_ERR_INVALID;
}

static kc_err_t kc_parse_lit(void *arg, const char *s, size_t n)
{
    kc_parse_t *p = arg;

    if (strncmp(p->s, s, n) != 0) {
        return KC_ERR_INVALID;
    }
    p->s += n;
    return KC_OK;
}

/* A name from @p names (full, or its first 3 letters), ignoring case. */
static int kc_parse_name(kc_parse_t *p, const char *const *names, int count)
{
    for (int i = 0; i < count; i++) {
        size_t full = strlen(names[i]);

        if (strncasecmp(p->s, names[i], full) == 0) {
            p->s += full;
            return i;
        }
    }
    for (int i = 0; i < count; i++) {
        if (strncasecmp(p->s, names[i], 3) == 0) {
            p->s += 3;
            return i;
        }
    }
    return -1;
}

static kc_err_t kc_parse_field(void *arg, char c, int n, bool abutting)
{
    kc_parse_t *p = arg;
    int64_t v = 0;
    int digits = 0;
    bool neg = false;

    if (c == 'a') {
        if (strncasecmp(p->s, "AM", 2) == 0 ||
            strncasecmp(p->s, "PM", 2) == 0) {
            p->pm = p->s[0] == 'P' || p->s[0] == 'p';
            p->has_ampm = true;
            p->s += 2;
            return KC_OK;
        }
        return KC_ERR_INVALID;
    }
    if (c == 'z' || c == 'Z' || c == 'X') {
        return kc_parse_zone(p, c);
    }
    if (c == 'E') {
        return kc_parse_name(p, kc_days, 7) >= 0 ? KC_OK : KC_ERR_INVALID;
    }
    if (c == 'M' && n >= 3) {
        int m = kc_parse_name(p, kc_months, 12);

        if (m < 0) {
            return KC_ERR_INVALID;
        }
        p->month = m + 1;
        return KC_OK;
    }
    if (*p->s == '-' && !abutting) {
        neg = true;
        p->s++;
    }
    while (*p->s >= '0' && *p->s <= '9' && (!abutting || digits < n) &&
           digits < 18) {
        v = v * 10 + (*p->s - '0');
        p->s++;
        digits++;
    }
    if (digits == 0) {
        return KC_ERR_INVALID;
    }
    v = neg ? -v : v;
    switch (c) {
    case 'y':
        /* Java: a 2-digit "yy" year is within 80 years before / 20 after
         * now; keep it simple and anchor at 2000. */
        p->year = (n <= 2 && digits == 2 && !neg) ? 2000 + v : v;
        break;
    case 'M':
        p->month = v;
        break;
    case 'd':
        p->day = v;
        break;
    case 'D':
        p->doy = v;
        break;
    case 'H':
        p->hour = v;
        break;
    case 'k':
        p->hour = v == 24 ? 0 : v;
        break;
    case 'K':
    case 'h':
        p->hour = v % 12;
        p->hour12 = true;
        break;
    case 'm':
        p->minute = v;
        break;
    case 's':
        p->second = v;
        break;
    default: /* 'S' */
        p->millis = v;
        break;
    }
    return KC_OK;
}

/* Days since the epoch of a proleptic Gregorian date (month 1..12). */
static int64_t kc_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

kc_err_t kc_java_date_parse(const char *pattern, const char *text, int64_t *ms,
                            kc_error_t *err)
{
    kc_parse_t p = {.s = text, .year = 1970, .month = 1, .day = 1};
    int64_t m0;
    int64_t days;

    if (kc_walk(pattern, kc_parse_lit, kc_parse_field, &p, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (p.hour12 && p.has_ampm && p.pm) {
        p.hour += 12;
    }
    /* Lenient: months past 12 roll into later years, and so on. */
    m0 = p.month - 1;
    p.year += m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
    m0 -= (m0 >= 0 ? m0 / 12 : -((11 - m0) / 12)) * 12;
    if (p.doy > 0) {
        days = kc_days_from_civil(p.year, 1, 1) + p.doy - 1;
    } else {
        days = kc_days_from_civil(p.year, m0 + 1, 1) + p.day - 1;
    }
    *ms = days * KC_MS_PER_DAY + p.hour * 3600000LL + p.minute * 60000LL +
          p.second * 1000LL + p.millis - p.offset_ms;
    return KC_OK;
}
