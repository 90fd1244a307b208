/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the single message transforms.
 */
#include "kc_internal.h"

#include "data/kc_value_text.h"

#include "transforms/kc_transform_util.h"
#include "util/kc_str.h"

const kc_schema_t **kc_tx_schema_slot(kc_record_t *rec, kc_tx_side_t side)
{
    return side == KC_TX_KEY ? &rec->key_schema : &rec->value_schema;
}

kc_value_t *kc_tx_value_slot(kc_record_t *rec, kc_tx_side_t side)
{
    return side == KC_TX_KEY ? &rec->key : &rec->value;
}

const char *kc_tx_java_class(const kc_value_t *v)
{
    return kc_value_java_class(v);
}

kc_err_t kc_tx_require_map(const kc_value_t *v, const char *purpose,
                           kc_error_t *err)
{
    if (v->type != KC_TYPE_MAP) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Only Map objects supported in absence of schema "
                            "for [%s], found: %s",
                            purpose, kc_tx_java_class(v));
    }
    return KC_OK;
}

kc_err_t kc_tx_require_struct(const kc_value_t *v, const char *purpose,
                              kc_error_t *err)
{
    if (v->type != KC_TYPE_STRUCT) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Only Struct objects supported for [%s], found: %s",
                            purpose, kc_tx_java_class(v));
    }
    return KC_OK;
}

const kc_value_t *kc_tx_struct_get(const kc_value_t *st, size_t i,
                                   bool with_default)
{
    const kc_value_t *v = &st->u.st.fields[i];

    if (v->type == KC_TYPE_NULL && with_default) {
        const kc_field_t *f = kc_schema_field_at(st->u.st.schema, i);
        const kc_value_t *def = kc_schema_default(f->schema);

        if (def != NULL) {
            return def;
        }
    }
    return v;
}

kc_schema_t *kc_tx_struct_copy_basics(const kc_schema_t *src)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRUCT);

    if (kc_schema_name(src) != NULL) {
        kc_schema_set_name(s, kc_schema_name(src));
    }
    if (kc_schema_has_version(src)) {
        kc_schema_set_version(s, kc_schema_version(src));
    }
    if (kc_schema_doc(src) != NULL) {
        kc_schema_set_doc(s, kc_schema_doc(src));
    }
    for (size_t i = 0; i < kc_schema_param_count(src); i++) {
        const char *k;
        const char *v;

        kc_schema_param_at(src, i, &k, &v);
        kc_schema_set_param(s, k, v);
    }
    return s;
}

kc_err_t kc_tx_add_field(kc_schema_t *schema, const char *name,
                         const kc_schema_t *field_schema, kc_error_t *err)
{
    kc_schema_t *ref = kc_schema_ref(field_schema);

    if (kc_schema_add_field_take(schema, name, ref, NULL) != KC_OK) {
        kc_schema_unref(ref);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Cannot create field because of field name "
                            "duplication %s",
                            name);
    }
    return KC_OK;
}

void kc_tx_pin_schema(kc_arena_t *arena, const kc_schema_t *schema)
{
    if (schema != NULL) {
        kc_arena_on_reset(arena, kc_schema_unref_cb, kc_schema_ref(schema));
    }
}

const kc_schema_t *kc_tx_cache_get_extra(kc_tx_schema_cache_t *cache,
                                         const kc_schema_t *in, void **extra)
{
    size_t i;

    for (i = 0; i < cache->count; i++) {
        if (cache->in[i] == in) {
            break;
        }
    }
    if (i == cache->count) {
        for (i = 0; i < cache->count; i++) {
            if (kc_schema_equals(cache->in[i], in)) {
                break;
            }
        }
    }
    if (i == cache->count) {
        return NULL;
    }
    if (extra != NULL) {
        *extra = cache->extra[i];
    }
    return cache->out[i];
}

const kc_schema_t *kc_tx_cache_get(kc_tx_schema_cache_t *cache,
                                   const kc_schema_t *in)
{
    return kc_tx_cache_get_extra(cache, in, NULL);
}

const kc_schema_t *kc_tx_cache_put_take_extra(kc_tx_schema_cache_t *cache,
                                              const kc_schema_t *in,
                                              kc_schema_t *out, void *extra)
{
    size_t slot;

    if (cache->count < KC_TX_CACHE_SIZE) {
        slot = cache->count++;
    } else {
        slot = cache->next;
        cache->next = (cache->next + 1) % KC_TX_CACHE_SIZE;
        kc_schema_unref(cache->in[slot]);
        kc_schema_unref(cache->out[slot]);
        kc_free(cache->extra[slot]);
    }
    cache->in[slot] = kc_schema_ref(in);
    cache->out[slot] = out;
    cache->extra[slot] = extra;
    return out;
}

const kc_schema_t *kc_tx_cache_put_take(kc_tx_schema_cache_t *cache,
                                        const kc_schema_t *in, kc_schema_t *out)
{
    return kc_tx_cache_put_take_extra(cache, in, out, NULL);
}

void kc_tx_cache_release(kc_tx_schema_cache_t *cache)
{
    for (size_t i = 0; i < cache->count; i++) {
        kc_schema_unref(cache->in[i]);
        kc_schema_unref(cache->out[i]);
        kc_free(cache->extra[i]);
        cache->extra[i] = NULL;
    }
    cache->count = 0;
    cache->next = 0;
}

void kc_tx_map_init(kc_arena_t *arena, kc_tx_map_t *map, size_t cap)
{
    map->cap = cap > 0 ? cap : 4;
    map->len = 0;
    map->keys = kc_arena_calloc(arena, map->cap, sizeof(kc_value_t));
    map->values = kc_arena_calloc(arena, map->cap, sizeof(kc_value_t));
}

static void kc_tx_map_grow(kc_arena_t *arena, kc_tx_map_t *map)
{
    size_t cap = map->cap * 2;
    kc_value_t *keys = kc_arena_calloc(arena, cap, sizeof(kc_value_t));
    kc_value_t *values = kc_arena_calloc(arena, cap, sizeof(kc_value_t));

    memcpy(keys, map->keys, map->len * sizeof(kc_value_t));
    memcpy(values, map->values, map->len * sizeof(kc_value_t));
    map->keys = keys;
    map->values = values;
    map->cap = cap;
}

void kc_tx_map_copy(kc_arena_t *arena, kc_tx_map_t *map, const kc_value_t *src)
{
    /* new HashMap<>(src) puts the entries in src's iteration order. */
    kc_map_order_scratch_t *scratch = kc_map_order_thread_scratch();
    const size_t *order = kc_map_order_push(scratch, NULL, src);

    for (size_t i = 0; i < src->u.map.len; i++) {
        size_t k = order != NULL ? order[i] : i;

        if (map->len == map->cap) {
            kc_tx_map_grow(arena, map);
        }
        map->keys[map->len] = src->u.map.keys[k];
        map->values[map->len] = src->u.map.values[k];
        map->len++;
    }
    kc_map_order_pop(scratch);
}

static bool kc_tx_key_is(const kc_value_t *k, const char *key)
{
    size_t n = strlen(key);

    return k->type == KC_TYPE_STRING && k->u.str.len == n &&
           memcmp(k->u.str.data, key, n) == 0;
}

void kc_tx_map_put(kc_arena_t *arena, kc_tx_map_t *map, const char *key,
                   const kc_value_t *value)
{
    for (size_t i = 0; i < map->len; i++) {
        if (kc_tx_key_is(&map->keys[i], key)) {
            map->values[i] = *value;
            return;
        }
    }
    if (map->len == map->cap) {
        kc_tx_map_grow(arena, map);
    }
    kc_value_set_string(arena, &map->keys[map->len], key, strlen(key));
    map->values[map->len] = *value;
    map->len++;
}

long kc_tx_map_find(const kc_value_t *map, const char *key)
{
    for (size_t i = 0; i < map->u.map.len; i++) {
        if (kc_tx_key_is(&map->u.map.keys[i], key)) {
            return (long)i;
        }
    }
    return -1;
}

void kc_tx_map_finish(const kc_tx_map_t *map, kc_value_t *out)
{
    out->type = KC_TYPE_MAP;
    out->flags = 0;
    out->u.map.keys = map->keys;
    out->u.map.values = map->values;
    out->u.map.len = map->len;
}

void kc_tx_map_finish_hashmap(kc_arena_t *arena, const kc_tx_map_t *map,
                              size_t table, kc_value_t *out)
{
    size_t n = map->len;
    kc_map_order_scratch_t *scratch = kc_map_order_thread_scratch();
    const size_t *order;
    kc_value_t *keys;
    kc_value_t *values;

    kc_tx_map_finish(map, out);
    order = kc_map_order_push_sized(scratch, NULL, out, table);
    if (order == NULL) {
        /* under two entries, or keys without a Java hash: left as built */
        kc_map_order_pop(scratch);
        return;
    }
    /*
     * Store the entries in the built HashMap's iteration order and mark
     * it so: the table size it started with is not known downstream, and
     * writers and later transforms iterate it in this order.
     */
    keys = kc_arena_calloc(arena, n, sizeof(kc_value_t));
    values = kc_arena_calloc(arena, n, sizeof(kc_value_t));
    for (size_t i = 0; i < n; i++) {
        keys[i] = map->keys[order[i]];
        values[i] = map->values[order[i]];
    }
    kc_map_order_pop(scratch);
    out->u.map.keys = keys;
    out->u.map.values = values;
    out->flags |= KC_VALUE_F_LINKED;
}

kc_config_t *kc_tx_config(const kc_config_def_t *defs, const kc_props_t *props,
                          kc_error_t *err)
{
    const kc_config_def_t *tables[] = {defs, NULL};

    return kc_config_new(tables, props, err);
}

kc_err_t kc_tx_nonempty_list(const kc_config_def_t *def, const char *value,
                             kc_error_t *err)
{
    KC_UNUSED(def);
    kc_strlist_t list = {0};
    bool empty;

    if (value == NULL) {
        return KC_OK;
    }
    kc_str_split_comma(value, &list);
    empty = list.count == 0;
    kc_strlist_release(&list);
    if (empty) {
        return kc_error_set(err, KC_ERR_INVALID, "Empty list");
    }
    return KC_OK;
}
