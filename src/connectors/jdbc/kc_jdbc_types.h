/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQL columns to Connect schemas and values, once for every dialect, as
 * Confluent's GenericDatabaseDialect maps JDBC types (numeric.mapping,
 * Decimal, Date/Time/Timestamp, bytes).
 */
#ifndef KC_CONNECTORS_JDBC_KC_JDBC_TYPES_H
#define KC_CONNECTORS_JDBC_KC_JDBC_TYPES_H

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"

typedef enum kc_jdbc_numeric_mapping {
    KC_JDBC_NUMERIC_NONE = 0,
    KC_JDBC_NUMERIC_PRECISION_ONLY,
    KC_JDBC_NUMERIC_BEST_FIT,
    KC_JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE
} kc_jdbc_numeric_mapping_t;

/* timestamp.granularity: how TIMESTAMP columns appear in records. */
typedef enum kc_jdbc_ts_granularity {
    KC_JDBC_TS_CONNECT_LOGICAL = 0,
    KC_JDBC_TS_NANOS_LONG,
    KC_JDBC_TS_NANOS_STRING,
    KC_JDBC_TS_NANOS_ISO,
    KC_JDBC_TS_MICROS_LONG,
    KC_JDBC_TS_MICROS_STRING,
    KC_JDBC_TS_MICROS_ISO
} kc_jdbc_ts_granularity_t;

/** @brief The granularity named @p name (ignoring case); 0 if unknown. */
kc_jdbc_ts_granularity_t kc_jdbc_ts_granularity(const char *name);

/* How one result column becomes one struct field. */
typedef struct kc_jdbc_field_map {
    size_t col; /* result column */
    kc_type_t type;
    kc_logical_t logical;
    int32_t scale;               /* Decimal */
    int32_t precision;           /* Decimal: the column's, as a parameter */
    kc_jdbc_ts_granularity_t ts; /* a TIMESTAMP column not as Timestamp */
} kc_jdbc_field_map_t;

/* The value schema of a result set and how to fill it. */
typedef struct kc_jdbc_row_schema {
    kc_schema_t *schema; /* a STRUCT; one reference owned */
    kc_jdbc_field_map_t *fields;
    size_t nfields;
    const kc_jdbc_tz_t *tz; /* db.timezone (borrowed), NULL: UTC */
    bool legacy_calendar;   /* date.calendar.system=LEGACY */
} kc_jdbc_row_schema_t;

/**
 * @brief Build the struct schema (named @p name, NULL: unnamed) of @p rs's
 * columns; a column of a type Confluent skips is left out, with a warning
 * unless @p quiet (the same statement ran before).
 */
void kc_jdbc_row_schema_build(const kc_jdbc_rs_t *rs,
                              kc_jdbc_numeric_mapping_t mapping,
                              kc_jdbc_ts_granularity_t granularity,
                              const char *name, bool quiet,
                              kc_jdbc_row_schema_t *out);
void kc_jdbc_row_schema_release(kc_jdbc_row_schema_t *rsch);

/**
 * @brief The current row of @p rs as a struct value in @p arena. A value
 * the column's type cannot hold is an error naming the column.
 */
kc_err_t kc_jdbc_row_value(const kc_jdbc_row_schema_t *rsch, kc_jdbc_rs_t *rs,
                           kc_arena_t *arena, kc_value_t *value,
                           kc_error_t *err);

/**
 * @brief A column's text that is a plain decimal integer ("-?[0-9]{1,18}",
 * the whole text) into *@p out, as strtoll reads it; false for anything
 * else, which callers then read the general way. Every integer column of
 * every row comes through here, and strtoll's locale handling cost more
 * than the rest of the column.
 */
static inline bool kc_jdbc_plain_int(const char *s, size_t len, int64_t *out)
{
    size_t i = len > 0 && s[0] == '-' ? 1 : 0;
    uint64_t v = 0;

    if (len <= i || len - i > 18) {
        return false;
    }
    for (size_t j = i; j < len; j++) {
        unsigned d = (unsigned)(unsigned char)s[j] - '0';

        if (d > 9) {
            return false;
        }
        v = v * 10 + d;
    }
    /* 18 digits stay below 2^63: no overflow either way */
    *out = i == 1 ? -(int64_t)v : (int64_t)v;
    return true;
}

#endif /* KC_CONNECTORS_JDBC_KC_JDBC_TYPES_H */
