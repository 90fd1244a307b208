/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JsonConverter's writer: Connect data -> JSON. It appends straight
 * into the output kc_buf, in the key order and number format Jackson
 * uses, so the bytes equal Apache's.
 */
#include "kc_internal.h"

#include "converters/kc_json_converter_int.h"

#include <math.h>

#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"
#include "data/kc_value_text.h"
#include "util/kc_utf8.h"

/* ---- writer --------------------------------------------------------- */

static const char kc_hex_upper[] = "0123456789ABCDEF";

/*
 * kc_buf_reserve/putc/append with their common case (room already there)
 * inlined: the writer calls them a few dozen times per record, and the
 * out-of-line calls were a tenth of a JDBC source task's instructions.
 * Same limits as kc_buf_reserve (the NUL's byte, buf->max).
 */
static inline bool kc_jw_room(const kc_buf_t *out, size_t extra)
{
    return out->cap > out->len && extra < out->cap - out->len &&
           (out->max == 0 || out->len + extra <= out->max);
}

static inline kc_err_t kc_jw_reserve(kc_buf_t *out, size_t extra)
{
    return kc_jw_room(out, extra) ? KC_OK : kc_buf_reserve(out, extra);
}

static inline kc_err_t kc_jw_putc(kc_buf_t *out, char c)
{
    if (!kc_jw_room(out, 1)) {
        return kc_buf_putc(out, c);
    }
    out->data[out->len++] = (uint8_t)c;
    return KC_OK;
}

static inline kc_err_t kc_jw_append(kc_buf_t *out, const void *data, size_t len)
{
    if (!kc_jw_room(out, len)) {
        return kc_buf_append(out, data, len);
    }
    if (len > 0) {
        memcpy(out->data + out->len, data, len);
    }
    out->len += len;
    return KC_OK;
}

static inline kc_err_t kc_jw_puts(kc_buf_t *out, const char *s)
{
    return kc_jw_append(out, s, strlen(s));
}

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
    kc_err_t rc = kc_jw_reserve(out, len + 2);

    if (rc != KC_OK) {
        return rc;
    }
    out->data[out->len++] = '"';
    /* Short plain ASCII (field names, most values): copy it whole. */
    if (len < 16) {
        size_t i = 0;

        while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
               p[i] != '\\') {
            i++;
        }
        if (i == len) {
            if (len > 0) {
                memcpy(out->data + out->len, p, len);
            }
            out->len += len;
            out->data[out->len++] = '"';
            return KC_OK;
        }
    }
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
        rc = kc_jw_append(out, run, (size_t)(p - run));
        if (rc == KC_OK) {
            rc = kc_jw_append(out, esc, elen);
        }
        if (rc != KC_OK) {
            return rc;
        }
        p += skip;
        run = p;
    }
    rc = kc_jw_append(out, run, (size_t)(p - run));
    if (rc == KC_OK) {
        rc = kc_jw_putc(out, '"');
    }
    return rc;
}

static kc_err_t kc_jw_int(kc_buf_t *out, int64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    /* Negate in unsigned arithmetic so INT64_MIN works. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    /* Two digits per division: epoch milliseconds have 13. */
    static const char pairs[] = "00010203040506070809101112131415161718192021"
                                "22232425262728293031323334353637383940414243"
                                "44454647484950515253545556575859606162636465"
                                "66676869707172737475767778798081828384858687"
                                "888990919293949596979899";

    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);

        u /= 100;
        *--p = pairs[2 * r + 1];
        *--p = pairs[2 * r];
    }
    if (u >= 10) {
        *--p = pairs[2 * u + 1];
        *--p = pairs[2 * u];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0) {
        *--p = '-';
    }
    return kc_jw_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
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
        return kc_jw_append(out, tmp, n + 2);
    }
    return kc_jw_append(out, tmp + 1, n);
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
                             kc_jpath_t *path, kc_error_t *err);

static kc_err_t kc_jw_schema_or_null(kc_json_conv_t *conv, kc_buf_t *out,
                                     const kc_schema_t *schema,
                                     kc_jpath_t *path, kc_error_t *err)
{
    if (schema == NULL) {
        return kc_jw_puts(out, "null");
    }
    return kc_jw_schema(conv, out, schema, NULL, path, err);
}

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
        /*
         * Values.parseString gives an array of mixed items no item schema;
         * Apache writes that as "items":null and the items schemaless.
         */
        rc = kc_jw_puts(out, ",\"items\":");
        if (rc == KC_OK) {
            rc = kc_jw_schema_or_null(conv, out, kc_schema_items(schema), path,
                                      err);
        }
    } else if (type == KC_TYPE_MAP) {
        /* A null value schema is written as "values":null (as above). */
        if (kc_schema_key(schema) == NULL) {
            return kc_jpath_fail(path, err, "map schema has no key schema");
        }
        rc = kc_jw_puts(out, ",\"keys\":");
        if (rc == KC_OK) {
            rc =
                kc_jw_schema(conv, out, kc_schema_key(schema), NULL, path, err);
        }
        if (rc == KC_OK) {
            rc = kc_jw_puts(out, ",\"values\":");
        }
        if (rc == KC_OK) {
            rc = kc_jw_schema_or_null(conv, out, kc_schema_value(schema), path,
                                      err);
        }
    } else if (type == KC_TYPE_STRUCT) {
        size_t n = kc_schema_field_count(schema);

        rc = kc_jw_puts(out, ",\"fields\":[");
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_jpath_push_name(path, f->name);

            if (i > 0) {
                rc = kc_jw_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_schema(conv, out, f->schema, f->name, path, err);
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, ']');
        }
    }
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_jw_puts(out, kc_schema_optional(schema) ? ",\"optional\":true"
                                                    : ",\"optional\":false");
    if (rc == KC_OK && kc_schema_name(schema) != NULL) {
        rc = kc_jw_puts(out, ",\"name\":");
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
        rc = kc_jw_puts(out, ",\"doc\":");
        if (rc == KC_OK) {
            rc = kc_jw_string(out, kc_schema_doc(schema),
                              strlen(kc_schema_doc(schema)));
        }
    }
    if (rc == KC_OK && kc_schema_param_count(schema) > 0) {
        size_t n = kc_schema_param_count(schema);

        rc = kc_jw_puts(out, ",\"parameters\":{");
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const char *k;
            const char *v;

            kc_schema_param_at(schema, i, &k, &v);
            if (i > 0) {
                rc = kc_jw_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_string(out, k, strlen(k));
            }
            if (rc == KC_OK) {
                rc = kc_jw_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_jw_string(out, v, strlen(v));
            }
        }
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, '}');
        }
    }
    if (rc == KC_OK && kc_schema_default(schema) != NULL) {
        rc = kc_jw_puts(out, ",\"default\":");
        if (rc == KC_OK) {
            rc = kc_jw_value(conv, out, schema, kc_schema_default(schema), path,
                             err);
        }
    }
    if (rc == KC_OK && field != NULL) {
        rc = kc_jw_puts(out, ",\"field\":");
        if (rc == KC_OK) {
            rc = kc_jw_string(out, field, strlen(field));
        }
    }
    if (rc == KC_OK) {
        rc = kc_jw_putc(out, '}');
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
            rc = kc_jw_append(out, tmp.data, tmp.len);
        } else {
            rc = kc_jw_string(out, (const char *)tmp.data, tmp.len);
        }
    }
    kc_buf_release(&tmp);
    return rc;
}

/* A copy of a cached struct schema's keys (kc_jsc_out_t), for one record
 * outside the cache's lock. */
typedef struct kc_jw_keys {
    char text[KC_JSC_KEYS_MAX];
    uint16_t end[KC_JSC_KEYS_FIELDS];
    size_t n; /* 0: none */
} kc_jw_keys_t;

/* A struct value of @p schema; @p keys, when not NULL, are its fields'
 * keys already escaped. */
static kc_err_t kc_jw_struct(kc_json_conv_t *conv, kc_buf_t *out,
                             const kc_schema_t *schema, const kc_value_t *value,
                             const kc_jw_keys_t *keys, kc_jpath_t *path,
                             kc_error_t *err)
{
    size_t n = kc_schema_field_count(schema);
    kc_err_t rc;

    if (value->u.st.schema != schema &&
        !kc_schema_equals(value->u.st.schema, schema)) {
        return kc_japache_fail(err, "Mismatching schema.");
    }
    rc = kc_jw_putc(out, '{');
    for (size_t i = 0; rc == KC_OK && i < n; i++) {
        const kc_field_t *f = kc_schema_field_at(schema, i);
        size_t saved = kc_jpath_push_name(path, f->name);

        if (i > 0) {
            rc = kc_jw_putc(out, ',');
        }
        if (keys != NULL) {
            size_t at = i > 0 ? keys->end[i - 1] : 0;

            if (rc == KC_OK) {
                rc = kc_jw_append(out, keys->text + at, keys->end[i] - at);
            }
        } else {
            if (rc == KC_OK) {
                rc = kc_jw_string(out, f->name, strlen(f->name));
            }
            if (rc == KC_OK) {
                rc = kc_jw_putc(out, ':');
            }
        }
        if (rc == KC_OK) {
            rc = kc_jw_value(conv, out, f->schema, &value->u.st.fields[i], path,
                             err);
        }
        kc_jpath_pop(path, saved);
    }
    if (rc == KC_OK) {
        rc = kc_jw_putc(out, '}');
    }
    return rc;
}

static kc_err_t kc_jw_value(kc_json_conv_t *conv, kc_buf_t *out,
                            const kc_schema_t *schema, const kc_value_t *value,
                            kc_jpath_t *path, kc_error_t *err)
{
    kc_type_t type;

    if (value == NULL || value->type == KC_TYPE_NULL) {
        if (schema == NULL) {
            return kc_jw_puts(out, "null");
        }
        if (conv->replace_null && kc_schema_default(schema) != NULL) {
            return kc_jw_value(conv, out, schema, kc_schema_default(schema),
                               path, err);
        }
        if (kc_schema_optional(schema)) {
            return kc_jw_puts(out, "null");
        }
        return kc_japache_fail(err,
                               "Conversion error: null value for field that "
                               "is required and has no default value");
    }
    if (schema == NULL && (value->flags & KC_VALUE_F_DATE) &&
        value->type == KC_TYPE_INT64) {
        /* ConnectSchema.schemaType knows no java.util.Date. */
        return kc_japache_fail(err, "Java class class java.util.Date does not "
                                    "have corresponding schema type.");
    }
    if (schema == NULL && value->type == KC_TYPE_STRUCT) {
        /* Apache rejects this ("Mismatching schema"); the struct knows its
         * schema, so write it. */
        schema = value->u.st.schema;
    }
    type = schema != NULL ? kc_schema_type(schema) : value->type;
    if (value->type != type) {
        return kc_japache_fail(err, "Invalid type for %s: class %s",
                               kc_type_name(type), kc_value_java_class(value));
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
                    d, n, kc_value_decimal_scale(schema, value), out);
            }
            if (kc_value_decimal_scale(schema, value) !=
                kc_schema_decimal_scale(schema)) {
                /* Decimal.fromLogical refuses it: the bytes alone would
                 * be read back at the schema's scale. */
                return kc_japache_fail(
                    err,
                    "Decimal value has mismatching scale for given Decimal "
                    "schema. Schema has scale %d, value has scale %d.",
                    (int)kc_schema_decimal_scale(schema),
                    (int)kc_value_decimal_scale(schema, value));
            }
            {
                kc_err_t rc = kc_jw_putc(out, '"');

                if (rc == KC_OK) {
                    rc = kc_base64_encode(d, n, out);
                }
                if (rc == KC_OK) {
                    rc = kc_jw_putc(out, '"');
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
        return kc_jw_puts(out, value->u.b ? "true" : "false");
    case KC_TYPE_STRING:
        return kc_jw_string(out, value->u.str.data, value->u.str.len);
    case KC_TYPE_BYTES: {
        kc_err_t rc = kc_jw_putc(out, '"');

        if (rc == KC_OK) {
            rc = kc_base64_encode(value->u.bytes.data, value->u.bytes.len, out);
        }
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, '"');
        }
        return rc;
    }
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items = schema ? kc_schema_items(schema) : NULL;
        kc_err_t rc = kc_jw_putc(out, '[');

        for (size_t i = 0; rc == KC_OK && i < value->u.array.len; i++) {
            size_t saved = kc_jpath_push_index(path, i);

            if (i > 0) {
                rc = kc_jw_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_jw_value(conv, out, items, &value->u.array.items[i],
                                 path, err);
            }
            kc_jpath_pop(path, saved);
        }
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, ']');
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
        size_t n = value->u.map.len;
        /*
         * Jackson writes a Java map in its iteration order: a HashMap's
         * (what JsonConverter and most transforms make) is hash order; a
         * LinkedHashMap's (KC_VALUE_F_LINKED) the entries' own. The order
         * lives in the thread's scratch: nothing allocated per record.
         */
        kc_map_order_scratch_t *scratch = kc_map_order_thread_scratch();
        const size_t *order = kc_map_order_push(scratch, ks, value);
        kc_err_t rc = kc_jw_putc(out, object_mode ? '{' : '[');

        for (size_t j = 0; rc == KC_OK && j < n; j++) {
            size_t i = order != NULL ? order[j] : j;
            size_t saved = kc_jpath_push_index(path, i);

            if (j > 0) {
                rc = kc_jw_putc(out, ',');
            }
            if (rc == KC_OK && object_mode) {
                rc = kc_jw_map_key(conv, out, ks, &value->u.map.keys[i], path,
                                   err);
                if (rc == KC_OK) {
                    rc = kc_jw_putc(out, ':');
                }
            } else if (rc == KC_OK) {
                rc = kc_jw_putc(out, '[');
                if (rc == KC_OK) {
                    rc = kc_jw_value(conv, out, ks, &value->u.map.keys[i], path,
                                     err);
                }
                if (rc == KC_OK) {
                    rc = kc_jw_putc(out, ',');
                }
            }
            if (rc == KC_OK) {
                rc = kc_jw_value(conv, out, vs, &value->u.map.values[i], path,
                                 err);
            }
            if (rc == KC_OK && !object_mode) {
                rc = kc_jw_putc(out, ']');
            }
            kc_jpath_pop(path, saved);
        }
        kc_map_order_pop(scratch);
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, object_mode ? '}' : ']');
        }
        return rc;
    }
    case KC_TYPE_STRUCT:
        return kc_jw_struct(conv, out, schema, value, NULL, path, err);
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

/* A struct schema's keys for the cache: "name": per field, as the
 * payload writer escapes them; false when the schema is no struct or its
 * keys do not fit a kc_jw_keys_t. */
static bool kc_jw_build_keys(const kc_schema_t *schema, char **keys,
                             uint16_t **key_end, size_t *nkeys)
{
    size_t n;
    kc_buf_t text;
    bool ok = true;

    if (kc_schema_type(schema) != KC_TYPE_STRUCT) {
        return false;
    }
    n = kc_schema_field_count(schema);
    if (n == 0 || n > KC_JSC_KEYS_FIELDS) {
        return false;
    }
    kc_buf_init(&text, 0);
    *key_end = kc_calloc(n, sizeof(**key_end));
    for (size_t i = 0; ok && i < n; i++) {
        const char *name = kc_schema_field_at(schema, i)->name;

        ok = kc_jw_string(&text, name, strlen(name)) == KC_OK &&
             kc_jw_putc(&text, ':') == KC_OK && text.len <= KC_JSC_KEYS_MAX;
        (*key_end)[i] = (uint16_t)text.len;
    }
    if (!ok) {
        kc_free(*key_end);
        *key_end = NULL;
        kc_buf_release(&text);
        return false;
    }
    *keys = kc_buf_detach(&text, NULL);
    *nkeys = n;
    return true;
}

static void kc_jw_copy_keys(const kc_jsc_out_t *e, kc_jw_keys_t *keys)
{
    if (keys == NULL) {
        return;
    }
    keys->n = 0;
    if (e->keys != NULL) {
        memcpy(keys->text, e->keys, e->key_end[e->nkeys - 1]);
        memcpy(keys->end, e->key_end, e->nkeys * sizeof(*e->key_end));
        keys->n = e->nkeys;
    }
}

/* Append the schema's JSON, from the cache when possible; @p keys (may be
 * NULL) gets a struct schema's cached keys. */
static kc_err_t kc_jw_schema_cached(kc_json_conv_t *conv, kc_buf_t *out,
                                    const kc_schema_t *schema,
                                    kc_jw_keys_t *keys, kc_error_t *err)
{
    kc_jpath_t path;
    kc_buf_t tmp;
    kc_err_t rc;
    size_t slot;

    path.len = 0; /* the segments are written as pushed */
    if (conv->slots == 0) {
        return kc_jw_schema(conv, out, schema, NULL, &path, err);
    }
    slot = kc_ptr_slot(schema, conv->slots);
    pthread_mutex_lock(&conv->lock);
    if (conv->out_cache[slot].schema == schema) {
        rc = kc_jw_append(out, conv->out_cache[slot].json,
                          conv->out_cache[slot].len);
        if (rc == KC_OK) {
            kc_jw_copy_keys(&conv->out_cache[slot], keys);
        }
        pthread_mutex_unlock(&conv->lock);
        return rc;
    }
    pthread_mutex_unlock(&conv->lock);
    kc_buf_init(&tmp, 0);
    rc = kc_jw_schema(conv, &tmp, schema, NULL, &path, err);
    if (rc == KC_OK) {
        rc = kc_jw_append(out, tmp.data, tmp.len);
    }
    if (rc == KC_OK) {
        kc_jsc_out_t *e = &conv->out_cache[slot];
        size_t len;
        char *json = kc_buf_detach(&tmp, &len);
        char *knames = NULL;
        uint16_t *kend = NULL;
        size_t nk = 0;

        kc_jw_build_keys(schema, &knames, &kend, &nk);
        pthread_mutex_lock(&conv->lock);
        kc_schema_unref(e->schema);
        kc_free(e->json);
        kc_free(e->keys);
        kc_free(e->key_end);
        e->schema = kc_schema_ref(schema);
        e->json = json;
        e->len = len;
        e->keys = knames;
        e->key_end = kend;
        e->nkeys = nk;
        kc_jw_copy_keys(e, keys);
        pthread_mutex_unlock(&conv->lock);
    }
    kc_buf_release(&tmp);
    return rc;
}

kc_err_t kc_json_from_connect(void *ctx, const char *topic, const char *header,
                              const kc_schema_t *schema,
                              const kc_value_t *value, kc_buf_t *out,
                              bool *is_null, kc_error_t *err)
{
    kc_json_conv_t *conv = ctx;
    kc_jpath_t path;
    size_t start = out->len;
    kc_err_t rc;

    path.len = 0; /* the segments are written as pushed */
    *is_null = false;
    if (schema == NULL && (value == NULL || value->type == KC_TYPE_NULL)) {
        *is_null = true;
        return KC_OK;
    }
    if (conv->schemas_enable) {
        kc_jw_keys_t keys;

        keys.n = 0;
        rc = kc_jw_puts(out, "{\"schema\":");
        if (rc == KC_OK) {
            rc = schema != NULL
                     ? kc_jw_schema_cached(conv, out, schema, &keys, err)
                     : kc_jw_puts(out, "null");
        }
        if (rc == KC_OK) {
            rc = kc_jw_puts(out, ",\"payload\":");
        }
        if (rc == KC_OK && keys.n > 0 && value != NULL &&
            value->type == KC_TYPE_STRUCT &&
            keys.n == kc_schema_field_count(schema)) {
            /* what kc_jw_value does with a struct, keys from the cache */
            rc = kc_jw_struct(conv, out, schema, value, &keys, &path, err);
        } else if (rc == KC_OK) {
            rc = kc_jw_value(conv, out, schema, value, &path, err);
        }
        if (rc == KC_OK) {
            rc = kc_jw_putc(out, '}');
        }
    } else {
        rc = kc_jw_value(conv, out, schema, value, &path, err);
    }
    if (rc != KC_OK) {
        out->len = start;
        if (rc == KC_ERR_TOO_LARGE) {
            kc_error_set(err, rc, "JSON of the record is too large");
        }
        /* Apache's DataException text alone, as on the read side. */
        KC_UNUSED(topic);
    }
    return rc;
}
