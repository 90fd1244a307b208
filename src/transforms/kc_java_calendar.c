/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java's hybrid GregorianCalendar in UTC, for kc_java_date_format.c and
 * kc_java_date_parse.c: Julian before 1582-10-15, Gregorian from then on,
 * weeks starting on Sunday with one minimal day in the first week. Days
 * are counted as Java counts them, "fixed dates" (day 1 is 0001-01-01
 * proleptic Gregorian), so the formulas map one to one onto the JDK's.
 */
#include "kc_internal.h"

#include "transforms/kc_java_calendar.h"

#define KC_EPOCH_FIXED  719163 /* 1970-01-01 */
#define KC_CUTOVER      577736 /* 1582-10-15, the first Gregorian day */
#define KC_CUTOVER_YEAR 1582

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

void kc_jcal_fields_of(int64_t ms, kc_jfields_t *f)
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

/* ---- Calendar fields and their resolution (parsing) ------------------ */

#define KC_M(f) (1u << (f))

void kc_jcal_set(kc_jcal_t *c, int field, int64_t v)
{
    c->val[field] = kc_jcal_i32(v);
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
            year = kc_jcal_i32(year + month / 12);
            month %= 12;
        } else if (month < 0) {
            year = kc_jcal_i32(year + kc_fdiv(month, 12));
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
            fixed = first + kc_jcal_i32(7 * ((int64_t)v[KC_F_WOM] - 1));
        } else {
            int64_t dow = (mask & KC_M(KC_F_DOW)) ? v[KC_F_DOW] : 1;
            int64_t dowim = (mask & KC_M(KC_F_DOWIM)) ? v[KC_F_DOWIM] : 1;

            if (dowim >= 0) {
                fixed = kc_dow_on_or_before(fixed + kc_jcal_i32(7 * dowim) - 1,
                                            dow);
            } else {
                int64_t last = kc_jcal_i32(kc_month_length((int)month, year) +
                                           kc_jcal_i32(7 * (dowim + 1)));

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
        year = kc_jcal_i32(1 - year);
    } else if (era != 1) {
        return false;
    }
    if (mask & KC_M(KC_F_HOD)) {
        tod += v[KC_F_HOD];
    } else {
        tod += v[KC_F_HOUR];
        if (mask & KC_M(KC_F_AMPM)) {
            tod += kc_jcal_i32(12 * (int64_t)v[KC_F_AMPM]);
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
bool kc_jcal_establish(const kc_jcal_t *b, int64_t *ms)
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
            woy = kc_jcal_i32(woy + dow / 7);
            dow = dow % 7 + 1;
        } else {
            /* Java adds a week at a time; the same in one step. */
            int64_t weeks = (7 - dow) / 7;

            dow += 7 * weeks;
            woy = kc_jcal_i32(woy - weeks);
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
        kc_jcal_i32((dow - 1) + kc_jcal_i32(7 * (woy - 1)));
    kc_date_of(t, &y, &m, &d);
    kc_jcal_set(&c, KC_F_ERA, y > 0 ? 1 : 0);
    kc_jcal_set(&c, KC_F_YEAR, y > 0 ? y : 1 - y);
    kc_jcal_set(&c, KC_F_MONTH, m - 1);
    kc_jcal_set(&c, KC_F_DOM, d);
    return kc_compute_time(&c, ms);
}

/* The year of now minus 80 years, and that instant (UTC). */
int64_t kc_jcal_century_start(int64_t now_ms, int32_t *year)
{
    kc_jfields_t f;
    int64_t y;
    int d;

    kc_jcal_fields_of(now_ms, &f);
    y = f.year - 80;
    d = f.dom;
    if (d > kc_month_length(f.month - 1, y)) {
        d = kc_month_length(f.month - 1, y);
    }
    *year = (int32_t)y;
    return (kc_greg_fixed(y, f.month, d) - KC_EPOCH_FIXED) * KC_MS_PER_DAY +
           f.tod;
}
