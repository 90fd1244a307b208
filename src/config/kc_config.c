/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_config_t: a validated config with every defined key parsed once, so
 * getters are cheap, never fail and apply the defaults.
 */
#include "kc_internal.h"

#include "config/kc_config_parse.h"

typedef struct kc_config_entry {
    const kc_config_def_t *def;
    kc_cfg_value_t val;
    bool is_set;
} kc_config_entry_t;

struct kc_config {
    kc_props_t *props;
    kc_config_entry_t *entries;
    size_t count;
};

kc_config_t *kc_config_new(const kc_config_def_t *const *defs,
                           const kc_props_t *props, kc_error_t *err)
{
    kc_config_result_t result = {0};
    kc_config_t *config;
    size_t n = 0;

    for (size_t t = 0; defs[t] != NULL; t++) {
        for (const kc_config_def_t *def = defs[t]; def->name; def++) {
            n++;
        }
    }
    config = kc_calloc(1, sizeof(*config));
    config->entries = kc_calloc(n ? n : 1, sizeof(kc_config_entry_t));
    for (size_t t = 0; defs[t] != NULL; t++) {
        for (const kc_config_def_t *def = defs[t]; def->name; def++) {
            kc_config_entry_t *entry;
            const char *raw;

            if (kc_config_defs_find(defs, def->name) != def) {
                continue;
            }
            raw = kc_props_get(props, def->name);
            entry = &config->entries[config->count++];
            entry->def = def;
            entry->is_set = raw != NULL;
            kc_cfg_check(def, raw, &result, &entry->val);
        }
    }
    if (result.count > 0) {
        kc_config_result_to_error(&result, err);
        kc_config_result_release(&result);
        kc_config_destroy(config);
        return NULL;
    }
    config->props = kc_props_copy(props);
    return config;
}

void kc_config_destroy(kc_config_t *config)
{
    if (config == NULL) {
        return;
    }
    for (size_t i = 0; i < config->count; i++) {
        kc_cfg_value_clear(&config->entries[i].val);
    }
    kc_free(config->entries);
    kc_props_destroy(config->props);
    kc_free(config);
}

const kc_props_t *kc_config_props(const kc_config_t *config)
{
    return config->props;
}

static const kc_config_entry_t *kc_config_entry(const kc_config_t *config,
                                                const char *key)
{
    for (size_t i = 0; i < config->count; i++) {
        if (strcmp(config->entries[i].def->name, key) == 0) {
            return &config->entries[i];
        }
    }
    /* asking for a key no table defines is a bug in the caller */
    kc_assert(!"config key not defined");
    return NULL;
}

const char *kc_config_string(const kc_config_t *config, const char *key)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    return entry ? entry->val.str : NULL;
}

int64_t kc_config_long(const kc_config_t *config, const char *key)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    if (entry == NULL || entry->val.is_null) {
        return 0;
    }
    if (entry->def->type == KC_CFG_DOUBLE) {
        return (int64_t)entry->val.d;
    }
    return entry->val.i;
}

int32_t kc_config_int(const kc_config_t *config, const char *key)
{
    int64_t v = kc_config_long(config, key);

    /* an INT row was range-checked when parsed; a LONG read as int is a bug */
    kc_assert(v >= INT32_MIN && v <= INT32_MAX);
    return (int32_t)v;
}

double kc_config_double(const kc_config_t *config, const char *key)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    if (entry == NULL || entry->val.is_null) {
        return 0.0;
    }
    return entry->val.d;
}

bool kc_config_bool(const kc_config_t *config, const char *key)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    return entry != NULL && !entry->val.is_null && entry->val.b;
}

const char *const *kc_config_list(const kc_config_t *config, const char *key,
                                  size_t *count)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    if (entry == NULL || entry->val.is_null) {
        *count = 0;
        return NULL;
    }
    *count = entry->val.list.count;
    return (const char *const *)entry->val.list.items;
}

bool kc_config_is_set(const kc_config_t *config, const char *key)
{
    const kc_config_entry_t *entry = kc_config_entry(config, key);

    return entry != NULL && entry->is_set;
}
