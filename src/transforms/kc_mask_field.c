/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MaskField$Key / $Value: replace fields with the "zero" of their type
 * (0, false, "", empty array/map, epoch for dates) or with `replacement`
 * converted to the field's type (numbers and strings only).
 */
#include "kc_internal.h"

#include "data/kc_decimal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"
#include "util/kc_str.h"

#define KC_PURPOSE "mask fields"

typedef struct kc_mask_field {
    kc_tx_side_t side;
    /* bound from the table */
    kc_cfg_list_t fields;
    char *replacement; /* NULL: mask with the type's zero */
    bool with_default;
} kc_mask_field_t;

static const kc_config_def_t kc_mask_field_defs[] = {
    {.name = "fields",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Names of fields to mask.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_tx_nonempty_list,
     KC_CFG_BIND(kc_mask_field_t, fields)},
    {.name = "replacement",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Custom value replacement, that will be applied to all 'fields' "
            "values (numeric or non-empty string values only).",
     .flags = KC_CFG_F_NONEMPTY,
     KC_CFG_BIND(kc_mask_field_t, replacement)},
    KC_TX_DEF_REPLACE_NULL_AT(kc_mask_field_t, with_default),
    {.name = NULL}};

static const kc_config_def_t *const kc_mask_field_tables[] = {
    kc_mask_field_defs, NULL};

static void kc_mask_field_destroy(void *ctx)
{
    kc_mask_field_t *t = ctx;

    if (t != NULL) {
        kc_config_bind_release(kc_mask_field_tables, t);
        kc_free(t);
    }
}

static kc_err_t kc_mask_field_configure(void **ctx, const kc_props_t *props,
                                        kc_tx_side_t side, kc_error_t *err)
{
    kc_mask_field_t *t = kc_calloc(1, sizeof(*t));

    if (kc_config_bind(kc_mask_field_tables, props, t, err) != KC_OK) {
        kc_free(t);
        return KC_ERR_INVALID;
    }
    t->side = side;
    *ctx = t;
    return KC_OK;
}

/* The Java class a value of @p schema (may be NULL) would have. */
static const char *kc_mask_class(const kc_schema_t *schema, const kc_value_t *v)
{
    switch (schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE) {
    case KC_LOGICAL_DECIMAL:
        return "java.math.BigDecimal";
    case KC_LOGICAL_DATE:
    case KC_LOGICAL_TIME:
    case KC_LOGICAL_TIMESTAMP:
        return "java.util.Date";
    default:
        return kc_tx_java_class(v);
    }
}

static kc_err_t kc_mask_custom(const kc_mask_field_t *t,
                               const kc_schema_t *schema, const kc_value_t *v,
                               kc_arena_t *arena, kc_value_t *out,
                               kc_error_t *err)
{
    static const int64_t lim[] = {0, INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX};
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    const char *r = t->replacement;

    if (logical == KC_LOGICAL_DECIMAL) {
        const uint8_t *bytes;
        size_t len;
        int32_t scale;

        /* new BigDecimal(replacement): the text's own scale ("42" is 42,
         * not 42.00). */
        if (kc_decimal_text_scale(r, strlen(r), &scale, NULL) != KC_OK ||
            kc_decimal_from_string(arena, r, strlen(r), scale, &bytes, &len,
                                   NULL) != KC_OK) {
            goto not_number;
        }
        out->type = KC_TYPE_BYTES;
        out->flags = 0;
        out->u.bytes.data = bytes;
        out->u.bytes.len = len;
        kc_value_set_decimal_scale(out, scale, kc_schema_decimal_scale(schema));
        return KC_OK;
    }
    if (logical != KC_LOGICAL_NONE) {
        goto unsupported;
    }
    switch (v->type) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64: {
        int64_t max = lim[v->type - KC_TYPE_INT8 + 1];
        int64_t i;

        if (kc_str_to_i64(r, -max - 1, max, &i) != KC_OK) {
            goto not_number;
        }
        kc_value_set_int(out, v->type, i);
        return KC_OK;
    }
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64: {
        double d;

        if (kc_str_to_double(r, &d) != KC_OK) {
            goto not_number;
        }
        kc_value_set_float(out, v->type, d);
        return KC_OK;
    }
    case KC_TYPE_STRING:
        kc_value_set_string_ref(out, r, strlen(r));
        return KC_OK;
    default:
        goto unsupported;
    }
not_number:
    return kc_error_set(err, KC_ERR_INVALID,
                        "Unable to convert %s (class java.lang.String) to "
                        "a number",
                        r);
unsupported:
    return kc_error_set(err, KC_ERR_INVALID,
                        "Cannot mask value of type class %s with custom "
                        "replacement.",
                        kc_mask_class(schema, v));
}

static kc_err_t kc_mask_value(const kc_mask_field_t *t,
                              const kc_schema_t *schema, const kc_value_t *v,
                              kc_arena_t *arena, kc_value_t *out,
                              kc_error_t *err)
{
    static const uint8_t zero = 0;
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;

    memset(out, 0, sizeof(*out));
    if (v->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (t->replacement != NULL) {
        return kc_mask_custom(t, schema, v, arena, out, err);
    }
    if (logical == KC_LOGICAL_DECIMAL) {
        /* BigDecimal.ZERO: scale 0 whatever the schema says. */
        out->type = KC_TYPE_BYTES;
        out->u.bytes.data = &zero;
        out->u.bytes.len = 1;
        kc_value_set_decimal_scale(out, 0, kc_schema_decimal_scale(schema));
        return KC_OK;
    }
    switch (v->type) {
    case KC_TYPE_BOOLEAN:
        kc_value_set_bool(out, false);
        return KC_OK;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_value_set_int(out, v->type, 0);
        return KC_OK;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        kc_value_set_float(out, v->type, 0.0);
        return KC_OK;
    case KC_TYPE_STRING:
        kc_value_set_string_ref(out, "", 0);
        return KC_OK;
    case KC_TYPE_ARRAY:
        kc_value_set_array(arena, out, 0);
        return KC_OK;
    case KC_TYPE_MAP:
        kc_value_set_map(arena, out, 0);
        return KC_OK;
    default:
        return kc_error_set(err, KC_ERR_INVALID,
                            "Cannot mask value of type: class %s",
                            kc_mask_class(schema, v));
    }
}

static bool kc_mask_listed(const kc_mask_field_t *t, const char *name)
{
    for (size_t i = 0; i < t->fields.count; i++) {
        if (strcmp(t->fields.items[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static kc_err_t kc_mask_field_apply(void *ctx, kc_record_t *rec,
                                    kc_arena_t *arena, bool *drop,
                                    kc_error_t *err)
{
    kc_mask_field_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out;

    KC_UNUSED(drop);
    if (*schema == NULL) {
        kc_tx_map_t map;

        if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_init(arena, &map, value->u.map.len + t->fields.count);
        kc_tx_map_copy(arena, &map, value);
        for (size_t i = 0; i < t->fields.count; i++) {
            long at = kc_tx_map_find(value, t->fields.items[i]);
            kc_value_t null = {.type = KC_TYPE_NULL};
            kc_value_t masked;

            if (kc_mask_value(t, NULL,
                              at >= 0 ? &value->u.map.values[at] : &null, arena,
                              &masked, err) != KC_OK) {
                return KC_ERR_INVALID;
            }
            kc_tx_map_put(arena, &map, t->fields.items[i], &masked);
        }
        /* Apache: new HashMap<>(value), then a put per masked field. */
        kc_tx_map_finish_hashmap(
            arena, &map, kc_java_hashmap_copy_table(value->u.map.len), &out);
    } else {
        const kc_schema_t *s;

        if (kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        s = value->u.st.schema;
        kc_value_set_struct(arena, &out, s);
        for (size_t i = 0; i < kc_schema_field_count(s); i++) {
            const kc_field_t *f = kc_schema_field_at(s, i);
            const kc_value_t *v = kc_tx_struct_get(value, i, t->with_default);

            if (!kc_mask_listed(t, f->name)) {
                out.u.st.fields[i] = *v;
            } else if (kc_mask_value(t, f->schema, v, arena,
                                     &out.u.st.fields[i], err) != KC_OK) {
                return KC_ERR_INVALID;
            }
        }
    }
    *value = out;
    return KC_OK;
}

KC_TX_KEY_VALUE_PLUGINS(kc_mask_field, "MaskField", kc_mask_field_defs,
                        kc_mask_field_configure, kc_mask_field_apply,
                        kc_mask_field_destroy);
