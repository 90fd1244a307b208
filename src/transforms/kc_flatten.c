/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flatten$Key / $Value: lift nested Struct (or map) fields to the top
 * level, joining names with `delimiter`. A field under an optional parent
 * becomes optional, and inherits the parent's default, as Apache does.
 * Arrays are kept as they are; maps inside a Struct are rejected.
 */
#include "kc_internal.h"

#include "data/kc_value_text.h"
#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

#define KC_PURPOSE "flattening"

typedef struct kc_flatten {
    kc_tx_side_t side;
    char *delimiter;
    kc_tx_schema_cache_t cache;
} kc_flatten_t;

static const kc_config_def_t kc_flatten_defs[] = {
    {.name = "delimiter",
     .type = KC_CFG_STRING,
     .default_value = ".",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Delimiter to insert between field names from the input record "
            "when generating field names for the output record",
     KC_CFG_BIND(kc_flatten_t, delimiter)},
    {.name = NULL}};

static const kc_config_def_t *const kc_flatten_tables[] = {kc_flatten_defs,
                                                           NULL};

static void kc_flatten_destroy(void *ctx)
{
    kc_flatten_t *t = ctx;

    if (t != NULL) {
        kc_tx_cache_release(&t->cache);
        kc_config_bind_release(kc_flatten_tables, t);
        kc_free(t);
    }
}

static kc_err_t kc_flatten_configure(void **ctx, const kc_props_t *props,
                                     kc_tx_side_t side, kc_error_t *err)
{
    kc_flatten_t *t = kc_calloc(1, sizeof(*t));

    if (kc_config_bind(kc_flatten_tables, props, t, err) != KC_OK) {
        kc_free(t);
        return KC_ERR_INVALID;
    }
    t->side = side;
    *ctx = t;
    return KC_OK;
}

/* "prefix<delimiter>name", or "name" at the top; caller frees. */
static char *kc_flatten_name(const kc_flatten_t *t, const char *prefix,
                             const char *name, size_t len)
{
    if (prefix[0] == '\0') {
        return kc_strndup(name, len);
    }
    return kc_asprintf("%s%s%.*s", prefix, t->delimiter, (int)len, name);
}

static bool kc_flatten_leaf(kc_type_t type)
{
    return kc_type_is_primitive(type) || type == KC_TYPE_ARRAY;
}

static kc_err_t kc_flatten_unsupported(kc_type_t type, const char *name,
                                       kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_INVALID,
                        "Flatten transformation does not support %s for "
                        "record with schemas (for field %s).",
                        kc_type_name(type), name);
}

/* convertFieldSchema: the basics of @p orig, optional, default. */
static kc_schema_t *kc_flatten_field_schema(const kc_schema_t *orig,
                                            bool optional,
                                            const kc_value_t *def,
                                            kc_error_t *err)
{
    kc_schema_t *b = kc_schema_new(kc_schema_type(orig));

    if (kc_schema_name(orig) != NULL) {
        kc_schema_set_name(b, kc_schema_name(orig));
    }
    if (kc_schema_has_version(orig)) {
        kc_schema_set_version(b, kc_schema_version(orig));
    }
    if (kc_schema_doc(orig) != NULL) {
        kc_schema_set_doc(b, kc_schema_doc(orig));
    }
    for (size_t i = 0; i < kc_schema_param_count(orig); i++) {
        const char *k;
        const char *v;

        kc_schema_param_at(orig, i, &k, &v);
        kc_schema_set_param(b, k, v);
    }
    if (kc_schema_type(orig) == KC_TYPE_ARRAY) {
        kc_schema_set_items_take(b, kc_schema_ref(kc_schema_items(orig)));
    }
    if (optional) {
        kc_schema_set_optional(b, true);
    }
    if (def != NULL && def->type != KC_TYPE_NULL &&
        kc_schema_set_default(b, def, err) != KC_OK) {
        kc_schema_unref(b);
        return NULL;
    }
    return b;
}

static kc_err_t
kc_flatten_schema_into(const kc_flatten_t *t, const kc_schema_t *schema,
                       const char *prefix, kc_schema_t *out, bool optional,
                       const kc_value_t *parent_def, kc_error_t *err)
{
    kc_err_t rc = KC_OK;

    for (size_t i = 0; i < kc_schema_field_count(schema) && rc == KC_OK; i++) {
        const kc_field_t *f = kc_schema_field_at(schema, i);
        kc_type_t type = kc_schema_type(f->schema);
        char *name = kc_flatten_name(t, prefix, f->name, strlen(f->name));
        bool opt = optional || kc_schema_optional(f->schema);
        const kc_value_t *def = kc_schema_default(f->schema);

        if (def == NULL && parent_def != NULL &&
            parent_def->type == KC_TYPE_STRUCT) {
            def = kc_tx_struct_get(parent_def, i, true);
        }
        if (kc_flatten_leaf(type)) {
            kc_schema_t *fs = kc_flatten_field_schema(f->schema, opt, def, err);

            rc = fs != NULL ? kc_tx_add_field(out, name, fs, err)
                            : KC_ERR_INVALID;
            kc_schema_unref(fs);
        } else if (type == KC_TYPE_STRUCT) {
            rc = kc_flatten_schema_into(t, f->schema, name, out, opt, def, err);
        } else {
            rc = kc_flatten_unsupported(type, name, err);
        }
        kc_free(name);
    }
    return rc;
}

/* Copy the leaves of @p st (may be null) into @p out in schema order. */
static void kc_flatten_values(const kc_value_t *st, const kc_schema_t *schema,
                              kc_value_t *out, size_t *at)
{
    for (size_t i = 0; i < kc_schema_field_count(schema); i++) {
        const kc_field_t *f = kc_schema_field_at(schema, i);
        bool present = st != NULL && st->type == KC_TYPE_STRUCT;
        const kc_value_t *v = present ? kc_tx_struct_get(st, i, true) : NULL;

        if (kc_schema_type(f->schema) == KC_TYPE_STRUCT) {
            kc_flatten_values(v, f->schema, out, at);
        } else {
            if (v != NULL) {
                out[*at] = *v;
            }
            (*at)++;
        }
    }
}

/*
 * Apache fills a LinkedHashMap while iterating each input map. A map
 * JsonConverter read is a java.util.HashMap, which iterates in hash
 * order; a LinkedHashMap (KC_VALUE_F_LINKED) in its own. Either way the
 * output is in the order Java produces, and is marked linked.
 */
static size_t *kc_flatten_order(kc_arena_t *arena, const kc_value_t *map)
{
    size_t n = map->u.map.len;
    size_t *order = kc_arena_alloc(arena, (n > 0 ? n : 1) * sizeof(*order));

    if ((map->flags & KC_VALUE_F_LINKED) ||
        !kc_value_map_java_order(NULL, map, order)) {
        for (size_t i = 0; i < n; i++) {
            order[i] = i;
        }
    }
    return order;
}

static kc_err_t kc_flatten_map(const kc_flatten_t *t, kc_arena_t *arena,
                               const kc_value_t *map, const char *prefix,
                               kc_tx_map_t *out, kc_error_t *err)
{
    const size_t *order = kc_flatten_order(arena, map);

    for (size_t j = 0; j < map->u.map.len; j++) {
        size_t i = order[j];
        const kc_value_t *k = &map->u.map.keys[i];
        const kc_value_t *v = &map->u.map.values[i];
        char *name;
        kc_err_t rc = KC_OK;

        if (k->type != KC_TYPE_STRING) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Flatten transformation needs string map "
                                "keys, found: %s",
                                kc_tx_java_class(k));
        }
        name = kc_flatten_name(t, prefix, k->u.str.data, k->u.str.len);
        if (v->type == KC_TYPE_MAP) {
            rc = kc_flatten_map(t, arena, v, name, out, err);
        } else if (v->type == KC_TYPE_STRUCT) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Flatten transformation does not support class "
                              "%s for record without schemas (for field %s).",
                              kc_tx_java_class(v), name);
        } else {
            kc_tx_map_put(arena, out, name, v);
        }
        kc_free(name);
        if (rc != KC_OK) {
            return rc;
        }
    }
    return KC_OK;
}

static kc_err_t kc_flatten_apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                                 bool *drop, kc_error_t *err)
{
    kc_flatten_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out;

    KC_UNUSED(drop);
    if (value->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (*schema == NULL) {
        kc_tx_map_t map;

        if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_init(arena, &map, value->u.map.len);
        if (kc_flatten_map(t, arena, value, "", &map, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_finish(&map, &out);
        out.flags |= KC_VALUE_F_LINKED;
    } else {
        const kc_schema_t *in = *schema;
        const kc_schema_t *ns;
        size_t at = 0;

        if (kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        ns = kc_tx_cache_get(&t->cache, in);
        if (ns == NULL) {
            kc_schema_t *b = kc_tx_struct_copy_basics(in);

            if (kc_flatten_schema_into(t, in, "", b, kc_schema_optional(in),
                                       kc_schema_default(in), err) != KC_OK) {
                kc_schema_unref(b);
                return KC_ERR_INVALID;
            }
            ns = kc_tx_cache_put_take(&t->cache, in, b);
        }
        kc_tx_pin_schema(arena, ns);
        kc_value_set_struct(arena, &out, ns);
        kc_flatten_values(value, in, out.u.st.fields, &at);
        *schema = ns;
    }
    *value = out;
    return KC_OK;
}

KC_TX_KEY_VALUE_PLUGINS(kc_flatten, "Flatten", kc_flatten_defs,
                        kc_flatten_configure, kc_flatten_apply,
                        kc_flatten_destroy);
