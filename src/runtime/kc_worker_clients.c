/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The settings of the worker's librdkafka clients (producer, consumer,
 * admin): Apache's base settings, then the worker's, then the
 * connector's overrides as the override policy allows.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "runtime/kc_fetch_waker.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

#include <syslog.h>

/* ---- librdkafka clients ------------------------------------------- */

static void rk_log_cb(const rd_kafka_t *rk, int level, const char *fac,
                      const char *buf)
{
    kc_log_level_t lvl = level <= LOG_ERR       ? KC_LOG_ERROR
                         : level == LOG_WARNING ? KC_LOG_WARN
                         : level <= LOG_INFO    ? KC_LOG_INFO
                                                : KC_LOG_DEBUG;

    if (kc_log_enabled(lvl, "org.apache.kafka.clients")) {
        /* Client ids carry connector names, which REST clients choose. */
        char *safe = kc_str_escape_log(rd_kafka_name(rk));
        char *text = kc_str_escape_log(buf);

        kc_log_write(lvl, "org.apache.kafka.clients", "[%s] %s: %s", safe, fac,
                     text);
        kc_free(text);
        kc_free(safe);
    }
}

bool kc_worker_set_conf(rd_kafka_conf_t *conf, const char *key,
                        const char *value, kc_error_t *err)
{
    char errstr[256];

    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
        kc_error_set(err, KC_ERR_INVALID, "invalid config \"%s\": %s", key,
                     errstr);
        return false;
    }
    return true;
}

/* Settings the Principal policy lets connectors override. */
bool kc_worker_principal_allows(const char *key)
{
    return strcmp(key, "sasl.jaas.config") == 0 ||
           strcmp(key, "sasl.mechanism") == 0 ||
           strcmp(key, "security.protocol") == 0;
}

bool kc_worker_client_used(const kc_props_t *config, bool sink,
                           kc_client_kind_t kind)
{
    const char *dlq = kc_props_get(config, "errors.deadletterqueue.topic.name");
    bool has_dlq = false;

    /* Utils.isBlank: nothing but characters <= ' ' after trimming. */
    for (const char *c = dlq; c != NULL && *c != '\0'; c++) {
        has_dlq = has_dlq || (unsigned char)*c > ' ';
    }
    switch (kind) {
    case KC_CLIENT_PRODUCER:
        return !sink || has_dlq;
    case KC_CLIENT_CONSUMER:
        return sink;
    case KC_CLIENT_ADMIN:
        if (sink) {
            return has_dlq;
        }
        for (size_t i = 0; i < kc_props_count(config); i++) {
            if (kc_str_starts_with(kc_props_key_at(config, i),
                                   "topic.creation.")) {
                return true;
            }
        }
        return false;
    }
    return false;
}

char *kc_worker_override_refusal(const char *policy, const char *key)
{
    const char *name;

    if (kc_str_eq_nocase(policy, "None")) {
        name = "None";
    } else if (kc_str_eq_nocase(policy, "Principal") &&
               !kc_worker_principal_allows(key)) {
        name = "Principal";
    } else {
        return NULL;
    }
    return kc_asprintf("The '%s' policy does not allow '%s' to be "
                       "overridden in the connector configuration.",
                       name, key);
}

rd_kafka_conf_t *kc_worker_client_conf(kc_worker_t *w, kc_client_kind_t kind,
                                       const kc_props_t *connector_config,
                                       const char *client_id, kc_error_t *err)
{
    static const char *const prefixes[] = {"producer.", "consumer.", "admin."};
    static const char *const overrides[] = {
        "producer.override.", "consumer.override.", "admin.override."};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_props_t *sub;
    bool ok = true;

    rd_kafka_conf_set_log_cb(conf, rk_log_cb);
    ok = ok && kc_worker_set_conf(conf, "bootstrap.servers", w->bootstrap, err);
    if (client_id != NULL) {
        ok = ok && kc_worker_set_conf(conf, "client.id", client_id, err);
    }
    if (kind == KC_CLIENT_PRODUCER) {
        /* Apache's Worker.baseProducerConfigs: ordered, no loss. Unlike
         * Apache (false, for brokers older than 2.8 with ACLs), the
         * producer is idempotent unless told otherwise: a broker restart
         * then leaves no duplicates (docs/architecture.md). */
        ok = ok && kc_worker_set_conf(conf, "acks", "all", err);
        ok = ok && kc_worker_set_conf(
                       conf, "max.in.flight.requests.per.connection", "1", err);
        ok = ok && kc_worker_set_conf(conf, "enable.idempotence", "true", err);
        ok = ok &&
             kc_worker_set_conf(conf, "message.timeout.ms", "2147483647", err);
        /*
         * Java's producer waits for a topic's metadata (max.block.ms,
         * unbounded in Connect) while the broker auto-creates it;
         * librdkafka fails the records as UNKNOWN_TOPIC_OR_PARTITION once
         * the topic has been missing for this long (30 s by default, which
         * a busy broker exceeds). Wait as long as librdkafka can:
         * it turns the value into microseconds in an int, so past
         * 2147483 ms the wait wraps negative and a record queued
         * before the first metadata answer fails at once.
         */
        ok = ok &&
             kc_worker_set_conf(conf, "topic.metadata.propagation.max.ms",
                                KC_CLIENT_METADATA_PROPAGATION_MAX_MS_STR, err);
    } else if (kind == KC_CLIENT_CONSUMER && connector_config != NULL) {
        char *group = kc_asprintf("connect-%s",
                                  kc_props_get(connector_config, "name")
                                      ? kc_props_get(connector_config, "name")
                                      : "");

        ok = ok && kc_worker_set_conf(conf, "group.id", group, err);
        ok = ok && kc_worker_set_conf(conf, "enable.auto.commit", "false", err);
        ok = ok &&
             kc_worker_set_conf(conf, "enable.auto.offset.store", "false", err);
        ok = ok &&
             kc_worker_set_conf(conf, "auto.offset.reset", "earliest", err);
        kc_free(group);
        /*
         * librdkafka pre-fetches up to 64 MiB per partition
         * (queued.max.messages.kbytes), so a sink's memory grew with the
         * topic's backlog; bound it (KC_SINK_CONSUMER_QUEUE_KBYTES says
         * why not to Apache's 1 MiB). The worker's and connector's
         * settings below still win.
         */
        ok = ok && kc_worker_set_conf(conf, "queued.max.messages.kbytes",
                                      KC_SINK_CONSUMER_QUEUE_KBYTES, err);
        /* librdkafka >= 2.1 pauses a full fetch queue for this long (1 s by
         * default), which idles a consumer that just caught up; older
         * versions lack the key and get kc_fetch_waker instead. The
         * worker's and connector's settings below still win. */
        if (!kc_fetch_waker_needed()) {
            char period[16];

            snprintf(period, sizeof(period), "%d", KC_FETCH_WAKER_PERIOD_MS);
            ok = ok && kc_worker_set_conf(conf, "fetch.queue.backoff.ms",
                                          period, err);
        }
    }
    if (ok && kind == KC_CLIENT_ADMIN) {
        /* Apache's admin clients start from the worker's own settings. */
        sub = kc_worker_admin_base_props(w->props);
        ok = kc_client_conf_apply(conf, kind, sub, "", NULL, err) == KC_OK;
        kc_props_destroy(sub);
    }
    if (ok) {
        sub = kc_props_with_prefix(w->props, prefixes[kind]);
        ok = kc_client_conf_apply(conf, kind, sub, prefixes[kind], NULL, err) ==
             KC_OK;
        kc_props_destroy(sub);
    }
    if (ok && connector_config != NULL) {
        const char *policy = w->conf.connector_client_config_override_policy;

        sub = kc_props_with_prefix(connector_config, overrides[kind]);
        for (size_t i = 0; ok && i < kc_props_count(sub); i++) {
            const char *key = kc_props_key_at(sub, i);

            char *refusal = kc_worker_override_refusal(policy, key);

            kc_free(refusal);
            if (refusal != NULL) {
                kc_error_set(err, KC_ERR_INVALID,
                             "invalid config \"%s%s\": the worker's "
                             "connector.client.config.override.policy (%s) "
                             "does not allow it",
                             overrides[kind], key, policy);
                ok = false;
            }
        }
        ok = ok && kc_client_conf_apply(conf, kind, sub, overrides[kind], NULL,
                                        err) == KC_OK;
        kc_props_destroy(sub);
    }
    if (ok && kind == KC_CLIENT_PRODUCER) {
        ok = kc_producer_idempotence_check(conf, w->props, connector_config,
                                           true, NULL, 0, err) == KC_OK;
    }
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

/* ---- creation ------------------------------------------------------- */
