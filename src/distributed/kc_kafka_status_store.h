/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The status store of distributed mode: kc_status_store_vt_t on the status
 * topic (status.storage.topic), with Apache's KafkaStatusBackingStore
 * records, so Java and kconnect workers show each other's states:
 *
 *   status-connector-<C> {"state":..,"trace":..,"worker_id":..,"generation":n}
 *   status-task-<C>-<n>    same; DESTROYED is written as a tombstone
 *   status-topic-<T>:connector-<C>
 *        {"topic":{"name":T,"connector":C,"task":n,"discoverTimestamp":ms}}
 *
 * The view (what status requests read) is a memory status store: this
 * worker's reports go into it at once and to the topic; records other
 * workers wrote go into it when the log is served. Apache's generation
 * rule decides which write wins: UNASSIGNED and FAILED ("safe" writes,
 * from a worker that may be stale) are dropped unless the last record of
 * that key is absent, from the same worker, or from a generation no newer
 * than the writer's (kc_kafka_status_store_set_generation).
 *
 * Deleting a connector (kc_status_store_forget) writes tombstones for it
 * and its tasks, as Apache's herder writes DESTROYED; forget_tasks only
 * drops this worker's view (another worker may run them now).
 *
 * @locks its own mutex, then the view's; reads never wait for the topic.
 */
#ifndef KC_DISTRIBUTED_KC_KAFKA_STATUS_STORE_H
#define KC_DISTRIBUTED_KC_KAFKA_STATUS_STORE_H

#include "distributed/kc_kafka_log.h"
#include "herder/kc_status_store.h"

typedef struct kc_kafka_status_store_conf {
    const char *topic;
    int partitions;           /* when created; <= 0: the broker's default */
    int replication_factor;   /* <= 0: the broker's default */
    const kc_props_t *client; /* client settings, as kc_kafka_log_conf */
    int timeout_ms;           /* start and flush; <= 0: 30 s */
} kc_kafka_status_store_conf_t;

/** @brief A store on @p conf (copied); reads nothing until _start. */
kc_status_store_t *
kc_kafka_status_store_new(const kc_kafka_status_store_conf_t *conf,
                          kc_error_t *err);

/** @brief Create or check the topic and read it to the end. */
kc_err_t kc_kafka_status_store_start(kc_status_store_t *st, kc_error_t *err);

/** @brief Read the topic to its end now. */
kc_err_t kc_kafka_status_store_refresh(kc_status_store_t *st, int timeout_ms,
                                       kc_error_t *err);

/** @brief The log under @p st, to serve or wake on (borrowed). */
kc_kafka_log_t *kc_kafka_status_store_log(kc_status_store_t *st);

/**
 * @brief The group generation this worker writes from now on (the
 * herder sets it after each rebalance).
 */
void kc_kafka_status_store_set_generation(kc_status_store_t *st,
                                          int generation);

/**
 * @brief The worker id and generation of the last record read or written
 * for the connector (@p task -1) or task. @returns false when none.
 */
bool kc_kafka_status_store_owner(kc_status_store_t *st, const char *name,
                                 int task, char **worker_id, int *generation);

/**
 * @brief Tombstone the statuses of @p name's tasks numbered @p ntasks and
 * up (the leader's part, as Apache's updateDeletedTaskStatus: every
 * worker's view keeps a task's status until its tombstone is read).
 * @returns how many were tombstoned.
 */
size_t kc_kafka_status_store_delete_tasks_from(kc_status_store_t *st,
                                               const char *name, size_t ntasks);

/**
 * @brief Record that @p connector's @p task used @p topic (KIP-558),
 * unless that is known already.
 */
kc_err_t kc_kafka_status_store_put_topic(kc_status_store_t *st,
                                         const char *topic,
                                         const char *connector, int task,
                                         int64_t discover_ms, kc_error_t *err);

/**
 * @brief The topics @p connector is known to use, sorted by name, as a
 * JSON array of strings (new reference).
 */
json_t *kc_kafka_status_store_topics(kc_status_store_t *st,
                                     const char *connector);

/** @brief Tombstone every active-topic record of @p connector. */
kc_err_t kc_kafka_status_store_reset_topics(kc_status_store_t *st,
                                            const char *connector,
                                            kc_error_t *err);

/** @brief Wait until every status sent so far is written or failed. */
kc_err_t kc_kafka_status_store_flush(kc_status_store_t *st, int timeout_ms,
                                     kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_KAFKA_STATUS_STORE_H */
