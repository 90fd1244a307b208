/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config store of distributed mode: kc_config_store_vt_t on the
 * config topic (config.storage.topic), with Apache's
 * KafkaConfigBackingStore records so that Java and kconnect workers share
 * one topic:
 *
 *   connector-<C>      {"properties":{...}}            null: deleted
 *   target-state-<C>   {"state":..,"state.v2":..}      null: back to STARTED
 *   task-<C>-<n>       {"properties":{...}}            held until commit
 *   commit-<C>         {"tasks":n}                     applies held tasks
 *   session-key        {"key":..,"algorithm":..,"creation-timestamp":..}
 *   restart-connector-<C> {"include-tasks":b,"only-failed":b}
 *
 * Task configs apply only at their commit record, and only when the held
 * set holds every id 0..n-1; otherwise the connector is "inconsistent"
 * (no tasks) until a complete set is committed, as Apache's store after
 * compaction. A commit for a connector with no config is dropped.
 *
 * Every write goes to the topic and then reads it to the end, so what a
 * write returns is what the topic says (another worker's later write
 * included). Records other workers write arrive when the owner serves
 * the log (kc_kafka_config_store_log + kc_kafka_log_serve or
 * kc_kafka_config_store_refresh) and are told to the listener.
 *
 * @locks the store's mutex guards the snapshot; the listener runs with
 * it released but inside the log's read (it must not write to the store:
 * post an op to the herder instead).
 */
#ifndef KC_DISTRIBUTED_KC_KAFKA_CONFIG_STORE_H
#define KC_DISTRIBUTED_KC_KAFKA_CONFIG_STORE_H

#include <jansson.h>

#include "distributed/kc_kafka_log.h"
#include "herder/kc_config_store.h"

typedef enum kc_config_change_kind {
    KC_CONFIG_CHANGE_CONNECTOR,         /* config created or replaced */
    KC_CONFIG_CHANGE_CONNECTOR_REMOVED, /* config tombstone */
    KC_CONFIG_CHANGE_TARGET,            /* target state changed */
    KC_CONFIG_CHANGE_TASKS,             /* a commit applied task configs */
    KC_CONFIG_CHANGE_SESSION_KEY,       /* a new session key */
    KC_CONFIG_CHANGE_RESTART            /* a restart request */
} kc_config_change_kind_t;

/** A change read from the topic after start (borrowed for the call). */
typedef struct kc_config_change {
    kc_config_change_kind_t kind;
    const char *connector; /* NULL for a session key */
    bool include_tasks;    /* restart requests */
    bool only_failed;
} kc_config_change_t;

typedef void (*kc_config_listener_fn)(void *opaque,
                                      const kc_config_change_t *change);

typedef struct kc_kafka_config_store_conf {
    const char *topic;
    int replication_factor;   /* <= 0: the broker's default */
    const kc_props_t *client; /* client settings, as kc_kafka_log_conf */
    int timeout_ms;           /* each write and read; <= 0: 30 s (Apache) */
    kc_config_listener_fn listener; /* may be NULL */
    void *opaque;
} kc_kafka_config_store_conf_t;

/** @brief A store on @p conf (copied); read nothing until _start. */
kc_config_store_t *
kc_kafka_config_store_new(const kc_kafka_config_store_conf_t *conf,
                          kc_error_t *err);

/**
 * @brief Create or check the topic and read it to the end. Changes read
 * from then on are told to the listener.
 */
kc_err_t kc_kafka_config_store_start(kc_config_store_t *cs, kc_error_t *err);

/** @brief Read the topic to its end now (the herder's "catch up"). */
kc_err_t kc_kafka_config_store_refresh(kc_config_store_t *cs, int timeout_ms,
                                       kc_error_t *err);

/** @brief The log under @p cs, to serve or wake on (borrowed). */
kc_kafka_log_t *kc_kafka_config_store_log(kc_config_store_t *cs);

/**
 * @brief The config offset of the group protocol: the offset after the
 * last record read, -1 before any.
 */
int64_t kc_kafka_config_store_offset(kc_config_store_t *cs);

/**
 * @brief Names of the connectors with a config, sorted; *names (and each
 * name) is the caller's to kc_free.
 */
void kc_kafka_config_store_connectors(kc_config_store_t *cs, char ***names,
                                      size_t *count);

/**
 * @brief Target state of @p name (STARTED when none was written).
 * KC_ERR_NOT_FOUND when it has no config.
 */
kc_err_t kc_kafka_config_store_target(kc_config_store_t *cs, const char *name,
                                      kc_target_state_t *target);

/**
 * @brief Whether the last commit of @p name did not complete its task
 * set (the leader must write its task configs again).
 */
bool kc_kafka_config_store_inconsistent(kc_config_store_t *cs,
                                        const char *name);

/**
 * @brief The last session key record {"key","algorithm",
 * "creation-timestamp"} (new reference), or NULL when none was read.
 */
json_t *kc_kafka_config_store_session_key(kc_config_store_t *cs);

/** @brief Write a session key record (the leader, under "sessioned"). */
kc_err_t kc_kafka_config_store_put_session_key(kc_config_store_t *cs,
                                               const char *key_base64,
                                               const char *algorithm,
                                               int64_t creation_ms,
                                               kc_error_t *err);

/** @brief Write a restart request for @p name (POST .../restart). */
kc_err_t kc_kafka_config_store_put_restart(kc_config_store_t *cs,
                                           const char *name, bool only_failed,
                                           bool include_tasks, kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_KAFKA_CONFIG_STORE_H */
