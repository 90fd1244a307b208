/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Java-client-to-librdkafka settings translation: which producer,
 * consumer and admin settings librdkafka takes as they are, which it takes
 * under another name or value, which are dropped, which are refused; the
 * worker's settings the admin client starts from; the producer's
 * idempotence rule.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_config.h"

#include "util/kc_str.h"

/* ---- Java client settings -> librdkafka ----------------------------- */

/* Java-only settings with no librdkafka meaning: dropped silently. */
static const char *const java_only[] = {
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
    "max.block.ms",
    "interceptor.classes",
    "metric.reporters",
    "metrics.sample.window.ms",
    "metrics.num.samples",
    "metrics.recording.level",
    "client.dns.lookup",
    "max.poll.records", /* the sink runner's batch size */
    "partitioner.class",
    "partitioner.ignore.keys",
    "partitioner.adaptive.partitioning.enable",
    "partitioner.availability.timeout.ms",
    "default.api.timeout.ms",
    "auto.include.jmx.reporter",
    "enable.metrics.push",
    "exclude.internal.topics",
    "security.providers",
    NULL};

/* Java names librdkafka spells differently. */
static const struct {
    const char *java;
    const char *rdkafka;
} renames[] = {
    {"delivery.timeout.ms", "message.timeout.ms"},
    {"max.request.size", "message.max.bytes"},
    {"send.buffer.bytes", "socket.send.buffer.bytes"},
    {"receive.buffer.bytes", "socket.receive.buffer.bytes"},
    {"max.partition.fetch.bytes", "max.partition.fetch.bytes"},
};

/* Java settings kconnect cannot honour: an error naming the key. */
static const char *const unsupported[] = {"ssl.truststore.location",
                                          "ssl.truststore.password",
                                          "ssl.keystore.location",
                                          "ssl.keystore.password",
                                          "ssl.truststore.type",
                                          "ssl.keystore.type",
                                          "sasl.login.callback.handler.class",
                                          "sasl.client.callback.handler.class",
                                          NULL};

static bool in_list(const char *const *list, const char *key)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], key) == 0) {
            return true;
        }
    }
    return false;
}

static void add_problem(kc_config_result_t *result, kc_error_t *err,
                        bool *failed, const char *key, const char *msg)
{
    if (result != NULL) {
        kc_worker_config_issue(result, key, "%s", msg);
    }
    if (!*failed) {
        kc_error_set(err, KC_ERR_INVALID, "invalid config \"%s\": %s", key,
                     msg);
    }
    *failed = true;
}

/* sasl.jaas.config=...LoginModule required username="u" password="p"; */
void kc_client_jaas_value(const char *jaas, const char *name, char *out,
                          size_t size)
{
    char *pat = kc_asprintf("%s=\"", name);
    const char *p = strstr(jaas, pat);

    out[0] = '\0';
    if (p != NULL) {
        const char *start = p + strlen(pat);
        const char *end = strchr(start, '"');

        if (end != NULL && (size_t)(end - start) < size) {
            memcpy(out, start, (size_t)(end - start));
            out[end - start] = '\0';
        }
    }
    kc_free(pat);
}

static const char *translate_value(const char *key, const char *value,
                                   char *buf, size_t size)
{
    if (strcmp(key, "auto.offset.reset") == 0 && strcmp(value, "none") == 0) {
        return "error";
    }
    if (strcmp(key, "partition.assignment.strategy") == 0) {
        /* Java assignor class names -> librdkafka assignor names. */
        if (strstr(value, "CooperativeStickyAssignor") != NULL) {
            return "cooperative-sticky";
        }
        if (strstr(value, "RoundRobinAssignor") != NULL) {
            return "roundrobin";
        }
        if (strstr(value, "RangeAssignor") != NULL) {
            return "range";
        }
    }
    if (strcmp(key, "buffer.memory") == 0) {
        long long bytes = atoll(value);

        snprintf(buf, size, "%lld", bytes / 1024 > 0 ? bytes / 1024 : 1);
        return buf;
    }
    return value;
}

kc_err_t kc_client_conf_apply(rd_kafka_conf_t *conf, kc_client_kind_t kind,
                              const kc_props_t *props, const char *origin,
                              kc_config_result_t *result, kc_error_t *err)
{
    bool failed = false;

    for (size_t i = 0; i < kc_props_count(props); i++) {
        const char *key = kc_props_key_at(props, i);
        const char *value = kc_props_value_at(props, i);
        const char *rk_key = key;
        char full[256];
        char errstr[256];
        char vbuf[64];

        snprintf(full, sizeof(full), "%s%s", origin, key);
        if (kind == KC_CLIENT_ADMIN &&
            strcmp(key, "default.api.timeout.ms") == 0) {
            /* Not a librdkafka setting, but the worker bounds its own
             * admin calls with it (kc_worker_offsets): check it. */
            char *end = NULL;
            long long ms = strtoll(value, &end, 10);

            if (end == value || *end != '\0' || ms < 0 || ms > INT32_MAX) {
                add_problem(result, err, &failed, full,
                            "must be an integer from 0 to 2147483647");
            }
            continue;
        }
        if (strcmp(key, "topic.metadata.propagation.max.ms") == 0) {
            /* librdkafka multiplies it into microseconds in an int: a
             * larger value wraps negative and fails at once the records
             * queued before the first metadata answer. librdkafka would
             * take it, so refuse it here rather than misbehave. */
            char *end = NULL;
            long long ms = strtoll(value, &end, 10);

            if (end != value && *end == '\0' &&
                ms > KC_CLIENT_METADATA_PROPAGATION_MAX_MS) {
                add_problem(result, err, &failed, full,
                            "must be at most 2147483 (librdkafka counts it "
                            "in microseconds in a 32-bit int)");
                continue;
            }
        }
        if (in_list(java_only, key)) {
            continue;
        }
        if (in_list(unsupported, key)) {
            add_problem(result, err, &failed, full,
                        "not supported by kconnect (Java keystores); use "
                        "ssl.ca.location, ssl.certificate.location and "
                        "ssl.key.location with PEM files");
            continue;
        }
        if (strcmp(key, "sasl.jaas.config") == 0) {
            char user[256];
            char pass[256];

            kc_client_jaas_value(value, "username", user, sizeof(user));
            kc_client_jaas_value(value, "password", pass, sizeof(pass));
            if (user[0] == '\0') {
                add_problem(result, err, &failed, full,
                            "only username=\"...\" password=\"...\" login "
                            "modules are supported");
                continue;
            }
            rd_kafka_conf_set(conf, "sasl.username", user, errstr,
                              sizeof(errstr));
            rd_kafka_conf_set(conf, "sasl.password", pass, errstr,
                              sizeof(errstr));
            continue;
        }
        if (kind == KC_CLIENT_ADMIN &&
            (strcmp(key, "acks") == 0 || strcmp(key, "linger.ms") == 0)) {
            continue;
        }
        for (size_t r = 0; r < KC_ARRAY_LEN(renames); r++) {
            if (strcmp(renames[r].java, key) == 0) {
                rk_key = renames[r].rdkafka;
            }
        }
        if (strcmp(key, "buffer.memory") == 0) {
            rk_key = "queue.buffering.max.kbytes";
        }
        value = translate_value(key, value, vbuf, sizeof(vbuf));
        switch (
            rd_kafka_conf_set(conf, rk_key, value, errstr, sizeof(errstr))) {
        case RD_KAFKA_CONF_OK:
            break;
        case RD_KAFKA_CONF_UNKNOWN:
            /* Apache only warns about unknown client settings. */
            kc_log_warn("org.apache.kafka.connect.runtime.Worker",
                        "ignoring \"%s\": not a setting kconnect's Kafka "
                        "client knows",
                        full);
            break;
        default:
            add_problem(result, err, &failed, full, errstr);
            break;
        }
    }
    return failed ? KC_ERR_INVALID : KC_OK;
}

static bool is_client_security_key(const char *key)
{
    return strcmp(key, "security.protocol") == 0 ||
           (kc_str_starts_with(key, "ssl.") &&
            strcmp(key, "ssl.client.auth") != 0) ||
           kc_str_starts_with(key, "sasl.");
}

bool kc_client_protocol_uses_ssl(const char *protocol)
{
    return protocol != NULL && (kc_str_eq_nocase(protocol, "SSL") ||
                                kc_str_eq_nocase(protocol, "SASL_SSL"));
}

kc_props_t *kc_worker_admin_base_props(const kc_props_t *worker)
{
    kc_props_t *base = kc_props_new();
    /* Java's clients read ssl.* only over SSL/SASL_SSL; otherwise the
     * unprefixed ssl.* keys are the REST server's https fallback only. */
    bool ssl =
        kc_client_protocol_uses_ssl(kc_props_get(worker, "security.protocol"));

    for (size_t i = 0; i < kc_props_count(worker); i++) {
        const char *key = kc_props_key_at(worker, i);

        if (!ssl && kc_str_starts_with(key, "ssl.")) {
            continue;
        }
        if (is_client_security_key(key)) {
            kc_props_set(base, key, kc_props_value_at(worker, i));
        }
    }
    return base;
}

/*
 * The key a user set for producer setting @p key (Java or librdkafka
 * name, without prefix): "producer.override.<key>" in the connector config
 * (which wins) or "producer.<key>" in the worker's; NULL when neither.
 * The full key goes to @p full.
 */
static const char *producer_key_set(const kc_props_t *worker_props,
                                    const kc_props_t *connector_config,
                                    const char *key, char *full, size_t size)
{
    snprintf(full, size, "producer.override.%s", key);
    if (connector_config != NULL && kc_props_get(connector_config, full)) {
        return full;
    }
    snprintf(full, size, "producer.%s", key);
    return kc_props_get(worker_props, full) != NULL ? full : NULL;
}

kc_err_t kc_producer_idempotence_check(rd_kafka_conf_t *conf,
                                       const kc_props_t *worker_props,
                                       const kc_props_t *connector_config,
                                       bool warn, char *bad_key,
                                       size_t bad_key_size, kc_error_t *err)
{
    static const struct {
        const char *keys[2]; /* Java name, librdkafka name */
        const char *need;
    } rules[] = {
        {{"acks", "request.required.acks"}, "all"},
        {{"max.in.flight.requests.per.connection", "max.in.flight"},
         "at most 5"},
        {{"retries", "message.send.max.retries"}, "at least 1"},
    };
    char value[64];
    size_t len = sizeof(value);
    char idem_key[128];
    bool asked;

    if (rd_kafka_conf_get(conf, "enable.idempotence", value, &len) !=
            RD_KAFKA_CONF_OK ||
        strcmp(value, "true") != 0) {
        return KC_OK;
    }
    asked =
        producer_key_set(worker_props, connector_config, "enable.idempotence",
                         idem_key, sizeof(idem_key)) != NULL;
    for (size_t i = 0; i < KC_ARRAY_LEN(rules); i++) {
        char full[128];
        const char *key = NULL;
        bool conflict;

        len = sizeof(value);
        if (rd_kafka_conf_get(conf, rules[i].keys[1], value, &len) !=
            RD_KAFKA_CONF_OK) {
            continue;
        }
        conflict = i == 0   ? strcmp(value, "-1") != 0
                   : i == 1 ? atoll(value) > 5
                            : atoll(value) < 1;
        if (!conflict) {
            continue;
        }
        for (size_t k = 0; k < 2 && key == NULL; k++) {
            key = producer_key_set(worker_props, connector_config,
                                   rules[i].keys[k], full, sizeof(full));
        }
        if (key == NULL) {
            snprintf(full, sizeof(full), "producer.%s", rules[i].keys[0]);
            key = full;
        }
        if (asked) {
            if (bad_key != NULL) {
                snprintf(bad_key, bad_key_size, "%s", key);
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid config \"%s\": the idempotent "
                                "producer (%s=true) needs %s %s",
                                key, idem_key, rules[i].keys[0], rules[i].need);
        }
        if (warn) {
            kc_log_warn("org.apache.kafka.connect.runtime.Worker",
                        "%s=%s does not allow the idempotent producer "
                        "kconnect uses by default (it needs %s %s): "
                        "idempotence is off for this producer; set "
                        "producer.enable.idempotence=false to choose that "
                        "explicitly",
                        key, value, rules[i].keys[0], rules[i].need);
        }
        if (rd_kafka_conf_set(conf, "enable.idempotence", "false", NULL, 0) !=
            RD_KAFKA_CONF_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not turn enable.idempotence off");
        }
        return KC_OK;
    }
    return KC_OK;
}
