/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JsonConverter's reader: JSON -> Connect data. Values read live in
 * the caller's arena.
 */
#include "kc_internal.h"

#include "converters/kc_json_converter_int.h"

#include <float.h>
#include <math.h>

#include "converters/kc_json_parse.h"
#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "util/kc_str.h"

/* ---- reader --------------------------------------------------------- */

static kc_err_t kc_jr_value(kc_json_conv_t *conv, kc_arena_t *arena,
                            const kc_schema_t *schema, const kc_jnode_t *node,
                            kc_value_t *out, kc_jpath_t *path, kc_error_t *err);

/*
 * The parser has checked a number's syntax, so short literals need no
 * libc call: up to 18 digits fit an int64, and a decimal (no exponent)
 * whose digits fit 2^53 and whose fraction has at most 22 digits is one
 * exactly rounded division of two exact doubles, which is what strtod
 * returns (Clinger's fast path; x86-64 evaluates doubles in SSE).
 */
static bool kc_jr_fast_int(const kc_jnode_t *node, int64_t *v)
{
    const char *p = node->text;
    bool neg = *p == '-';
    uint64_t u = 0;

    p += neg;
    if (node->len - neg > 18) {
        return false;
    }
    for (; *p != '\0'; p++) {
        u = u * 10 + (uint64_t)(*p - '0');
    }
    *v = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

static bool kc_jr_fast_double(const kc_jnode_t *node, double *d)
{
    static const double pow10[] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = node->text;
    bool neg = *p == '-';
    uint64_t u = 0;
    int digits = 0;
    int frac = -1;

#if !defined(__x86_64__) || FLT_EVAL_METHOD != 0
    return false;
#endif
    for (p += neg; *p != '\0'; p++) {
        if (*p == '.') {
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || ++digits > 19) {
            return false;
        }
        u = u * 10 + (uint64_t)(*p - '0');
        frac += frac >= 0;
    }
    if (u > (1ULL << 53) || frac > 22) {
        return false;
    }
    *d = frac > 0 ? (double)u / pow10[frac] : (double)u;
    if (neg) {
        *d = -*d;
    }
    return true;
}

/* An integral value of a number node, or an error. */
static kc_err_t kc_jr_integer(const kc_jnode_t *node, int64_t min, int64_t max,
                              const char *type_name, int64_t *result,
                              kc_jpath_t *path, kc_error_t *err)
{
    int64_t v = 0;

    errno = 0;
    if (node->integral && kc_jr_fast_int(node, &v)) {
        /* short literal, taken without strtoll */
    } else if (node->integral) {
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
        if (is_float) {
            *result = (double)strtof(node->text, NULL);
        } else if (!kc_jr_fast_double(node, result)) {
            *result = strtod(node->text, NULL);
        }
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
        int32_t own = scale;
        const uint8_t *bytes;
        size_t len;

        if (node->type == KC_JSON_NUMBER) {
            /* Apache reads the number as a BigDecimal with the number's
             * own scale (1.5, 1E+3) and keeps it. */
            rc = kc_decimal_text_scale(node->text, node->len, &own, err);
            if (rc != KC_OK) {
                /* Jackson refuses the number while parsing. */
                kc_error_prefix(err, "Converting byte[] to Kafka Connect "
                                     "data failed due to serialization error");
                return rc;
            }
            rc = kc_decimal_from_string(arena, node->text, node->len, own,
                                        &bytes, &len, err);
        } else if (node->type == KC_JSON_STRING) {
            rc = kc_base64_decode(arena, node->text, node->len, &bytes, &len,
                                  err);
            if (rc != KC_OK) {
                return kc_japache_fail(err, "Invalid bytes for Decimal field");
            }
            if (len == 0) {
                rc = kc_error_set(err, KC_ERR_INVALID, "no unscaled bytes");
            }
        } else {
            return kc_japache_fail(err,
                                   "Invalid type for Decimal, underlying "
                                   "representation should be numeric or bytes "
                                   "but was %s",
                                   kc_json_type_name(node));
        }
        if (rc != KC_OK) {
            return kc_jpath_fail(path, err, "invalid Decimal: %s", err->msg);
        }
        out->type = KC_TYPE_BYTES;
        out->flags = 0;
        out->u.bytes.data = bytes;
        out->u.bytes.len = len;
        kc_value_set_decimal_scale(out, own, scale);
        return KC_OK;
    }
    case KC_LOGICAL_DATE:
    case KC_LOGICAL_TIME:
        if (node->type != KC_JSON_NUMBER || !node->integral) {
            return kc_japache_fail(
                err,
                "Invalid type for %s, underlying representation should be "
                "integer but was %s",
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
            return kc_japache_fail(err,
                                   "Invalid type for Timestamp, underlying "
                                   "representation should be integral but was "
                                   "%s",
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
        return kc_japache_fail(err,
                               "Invalid null value for required %s "
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
            return kc_japache_fail(err, "Invalid bytes field");
        }
        out->type = KC_TYPE_BYTES;
        out->flags = 0;
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
                return kc_japache_fail(err,
                                       "Maps with string fields should be "
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
            return kc_japache_fail(err,
                                   "Maps with non-string fields should be "
                                   "encoded as JSON array of tuples, but found "
                                   "%s",
                                   kc_json_type_name(node));
        }
        kc_value_set_map(arena, out, node->len);
        for (const kc_jnode_t *c = node->child; c != NULL; c = c->next, i++) {
            size_t saved = kc_jpath_push_index(path, i);

            if (c->type != KC_JSON_ARRAY) {
                rc = kc_japache_fail(err,
                                     "Found invalid map entry instead of array "
                                     "tuple: %s",
                                     kc_json_type_name(c));
            } else if (c->len != 2) {
                rc = kc_japache_fail(err,
                                     "Found invalid map entry, expected length "
                                     "2 but found :%zu",
                                     c->len);
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
            return kc_japache_fail(err,
                                   "Structs should be encoded as JSON objects, "
                                   "but found %s",
                                   kc_json_type_name(node));
        }
        kc_value_set_struct(arena, out, schema);
        /* Members written in the schema's field order, one each, map
         * straight to the fields; any other shape is looked up by name. */
        bool in_order = node->len == n;
        const kc_jnode_t *c = node->child;

        for (size_t i = 0; i < n && in_order; i++, c = c->next) {
            const char *name = kc_schema_field_at(schema, i)->name;

            in_order = strlen(name) == c->key_len &&
                       memcmp(c->key, name, c->key_len) == 0;
        }
        c = node->child;
        for (size_t i = 0; i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_jpath_push_name(path, f->name);
            const kc_jnode_t *m = in_order ? c : kc_json_get(node, f->name);

            if (in_order) {
                c = c->next;
            }
            rc = kc_jr_value(conv, arena, f->schema, m, &out->u.st.fields[i],
                             path, err);
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
        /* Apache looks up "type" in any node, so says the same. */
        return kc_japache_fail(err, "Schema must contain 'type' field");
    }
    if (tn == NULL || tn->type != KC_JSON_STRING) {
        return kc_japache_fail(err, "Schema must contain 'type' field");
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(types); i++) {
        if (strcmp(tn->text, types[i].name) == 0) {
            type = types[i].type;
        }
    }
    if (type == KC_TYPE_NULL) {
        return kc_japache_fail(err, "Unknown schema type: %s", tn->text);
    }
    schema = kc_schema_new(type);
    if (type == KC_TYPE_ARRAY) {
        kc_schema_t *items = NULL;

        n = kc_json_get(node, "items");
        if (n == NULL || n->type == KC_JSON_NULL) {
            rc =
                kc_japache_fail(err, "Array schema did not specify the element "
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
            rc =
                kc_japache_fail(err, "Map schema did not specify the key type");
        } else if (vn == NULL || vn->type == KC_JSON_NULL) {
            rc = kc_japache_fail(err,
                                 "Map schema did not specify the value type");
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
            rc = kc_japache_fail(err, "Struct schema's \"fields\" "
                                      "argument is not an array.");
        }
        for (const kc_jnode_t *c = n != NULL && rc == KC_OK ? n->child : NULL;
             c != NULL && rc == KC_OK; c = c->next) {
            const kc_jnode_t *fname = kc_json_get(c, "field");
            kc_schema_t *fs = NULL;
            size_t saved;

            if (fname == NULL || fname->type != KC_JSON_STRING) {
                rc = kc_japache_fail(err, "Struct schema's field name "
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
                return kc_japache_fail(err,
                                       "Schema parameters must have string "
                                       "values.");
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
    kc_jpath_t path;
    kc_jsc_in_t *e = NULL;
    uint64_t h = 0;
    kc_err_t rc;

    path.len = 0; /* the segments are written as pushed */
    if (conv->slots > 0 && node->type == KC_JSON_OBJECT) {
        h = kc_fnv1a(node->src, node->src_len);
        e = &conv->in_cache[h % conv->slots];
        pthread_mutex_lock(&conv->lock);
        if (e->schema != NULL && e->hash == h && e->len == node->src_len &&
            memcmp(e->text, node->src, e->len) == 0) {
            *out = kc_schema_ref(e->schema);
            conv->in_last = h % conv->slots;
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
        conv->in_last = h % conv->slots;
        pthread_mutex_unlock(&conv->lock);
    }
    return rc;
}

/*
 * Records of one topic mostly repeat the same schema text, and parsing
 * it into nodes only to find it cached was most of the reader's work. A
 * record written exactly as {"schema":<the last cached text>,"payload":
 * <value>} has the same tree as the full parse would give, so only the
 * payload is parsed. Anything else (whitespace, another order, bad JSON)
 * returns false and takes the full path, which gives the errors.
 */
static bool kc_jr_fast(kc_json_conv_t *conv, const uint8_t *data, size_t len,
                       kc_arena_t *arena, kc_schema_t **sch,
                       const kc_jnode_t **payload)
{
    static const char head[] = "{\"schema\":";
    static const char mid[] = ",\"payload\":";
    const size_t hl = sizeof(head) - 1;
    const size_t ml = sizeof(mid) - 1;
    kc_schema_t *found = NULL;
    kc_jnode_t *node;
    size_t off = 0;
    size_t end = 0;

    if (conv->slots == 0 || len < hl + ml + 2 || data[len - 1] != '}' ||
        memcmp(data, head, hl) != 0) {
        return false;
    }
    pthread_mutex_lock(&conv->lock);
    {
        const kc_jsc_in_t *e = &conv->in_cache[conv->in_last];

        if (e->schema != NULL && e->len <= len - hl - ml - 2 &&
            memcmp(data + hl, e->text, e->len) == 0 &&
            memcmp(data + hl + e->len, mid, ml) == 0) {
            found = kc_schema_ref(e->schema);
            off = hl + e->len + ml;
        }
    }
    pthread_mutex_unlock(&conv->lock);
    if (found == NULL) {
        return false;
    }
    /* Depth 1: the payload sits inside the record's object. */
    if (kc_json_parse_at(arena, data, len, off, 1, &node, &end, NULL) !=
            KC_OK ||
        end != len - 1) {
        kc_schema_unref(found);
        return false;
    }
    *sch = found;
    *payload = node;
    return true;
}

kc_err_t kc_json_to_connect(void *ctx, const char *topic, const char *header,
                            const uint8_t *data, size_t len, kc_arena_t *arena,
                            const kc_schema_t **schema, kc_value_t *value,
                            kc_error_t *err)
{
    kc_json_conv_t *conv = ctx;
    kc_jpath_t path;
    kc_jnode_t *root;
    const kc_jnode_t *payload = NULL;
    kc_schema_t *sch = NULL;
    kc_err_t rc;

    path.len = 0; /* the segments are written as pushed */
    *schema = NULL;
    kc_value_set_null(value);
    if (data == NULL) {
        return KC_OK;
    }
    if (conv->schemas_enable &&
        kc_jr_fast(conv, data, len, arena, &sch, &payload)) {
        goto convert;
    }
    rc = kc_json_parse(arena, data, len, &root, err);
    if (rc != KC_OK) {
        /* Apache's text, then the parser's detail where Apache has
         * Jackson's exception as the cause (docs/compat.md). */
        kc_error_prefix(err, "Converting byte[] to Kafka Connect data failed "
                             "due to serialization error");
        return rc;
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
                          "contain additional fields. If you are trying to "
                          "deserialize plain JSON data, set "
                          "schemas.enable=false in your converter "
                          "configuration.");
        goto fail;
    }
    if (kc_json_get(root, "schema")->type != KC_JSON_NULL) {
        rc = kc_jr_schema_cached(conv, kc_json_get(root, "schema"), &sch, err);
        if (rc != KC_OK) {
            goto fail;
        }
    }
convert:
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
    /* Apache's DataException text alone: the error handler's report
     * names the stage, the converter and the record. */
    KC_UNUSED(topic);
    return rc;
}
