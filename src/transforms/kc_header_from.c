/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HeaderFrom$Key / $Value: copy or move fields of the key or value into
 * headers (fields[i] goes to header headers[i]).
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

typedef struct kc_header_from {
    kc_tx_side_t side;
    /* bound from the table */
    kc_cfg_list_t fields;
    kc_cfg_list_t headers;
    char *operation;
    bool with_default;
    bool move;
    kc_tx_schema_cache_t cache;
} kc_header_from_t;

static const char *const kc_operations[] = {"move", "copy", NULL};

static const kc_config_def_t kc_header_from_defs[] = {
    {.name = "fields",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Field names in the record whose values are to be copied or "
            "moved to headers.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_tx_nonempty_list,
     KC_CFG_BIND(kc_header_from_t, fields)},
    {.name = "headers",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Header names, in the same order as the field names listed in "
            "the fields configuration property.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_tx_nonempty_list,
     KC_CFG_BIND(kc_header_from_t, headers)},
    {.name = "operation",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Either <code>move</code> if the fields are to be moved to the "
            "headers (removed from the key/value), or <code>copy</code> if "
            "the fields are to be copied to the headers (retained in the "
            "key/value).",
     .flags = KC_CFG_F_REQUIRED,
     .valid_values = kc_operations,
     KC_CFG_BIND(kc_header_from_t, operation)},
    KC_TX_DEF_REPLACE_NULL_AT(kc_header_from_t, with_default),
    {.name = NULL}};

static const kc_config_def_t *const kc_header_from_tables[] = {
    kc_header_from_defs, NULL};

static void kc_header_from_destroy(void *ctx)
{
    kc_header_from_t *t = ctx;

    if (t != NULL) {
        kc_tx_cache_release(&t->cache);
        kc_config_bind_release(kc_header_from_tables, t);
        kc_free(t);
    }
}

static kc_err_t kc_header_from_configure(void **ctx, const kc_props_t *props,
                                         kc_tx_side_t side, kc_error_t *err)
{
    kc_header_from_t *t = kc_calloc(1, sizeof(*t));

    if (kc_config_bind(kc_header_from_tables, props, t, err) != KC_OK) {
        kc_free(t);
        return KC_ERR_INVALID;
    }
    t->side = side;
    t->move = strcmp(t->operation, "move") == 0;
    if (t->headers.count != t->fields.count) {
        kc_header_from_destroy(t);
        return kc_error_set(err, KC_ERR_INVALID,
                            "'fields' config must have the same number of "
                            "elements as 'headers' config.");
    }
    *ctx = t;
    return KC_OK;
}

static bool kc_header_from_listed(const kc_header_from_t *t, const char *name,
                                  size_t len)
{
    for (size_t i = 0; i < t->fields.count; i++) {
        if (strlen(t->fields.items[i]) == len &&
            memcmp(t->fields.items[i], name, len) == 0) {
            return true;
        }
    }
    return false;
}

static const kc_schema_t *kc_header_from_schema(kc_header_from_t *t,
                                                const kc_schema_t *in,
                                                kc_error_t *err)
{
    const kc_schema_t *out = kc_tx_cache_get(&t->cache, in);
    kc_schema_t *b;

    if (out != NULL) {
        return out;
    }
    b = kc_tx_struct_copy_basics(in);
    for (size_t i = 0; i < kc_schema_field_count(in); i++) {
        const kc_field_t *f = kc_schema_field_at(in, i);

        if (!kc_header_from_listed(t, f->name, strlen(f->name)) &&
            kc_tx_add_field(b, f->name, f->schema, err) != KC_OK) {
            kc_schema_unref(b);
            return NULL;
        }
    }
    return kc_tx_cache_put_take(&t->cache, in, b);
}

static kc_err_t kc_header_from_apply(void *ctx, kc_record_t *rec,
                                     kc_arena_t *arena, bool *drop,
                                     kc_error_t *err)
{
    kc_header_from_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    const char *purpose = t->move ? "header move" : "header copy";
    kc_value_t out;

    KC_UNUSED(drop);
    if (*schema == NULL) {
        kc_tx_map_t map;

        if (kc_tx_require_map(value, purpose, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        size_t kept = 0;

        /* Apache: new HashMap<>(value), then a remove per moved field
         * (which leaves the others' order). */
        kc_tx_map_init(arena, &map, value->u.map.len);
        kc_tx_map_copy(arena, &map, value);
        kc_tx_map_finish_hashmap(
            arena, &map, kc_java_hashmap_copy_table(value->u.map.len), &out);
        for (size_t i = 0; i < out.u.map.len; i++) {
            const kc_value_t *k = &out.u.map.keys[i];

            if (t->move && k->type == KC_TYPE_STRING &&
                kc_header_from_listed(t, k->u.str.data, k->u.str.len)) {
                continue;
            }
            out.u.map.keys[kept] = *k;
            out.u.map.values[kept++] = out.u.map.values[i];
        }
        out.u.map.len = kept;
        for (size_t i = 0; i < t->fields.count; i++) {
            long at = kc_tx_map_find(value, t->fields.items[i]);

            kc_record_add_header(arena, rec, t->headers.items[i], NULL,
                                 at >= 0 ? &value->u.map.values[at] : NULL);
        }
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *in = *schema;

        if (kc_tx_require_struct(value, purpose, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        for (size_t i = 0; i < t->fields.count; i++) {
            if (kc_schema_field(in, t->fields.items[i]) == NULL) {
                return kc_error_set(err, KC_ERR_INVALID, "Unknown field: %s",
                                    t->fields.items[i]);
            }
        }
        for (size_t i = 0; i < t->fields.count; i++) {
            const kc_field_t *f = kc_schema_field(in, t->fields.items[i]);

            kc_record_add_header(
                arena, rec, t->headers.items[i], f->schema,
                kc_tx_struct_get(value, (size_t)f->index, t->with_default));
        }
        if (t->move) {
            const kc_schema_t *ns = kc_header_from_schema(t, in, err);
            size_t j = 0;

            if (ns == NULL) {
                return KC_ERR_INVALID;
            }
            kc_tx_pin_schema(arena, ns);
            kc_value_set_struct(arena, &out, ns);
            for (size_t i = 0; i < kc_schema_field_count(in); i++) {
                const kc_field_t *f = kc_schema_field_at(in, i);

                if (!kc_header_from_listed(t, f->name, strlen(f->name))) {
                    out.u.st.fields[j++] =
                        *kc_tx_struct_get(value, i, t->with_default);
                }
            }
            *schema = ns;
            *value = out;
        }
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_header_from, "HeaderFrom", kc_header_from_defs,
                        kc_header_from_configure, kc_header_from_apply,
                        kc_header_from_destroy);
