/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ValueToKey: replace the key with a new key made of some value fields
 * (a Struct with a derived schema, or a map when schemaless).
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

#define KC_PURPOSE "copying fields from value to key"

typedef struct kc_value_to_key {
    kc_config_t *config;
    const char *const *fields;
    size_t nfields;
    bool with_default;
    kc_tx_schema_cache_t cache;
} kc_value_to_key_t;

static const kc_config_def_t kc_value_to_key_defs[] = {
    {.name = "fields",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Field names on the record value to extract as the record key.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_tx_nonempty_list},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_value_to_key_destroy(void *ctx)
{
    kc_value_to_key_t *t = ctx;

    if (t == NULL) {
        return;
    }
    kc_tx_cache_release(&t->cache);
    kc_config_destroy(t->config);
    kc_free(t);
}

static kc_err_t kc_value_to_key_configure(void **ctx, const kc_props_t *props,
                                          kc_error_t *err)
{
    kc_value_to_key_t *t;
    kc_config_t *config = kc_tx_config(kc_value_to_key_defs, props, err);

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->config = config;
    t->fields = kc_config_list(config, "fields", &t->nfields);
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    *ctx = t;
    return KC_OK;
}

/* The key schema and, in @p src, the value field of each key field. */
static const kc_schema_t *kc_value_to_key_schema(kc_value_to_key_t *t,
                                                 const kc_schema_t *vs,
                                                 const size_t **src,
                                                 kc_error_t *err)
{
    void *plan = NULL;
    const kc_schema_t *ks = kc_tx_cache_get_extra(&t->cache, vs, &plan);
    kc_schema_t *b;
    size_t *map;

    if (ks != NULL) {
        *src = plan;
        return ks;
    }
    b = kc_schema_new(KC_TYPE_STRUCT);
    map = kc_calloc(t->nfields + 1, sizeof(*map));
    for (size_t i = 0; i < t->nfields; i++) {
        const kc_field_t *f = kc_schema_field(vs, t->fields[i]);

        if (f == NULL) {
            kc_error_set(err, KC_ERR_INVALID, "Field does not exist: %s",
                         t->fields[i]);
        }
        if (f == NULL ||
            kc_tx_add_field(b, t->fields[i], f->schema, err) != KC_OK) {
            kc_schema_unref(b);
            kc_free(map);
            return NULL;
        }
        map[i] = (size_t)f->index;
    }
    *src = map;
    return kc_tx_cache_put_take_extra(&t->cache, vs, b, map);
}

static kc_err_t kc_value_to_key_apply(void *ctx, kc_record_t *rec,
                                      kc_arena_t *arena, bool *drop,
                                      kc_error_t *err)
{
    kc_value_to_key_t *t = ctx;
    kc_value_t key;

    KC_UNUSED(drop);
    if (rec->value_schema == NULL) {
        kc_tx_map_t map;

        if (kc_tx_require_map(&rec->value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_init(arena, &map, t->nfields);
        for (size_t i = 0; i < t->nfields; i++) {
            long at = kc_tx_map_find(&rec->value, t->fields[i]);
            kc_value_t null = {.type = KC_TYPE_NULL};

            kc_tx_map_put(arena, &map, t->fields[i],
                          at >= 0 ? &rec->value.u.map.values[at] : &null);
        }
        kc_tx_map_finish(&map, &key);
        rec->key_schema = NULL;
        rec->key = key;
        return KC_OK;
    } else {
        const kc_schema_t *vs;
        const kc_schema_t *ks;
        const size_t *src = NULL;

        if (kc_tx_require_struct(&rec->value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        vs = rec->value.u.st.schema;
        ks = kc_value_to_key_schema(t, vs, &src, err);
        if (ks == NULL) {
            return KC_ERR_INVALID;
        }
        kc_tx_pin_schema(arena, ks);
        kc_value_set_struct(arena, &key, ks);
        for (size_t i = 0; i < t->nfields; i++) {
            key.u.st.fields[i] =
                *kc_tx_struct_get(&rec->value, src[i], t->with_default);
        }
        rec->key_schema = ks;
        rec->key = key;
        rec->value_schema = vs;
        return KC_OK;
    }
}

const struct kc_transform_plugin kc_value_to_key_plugin = KC_TX_DESCRIPTOR(
    "ValueToKey", kc_value_to_key_defs, kc_value_to_key_configure,
    kc_value_to_key_apply, kc_value_to_key_destroy);
