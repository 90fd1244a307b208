/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compacted Kafka topic read as a log of key/value changes (the idea of
 * Apache's KafkaBasedLog, on librdkafka): the distributed worker keeps its
 * config, status and offset stores in three such topics.
 *
 * kc_kafka_log_start creates the topic if it is missing (compacted, with
 * the configured partitions and replication factor), refuses one whose
 * cleanup.policy is not exactly "compact" (as Apache's TopicAdmin does),
 * assigns every partition from the beginning and reads to the end. After
 * that, records reach the owner's on_record callback whenever someone
 * serves the log: kc_kafka_log_read_to_end (bounded, for "everything
 * written before now") or kc_kafka_log_serve (what is there, never
 * blocks). There is no polling loop: kc_kafka_log_wake_fd makes a record
 * or a delivery report write an eventfd, such as the herder's op queue's
 * (kc_opq_fd), so the thread blocked in kc_opq_pop wakes and calls
 * kc_kafka_log_serve.
 *
 * @locks reads are serialised by the log's own mutex, which is held
 * while on_record runs: on_record must not call back into the log, and
 * the owner must not hold a lock that on_record takes while it calls
 * kc_kafka_log_read_to_end or kc_kafka_log_serve. Sends may come from any
 * thread; delivery callbacks run in whichever thread serves or flushes.
 */
#ifndef KC_DISTRIBUTED_KC_KAFKA_LOG_H
#define KC_DISTRIBUTED_KC_KAFKA_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include <kconnect/common.h>
#include <kconnect/config.h>

typedef struct kc_kafka_log kc_kafka_log_t;

/**
 * A record read from the topic: @p key is NUL-terminated (@p key_len
 * bytes before the NUL; "" when the record had none); @p value NULL is a
 * tombstone. Both are borrowed for the call.
 */
typedef void (*kc_kafka_log_record_fn)(void *opaque, const char *key,
                                       size_t key_len, const uint8_t *value,
                                       size_t value_len, int32_t partition,
                                       int64_t offset);

/** What became of one kc_kafka_log_send: @p err NULL when it was written. */
typedef void (*kc_kafka_log_sent_fn)(void *opaque, const kc_error_t *err);

typedef struct kc_kafka_log_conf {
    const char *topic;
    /* The worker property that named the topic and what it holds, for
     * messages ("config.storage.topic", "connector configurations"). */
    const char *topic_config;
    const char *purpose;
    int partitions;         /* when created; <= 0: the broker's default */
    int replication_factor; /* when created; <= 0: the broker's default */
    bool single_partition;  /* refuse a topic with more than one */
    /* Java or librdkafka client settings for all three clients
     * (bootstrap.servers, security.protocol, sasl.*, ...); borrowed. */
    const kc_props_t *client;
    /* Extra producer settings (borrowed, may be NULL). */
    const kc_props_t *producer;
    kc_kafka_log_record_fn on_record;
    void *opaque;
} kc_kafka_log_conf_t;

/**
 * @brief A log on @p conf (copied; the props are read now). Nothing is
 * read or created before kc_kafka_log_start. NULL with @p err set when a
 * client setting is refused.
 */
kc_kafka_log_t *kc_kafka_log_new(const kc_kafka_log_conf_t *conf,
                                 kc_error_t *err);

/** @brief Stop the clients (unsent records are dropped) and free. */
void kc_kafka_log_destroy(kc_kafka_log_t *log);

/**
 * @brief Create or verify the topic, assign all its partitions from the
 * beginning and read to the end, all within @p timeout_ms.
 */
kc_err_t kc_kafka_log_start(kc_kafka_log_t *log, int timeout_ms,
                            kc_error_t *err);

/**
 * @brief Produce @p key / @p value (@p value NULL: a tombstone) with the
 * Java client's partitioner (murmur2 of the key). @p cb (may be NULL) is
 * called once with the outcome, from the thread that serves or flushes.
 */
kc_err_t kc_kafka_log_send(kc_kafka_log_t *log, const void *key, size_t key_len,
                           const void *value, size_t value_len,
                           kc_kafka_log_sent_fn cb, void *opaque,
                           kc_error_t *err);

/**
 * @brief Send each of @p n records (keys NUL-terminated, values with
 * their lengths, NULL for a tombstone) and wait until all are written or
 * @p timeout_ms passes. @returns the first failure.
 */
kc_err_t kc_kafka_log_write(kc_kafka_log_t *log, const char *const *keys,
                            const char *const *values, size_t n, int timeout_ms,
                            kc_error_t *err);

/**
 * @brief Wait until every record sent so far is delivered or failed
 * (their callbacks have run), at most @p timeout_ms.
 */
kc_err_t kc_kafka_log_flush(kc_kafka_log_t *log, int timeout_ms,
                            kc_error_t *err);

/**
 * @brief Read every record written before this call (the end offsets of
 * all partitions, fetched now), passing each to on_record. KC_ERR_TIMEOUT
 * naming the topic after @p timeout_ms.
 */
kc_err_t kc_kafka_log_read_to_end(kc_kafka_log_t *log, int timeout_ms,
                                  kc_error_t *err);

/**
 * @brief Hand over what has arrived (records to on_record, delivery
 * reports to their callbacks) without waiting.
 */
void kc_kafka_log_serve(kc_kafka_log_t *log);

/** @returns how many times kc_kafka_log_read_to_end ran on @p log (a
 * read to the end costs a round trip per partition, so callers on a hot
 * path are checked not to do it). */
uint64_t kc_kafka_log_reads_to_end(kc_kafka_log_t *log);

/**
 * @brief Write the 8-byte value 1 to eventfd @p fd whenever a record or
 * a delivery report arrives on an empty queue (see kc_opq.h). The
 * server must then drain with kc_kafka_log_serve.
 */
void kc_kafka_log_wake_fd(kc_kafka_log_t *log, int fd);

/**
 * @brief Bound the wait for the cleanup.policy check (10 s by default).
 * For tests on librdkafka's mock cluster, which never answers it.
 */
void kc_kafka_log_set_verify_timeout(int timeout_ms);

/** @brief The topic's name (owned by @p log). */
const char *kc_kafka_log_topic(const kc_kafka_log_t *log);

/**
 * @brief Split a Connect task id "<connector>-<n>" as Apache's
 * parseTaskId does (the connector may hold '-': the id follows the last
 * one). On success @p connector is a new string the caller frees.
 * @returns false when @p text is not one.
 */
bool kc_kafka_task_id_parse(const char *text, char **connector, int *task);

#endif /* KC_DISTRIBUTED_KC_KAFKA_LOG_H */
