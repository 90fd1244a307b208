/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TimestampConverter$Key / $Value: convert a timestamp field (or the whole
 * key/value when `field` is empty) between a formatted string, Unix time
 * (`unix.precision`), and Connect's Date, Time and Timestamp types.
 * Schemaless results of type Date/Time/Timestamp are INT64 milliseconds
 * (what a java.util.Date holds).
 */
#include "kc_internal.h"

#include <time.h>

#include "transforms/kc_java_date_format.h"
#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

#define KC_PURPOSE "converting timestamp formats"

typedef enum kc_ts_kind {
    KC_TS_STRING,
    KC_TS_UNIX,
    KC_TS_DATE,
    KC_TS_TIME,
    KC_TS_TIMESTAMP
} kc_ts_kind_t;

typedef struct kc_timestamp_converter {
    kc_tx_side_t side;
    char *field; /* "" = the whole key/value */
    kc_ts_kind_t target;
    char *format;                    /* NULL when blank */
    kc_java_date_pattern_t *pattern; /* format compiled, NULL with it */
    int64_t unit;                    /* ms per unit (>0) or units per ms (<0) */
    bool with_default;
    kc_schema_t *whole[2]; /* target schema: [0] required, [1] optional */
    kc_tx_schema_cache_t cache;
} kc_timestamp_converter_t;

static const char *const kc_ts_types[] = {"string", "unix",      "Date",
                                          "Time",   "Timestamp", NULL};
static const char *const kc_ts_precisions[] = {"nanoseconds", "microseconds",
                                               "milliseconds", "seconds", NULL};

static const kc_config_def_t kc_timestamp_converter_defs[] = {
    {.name = "field",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The field containing the timestamp, or empty if the entire "
            "value is a timestamp"},
    {.name = "target.type",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The desired timestamp representation: string, unix, Date, Time, "
            "or Timestamp",
     .flags = KC_CFG_F_REQUIRED,
     .valid_values = kc_ts_types},
    {.name = "format",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "A SimpleDateFormat-compatible format for the timestamp. Used to "
            "generate the output when type=string or used to parse the input "
            "if the input is a string."},
    {.name = "unix.precision",
     .type = KC_CFG_STRING,
     .default_value = "milliseconds",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The desired Unix precision for the timestamp: seconds, "
            "milliseconds, microseconds, or nanoseconds. Used to generate the "
            "output when type=unix or used to parse the input if the input is "
            "a Long.Note: This SMT will cause precision loss during "
            "conversions from, and to, values with sub-millisecond "
            "components.",
     .valid_values = kc_ts_precisions},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_timestamp_converter_destroy(void *ctx)
{
    kc_timestamp_converter_t *t = ctx;

    if (t != NULL) {
        kc_tx_cache_release(&t->cache);
        kc_schema_unref(t->whole[0]);
        kc_schema_unref(t->whole[1]);
        kc_free(t->field);
        kc_free(t->format);
        kc_java_date_pattern_destroy(t->pattern);
        kc_free(t);
    }
}

/* Now, for SimpleDateFormat's two-digit-year window. */
static int64_t kc_ts_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool kc_blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    return *s == '\0';
}

static kc_schema_t *kc_ts_target_schema(int kind, bool optional);

static kc_err_t kc_timestamp_converter_configure(void **ctx,
                                                 const kc_props_t *props,
                                                 kc_tx_side_t side,
                                                 kc_error_t *err)
{
    kc_config_t *config = kc_tx_config(kc_timestamp_converter_defs, props, err);
    kc_timestamp_converter_t *t;
    const char *type;
    const char *format;
    const char *precision;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->field = kc_strdup(kc_config_string(config, "field"));
    type = kc_config_string(config, "target.type");
    for (size_t i = 0; kc_ts_types[i] != NULL; i++) {
        if (strcmp(type, kc_ts_types[i]) == 0) {
            t->target = (kc_ts_kind_t)i;
        }
    }
    format = kc_config_string(config, "format");
    precision = kc_config_string(config, "unix.precision");
    t->unit = strcmp(precision, "seconds") == 0        ? 1000
              : strcmp(precision, "microseconds") == 0 ? -1000
              : strcmp(precision, "nanoseconds") == 0  ? -1000000
                                                       : 1;
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    if (!kc_blank(format)) {
        t->format = kc_strdup(format);
    }
    kc_config_destroy(config);
    if (t->target == KC_TS_STRING && t->format == NULL) {
        kc_timestamp_converter_destroy(t);
        return kc_error_set(err, KC_ERR_INVALID,
                            "TimestampConverter requires format option to be "
                            "specified when using string timestamps");
    }
    if (t->format != NULL &&
        (t->pattern = kc_java_date_pattern_new(t->format, NULL)) == NULL) {
        kc_error_set(err, KC_ERR_INVALID,
                     "TimestampConverter requires a SimpleDateFormat-"
                     "compatible pattern for string timestamps: %s",
                     t->format);
        kc_timestamp_converter_destroy(t);
        return KC_ERR_INVALID;
    }
    t->whole[0] = kc_ts_target_schema(t->target, false);
    t->whole[1] = kc_ts_target_schema(t->target, true);
    *ctx = t;
    return KC_OK;
}

/* timestampTypeFromSchema */
static kc_err_t kc_ts_kind_of_schema(const kc_schema_t *schema,
                                     kc_ts_kind_t *kind, kc_error_t *err)
{
    switch (kc_schema_logical(schema)) {
    case KC_LOGICAL_TIMESTAMP:
        *kind = KC_TS_TIMESTAMP;
        return KC_OK;
    case KC_LOGICAL_DATE:
        *kind = KC_TS_DATE;
        return KC_OK;
    case KC_LOGICAL_TIME:
        *kind = KC_TS_TIME;
        return KC_OK;
    default:
        break;
    }
    if (kc_schema_type(schema) == KC_TYPE_STRING) {
        *kind = KC_TS_STRING;
        return KC_OK;
    }
    if (kc_schema_type(schema) == KC_TYPE_INT64) {
        *kind = KC_TS_UNIX;
        return KC_OK;
    }
    kc_error_set(err, KC_ERR_INVALID,
                 "Schema Schema{%s%s%s} does not correspond to a known "
                 "timestamp type format",
                 kc_schema_name(schema) ? kc_schema_name(schema) : "",
                 kc_schema_name(schema) ? ":" : "",
                 kc_type_name(kc_schema_type(schema)));
    /* Apache raises a ConnectException here, not a DataException. */
    kc_error_set_java_exception(err, "org.apache.kafka.connect.errors."
                                     "ConnectException");
    return KC_ERR_INVALID;
}

/* The schema of the target type (a new reference). */
static kc_schema_t *kc_ts_target_schema(int kind, bool optional)
{
    kc_schema_t *s;

    switch (kind) {
    case KC_TS_STRING:
        return kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, optional));
    case KC_TS_UNIX:
        return kc_schema_ref(kc_schema_primitive(KC_TYPE_INT64, optional));
    case KC_TS_DATE:
        s = kc_schema_date_new();
        break;
    case KC_TS_TIME:
        s = kc_schema_time_new();
        break;
    default:
        s = kc_schema_timestamp_new();
        break;
    }
    kc_schema_set_optional(s, optional);
    return s;
}

static int64_t kc_floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Java's saturating TimeUnit.MILLISECONDS.toMicros/toNanos. */
static int64_t kc_sat_mul(int64_t v, int64_t k)
{
    if (v > INT64_MAX / k) {
        return INT64_MAX;
    }
    if (v < INT64_MIN / k) {
        return INT64_MIN;
    }
    return v * k;
}

/*
 * convertTimestamp: @p v of kind @p from (schemaless when @p schemaless)
 * to the target kind.
 */
static kc_err_t kc_ts_convert(const kc_timestamp_converter_t *t,
                              const kc_value_t *v, kc_ts_kind_t from,
                              bool schemaless, kc_arena_t *arena,
                              kc_value_t *out, kc_error_t *err)
{
    int64_t ms;

    memset(out, 0, sizeof(*out));
    if (v->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    switch (from) {
    case KC_TS_STRING: {
        char *text;

        if (v->type != KC_TYPE_STRING) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Expected string timestamp to be a String, "
                                "but found class %s",
                                kc_tx_java_class(v));
        }
        text = kc_arena_strndup(arena, v->u.str.data, v->u.str.len);
        if (t->pattern == NULL ||
            kc_java_date_pattern_parse(t->pattern, text, kc_ts_now_ms(), &ms,
                                       NULL) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Could not parse timestamp: value (%s) does "
                                "not match pattern (%s)",
                                text, t->format != NULL ? t->format : "");
        }
        break;
    }
    case KC_TS_UNIX:
        if (v->type != KC_TYPE_INT64) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Expected Unix timestamp to be a Long, but "
                                "found class %s",
                                kc_tx_java_class(v));
        }
        /* TimeUnit.X.toMillis truncates toward zero. */
        ms = t->unit > 0 ? kc_sat_mul(v->u.i, t->unit) : v->u.i / -t->unit;
        break;
    case KC_TS_DATE:
        ms = schemaless ? v->u.i : v->u.i * KC_MS_PER_DAY;
        break;
    default: /* Time and Timestamp hold milliseconds */
        ms = v->u.i;
        break;
    }
    switch (t->target) {
    case KC_TS_STRING: {
        kc_buf_t b;

        kc_buf_init(&b, 0);
        kc_java_date_pattern_format(t->pattern, ms, &b);
        kc_value_set_string(arena, out, kc_buf_cstr(&b), b.len);
        kc_buf_release(&b);
        break;
    }
    case KC_TS_UNIX:
        kc_value_set_int(out, KC_TYPE_INT64,
                         t->unit > 0 ? ms / t->unit : kc_sat_mul(ms, -t->unit));
        break;
    case KC_TS_DATE: {
        int64_t days = kc_floor_div(ms, KC_MS_PER_DAY);

        if (schemaless) {
            kc_value_set_int(out, KC_TYPE_INT64, days * KC_MS_PER_DAY);
        } else {
            kc_value_set_int(out, KC_TYPE_INT32, days);
        }
        break;
    }
    case KC_TS_TIME: {
        int64_t of_day = ms - kc_floor_div(ms, KC_MS_PER_DAY) * KC_MS_PER_DAY;

        kc_value_set_int(out, schemaless ? KC_TYPE_INT64 : KC_TYPE_INT32,
                         of_day);
        break;
    }
    default:
        kc_value_set_int(out, KC_TYPE_INT64, ms);
        break;
    }
    if (schemaless && t->target != KC_TS_STRING && t->target != KC_TS_UNIX) {
        /* Without a schema Apache's Date, Time and Timestamp targets are
         * all a java.util.Date. */
        out->flags |= KC_VALUE_F_DATE;
    }
    return KC_OK;
}

/* inferTimestampType for schemaless values. */
static kc_err_t kc_ts_infer(const kc_value_t *v, kc_ts_kind_t *kind,
                            kc_error_t *err)
{
    if (v->type == KC_TYPE_INT64 && (v->flags & KC_VALUE_F_DATE)) {
        *kind = KC_TS_TIMESTAMP; /* a java.util.Date */
    } else if (v->type == KC_TYPE_INT64) {
        *kind = KC_TS_UNIX;
    } else if (v->type == KC_TYPE_STRING) {
        *kind = KC_TS_STRING;
    } else if (v->type != KC_TYPE_NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "TimestampConverter does not support class %s "
                            "objects as timestamps",
                            kc_tx_java_class(v));
    }
    return KC_OK;
}

static const kc_schema_t *kc_ts_struct_schema(kc_timestamp_converter_t *t,
                                              const kc_schema_t *in,
                                              kc_error_t *err)
{
    const kc_schema_t *out = kc_tx_cache_get(&t->cache, in);
    kc_schema_t *b;
    kc_err_t rc = KC_OK;

    if (out != NULL) {
        return out;
    }
    b = kc_tx_struct_copy_basics(in);
    for (size_t i = 0; i < kc_schema_field_count(in) && rc == KC_OK; i++) {
        const kc_field_t *f = kc_schema_field_at(in, i);

        if (strcmp(f->name, t->field) == 0) {
            kc_schema_t *fs =
                kc_ts_target_schema(t->target, kc_schema_optional(f->schema));

            rc = kc_tx_add_field(b, f->name, fs, err);
            kc_schema_unref(fs);
        } else {
            rc = kc_tx_add_field(b, f->name, f->schema, err);
        }
    }
    if (rc != KC_OK) {
        kc_schema_unref(b);
        return NULL;
    }
    kc_schema_set_optional(b, kc_schema_optional(in));
    return kc_tx_cache_put_take(&t->cache, in, b);
}

static kc_err_t kc_timestamp_converter_apply(void *ctx, kc_record_t *rec,
                                             kc_arena_t *arena, bool *drop,
                                             kc_error_t *err)
{
    kc_timestamp_converter_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_ts_kind_t kind = KC_TS_UNIX;
    kc_value_t out;

    KC_UNUSED(drop);
    if (*schema == NULL) {
        if (value->type == KC_TYPE_NULL || t->field[0] == '\0') {
            if (kc_ts_infer(value, &kind, err) != KC_OK ||
                kc_ts_convert(t, value, kind, true, arena, &out, err) !=
                    KC_OK) {
                return KC_ERR_INVALID;
            }
        } else {
            kc_tx_map_t map;
            long at;
            kc_value_t conv;

            if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
                return KC_ERR_INVALID;
            }
            at = kc_tx_map_find(value, t->field);
            memset(&conv, 0, sizeof(conv));
            if (at >= 0 &&
                (kc_ts_infer(&value->u.map.values[at], &kind, err) != KC_OK ||
                 kc_ts_convert(t, &value->u.map.values[at], kind, true, arena,
                               &conv, err) != KC_OK)) {
                return KC_ERR_INVALID;
            }
            kc_tx_map_init(arena, &map, value->u.map.len + 1);
            kc_tx_map_copy(arena, &map, value);
            kc_tx_map_put(arena, &map, t->field, &conv);
            /* Apache: new HashMap<>(value), then the put. */
            kc_tx_map_finish_hashmap(
                arena, &map, kc_java_hashmap_copy_table(value->u.map.len),
                &out);
        }
        *value = out;
        return KC_OK;
    }
    if (t->field[0] == '\0') {
        const kc_schema_t *ns;

        if (kc_ts_kind_of_schema(*schema, &kind, err) != KC_OK ||
            kc_ts_convert(t, value, kind, false, arena, &out, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        ns = t->whole[kc_schema_optional(*schema) ? 1 : 0];
        kc_tx_pin_schema(arena, ns);
        *schema = ns;
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *in = *schema;
        const kc_schema_t *ns;

        if (value->type != KC_TYPE_NULL &&
            kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        ns = kc_ts_struct_schema(t, in, err);
        if (ns == NULL) {
            return KC_ERR_INVALID;
        }
        kc_tx_pin_schema(arena, ns);
        if (value->type != KC_TYPE_NULL) {
            kc_value_set_struct(arena, &out, ns);
            for (size_t i = 0; i < kc_schema_field_count(in); i++) {
                const kc_field_t *f = kc_schema_field_at(in, i);
                const kc_value_t *v =
                    kc_tx_struct_get(value, i, t->with_default);

                if (strcmp(f->name, t->field) != 0) {
                    out.u.st.fields[i] = *v;
                } else if (kc_ts_kind_of_schema(f->schema, &kind, err) !=
                               KC_OK ||
                           kc_ts_convert(t, v, kind, false, arena,
                                         &out.u.st.fields[i], err) != KC_OK) {
                    return KC_ERR_INVALID;
                }
            }
            *value = out;
        }
        *schema = ns;
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_timestamp_converter, "TimestampConverter",
                        kc_timestamp_converter_defs,
                        kc_timestamp_converter_configure,
                        kc_timestamp_converter_apply,
                        kc_timestamp_converter_destroy);
