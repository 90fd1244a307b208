/*
 * JsonConverter (org.apache.kafka.connect.json.JsonConverter): Connect
 * data <-> JSON, with or without the {"schema":..,"payload":..} envelope.
 *
 * The writer appends straight into the output kc_buf, in the key order and
 * number format Jackson uses, so the bytes equal Apache's. Schema JSON is
 * cached per schema (schemas are immutable; the cache holds a reference);
 * parsed schemas are cached per schema text. Values read live in the
 * caller's arena.
 */
#include "kc_internal.h"

#include <math.h>
#include <pthread.h>

#include "converters/kc_converters.h"
#include "converters/kc_json_parse.h"
#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

#define KC_MILLIS_PER_DAY 86400000LL

typedef struct kc_jsc_out {
    const kc_schema_t *schema; /* referenced while cached */
    char *json;
    size_t len;
} kc_jsc_out_t;

typedef struct kc_jsc_in {
    uint64_t hash;
    char *text;
    size_t len;
    kc_schema_t *schema; /* referenced while cached */
} kc_jsc_in_t;

typedef struct kc_json_conv {
    bool schemas_enable;
    bool decimal_numeric;
    bool replace_null;
    bool is_key;
    size_t cache_size; /* schemas.cache.size; 0 disables the caches */
    size_t slots;      /* entries per cache: min(cache_size, 256) */
    /* Caches are shared if the runtime shares the instance across tasks. */
    pthread_mutex_t lock;
    kc_jsc_out_t *out_cache;
    kc_jsc_in_t *in_cache;
} kc_json_conv_t;

/* ---- error paths ---------------------------------------------------- */

typedef struct kc_jpath {
    char buf[256];
    size_t len;
} kc_jpath_t;

/*
 * Append @p n bytes of @p text, truncated to the buffer as snprintf would.
 * Runs for every field of every record, so no snprintf (about 800
 * instructions a call, a sixth of a schema'd JSON record's cost).
 */
static void kc_jpath_append(kc_jpath_t *p, const char *text, size_t n)
{
    size_t room = sizeof(p->buf) - 1 - p->len;

    if (n > room) {
        n = room;
    }
    memcpy(p->buf + p->len, text, n);
    p->len += n;
    p->buf[p->len] = '\0';
}

/* Append ".name" (or "name" at the top); returns the length to pop to. */
static size_t kc_jpath_push_name(kc_jpath_t *p, const char *name)
{
    size_t saved = p->len;

    if (p->len > 0) {
        kc_jpath_append(p, ".", 1);
    }
    kc_jpath_append(p, name, strlen(name));
    return saved;
}

/* Append "[index]"; returns the length to pop to. */
static size_t kc_jpath_push_index(kc_jpath_t *p, size_t index)
{
    char digits[24];
    size_t at = sizeof(digits);
    size_t saved = p->len;

    digits[--at] = ']';
    do {
        digits[--at] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);
    digits[--at] = '[';
    kc_jpath_append(p, digits + at, sizeof(digits) - at);
    return saved;
}

static void kc_jpath_pop(kc_jpath_t *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}

KC_PRINTF(3, 4)
static kc_err_t kc_jpath_fail(const kc_jpath_t *p, kc_error_t *err,
                              const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->len == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "%s", msg);
    }
    return kc_error_set(err, KC_ERR_INVALID, "field \"%s\": %s", p->buf, msg);
}

/* ---- writer --------------------------------------------------------- */

static const char kc_hex_upper[] = "0123456789ABCDEF";

static size_t kc_jw_surrogates(char *esc, uint32_t cp)
{
    uint32_t v = cp - 0x10000;
    uint32_t units[2] = {0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)};

    for (int u = 0; u < 2; u++) {
        char *e = esc + u * 6;

        e[0] = '\\';
        e[1] = 'u';
        e[2] = kc_hex_upper[(units[u] >> 12) & 15];
        e[3] = kc_hex_upper[(units[u] >> 8) & 15];
        e[4] = kc_hex_upper[(units[u] >> 4) & 15];
        e[5] = kc_hex_upper[units[u] & 15];
    }
    return 12;
}

/*
 * A JSON string as Jackson escapes it: \" \\ \b \t \n \f \r, other
 * controls as \u00XX, characters beyond U+FFFF as an escaped surrogate
 * pair; everything else raw UTF-8. Invalid UTF-8 becomes U+FFFD, as
 * Java's decoding of such bytes would.
 */
static kc_err_t kc_jw_string(kc_buf_t *out, const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + len;
    const uint8_t *run = p;
    kc_err_t rc = kc_buf_reserve(out, len + 2);

    if (rc != KC_OK) {
        return rc;
    }
    out->data[out->len++] = '"';
    while (p < end) {
        uint8_t c;
        char esc[12];
        size_t elen = 0;
        size_t skip = 1;

        /* Most text needs no escaping: skip 8 such bytes at a time. */
        while (end - p >= 8) {
            uint64_t w;
            uint64_t q;
            uint64_t b;

            memcpy(&w, p, sizeof(w));
            q = w ^ UINT64_C(0x2222222222222222);
            b = w ^ UINT64_C(0x5C5C5C5C5C5C5C5C);
            /* High bit set per byte that is >= 0x80, < 0x20, '"' or '\\'. */
            if (((w | (w - UINT64_C(0x2020202020202020)) |
                  (q - UINT64_C(0x0101010101010101)) |
                  (b - UINT64_C(0x0101010101010101))) &
                 UINT64_C(0x8080808080808080)) != 0) {
                break;
            }
            p += 8;
        }
        if (p == end) {
            break;
        }
        c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0x80) {
            /* Validate the sequence; keep it in the run if fine. */
            uint32_t cp;
            size_t n = kc_utf8_decode(p, end, &cp);

            if (n != 0 && n < 4) {
                p += n;
                continue;
            }
            if (n == 4) {
                /* Jackson writes a supplementary character as an
                 * escaped surrogate pair. */
                elen = kc_jw_surrogates(esc, cp);
                skip = n;
            }
            if (elen == 0) {
                memcpy(esc, "\xEF\xBF\xBD", 3);
                elen = 3;
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            elen = 2;
        } else {
            static const char shorts[] = "btn\0fr";

            esc[0] = '\\';
            if (c >= 0x08 && c <= 0x0D && shorts[c - 0x08] != '\0') {
                esc[1] = shorts[c - 0x08];
                elen = 2;
            } else {
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = kc_hex_upper[c >> 4];
                esc[5] = kc_hex_upper[c & 15];
                elen = 6;
            }
        }
        rc = kc_buf_append(out, run, (size_t)(p - run));
        if (rc == KC_OK) {
            rc = kc_buf_append(out, esc, elen);
        }
        if (rc != KC_OK) {
            return rc;
        }
        p += skip;
        run = p;
    }
    rc = kc_buf_append(out, run, (size_t)(p - run));
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '"');
    }
    return rc;
}

static kc_err_t kc_jw_int(kc_buf_t *out, int64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    /* Negate in unsigned arithmetic so INT64_MIN works. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        *--p = '-';
    }
    return kc_buf_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Jackson writes NaN and the infinities as strings (WRITE_NAN_AS_STRINGS). */
static kc_err_t kc_jw_float(kc_buf_t *out, double v, bool is_float)
{
    char tmp[KC_JAVA_NUMBER_MAX + 2];
    size_t n;

    if (is_float) {
        n = kc_java_float_to_string((float)v, tmp + 1);
    } else {
        n = kc_java_double_to_string(v, tmp + 1);
    }
    if (isnan(v) || isinf(v)) {
        tmp[0] = '"';
        tmp[n + 1] = '"';
        return kc_buf_append(out, tmp, n + 2);
    }
    return kc_buf_append(out, tmp + 1, n);
}

/* Minimal two's complement, as BigInteger.toByteArray(). */
static void kc_decimal_minimal(const uint8_t **data, size_t *len)
{
    const uint8_t *d = *data;
    size_t n = *len;

    while (n > 1 && ((d[0] == 0x00 && !(d[1] & 0x80)) ||
                     (d[0] == 0xff && (d[1] & 0x80)))) {
        d++;
        n--;
    }
    *data = d;
    *len = n;
}

static kc_err_t kc_jw_value(kc_json_conv_t *conv, kc_buf_t *out,
                            const kc_schema_t *schema, const kc_value_t *value,
                            kc_jpath_t *path, kc_error_t *err);

static kc_err_t kc_jw_schema(kc_json_conv_t *conv, kc_buf_t *out,
                             const kc_schema_t *schema, const char *field,
                             kc_jpath_t *path, kc_error_t *err)
{
    static const char *const json_type[] = {
        NULL,      "int8",   "int16", "int32", "int64", "float",  "double",
        "boolean", "string", "bytes", "array", "map",   "struct",
    };
    kc_type_t type = kc_schema_type(schema);
    kc_err_t rc;

    rc = kc_buf_printf(out, "{\"type\":\"%s\"", json_type[type]);
    if (rc != KC_OK) {
        return rc;
    }
    if (type == KC_TYPE_ARRAY) {
        if (kc_schema_items(schema) == NULL) {
            return kc_jpath_fail(path, err, "array schema has no items");
        }
        rc = kc_buf_puts(out, ",\"items\":");
        if (rc == KC_OK) {
            rc = kc_jw_schema(conv, out, kc_schema_items(schema), NULL, path,
                              err);
        }
    } else if (type == KC_TYPE_MAP) {
        if (kc_schema_key(schema) == NULL || kc_schema_value(schema) == NULL) {
            return kc_jpath_fail(path, err,
                                 "map schema has no key or value "
                                 "schema");
        }
        rc = kc_buf_puts(out, ",\"keys\":");
        if (rc == KC_OK) {
            rc =
                kc_jw_schema(conv, out, kc_schema_key(schema), NULL, path, err);
        }
        if (rc == KC_OK) {
            rc = kc_buf_puts(out, ",\"values\":");
        }
        if (rc == KC_OK) {
            rc = kc_jw_schema(conv, out, kc_schema_value(schema), NULL, path,
                              err);
        }
    } else if (type == KC_TYPE_STRUCT) {
        size_t n = kc_schema_field_count(schema);

        rc = kc_buf_puts(out, ",\"fields\":[");
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_jpath_push_name(path, f->name);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_schema(conv, out, f->schema, f->name, path, err);
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, ']');
        }
    }
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_buf_puts(out, kc_schema_optional(schema) ? ",\"optional\":true"
                                                     : ",\"optional\":false");
    if (rc == KC_OK && kc_schema_name(schema) != NULL) {
        rc = kc_buf_puts(out, ",\"name\":");
        if (rc == KC_OK) {
            rc = kc_jw_string(out, kc_schema_name(schema),
                              strlen(kc_schema_name(schema)));
        }
    }
    if (rc == KC_OK && kc_schema_has_version(schema)) {
        rc = kc_buf_printf(out, ",\"version\":%d",
                           (int)kc_schema_version(schema));
    }
    if (rc == KC_OK && kc_schema_doc(schema) != NULL) {
        rc = kc_buf_puts(out, ",\"doc\":");
        if (rc == KC_OK) {
            rc = kc_jw_string(out, kc_schema_doc(schema),
                              strlen(kc_schema_doc(schema)));
        }
    }
    if (rc == KC_OK && kc_schema_param_count(schema) > 0) {
        size_t n = kc_schema_param_count(schema);

        rc = kc_buf_puts(out, ",\"parameters\":{");
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const char *k;
            const char *v;

            kc_schema_param_at(schema, i, &k, &v);
            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_string(out, k, strlen(k));
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_jw_string(out, v, strlen(v));
            }
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '}');
        }
    }
    if (rc == KC_OK && kc_schema_default(schema) != NULL) {
        rc = kc_buf_puts(out, ",\"default\":");
        if (rc == KC_OK) {
            rc = kc_jw_value(conv, out, schema, kc_schema_default(schema), path,
                             err);
        }
    }
    if (rc == KC_OK && field != NULL) {
        rc = kc_buf_puts(out, ",\"field\":");
        if (rc == KC_OK) {
            rc = kc_jw_string(out, field, strlen(field));
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '}');
    }
    return rc;
}

static bool kc_map_all_string_keys(const kc_value_t *value)
{
    for (size_t i = 0; i < value->u.map.len; i++) {
        if (value->u.map.keys[i].type != KC_TYPE_STRING) {
            return false;
        }
    }
    return true;
}

/* A map key in object mode: Jackson's asText() of the key's JSON node. */
static kc_err_t kc_jw_map_key(kc_json_conv_t *conv, kc_buf_t *out,
                              const kc_schema_t *schema, const kc_value_t *key,
                              kc_jpath_t *path, kc_error_t *err)
{
    kc_buf_t tmp;
    kc_err_t rc;

    if (key->type == KC_TYPE_STRING) {
        return kc_jw_string(out, key->u.str.data, key->u.str.len);
    }
    /* A non-string key under a STRING key schema: null or a default. */
    kc_buf_init(&tmp, 0);
    rc = kc_jw_value(conv, &tmp, schema, key, path, err);
    if (rc == KC_OK) {
        if (tmp.len >= 2 && tmp.data[0] == '"') {
            rc = kc_buf_append(out, tmp.data, tmp.len);
        } else {
            rc = kc_jw_string(out, (const char *)tmp.data, tmp.len);
        }
    }
    kc_buf_release(&tmp);
    return rc;
}

static kc_err_t kc_jw_value(kc_json_conv_t *conv, kc_buf_t *out,
                            const kc_schema_t *schema, const kc_value_t *value,
                            kc_jpath_t *path, kc_error_t *err)
{
    kc_type_t type;

    if (value == NULL || value->type == KC_TYPE_NULL) {
        if (schema == NULL) {
            return kc_buf_puts(out, "null");
        }
        if (conv->replace_null && kc_schema_default(schema) != NULL) {
            return kc_jw_value(conv, out, schema, kc_schema_default(schema),
                               path, err);
        }
        if (kc_schema_optional(schema)) {
            return kc_buf_puts(out, "null");
        }
        return kc_jpath_fail(path, err,
                             "null value for a required %s with no default "
                             "value",
                             kc_type_name(kc_schema_type(schema)));
    }
    if (schema == NULL && value->type == KC_TYPE_STRUCT) {
        /* Apache rejects this ("Mismatching schema"); the struct knows its
         * schema, so write it. */
        schema = value->u.st.schema;
    }
    type = schema != NULL ? kc_schema_type(schema) : value->type;
    if (value->type != type) {
        return kc_jpath_fail(path, err, "expected %s, got %s",
                             kc_type_name(type), kc_type_name(value->type));
    }
    if (schema != NULL && kc_schema_name(schema) != NULL) {
        switch (kc_schema_logical(schema)) {
        case KC_LOGICAL_DECIMAL: {
            const uint8_t *d = value->u.bytes.data;
            size_t n = value->u.bytes.len;

            if (n == 0) {
                return kc_jpath_fail(path, err,
                                     "invalid Decimal: no unscaled bytes");
            }
            kc_decimal_minimal(&d, &n);
            if (conv->decimal_numeric) {
                return kc_decimal_to_java_string(
                    d, n, kc_schema_decimal_scale(schema), out);
            }
            {
                kc_err_t rc = kc_buf_putc(out, '"');

                if (rc == KC_OK) {
                    rc = kc_base64_encode(d, n, out);
                }
                if (rc == KC_OK) {
                    rc = kc_buf_putc(out, '"');
                }
                return rc;
            }
        }
        case KC_LOGICAL_TIME:
            if (value->u.i < 0 || value->u.i > KC_MILLIS_PER_DAY) {
                return kc_jpath_fail(
                    path, err,
                    "Time value %lld is not within a day (0..86400000 ms)",
                    (long long)value->u.i);
            }
            break;
        default:
            break;
        }
    }
    switch (type) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        return kc_jw_int(out, value->u.i);
    case KC_TYPE_FLOAT32:
        return kc_jw_float(out, value->u.f, true);
    case KC_TYPE_FLOAT64:
        return kc_jw_float(out, value->u.f, false);
    case KC_TYPE_BOOLEAN:
        return kc_buf_puts(out, value->u.b ? "true" : "false");
    case KC_TYPE_STRING:
        return kc_jw_string(out, value->u.str.data, value->u.str.len);
    case KC_TYPE_BYTES: {
        kc_err_t rc = kc_buf_putc(out, '"');

        if (rc == KC_OK) {
            rc = kc_base64_encode(value->u.bytes.data, value->u.bytes.len, out);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '"');
        }
        return rc;
    }
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items = schema ? kc_schema_items(schema) : NULL;
        kc_err_t rc = kc_buf_putc(out, '[');

        for (size_t i = 0; rc == KC_OK && i < value->u.array.len; i++) {
            size_t saved = kc_jpath_push_index(path, i);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_value(conv, out, items, &value->u.array.items[i],
                                 path, err);
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, ']');
        }
        return rc;
    }
    case KC_TYPE_MAP: {
        const kc_schema_t *ks = schema ? kc_schema_key(schema) : NULL;
        const kc_schema_t *vs = schema ? kc_schema_value(schema) : NULL;
        bool object_mode =
            schema != NULL
                ? (ks != NULL && kc_schema_type(ks) == KC_TYPE_STRING)
                : kc_map_all_string_keys(value);
        kc_err_t rc = kc_buf_putc(out, object_mode ? '{' : '[');

        for (size_t i = 0; rc == KC_OK && i < value->u.map.len; i++) {
            size_t saved = kc_jpath_push_index(path, i);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK && object_mode) {
                rc = kc_jw_map_key(conv, out, ks, &value->u.map.keys[i], path,
                                   err);
                if (rc == KC_OK) {
                    rc = kc_buf_putc(out, ':');
                }
            } else if (rc == KC_OK) {
                rc = kc_buf_putc(out, '[');
                if (rc == KC_OK) {
                    rc = kc_jw_value(conv, out, ks, &value->u.map.keys[i], path,
                                     err);
                }
                if (rc == KC_OK) {
                    rc = kc_buf_putc(out, ',');
                }
            }
            if (rc == KC_OK) {
                rc = kc_jw_value(conv, out, vs, &value->u.map.values[i], path,
                                 err);
            }
            if (rc == KC_OK && !object_mode) {
                rc = kc_buf_putc(out, ']');
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, object_mode ? '}' : ']');
        }
        return rc;
    }
    case KC_TYPE_STRUCT: {
        size_t n = kc_schema_field_count(schema);
        kc_err_t rc;

        if (value->u.st.schema != schema &&
            !kc_schema_equals(value->u.st.schema, schema)) {
            return kc_jpath_fail(path, err,
                                 "struct schema does not match the schema "
                                 "given for it");
        }
        rc = kc_buf_putc(out, '{');
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_jpath_push_name(path, f->name);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_string(out, f->name, strlen(f->name));
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_jw_value(conv, out, f->schema, &value->u.st.fields[i],
                                 path, err);
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '}');
        }
        return rc;
    }
    default:
        return kc_jpath_fail(path, err, "cannot convert a %s value to JSON",
                             kc_type_name(type));
    }
}

static size_t kc_ptr_slot(const void *p, size_t n)
{
    uintptr_t x = (uintptr_t)p;

    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 32) % n;
}

/* Append the schema's JSON, from the cache when possible. */
static kc_err_t kc_jw_schema_cached(kc_json_conv_t *conv, kc_buf_t *out,
                                    const kc_schema_t *schema, kc_error_t *err)
{
    kc_jpath_t path = {.len = 0};
    kc_buf_t tmp;
    kc_err_t rc;
    size_t slot;

    if (conv->slots == 0) {
        return kc_jw_schema(conv, out, schema, NULL, &path, err);
    }
    slot = kc_ptr_slot(schema, conv->slots);
    pthread_mutex_lock(&conv->lock);
    if (conv->out_cache[slot].schema == schema) {
        rc = kc_buf_append(out, conv->out_cache[slot].json,
                           conv->out_cache[slot].len);
        pthread_mutex_unlock(&conv->lock);
        return rc;
    }
    pthread_mutex_unlock(&conv->lock);
    kc_buf_init(&tmp, 0);
    rc = kc_jw_schema(conv, &tmp, schema, NULL, &path, err);
    if (rc == KC_OK) {
        rc = kc_buf_append(out, tmp.data, tmp.len);
    }
    if (rc == KC_OK) {
        kc_jsc_out_t *e = &conv->out_cache[slot];
        size_t len;
        char *json = kc_buf_detach(&tmp, &len);

        pthread_mutex_lock(&conv->lock);
        kc_schema_unref(e->schema);
        kc_free(e->json);
        e->schema = kc_schema_ref(schema);
        e->json = json;
        e->len = len;
        pthread_mutex_unlock(&conv->lock);
    }
    kc_buf_release(&tmp);
    return rc;
}

static kc_err_t kc_json_from_connect(void *ctx, const char *topic,
                                     const char *header,
                                     const kc_schema_t *schema,
                                     const kc_value_t *value, kc_buf_t *out,
                                     bool *is_null, kc_error_t *err)
{
    kc_json_conv_t *conv = ctx;
    kc_jpath_t path = {.len = 0};
    size_t start = out->len;
    kc_err_t rc;

    *is_null = false;
    if (schema == NULL && (value == NULL || value->type == KC_TYPE_NULL)) {
        *is_null = true;
        return KC_OK;
    }
    if (conv->schemas_enable) {
        rc = kc_buf_puts(out, "{\"schema\":");
        if (rc == KC_OK) {
            rc = schema != NULL ? kc_jw_schema_cached(conv, out, schema, err)
                                : kc_buf_puts(out, "null");
        }
        if (rc == KC_OK) {
            rc = kc_buf_puts(out, ",\"payload\":");
        }
        if (rc == KC_OK) {
            rc = kc_jw_value(conv, out, schema, value, &path, err);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '}');
        }
    } else {
        rc = kc_jw_value(conv, out, schema, value, &path, err);
    }
    if (rc != KC_OK) {
        out->len = start;
        if (rc == KC_ERR_TOO_LARGE) {
            kc_error_set(err, rc, "JSON of the record is too large");
        }
        kc_error_prefix(err, "could not convert data to JSON%s%s%s",
                        topic ? " for topic \"" : "", topic ? topic : "",
                        topic ? "\"" : "");
    }
    return rc;
}

/* ---- reader --------------------------------------------------------- */

static kc_err_t kc_jr_value(kc_json_conv_t *conv, kc_arena_t *arena,
                            const kc_schema_t *schema, const kc_jnode_t *node,
                            kc_value_t *out, kc_jpath_t *path, kc_error_t *err);

/* An integral value of a number node, or an error. */
static kc_err_t kc_jr_integer(const kc_jnode_t *node, int64_t min, int64_t max,
                              const char *type_name, int64_t *result,
                              kc_jpath_t *path, kc_error_t *err)
{
    int64_t v = 0;

    errno = 0;
    if (node->integral) {
        char *end;
        long long ll = strtoll(node->text, &end, 10);

        if (errno == ERANGE || *end != '\0') {
            return kc_jpath_fail(path, err, "number %s is out of range for %s",
                                 node->text, type_name);
        }
        v = ll;
    } else {
        double d = strtod(node->text, NULL);

        if (d != floor(d) ||
            !(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) {
            return kc_jpath_fail(path, err, "number %s is not an %s",
                                 node->text, type_name);
        }
        v = (int64_t)d;
    }
    if (v < min || v > max) {
        return kc_jpath_fail(path, err, "number %s is out of range for %s",
                             node->text, type_name);
    }
    *result = v;
    return KC_OK;
}

static kc_err_t kc_jr_expect(const kc_jnode_t *node, kc_jtype_t want,
                             const char *want_name, kc_jpath_t *path,
                             kc_error_t *err)
{
    if (node->type == want) {
        return KC_OK;
    }
    return kc_jpath_fail(path, err, "expected %s, got JSON %s", want_name,
                         kc_json_type_name(node));
}

static kc_err_t kc_jr_float(const kc_jnode_t *node, bool is_float,
                            double *result, kc_jpath_t *path, kc_error_t *err)
{
    if (node->type == KC_JSON_NUMBER) {
        *result = is_float ? (double)strtof(node->text, NULL)
                           : strtod(node->text, NULL);
        /* Apache reads numbers as BigDecimal, which has no -0.0. */
        if (*result == 0) {
            *result = 0.0;
        }
        return KC_OK;
    }
    /* What the writer makes of NaN and the infinities. */
    if (node->type == KC_JSON_STRING) {
        if (strcmp(node->text, "NaN") == 0) {
            *result = NAN;
            return KC_OK;
        }
        if (strcmp(node->text, "Infinity") == 0) {
            *result = INFINITY;
            return KC_OK;
        }
        if (strcmp(node->text, "-Infinity") == 0) {
            *result = -INFINITY;
            return KC_OK;
        }
    }
    return kc_jpath_fail(path, err, "expected %s, got JSON %s",
                         is_float ? "FLOAT32" : "FLOAT64",
                         kc_json_type_name(node));
}

/* Schemaless: Jackson's node type decides. */
static kc_err_t kc_jr_schemaless(kc_json_conv_t *conv, kc_arena_t *arena,
                                 const kc_jnode_t *node, kc_value_t *out,
                                 kc_jpath_t *path, kc_error_t *err)
{
    kc_err_t rc;

    if (node == NULL) {
        kc_value_set_null(out);
        return KC_OK;
    }
    switch (node->type) {
    case KC_JSON_NULL:
        kc_value_set_null(out);
        return KC_OK;
    case KC_JSON_TRUE:
    case KC_JSON_FALSE:
        kc_value_set_bool(out, node->type == KC_JSON_TRUE);
        return KC_OK;
    case KC_JSON_NUMBER:
        if (node->integral) {
            int64_t v = 0;

            rc = kc_jr_integer(node, INT64_MIN, INT64_MAX, "INT64", &v, path,
                               err);
            if (rc == KC_OK) {
                kc_value_set_int(out, KC_TYPE_INT64, v);
            }
            return rc;
        }
        /* Via BigDecimal in Apache: no -0.0. */
        kc_value_set_float(out, KC_TYPE_FLOAT64,
                           strtod(node->text, NULL) + 0.0);
        return KC_OK;
    case KC_JSON_STRING:
        kc_value_set_string_ref(out, node->text, node->len);
        return KC_OK;
    case KC_JSON_ARRAY: {
        size_t i = 0;

        kc_value_set_array(arena, out, node->len);
        for (const kc_jnode_t *c = node->child; c != NULL; c = c->next, i++) {
            size_t saved = kc_jpath_push_index(path, i);

            rc = kc_jr_schemaless(conv, arena, c, &out->u.array.items[i], path,
                                  err);
            kc_jpath_pop(path, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case KC_JSON_OBJECT: {
        size_t i = 0;

        kc_value_set_map(arena, out, node->len);
        for (const kc_jnode_t *c = node->child; c != NULL; c = c->next, i++) {
            size_t saved = kc_jpath_push_name(path, c->key);

            kc_value_set_string_ref(&out->u.map.keys[i], c->key, c->key_len);
            rc = kc_jr_schemaless(conv, arena, c, &out->u.map.values[i], path,
                                  err);
            kc_jpath_pop(path, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    }
    return kc_jpath_fail(path, err, "unsupported JSON node");
}

static kc_err_t kc_jr_logical(kc_json_conv_t *conv, kc_arena_t *arena,
                              const kc_schema_t *schema, const kc_jnode_t *node,
                              kc_value_t *out, kc_jpath_t *path,
                              kc_error_t *err, bool *done)
{
    kc_err_t rc;
    int64_t v = 0;

    *done = true;
    switch (kc_schema_logical(schema)) {
    case KC_LOGICAL_DECIMAL: {
        int32_t scale = kc_schema_decimal_scale(schema);
        const uint8_t *bytes;
        size_t len;

        if (node->type == KC_JSON_NUMBER) {
            rc = kc_decimal_from_string(arena, node->text, node->len, scale,
                                        &bytes, &len, err);
        } else if (node->type == KC_JSON_STRING) {
            rc = kc_base64_decode(arena, node->text, node->len, &bytes, &len,
                                  err);
            if (rc == KC_OK && len == 0) {
                rc = kc_error_set(err, KC_ERR_INVALID, "no unscaled bytes");
            }
        } else {
            return kc_jpath_fail(path, err,
                                 "invalid type for Decimal: expected a "
                                 "number or base64 bytes, got JSON %s",
                                 kc_json_type_name(node));
        }
        if (rc != KC_OK) {
            return kc_jpath_fail(path, err, "invalid Decimal: %s", err->msg);
        }
        out->type = KC_TYPE_BYTES;
        out->u.bytes.data = bytes;
        out->u.bytes.len = len;
        return KC_OK;
    }
    case KC_LOGICAL_DATE:
    case KC_LOGICAL_TIME:
        if (node->type != KC_JSON_NUMBER || !node->integral) {
            return kc_jpath_fail(
                path, err,
                "invalid type for %s: expected an integer, "
                "got JSON %s",
                kc_schema_logical(schema) == KC_LOGICAL_DATE ? "Date" : "Time",
                kc_json_type_name(node));
        }
        rc = kc_jr_integer(node, INT32_MIN, INT32_MAX, "INT32", &v, path, err);
        if (rc != KC_OK) {
            return rc;
        }
        if (kc_schema_logical(schema) == KC_LOGICAL_TIME &&
            (v < 0 || v > KC_MILLIS_PER_DAY)) {
            return kc_jpath_fail(path, err,
                                 "Time value %lld is not within a day "
                                 "(0..86400000 ms)",
                                 (long long)v);
        }
        kc_value_set_int(out, KC_TYPE_INT32, v);
        return KC_OK;
    case KC_LOGICAL_TIMESTAMP:
        if (node->type != KC_JSON_NUMBER || !node->integral) {
            return kc_jpath_fail(path, err,
                                 "invalid type for Timestamp: expected an "
                                 "integer, got JSON %s",
                                 kc_json_type_name(node));
        }
        rc = kc_jr_integer(node, INT64_MIN, INT64_MAX, "INT64", &v, path, err);
        if (rc == KC_OK) {
            kc_value_set_int(out, KC_TYPE_INT64, v);
        }
        return rc;
    default:
        *done = false;
        return KC_OK;
    }
}

static kc_err_t kc_jr_value(kc_json_conv_t *conv, kc_arena_t *arena,
                            const kc_schema_t *schema, const kc_jnode_t *node,
                            kc_value_t *out, kc_jpath_t *path, kc_error_t *err)
{
    kc_type_t type;
    kc_err_t rc;
    bool done;
    int64_t v = 0;
    double d = 0;

    if (schema == NULL) {
        return kc_jr_schemaless(conv, arena, node, out, path, err);
    }
    type = kc_schema_type(schema);
    if (node == NULL || node->type == KC_JSON_NULL) {
        if (conv->replace_null && kc_schema_default(schema) != NULL) {
            kc_value_copy(arena, out, kc_schema_default(schema));
            return KC_OK;
        }
        if (kc_schema_optional(schema)) {
            kc_value_set_null(out);
            return KC_OK;
        }
        return kc_jpath_fail(path, err,
                             "invalid null value for required %s "
                             "field",
                             kc_type_name(type));
    }
    if (kc_schema_name(schema) != NULL) {
        rc = kc_jr_logical(conv, arena, schema, node, out, path, err, &done);
        if (rc != KC_OK || done) {
            return rc;
        }
    }
    switch (type) {
    case KC_TYPE_BOOLEAN:
        if (node->type != KC_JSON_TRUE && node->type != KC_JSON_FALSE) {
            return kc_jpath_fail(path, err, "expected BOOLEAN, got JSON %s",
                                 kc_json_type_name(node));
        }
        kc_value_set_bool(out, node->type == KC_JSON_TRUE);
        return KC_OK;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64: {
        static const int64_t mins[] = {INT8_MIN, INT16_MIN, INT32_MIN,
                                       INT64_MIN};
        static const int64_t maxs[] = {INT8_MAX, INT16_MAX, INT32_MAX,
                                       INT64_MAX};
        int w = type - KC_TYPE_INT8;

        rc = kc_jr_expect(node, KC_JSON_NUMBER, kc_type_name(type), path, err);
        if (rc == KC_OK) {
            rc = kc_jr_integer(node, mins[w], maxs[w], kc_type_name(type), &v,
                               path, err);
        }
        if (rc == KC_OK) {
            kc_value_set_int(out, type, v);
        }
        return rc;
    }
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        rc = kc_jr_float(node, type == KC_TYPE_FLOAT32, &d, path, err);
        if (rc == KC_OK) {
            kc_value_set_float(out, type, d);
        }
        return rc;
    case KC_TYPE_STRING:
        rc = kc_jr_expect(node, KC_JSON_STRING, "STRING", path, err);
        if (rc == KC_OK) {
            kc_value_set_string_ref(out, node->text, node->len);
        }
        return rc;
    case KC_TYPE_BYTES: {
        const uint8_t *bytes;
        size_t len;

        rc = kc_jr_expect(node, KC_JSON_STRING, "BYTES (base64 text)", path,
                          err);
        if (rc != KC_OK) {
            return rc;
        }
        rc = kc_base64_decode(arena, node->text, node->len, &bytes, &len, err);
        if (rc != KC_OK) {
            return kc_jpath_fail(path, err, "invalid bytes field: %s",
                                 err->msg);
        }
        out->type = KC_TYPE_BYTES;
        out->u.bytes.data = bytes;
        out->u.bytes.len = len;
        return KC_OK;
    }
    case KC_TYPE_ARRAY: {
        size_t i = 0;

        rc = kc_jr_expect(node, KC_JSON_ARRAY, "ARRAY", path, err);
        if (rc != KC_OK) {
            return rc;
        }
        kc_value_set_array(arena, out, node->len);
        for (const kc_jnode_t *c = node->child; c != NULL; c = c->next, i++) {
            size_t saved = kc_jpath_push_index(path, i);

            rc = kc_jr_value(conv, arena, kc_schema_items(schema), c,
                             &out->u.array.items[i], path, err);
            kc_jpath_pop(path, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case KC_TYPE_MAP: {
        const kc_schema_t *ks = kc_schema_key(schema);
        const kc_schema_t *vs = kc_schema_value(schema);
        size_t i = 0;

        if (ks != NULL && kc_schema_type(ks) == KC_TYPE_STRING) {
            if (node->type != KC_JSON_OBJECT) {
                return kc_jpath_fail(path, err,
                                     "maps with string fields should be "
                                     "encoded as JSON objects, but found %s",
                                     kc_json_type_name(node));
            }
            kc_value_set_map(arena, out, node->len);
            for (const kc_jnode_t *c = node->child; c != NULL;
                 c = c->next, i++) {
                size_t saved = kc_jpath_push_name(path, c->key);

                kc_value_set_string_ref(&out->u.map.keys[i], c->key,
                                        c->key_len);
                rc = kc_jr_value(conv, arena, vs, c, &out->u.map.values[i],
                                 path, err);
                kc_jpath_pop(path, saved);
                if (rc != KC_OK) {
                    return rc;
                }
            }
            return KC_OK;
        }
        if (node->type != KC_JSON_ARRAY) {
            return kc_jpath_fail(path, err,
                                 "maps with non-string fields should be "
                                 "encoded as JSON array of tuples, but found "
                                 "%s",
                                 kc_json_type_name(node));
        }
        kc_value_set_map(arena, out, node->len);
        for (const kc_jnode_t *c = node->child; c != NULL; c = c->next, i++) {
            size_t saved = kc_jpath_push_index(path, i);

            if (c->type != KC_JSON_ARRAY || c->len != 2) {
                rc = kc_jpath_fail(path, err,
                                   "found invalid map entry: expected a "
                                   "[key, value] array");
            } else {
                rc = kc_jr_value(conv, arena, ks, c->child, &out->u.map.keys[i],
                                 path, err);
                if (rc == KC_OK) {
                    rc = kc_jr_value(conv, arena, vs, c->child->next,
                                     &out->u.map.values[i], path, err);
                }
            }
            kc_jpath_pop(path, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case KC_TYPE_STRUCT: {
        size_t n = kc_schema_field_count(schema);

        if (node->type != KC_JSON_OBJECT) {
            return kc_jpath_fail(path, err,
                                 "structs should be encoded as JSON objects, "
                                 "but found %s",
                                 kc_json_type_name(node));
        }
        kc_value_set_struct(arena, out, schema);
        for (size_t i = 0; i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_jpath_push_name(path, f->name);

            rc = kc_jr_value(conv, arena, f->schema, kc_json_get(node, f->name),
                             &out->u.st.fields[i], path, err);
            kc_jpath_pop(path, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    default:
        return kc_jpath_fail(path, err, "unsupported schema type %s",
                             kc_type_name(type));
    }
}

/* Build a schema from its JSON; *out has one reference on success. */
static kc_err_t kc_jr_schema(kc_json_conv_t *conv, const kc_jnode_t *node,
                             kc_schema_t **out, kc_jpath_t *path,
                             kc_error_t *err)
{
    static const struct {
        const char *name;
        kc_type_t type;
    } types[] = {
        {"boolean", KC_TYPE_BOOLEAN}, {"int8", KC_TYPE_INT8},
        {"int16", KC_TYPE_INT16},     {"int32", KC_TYPE_INT32},
        {"int64", KC_TYPE_INT64},     {"float", KC_TYPE_FLOAT32},
        {"double", KC_TYPE_FLOAT64},  {"bytes", KC_TYPE_BYTES},
        {"string", KC_TYPE_STRING},   {"array", KC_TYPE_ARRAY},
        {"map", KC_TYPE_MAP},         {"struct", KC_TYPE_STRUCT},
    };
    const kc_jnode_t *tn = kc_json_get(node, "type");
    const kc_jnode_t *n;
    kc_type_t type = KC_TYPE_NULL;
    kc_schema_t *schema;
    kc_err_t rc = KC_OK;

    if (node->type != KC_JSON_OBJECT) {
        return kc_jpath_fail(path, err, "schema must be a JSON object, got %s",
                             kc_json_type_name(node));
    }
    if (tn == NULL || tn->type != KC_JSON_STRING) {
        return kc_jpath_fail(path, err, "schema must contain 'type' field");
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(types); i++) {
        if (strcmp(tn->text, types[i].name) == 0) {
            type = types[i].type;
        }
    }
    if (type == KC_TYPE_NULL) {
        return kc_jpath_fail(path, err, "unknown schema type: %s", tn->text);
    }
    schema = kc_schema_new(type);
    if (type == KC_TYPE_ARRAY) {
        kc_schema_t *items = NULL;

        n = kc_json_get(node, "items");
        if (n == NULL || n->type == KC_JSON_NULL) {
            rc = kc_jpath_fail(path, err,
                               "array schema did not specify the element "
                               "type");
        } else {
            rc = kc_jr_schema(conv, n, &items, path, err);
        }
        if (rc == KC_OK) {
            kc_schema_set_items_take(schema, items);
        }
    } else if (type == KC_TYPE_MAP) {
        const kc_jnode_t *kn = kc_json_get(node, "keys");
        const kc_jnode_t *vn = kc_json_get(node, "values");
        kc_schema_t *ks = NULL;
        kc_schema_t *vs = NULL;

        if (kn == NULL || kn->type == KC_JSON_NULL) {
            rc = kc_jpath_fail(path, err,
                               "map schema did not specify the key type");
        } else if (vn == NULL || vn->type == KC_JSON_NULL) {
            rc = kc_jpath_fail(path, err,
                               "map schema did not specify the value type");
        } else {
            rc = kc_jr_schema(conv, kn, &ks, path, err);
            if (rc == KC_OK) {
                rc = kc_jr_schema(conv, vn, &vs, path, err);
            }
        }
        if (rc == KC_OK) {
            kc_schema_set_map_take(schema, ks, vs);
        } else {
            kc_schema_unref(ks);
        }
    } else if (type == KC_TYPE_STRUCT) {
        n = kc_json_get(node, "fields");
        if (n == NULL || n->type != KC_JSON_ARRAY) {
            rc = kc_jpath_fail(path, err,
                               "struct schema's \"fields\" "
                               "argument is not an array");
        }
        for (const kc_jnode_t *c = n != NULL && rc == KC_OK ? n->child : NULL;
             c != NULL && rc == KC_OK; c = c->next) {
            const kc_jnode_t *fname = kc_json_get(c, "field");
            kc_schema_t *fs = NULL;
            size_t saved;

            if (fname == NULL || fname->type != KC_JSON_STRING) {
                rc = kc_jpath_fail(path, err,
                                   "struct schema's field name "
                                   "not specified properly");
                break;
            }
            saved = kc_jpath_push_name(path, fname->text);
            rc = kc_jr_schema(conv, c, &fs, path, err);
            if (rc == KC_OK) {
                rc = kc_schema_add_field_take(schema, fname->text, fs, err);
                if (rc != KC_OK) {
                    kc_schema_unref(fs);
                    kc_jpath_fail(path, err, "%s", err->msg);
                    rc = KC_ERR_INVALID;
                }
            }
            kc_jpath_pop(path, saved);
        }
    }
    if (rc != KC_OK) {
        kc_schema_unref(schema);
        return rc;
    }
    n = kc_json_get(node, "optional");
    kc_schema_set_optional(schema, n != NULL && n->type == KC_JSON_TRUE);
    n = kc_json_get(node, "name");
    if (n != NULL && n->type == KC_JSON_STRING) {
        kc_schema_set_name(schema, n->text);
    }
    n = kc_json_get(node, "version");
    if (n != NULL && n->type == KC_JSON_NUMBER && n->integral) {
        kc_schema_set_version(schema, (int32_t)strtoll(n->text, NULL, 10));
    }
    n = kc_json_get(node, "doc");
    if (n != NULL && n->type == KC_JSON_STRING) {
        kc_schema_set_doc(schema, n->text);
    }
    n = kc_json_get(node, "parameters");
    if (n != NULL && n->type == KC_JSON_OBJECT) {
        for (const kc_jnode_t *c = n->child; c != NULL; c = c->next) {
            if (c->type != KC_JSON_STRING) {
                kc_schema_unref(schema);
                return kc_jpath_fail(path, err,
                                     "schema parameters must have string "
                                     "values");
            }
            kc_schema_set_param(schema, c->key, c->text);
        }
    }
    if (kc_schema_logical(schema) == KC_LOGICAL_DECIMAL) {
        const char *s = kc_schema_param(schema, KC_DECIMAL_SCALE_PARAM);
        int64_t scale;

        /* Apache's Integer.parseInt: an int32, no surrounding spaces. */
        if (s == NULL || *s == '\0' || kc_str_is_space(s[0]) ||
            kc_str_is_space(s[strlen(s) - 1]) ||
            kc_str_to_i64(s, INT32_MIN, INT32_MAX, &scale) != KC_OK) {
            kc_schema_unref(schema);
            return kc_jpath_fail(path, err,
                                 "invalid Decimal schema: missing or bad "
                                 "\"scale\" parameter");
        }
    }
    n = kc_json_get(node, "default");
    if (n != NULL) {
        kc_arena_t *tmp = kc_arena_new(1024);
        kc_value_t dv;

        /* The schema has no default yet: a null must be allowed by it. */
        rc = kc_jr_value(conv, tmp, schema, n, &dv, path, err);
        if (rc == KC_OK) {
            rc = kc_schema_set_default(schema, &dv, err);
            if (rc != KC_OK) {
                kc_jpath_fail(path, err, "%s", err->msg);
            }
        }
        kc_arena_destroy(tmp);
        if (rc != KC_OK) {
            kc_schema_unref(schema);
            return rc;
        }
    }
    *out = schema;
    return KC_OK;
}

static uint64_t kc_fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The schema for @p node, from the cache when the same text was seen. */
static kc_err_t kc_jr_schema_cached(kc_json_conv_t *conv,
                                    const kc_jnode_t *node, kc_schema_t **out,
                                    kc_error_t *err)
{
    kc_jpath_t path = {.len = 0};
    kc_jsc_in_t *e = NULL;
    uint64_t h = 0;
    kc_err_t rc;

    if (conv->slots > 0 && node->type == KC_JSON_OBJECT) {
        h = kc_fnv1a(node->src, node->src_len);
        e = &conv->in_cache[h % conv->slots];
        pthread_mutex_lock(&conv->lock);
        if (e->schema != NULL && e->hash == h && e->len == node->src_len &&
            memcmp(e->text, node->src, e->len) == 0) {
            *out = kc_schema_ref(e->schema);
            pthread_mutex_unlock(&conv->lock);
            return KC_OK;
        }
        pthread_mutex_unlock(&conv->lock);
    }
    rc = kc_jr_schema(conv, node, out, &path, err);
    if (rc == KC_OK && e != NULL) {
        char *text = kc_strndup(node->src, node->src_len);

        pthread_mutex_lock(&conv->lock);
        kc_schema_unref(e->schema);
        kc_free(e->text);
        e->hash = h;
        e->text = text;
        e->len = node->src_len;
        e->schema = kc_schema_ref(*out);
        pthread_mutex_unlock(&conv->lock);
    }
    return rc;
}

static kc_err_t kc_json_to_connect(void *ctx, const char *topic,
                                   const char *header, const uint8_t *data,
                                   size_t len, kc_arena_t *arena,
                                   const kc_schema_t **schema,
                                   kc_value_t *value, kc_error_t *err)
{
    kc_json_conv_t *conv = ctx;
    kc_jpath_t path = {.len = 0};
    kc_jnode_t *root;
    const kc_jnode_t *payload = NULL;
    kc_schema_t *sch = NULL;
    kc_err_t rc;

    *schema = NULL;
    kc_value_set_null(value);
    if (data == NULL) {
        return KC_OK;
    }
    rc = kc_json_parse(arena, data, len, &root, err);
    if (rc != KC_OK) {
        goto fail;
    }
    if (!conv->schemas_enable) {
        rc = kc_jr_schemaless(conv, arena, root, value, &path, err);
        if (rc != KC_OK) {
            goto fail;
        }
        return KC_OK;
    }
    if (root == NULL || root->type != KC_JSON_OBJECT || root->len != 2 ||
        kc_json_get(root, "schema") == NULL ||
        (payload = kc_json_get(root, "payload")) == NULL) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "JsonConverter with schemas.enable requires "
                          "\"schema\" and \"payload\" fields and may not "
                          "contain additional fields; if you are trying to "
                          "deserialize plain JSON data, set "
                          "schemas.enable=false in your converter "
                          "configuration");
        goto fail;
    }
    if (kc_json_get(root, "schema")->type != KC_JSON_NULL) {
        rc = kc_jr_schema_cached(conv, kc_json_get(root, "schema"), &sch, err);
        if (rc != KC_OK) {
            kc_error_prefix(err, "invalid schema");
            goto fail;
        }
    }
    rc = kc_jr_value(conv, arena, sch, payload, value, &path, err);
    if (rc != KC_OK) {
        kc_schema_unref(sch);
        kc_value_set_null(value);
        goto fail;
    }
    if (sch != NULL) {
        /* Pin the schema for as long as the values that borrow it. */
        kc_arena_on_reset(arena, kc_schema_unref_cb, sch);
    }
    *schema = sch;
    return KC_OK;
fail:
    kc_error_prefix(err, "could not convert JSON to Connect data%s%s%s",
                    topic ? " from topic \"" : "", topic ? topic : "",
                    topic ? "\"" : "");
    return rc;
}

/* ---- lifecycle ------------------------------------------------------ */

static const char *const kc_json_decimal_formats[] = {"BASE64", "NUMERIC",
                                                      NULL};

static const kc_config_def_t kc_json_converter_config[] = {
    {.name = "schemas.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Include schemas within each of the serialized values and keys.",
     .group = "Schemas",
     .display_name = "Enable Schemas"},
    {.name = "schemas.cache.size",
     .type = KC_CFG_INT,
     .default_value = "1000",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The maximum number of schemas that can be cached in this "
            "converter instance.",
     .group = "Schemas",
     .display_name = "Schema Cache Size",
     .flags = KC_CFG_F_MIN,
     .min = 0},
    {.name = "decimal.format",
     .type = KC_CFG_STRING,
     .default_value = "BASE64",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Controls which format this converter will serialize decimals "
            "in. This value is case insensitive and can be either 'BASE64' "
            "(default) or 'NUMERIC'",
     .group = "Schemas",
     .display_name = "Decimal Format",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_json_decimal_formats},
    {.name = "replace.null.with.default",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Whether to replace fields that have a default value and that "
            "are null to the default value. When set to true, the default "
            "value is used, otherwise null is used.",
     .group = "Schemas",
     .display_name = "Replace null with default"},
    {.name = NULL}};

static void kc_json_destroy(void *ctx)
{
    kc_json_conv_t *conv = ctx;

    if (conv == NULL) {
        return;
    }
    for (size_t i = 0; i < conv->slots; i++) {
        kc_schema_unref(conv->out_cache[i].schema);
        kc_free(conv->out_cache[i].json);
        kc_schema_unref(conv->in_cache[i].schema);
        kc_free(conv->in_cache[i].text);
    }
    kc_free(conv->out_cache);
    kc_free(conv->in_cache);
    pthread_mutex_destroy(&conv->lock);
    kc_free(conv);
}

static kc_err_t kc_json_configure(void **ctx, const kc_props_t *config,
                                  bool is_key, kc_error_t *err)
{
    kc_json_conv_t *conv = kc_calloc(1, sizeof(*conv));
    const char *fmt = config ? kc_props_get(config, "decimal.format") : NULL;
    const char *cs = config ? kc_props_get(config, "schemas.cache.size") : NULL;
    kc_err_t rc;

    conv->is_key = is_key;
    conv->cache_size = 1000;
    pthread_mutex_init(&conv->lock, NULL);
    rc = kc_converter_parse_bool("schemas.enable",
                                 config ? kc_props_get(config, "schemas.enable")
                                        : NULL,
                                 true, &conv->schemas_enable, err);
    if (rc == KC_OK) {
        rc = kc_converter_parse_bool(
            "replace.null.with.default",
            config ? kc_props_get(config, "replace.null.with.default") : NULL,
            true, &conv->replace_null, err);
    }
    if (rc == KC_OK && fmt != NULL) {
        char *t = kc_str_trim_dup(fmt, strlen(fmt));

        if (kc_str_eq_nocase(t, "NUMERIC")) {
            conv->decimal_numeric = true;
        } else if (!kc_str_eq_nocase(t, "BASE64")) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid value \"%s\" for configuration "
                              "decimal.format: must be one of BASE64, "
                              "NUMERIC",
                              fmt);
        }
        kc_free(t);
    }
    if (rc == KC_OK && cs != NULL) {
        char *t = kc_str_trim_dup(cs, strlen(cs));
        char *end;
        long long n;

        errno = 0;
        n = strtoll(t, &end, 10);
        if (*t == '\0' || *end != '\0' || errno != 0 || n < 0 ||
            n > INT32_MAX) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid value \"%s\" for configuration "
                              "schemas.cache.size: expected an integer >= 0",
                              cs);
        } else {
            conv->cache_size = (size_t)n;
        }
        kc_free(t);
    }
    if (rc != KC_OK) {
        kc_json_destroy(conv);
        return rc;
    }
    /* Direct-mapped caches, bounded by schemas.cache.size as Apache's LRU
     * is, without its bookkeeping; a record stream has few schemas, so 256
     * slots keep a converter small. A collision only costs a rebuild. */
    conv->slots = conv->cache_size < 256 ? conv->cache_size : 256;
    if (conv->slots > 0) {
        conv->out_cache = kc_calloc(conv->slots, sizeof(kc_jsc_out_t));
        conv->in_cache = kc_calloc(conv->slots, sizeof(kc_jsc_in_t));
    }
    *ctx = conv;
    return KC_OK;
}

const struct kc_converter_plugin kc_json_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "JsonConverter",
    .class_name = "org.apache.kafka.connect.json.JsonConverter",
    .aliases = NULL,
    .version = KC_VERSION_STR,
    .config_def = kc_json_converter_config,
    .configure = kc_json_configure,
    .from_connect = kc_json_from_connect,
    .to_connect = kc_json_to_connect,
    .destroy = kc_json_destroy,
};
