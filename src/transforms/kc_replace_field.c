/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ReplaceField$Key / $Value: keep (`include`), drop (`exclude`, which wins)
 * and rename (`renames=old:new,...`) fields. Apache 4.x no longer accepts
 * the old `whitelist`/`blacklist` names, so neither does this.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"
#include "util/kc_str.h"

#define KC_PURPOSE "field replacement"

typedef struct kc_replace_field {
    kc_tx_side_t side;
    kc_config_t *config;
    const char *const *exclude;
    size_t nexclude;
    const char *const *include;
    size_t ninclude;
    kc_strlist_t from; /* renames: from[i] -> to[i] */
    kc_strlist_t to;
    bool with_default;
    kc_tx_schema_cache_t cache;
} kc_replace_field_t;

/* Java's String.split(":"): trailing empty parts are dropped. */
static size_t kc_rename_parts(const char *m, const char **colon)
{
    size_t n = strlen(m);
    size_t parts = 1;

    *colon = strchr(m, ':');
    while (n > 0 && m[n - 1] == ':') {
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        parts += m[i] == ':';
    }
    return n == 0 ? 1 : parts;
}

static kc_err_t kc_renames_validator(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err)
{
    kc_strlist_t list = {0};
    kc_err_t rc = KC_OK;

    KC_UNUSED(def);
    if (value == NULL) {
        return KC_OK;
    }
    kc_str_split_comma(value, &list);
    for (size_t i = 0; i < list.count && rc == KC_OK; i++) {
        const char *colon;

        if (kc_rename_parts(list.items[i], &colon) != 2) {
            rc = kc_error_set(err, KC_ERR_INVALID, "Invalid rename mapping: %s",
                              list.items[i]);
        }
    }
    kc_strlist_release(&list);
    return rc;
}

static const kc_config_def_t kc_replace_field_defs[] = {
    {.name = "exclude",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Fields to exclude. This takes precedence over the fields to "
            "include."},
    {.name = "include",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Fields to include. If specified, only these fields will be "
            "used."},
    {.name = "renames",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field rename mappings.",
     .validator = kc_renames_validator},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_replace_field_destroy(void *ctx)
{
    kc_replace_field_t *t = ctx;

    if (t == NULL) {
        return;
    }
    kc_strlist_release(&t->from);
    kc_strlist_release(&t->to);
    kc_tx_cache_release(&t->cache);
    kc_config_destroy(t->config);
    kc_free(t);
}

static kc_err_t kc_replace_field_configure(void **ctx, const kc_props_t *props,
                                           kc_tx_side_t side, kc_error_t *err)
{
    kc_replace_field_t *t;
    kc_config_t *config = kc_tx_config(kc_replace_field_defs, props, err);
    const char *const *renames;
    size_t nrenames;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->config = config;
    t->exclude = kc_config_list(config, "exclude", &t->nexclude);
    t->include = kc_config_list(config, "include", &t->ninclude);
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    renames = kc_config_list(config, "renames", &nrenames);
    for (size_t i = 0; i < nrenames; i++) {
        const char *colon = strchr(renames[i], ':');
        size_t j;

        /* A later mapping of the same name wins, as HashMap.put. */
        for (j = 0; j < t->from.count; j++) {
            if (strncmp(t->from.items[j], renames[i],
                        (size_t)(colon - renames[i])) == 0 &&
                t->from.items[j][colon - renames[i]] == '\0') {
                break;
            }
        }
        if (j < t->from.count) {
            kc_free(t->to.items[j]);
            t->to.items[j] = kc_strndup(colon + 1, strcspn(colon + 1, ":"));
        } else {
            kc_strlist_push_take(
                &t->from, kc_strndup(renames[i], (size_t)(colon - renames[i])));
            kc_strlist_push_take(
                &t->to, kc_strndup(colon + 1, strcspn(colon + 1, ":")));
        }
    }
    *ctx = t;
    return KC_OK;
}

static bool kc_in_list(const char *const *list, size_t n, const char *s,
                       size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0) {
            return true;
        }
    }
    return false;
}

static bool kc_replace_keep(const kc_replace_field_t *t, const char *name,
                            size_t len)
{
    return !kc_in_list(t->exclude, t->nexclude, name, len) &&
           (t->ninclude == 0 || kc_in_list(t->include, t->ninclude, name, len));
}

static const char *kc_replace_rename(const kc_replace_field_t *t,
                                     const char *name, size_t len)
{
    for (size_t i = 0; i < t->from.count; i++) {
        if (strlen(t->from.items[i]) == len &&
            memcmp(t->from.items[i], name, len) == 0) {
            return t->to.items[i];
        }
    }
    return NULL;
}

/* The derived schema and, in @p src, the input field of each output one. */
static const kc_schema_t *kc_replace_schema(kc_replace_field_t *t,
                                            const kc_schema_t *in,
                                            const size_t **src, kc_error_t *err)
{
    void *plan = NULL;
    const kc_schema_t *out = kc_tx_cache_get_extra(&t->cache, in, &plan);
    kc_schema_t *b;
    size_t *map;
    size_t n = 0;

    if (out != NULL) {
        *src = plan;
        return out;
    }
    b = kc_tx_struct_copy_basics(in);
    map = kc_calloc(kc_schema_field_count(in) + 1, sizeof(*map));
    for (size_t i = 0; i < kc_schema_field_count(in); i++) {
        const kc_field_t *f = kc_schema_field_at(in, i);
        const char *to;

        if (!kc_replace_keep(t, f->name, strlen(f->name))) {
            continue;
        }
        to = kc_replace_rename(t, f->name, strlen(f->name));
        if (kc_tx_add_field(b, to != NULL ? to : f->name, f->schema, err) !=
            KC_OK) {
            kc_schema_unref(b);
            kc_free(map);
            return NULL;
        }
        map[n++] = i;
    }
    *src = map;
    return kc_tx_cache_put_take_extra(&t->cache, in, b, map);
}

static kc_err_t kc_replace_field_apply(void *ctx, kc_record_t *rec,
                                       kc_arena_t *arena, bool *drop,
                                       kc_error_t *err)
{
    kc_replace_field_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out;

    KC_UNUSED(drop);
    if (value->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (*schema == NULL) {
        kc_tx_map_t map;
        kc_map_order_scratch_t *scratch;
        const size_t *order;

        if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        /* Apache walks value.entrySet(): the input's iteration order. */
        scratch = kc_map_order_thread_scratch();
        order = kc_map_order_push(scratch, NULL, value);
        kc_tx_map_init(arena, &map, value->u.map.len);
        for (size_t j = 0; j < value->u.map.len; j++) {
            size_t i = order != NULL ? order[j] : j;
            const kc_value_t *k = &value->u.map.keys[i];
            const char *to;
            const char *name;

            if (k->type != KC_TYPE_STRING) {
                continue;
            }
            if (!kc_replace_keep(t, k->u.str.data, k->u.str.len)) {
                continue;
            }
            to = kc_replace_rename(t, k->u.str.data, k->u.str.len);
            name = to != NULL
                       ? to
                       : kc_arena_strndup(arena, k->u.str.data, k->u.str.len);
            kc_tx_map_put(arena, &map, name, &value->u.map.values[i]);
        }
        kc_map_order_pop(scratch);
        /* Apache: new HashMap<>(value.size()) filled from value's entries. */
        kc_tx_map_finish_hashmap(
            arena, &map, kc_java_table_size_for(value->u.map.len), &out);
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *in;
        const kc_schema_t *ns;
        const size_t *src = NULL;

        if (kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        in = value->u.st.schema;
        ns = kc_replace_schema(t, in, &src, err);
        if (ns == NULL) {
            return KC_ERR_INVALID;
        }
        kc_tx_pin_schema(arena, ns);
        kc_value_set_struct(arena, &out, ns);
        for (size_t j = 0; j < kc_schema_field_count(ns); j++) {
            out.u.st.fields[j] =
                *kc_tx_struct_get(value, src[j], t->with_default);
        }
        *schema = ns;
        *value = out;
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_replace_field, "ReplaceField", kc_replace_field_defs,
                        kc_replace_field_configure, kc_replace_field_apply,
                        kc_replace_field_destroy);
