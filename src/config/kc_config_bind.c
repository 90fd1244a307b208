/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_config_bind: a config table's rows carry an offsetof target, so one
 * call validates the props and fills the plugin's typed struct (the shape
 * of librdkafka's property table and Fluent Bit's config maps). Plugins
 * and the runtime then read fields instead of re-parsing raw text with
 * their own defaults. Only rows with a target are read: one shared table
 * (the connector keys) can feed a reader that needs a few of its keys
 * without the others being set.
 */
#include "kc_internal.h"

#include "config/kc_config_parse.h"

/* The field size a row of @p type binds to. */
static size_t kc_bind_size(kc_cfg_type_t type)
{
    switch (type) {
    case KC_CFG_BOOLEAN:
        return sizeof(bool);
    case KC_CFG_SHORT:
        return sizeof(int16_t);
    case KC_CFG_INT:
        return sizeof(int32_t);
    case KC_CFG_LONG:
        return sizeof(int64_t);
    case KC_CFG_DOUBLE:
        return sizeof(double);
    case KC_CFG_LIST:
        return sizeof(kc_cfg_list_t);
    case KC_CFG_STRING:
    case KC_CFG_CLASS:
    case KC_CFG_PASSWORD:
        return sizeof(char *);
    }
    return 0;
}

/* Each table row that wins its name (the first table defining it). */
#define KC_BIND_EACH(defs, def)                                                \
    for (size_t t_ = 0; (defs)[t_] != NULL; t_++)                              \
        for (const kc_config_def_t *def = (defs)[t_]; def->name != NULL;       \
             def++)                                                            \
            if (kc_config_defs_find((defs), def->name) == def)

static void kc_bind_store(const kc_config_def_t *def, kc_cfg_value_t *val,
                          void *out)
{
    uint8_t *field = (uint8_t *)out + def->offset;

    switch (def->type) {
    case KC_CFG_BOOLEAN: {
        bool b = !val->is_null && val->b;

        memcpy(field, &b, sizeof(b));
        break;
    }
    case KC_CFG_SHORT: {
        int16_t v = val->is_null ? 0 : (int16_t)val->i;

        memcpy(field, &v, sizeof(v));
        break;
    }
    case KC_CFG_INT: {
        int32_t v = val->is_null ? 0 : (int32_t)val->i;

        memcpy(field, &v, sizeof(v));
        break;
    }
    case KC_CFG_LONG: {
        int64_t v = val->is_null ? 0 : val->i;

        memcpy(field, &v, sizeof(v));
        break;
    }
    case KC_CFG_DOUBLE: {
        double v = val->is_null ? 0.0 : val->d;

        memcpy(field, &v, sizeof(v));
        break;
    }
    case KC_CFG_LIST: {
        kc_cfg_list_t list = {0};

        /* the parsed value's array moves into the struct */
        if (!val->is_null) {
            list.items = val->list.items;
            list.count = val->list.count;
            memset(&val->list, 0, sizeof(val->list));
        }
        memcpy(field, &list, sizeof(list));
        break;
    }
    case KC_CFG_STRING:
    case KC_CFG_CLASS:
    case KC_CFG_PASSWORD: {
        char *s = val->str;

        val->str = NULL;
        memcpy(field, &s, sizeof(s));
        break;
    }
    }
}

kc_err_t kc_config_bind(const kc_config_def_t *const *defs,
                        const kc_props_t *props, void *out, kc_error_t *err)
{
    kc_config_result_t result = {0};
    kc_cfg_value_t *vals;
    size_t n = 0;
    size_t i = 0;

    /* a wrong target is refused before anything is written */
    KC_BIND_EACH(defs, def)
    {
        if (def->size != 0 && def->size != kc_bind_size(def->type)) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not bind config \"%s\": its field has "
                                "%zu bytes, a %s needs %zu",
                                def->name, def->size,
                                kc_cfg_type_name(def->type),
                                kc_bind_size(def->type));
        }
        n++;
    }
    /* every row is checked before any field is written, so a refused
     * config leaves @p out as it was */
    vals = kc_calloc(n ? n : 1, sizeof(*vals));
    KC_BIND_EACH(defs, def)
    {
        /* a row without a target is another reader's (the whole table
         * is kc_config_validate's) */
        if (def->size != 0) {
            kc_cfg_check(def, kc_props_get(props, def->name), &result,
                         &vals[i]);
        }
        i++;
    }
    i = 0;
    KC_BIND_EACH(defs, def)
    {
        if (result.count == 0 && def->size != 0) {
            kc_bind_store(def, &vals[i], out);
        }
        kc_cfg_value_clear(&vals[i++]);
    }
    kc_free(vals);
    if (result.count > 0) {
        kc_config_result_to_error(&result, err);
        kc_config_result_release(&result);
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

void kc_config_bind_release(const kc_config_def_t *const *defs, void *out)
{
    KC_BIND_EACH(defs, def)
    {
        uint8_t *field = (uint8_t *)out + def->offset;

        if (def->size == 0 || def->size != kc_bind_size(def->type)) {
            continue;
        }
        if (def->type == KC_CFG_LIST) {
            kc_cfg_list_t list;
            kc_strlist_t sl;

            memcpy(&list, field, sizeof(list));
            sl.items = list.items;
            sl.count = list.count;
            kc_strlist_release(&sl);
            memset(field, 0, sizeof(list));
        } else if (def->type == KC_CFG_STRING || def->type == KC_CFG_CLASS ||
                   def->type == KC_CFG_PASSWORD) {
            char *s;

            memcpy(&s, field, sizeof(s));
            kc_free(s);
            memset(field, 0, sizeof(s));
        }
    }
}
