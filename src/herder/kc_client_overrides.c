/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "herder/kc_client_overrides.h"

#include "config/kc_config_parse.h"
#include "data/kc_value_text.h"
#include "herder/kc_client_config_defs.h"
#include "herder/kc_config_info.h"
#include "runtime/kc_worker.h"

#include <ctype.h>

static const kc_config_def_t *kc_client_def(const kc_config_def_t *table,
                                            const char *name)
{
    for (size_t i = 0; table[i].name != NULL; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

/*
 * ConfigDef.parseType's LIST (the trimmed text split at commas with the
 * blanks around them, empty items kept) printed back joined by ",".
 */
static char *kc_client_list_text(const char *raw)
{
    char *trimmed = kc_str_trim_dup(raw, strlen(raw));
    const char *p = trimmed;
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    while (*trimmed != '\0') {
        const char *end = strchr(p, ',');
        const char *e = end != NULL ? end : p + strlen(p);
        const char *s = p;

        while (s < e && isspace((unsigned char)*s)) {
            s++;
        }
        while (e > s && isspace((unsigned char)e[-1])) {
            e--;
        }
        kc_buf_append(&buf, s, (size_t)(e - s));
        if (end == NULL) {
            break;
        }
        kc_buf_putc(&buf, ',');
        p = end + 1;
    }
    kc_free(trimmed);
    return kc_buf_detach(&buf, NULL);
}

/*
 * What Apache shows of an override's value: parsed by the client key's
 * type, then printed as ConfigDef.convertToString does. NULL with
 * @p err set when the value does not parse.
 */
static char *kc_client_value_text(const kc_config_def_t *def, const char *raw,
                                  kc_error_t *err)
{
    kc_cfg_value_t val;
    char num[64];
    char *out = NULL;

    if (def->type == KC_CFG_LIST) {
        return kc_client_list_text(raw);
    }
    if (kc_cfg_parse_value(def, raw, &val, err) != KC_OK) {
        return NULL;
    }
    switch (def->type) {
    case KC_CFG_BOOLEAN:
        out = kc_strdup(val.b ? "true" : "false");
        break;
    case KC_CFG_INT:
    case KC_CFG_SHORT:
    case KC_CFG_LONG:
        out = kc_asprintf("%lld", (long long)val.i);
        break;
    case KC_CFG_DOUBLE:
        kc_cfg_format_double(val.d, num, sizeof(num));
        out = kc_strdup(num);
        break;
    case KC_CFG_PASSWORD:
        out = kc_strdup(KC_CONFIG_HIDDEN);
        break;
    default:
        out = kc_strdup(val.str);
        break;
    }
    kc_cfg_value_clear(&val);
    return out;
}

static void kc_client_add_group(json_t *groups, const char *group)
{
    for (size_t i = 0; i < json_array_size(groups); i++) {
        if (strcmp(json_string_value(json_array_get(groups, i)), group) == 0) {
            return;
        }
    }
    json_array_append_new(groups, json_string(group));
}

/*
 * The order java.util.HashMap iterates @p props's keys in, the entries
 * put in @p props's order into a first table of @p table buckets.
 */
static void kc_props_java_order(const kc_props_t *props, size_t table,
                                size_t *order)
{
    size_t n = kc_props_count(props);
    kc_value_t map = {.type = KC_TYPE_MAP};

    map.u.map.keys = kc_calloc(n > 0 ? n : 1, sizeof(kc_value_t));
    map.u.map.values = kc_calloc(n > 0 ? n : 1, sizeof(kc_value_t));
    map.u.map.len = n;
    for (size_t i = 0; i < n; i++) {
        const char *k = kc_props_key_at(props, i);

        kc_value_set_string_ref(&map.u.map.keys[i], k, strlen(k));
    }
    if (!kc_value_map_java_order_sized(NULL, &map, table, order)) {
        for (size_t i = 0; i < n; i++) {
            order[i] = i;
        }
    }
    kc_free(map.u.map.keys);
    kc_free(map.u.map.values);
}

/* One client's override keys appended to @p out's configs. */
static void kc_client_append(json_t *out, const kc_props_t *props,
                             const char *prefix, const kc_config_def_t *table,
                             const char *policy)
{
    kc_props_t *sub = kc_props_with_prefix(props, prefix);
    size_t n = kc_props_count(sub);
    size_t *order = kc_calloc(n > 0 ? n : 1, sizeof(*order));
    json_int_t errors = json_integer_value(json_object_get(out, "error_count"));

    /* Apache collects them in a new HashMap<>() and lists its order. */
    kc_props_java_order(sub, 16, order);
    for (size_t i = 0; i < n; i++) {
        const char *key = kc_props_key_at(sub, order[i]);
        const char *raw = kc_props_value_at(sub, order[i]);
        const kc_config_def_t *def = kc_client_def(table, key);
        char *full = kc_asprintf("%s%s", prefix, key);
        char *refusal = kc_worker_override_refusal(policy, key);
        json_t *errs = json_array();
        char *shown = NULL;
        kc_error_t err = {0};

        if (def == NULL) {
            shown = kc_strdup(raw);
        } else {
            shown = kc_client_value_text(def, raw, &err);
            if (shown == NULL) {
                /*
                 * Apache's validate fails as a whole here (500, the
                 * ConfigException text); kconnect lists the text as this
                 * key's error instead (docs/compat.md).
                 */
                json_array_append_new(errs, json_string(err.msg));
            }
        }
        if (refusal != NULL) {
            json_array_append_new(errs, json_string(refusal));
        }
        if (json_array_size(errs) > 0) {
            errors++;
        }
        if (def != NULL && def->group != NULL) {
            kc_client_add_group(json_object_get(out, "groups"), def->group);
        }
        json_array_append_new(json_object_get(out, "configs"),
                              kc_config_info_entry(def, full, shown, errs));
        kc_free(full);
        kc_free(shown);
        kc_free(refusal);
    }
    json_object_set_new(out, "error_count", json_integer(errors));
    kc_free(order);
    kc_props_destroy(sub);
}

json_t *kc_client_override_infos(const kc_props_t *props, bool sink,
                                 const char *policy)
{
    json_t *out = json_object();
    size_t n = kc_props_count(props);
    size_t *order = kc_calloc(n > 0 ? n : 1, sizeof(*order));
    kc_props_t *copied = kc_props_new();

    /*
     * The keys reach each client's map in the order of the connector
     * config's own HashMap copy (AbstractConfig's originals): that decides
     * the order of keys sharing a bucket.
     */
    kc_props_java_order(props, kc_java_hashmap_copy_table(n), order);
    for (size_t i = 0; i < n; i++) {
        kc_props_set(copied, kc_props_key_at(props, order[i]),
                     kc_props_value_at(props, order[i]));
    }
    kc_free(order);
    props = copied;
    json_object_set_new(out, "error_count", json_integer(0));
    json_object_set_new(out, "groups", json_array());
    json_object_set_new(out, "configs", json_array());
    /* AbstractHerder.mergeConfigInfos: producer, consumer, admin. */
    if (kc_worker_client_used(props, sink, KC_CLIENT_PRODUCER)) {
        kc_client_append(out, props, "producer.override.",
                         kc_producer_client_defs, policy);
    }
    if (kc_worker_client_used(props, sink, KC_CLIENT_CONSUMER)) {
        kc_client_append(out, props, "consumer.override.",
                         kc_consumer_client_defs, policy);
    }
    if (kc_worker_client_used(props, sink, KC_CLIENT_ADMIN)) {
        kc_client_append(out, props, "admin.override.", kc_admin_client_defs,
                         policy);
    }
    kc_props_destroy(copied);
    return out;
}
