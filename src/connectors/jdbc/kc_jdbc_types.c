/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The type mapping of Confluent's generic dialect, for the columns the
 * dialects describe in JDBC's terms. Values arrive as text (bytes for
 * binary columns) and are converted here without a per-value malloc: all
 * memory comes from the batch arena.
 */
#include "kc_internal.h"

#include <ctype.h>
#include <inttypes.h>

#include "connectors/jdbc/kc_jdbc_types.h"
#include "util/kc_str.h"

#define KC_JDBC_SOURCE_LOGGER "io.confluent.connect.jdbc.source.JdbcSourceTask"
#define KC_JDBC_SCALE_HIGH    127
#define KC_JDBC_SCALE_LOW     (-84)

/* The integer type of a NUMERIC of @p precision digits. */
static kc_type_t kc_jdbc_int_for_precision(int precision)
{
    if (precision > 9) {
        return KC_TYPE_INT64;
    }
    if (precision > 4) {
        return KC_TYPE_INT32;
    }
    if (precision > 2) {
        return KC_TYPE_INT16;
    }
    return KC_TYPE_INT8;
}

/* Fill @p f for @p col; false when Confluent skips the type. */
static bool kc_jdbc_map_column(const kc_jdbc_column_t *col,
                               const struct kc_jdbc_dialect *dialect,
                               kc_jdbc_numeric_mapping_t mapping,
                               kc_jdbc_field_map_t *f)
{
    int p = col->precision;
    int s = col->scale;

    f->logical = KC_LOGICAL_NONE;
    f->scale = 0;
    switch (col->type) {
    case KC_JDBC_BOOLEAN:
        f->type = KC_TYPE_BOOLEAN;
        return true;
    case KC_JDBC_BIT:
        f->type = KC_TYPE_INT8;
        return true;
    case KC_JDBC_TINYINT:
        f->type = col->is_signed ? KC_TYPE_INT8 : KC_TYPE_INT16;
        return true;
    case KC_JDBC_SMALLINT:
        f->type = col->is_signed ? KC_TYPE_INT16 : KC_TYPE_INT32;
        return true;
    case KC_JDBC_INTEGER:
        f->type = col->is_signed ? KC_TYPE_INT32 : KC_TYPE_INT64;
        return true;
    case KC_JDBC_BIGINT:
        f->type = KC_TYPE_INT64;
        return true;
    case KC_JDBC_REAL:
        f->type = KC_TYPE_FLOAT32;
        return true;
    case KC_JDBC_FLOAT:
    case KC_JDBC_DOUBLE:
        f->type = KC_TYPE_FLOAT64;
        return true;
    case KC_JDBC_NUMERIC:
        if (mapping == KC_JDBC_NUMERIC_PRECISION_ONLY && s == 0 && p < 19) {
            f->type = kc_jdbc_int_for_precision(p);
            return true;
        }
        if (mapping == KC_JDBC_NUMERIC_BEST_FIT && p < 19) {
            if (s < 1 && s >= KC_JDBC_SCALE_LOW) {
                f->type = kc_jdbc_int_for_precision(p);
                return true;
            }
            if (s > 0) {
                f->type = KC_TYPE_FLOAT64;
                return true;
            }
        }
        if (mapping == KC_JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE) {
            if (p < 19 && s < 1 && s >= KC_JDBC_SCALE_LOW) {
                f->type = kc_jdbc_int_for_precision(p);
                return true;
            }
            if (s > 0) {
                f->type = KC_TYPE_FLOAT64;
                return true;
            }
        }
        /* a Decimal */
        /* fall through */
    case KC_JDBC_DECIMAL:
        f->type = KC_TYPE_BYTES;
        f->logical = KC_LOGICAL_DECIMAL;
        f->scale = s;
        f->precision = p;
        if (s == KC_JDBC_SCALE_UNSET ||
            (dialect->zero_numeric_is_unscaled && p == 0 && s == 0)) {
            f->scale = KC_JDBC_SCALE_HIGH;
        }
        return true;
    case KC_JDBC_CHAR:
    case KC_JDBC_VARCHAR:
    case KC_JDBC_LONGVARCHAR:
    case KC_JDBC_CLOB:
        f->type = KC_TYPE_STRING;
        return true;
    case KC_JDBC_BINARY:
    case KC_JDBC_VARBINARY:
    case KC_JDBC_LONGVARBINARY:
    case KC_JDBC_BLOB:
        f->type = KC_TYPE_BYTES;
        return true;
    case KC_JDBC_DATE:
        f->type = KC_TYPE_INT32;
        f->logical = KC_LOGICAL_DATE;
        return true;
    case KC_JDBC_TIME:
        f->type = KC_TYPE_INT32;
        f->logical = KC_LOGICAL_TIME;
        return true;
    case KC_JDBC_TIMESTAMP:
        f->type = KC_TYPE_INT64;
        f->logical = KC_LOGICAL_TIMESTAMP;
        return true;
    default:
        return false;
    }
}

kc_jdbc_ts_granularity_t kc_jdbc_ts_granularity(const char *name)
{
    static const char *const names[] = {"connect_logical",
                                        "nanos_long",
                                        "nanos_string",
                                        "nanos_iso_datetime_string",
                                        "micros_long",
                                        "micros_string",
                                        "micros_iso_datetime_string",
                                        NULL};

    for (size_t i = 0; name != NULL && names[i] != NULL; i++) {
        if (kc_str_eq_nocase(name, names[i])) {
            return (kc_jdbc_ts_granularity_t)i;
        }
    }
    return KC_JDBC_TS_CONNECT_LOGICAL;
}

void kc_jdbc_row_schema_build(const kc_jdbc_rs_t *rs,
                              kc_jdbc_numeric_mapping_t mapping,
                              kc_jdbc_ts_granularity_t granularity,
                              const char *name, bool quiet,
                              kc_jdbc_row_schema_t *out)
{
    kc_schema_t *st = kc_schema_new(KC_TYPE_STRUCT);

    if (name != NULL) {
        kc_schema_set_name(st, name);
    }
    out->fields = kc_calloc(rs->ncols + 1, sizeof(*out->fields));
    out->nfields = 0;
    for (size_t i = 0; i < rs->ncols; i++) {
        const kc_jdbc_column_t *col = &rs->cols[i];
        kc_jdbc_field_map_t *f = &out->fields[out->nfields];
        kc_schema_t *fs;
        bool optional = col->nullable != KC_JDBC_NO_NULLS;

        if (!kc_jdbc_map_column(col, rs->conn->dialect, mapping, f)) {
            if (quiet) {
                continue;
            }
            kc_log_warn(KC_JDBC_SOURCE_LOGGER,
                        "JDBC type %d not currently supported (column %s)",
                        col->type, col->name);
            continue;
        }
        switch (f->logical) {
        case KC_LOGICAL_DECIMAL: {
            char prec[16];

            /* Confluent names the column's precision beside the scale for
             * DECIMAL and for a NUMERIC that stays a Decimal. */
            fs = kc_schema_decimal_new(f->scale);
            snprintf(prec, sizeof(prec), "%d", (int)f->precision);
            kc_schema_set_param(fs, "connect.decimal.precision", prec);
            break;
        }
        case KC_LOGICAL_DATE:
            fs = kc_schema_date_new();
            break;
        case KC_LOGICAL_TIME:
            fs = kc_schema_time_new();
            break;
        case KC_LOGICAL_TIMESTAMP:
            if (granularity != KC_JDBC_TS_CONNECT_LOGICAL) {
                bool is_long = granularity == KC_JDBC_TS_NANOS_LONG ||
                               granularity == KC_JDBC_TS_MICROS_LONG;

                f->type = is_long ? KC_TYPE_INT64 : KC_TYPE_STRING;
                f->logical = KC_LOGICAL_NONE;
                fs = kc_schema_new(f->type);
                break;
            }
            fs = kc_schema_timestamp_new();
            break;
        default:
            fs = kc_schema_new(f->type);
            break;
        }
        kc_schema_set_optional(fs, optional);
        if (kc_schema_add_field_take(st, col->name, fs, NULL) != KC_OK) {
            /* two columns with one label: Connect refuses it too */
            kc_log_warn(KC_JDBC_SOURCE_LOGGER,
                        "column %s appears twice; the second is left out",
                        col->name);
            kc_schema_unref(fs);
            continue;
        }
        f->ts = col->type == KC_JDBC_TIMESTAMP ? granularity
                                               : KC_JDBC_TS_CONNECT_LOGICAL;
        f->col = i;
        out->nfields++;
    }
    out->schema = st;
}

void kc_jdbc_row_schema_release(kc_jdbc_row_schema_t *rsch)
{
    if (rsch->schema != NULL) {
        kc_schema_unref(rsch->schema);
    }
    kc_free(rsch->fields);
    memset(rsch, 0, sizeof(*rsch));
}

/* The integer part of a numeric text ("12", "-3.75" -> -3), as a JDBC
 * getLong of a NUMERIC truncates. */
static kc_err_t kc_jdbc_parse_int(const char *s, size_t len, int64_t *out)
{
    char tmp[64];
    char *end;
    size_t n = 0;

    if (kc_jdbc_plain_int(s, len, out)) {
        return KC_OK;
    }
    while (n < len && n < sizeof(tmp) - 1 && s[n] != '.' && s[n] != 'e' &&
           s[n] != 'E') {
        tmp[n] = s[n];
        n++;
    }
    if (n == len && len >= sizeof(tmp) - 1) {
        return KC_ERR_INVALID;
    }
    tmp[n] = '\0';
    if (n == 0) {
        return KC_ERR_INVALID;
    }
    if (strcmp(tmp, "t") == 0 || strcmp(tmp, "true") == 0) {
        *out = 1;
        return KC_OK;
    }
    if (strcmp(tmp, "f") == 0 || strcmp(tmp, "false") == 0) {
        *out = 0;
        return KC_OK;
    }
    errno = 0;
    *out = strtoll(tmp, &end, 10);
    if (errno != 0 || *end != '\0') {
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

static bool kc_jdbc_int_fits(kc_type_t type, int64_t v)
{
    switch (type) {
    case KC_TYPE_INT8:
        return v >= INT8_MIN && v <= INT8_MAX;
    case KC_TYPE_INT16:
        return v >= INT16_MIN && v <= INT16_MAX;
    case KC_TYPE_INT32:
        return v >= INT32_MIN && v <= INT32_MAX;
    default:
        return true;
    }
}

static kc_err_t kc_jdbc_bad_value(const kc_jdbc_rs_t *rs, size_t col,
                                  const char *data, size_t len,
                                  const char *what, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_INVALID,
                        "could not convert column \"%s\": \"%.*s\" is not "
                        "%s",
                        rs->cols[col].name, (int)(len > 64 ? 64 : len), data,
                        what);
}

/* A timestamp as Confluent's DateTimeUtils writes it for a granularity
 * (db.timezone is UTC). */
static void kc_jdbc_ts_granular(kc_jdbc_ts_granularity_t g, kc_jdbc_ts_t ts,
                                kc_arena_t *arena, kc_value_t *v)
{
    char text[64];

    switch (g) {
    case KC_JDBC_TS_NANOS_LONG:
        kc_value_set_int(v, KC_TYPE_INT64, ts.sec * 1000000000 + ts.nsec);
        return;
    case KC_JDBC_TS_MICROS_LONG:
        kc_value_set_int(v, KC_TYPE_INT64, ts.sec * 1000000 + ts.nsec / 1000);
        return;
    case KC_JDBC_TS_NANOS_STRING:
        snprintf(text, sizeof(text), "%" PRId64, ts.sec * 1000000000 + ts.nsec);
        break;
    case KC_JDBC_TS_MICROS_STRING:
        snprintf(text, sizeof(text), "%" PRId64,
                 ts.sec * 1000000 + ts.nsec / 1000);
        break;
    default:
        /* yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS (or 6 digits for micros) */
        kc_jdbc_ts_format(ts, text, sizeof(text));
        text[10] = 'T';
        if (g == KC_JDBC_TS_MICROS_ISO) {
            text[26] = '\0';
        }
        break;
    }
    kc_value_set_string(arena, v, text, strlen(text));
}

kc_err_t kc_jdbc_row_value(const kc_jdbc_row_schema_t *rsch, kc_jdbc_rs_t *rs,
                           kc_arena_t *arena, kc_value_t *value,
                           kc_error_t *err)
{
    const struct kc_jdbc_dialect *dialect = rs->conn->dialect;

    kc_value_set_struct(arena, value, rsch->schema);
    for (size_t i = 0; i < rsch->nfields; i++) {
        const kc_jdbc_field_map_t *f = &rsch->fields[i];
        kc_value_t *v = &value->u.st.fields[i];
        const char *data;
        size_t len;
        int64_t n;
        kc_jdbc_ts_t ts;

        dialect->get(rs, f->col, &data, &len);
        if (data == NULL) {
            kc_value_set_null(v);
            continue;
        }
        if (f->ts != KC_JDBC_TS_CONNECT_LOGICAL) {
            if (kc_jdbc_ts_read(data, len, rsch->tz, rsch->legacy_calendar,
                                &ts) != KC_OK) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a timestamp",
                                         err);
            }
            kc_jdbc_ts_granular(f->ts, ts, arena, v);
            continue;
        }
        switch (f->logical) {
        case KC_LOGICAL_DECIMAL: {
            const uint8_t *unscaled;
            size_t ulen;

            if (kc_decimal_from_string(arena, data, len, f->scale, &unscaled,
                                       &ulen, err) != KC_OK) {
                kc_error_prefix(err, "could not convert column \"%s\"",
                                rs->cols[f->col].name);
                return KC_ERR_INVALID;
            }
            v->type = KC_TYPE_BYTES;
            v->u.bytes.data = unscaled;
            v->u.bytes.len = ulen;
            continue;
        }
        case KC_LOGICAL_DATE:
            /* DATE is read in UTC whatever db.timezone says (#910). */
            if (kc_jdbc_ts_parse(data, len, false, &ts) != KC_OK) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a date", err);
            }
            n = kc_jdbc_floor_days(ts.sec);
            kc_value_set_int(v, KC_TYPE_INT32,
                             rsch->legacy_calendar ? kc_jdbc_days_to_legacy(n)
                                                   : n);
            continue;
        case KC_LOGICAL_TIME:
            /* TIME and TIMESTAMP are wall times in db.timezone */
            if (kc_jdbc_ts_parse_tz(data, len, true, rsch->tz, &ts) != KC_OK) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a time", err);
            }
            kc_value_set_int(v, KC_TYPE_INT32,
                             (((ts.sec % 86400) + 86400) % 86400) * 1000 +
                                 ts.nsec / 1000000);
            continue;
        case KC_LOGICAL_TIMESTAMP:
            if (kc_jdbc_ts_read(data, len, rsch->tz, rsch->legacy_calendar,
                                &ts) != KC_OK) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a timestamp",
                                         err);
            }
            kc_value_set_int(v, KC_TYPE_INT64,
                             ts.sec * 1000 + ts.nsec / 1000000);
            continue;
        default:
            break;
        }
        switch (f->type) {
        case KC_TYPE_BOOLEAN:
            if (len > 0 && (data[0] == 't' || data[0] == 'T' ||
                            data[0] == '1' || data[0] == 'y')) {
                kc_value_set_bool(v, true);
            } else if (len > 0 && (data[0] == 'f' || data[0] == 'F' ||
                                   data[0] == '0' || data[0] == 'n')) {
                kc_value_set_bool(v, false);
            } else {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a boolean",
                                         err);
            }
            break;
        case KC_TYPE_INT8:
        case KC_TYPE_INT16:
        case KC_TYPE_INT32:
        case KC_TYPE_INT64:
            if (kc_jdbc_parse_int(data, len, &n) != KC_OK ||
                !kc_jdbc_int_fits(f->type, n)) {
                return kc_jdbc_bad_value(rs, f->col, data, len,
                                         "an integer of the column's size",
                                         err);
            }
            kc_value_set_int(v, f->type, n);
            break;
        case KC_TYPE_FLOAT32:
        case KC_TYPE_FLOAT64: {
            char tmp[128];
            double d;

            if (len >= sizeof(tmp)) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a number",
                                         err);
            }
            memcpy(tmp, data, len);
            tmp[len] = '\0';
            if (kc_str_to_double(tmp, &d) != KC_OK) {
                return kc_jdbc_bad_value(rs, f->col, data, len, "a number",
                                         err);
            }
            kc_value_set_float(
                v, f->type, f->type == KC_TYPE_FLOAT32 ? (double)(float)d : d);
            break;
        }
        case KC_TYPE_STRING:
            kc_value_set_string(arena, v, data, len);
            break;
        case KC_TYPE_BYTES:
            kc_value_set_bytes(arena, v, (const uint8_t *)data, len);
            break;
        default:
            kc_value_set_null(v);
            break;
        }
    }
    return KC_OK;
}
