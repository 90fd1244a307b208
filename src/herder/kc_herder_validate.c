/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core's config side: props <-> JSON conversions, plugin
 * lookup and connector config validation (config providers resolved,
 * their values scrubbed from what is shown), the validate and plugin
 * config ops. Split from kc_herder_core.c to keep each file readable.
 */
#include "kc_internal.h"

#include "data/kc_value_text.h"
#include "herder/kc_client_overrides.h"
#include "herder/kc_config_info.h"
#include "herder/kc_herder_core.h"
#include "plugins/kc_plugin_version.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

#include <ctype.h>
#include <strings.h>

/* ---- small helpers ----------------------------------------------------- */

kc_hconn_t *kc_herder_find(kc_herder_t *h, const char *name)
{
    for (size_t i = 0; i < h->nconns; i++) {
        if (strcmp(h->conns[i]->name, name) == 0) {
            return h->conns[i];
        }
    }
    return NULL;
}

const char *kc_kind_type(kc_plugin_kind_t kind)
{
    return kind == KC_PLUGIN_SINK ? "sink" : "source";
}

const char *kc_plugin_class(const kc_plugin_head_t *p)
{
    return p->class_name != NULL ? p->class_name : p->name;
}

const char *kc_task_version(const struct kc_connector_plugin *p)
{
    if (p->source_task != NULL) {
        return p->source_task->version;
    }
    if (p->sink_task != NULL) {
        return p->sink_task->version;
    }
    return NULL;
}

void kc_tasks_free(kc_props_t **tasks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kc_props_destroy(tasks[i]);
    }
    kc_free(tasks);
}

json_t *kc_props_json(const kc_props_t *props)
{
    json_t *o = json_object();

    for (size_t i = 0; i < kc_props_count(props); i++) {
        json_object_set_new(o, kc_props_key_at(props, i),
                            json_string(kc_props_value_at(props, i)));
    }
    return o;
}

/* Java's Map.toString(): {k1=v1, k2=v2}, as Apache quotes a config. */
char *kc_props_java_string(const kc_props_t *props)
{
    size_t n = kc_props_count(props);
    kc_value_t map = {.type = KC_TYPE_MAP};
    size_t *order;
    kc_buf_t buf;

    /*
     * Apache prints the config after its ConfigTransformer copied it into
     * a new HashMap<>(props): Java's iteration order for that table.
     */
    map.u.map.keys = kc_calloc(n > 0 ? n : 1, sizeof(kc_value_t));
    map.u.map.values = kc_calloc(n > 0 ? n : 1, sizeof(kc_value_t));
    map.u.map.len = n;
    for (size_t i = 0; i < n; i++) {
        const char *k = kc_props_key_at(props, i);

        kc_value_set_string_ref(&map.u.map.keys[i], k, strlen(k));
    }
    order = kc_calloc(n > 0 ? n : 1, sizeof(*order));
    if (!kc_value_map_java_order_sized(NULL, &map,
                                       kc_java_hashmap_copy_table(n), order)) {
        for (size_t i = 0; i < n; i++) {
            order[i] = i;
        }
    }
    kc_buf_init(&buf, 0);
    kc_buf_putc(&buf, '{');
    for (size_t i = 0; i < n; i++) {
        kc_buf_printf(&buf, "%s%s=%s", i > 0 ? ", " : "",
                      kc_props_key_at(props, order[i]),
                      kc_props_value_at(props, order[i]));
    }
    kc_buf_putc(&buf, '}');
    kc_free(order);
    kc_free(map.u.map.keys);
    kc_free(map.u.map.values);
    return kc_buf_detach(&buf, NULL);
}

static int kc_json_to_buf(const char *data, size_t len, void *opaque)
{
    return kc_buf_append(opaque, data, len) == KC_OK ? 0 : -1;
}

/* A number or boolean as Jackson turns it into a String. Caller frees. */
char *kc_json_scalar_text(const json_t *v)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    json_dump_callback(v, kc_json_to_buf, &buf, JSON_ENCODE_ANY);
    return kc_buf_detach(&buf, NULL);
}

/*
 * A REST config object to props. Scalars become their JSON text (as
 * Jackson reads a Map<String, String>); null values are kept apart in
 * @p nulls (validation reports them); objects and arrays are rejected.
 */
kc_err_t kc_json_to_props(json_t *config, kc_props_t **out, kc_props_t **nulls,
                          kc_error_t *err)
{
    kc_props_t *props;
    const char *key;
    json_t *v;

    if (config == NULL || !json_is_object(config)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Connector configuration must be a JSON object "
                            "of string values");
    }
    props = kc_props_new();
    if (nulls != NULL) {
        *nulls = kc_props_new();
    }
    json_object_foreach(config, key, v)
    {
        if (json_is_string(v)) {
            kc_props_set(props, key, json_string_value(v));
        } else if (json_is_null(v)) {
            if (nulls != NULL) {
                kc_props_set(*nulls, key, "");
            }
        } else if (json_is_object(v) || json_is_array(v)) {
            kc_props_destroy(props);
            if (nulls != NULL) {
                kc_props_destroy(*nulls);
                *nulls = NULL;
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "Cannot deserialize value of type "
                                "`java.lang.String` from %s value (key \"%s\")",
                                json_is_object(v) ? "Object" : "Array", key);
        } else {
            char *text = kc_json_scalar_text(v);

            kc_props_set(props, key, text);
            kc_free(text);
        }
    }
    *out = props;
    return KC_OK;
}

json_t *kc_error_body(int code, const char *message)
{
    json_t *o = json_object();

    json_object_set_new(o, "error_code", json_integer(code));
    json_object_set_new(o, "message", json_string(message));
    return o;
}

/* ---- validation -------------------------------------------------------- */

const struct kc_connector_plugin *kc_herder_plugin(kc_herder_t *h,
                                                   const char *cls,
                                                   kc_plugin_kind_t *kind,
                                                   kc_error_t *err)
{
    kc_registry_t *reg = kc_worker_registry(h->w);
    const struct kc_connector_plugin *p;
    kc_buf_t buf;

    p = kc_registry_find_connector(reg, cls, kind);
    if (p != NULL) {
        return p;
    }
    kc_buf_init(&buf, 0);
    for (int k = KC_PLUGIN_SINK; k >= KC_PLUGIN_SOURCE; k--) {
        size_t n = kc_registry_count(reg, (kc_plugin_kind_t)k);

        for (size_t i = 0; i < n; i++) {
            const kc_plugin_head_t *head =
                kc_registry_at(reg, (kc_plugin_kind_t)k, i);

            kc_buf_printf(&buf, "%s%s", buf.len > 0 ? ", " : "",
                          kc_plugin_class(head));
        }
    }
    kc_error_set(err, KC_ERR_INVALID,
                 "Failed to find any class that implements Connector and "
                 "which name matches %s, available connectors are: %s",
                 cls, kc_buf_cstr(&buf));
    kc_buf_release(&buf);
    return NULL;
}

/*
 * The tables a connector is validated against: the worker's (common keys
 * plus the plugin's), or just the plugin's if the worker has none.
 */
static const kc_config_def_t *const *
kc_herder_tables(kc_herder_t *h, const struct kc_connector_plugin *p,
                 const kc_config_def_t *fallback[2])
{
    const kc_config_def_t *const *tables = kc_worker_connector_defs(h->w, p);

    if (tables != NULL) {
        return tables;
    }
    fallback[0] = p->config_def;
    fallback[1] = NULL;
    return fallback[0] != NULL ? fallback : fallback + 1;
}

/*
 * Apache's NonEmptyStringWithoutControlChars on "name": ConfigDef trims a
 * STRING value first, then every code point that is an ISO control
 * character (U+0000-U+001F, U+007F-U+009F) is listed. Code points, not
 * bytes: the UTF-8 of a character outside the BMP holds bytes in
 * 0x80-0x9F that are not control characters.
 */
static void kc_herder_check_name(const kc_props_t *props,
                                 kc_config_result_t *result)
{
    const char *name = kc_props_get(props, "name");
    char *trimmed;
    char *msg = NULL;
    kc_buf_t buf;

    if (name == NULL || kc_config_result_first(result, "name") != NULL) {
        return;
    }
    trimmed = kc_str_trim_dup(name, strlen(name));
    kc_buf_init(&buf, 0);
    if (*trimmed == '\0') {
        msg = kc_asprintf("Invalid value  for configuration name: String "
                          "may not be empty");
    } else if (!kc_utf8_valid(trimmed, strlen(trimmed))) {
        msg = kc_asprintf("Invalid value for configuration name: String "
                          "must be valid UTF-8");
    } else {
        const uint8_t *p = (const uint8_t *)trimmed;
        const uint8_t *end = p + strlen(trimmed);

        while (p < end) {
            uint32_t cp;

            p += kc_utf8_decode(p, end, &cp);
            if (kc_utf8_is_iso_control(cp)) {
                kc_buf_printf(&buf, "%s%u", buf.len > 0 ? ", " : "",
                              (unsigned)cp);
            }
        }
        if (buf.len > 0) {
            msg = kc_asprintf("Invalid value %s for configuration name: "
                              "String may not contain control sequences "
                              "but had the following ASCII chars: %s",
                              trimmed, kc_buf_cstr(&buf));
        }
    }
    if (msg != NULL) {
        kc_config_info_add_issue(result, "name", msg);
        kc_free(msg);
    }
    kc_buf_release(&buf);
    kc_free(trimmed);
}

/*
 * Validation runs on resolved values: put the references back in what
 * it shows of each key (value, errors, recommended values).
 */
static void kc_herder_scrub_infos(kc_herder_t *h, const kc_props_t *raw,
                                  json_t *infos)
{
    const kc_config_t *wcfg = kc_worker_config(h->w);
    kc_secrets_t *sec =
        kc_secrets_new(raw, wcfg != NULL ? kc_config_props(wcfg) : NULL);
    json_t *configs = json_object_get(infos, "configs");

    for (size_t i = 0; !kc_secrets_empty(sec) && i < json_array_size(configs);
         i++) {
        json_t *value = json_object_get(json_array_get(configs, i), "value");
        const char *key = json_string_value(json_object_get(value, "name"));
        const char *rawv = key != NULL ? kc_props_get(raw, key) : NULL;
        json_t *shown = json_object_get(value, "value");

        /* Not "name": the key stays what it is. */
        kc_secrets_scrub_json(sec, json_object_get(value, "errors"));
        kc_secrets_scrub_json(sec,
                              json_object_get(value, "recommended_values"));
        if (rawv != NULL && json_is_string(shown) &&
            strcmp(json_string_value(shown), KC_CONFIG_HIDDEN) != 0) {
            /* A value that held a reference shows the reference. */
            json_string_set(shown, rawv);
        } else {
            kc_secrets_scrub_json(sec, shown);
        }
    }
    kc_secrets_destroy(sec);
}

/* ---- how validate presents plugins (Apache's enriched ConfigDef) ------ */

/*
 * Rows made for one validation: the keys of each transform and predicate
 * alias, in a "Transforms: <alias>" / "Predicates: <alias>" group, as
 * Apache lists them whether or not they have errors. Names, docs and
 * groups are owned here.
 */
typedef struct kc_alias_rows {
    kc_config_def_t **tables;
    size_t ntables;
    kc_strlist_t strings;
} kc_alias_rows_t;

static const char *kc_alias_str(kc_alias_rows_t *rows, char *s)
{
    kc_strlist_push_take(&rows->strings, s);
    return s;
}

static void kc_alias_rows_add(kc_alias_rows_t *rows, const kc_registry_t *reg,
                              const kc_props_t *props, bool transform,
                              const char *alias)
{
    const char *list_key = transform ? "transforms" : "predicates";
    const char *what = transform ? "transformation" : "predicate";
    const char *title = transform ? "Transformation" : "Predicate";
    char *type_key = kc_asprintf("%s.%s.type", list_key, alias);
    const char *type = kc_props_get(props, type_key);
    const kc_plugin_head_t *head = NULL;
    const char *group;
    size_t nown = 0;
    size_t n = 0;
    kc_config_def_t *t;

    if (type != NULL) {
        char *trimmed = kc_str_trim_dup(type, strlen(type));

        head = kc_registry_find(
            reg, transform ? KC_PLUGIN_TRANSFORM : KC_PLUGIN_PREDICATE,
            trimmed);
        kc_free(trimmed);
    }
    {
        char *vkey = kc_asprintf("%s.%s.plugin.version", list_key, alias);
        const char *req = kc_props_get(props, vkey);

        /* A version it cannot have: Apache lists none of its keys. */
        if (head != NULL && req != NULL && head->version != NULL &&
            !kc_plugin_version_matches(req, head->version)) {
            head = NULL;
        }
        kc_free(vkey);
    }
    while (head != NULL && head->config_def != NULL &&
           head->config_def[nown].name != NULL) {
        nown++;
    }
    t = kc_calloc(nown + 5, sizeof(*t));
    group = kc_alias_str(
        rows,
        kc_asprintf("%s: %s", transform ? "Transforms" : "Predicates", alias));
    t[n++] = (kc_config_def_t){
        .name = kc_alias_str(rows, type_key),
        .type = KC_CFG_CLASS,
        .importance = KC_IMPORTANCE_HIGH,
        .doc = kc_alias_str(rows,
                            kc_asprintf("Class for the '%s' %s.", alias, what)),
        .group = group,
        .display_name =
            kc_alias_str(rows, kc_asprintf("%s type for %s", title, alias)),
        .flags = KC_CFG_F_REQUIRED | KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(0)};
    t[n++] = (kc_config_def_t){
        .name = kc_alias_str(
            rows, kc_asprintf("%s.%s.plugin.version", list_key, alias)),
        .type = KC_CFG_STRING,
        .importance = KC_IMPORTANCE_HIGH,
        .doc = kc_alias_str(
            rows, kc_asprintf("Version of the '%s' %s.", alias, what)),
        .group = group,
        .display_name =
            kc_alias_str(rows, kc_asprintf("%s version for %s", title, alias)),
        .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(1)};
    for (size_t i = 0; i < nown; i++) {
        const kc_config_def_t *own = &head->config_def[i];

        t[n] = *own;
        t[n].name = kc_alias_str(
            rows, kc_asprintf("%s.%s.%s", list_key, alias, own->name));
        t[n].group = group;
        t[n].display_name =
            own->display_name != NULL ? own->display_name : own->name;
        t[n].flags = (own->flags & ~KC_CFG_ORDER_MASK) | KC_CFG_ORDER((int)n);
        /* Shown only: validation ran on the chain's own checks. */
        t[n].validator = NULL;
        n++;
    }
    if (transform && head != NULL) {
        t[n] = (kc_config_def_t){
            .name =
                kc_alias_str(rows, kc_asprintf("transforms.%s.negate", alias)),
            .type = KC_CFG_BOOLEAN,
            .default_value = "false",
            .importance = KC_IMPORTANCE_MEDIUM,
            .doc = "Whether the configured predicate should be negated.",
            .group = group,
            .display_name = "negate",
            .flags = KC_CFG_ORDER((int)n)};
        n++;
        t[n] = (kc_config_def_t){
            .name = kc_alias_str(rows,
                                 kc_asprintf("transforms.%s.predicate", alias)),
            .type = KC_CFG_STRING,
            .importance = KC_IMPORTANCE_MEDIUM,
            .doc = "The alias of a predicate used to determine whether to "
                   "apply this transformation.",
            .group = group,
            .display_name = "predicate",
            .flags = KC_CFG_ORDER((int)n)};
        n++;
    }
    rows->tables =
        kc_realloc(rows->tables, (rows->ntables + 1) * sizeof(*rows->tables));
    rows->tables[rows->ntables++] = t;
}

static void kc_alias_rows_release(kc_alias_rows_t *rows)
{
    for (size_t i = 0; i < rows->ntables; i++) {
        kc_free(rows->tables[i]);
    }
    kc_free(rows->tables);
    kc_strlist_release(&rows->strings);
}

/* The rows of every listed transform and predicate alias. */
static void kc_alias_rows_make(kc_alias_rows_t *rows, const kc_registry_t *reg,
                               const kc_props_t *props)
{
    for (int t = 1; t >= 0; t--) {
        const char *list = kc_props_get(props, t ? "transforms" : "predicates");
        kc_strlist_t aliases = {0};

        if (list == NULL) {
            continue;
        }
        kc_str_split_comma(list, &aliases);
        for (size_t i = 0; i < aliases.count; i++) {
            bool dup = false;

            for (size_t j = 0; j < i; j++) {
                dup = dup || strcmp(aliases.items[i], aliases.items[j]) == 0;
            }
            if (!dup) {
                kc_alias_rows_add(rows, reg, props, t == 1, aliases.items[i]);
            }
        }
        kc_strlist_release(&aliases);
    }
}

static int kc_strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every class of @p kind, sorted, as Apache's recommenders list them. */
static json_t *kc_plugin_classes(const kc_registry_t *reg,
                                 kc_plugin_kind_t kind)
{
    size_t n = kc_registry_count(reg, kind);
    kc_strlist_t names = {0};
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        kc_strlist_push(&names, kc_plugin_class(kc_registry_at(reg, kind, i)));
    }
    if (names.count > 1) {
        qsort(names.items, names.count, sizeof(*names.items), kc_strp_cmp);
    }
    for (size_t i = 0; i < names.count; i++) {
        if (i == 0 || strcmp(names.items[i], names.items[i - 1]) != 0) {
            json_array_append_new(arr, json_string(names.items[i]));
        }
    }
    kc_strlist_release(&names);
    return arr;
}

static json_t *kc_infos_entry(json_t *infos, const char *key)
{
    json_t *configs = json_object_get(infos, "configs");

    for (size_t i = 0; i < json_array_size(configs); i++) {
        json_t *entry = json_array_get(configs, i);
        json_t *value = json_object_get(entry, "value");
        const char *name = json_string_value(json_object_get(value, "name"));

        if (name != NULL && strcmp(name, key) == 0 &&
            json_is_object(json_object_get(entry, "definition"))) {
            return entry;
        }
    }
    return NULL;
}

static bool kc_entry_has_errors(json_t *entry)
{
    return json_array_size(
               json_object_get(json_object_get(entry, "value"), "errors")) > 0;
}

/*
 * A `*.plugin.version` entry: its default and recommended value are the
 * version of the plugin it names (@p head, NULL when the class is not
 * installed: then, as Apache, no default and, with @p hide, not visible).
 */
static void kc_present_version(json_t *infos, const char *key,
                               const kc_plugin_head_t *head, bool hide,
                               const kc_props_t *props)
{
    json_t *entry = kc_infos_entry(infos, key);
    json_t *value;
    json_t *rec;

    if (entry == NULL) {
        return;
    }
    value = json_object_get(entry, "value");
    rec = json_array();
    if (head != NULL && head->version != NULL) {
        json_object_set_new(json_object_get(entry, "definition"),
                            "default_value", json_string(head->version));
        json_array_append_new(rec, json_string(head->version));
        if (props == NULL || kc_props_get(props, key) == NULL) {
            json_object_set_new(value, "value", json_string(head->version));
        }
    } else if (hide) {
        json_object_set_new(value, "visible", json_false());
    }
    json_object_set_new(value, "recommended_values", rec);
}

/*
 * Converters as Apache's validate shows them: the worker's converter is
 * the default (and the value when the connector sets none), every
 * installed converter is recommended, a class that is not installed shows
 * a null value, and its version key has no default and is hidden.
 */
static void kc_present_converters(kc_herder_t *h, const kc_props_t *props,
                                  json_t *infos)
{
    static const char *const keys[] = {"key.converter", "value.converter",
                                       "header.converter"};
    kc_registry_t *reg = kc_worker_registry(h->w);
    const kc_config_t *wcfg = kc_worker_config(h->w);
    const kc_props_t *worker = wcfg != NULL ? kc_config_props(wcfg) : NULL;

    for (size_t i = 0; i < KC_ARRAY_LEN(keys); i++) {
        bool header = i == 2;
        json_t *entry = kc_infos_entry(infos, keys[i]);
        const char *dflt =
            worker != NULL ? kc_props_get(worker, keys[i]) : NULL;
        const char *set = kc_props_get(props, keys[i]);
        const char *cls = set != NULL ? set : dflt;
        const kc_plugin_head_t *head = NULL;
        char *vkey;
        char *trimmed = NULL;

        if (entry == NULL) {
            continue;
        }
        if (header && dflt == NULL) {
            dflt = "org.apache.kafka.connect.storage.SimpleHeaderConverter";
            cls = set != NULL ? set : dflt;
        }
        if (cls != NULL) {
            trimmed = kc_str_trim_dup(cls, strlen(cls));
            head = header ? kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER,
                                             trimmed)
                          : NULL;
            if (head == NULL) {
                head = kc_registry_find(reg, KC_PLUGIN_CONVERTER, trimmed);
            }
        }
        if (dflt != NULL) {
            json_object_set_new(json_object_get(entry, "definition"),
                                "default_value", json_string(dflt));
            if (set == NULL) {
                json_object_set_new(json_object_get(entry, "value"), "value",
                                    json_string(dflt));
            }
        }
        if (set != NULL && head == NULL && kc_entry_has_errors(entry)) {
            json_object_set_new(json_object_get(entry, "value"), "value",
                                json_null());
        } else if (set != NULL && head != NULL) {
            /* A CLASS value shows the class it resolved to, as Apache. */
            json_object_set_new(json_object_get(entry, "value"), "value",
                                json_string(kc_plugin_class(head)));
        }
        json_object_set_new(
            json_object_get(entry, "value"), "recommended_values",
            kc_plugin_classes(reg, header ? KC_PLUGIN_HEADER_CONVERTER
                                          : KC_PLUGIN_CONVERTER));
        vkey = kc_asprintf("%s.plugin.version", keys[i]);
        kc_present_version(infos, vkey, head, true, props);
        kc_free(vkey);
        kc_free(trimmed);
    }
}

/* Transform and predicate aliases: their classes and versions. */
static void kc_present_aliases(kc_herder_t *h, const kc_props_t *props,
                               json_t *infos)
{
    kc_registry_t *reg = kc_worker_registry(h->w);

    for (int t = 1; t >= 0; t--) {
        const char *list_key = t ? "transforms" : "predicates";
        kc_plugin_kind_t kind = t ? KC_PLUGIN_TRANSFORM : KC_PLUGIN_PREDICATE;
        const char *list = kc_props_get(props, list_key);
        kc_strlist_t aliases = {0};

        if (list == NULL) {
            continue;
        }
        kc_str_split_comma(list, &aliases);
        for (size_t i = 0; i < aliases.count; i++) {
            char *tkey = kc_asprintf("%s.%s.type", list_key, aliases.items[i]);
            char *vkey =
                kc_asprintf("%s.%s.plugin.version", list_key, aliases.items[i]);
            json_t *entry = kc_infos_entry(infos, tkey);
            const char *type = kc_props_get(props, tkey);
            const kc_plugin_head_t *head = NULL;

            if (type != NULL) {
                char *trimmed = kc_str_trim_dup(type, strlen(type));

                head = kc_registry_find(reg, kind, trimmed);
                kc_free(trimmed);
            }
            if (entry != NULL) {
                json_object_set_new(json_object_get(entry, "value"),
                                    "recommended_values",
                                    kc_plugin_classes(reg, kind));
                if (type != NULL && head == NULL) {
                    /* As Apache: a class it could not load shows null. */
                    json_object_set_new(json_object_get(entry, "value"),
                                        "value", json_null());
                } else if (head != NULL) {
                    json_object_set_new(json_object_get(entry, "value"),
                                        "value",
                                        json_string(kc_plugin_class(head)));
                }
            }
            kc_present_version(infos, vkey, head, false, props);
            kc_free(tkey);
            kc_free(vkey);
        }
        kc_strlist_release(&aliases);
    }
}

/*
 * A converter the connector names itself (with no error on its class key)
 * has its own keys validated and listed after everything else, prefixed,
 * as Apache's AbstractHerder.validateConverterConfig: header, key, value.
 */
static void kc_append_converter_infos(kc_herder_t *h, const kc_props_t *props,
                                      json_t *infos)
{
    static const struct {
        const char *key;
        const char *role;
    } convs[] = {{"header.converter", "header"},
                 {"key.converter", "key"},
                 {"value.converter", "value"}};
    kc_registry_t *reg = kc_worker_registry(h->w);
    json_t *configs = json_object_get(infos, "configs");
    json_t *groups = json_object_get(infos, "groups");

    for (size_t i = 0; i < KC_ARRAY_LEN(convs); i++) {
        const char *cls = kc_props_get(props, convs[i].key);
        json_t *entry = kc_infos_entry(infos, convs[i].key);
        const kc_plugin_head_t *head = NULL;
        const kc_config_def_t *tables[2];
        kc_config_result_t result = {NULL, 0};
        kc_props_t *sub;
        char *prefix;
        char *trimmed;
        json_t *more;

        if (cls == NULL || entry == NULL || kc_entry_has_errors(entry)) {
            continue;
        }
        trimmed = kc_str_trim_dup(cls, strlen(cls));
        if (i == 0) {
            head = kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER, trimmed);
        }
        if (head == NULL) {
            head = kc_registry_find(reg, KC_PLUGIN_CONVERTER, trimmed);
        }
        kc_free(trimmed);
        if (head == NULL || head->config_def == NULL) {
            continue;
        }
        prefix = kc_asprintf("%s.", convs[i].key);
        sub = kc_props_with_prefix(props, prefix);
        if (kc_props_get(sub, "converter.type") == NULL) {
            kc_props_set(sub, "converter.type", convs[i].role);
        }
        tables[0] = head->config_def;
        tables[1] = NULL;
        kc_config_validate(tables, sub, &result);
        more = kc_config_infos_prefixed(head->config_def, prefix, sub, &result);
        json_object_set_new(
            infos, "error_count",
            json_integer(
                json_integer_value(json_object_get(infos, "error_count")) +
                json_integer_value(json_object_get(more, "error_count"))));
        json_array_extend(configs, json_object_get(more, "configs"));
        for (size_t g = 0; g < json_array_size(json_object_get(more, "groups"));
             g++) {
            const char *name = json_string_value(
                json_array_get(json_object_get(more, "groups"), g));
            bool have = false;

            for (size_t k = 0; k < json_array_size(groups); k++) {
                have =
                    have || strcmp(json_string_value(json_array_get(groups, k)),
                                   name) == 0;
            }
            if (!have) {
                json_array_append_new(groups, json_string(name));
            }
        }
        json_decref(more);
        kc_config_result_release(&result);
        kc_props_destroy(sub);
        kc_free(prefix);
    }
}

/*
 * The tables validate lists: the framework's, then the alias rows, then
 * the connector's own (Apache's enriched ConfigDef order). Caller frees
 * the array.
 */
static const kc_config_def_t **
kc_herder_shown_tables(const kc_config_def_t *const *tables,
                       const kc_config_def_t *own,
                       const kc_alias_rows_t *aliases)
{
    size_t n = 0;
    size_t k = 0;
    const kc_config_def_t **out;
    bool own_last;

    while (tables[n] != NULL) {
        n++;
    }
    own_last = n > 1 && own != NULL && tables[n - 1] == own;
    out = kc_calloc(n + aliases->ntables + 1, sizeof(*out));
    for (size_t i = 0; i < (own_last ? n - 1 : n); i++) {
        out[k++] = tables[i];
    }
    for (size_t i = 0; i < aliases->ntables; i++) {
        out[k++] = aliases->tables[i];
    }
    if (own_last) {
        out[k++] = own;
    }
    out[k] = NULL;
    return out;
}

/*
 * The override policy's errors are listed on the client keys' own
 * entries (kc_client_override_infos), not as keys of no table.
 */
static void kc_drop_override_issues(kc_config_result_t *result)
{
    size_t k = 0;

    for (size_t i = 0; i < result->count; i++) {
        const char *key = result->issues[i].key;

        if (kc_str_starts_with(key, "producer.override.") ||
            kc_str_starts_with(key, "consumer.override.") ||
            kc_str_starts_with(key, "admin.override.")) {
            kc_free(result->issues[i].message);
        } else {
            result->issues[k++] = result->issues[i];
        }
    }
    result->count = k;
}

/* Apache's mergeConfigInfos: @p more (stolen) after what @p infos has. */
static void kc_append_infos(json_t *infos, json_t *more)
{
    json_t *groups = json_object_get(infos, "groups");

    json_object_set_new(
        infos, "error_count",
        json_integer(json_integer_value(json_object_get(infos, "error_count")) +
                     json_integer_value(json_object_get(more, "error_count"))));
    json_array_extend(json_object_get(infos, "configs"),
                      json_object_get(more, "configs"));
    for (size_t g = 0; g < json_array_size(json_object_get(more, "groups"));
         g++) {
        const char *name = json_string_value(
            json_array_get(json_object_get(more, "groups"), g));
        bool have = false;

        for (size_t k = 0; k < json_array_size(groups); k++) {
            have = have || strcmp(json_string_value(json_array_get(groups, k)),
                                  name) == 0;
        }
        if (!have) {
            json_array_append_new(groups, json_string(name));
        }
    }
    json_decref(more);
}

/*
 * Validate @p props (and the keys in @p nulls, whose JSON value was null).
 * *infos (may be NULL) gets the ConfigInfos. KC_OK with issues listed in
 * the infos; an error only when validation could not run (no class,
 * unknown plugin).
 */
kc_err_t kc_herder_validate_props(kc_herder_t *h, const kc_props_t *raw,
                                  const kc_props_t *nulls,
                                  const struct kc_connector_plugin **pp,
                                  kc_plugin_kind_t *kind, json_t **infos,
                                  kc_error_t *err)
{
    const char *cls = kc_props_get(raw, "connector.class");
    const struct kc_connector_plugin *p;
    const kc_config_def_t *fallback[2];
    const kc_config_def_t *const *tables;
    const kc_config_t *wcfg = kc_worker_config(h->w);
    kc_config_result_t result = {NULL, 0};
    kc_alias_rows_t aliases = {0};
    const kc_config_def_t **shown;
    kc_props_t *props;

    if (cls == NULL) {
        char *text = kc_props_java_string(raw);

        kc_error_set(err, KC_ERR_INVALID,
                     "Connector config %s contains no connector type", text);
        kc_free(text);
        return KC_ERR_INVALID;
    }
    p = kc_herder_plugin(h, cls, kind, err);
    if (p == NULL) {
        return KC_ERR_INVALID;
    }
    /* As Apache: ${provider:...} references are resolved, then checked. */
    props = kc_props_copy(raw);
    if (wcfg != NULL &&
        kc_props_resolve(props, kc_config_props(wcfg), err) != KC_OK) {
        kc_props_destroy(props);
        err->code = KC_ERR_INVALID;
        return KC_ERR_INVALID;
    }
    tables = kc_herder_tables(h, p, fallback);
    kc_config_validate(tables, props, &result);
    kc_alias_rows_make(&aliases, kc_worker_registry(h->w), props);
    for (size_t i = 0; nulls != NULL && i < kc_props_count(nulls); i++) {
        kc_config_info_add_issue(&result, kc_props_key_at(nulls, i),
                                 "Null value can not be supplied as the "
                                 "configuration value.");
    }
    kc_herder_check_name(props, &result);
    /* Cross-key rules and the plugin's own validate(). */
    kc_worker_connector_check(h->w, p, props, &result);
    kc_drop_override_issues(&result);
    shown = kc_herder_shown_tables(tables, p->config_def, &aliases);
    *infos = kc_config_infos(cls, (const kc_config_def_t *const *)shown, props,
                             &result);
    kc_free(shown);
    kc_alias_rows_release(&aliases);
    kc_present_version(*infos, "connector.plugin.version",
                       (const kc_plugin_head_t *)p, false, props);
    kc_present_converters(h, props, *infos);
    kc_present_aliases(h, props, *infos);
    kc_append_infos(
        *infos,
        kc_client_override_infos(
            props, p->sink_task != NULL,
            kc_worker_conf(h->w)->connector_client_config_override_policy));
    kc_append_converter_infos(h, props, *infos);
    kc_herder_scrub_infos(h, raw, *infos);
    kc_config_result_release(&result);
    kc_props_destroy(props);
    if (pp != NULL) {
        *pp = p;
    }
    return KC_OK;
}

/*
 * Apache's "Connector configuration is invalid ..." text for the errors
 * in @p infos, or NULL when there are none. Caller frees.
 */
char *kc_infos_error_text(json_t *infos)
{
    json_int_t count =
        json_integer_value(json_object_get(infos, "error_count"));
    json_t *configs = json_object_get(infos, "configs");
    kc_buf_t buf;

    if (count <= 0) {
        return NULL;
    }
    kc_buf_init(&buf, 0);
    kc_buf_printf(&buf,
                  "Connector configuration is invalid and contains the "
                  "following %lld error(s):",
                  (long long)count);
    for (size_t i = 0; i < json_array_size(configs); i++) {
        json_t *errors = json_object_get(
            json_object_get(json_array_get(configs, i), "value"), "errors");

        for (size_t j = 0; j < json_array_size(errors); j++) {
            kc_buf_printf(&buf, "\n%s",
                          json_string_value(json_array_get(errors, j)));
        }
    }
    kc_buf_puts(&buf, "\nYou can also find the above list of errors at the "
                      "endpoint `/connector-plugins/{connectorType}/config/"
                      "validate`");
    return kc_buf_detach(&buf, NULL);
}

kc_err_t kc_op_validate(kc_herder_t *h, kc_op_t *op)
{
    kc_props_t *props = NULL;
    kc_props_t *nulls = NULL;
    kc_err_t rc;

    rc = kc_json_to_props(op->in, &props, &nulls, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    /*
     * The path names the plugin, but as Apache a config without
     * connector.class is refused (400, "... contains no connector type").
     */
    rc = kc_herder_validate_props(h, props, nulls, NULL, NULL, &op->out,
                                  &op->err);
    kc_props_destroy(props);
    kc_props_destroy(nulls);
    return rc;
}

/* Plugin kinds in the order GET /connector-plugins lists them. */
const kc_plugin_kind_t kc_plugin_order[KC_HERDER_NPLUGIN_KINDS] = {
    KC_PLUGIN_SINK,      KC_PLUGIN_SOURCE,    KC_PLUGIN_TRANSFORM,
    KC_PLUGIN_PREDICATE, KC_PLUGIN_CONVERTER, KC_PLUGIN_HEADER_CONVERTER};

kc_err_t kc_op_plugin_config(kc_herder_t *h, kc_op_t *op)
{
    kc_registry_t *reg = kc_worker_registry(h->w);

    for (size_t k = 0; k < KC_ARRAY_LEN(kc_plugin_order); k++) {
        const kc_plugin_head_t *p =
            kc_registry_find(reg, kc_plugin_order[k], op->name);
        const kc_config_def_t *tables[16];
        size_t n = 0;

        if (p == NULL) {
            continue;
        }
        if (p->config_def != NULL) {
            tables[n++] = p->config_def;
        }
        if (kc_plugin_order[k] == KC_PLUGIN_SINK ||
            kc_plugin_order[k] == KC_PLUGIN_SOURCE) {
            const kc_config_def_t *const *common = kc_worker_connector_defs(
                h->w, (const struct kc_connector_plugin *)p);

            for (size_t i = 0; common != NULL && common[i] != NULL &&
                               n < KC_ARRAY_LEN(tables) - 1;
                 i++) {
                if (common[i] != p->config_def) {
                    tables[n++] = common[i];
                }
            }
        }
        tables[n] = NULL;
        op->out = kc_config_key_infos(tables);
        if (kc_plugin_order[k] == KC_PLUGIN_SINK ||
            kc_plugin_order[k] == KC_PLUGIN_SOURCE) {
            /* Apache's default: the version of the connector listed. */
            for (size_t i = 0; i < json_array_size(op->out); i++) {
                json_t *def = json_array_get(op->out, i);

                if (p->version != NULL &&
                    strcmp(json_string_value(json_object_get(def, "name")),
                           "connector.plugin.version") == 0) {
                    json_object_set_new(def, "default_value",
                                        json_string(p->version));
                }
            }
        }
        return KC_OK;
    }
    return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown plugin %s.",
                        op->name);
}
