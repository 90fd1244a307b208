/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HoistField$Key / $Value: wrap the key or value in a Struct (or map when
 * schemaless) with one field.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

typedef struct kc_hoist_field {
    kc_tx_side_t side;
    kc_config_t *config;
    const char *field;
    kc_tx_schema_cache_t cache;
} kc_hoist_field_t;

static const kc_config_def_t kc_hoist_field_defs[] = {
    {.name = "field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for the single field that will be created in the "
            "resulting Struct or Map.",
     .flags = KC_CFG_F_REQUIRED},
    {.name = NULL}};

static void kc_hoist_field_destroy(void *ctx)
{
    kc_hoist_field_t *t = ctx;

    if (t == NULL) {
        return;
    }
    kc_tx_cache_release(&t->cache);
    kc_config_destroy(t->config);
    kc_free(t);
}

static kc_err_t kc_hoist_field_configure(void **ctx, const kc_props_t *props,
                                         kc_tx_side_t side, kc_error_t *err)
{
    kc_hoist_field_t *t;
    kc_config_t *config = kc_tx_config(kc_hoist_field_defs, props, err);

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->config = config;
    t->field = kc_config_string(config, "field");
    *ctx = t;
    return KC_OK;
}

static kc_err_t kc_hoist_field_apply(void *ctx, kc_record_t *rec,
                                     kc_arena_t *arena, bool *drop,
                                     kc_error_t *err)
{
    kc_hoist_field_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out;

    KC_UNUSED(drop);
    if (*schema == NULL) {
        kc_tx_map_t map;

        kc_tx_map_init(arena, &map, 1);
        kc_tx_map_put(arena, &map, t->field, value);
        kc_tx_map_finish(&map, &out);
    } else {
        const kc_schema_t *ns = kc_tx_cache_get(&t->cache, *schema);

        if (ns == NULL) {
            kc_schema_t *b = kc_schema_new(KC_TYPE_STRUCT);

            if (kc_tx_add_field(b, t->field, *schema, err) != KC_OK) {
                kc_schema_unref(b);
                return KC_ERR_INVALID;
            }
            ns = kc_tx_cache_put_take(&t->cache, *schema, b);
        }
        kc_tx_pin_schema(arena, ns);
        kc_value_set_struct(arena, &out, ns);
        out.u.st.fields[0] = *value;
        *schema = ns;
    }
    *value = out;
    return KC_OK;
}

KC_TX_KEY_VALUE_PLUGINS(kc_hoist_field, "HoistField", kc_hoist_field_defs,
                        kc_hoist_field_configure, kc_hoist_field_apply,
                        kc_hoist_field_destroy);
