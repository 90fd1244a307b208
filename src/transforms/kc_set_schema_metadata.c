/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SetSchemaMetadata$Key / $Value: set the name and/or version of the key
 * or value schema (a copy of it: schemas are immutable), re-pointing a
 * Struct at the renamed schema.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

typedef struct kc_set_schema_metadata {
    kc_tx_side_t side;
    char *name; /* NULL: keep */
    bool has_version;
    int32_t version;
    bool with_default;
    kc_tx_schema_cache_t cache;
} kc_set_schema_metadata_t;

static const kc_config_def_t kc_set_schema_metadata_defs[] = {
    {.name = "schema.name",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Schema name to set."},
    {.name = "schema.version",
     .type = KC_CFG_INT,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Schema version to set."},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_set_schema_metadata_destroy(void *ctx)
{
    kc_set_schema_metadata_t *t = ctx;

    if (t != NULL) {
        kc_tx_cache_release(&t->cache);
        kc_free(t->name);
        kc_free(t);
    }
}

static kc_err_t kc_set_schema_metadata_configure(void **ctx,
                                                 const kc_props_t *props,
                                                 kc_tx_side_t side,
                                                 kc_error_t *err)
{
    kc_config_t *config = kc_tx_config(kc_set_schema_metadata_defs, props, err);
    kc_set_schema_metadata_t *t;
    const char *name;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    name = kc_config_string(config, "schema.name");
    t->name = name != NULL ? kc_strdup(name) : NULL;
    t->has_version = kc_config_is_set(config, "schema.version");
    if (t->has_version) {
        t->version = kc_config_int(config, "schema.version");
    }
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    kc_config_destroy(config);
    if (t->name == NULL && !t->has_version) {
        kc_set_schema_metadata_destroy(t);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Neither schema name nor version configured");
    }
    *ctx = t;
    return KC_OK;
}

static const kc_schema_t *kc_ssm_schema(kc_set_schema_metadata_t *t,
                                        const kc_schema_t *in, kc_error_t *err)
{
    const kc_schema_t *out = kc_tx_cache_get(&t->cache, in);
    kc_type_t type = kc_schema_type(in);
    kc_schema_t *b;

    if (out != NULL) {
        return out;
    }
    b = kc_schema_new(type);
    kc_schema_set_optional(b, kc_schema_optional(in));
    if (t->name != NULL || kc_schema_name(in) != NULL) {
        kc_schema_set_name(b, t->name != NULL ? t->name : kc_schema_name(in));
    }
    if (t->has_version || kc_schema_has_version(in)) {
        kc_schema_set_version(b, t->has_version ? t->version
                                                : kc_schema_version(in));
    }
    if (kc_schema_doc(in) != NULL) {
        kc_schema_set_doc(b, kc_schema_doc(in));
    }
    for (size_t i = 0; i < kc_schema_param_count(in); i++) {
        const char *k;
        const char *v;

        kc_schema_param_at(in, i, &k, &v);
        kc_schema_set_param(b, k, v);
    }
    for (size_t i = 0; i < kc_schema_field_count(in); i++) {
        const kc_field_t *f = kc_schema_field_at(in, i);

        if (kc_tx_add_field(b, f->name, f->schema, err) != KC_OK) {
            kc_schema_unref(b);
            return NULL;
        }
    }
    if (type == KC_TYPE_ARRAY) {
        kc_schema_set_items_take(b, kc_schema_ref(kc_schema_items(in)));
    } else if (type == KC_TYPE_MAP) {
        kc_schema_set_map_take(b, kc_schema_ref(kc_schema_key(in)),
                               kc_schema_ref(kc_schema_value(in)));
    }
    if (kc_schema_default(in) != NULL &&
        kc_schema_set_default(b, kc_schema_default(in), err) != KC_OK) {
        kc_schema_unref(b);
        return NULL;
    }
    return kc_tx_cache_put_take(&t->cache, in, b);
}

static kc_err_t kc_set_schema_metadata_apply(void *ctx, kc_record_t *rec,
                                             kc_arena_t *arena, bool *drop,
                                             kc_error_t *err)
{
    kc_set_schema_metadata_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    const kc_schema_t *ns;

    KC_UNUSED(drop);
    if (value->type == KC_TYPE_NULL && *schema == NULL) {
        return KC_OK;
    }
    if (*schema == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Schema required for [updating schema metadata]");
    }
    ns = kc_ssm_schema(t, *schema, err);
    if (ns == NULL) {
        return KC_ERR_INVALID;
    }
    kc_tx_pin_schema(arena, ns);
    if (value->type == KC_TYPE_STRUCT) {
        kc_value_t out;

        kc_value_set_struct(arena, &out, ns);
        for (size_t i = 0; i < kc_schema_field_count(ns); i++) {
            out.u.st.fields[i] = *kc_tx_struct_get(value, i, t->with_default);
        }
        *value = out;
    }
    *schema = ns;
    return KC_OK;
}

KC_TX_KEY_VALUE_PLUGINS(kc_set_schema_metadata, "SetSchemaMetadata",
                        kc_set_schema_metadata_defs,
                        kc_set_schema_metadata_configure,
                        kc_set_schema_metadata_apply,
                        kc_set_schema_metadata_destroy);
