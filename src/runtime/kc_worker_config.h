/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Worker and connector config tables (Apache's WorkerConfig,
 * StandaloneConfig, RestServerConfig, ConnectorConfig, SourceConnectorConfig,
 * SinkConnectorConfig) and the translation of producer./consumer./admin.
 * settings (Java client names) into librdkafka settings.
 */
#ifndef KC_RUNTIME_KC_WORKER_CONFIG_H
#define KC_RUNTIME_KC_WORKER_CONFIG_H

#include <kconnect/plugin.h>

#include <librdkafka/rdkafka.h>

/* The value of bootstrap.servers that starts the embedded (mock) Kafka. */
#define KC_EMBEDDED_BOOTSTRAP "embedded"

/** @brief The standalone worker's keys; a NULL-terminated list of tables. */
const kc_config_def_t *const *kc_worker_config_defs(void);
/** @brief The keys of every worker (Apache's WorkerConfig). */
const kc_config_def_t *kc_worker_common_config_def(void);
/** @brief The keys only a standalone worker has (StandaloneConfig). */
const kc_config_def_t *kc_standalone_config_def(void);

/*
 * The worker keys the runtime reads, bound (kc_config_bind) from the rows
 * of the worker table, defaults included.
 */
typedef struct kc_worker_conf {
    char *offset_storage_file_filename;
    int64_t task_shutdown_graceful_timeout_ms;
    int64_t offset_flush_interval_ms;
    int64_t offset_flush_timeout_ms;
    bool topic_creation_enable;
    bool topic_tracking_enable;
    bool topic_tracking_allow_reset;
    char *connector_client_config_override_policy;
} kc_worker_conf_t;

/** @brief Fill @p conf from @p props; free with kc_worker_conf_release. */
/** @brief Bind only the keys every worker has (not standalone's). */
kc_err_t kc_worker_conf_bind_common(const kc_props_t *props,
                                    kc_worker_conf_t *conf, kc_error_t *err);
kc_err_t kc_worker_conf_bind(const kc_props_t *props, kc_worker_conf_t *conf,
                             kc_error_t *err);
void kc_worker_conf_release(kc_worker_conf_t *conf);

/** @brief Keys every connector has (name, connector.class, tasks.max...). */
const kc_config_def_t *kc_connector_common_def(void);
/** @brief Keys only sources have (topic.creation.*, exactly.once...). */
const kc_config_def_t *kc_source_connector_def(void);
/** @brief Keys only sinks have (topics, topics.regex, DLQ...). */
const kc_config_def_t *kc_sink_connector_def(void);

/*
 * The connector keys the runtime itself reads, bound (kc_config_bind) from
 * the rows of the common and sink tables, defaults included. A source
 * connector's sink-only fields hold their defaults.
 */
typedef struct kc_connector_conf {
    int32_t tasks_max;
    bool tasks_max_enforce;
    int64_t errors_retry_timeout;
    int64_t errors_retry_delay_max_ms;
    char *errors_tolerance; /* "none" or "all", any case */
    bool errors_log_enable;
    bool errors_log_include_messages;
    char *errors_dlq_topic; /* "" when there is none */
    int16_t errors_dlq_replication_factor;
    bool errors_dlq_context_headers;
} kc_connector_conf_t;

/**
 * @brief Fill @p conf from @p config; a bad value of a bound key is an
 * error with the validation's message. Free with kc_connector_conf_release.
 */
kc_err_t kc_connector_conf_bind(const kc_props_t *config,
                                kc_connector_conf_t *conf, kc_error_t *err);
void kc_connector_conf_release(kc_connector_conf_t *conf);

/**
 * @brief Append to @p result the issues a key table cannot see: a sink
 * needs exactly one of topics/topics.regex; topic.creation groups need
 * their keys; with @p reg (may be NULL to skip it) the transforms and
 * predicates (kc_transform_chain_validate).
 */
void kc_connector_config_check(const kc_registry_t *reg,
                               const kc_props_t *config, bool is_sink,
                               kc_config_result_t *result);

/* A topic creation group's numbers, bound (kc_topic_creation_bind). */
typedef struct kc_topic_creation_conf {
    int32_t partitions;         /* -1: the broker's default */
    int16_t replication_factor; /* -1: the broker's default */
} kc_topic_creation_conf_t;

/**
 * @brief Check topic.creation.<@p group>.partitions and .replication.factor
 * as Apache's TopicCreationConfig (types, -1 or positive; required for
 * "default", else defaulting to the default group's values) into @p result.
 */
void kc_topic_creation_check(const kc_props_t *config, const char *group,
                             kc_config_result_t *result);
/** @brief The same keys, bound into @p out; an error names a bad one. */
kc_err_t kc_topic_creation_bind(const kc_props_t *config, const char *group,
                                kc_topic_creation_conf_t *out, kc_error_t *err);

/**
 * @brief Append to @p result what is wrong with the plugins a connector
 * config names besides its transforms: a key/value/header converter class
 * that is not installed (Apache's "Class X could not be found."), and a
 * `connector.plugin.version` or `<k>.converter.plugin.version` that the
 * plugin's version does not satisfy. @p worker (may be NULL) supplies the
 * converters the connector does not set, whose version keys are checked
 * against them.
 */
void kc_connector_plugins_check(const kc_registry_t *reg,
                                const struct kc_connector_plugin *plugin,
                                const kc_props_t *config,
                                const kc_props_t *worker,
                                kc_config_result_t *result);

/**
 * @brief Validate a worker config completely: the key table, that the
 * converter classes exist in @p reg, and that every producer./consumer./
 * admin. setting is one librdkafka understands. Fills @p result with one
 * issue per problem. @returns KC_OK or KC_ERR_INVALID.
 */
kc_err_t kc_worker_config_check(const kc_registry_t *reg,
                                const kc_props_t *props,
                                kc_config_result_t *result);
/** @brief The same checks with another worker's tables (distributed). */
kc_err_t kc_worker_config_check_with(const kc_registry_t *reg,
                                     const kc_config_def_t *const *defs,
                                     const kc_props_t *props,
                                     kc_config_result_t *result);

/**
 * @brief Append an issue to @p result: the message is owned by the
 * result, the key is copied once for the life of the process (results
 * borrow keys). A second issue for the same key is joined with "; ".
 */
void kc_worker_config_issue(kc_config_result_t *result, const char *key,
                            const char *fmt, ...) KC_PRINTF(3, 4);

/**
 * @brief Turn DEBUG on for the loggers of each area in @p props' log.debug
 * (checked by the worker table's validator; unknown areas are skipped
 * here). Process-wide, as every logger level. @returns the number of
 * areas turned on.
 */
size_t kc_worker_log_debug_apply(const kc_props_t *props);

typedef enum kc_client_kind {
    KC_CLIENT_PRODUCER,
    KC_CLIENT_CONSUMER,
    KC_CLIENT_ADMIN
} kc_client_kind_t;

/* The largest topic.metadata.propagation.max.ms librdkafka can wait:
 * it counts the wait in microseconds in an int. The worker's producers
 * default to it; kc_client_conf_apply refuses more. */
#define KC_CLIENT_METADATA_PROPAGATION_MAX_MS     2147483
#define KC_CLIENT_METADATA_PROPAGATION_MAX_MS_STR "2147483"

/**
 * @brief Apply Java client settings @p props (prefix already removed) to
 * @p conf, translating names librdkafka spells differently and dropping
 * the ones that only make sense in Java. @p origin names the prefix in
 * messages ("producer.", "consumer.override.", ...). Each problem goes to
 * @p result when not NULL; the first one also to @p err.
 */
kc_err_t kc_client_conf_apply(rd_kafka_conf_t *conf, kc_client_kind_t kind,
                              const kc_props_t *props, const char *origin,
                              kc_config_result_t *result, kc_error_t *err);

/**
 * @brief The option @p name of JAAS line @p jaas (sasl.jaas.config:
 * "...LoginModule required username=\"u\" password=\"p\";") into @p out,
 * "" when absent or longer than @p size - 1.
 */
void kc_client_jaas_value(const char *jaas, const char *name, char *out,
                          size_t size);

/** @brief Whether Kafka's security.protocol @p protocol (may be NULL:
 * PLAINTEXT) is SSL or SASL_SSL, the only ones whose clients read ssl.*. */
bool kc_client_protocol_uses_ssl(const char *protocol);

/**
 * @brief The worker's top-level Kafka security settings (security.protocol,
 * ssl.*, sasl.*), which Apache's Worker.adminConfigs gives its admin
 * clients before the admin. ones; the REST server's own TLS keys are not
 * among them. @returns a new props the caller destroys.
 */
kc_props_t *kc_worker_admin_base_props(const kc_props_t *worker);

/**
 * @brief Make producer config @p conf (every setting applied) consistent
 * with idempotence, which needs acks=all, at most 5 requests in flight and
 * retries > 0 (librdkafka's rd_kafka_new refuses anything else). When the
 * user did not ask for enable.idempotence (producer. in @p worker_props,
 * producer.override. in @p connector_config, may be NULL), a conflicting
 * setting turns kconnect's default idempotence off, as Apache's producer
 * does, with a WARN when @p warn. When asked for, it is KC_ERR_INVALID
 * with @p err naming both keys and the offending key in @p bad_key (may be
 * NULL).
 */
kc_err_t kc_producer_idempotence_check(rd_kafka_conf_t *conf,
                                       const kc_props_t *worker_props,
                                       const kc_props_t *connector_config,
                                       bool warn, char *bad_key,
                                       size_t bad_key_size, kc_error_t *err);

#endif /* KC_RUNTIME_KC_WORKER_CONFIG_H */
