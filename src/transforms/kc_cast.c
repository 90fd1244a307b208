/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cast$Key / $Value: cast fields (`spec=f1:int32,f2:string`) or the whole
 * key/value (`spec=int64`) to another primitive type, with Java's
 * narrowing rules (Number.intValue() and friends), Java's parsing of
 * strings and Java's toString (bytes become base64).
 */
#include "kc_internal.h"

#include <math.h>
#include <time.h>

#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"
#include "transforms/kc_java_date_format.h"
#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"
#include "util/kc_str.h"

#define KC_PURPOSE "cast types"

typedef struct kc_cast_spec {
    char *field; /* NULL: the whole key/value */
    kc_type_t type;
} kc_cast_spec_t;

typedef struct kc_cast {
    kc_tx_side_t side;
    kc_cast_spec_t *specs;
    size_t nspecs;
    kc_type_t whole; /* KC_TYPE_NULL: casting fields */
    bool with_default;
    kc_tx_schema_cache_t cache;
} kc_cast_t;

static const char *const kc_type_names_lower[] = {
    [KC_TYPE_INT8] = "INT8",       [KC_TYPE_INT16] = "INT16",
    [KC_TYPE_INT32] = "INT32",     [KC_TYPE_INT64] = "INT64",
    [KC_TYPE_FLOAT32] = "FLOAT32", [KC_TYPE_FLOAT64] = "FLOAT64",
    [KC_TYPE_BOOLEAN] = "BOOLEAN", [KC_TYPE_STRING] = "STRING",
    [KC_TYPE_BYTES] = "BYTES",     [KC_TYPE_ARRAY] = "ARRAY",
    [KC_TYPE_MAP] = "MAP",         [KC_TYPE_STRUCT] = "STRUCT"};

#define KC_CAST_OUTPUTS                                                        \
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"
#define KC_CAST_INPUTS                                                         \
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"

/* Schema.Type.valueOf(name.trim().toUpperCase()) */
static kc_err_t kc_cast_type(const char *text, size_t len, kc_type_t *out,
                             kc_error_t *err)
{
    char *name = kc_str_trim_dup(text, len);

    for (size_t t = KC_TYPE_INT8; t <= KC_TYPE_STRUCT; t++) {
        if (kc_str_eq_nocase(name, kc_type_names_lower[t])) {
            kc_free(name);
            if (t == KC_TYPE_BYTES || t > KC_TYPE_STRING) {
                return kc_error_set(
                    err, KC_ERR_INVALID,
                    "Cast transformation does not support "
                    "casting to %s; supported types are " KC_CAST_OUTPUTS,
                    kc_type_names_lower[t]);
            }
            *out = (kc_type_t)t;
            return KC_OK;
        }
    }
    kc_error_set(err, KC_ERR_INVALID, "Invalid type found in casting spec: %s",
                 name);
    kc_free(name);
    return KC_ERR_INVALID;
}

/* Cast.parseFieldTypes; fills @p t when not NULL. */
static kc_err_t kc_cast_parse(const char *value, kc_cast_t *t, kc_error_t *err)
{
    kc_strlist_t list = {0};
    kc_err_t rc = KC_OK;
    bool whole = false;

    kc_str_split_comma(value, &list);
    if (list.count == 0) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "Must specify at least one field to cast.");
    }
    if (t != NULL) {
        t->specs = kc_calloc(list.count + 1, sizeof(*t->specs));
    }
    for (size_t i = 0; i < list.count && rc == KC_OK; i++) {
        const char *m = list.items[i];
        const char *colon = strchr(m, ':');
        size_t n = strlen(m);
        kc_type_t type = KC_TYPE_NULL;

        while (n > 0 && m[n - 1] == ':') {
            n--; /* String.split drops trailing empty parts */
        }
        if (colon != NULL && colon >= m + n) {
            colon = NULL;
        }
        if (colon != NULL &&
            memchr(colon + 1, ':', n - (size_t)(colon + 1 - m))) {
            rc = kc_error_set(err, KC_ERR_INVALID, "Invalid rename mapping: %s",
                              m);
            break;
        }
        if (colon == NULL) {
            rc = kc_cast_type(m, n, &type, err);
            whole = true;
        } else {
            rc = kc_cast_type(colon + 1, n - (size_t)(colon + 1 - m), &type,
                              err);
        }
        if (rc == KC_OK && t != NULL) {
            kc_cast_spec_t *spec = &t->specs[t->nspecs++];

            spec->type = type;
            if (colon != NULL) {
                spec->field = kc_str_trim_dup(m, (size_t)(colon - m));
            } else {
                t->whole = type;
            }
        }
    }
    if (rc == KC_OK && whole && list.count > 1) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "Cast transformations that specify a type to cast "
                          "the entire value to may only specify a single cast "
                          "in their spec");
    }
    kc_strlist_release(&list);
    return rc;
}

static kc_err_t kc_spec_validator(const kc_config_def_t *def, const char *value,
                                  kc_error_t *err)
{
    KC_UNUSED(def);
    return value != NULL ? kc_cast_parse(value, NULL, err) : KC_OK;
}

static const kc_config_def_t kc_cast_defs[] = {
    {.name = "spec",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "List of fields and the type to cast them to of the form "
            "field1:type,field2:type to cast fields of Maps or Structs. A "
            "single type to cast the entire value. Valid types are int8, "
            "int16, int32, int64, float32, float64, boolean, and string. Note "
            "that binary fields can only be cast to string.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_spec_validator},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_cast_destroy(void *ctx)
{
    kc_cast_t *t = ctx;

    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->nspecs; i++) {
        kc_free(t->specs[i].field);
    }
    kc_free(t->specs);
    kc_tx_cache_release(&t->cache);
    kc_free(t);
}

static kc_err_t kc_cast_configure(void **ctx, const kc_props_t *props,
                                  kc_tx_side_t side, kc_error_t *err)
{
    kc_config_t *config = kc_tx_config(kc_cast_defs, props, err);
    kc_cast_t *t;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->whole = KC_TYPE_NULL;
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    if (kc_cast_parse(kc_config_string(config, "spec"), t, err) != KC_OK) {
        kc_config_destroy(config);
        kc_cast_destroy(t);
        return KC_ERR_INVALID;
    }
    kc_config_destroy(config);
    *ctx = t;
    return KC_OK;
}

/* The target type of field @p name, or KC_TYPE_NULL (last spec wins). */
static kc_type_t kc_cast_target(const kc_cast_t *t, const char *name)
{
    kc_type_t type = KC_TYPE_NULL;

    for (size_t i = 0; i < t->nspecs; i++) {
        if (t->specs[i].field != NULL && strcmp(t->specs[i].field, name) == 0) {
            type = t->specs[i].type;
        }
    }
    return type;
}

/* Java's (int) of a double: saturating, NaN is 0. */
static int64_t kc_d2i(double d, int64_t min, int64_t max)
{
    if (isnan(d)) {
        return 0;
    }
    if (d <= (double)min) {
        return min;
    }
    if (d >= (double)max) {
        return max;
    }
    return (int64_t)d;
}

/* Narrow a long to @p type as Java's (byte)/(short)/(int) casts wrap. */
static int64_t kc_wrap(int64_t v, kc_type_t type)
{
    switch (type) {
    case KC_TYPE_INT8:
        return (int8_t)(uint8_t)(uint64_t)v;
    case KC_TYPE_INT16:
        return (int16_t)(uint16_t)(uint64_t)v;
    case KC_TYPE_INT32:
        return (int32_t)(uint32_t)(uint64_t)v;
    default:
        return v;
    }
}

/* Number.xxxValue() of a double for an integer target. */
static int64_t kc_double_to(double d, kc_type_t type)
{
    if (type == KC_TYPE_INT64) {
        return kc_d2i(d, INT64_MIN, INT64_MAX);
    }
    return kc_wrap(kc_d2i(d, INT32_MIN, INT32_MAX), type);
}

static kc_err_t kc_out_of_range(const char *text, size_t len, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_INVALID,
                        "Value (%.*s) was out of range for requested data type",
                        (int)len, text);
}

/* Java's toString of @p v (of @p schema, may be NULL) into @p out. */
static void kc_cast_to_string(const kc_schema_t *schema, const kc_value_t *v,
                              kc_buf_t *out)
{
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    char num[KC_JAVA_NUMBER_MAX];

    if (logical == KC_LOGICAL_DATE || logical == KC_LOGICAL_TIME ||
        logical == KC_LOGICAL_TIMESTAMP) {
        /* Values.dateFormatFor: the time-only form for anything before
         * one day after the epoch (negative instants included), the date
         * alone at midnight, else the full form; Java's calendar either
         * way (Julian dates, year of the era). */
        kc_java_date_format_values(
            logical == KC_LOGICAL_DATE ? v->u.i * KC_MS_PER_DAY : v->u.i, out);
        return;
    }
    if (logical == KC_LOGICAL_DECIMAL) {
        /* BigDecimal.toString: 1E-7, 1E+3 */
        kc_decimal_to_java_string(v->u.bytes.data, v->u.bytes.len,
                                  kc_value_decimal_scale(schema, v), out);
        return;
    }
    switch (v->type) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_buf_printf(out, "%lld", (long long)v->u.i);
        break;
    case KC_TYPE_FLOAT32:
        kc_java_float_to_string((float)v->u.f, num);
        kc_buf_puts(out, num);
        break;
    case KC_TYPE_FLOAT64:
        kc_java_double_to_string(v->u.f, num);
        kc_buf_puts(out, num);
        break;
    case KC_TYPE_BOOLEAN:
        kc_buf_puts(out, v->u.b ? "true" : "false");
        break;
    case KC_TYPE_STRING:
        kc_buf_append(out, v->u.str.data, v->u.str.len);
        break;
    case KC_TYPE_BYTES:
        kc_base64_encode(v->u.bytes.data, v->u.bytes.len, out);
        break;
    default:
        break;
    }
}

/* Cast.castValueToType */
static kc_err_t kc_cast_value(const kc_schema_t *schema, const kc_value_t *v,
                              kc_type_t target, kc_arena_t *arena,
                              kc_value_t *out, kc_error_t *err)
{
    kc_type_t in = schema != NULL ? kc_schema_type(schema) : v->type;
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    bool is_num = false;
    bool is_float = false;
    int64_t i = 0;
    double d = 0;

    memset(out, 0, sizeof(*out));
    if (v->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (schema == NULL && (v->flags & KC_VALUE_F_DATE)) {
        /* ConnectSchema.schemaType has no type for a java.util.Date. */
        return kc_error_set(err, KC_ERR_INVALID,
                            "Cast transformation was passed a value of type "
                            "class java.util.Date which is not supported by "
                            "Connect's data API");
    }
    if (!kc_type_is_primitive(in)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Cast transformation does not support casting "
                            "from %s; supported types are " KC_CAST_INPUTS,
                            kc_type_names_lower[in]);
    }
    if (target == KC_TYPE_STRING) {
        kc_buf_t b;

        kc_buf_init(&b, 0);
        kc_cast_to_string(schema, v, &b);
        kc_value_set_string(arena, out, kc_buf_cstr(&b), b.len);
        kc_buf_release(&b);
        return KC_OK;
    }
    if (logical == KC_LOGICAL_DECIMAL) {
        kc_buf_t b;

        kc_buf_init(&b, 0);
        kc_decimal_to_string(v->u.bytes.data, v->u.bytes.len,
                             kc_value_decimal_scale(schema, v), &b);
        d = strtod(kc_buf_cstr(&b), NULL);
        kc_buf_release(&b);
        is_num = is_float = true;
    } else if (v->type >= KC_TYPE_INT8 && v->type <= KC_TYPE_INT64) {
        i = v->u.i;
        is_num = true;
    } else if (v->type == KC_TYPE_FLOAT32 || v->type == KC_TYPE_FLOAT64) {
        d = v->u.f;
        is_num = is_float = true;
    } else if (v->type == KC_TYPE_BOOLEAN) {
        i = v->u.b ? 1 : 0;
        d = (double)i;
        if (target == KC_TYPE_BOOLEAN) {
            *out = *v;
            return KC_OK;
        }
    } else if (v->type != KC_TYPE_STRING) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Unexpected type in Cast transformation: class %s",
                            kc_tx_java_class(v));
    }
    if (v->type == KC_TYPE_STRING && logical == KC_LOGICAL_NONE) {
        const char *s = v->u.str.data;
        size_t len = v->u.str.len;
        char *text = kc_arena_strndup(arena, s, len);

        switch (target) {
        case KC_TYPE_BOOLEAN:
            kc_value_set_bool(out, kc_str_eq_nocase(text, "true"));
            return KC_OK;
        case KC_TYPE_FLOAT32:
        case KC_TYPE_FLOAT64:
            if (kc_str_to_double(text, &d) != KC_OK) {
                return kc_out_of_range(s, len, err);
            }
            kc_value_set_float(
                out, target, target == KC_TYPE_FLOAT32 ? (double)(float)d : d);
            return KC_OK;
        default: {
            static const int64_t max[] = {0, INT8_MAX, INT16_MAX, INT32_MAX,
                                          INT64_MAX};
            int64_t m = max[target - KC_TYPE_INT8 + 1];
            size_t alen;
            /* Byte.parseByte and friends read any decimal digit Java's
             * Character.digit knows ("\uff11\uff12" is 12). */
            const char *ascii = kc_java_digits_ascii(arena, text, len, &alen);

            /* Byte.parseByte and friends: no surrounding spaces. */
            if (len == 0 || kc_str_is_space(s[0]) ||
                kc_str_is_space(s[len - 1]) ||
                kc_str_to_i64(ascii, -m - 1, m, &i) != KC_OK) {
                return kc_out_of_range(s, len, err);
            }
            kc_value_set_int(out, target, i);
            return KC_OK;
        }
        }
    }
    KC_UNUSED(is_num);
    switch (target) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_value_set_int(out, target,
                         is_float ? kc_double_to(d, target)
                                  : kc_wrap(i, target));
        return KC_OK;
    case KC_TYPE_FLOAT32:
        kc_value_set_float(out, target,
                           (double)(float)(is_float ? d : (double)i));
        return KC_OK;
    case KC_TYPE_FLOAT64:
        kc_value_set_float(out, target, is_float ? d : (double)i);
        return KC_OK;
    case KC_TYPE_BOOLEAN:
        /* Number.longValue() != 0 */
        kc_value_set_bool(out, is_float ? kc_d2i(d, INT64_MIN, INT64_MAX) != 0
                                        : i != 0);
        return KC_OK;
    default:
        return kc_error_set(err, KC_ERR_INVALID,
                            "%s is not supported in the Cast transformation.",
                            kc_type_name(target));
    }
}

/* A new schema of @p type with the basics (and optional flag) of @p src. */
static kc_err_t kc_cast_set_default(kc_schema_t *b, const kc_schema_t *src,
                                    kc_type_t type, kc_error_t *err)
{
    const kc_value_t *def = kc_schema_default(src);
    kc_arena_t *arena;
    kc_value_t cast;
    kc_err_t rc;

    if (def == NULL) {
        return KC_OK;
    }
    arena = kc_arena_new(0);
    rc = kc_cast_value(src, def, type, arena, &cast, err);
    if (rc == KC_OK) {
        rc = kc_schema_set_default(b, &cast, err);
    }
    kc_arena_destroy(arena);
    return rc;
}

/*
 * The derived schema and, in @p plan, the target type of each input field
 * (KC_TYPE_NULL: kept as is), so records need no spec lookups.
 */
static const kc_schema_t *kc_cast_schema(kc_cast_t *t, const kc_schema_t *in,
                                         const kc_type_t **plan,
                                         kc_error_t *err)
{
    void *cached = NULL;
    const kc_schema_t *out = kc_tx_cache_get_extra(&t->cache, in, &cached);
    kc_type_t *targets = NULL;
    kc_schema_t *b;
    kc_err_t rc = KC_OK;

    if (out != NULL) {
        *plan = cached;
        return out;
    }
    if (t->whole != KC_TYPE_NULL) {
        /*
         * Apache copies name, version and parameters of a logical type
         * (Decimal, Date, Time, Timestamp) too, and its JsonConverter then
         * refuses the cast value (docs/compat.md#cast-of-a-whole-logical-
         * value); kconnect gives such a value a plain schema.
         */
        bool plain = kc_schema_logical(in) != KC_LOGICAL_NONE;

        b = kc_schema_new(t->whole);
        if (!plain && kc_schema_name(in) != NULL) {
            kc_schema_set_name(b, kc_schema_name(in));
        }
        if (!plain && kc_schema_has_version(in)) {
            kc_schema_set_version(b, kc_schema_version(in));
        }
        if (kc_schema_doc(in) != NULL) {
            kc_schema_set_doc(b, kc_schema_doc(in));
        }
        for (size_t i = 0; i < kc_schema_param_count(in) && !plain; i++) {
            const char *k;
            const char *v;

            kc_schema_param_at(in, i, &k, &v);
            kc_schema_set_param(b, k, v);
        }
    } else {
        if (kc_schema_type(in) != KC_TYPE_STRUCT) {
            kc_error_set(err, KC_ERR_INVALID,
                         "Only Struct objects supported for [%s], found: %s",
                         KC_PURPOSE, kc_type_name(kc_schema_type(in)));
            return NULL;
        }
        b = kc_tx_struct_copy_basics(in);
        targets = kc_calloc(kc_schema_field_count(in) + 1, sizeof(*targets));
        for (size_t i = 0; i < kc_schema_field_count(in) && rc == KC_OK; i++) {
            const kc_field_t *f = kc_schema_field_at(in, i);
            kc_type_t type = kc_cast_target(t, f->name);
            kc_schema_t *fs;

            targets[i] = type;

            if (type == KC_TYPE_NULL) {
                rc = kc_tx_add_field(b, f->name, f->schema, err);
                continue;
            }
            fs = kc_schema_new(type);
            kc_schema_set_optional(fs, kc_schema_optional(f->schema));
            rc = kc_cast_set_default(fs, f->schema, type, err);
            if (rc == KC_OK) {
                rc = kc_tx_add_field(b, f->name, fs, err);
            }
            kc_schema_unref(fs);
        }
    }
    if (rc == KC_OK) {
        kc_schema_set_optional(b, kc_schema_optional(in));
        rc = kc_cast_set_default(b, in, kc_schema_type(b), err);
    }
    if (rc != KC_OK) {
        kc_schema_unref(b);
        kc_free(targets);
        return NULL;
    }
    *plan = targets;
    return kc_tx_cache_put_take_extra(&t->cache, in, b, targets);
}

static kc_err_t kc_cast_apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                              bool *drop, kc_error_t *err)
{
    kc_cast_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out;

    KC_UNUSED(drop);
    if (value->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (*schema == NULL) {
        kc_tx_map_t map;

        if (t->whole != KC_TYPE_NULL) {
            if (kc_cast_value(NULL, value, t->whole, arena, &out, err) !=
                KC_OK) {
                return KC_ERR_INVALID;
            }
            *value = out;
            return KC_OK;
        }
        if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_init(arena, &map, value->u.map.len + t->nspecs);
        kc_tx_map_copy(arena, &map, value);
        for (size_t i = 0; i < t->nspecs; i++) {
            long at = kc_tx_map_find(value, t->specs[i].field);
            kc_value_t null = {.type = KC_TYPE_NULL};
            kc_value_t cast;

            if (kc_cast_value(NULL, at >= 0 ? &value->u.map.values[at] : &null,
                              t->specs[i].type, arena, &cast, err) != KC_OK) {
                return KC_ERR_INVALID;
            }
            kc_tx_map_put(arena, &map, t->specs[i].field, &cast);
        }
        /* Apache: new HashMap<>(value), then a put per cast field. */
        kc_tx_map_finish_hashmap(
            arena, &map, kc_java_hashmap_copy_table(value->u.map.len), &out);
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *in = *schema;
        const kc_schema_t *ns;
        const kc_type_t *plan = NULL;

        if (t->whole == KC_TYPE_NULL &&
            kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        ns = kc_cast_schema(t, in, &plan, err);
        if (ns == NULL) {
            return KC_ERR_INVALID;
        }
        kc_tx_pin_schema(arena, ns);
        if (t->whole != KC_TYPE_NULL) {
            if (kc_cast_value(in, value, t->whole, arena, &out, err) != KC_OK) {
                return KC_ERR_INVALID;
            }
        } else {
            kc_value_set_struct(arena, &out, ns);
            for (size_t i = 0; i < kc_schema_field_count(in); i++) {
                const kc_field_t *f = kc_schema_field_at(in, i);
                const kc_value_t *v =
                    kc_tx_struct_get(value, i, t->with_default);
                kc_type_t type = plan[i];

                if (type == KC_TYPE_NULL) {
                    out.u.st.fields[i] = *v;
                } else if (kc_cast_value(f->schema, v, type, arena,
                                         &out.u.st.fields[i], err) != KC_OK) {
                    return KC_ERR_INVALID;
                }
            }
        }
        *schema = ns;
        *value = out;
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_cast, "Cast", kc_cast_defs, kc_cast_configure,
                        kc_cast_apply, kc_cast_destroy);
