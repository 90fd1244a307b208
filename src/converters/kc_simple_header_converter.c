/*
 * SimpleHeaderConverter (org.apache.kafka.connect.storage.
 * SimpleHeaderConverter): header values as text, as Connect's
 * Values.convertToString writes them; on read the text's type is inferred
 * as Values.parseString does for single values (null, booleans, integers
 * of the smallest width, floats, decimals, ISO dates/times/timestamps);
 * anything else, including array and map literals, is read as a STRING.
 */
#include "kc_internal.h"

#include <math.h>
#include <time.h>

#include "converters/kc_converters.h"
#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"

#define KC_MS_PER_DAY 86400000LL

static kc_err_t kc_shc_configure(void **ctx, const kc_props_t *config,
                                 bool is_key, kc_error_t *err)
{
    static int kc_shc_ctx;

    *ctx = &kc_shc_ctx;
    return KC_OK;
}

static void kc_shc_destroy(void *ctx)
{
}

/* Values.dateFormatFor: time of day, date, or full timestamp, in UTC. */
static kc_err_t kc_shc_append_date(kc_buf_t *out, int64_t ms)
{
    int64_t days = ms / KC_MS_PER_DAY;
    int64_t rem = ms % KC_MS_PER_DAY;
    time_t secs;
    struct tm tm;

    if (rem < 0) {
        rem += KC_MS_PER_DAY;
        days--;
    }
    secs = (time_t)(days * 86400);
    gmtime_r(&secs, &tm);
    if (ms >= 0 && ms < KC_MS_PER_DAY) {
        return kc_buf_printf(out, "%02d:%02d:%02d.%03dZ", (int)(rem / 3600000),
                             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                             (int)(rem % 1000));
    }
    if (rem == 0) {
        return kc_buf_printf(out, "%04d-%02d-%02d", tm.tm_year + 1900,
                             tm.tm_mon + 1, tm.tm_mday);
    }
    return kc_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         (int)(rem / 3600000), (int)(rem / 60000 % 60),
                         (int)(rem / 1000 % 60), (int)(rem % 1000));
}

static kc_err_t kc_shc_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v, bool embedded);

static kc_err_t kc_shc_append_str(kc_buf_t *out, const char *s, size_t len,
                                  bool embedded)
{
    kc_err_t rc = KC_OK;

    if (!embedded) {
        return kc_buf_append(out, s, len);
    }
    /* Values.escape: backslashes doubled, quotes escaped. */
    rc = kc_buf_putc(out, '"');
    for (size_t i = 0; rc == KC_OK && i < len; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            rc = kc_buf_putc(out, '\\');
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, s[i]);
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '"');
    }
    return rc;
}

static kc_err_t kc_shc_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v, bool embedded)
{
    kc_logical_t logical = schema ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    char num[KC_JAVA_NUMBER_MAX];
    kc_err_t rc = KC_OK;

    switch (v->type) {
    case KC_TYPE_NULL:
        return kc_buf_puts(out, "null");
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        if (logical == KC_LOGICAL_DATE) {
            return kc_shc_append_date(out, v->u.i * KC_MS_PER_DAY);
        }
        if (logical == KC_LOGICAL_TIME || logical == KC_LOGICAL_TIMESTAMP) {
            return kc_shc_append_date(out, v->u.i);
        }
        return kc_buf_printf(out, "%lld", (long long)v->u.i);
    case KC_TYPE_FLOAT32:
        kc_java_float_to_string((float)v->u.f, num);
        return kc_buf_puts(out, num);
    case KC_TYPE_FLOAT64:
        kc_java_double_to_string(v->u.f, num);
        return kc_buf_puts(out, num);
    case KC_TYPE_BOOLEAN:
        return kc_buf_puts(out, v->u.b ? "true" : "false");
    case KC_TYPE_STRING:
        return kc_shc_append_str(out, v->u.str.data, v->u.str.len, embedded);
    case KC_TYPE_BYTES:
        if (logical == KC_LOGICAL_DECIMAL) {
            return kc_decimal_to_java_string(v->u.bytes.data, v->u.bytes.len,
                                             kc_schema_decimal_scale(schema),
                                             out);
        }
        if (embedded) {
            rc = kc_buf_putc(out, '"');
        }
        if (rc == KC_OK) {
            rc = kc_base64_encode(v->u.bytes.data, v->u.bytes.len, out);
        }
        if (rc == KC_OK && embedded) {
            rc = kc_buf_putc(out, '"');
        }
        return rc;
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items = schema ? kc_schema_items(schema) : NULL;

        rc = kc_buf_putc(out, '[');
        for (size_t i = 0; rc == KC_OK && i < v->u.array.len; i++) {
            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, items, &v->u.array.items[i], true);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, ']') : rc;
    }
    case KC_TYPE_MAP: {
        const kc_schema_t *ks = schema ? kc_schema_key(schema) : NULL;
        const kc_schema_t *vs = schema ? kc_schema_value(schema) : NULL;

        rc = kc_buf_putc(out, '{');
        for (size_t i = 0; rc == KC_OK && i < v->u.map.len; i++) {
            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, ks, &v->u.map.keys[i], true);
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, vs, &v->u.map.values[i], true);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, '}') : rc;
    }
    case KC_TYPE_STRUCT: {
        const kc_schema_t *ss = v->u.st.schema;
        size_t n = kc_schema_field_count(ss);

        rc = kc_buf_putc(out, '{');
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(ss, i);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append_str(out, f->name, strlen(f->name), true);
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, f->schema, &v->u.st.fields[i], true);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, '}') : rc;
    }
    }
    return KC_ERR_INVALID;
}

static kc_err_t kc_shc_from_connect(void *ctx, const char *topic,
                                    const char *header,
                                    const kc_schema_t *schema,
                                    const kc_value_t *value, kc_buf_t *out,
                                    bool *is_null, kc_error_t *err)
{
    size_t start = out->len;
    kc_err_t rc;

    *is_null = false;
    if (value == NULL || value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    rc = kc_shc_append(out, schema, value, false);
    if (rc != KC_OK) {
        out->len = start;
        return kc_error_set(err, rc,
                            "could not convert header \"%s\" to "
                            "text",
                            header ? header : "");
    }
    return KC_OK;
}

static bool kc_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static int64_t kc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: proleptic Gregorian, as Java's UTC. */
    y -= m <= 2;
    {
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        unsigned yoe = (unsigned)(y - era * 400);
        unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

        return era * 146097 + (int64_t)doe - 719468;
    }
}

/* "yyyy-MM-dd" -> days, or false. */
static bool kc_parse_date(const char *s, size_t n, int64_t *days)
{
    unsigned m;
    unsigned d;

    if (n != 10 || s[4] != '-' || s[7] != '-' || !kc_all_digits(s, 4) ||
        !kc_all_digits(s + 5, 2) || !kc_all_digits(s + 8, 2)) {
        return false;
    }
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (m < 1 || m > 12 || d < 1 || d > 31) {
        return false;
    }
    *days = kc_days_from_civil(atoi(s), m, d);
    return true;
}

/* "HH:mm:ss.SSSZ" -> ms since midnight, or false. */
static bool kc_parse_time(const char *s, size_t n, int64_t *ms)
{
    int h;
    int mi;
    int se;
    int mss;

    if (n != 13 || s[2] != ':' || s[5] != ':' || s[8] != '.' || s[12] != 'Z' ||
        !kc_all_digits(s, 2) || !kc_all_digits(s + 3, 2) ||
        !kc_all_digits(s + 6, 2) || !kc_all_digits(s + 9, 3)) {
        return false;
    }
    h = (s[0] - '0') * 10 + (s[1] - '0');
    mi = (s[3] - '0') * 10 + (s[4] - '0');
    se = (s[6] - '0') * 10 + (s[7] - '0');
    mss = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (h > 23 || mi > 59 || se > 59) {
        return false;
    }
    *ms = ((int64_t)h * 3600 + mi * 60 + se) * 1000 + mss;
    return true;
}

static void kc_shc_pin(kc_arena_t *arena, kc_schema_t *schema,
                       const kc_schema_t **out)
{
    kc_arena_on_reset(arena, kc_schema_unref_cb, schema);
    *out = schema;
}

/* A number literal as Values.parseAsNumber types it. */
static bool kc_shc_number(kc_arena_t *arena, const char *s, size_t n,
                          const kc_schema_t **schema, kc_value_t *value)
{
    size_t i = 0;
    bool frac = false;
    bool exp = false;
    const uint8_t *unscaled;
    size_t ulen;
    kc_err_t rc;
    int32_t scale;
    char *end;

    if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
    }
    if (i >= n || s[i] < '0' || s[i] > '9') {
        return false;
    }
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    if (i < n && s[i] == '.') {
        frac = true;
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        exp = true;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (i >= n || s[i] < '0' || s[i] > '9') {
            return false;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }
    if (i != n) {
        return false;
    }
    /* An exact integer (1.0 counts) of at most 64 bits: smallest width. */
    rc = kc_decimal_from_string(arena, s, n, 0, &unscaled, &ulen, NULL);
    if (rc == KC_OK && ulen <= 8) {
        int64_t v = (unscaled[0] & 0x80) ? -1 : 0;
        kc_type_t t;

        for (size_t k = 0; k < ulen; k++) {
            v = (int64_t)((uint64_t)v << 8 | unscaled[k]);
        }
        t = v >= INT8_MIN && v <= INT8_MAX     ? KC_TYPE_INT8
            : v >= INT16_MIN && v <= INT16_MAX ? KC_TYPE_INT16
            : v >= INT32_MIN && v <= INT32_MAX ? KC_TYPE_INT32
                                               : KC_TYPE_INT64;
        *schema = kc_schema_primitive(t, false);
        kc_value_set_int(value, t, v);
        return true;
    }
    if (frac || exp) {
        float f = strtof(s, &end);

        if (!isinf(f)) {
            *schema = kc_schema_primitive(KC_TYPE_FLOAT32, false);
            kc_value_set_float(value, KC_TYPE_FLOAT32, f);
            return true;
        }
        if (!isinf(strtod(s, &end))) {
            *schema = kc_schema_primitive(KC_TYPE_FLOAT64, false);
            kc_value_set_float(value, KC_TYPE_FLOAT64, strtod(s, &end));
            return true;
        }
    }
    /* A big integer (or huge float): a Decimal of the literal's scale. */
    scale = 0;
    if (frac) {
        const char *dot = memchr(s, '.', n);
        const char *e = dot;

        while (e < s + n && *e != 'e' && *e != 'E') {
            e++;
        }
        scale = (int32_t)(e - dot - 1);
    }
    if (exp) {
        const char *e = s;

        while (*e != 'e' && *e != 'E') {
            e++;
        }
        scale -= (int32_t)strtol(e + 1, NULL, 10);
    }
    if (kc_decimal_from_string(arena, s, n, scale, &unscaled, &ulen, NULL) !=
        KC_OK) {
        return false;
    }
    kc_shc_pin(arena, kc_schema_decimal_new(scale), schema);
    value->type = KC_TYPE_BYTES;
    value->u.bytes.data = unscaled;
    value->u.bytes.len = ulen;
    return true;
}

static kc_err_t kc_shc_to_connect(void *ctx, const char *topic,
                                  const char *header, const uint8_t *data,
                                  size_t len, kc_arena_t *arena,
                                  const kc_schema_t **schema, kc_value_t *value,
                                  kc_error_t *err)
{
    const char *s = (const char *)data;
    size_t b = 0;
    size_t e = len;
    int64_t v;

    *schema = NULL;
    kc_value_set_null(value);
    if (data == NULL) {
        return KC_OK;
    }
    while (b < e && (unsigned char)s[b] <= ' ') {
        b++;
    }
    while (e > b && (unsigned char)s[e - 1] <= ' ') {
        e--;
    }
    if (len > 0 && b < e) {
        const char *t = s + b;
        size_t n = e - b;

        if (n == 4 && memcmp(t, "null", 4) == 0) {
            return KC_OK;
        }
        if ((n == 4 && memcmp(t, "true", 4) == 0) ||
            (n == 5 && memcmp(t, "false", 5) == 0)) {
            *schema = kc_schema_primitive(KC_TYPE_BOOLEAN, false);
            kc_value_set_bool(value, n == 4);
            return KC_OK;
        }
        if (kc_parse_date(t, n, &v)) {
            kc_shc_pin(arena, kc_schema_date_new(), schema);
            kc_value_set_int(value, KC_TYPE_INT32, v);
            return KC_OK;
        }
        if (kc_parse_time(t, n, &v)) {
            kc_shc_pin(arena, kc_schema_time_new(), schema);
            kc_value_set_int(value, KC_TYPE_INT32, v);
            return KC_OK;
        }
        if (n == 24 && t[10] == 'T' && kc_parse_date(t, 10, &v)) {
            int64_t ms;

            if (kc_parse_time(t + 11, 13, &ms)) {
                kc_shc_pin(arena, kc_schema_timestamp_new(), schema);
                kc_value_set_int(value, KC_TYPE_INT64, v * KC_MS_PER_DAY + ms);
                return KC_OK;
            }
        }
        if (kc_shc_number(arena, t, n, schema, value)) {
            return KC_OK;
        }
    }
    *schema = kc_schema_primitive(KC_TYPE_STRING, false);
    kc_value_set_string(arena, value, s, len);
    return KC_OK;
}

const struct kc_converter_plugin kc_simple_header_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "SimpleHeaderConverter",
    .class_name = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    .aliases = NULL,
    .version = KC_VERSION_STR,
    .config_def = NULL,
    .configure = kc_shc_configure,
    .from_connect = kc_shc_from_connect,
    .to_connect = kc_shc_to_connect,
    .destroy = kc_shc_destroy,
};
