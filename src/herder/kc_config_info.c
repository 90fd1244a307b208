/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "herder/kc_config_info.h"

#include "config/kc_config_parse.h"
#include "util/kc_utf8.h"

static const char *kc_importance_name(kc_cfg_importance_t imp)
{
    switch (imp) {
    case KC_IMPORTANCE_HIGH:
        return "HIGH";
    case KC_IMPORTANCE_MEDIUM:
        return "MEDIUM";
    case KC_IMPORTANCE_LOW:
        return "LOW";
    }
    return "LOW";
}

/* Apache's ConfigDef.Width name of a row. */
static const char *kc_width_name(unsigned flags)
{
    switch (flags & KC_CFG_F_WIDTH_MASK) {
    case KC_CFG_F_WIDTH_SHORT:
        return "SHORT";
    case KC_CFG_F_WIDTH_MEDIUM:
        return "MEDIUM";
    case KC_CFG_F_WIDTH_LONG:
        return "LONG";
    default:
        return "NONE";
    }
}

/* Visit each row once, first occurrence of a name winning. */
typedef void (*kc_def_visit_fn)(const kc_config_def_t *def, int order,
                                void *opaque);

static bool kc_def_seen_before(const kc_config_def_t *const *tables,
                               size_t table, size_t row)
{
    const char *name = tables[table][row].name;

    for (size_t t = 0; t <= table; t++) {
        size_t end = 0;

        while (tables[t][end].name != NULL) {
            end++;
        }
        if (t == table) {
            end = row;
        }
        for (size_t r = 0; r < end; r++) {
            if (strcmp(tables[t][r].name, name) == 0) {
                return true;
            }
        }
    }
    return false;
}

static bool kc_str_eq_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

static void kc_defs_each(const kc_config_def_t *const *tables,
                         kc_def_visit_fn fn, void *opaque)
{
    for (size_t t = 0; tables != NULL && tables[t] != NULL; t++) {
        for (size_t r = 0; tables[t][r].name != NULL; r++) {
            const kc_config_def_t *def = &tables[t][r];
            int order = -1;

            if (kc_def_seen_before(tables, t, r)) {
                continue;
            }
            if ((def->flags & KC_CFG_ORDER_MASK) != 0) {
                order = KC_CFG_ORDER_OF(def->flags);
            } else if (def->group != NULL) {
                /* Apache numbers keys within their group from 1. */
                order = 1;
                for (size_t t2 = 0; t2 <= t; t2++) {
                    for (size_t r2 = 0; tables[t2][r2].name != NULL; r2++) {
                        if (t2 == t && r2 == r) {
                            break;
                        }
                        if (kc_str_eq_null(tables[t2][r2].group, def->group) &&
                            !kc_def_seen_before(tables, t2, r2)) {
                            order++;
                        }
                    }
                }
            }
            fn(def, order, opaque);
        }
    }
}

static json_t *kc_json_string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *kc_config_key_info(const kc_config_def_t *def, int order)
{
    json_t *o = json_object();
    bool required = (def->flags & KC_CFG_F_REQUIRED) != 0;
    const char *dflt = required ? NULL : def->default_value;

    if (dflt != NULL && kc_config_def_is_secret(def)) {
        dflt = KC_CONFIG_HIDDEN;
    }
    json_object_set_new(o, "name", json_string(def->name));
    json_object_set_new(o, "type", json_string(kc_cfg_type_name(def->type)));
    json_object_set_new(o, "required", json_boolean(required));
    json_object_set_new(o, "default_value", kc_json_string_or_null(dflt));
    json_object_set_new(o, "importance",
                        json_string(kc_importance_name(def->importance)));
    json_object_set_new(o, "documentation", kc_json_string_or_null(def->doc));
    json_object_set_new(o, "group", kc_json_string_or_null(def->group));
    json_object_set_new(o, "width", json_string(kc_width_name(def->flags)));
    json_object_set_new(
        o, "display_name",
        json_string(def->display_name != NULL ? def->display_name : def->name));
    json_object_set_new(o, "dependents", json_array());
    json_object_set_new(o, "order", json_integer(order));
    return o;
}

static void kc_key_info_visit(const kc_config_def_t *def, int order,
                              void *opaque)
{
    json_array_append_new((json_t *)opaque, kc_config_key_info(def, order));
}

json_t *kc_config_key_infos(const kc_config_def_t *const *tables)
{
    json_t *arr = json_array();

    kc_defs_each(tables, kc_key_info_visit, arr);
    return arr;
}

/* A LIST value as Apache prints it back: items trimmed, joined by ",". */
static json_t *kc_list_value(const char *raw)
{
    kc_buf_t buf;
    const char *p = raw;
    json_t *out;
    bool first = true;

    kc_buf_init(&buf, 0);
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        const char *s = p;
        const char *e = end != NULL ? end : p + strlen(p);

        while (s < e && (*s == ' ' || *s == '\t')) {
            s++;
        }
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        if (e > s) {
            if (!first) {
                kc_buf_putc(&buf, ',');
            }
            kc_buf_append(&buf, s, (size_t)(e - s));
            first = false;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    out = json_string(kc_buf_cstr(&buf));
    kc_buf_release(&buf);
    return out;
}

static bool kc_config_parses(const kc_config_def_t *def, const char *raw)
{
    kc_cfg_value_t val;
    bool ok = kc_cfg_parse_value(def, raw, &val, NULL) == KC_OK;

    kc_cfg_value_clear(&val);
    return ok;
}

static json_t *kc_value_info(const char *name, const kc_config_def_t *def,
                             const kc_props_t *props,
                             const kc_config_result_t *result)
{
    json_t *o = json_object();
    json_t *errors = json_array();
    const char *raw = kc_props_get(props, name);
    json_t *value;

    if (raw == NULL && def != NULL && !(def->flags & KC_CFG_F_REQUIRED)) {
        raw = def->default_value;
    }
    if (raw != NULL && def != NULL && !kc_config_parses(def, raw)) {
        /* As ConfigDef: a value that does not parse is not shown. */
        value = json_null();
    } else if (raw == NULL) {
        value = json_null();
    } else if (def != NULL && kc_config_def_is_secret(def)) {
        value = json_string(KC_CONFIG_HIDDEN);
    } else if (def != NULL && def->type == KC_CFG_LIST) {
        value = kc_list_value(raw);
    } else {
        value = json_string(raw);
    }
    for (size_t i = 0; i < result->count; i++) {
        if (strcmp(result->issues[i].key, name) == 0) {
            json_array_append_new(errors,
                                  json_string(result->issues[i].message));
        }
    }
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "value", value);
    json_object_set_new(o, "recommended_values", json_array());
    json_object_set_new(o, "errors", errors);
    json_object_set_new(o, "visible", json_true());
    return o;
}

typedef struct kc_infos_ctx {
    json_t *configs;
    json_t *groups;
    const kc_props_t *props;
    const kc_config_result_t *result;
} kc_infos_ctx_t;

static void kc_infos_visit(const kc_config_def_t *def, int order, void *opaque)
{
    kc_infos_ctx_t *ctx = opaque;
    json_t *entry = json_object();
    bool have_group = false;

    json_object_set_new(entry, "definition", kc_config_key_info(def, order));
    json_object_set_new(entry, "value",
                        kc_value_info(def->name, def, ctx->props, ctx->result));
    json_array_append_new(ctx->configs, entry);
    if (def->group == NULL) {
        return;
    }
    for (size_t i = 0; i < json_array_size(ctx->groups); i++) {
        if (strcmp(json_string_value(json_array_get(ctx->groups, i)),
                   def->group) == 0) {
            have_group = true;
        }
    }
    if (!have_group) {
        json_array_append_new(ctx->groups, json_string(def->group));
    }
}

static bool kc_defs_have(const kc_config_def_t *const *tables, const char *name)
{
    for (size_t t = 0; tables != NULL && tables[t] != NULL; t++) {
        if (kc_config_def_find(tables[t], name) != NULL) {
            return true;
        }
    }
    return false;
}

json_t *kc_config_infos(const char *name, const kc_config_def_t *const *tables,
                        const kc_props_t *props,
                        const kc_config_result_t *result)
{
    json_t *o = json_object();
    kc_infos_ctx_t ctx = {json_array(), json_array(), props, result};

    /* Issues about undefined keys come first, one entry per key. */
    for (size_t i = 0; i < result->count; i++) {
        const char *key = result->issues[i].key;
        bool dup = false;

        if (kc_defs_have(tables, key)) {
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(result->issues[j].key, key) == 0) {
                dup = true;
            }
        }
        if (!dup) {
            json_t *entry = json_object();

            json_object_set_new(entry, "definition", json_null());
            json_object_set_new(entry, "value",
                                kc_value_info(key, NULL, props, result));
            json_array_append_new(ctx.configs, entry);
        }
    }
    kc_defs_each(tables, kc_infos_visit, &ctx);
    json_object_set_new(o, "name", kc_json_string_or_null(name));
    json_object_set_new(o, "error_count",
                        json_integer((json_int_t)result->count));
    json_object_set_new(o, "groups", ctx.groups);
    json_object_set_new(o, "configs", ctx.configs);
    return o;
}

json_t *kc_config_info_entry(const kc_config_def_t *def, const char *name,
                             const char *value, json_t *errors)
{
    json_t *entry = json_object();
    json_t *v = json_object();

    if (def != NULL) {
        kc_config_def_t shown = *def;

        shown.name = name;
        /* As Apache: the display name stays the key's own name. */
        shown.display_name =
            def->display_name != NULL ? def->display_name : def->name;
        json_object_set_new(
            entry, "definition",
            kc_config_key_info(&shown, KC_CFG_ORDER_OF(def->flags)));
    } else {
        json_object_set_new(entry, "definition", json_null());
    }
    json_object_set_new(v, "name", json_string(name));
    json_object_set_new(v, "value", kc_json_string_or_null(value));
    json_object_set_new(v, "recommended_values", json_array());
    json_object_set_new(v, "errors", errors);
    json_object_set_new(v, "visible", json_true());
    json_object_set_new(entry, "value", v);
    return entry;
}

void kc_config_info_add_issue(kc_config_result_t *result, const char *key,
                              const char *message)
{
    result->issues = kc_realloc(result->issues,
                                (result->count + 1) * sizeof(*result->issues));
    result->issues[result->count].key = key;
    result->issues[result->count].message = kc_strdup(message);
    result->count++;
}

/*
 * Where java.util.HashMap (default capacity, load factor 0.75) iterates
 * key @p name among @p n keys: its bucket. Apache lists a plugin's
 * ConfigDef.validate() results in that order.
 */
static uint32_t kc_java_hashmap_bucket(const char *name, size_t n)
{
    const uint8_t *p = (const uint8_t *)name;
    const uint8_t *end = p + strlen(name);
    uint32_t h = 0;
    uint32_t cap = 16;

    while (p < end) {
        uint32_t cp;
        size_t len = kc_utf8_decode(p, end, &cp);

        if (len == 0) {
            cp = *p;
            len = 1;
        }
        /* String.hashCode runs over UTF-16 code units. */
        if (cp >= 0x10000) {
            h = 31 * h + (0xD800 + ((cp - 0x10000) >> 10));
            h = 31 * h + (0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
        p += len;
    }
    while ((double)n > cap * 0.75) {
        cap *= 2;
    }
    return (h ^ (h >> 16)) & (cap - 1);
}

typedef struct kc_hashed_row {
    const kc_config_def_t *def;
    uint32_t bucket;
    size_t index;
} kc_hashed_row_t;

static int kc_hashed_row_cmp(const void *a, const void *b)
{
    const kc_hashed_row_t *x = a;
    const kc_hashed_row_t *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

json_t *kc_config_infos_prefixed(const kc_config_def_t *defs,
                                 const char *prefix, const kc_props_t *props,
                                 const kc_config_result_t *result)
{
    json_t *o = json_object();
    json_t *configs = json_array();
    json_t *groups = json_array();
    size_t n = 0;
    size_t errors = 0;
    kc_hashed_row_t *rows;

    while (defs[n].name != NULL) {
        n++;
    }
    rows = kc_calloc(n + 1, sizeof(*rows));
    for (size_t i = 0; i < n; i++) {
        rows[i].def = &defs[i];
        rows[i].bucket = kc_java_hashmap_bucket(defs[i].name, n);
        rows[i].index = i;
    }
    qsort(rows, n, sizeof(*rows), kc_hashed_row_cmp);
    for (size_t i = 0; i < n; i++) {
        kc_config_def_t def = *rows[i].def;
        char *full = kc_asprintf("%s%s", prefix, def.name);
        int order = (def.flags & KC_CFG_ORDER_MASK) != 0
                        ? KC_CFG_ORDER_OF(def.flags)
                        : -1;
        json_t *entry = json_object();
        json_t *value = kc_value_info(def.name, &def, props, result);
        bool have_group = false;

        if (json_array_size(json_object_get(value, "errors")) > 0) {
            errors++;
        }
        json_object_set_new(value, "name", json_string(full));
        if (def.display_name == NULL) {
            def.display_name = def.name;
        }
        def.name = full;
        json_object_set_new(entry, "definition",
                            kc_config_key_info(&def, order));
        json_object_set_new(entry, "value", value);
        json_array_append_new(configs, entry);
        for (size_t g = 0; def.group != NULL && g < json_array_size(groups);
             g++) {
            have_group = have_group ||
                         strcmp(json_string_value(json_array_get(groups, g)),
                                def.group) == 0;
        }
        if (def.group != NULL && !have_group) {
            json_array_append_new(groups, json_string(def.group));
        }
        kc_free(full);
    }
    kc_free(rows);
    json_object_set_new(o, "error_count", json_integer((json_int_t)errors));
    json_object_set_new(o, "groups", groups);
    json_object_set_new(o, "configs", configs);
    return o;
}
