/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker's config table, as Apache Kafka Connect defines it, and its
 * checks (the log.debug areas, security settings kconnect refuses, the
 * clients' settings). The connector's tables and checks are
 * kc_connector_config.c; the Java-client-to-librdkafka settings
 * translation is kc_client_conf.c.
 */
#include "kc_internal.h"

#include "util/kc_utf8.h"

#include "runtime/kc_worker_config_int.h"

#include "plugins/kc_registry.h"
#include "rest/kc_rest_auth.h"
#include "rest/kc_rest_tls.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#include <pthread.h>

static const char *const dns_values[] = {
    "use_all_dns_ips", "resolve_canonical_bootstrap_servers_only", NULL};
static const char *const discovery_values[] = {
    "only_scan", "hybrid_warn", "hybrid_fail", "service_load", NULL};
static const char *const policy_values[] = {"All", "None", "Principal", NULL};

/*
 * Issue keys are borrowed by kc_config_result_t, but some of ours are made
 * on the fly ("transforms.a.type", "producer.acks"): keep one copy of each
 * for the life of the process. Config keys are few, so this stays small.
 */
static const char *intern_key(const char *key)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char **keys;
    static size_t count;
    const char *found = NULL;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < count && found == NULL; i++) {
        if (strcmp(keys[i], key) == 0) {
            found = keys[i];
        }
    }
    if (found == NULL) {
        keys = kc_realloc(keys, (count + 1) * sizeof(*keys));
        keys[count] = kc_strdup(key);
        found = keys[count++];
    }
    pthread_mutex_unlock(&lock);
    return found;
}

void kc_worker_config_issue(kc_config_result_t *result, const char *key,
                            const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < result->count; i++) {
        if (strcmp(result->issues[i].key, key) == 0) {
            char *joined =
                kc_asprintf("%s; %s", result->issues[i].message, msg);

            kc_free(result->issues[i].message);
            result->issues[i].message = joined;
            return;
        }
    }
    result->issues = kc_realloc(result->issues,
                                (result->count + 1) * sizeof(*result->issues));
    result->issues[result->count].key = intern_key(key);
    result->issues[result->count].message = kc_strdup(msg);
    result->count++;
}

/*
 * Apache's NonEmptyStringWithoutControlChars: every ISO control code
 * point is listed. Code points, not bytes: the UTF-8 of a character
 * outside the BMP (an emoji) holds bytes in 0x80-0x9F that are not
 * control characters.
 */
kc_err_t kc_worker_config_check_name(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err)
{
    const uint8_t *p;
    const uint8_t *end;
    size_t len;
    kc_buf_t buf;

    KC_UNUSED(def);
    /* Apache validates the parsed value, which Java's trim() has cut. */
    len = value != NULL ? strlen(value) : 0;
    while (len > 0 && kc_str_is_space(value[len - 1])) {
        len--;
    }
    while (len > 0 && kc_str_is_space(*value)) {
        value++;
        len--;
    }
    if (len == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "String may not be empty");
    }
    p = (const uint8_t *)value;
    end = p + len;
    kc_buf_init(&buf, 0);
    while (p < end) {
        uint32_t cp;
        size_t n = kc_utf8_decode(p, end, &cp);

        if (n == 0) {
            kc_buf_release(&buf);
            return kc_error_set(err, KC_ERR_INVALID,
                                "String must be valid UTF-8");
        }
        if (kc_utf8_is_iso_control(cp)) {
            kc_buf_printf(&buf, "%s%u", buf.len > 0 ? ", " : "", (unsigned)cp);
        }
        p += n;
    }
    if (buf.len > 0) {
        kc_error_set(err, KC_ERR_INVALID,
                     "String may not contain control sequences but had the "
                     "following ASCII chars: %s",
                     kc_buf_cstr(&buf));
        kc_buf_release(&buf);
        return KC_ERR_INVALID;
    }
    kc_buf_release(&buf);
    return KC_OK;
}

/*
 * log.debug areas (kconnect's own key, librdkafka's debug= idea): each
 * turns DEBUG on for the loggers of one part of the worker, by the
 * log4j names Apache uses for them, so /admin/loggers shows the same
 * names. A logger covers the loggers below it (".").
 */
static const struct {
    const char *area;
    const char *const *loggers;
} log_areas[] = {
    {"herder",
     (const char *const[]){"org.apache.kafka.connect.runtime.AbstractHerder",
                           "org.apache.kafka.connect.runtime.standalone",
                           "org.apache.kafka.connect.runtime.distributed",
                           /* the distributed herder's Kafka stores */
                           "org.apache.kafka.connect.storage", NULL}},
    {"rest",
     (const char *const[]){"org.apache.kafka.connect.runtime.rest", NULL}},
    {"runner",
     (const char *const[]){"org.apache.kafka.connect.runtime.WorkerTask",
                           "org.apache.kafka.connect.runtime.WorkerSourceTask",
                           "org.apache.kafka.connect.runtime.WorkerSinkTask",
                           NULL}},
    {"worker",
     (const char *const[]){"org.apache.kafka.connect.runtime.Worker", NULL}},
    {"errors",
     (const char *const[]){"org.apache.kafka.connect.runtime.errors", NULL}},
    {"plugins",
     (const char *const[]){"org.apache.kafka.connect.runtime.isolation", NULL}},
    {"transforms",
     (const char *const[]){"org.apache.kafka.connect.transforms", NULL}},
    /* librdkafka's own log lines (its debug= output among them). */
    {"clients", (const char *const[]){"org.apache.kafka.clients", NULL}},
};

static bool log_area_index(const char *area, size_t *index)
{
    for (size_t i = 0; i < KC_ARRAY_LEN(log_areas); i++) {
        if (strcmp(log_areas[i].area, area) == 0) {
            *index = i;
            return true;
        }
    }
    return false;
}

static kc_err_t check_log_debug(const kc_config_def_t *def, const char *value,
                                kc_error_t *err)
{
    kc_strlist_t areas = {0};
    kc_err_t rc = KC_OK;

    KC_UNUSED(def);
    kc_str_split_comma(value != NULL ? value : "", &areas);
    for (size_t i = 0; i < areas.count && rc == KC_OK; i++) {
        size_t index;

        if (!log_area_index(areas.items[i], &index)) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "unknown log area \"%s\" (known: herder, rest, "
                              "runner, worker, errors, plugins, transforms, "
                              "clients)",
                              areas.items[i]);
        }
    }
    kc_strlist_release(&areas);
    return rc;
}

size_t kc_worker_log_debug_apply(const kc_props_t *props)
{
    const char *value = kc_props_get(props, "log.debug");
    kc_strlist_t areas = {0};
    size_t applied = 0;

    kc_str_split_comma(value != NULL ? value : "", &areas);
    for (size_t i = 0; i < areas.count; i++) {
        size_t index;

        if (!log_area_index(areas.items[i], &index)) {
            continue; /* refused by the check before */
        }
        for (const char *const *l = log_areas[index].loggers; *l != NULL; l++) {
            kc_log_set_level(*l, KC_LOG_DEBUG);
        }
        applied++;
    }
    kc_strlist_release(&areas);
    return applied;
}

static const kc_config_def_t worker_def[] = {
    {.name = "bootstrap.servers",
     .type = KC_CFG_LIST,
     .default_value = "localhost:9092",
     .importance = HIGH,
     .doc = "A list of host/port pairs used to establish the initial "
            "connection to "
            "the Kafka cluster, or \"" KC_EMBEDDED_BOOTSTRAP "\" to start an "
            "in-memory Kafka cluster inside the worker (for trying kconnect "
            "out)."},
    {.name = "client.dns.lookup",
     .type = KC_CFG_STRING,
     .default_value = "use_all_dns_ips",
     .importance = MEDIUM,
     .doc = "How the client uses DNS lookups.",
     .valid_values = dns_values},
    {.name = "key.converter",
     .type = KC_CFG_CLASS,
     .importance = HIGH,
     .doc =
         "Converter class used to convert between Kafka Connect format and the "
         "serialized form that is written to Kafka (record keys).",
     .flags = KC_CFG_F_REQUIRED},
    {.name = "value.converter",
     .type = KC_CFG_CLASS,
     .importance = HIGH,
     .doc =
         "Converter class used to convert between Kafka Connect format and the "
         "serialized form that is written to Kafka (record values).",
     .flags = KC_CFG_F_REQUIRED},
    {.name = "header.converter",
     .type = KC_CFG_CLASS,
     .default_value = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
     .importance = LOW,
     .doc = "HeaderConverter class used to convert between Kafka Connect "
            "format and "
            "the serialized form that is written to Kafka (record headers)."},
    {.name = "task.shutdown.graceful.timeout.ms",
     .type = KC_CFG_LONG,
     .default_value = "5000",
     .importance = LOW,
     .doc = "Amount of time to wait for tasks to shutdown gracefully.",
     KC_CFG_BIND(kc_worker_conf_t, task_shutdown_graceful_timeout_ms)},
    {.name = "offset.flush.interval.ms",
     .type = KC_CFG_LONG,
     .default_value = "60000",
     .importance = LOW,
     .doc = "Interval at which to try committing offsets for tasks.",
     KC_CFG_BIND(kc_worker_conf_t, offset_flush_interval_ms)},
    {.name = "offset.flush.timeout.ms",
     .type = KC_CFG_LONG,
     .default_value = "5000",
     .importance = LOW,
     .doc =
         "Maximum number of milliseconds to wait for records to flush before "
         "cancelling the offset commit.",
     KC_CFG_BIND(kc_worker_conf_t, offset_flush_timeout_ms)},
    {.name = "plugin.path",
     .type = KC_CFG_LIST,
     .importance = LOW,
     .doc =
         "List of paths separated by commas (,) that contain plugins (shared "
         "objects exporting kc_plugin_init)."},
    {.name = "plugin.discovery",
     .type = KC_CFG_STRING,
     .default_value = "hybrid_warn",
     .importance = LOW,
     .doc = "Method to use to discover plugins (accepted for compatibility).",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = discovery_values},
    {.name = "config.providers",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "Comma-separated names of ConfigProvider classes."},
    {.name = "connector.client.config.override.policy",
     .type = KC_CFG_STRING,
     .default_value = "All",
     .importance = MEDIUM,
     .doc = "Which client configurations connectors may override: All, None or "
            "Principal.",
     .valid_values = policy_values,
     KC_CFG_BIND(kc_worker_conf_t, connector_client_config_override_policy)},
    {.name = "topic.creation.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = LOW,
     .doc = "Whether to allow automatic creation of topics used by source "
            "connectors, when source connectors are configured with "
            "`topic.creation."
            "` properties.",
     KC_CFG_BIND(kc_worker_conf_t, topic_creation_enable)},
    {.name = "topic.tracking.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = LOW,
     .doc = "Enable tracking the set of active topics per connector.",
     KC_CFG_BIND(kc_worker_conf_t, topic_tracking_enable)},
    {.name = "topic.tracking.allow.reset",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = LOW,
     .doc =
         "If set to true, it allows user requests to reset the set of active "
         "topics per connector.",
     KC_CFG_BIND(kc_worker_conf_t, topic_tracking_allow_reset)},
    {.name = "metrics.sample.window.ms",
     .type = KC_CFG_LONG,
     .default_value = "30000",
     .importance = LOW,
     .doc = "The window of time a metrics sample is computed over (the "
            "rates, averages and maxima of GET /metrics).",
     .flags = KC_CFG_F_MIN},
    {.name = "metrics.num.samples",
     .type = KC_CFG_INT,
     .default_value = "2",
     .importance = LOW,
     .doc = "The number of samples maintained to compute metrics.",
     .flags = KC_CFG_F_MIN,
     .min = 1},
    {.name = "metrics.recording.level",
     .type = KC_CFG_STRING,
     .default_value = "INFO",
     .importance = LOW,
     .doc = "The highest recording level for metrics. Every Connect metric "
            "is INFO, so both levels record the same ones.",
     .valid_values = (const char *const[]){"INFO", "DEBUG", NULL}},
    {.name = "metric.reporters",
     .type = KC_CFG_LIST,
     .default_value = "org.apache.kafka.common.metrics."
                      "JmxReporter",
     .importance = LOW,
     .doc = "Accepted for compatibility."},
    {.name = "metrics.prometheus.naming",
     .type = KC_CFG_STRING,
     .default_value = "strimzi",
     .importance = LOW,
     .doc = "kconnect: the Prometheus names GET /metrics uses. `strimzi`: "
            "the names Strimzi's JMX exporter rules give Connect's metrics "
            "(what the Strimzi Grafana dashboard queries); `jmx`: the JMX "
            "exporter's default names; `strimzi-reporter`: the Strimzi "
            "metrics reporter's names. See docs/metrics.md.",
     .valid_values =
         (const char *const[]){"strimzi", "jmx", "strimzi-reporter", NULL}},
    {.name = "metrics.client.statistics.interval.ms",
     .type = KC_CFG_LONG,
     .default_value = "30000",
     .importance = LOW,
     .doc = "kconnect: how often the tasks' and the worker's Kafka clients "
            "report their statistics (librdkafka statistics.interval.ms) for "
            "the client series of GET /metrics; 0 turns them off. A "
            "producer., consumer. or admin. statistics.interval.ms setting "
            "wins.",
     .flags = KC_CFG_F_MIN},
    {.name = "listeners",
     .type = KC_CFG_LIST,
     .default_value = "http://:8083",
     .importance = LOW,
     .doc = "List of comma-separated URIs the REST API will listen on."},
    {.name = "rest.advertised.host.name",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc =
         "If this is set, this is the hostname that will be given out to other "
         "workers to connect to."},
    {.name = "rest.advertised.port",
     .type = KC_CFG_INT,
     .importance = LOW,
     .doc = "If this is set, this is the port that will be given out to other "
            "workers to connect to."},
    {.name = "rest.advertised.listener",
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "Sets the advertised listener (HTTP or HTTPS)."},
    {.name = "access.control.allow.origin",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = LOW,
     .doc =
         "Value to set the Access-Control-Allow-Origin header to for REST API "
         "requests."},
    {.name = "access.control.allow.methods",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = LOW,
     .doc = "Sets the methods supported for cross origin requests."},
    {.name = "admin.listeners",
     .type = KC_CFG_LIST,
     .importance = LOW,
     .doc = "List of comma-separated URIs the Admin REST API will listen on."},
    {.name = "rest.extension.classes",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "Comma-separated names of ConnectRestExtension classes."},
    {.name = KC_BASIC_AUTH_JAAS_KEY,
     .type = KC_CFG_STRING,
     .importance = LOW,
     .doc = "kconnect only: the JAAS file of basic authentication "
            "(rest.extension.classes=" KC_BASIC_AUTH_EXTENSION "), read "
            "instead of -Djava.security.auth.login.config= in KAFKA_OPTS, "
            "which Apache reads and kconnect also honours. See "
            "docs/security.md."},
    {.name = "response.http.headers.config",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = LOW,
     .doc = "Rules for REST API HTTP response headers."},
    {.name = "auto.restart.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = LOW,
     .doc = "kconnect only: restart FAILED connectors and tasks "
            "automatically, after a growing backoff (auto.restart.backoff.*), "
            "at most auto.restart.max.attempts times. Off by default, as "
            "Apache Kafka Connect has no such restart. A connector config may "
            "set any auto.restart.* key to override the worker's. Attempts "
            "and the next restart show in GET "
            "/connectors/{name}/status (\"auto_restart\")."},
    {.name = "auto.restart.backoff.ms",
     .type = KC_CFG_LONG,
     .default_value = "120000",
     .importance = LOW,
     .doc = "kconnect only: the wait before the second automatic restart "
            "(the first one is immediate); each later wait is "
            "auto.restart.backoff.factor times longer.",
     .flags = KC_CFG_F_MIN},
    {.name = "auto.restart.backoff.factor",
     .type = KC_CFG_DOUBLE,
     .default_value = "3",
     .importance = LOW,
     .doc = "kconnect only: how much longer each automatic restart waits "
            "than the one before (at least 1).",
     .flags = KC_CFG_F_MIN,
     .min = 1},
    {.name = "auto.restart.backoff.max.ms",
     .type = KC_CFG_LONG,
     .default_value = "3600000",
     .importance = LOW,
     .doc = "kconnect only: the longest wait before an automatic restart.",
     .flags = KC_CFG_F_MIN},
    {.name = "auto.restart.max.attempts",
     .type = KC_CFG_INT,
     .default_value = "10",
     .importance = LOW,
     .doc = "kconnect only: automatic restarts of a connector or task before "
            "kconnect gives up and leaves it FAILED (-1: no limit).",
     .flags = KC_CFG_F_MIN,
     .min = -1},
    {.name = "auto.restart.reset.ms",
     .type = KC_CFG_LONG,
     .default_value = "600000",
     .importance = LOW,
     .doc = "kconnect only: a connector or task that fails this long after "
            "its last automatic restart starts counting attempts afresh.",
     .flags = KC_CFG_F_MIN},
    {.name = "log.debug",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = LOW,
     .doc = "kconnect only: areas whose loggers log at DEBUG from the start, "
            "comma-separated: herder, rest, runner, worker, errors, plugins, "
            "transforms, clients (librdkafka's log lines, which is where "
            "producer.debug, consumer.debug and admin.debug output goes). "
            "/admin/loggers can change them later.",
     .validator = check_log_debug},
    {.name = NULL},
};

/* Apache's StandaloneConfig: what only a standalone worker has. */
static const kc_config_def_t standalone_def[] = {
    {.name = "offset.storage.file.filename",
     .type = KC_CFG_STRING,
     .importance = HIGH,
     .doc = "File to store source connector offsets in.",
     .flags = KC_CFG_F_REQUIRED,
     KC_CFG_BIND(kc_worker_conf_t, offset_storage_file_filename)},
    {.name = NULL},
};

static const kc_config_def_t *const worker_defs[] = {worker_def, standalone_def,
                                                     NULL};

const kc_config_def_t *const *kc_worker_config_defs(void)
{
    return worker_defs;
}

const kc_config_def_t *kc_worker_common_config_def(void)
{
    return worker_def;
}

const kc_config_def_t *kc_standalone_config_def(void)
{
    return standalone_def;
}

kc_err_t kc_worker_conf_bind(const kc_props_t *props, kc_worker_conf_t *conf,
                             kc_error_t *err)
{
    memset(conf, 0, sizeof(*conf));
    return kc_config_bind(worker_defs, props, conf, err);
}

kc_err_t kc_worker_conf_bind_common(const kc_props_t *props,
                                    kc_worker_conf_t *conf, kc_error_t *err)
{
    /* The standalone keys stay unset (offset.storage.file.filename NULL:
     * a memory offset store, replaced by the mode's own). */
    static const kc_config_def_t *const common[] = {worker_def, NULL};

    memset(conf, 0, sizeof(*conf));
    return kc_config_bind(common, props, conf, err);
}

void kc_worker_conf_release(kc_worker_conf_t *conf)
{
    kc_config_bind_release(worker_defs, conf);
}

/*
 * Security settings of Apache's worker that kconnect does not implement.
 * Ignoring one would leave the user believing the REST API or the
 * worker's connections are protected, so each is an error naming the key.
 * (Top-level and producer./consumer./admin. ssl.*, sasl.* and
 * security.protocol go to librdkafka, which applies them:
 * kc_client_conf_apply, kc_worker_admin_base_props.) The REST server's
 * TLS keys are checked by kc_rest_tls_check, its extensions here.
 */
static void kc_worker_security_check(const kc_props_t *props,
                                     kc_config_result_t *result)
{
    static const char *const tls_prefixes[] = {"listeners.https.",
                                               "admin.listeners.https."};
    const char *v = kc_props_get(props, "rest.extension.classes");

    if (v != NULL) {
        kc_strlist_t classes = {0};

        kc_str_split_comma(v, &classes);
        for (size_t i = 0; i < classes.count; i++) {
            if (strcmp(classes.items[i], KC_BASIC_AUTH_EXTENSION) != 0) {
                kc_worker_config_issue(
                    result, "rest.extension.classes",
                    "REST extension %s is not supported by kconnect (the "
                    "REST API would run without it); only %s is",
                    classes.items[i], KC_BASIC_AUTH_EXTENSION);
            }
        }
        kc_strlist_release(&classes);
    }
    bool unprefixed_read = false;

    for (size_t i = 0; i < KC_ARRAY_LEN(tls_prefixes); i++) {
        const char *used = "";
        kc_props_t *ssl = kc_rest_tls_settings(props, tls_prefixes[i], &used);
        /* "listeners.https." -> "listeners" */
        char *lkey = kc_strndup(tls_prefixes[i],
                                strlen(tls_prefixes[i]) - strlen(".https."));
        const char *listeners = kc_props_get(props, lkey);

        if (used[0] != '\0') {
            kc_rest_tls_check(ssl, used, result);
        } else if (listeners != NULL && strstr(listeners, "https://")) {
            unprefixed_read = true;
        }
        kc_free(lkey);
        kc_props_destroy(ssl);
    }
    if (!unprefixed_read && !kc_client_protocol_uses_ssl(
                                kc_props_get(props, "security.protocol"))) {
        /* Not an error (Apache accepts it), but never silent. */
        for (size_t i = 0; i < kc_props_count(props); i++) {
            const char *key = kc_props_key_at(props, i);

            if (kc_str_starts_with(key, "ssl.") &&
                strcmp(key, "ssl.client.auth") != 0) {
                kc_log_warn("org.apache.kafka.connect.runtime.WorkerConfig",
                            "\"%s\" is not used: the worker's Kafka clients "
                            "read ssl.* only with security.protocol SSL or "
                            "SASL_SSL, and no https listener reads the "
                            "unprefixed ssl.* keys",
                            key);
            }
        }
    }
}

kc_err_t kc_worker_config_check(const kc_registry_t *reg,
                                const kc_props_t *props,
                                kc_config_result_t *result)
{
    return kc_worker_config_check_with(reg, kc_worker_config_defs(), props,
                                       result);
}

kc_err_t kc_worker_config_check_with(const kc_registry_t *reg,
                                     const kc_config_def_t *const *defs,
                                     const kc_props_t *props,
                                     kc_config_result_t *result)
{
    static const struct {
        const char *prefix;
        kc_client_kind_t kind;
    } clients[] = {{"producer.", KC_CLIENT_PRODUCER},
                   {"consumer.", KC_CLIENT_CONSUMER},
                   {"admin.", KC_CLIENT_ADMIN}};
    static const struct {
        const char *key;
        kc_plugin_kind_t kind;
    } classes[] = {{"key.converter", KC_PLUGIN_CONVERTER},
                   {"value.converter", KC_PLUGIN_CONVERTER},
                   {"header.converter", KC_PLUGIN_HEADER_CONVERTER}};

    kc_config_validate(defs, props, result);
    kc_worker_security_check(props, result);
    for (size_t i = 0; reg != NULL && i < KC_ARRAY_LEN(classes); i++) {
        const char *cls = kc_props_get(props, classes[i].key);

        if (cls == NULL || kc_worker_config_is_blank(cls)) {
            continue;
        }
        if (kc_registry_find(reg, classes[i].kind, cls) == NULL &&
            kc_registry_find(reg, KC_PLUGIN_CONVERTER, cls) == NULL) {
            kc_worker_config_issue(result, classes[i].key,
                                   "Invalid value %s for configuration %s: "
                                   "Class %s could not be found.",
                                   cls, classes[i].key, cls);
        }
    }
    {
        kc_props_t *base = kc_worker_admin_base_props(props);
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        kc_client_conf_apply(conf, KC_CLIENT_ADMIN, base, "", result, NULL);
        rd_kafka_conf_destroy(conf);
        kc_props_destroy(base);
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(clients); i++) {
        kc_props_t *sub = kc_props_with_prefix(props, clients[i].prefix);
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        if (clients[i].kind == KC_CLIENT_PRODUCER) {
            /* The producer defaults of kc_worker_client_conf. */
            rd_kafka_conf_set(conf, "acks", "all", NULL, 0);
            rd_kafka_conf_set(conf, "max.in.flight.requests.per.connection",
                              "1", NULL, 0);
            rd_kafka_conf_set(conf, "enable.idempotence", "true", NULL, 0);
        }
        if (kc_client_conf_apply(conf, clients[i].kind, sub, clients[i].prefix,
                                 result, NULL) == KC_OK &&
            clients[i].kind == KC_CLIENT_PRODUCER) {
            char key[128];
            kc_error_t err;

            if (kc_producer_idempotence_check(conf, props, NULL, false, key,
                                              sizeof(key), &err) != KC_OK) {
                kc_worker_config_issue(result, key, "%s", err.msg);
            }
        }
        rd_kafka_conf_destroy(conf);
        kc_props_destroy(sub);
    }
    return result->count == 0 ? KC_OK : KC_ERR_INVALID;
}
