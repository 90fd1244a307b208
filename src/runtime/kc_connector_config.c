/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connector's config tables (common, source, sink), as Apache Kafka
 * Connect defines them, and the connector-side checks: a sink's topics and
 * topics.regex against its dead letter queue, the topic.creation.* groups
 * and their rows, transforms and predicates, and the plugin version
 * requirements.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_config_int.h"

#include "herder/kc_herder_autorestart.h"
#include "plugins/kc_plugin_version.h"
#include "plugins/kc_registry.h"
#include "transforms/kc_transform_chain.h"
#include "util/kc_java_regex.h"
#include "util/kc_str.h"

static const char *const tolerance_values[] = {"none", "all", NULL};
static const char *const reload_values[] = {"none", "restart", NULL};
/* Listed in the order Apache's messages give them (a HashSet's). */
static const char *const eos_values[] = {"required", "requested", NULL};
static const char *const boundary_values[] = {"interval", "poll", "connector",
                                              NULL};

static const kc_config_def_t connector_common_def[] = {
    {.name = "name",
     .type = KC_CFG_STRING,
     .importance = HIGH,
     .doc = "Globally unique name to use for this connector.",
     .group = "Common",
     .display_name = "Connector name",
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(1),
     .validator = kc_worker_config_check_name},
    {.name = "connector.class",
     .type = KC_CFG_STRING,
     .importance = HIGH,
     .doc = "Name or alias of the class for this connector.",
     .group = "Common",
     .display_name = "Connector class",
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(2)},
    {.name = "connector.plugin.version",
     .type = KC_CFG_STRING,
     .importance = MEDIUM,
     .doc = "Version of the connector.",
     .group = "Common",
     .display_name = "Connector version",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(3)},
    {.name = "tasks.max",
     .type = KC_CFG_INT,
     .default_value = "1",
     .importance = HIGH,
     .doc = "Maximum number of tasks to use for this connector.",
     .group = "Common",
     .display_name = "Tasks max",
     .flags = KC_CFG_F_MIN | KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(4),
     .min = 1,
     KC_CFG_BIND(kc_connector_conf_t, tasks_max)},
    {.name = "tasks.max.enforce",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = LOW,
     .doc = "(Deprecated) Whether to enforce that the tasks.max property is "
            "respected by the connector.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(5),
     .display_name = "Enforce tasks max",
     KC_CFG_BIND(kc_connector_conf_t, tasks_max_enforce)},
    {.name = "key.converter",
     .type = KC_CFG_CLASS,
     .importance = LOW,
     .doc = "Converter class used for record keys; overrides the worker's.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(6),
     .display_name = "Key converter class"},
    {.name = "key.converter.plugin.version",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "Version of the key converter.",
     .group = "Common",
     .display_name = "Key converter version",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(7)},
    {.name = "value.converter",
     .type = KC_CFG_CLASS,
     .importance = LOW,
     .doc = "Converter class used for record values; overrides the worker's.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(8),
     .display_name = "Value converter class"},
    {.name = "value.converter.plugin.version",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "Version of the value converter.",
     .group = "Common",
     .display_name = "Value converter version",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(9)},
    {.name = "header.converter",
     .type = KC_CFG_CLASS,
     .importance = LOW,
     .doc = "HeaderConverter class used for record headers; overrides the "
            "worker's.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(10),
     .display_name = "Header converter class"},
    {.name = "header.converter.plugin.version",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "Version of the header converter.",
     .group = "Common",
     .display_name = "Header converter version",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(11)},
    {.name = "transforms",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "Aliases for the transformations to be applied to records.",
     .group = "Transforms",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(12),
     .display_name = "Transforms"},
    {.name = "predicates",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "Aliases for the predicates used by transformations.",
     .group = "Predicates",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(13),
     .display_name = "Predicates"},
    {.name = "config.action.reload",
     .type = KC_CFG_STRING,
     .default_value = "restart",
     .importance = LOW,
     .doc =
         "The action to take when changes in external configuration providers "
         "result in a change in the connector's configuration properties.",
     .group = "Common",
     .display_name = "Reload Action",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(14),
     .valid_values = reload_values},
    {.name = "errors.retry.timeout",
     .type = KC_CFG_LONG,
     .default_value = "0",
     .importance = MEDIUM,
     .doc =
         "The maximum duration in milliseconds that a failed operation will be "
         "reattempted. -1 means infinite retries.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(1),
     .display_name = "Retry Timeout for Errors",
     KC_CFG_BIND(kc_connector_conf_t, errors_retry_timeout)},
    {.name = "errors.retry.delay.max.ms",
     .type = KC_CFG_LONG,
     .default_value = "60000",
     .importance = MEDIUM,
     .doc = "The maximum duration in milliseconds between consecutive retry "
            "attempts.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(2),
     .display_name = "Maximum Delay Between Retries for Errors",
     KC_CFG_BIND(kc_connector_conf_t, errors_retry_delay_max_ms)},
    {.name = "errors.tolerance",
     .type = KC_CFG_STRING,
     .default_value = "none",
     .importance = MEDIUM,
     .doc = "Behavior for tolerating errors during connector operation. 'none' "
            "fails the task on any error; 'all' skips problematic records.",
     .group = "Error Handling",
     .display_name = "Error Tolerance",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(3),
     .valid_values = tolerance_values,
     KC_CFG_BIND(kc_connector_conf_t, errors_tolerance)},
    {.name = "errors.log.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = MEDIUM,
     .doc = "If true, write each error and the details of the failed operation "
            "and "
            "problematic record to the log.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(4),
     .display_name = "Log Errors",
     KC_CFG_BIND(kc_connector_conf_t, errors_log_enable)},
    {.name = "errors.log.include.messages",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = MEDIUM,
     .doc =
         "Whether to include in the log the Connect record that resulted in a "
         "failure.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(5),
     .display_name = "Log Error Details",
     KC_CFG_BIND(kc_connector_conf_t, errors_log_include_messages)},
    {.name = NULL},
};

static const kc_config_def_t source_def[] = {
    {.name = "topic.creation.groups",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "Groups of configurations for topics created by source connectors.",
     .group = "Topic Creation",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(1),
     .display_name = "Topic Creation Groups"},
    {.name = "exactly.once.support",
     .type = KC_CFG_STRING,
     .default_value = "requested",
     .importance = MEDIUM,
     .doc = "Permitted values are requested, required.",
     .group = "Exactly Once Support",
     .display_name = "Exactly once support",
     .flags = KC_CFG_F_NOCASE | KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(2),
     .valid_values = eos_values},
    {.name = "transaction.boundary",
     .type = KC_CFG_STRING,
     .default_value = "poll",
     .importance = MEDIUM,
     .doc = "Permitted values are: poll, interval, connector.",
     .group = "Exactly Once Support",
     .display_name = "Transaction Boundary",
     .flags = KC_CFG_F_NOCASE | KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(3),
     .valid_values = boundary_values},
    {.name = "transaction.boundary.interval.ms",
     .type = KC_CFG_LONG,
     .importance = LOW,
     .doc = "If 'transaction.boundary' is set to 'interval', determines the "
            "interval for producer transaction commits.",
     .group = "Exactly Once Support",
     .flags = KC_CFG_F_WIDTH_SHORT | KC_CFG_ORDER(4),
     .display_name = "Transaction boundary interval"},
    {.name = "offsets.storage.topic",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "The name of a separate offsets topic to use for this connector.",
     .group = "offsets.topic",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(1),
     .display_name = "Offsets topic"},
    {.name = NULL},
};

static const kc_config_def_t sink_def[] = {
    {.name = "topics",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = HIGH,
     .doc = "List of topics to consume, separated by commas.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(4),
     .display_name = "Topics"},
    {.name = "topics.regex",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = HIGH,
     .doc = "Regular expression giving topics to consume.",
     .group = "Common",
     .flags = KC_CFG_F_WIDTH_LONG | KC_CFG_ORDER(4),
     .display_name = "Topics regex"},
    {.name = "errors.deadletterqueue.topic.name",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = MEDIUM,
     .doc =
         "The name of the topic to be used as the dead letter queue (DLQ) for "
         "messages that result in an error when processed by this sink "
         "connector.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(6),
     .display_name = "Dead Letter Queue Topic Name",
     KC_CFG_BIND(kc_connector_conf_t, errors_dlq_topic)},
    {.name = "errors.deadletterqueue.topic.replication.factor",
     .type = KC_CFG_SHORT,
     .default_value = "3",
     .importance = MEDIUM,
     .doc = "Replication factor used to create the dead letter queue topic.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(7),
     .display_name = "Dead Letter Queue Topic Replication Factor",
     KC_CFG_BIND(kc_connector_conf_t, errors_dlq_replication_factor)},
    {.name = "errors.deadletterqueue.context.headers.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = MEDIUM,
     .doc = "If true, add headers containing error context to the messages "
            "written "
            "to the dead letter queue.",
     .group = "Error Handling",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(8),
     .display_name = "Enable Error Context Headers",
     KC_CFG_BIND(kc_connector_conf_t, errors_dlq_context_headers)},
    {.name = NULL},
};

const kc_config_def_t *kc_connector_common_def(void)
{
    return connector_common_def;
}

const kc_config_def_t *kc_source_connector_def(void)
{
    return source_def;
}

const kc_config_def_t *kc_sink_connector_def(void)
{
    return sink_def;
}

static const kc_config_def_t *const connector_bind_defs[] = {
    connector_common_def, sink_def, NULL};

kc_err_t kc_connector_conf_bind(const kc_props_t *config,
                                kc_connector_conf_t *conf, kc_error_t *err)
{
    memset(conf, 0, sizeof(*conf));
    return kc_config_bind(connector_bind_defs, config, conf, err);
}

void kc_connector_conf_release(kc_connector_conf_t *conf)
{
    kc_config_bind_release(connector_bind_defs, conf);
}

bool kc_worker_config_is_blank(const char *s)
{
    if (s == NULL) {
        return true;
    }
    while (*s != '\0' && kc_str_is_space(*s)) {
        s++;
    }
    return *s == '\0';
}

/*
 * TopicCreationConfig's REGEX_VALIDATOR: every pattern of a group's
 * include and exclude lists must compile; the value is shown as Java
 * prints a list.
 */
static void check_creation_regexes(const kc_props_t *config, const char *group,
                                   kc_config_result_t *result)
{
    static const char *const kinds[] = {"include", "exclude"};

    for (size_t k = 0; k < KC_ARRAY_LEN(kinds); k++) {
        char *key = kc_asprintf("topic.creation.%s.%s", group, kinds[k]);
        const char *value = kc_props_get(config, key);
        kc_strlist_t pats = {0};

        kc_str_split_comma(value != NULL ? value : "", &pats);
        for (size_t p = 0; p < pats.count; p++) {
            kc_error_t err = {0};
            kc_java_regex_t *re = kc_java_regex_new(pats.items[p], &err);

            if (re == NULL) {
                kc_buf_t shown;

                kc_buf_init(&shown, 0);
                for (size_t i = 0; i < pats.count; i++) {
                    kc_buf_printf(&shown, "%s%s", i > 0 ? ", " : "[",
                                  pats.items[i]);
                }
                kc_buf_putc(&shown, ']');
                kc_worker_config_issue(result, key,
                                       "Invalid value %s for configuration "
                                       "%s: Syntax error in regular "
                                       "expression: %s",
                                       kc_buf_cstr(&shown), key, err.msg);
                kc_buf_release(&shown);
                break;
            }
            kc_java_regex_destroy(re);
        }
        kc_strlist_release(&pats);
        kc_free(key);
    }
}

void kc_connector_config_check(const kc_registry_t *reg,
                               const kc_props_t *config, bool is_sink,
                               kc_config_result_t *result)
{
    kc_autorestart_check(config, result);
    if (is_sink) {
        const char *topics = kc_props_get(config, "topics");
        const char *regex = kc_props_get(config, "topics.regex");
        bool has_topics = !kc_worker_config_is_blank(topics);
        bool has_regex = !kc_worker_config_is_blank(regex);

        if (has_topics && has_regex) {
            const char *msg = "topics and topics.regex are mutually "
                              "exclusive options, but both are set.";

            kc_worker_config_issue(result, "topics", "%s", msg);
            kc_worker_config_issue(result, "topics.regex", "%s", msg);
        } else if (!has_topics && !has_regex) {
            const char *msg = "Must configure one of topics or topics.regex";

            kc_worker_config_issue(result, "topics", "%s", msg);
            kc_worker_config_issue(result, "topics.regex", "%s", msg);
        }
        if (has_regex) {
            kc_error_t err = {0};
            kc_java_regex_t *re = kc_java_regex_new(regex, &err);
            const char *dlq =
                kc_props_get(config, "errors.deadletterqueue.topic.name");
            char *dlq_copy = kc_strdup(dlq != NULL ? dlq : "");
            const char *dlq_trim = kc_str_trim(dlq_copy);

            if (re == NULL) {
                /* ConfigDef's RegexValidator */
                kc_worker_config_issue(result, "topics.regex",
                                       "Invalid value %s for configuration "
                                       "topics.regex: Invalid regex: %s",
                                       regex, err.msg);
            } else if (!kc_worker_config_is_blank(dlq_trim) &&
                       kc_java_regex_matches(re, dlq_trim, &err) == KC_OK) {
                kc_worker_config_issue(
                    result, "topics.regex",
                    "The DLQ topic '%s' may not be matched by the regex for "
                    "the topics ('topics.regex=%s') consumed by the connector",
                    dlq_trim, regex);
            }
            kc_free(dlq_copy);
            kc_java_regex_destroy(re);
        }
    } else {
        kc_strlist_t groups = {0};
        const char *list = kc_props_get(config, "topic.creation.groups");

        if (list != NULL) {
            kc_str_split_comma(list, &groups);
        }
        if (groups.count > 0 ||
            kc_props_get(config, "topic.creation.default.partitions") != NULL ||
            kc_props_get(config, "topic.creation.default.replication.factor") !=
                NULL) {
            kc_topic_creation_check(config, "default", result);
            for (size_t g = 0; g < groups.count; g++) {
                if (strcmp(groups.items[g], "default") != 0) {
                    kc_topic_creation_check(config, groups.items[g], result);
                }
            }
        }
        check_creation_regexes(config, "default", result);
        for (size_t g = 0; g < groups.count; g++) {
            check_creation_regexes(config, groups.items[g], result);
        }
        kc_strlist_release(&groups);
    }
    if (reg != NULL) {
        kc_transform_chain_validate(reg, config, result);
    }
}

/* ---- topic.creation.<group>.partitions / .replication.factor ---------- */

static kc_err_t tc_partitions_valid(const kc_config_def_t *def,
                                    const char *value, kc_error_t *err)
{
    /* The row's INT parse passed, so this only reads a number. */
    long n = value != NULL ? strtol(value, NULL, 10) : -1;

    KC_UNUSED(def);
    if (n != -1 && n < 1) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Number of partitions must be positive, or -1 to "
                            "use the broker's default");
    }
    return KC_OK;
}

static kc_err_t tc_replication_valid(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err)
{
    long n = value != NULL ? strtol(value, NULL, 10) : -1;

    KC_UNUSED(def);
    if (n != -1 && n < 1) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Replication factor must be positive and not "
                            "larger than the number of brokers in the Kafka "
                            "cluster, or -1 to use the broker's default");
    }
    return KC_OK;
}

/* Apache's TopicCreationConfig rows, named per group by tc_defs. */
static const kc_config_def_t tc_rows[] = {
    {.name = "replication.factor",
     .type = KC_CFG_SHORT,
     .importance = HIGH,
     .doc = "The replication factor for new topics created for this "
            "connector using this group.",
     .validator = tc_replication_valid,
     KC_CFG_BIND(kc_topic_creation_conf_t, replication_factor)},
    {.name = "partitions",
     .type = KC_CFG_INT,
     .importance = HIGH,
     .doc = "The number of partitions new topics created for this connector "
            "using this group.",
     .validator = tc_partitions_valid,
     KC_CFG_BIND(kc_topic_creation_conf_t, partitions)},
};

/*
 * The two rows for @p group: required for "default", else defaulting to
 * the default group's values, as Apache's TopicCreationConfig.configDef.
 * @p names holds the keys (freed by the caller).
 */
static void tc_defs(const kc_props_t *config, const char *group,
                    kc_config_def_t defs[3], char *names[2])
{
    bool is_default = strcmp(group, "default") == 0;

    for (size_t i = 0; i < 2; i++) {
        defs[i] = tc_rows[i];
        names[i] = kc_asprintf("topic.creation.%s.%s", group, tc_rows[i].name);
        defs[i].name = names[i];
        if (is_default) {
            defs[i].flags |= KC_CFG_F_REQUIRED;
        } else {
            char *key =
                kc_asprintf("topic.creation.default.%s", tc_rows[i].name);

            defs[i].default_value = kc_props_get(config, key);
            kc_free(key);
        }
    }
    memset(&defs[2], 0, sizeof(defs[2]));
}

/* The props' own copy of @p key (it outlives a result), or NULL. */
static const char *props_key(const kc_props_t *props, const char *key)
{
    for (size_t i = 0; i < kc_props_count(props); i++) {
        if (strcmp(kc_props_key_at(props, i), key) == 0) {
            return kc_props_key_at(props, i);
        }
    }
    return NULL;
}

void kc_topic_creation_check(const kc_props_t *config, const char *group,
                             kc_config_result_t *result)
{
    /* An issue borrows its key: the default group's from these literals,
     * another group's from the props (only keys it sets are checked
     * there; the inherited values are the default group's, checked). */
    static const char *const default_keys[] = {
        "topic.creation.default.replication.factor",
        "topic.creation.default.partitions"};
    kc_config_def_t defs[3];
    const kc_config_def_t *const tables[] = {defs, NULL};
    bool is_default = strcmp(group, "default") == 0;
    char *names[2];
    size_t n = 0;

    tc_defs(config, group, defs, names);
    for (size_t i = 0; i < 2; i++) {
        const char *key =
            is_default ? default_keys[i] : props_key(config, names[i]);

        if (key != NULL) {
            defs[n] = defs[i];
            defs[n++].name = key;
        }
    }
    memset(&defs[n], 0, sizeof(defs[n]));
    kc_config_validate(tables, config, result);
    kc_free(names[0]);
    kc_free(names[1]);
}

kc_err_t kc_topic_creation_bind(const kc_props_t *config, const char *group,
                                kc_topic_creation_conf_t *out, kc_error_t *err)
{
    kc_config_def_t defs[3];
    const kc_config_def_t *const tables[] = {defs, NULL};
    char *names[2];
    kc_err_t rc;

    out->partitions = -1;
    out->replication_factor = -1;
    tc_defs(config, group, defs, names);
    rc = kc_config_bind(tables, config, out, err);
    kc_free(names[0]);
    kc_free(names[1]);
    return rc;
}

/* A version requirement key that @p cls at @p version does not meet. */
static void check_plugin_version(const kc_props_t *config, const char *key,
                                 const char *class_key, const char *cls,
                                 const char *version, size_t copies,
                                 kc_config_result_t *result)
{
    const char *req = kc_props_get(config, key);
    char *msg;

    if (req == NULL || version == NULL) {
        return;
    }
    msg = kc_plugin_version_mismatch(cls, req, version, copies);
    if (msg != NULL) {
        /* Apache reports it on both keys. */
        kc_worker_config_issue(result, class_key, "%s", msg);
        kc_worker_config_issue(result, key, "%s", msg);
        kc_free(msg);
    }
}

void kc_connector_plugins_check(const kc_registry_t *reg,
                                const struct kc_connector_plugin *plugin,
                                const kc_props_t *config,
                                const kc_props_t *worker,
                                kc_config_result_t *result)
{
    static const char *const keys[] = {"key.converter", "value.converter",
                                       "header.converter"};

    check_plugin_version(config, "connector.plugin.version", "connector.class",
                         plugin->class_name != NULL ? plugin->class_name
                                                    : plugin->name,
                         plugin->version, 1, result);
    for (size_t i = 0; i < KC_ARRAY_LEN(keys); i++) {
        bool header = i == 2;
        const char *raw = kc_props_get(config, keys[i]);
        char *cls;
        const kc_plugin_head_t *conv;
        const kc_plugin_head_t *hconv;
        char *vkey;

        if (raw == NULL && worker != NULL) {
            raw = kc_props_get(worker, keys[i]);
        }
        if (raw == NULL) {
            continue;
        }
        cls = kc_str_trim_dup(raw, strlen(raw));
        conv = kc_registry_find(reg, KC_PLUGIN_CONVERTER, cls);
        hconv = kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER, cls);
        if ((header ? (hconv != NULL ? hconv : conv) : conv) == NULL) {
            /* Only what the connector itself names is its error. */
            if (kc_props_get(config, keys[i]) != NULL) {
                kc_worker_config_issue(result, keys[i],
                                       "Invalid value %s for configuration "
                                       "%s: Class %s could not be found.",
                                       cls, keys[i], cls);
            }
        } else {
            const kc_plugin_head_t *p = header && hconv != NULL ? hconv : conv;

            vkey = kc_asprintf("%s.plugin.version", keys[i]);
            check_plugin_version(
                config, vkey, keys[i],
                p->class_name != NULL ? p->class_name : p->name, p->version,
                (size_t)(conv != NULL) + (size_t)(hconv != NULL), result);
            kc_free(vkey);
        }
        kc_free(cls);
    }
}
