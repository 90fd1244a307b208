/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers every dialect and both connectors share: identifier quoting,
 * table names, LIKE patterns and date/time text.
 */
#include "kc_internal.h"

#include <ctype.h>
#include <inttypes.h>

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"

void kc_jdbc_quote_ident(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                         const char *id)
{
    char q = conn->dialect->quote_char;

    if (!conn->quote) {
        kc_buf_puts(sql, id);
        return;
    }
    kc_buf_putc(sql, q);
    for (const char *p = id; *p != '\0'; p++) {
        if (*p == q) {
            kc_buf_putc(sql, q);
        }
        kc_buf_putc(sql, *p);
    }
    kc_buf_putc(sql, q);
}

void kc_jdbc_append_table(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                          const kc_jdbc_table_id_t *id)
{
    bool first = true;
    const char *parts[3] = {id->catalog, id->schema, id->table};

    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL || *parts[i] == '\0') {
            continue;
        }
        if (!first) {
            kc_buf_putc(sql, '.');
        }
        kc_jdbc_quote_ident(conn, sql, parts[i]);
        first = false;
    }
}

char *kc_jdbc_table_fqn(const kc_jdbc_table_id_t *id)
{
    kc_buf_t buf;
    const char *parts[3] = {id->catalog, id->schema, id->table};
    bool first = true;

    kc_buf_init(&buf, 0);
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL || *parts[i] == '\0') {
            continue;
        }
        if (!first) {
            kc_buf_putc(&buf, '.');
        }
        kc_buf_puts(&buf, parts[i]);
        first = false;
    }
    kc_buf_cstr(&buf);
    return kc_buf_detach(&buf, NULL);
}

void kc_jdbc_table_list_push(kc_jdbc_table_list_t *list, const char *catalog,
                             const char *schema, const char *table)
{
    kc_jdbc_table_id_t *id;

    if (list->count == list->cap) {
        list->cap = list->cap == 0 ? 16 : list->cap * 2;
        list->items = kc_realloc(list->items, list->cap * sizeof(*list->items));
    }
    id = &list->items[list->count++];
    id->catalog = catalog != NULL ? kc_strdup(catalog) : NULL;
    id->schema = schema != NULL ? kc_strdup(schema) : NULL;
    id->table = kc_strdup(table);
}

void kc_jdbc_table_id_release(kc_jdbc_table_id_t *id)
{
    kc_free(id->catalog);
    kc_free(id->schema);
    kc_free(id->table);
    memset(id, 0, sizeof(*id));
}

void kc_jdbc_table_list_release(kc_jdbc_table_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        kc_jdbc_table_id_release(&list->items[i]);
    }
    kc_free(list->items);
    memset(list, 0, sizeof(*list));
}

bool kc_jdbc_like(const char *pattern, const char *s)
{
    if (*pattern == '\0') {
        return *s == '\0';
    }
    if (*pattern == '%') {
        for (;; s++) {
            if (kc_jdbc_like(pattern + 1, s)) {
                return true;
            }
            if (*s == '\0') {
                return false;
            }
        }
    }
    if (*s == '\0') {
        return false;
    }
    if (*pattern == '_' || *pattern == *s) {
        return kc_jdbc_like(pattern + 1, s + 1);
    }
    return false;
}

/* Howard Hinnant's days_from_civil: exact for any proleptic Gregorian
 * date, no table and no time zone. */
int64_t kc_jdbc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe;
    unsigned doy;
    unsigned doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void kc_jdbc_civil_from_days(int64_t z, int64_t *y, unsigned *m,
                                    unsigned *d)
{
    int64_t era;
    unsigned doe;
    unsigned yoe;
    unsigned doy;
    unsigned mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    *y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y += *m <= 2;
}

/* java.util's hybrid calendar (GregorianCalendar, Date, java.sql.Date and
 * Timestamp) counts the days before 1582-10-15 in the Julian calendar; its
 * first Gregorian day is this many days from 1970-01-01. */
#define KC_JDBC_GREGORIAN_CUTOVER_DAYS (-141427)
/* Day 0 of the March-based Julian count below, 0000-03-01 (Julian),
 * relative to 1970-01-01 (Gregorian). */
#define KC_JDBC_JULIAN_EPOCH_SHIFT 719470

/* days_from_civil for the Julian calendar: a leap day every 4 years, so
 * the era is 4 years (1461 days) and the leap day ends each era. */
static int64_t kc_jdbc_julian_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe;
    unsigned doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 3) / 4;
    yoe = (unsigned)(y - era * 4);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 1461 + (int64_t)(yoe * 365 + doy) - KC_JDBC_JULIAN_EPOCH_SHIFT;
}

static void kc_jdbc_julian_civil_from_days(int64_t z, int64_t *y, unsigned *m,
                                           unsigned *d)
{
    int64_t era;
    unsigned doe;
    unsigned yoe;
    unsigned doy;
    unsigned mp;

    z += KC_JDBC_JULIAN_EPOCH_SHIFT;
    era = (z >= 0 ? z : z - 1460) / 1461;
    doe = (unsigned)(z - era * 1461);
    yoe = (doe - doe / 1460) / 365;
    *y = (int64_t)yoe + era * 4;
    doy = doe - 365 * yoe;
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y += *m <= 2;
}

int64_t kc_jdbc_days_to_legacy(int64_t days)
{
    int64_t y;
    unsigned m;
    unsigned d;

    if (days >= KC_JDBC_GREGORIAN_CUTOVER_DAYS) {
        return days;
    }
    kc_jdbc_civil_from_days(days, &y, &m, &d);
    return kc_jdbc_julian_days_from_civil(y, m, d);
}

int64_t kc_jdbc_days_from_legacy(int64_t days)
{
    int64_t y;
    unsigned m;
    unsigned d;

    if (days >= KC_JDBC_GREGORIAN_CUTOVER_DAYS) {
        return days;
    }
    kc_jdbc_julian_civil_from_days(days, &y, &m, &d);
    return kc_jdbc_days_from_civil(y, m, d);
}

int64_t kc_jdbc_floor_days(int64_t sec)
{
    return sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
}

void kc_jdbc_ts_to_legacy(kc_jdbc_ts_t *ts, const kc_jdbc_tz_t *tz)
{
    int64_t days = kc_jdbc_floor_days(ts->sec + kc_jdbc_tz_offset(tz, ts->sec));

    ts->sec += (kc_jdbc_days_to_legacy(days) - days) * 86400;
}

int64_t kc_jdbc_wall_from_legacy(int64_t wall_sec)
{
    int64_t days = kc_jdbc_floor_days(wall_sec);

    return wall_sec + (kc_jdbc_days_from_legacy(days) - days) * 86400;
}

void kc_jdbc_ts_format(kc_jdbc_ts_t ts, char *out, size_t size)
{
    int64_t days = kc_jdbc_floor_days(ts.sec);
    int64_t secs = ts.sec - days * 86400;
    int64_t y;
    unsigned m;
    unsigned d;

    kc_jdbc_civil_from_days(days, &y, &m, &d);
    snprintf(out, size, "%04" PRId64 "-%02u-%02u %02d:%02d:%02d.%09d", y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
             (int)ts.nsec);
}

/* Read exactly @p n digits at *p into *out. */
static bool kc_jdbc_digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (*p >= end || !isdigit((unsigned char)**p)) {
            return false;
        }
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

kc_err_t kc_jdbc_ts_parse(const char *text, size_t len, bool time_only,
                          kc_jdbc_ts_t *ts)
{
    return kc_jdbc_ts_parse_tz(text, len, time_only, NULL, ts);
}

/* As kc_jdbc_ts_parse_tz; *zoned: the text carried its own UTC offset. */
static kc_err_t kc_jdbc_ts_parse_zoned(const char *text, size_t len,
                                       bool time_only, const kc_jdbc_tz_t *tz,
                                       kc_jdbc_ts_t *ts, bool *zoned)
{
    bool has_offset = false;
    const char *p = text;
    const char *end = text + len;
    int64_t days = 0;
    int hh = 0;
    int mi = 0;
    int ss = 0;
    int32_t nsec = 0;
    int64_t offset = 0;
    bool all_digits = len > 0;
    int64_t year = 0;
    unsigned month = 1;
    unsigned day = 1;

    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]) && !(i == 0 && text[0] == '-')) {
            all_digits = false;
            break; /* a formatted timestamp: known at its 5th byte */
        }
    }
    if (all_digits && !time_only && len > 8) {
        /* sqlite-jdbc's default date storage: epoch milliseconds. */
        int64_t ms = strtoll(text, NULL, 10);

        ts->sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        ts->nsec = (int32_t)((ms - ts->sec * 1000) * 1000000);
        return KC_OK;
    }
    if (!time_only) {
        int y;
        int m;
        int d;
        bool neg = false;

        if (p < end && *p == '-') {
            neg = true;
            p++;
        }
        if (!kc_jdbc_digits(&p, end, 4, &y) || p >= end || *p++ != '-' ||
            !kc_jdbc_digits(&p, end, 2, &m) || p >= end || *p++ != '-' ||
            !kc_jdbc_digits(&p, end, 2, &d) || m < 1 || m > 12 || d < 1 ||
            d > 31) {
            return KC_ERR_INVALID;
        }
        year = neg ? -y : y;
        month = (unsigned)m;
        day = (unsigned)d;
        days = kc_jdbc_days_from_civil(year, month, day);
        if (end - p == 3 && memcmp(p, " BC", 3) == 0) {
            goto zone;
        }
        if (p < end && (*p == ' ' || *p == 'T')) {
            p++;
        } else {
            goto zone;
        }
    }
    if (!kc_jdbc_digits(&p, end, 2, &hh) || p >= end || *p++ != ':' ||
        !kc_jdbc_digits(&p, end, 2, &mi)) {
        return KC_ERR_INVALID;
    }
    if (p < end && *p == ':') {
        p++;
        if (!kc_jdbc_digits(&p, end, 2, &ss)) {
            return KC_ERR_INVALID;
        }
    }
    if (p < end && *p == '.') {
        int n = 0;

        p++;
        while (p < end && isdigit((unsigned char)*p)) {
            if (n < 9) {
                nsec = nsec * 10 + (*p - '0');
                n++;
            }
            p++;
        }
        for (; n < 9; n++) {
            nsec *= 10;
        }
    }
zone:
    if (p < end && *p == 'Z') {
        p++;
        has_offset = true;
    } else if (p < end && (*p == '+' || *p == '-')) {
        has_offset = true;
        int sign = *p == '-' ? -1 : 1;
        int oh = 0;
        int om = 0;
        int os = 0;

        p++;
        if (!kc_jdbc_digits(&p, end, 2, &oh)) {
            return KC_ERR_INVALID;
        }
        if (p < end && *p == ':') {
            p++;
        }
        if (p < end && isdigit((unsigned char)*p)) {
            kc_jdbc_digits(&p, end, 2, &om);
            if (p < end && *p == ':') {
                p++;
                kc_jdbc_digits(&p, end, 2, &os);
            }
        }
        offset = sign * (oh * 3600 + om * 60 + os);
    }
    if (!time_only && end - p == 3 && memcmp(p, " BC", 3) == 0) {
        /* PostgreSQL's era suffix: year N BC is the proleptic year 1 - N */
        days = kc_jdbc_days_from_civil(1 - year, month, day);
        p = end;
    }
    if (p != end || hh > 24 || mi > 59 || ss > 60) {
        return KC_ERR_INVALID;
    }
    ts->sec = days * 86400 + hh * 3600 + mi * 60 + ss - offset;
    ts->nsec = nsec;
    if (!has_offset && tz != NULL) {
        ts->sec = kc_jdbc_tz_to_utc(tz, ts->sec);
    }
    *zoned = has_offset;
    return KC_OK;
}

kc_err_t kc_jdbc_ts_parse_tz(const char *text, size_t len, bool time_only,
                             const kc_jdbc_tz_t *tz, kc_jdbc_ts_t *ts)
{
    bool zoned;

    return kc_jdbc_ts_parse_zoned(text, len, time_only, tz, ts, &zoned);
}

kc_err_t kc_jdbc_ts_read(const char *text, size_t len, const kc_jdbc_tz_t *tz,
                         bool legacy, kc_jdbc_ts_t *ts)
{
    bool zoned = false;
    kc_err_t rc = kc_jdbc_ts_parse_zoned(text, len, false, tz, ts, &zoned);

    if (rc == KC_OK && legacy) {
        /*
         * A value with its own offset (PostgreSQL's TIMESTAMPTZ) is built by
         * pgjdbc in the session's zone, which pgjdbc sets from the JVM's
         * default zone and db.timezone does not change: its hybrid-calendar
         * day is the one in that zone, UTC for a worker in UTC (as
         * Confluent's images run), whatever db.timezone says.
         */
        kc_jdbc_ts_to_legacy(ts, zoned ? NULL : tz);
    }
    return rc;
}

void kc_jdbc_param_double_text(const kc_jdbc_param_t *p, char *out, size_t size)
{
    snprintf(out, size, p->i == 32 ? "%.9g" : "%.17g", p->f);
}
