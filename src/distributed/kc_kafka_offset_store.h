/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The source offset store of distributed mode: kc_offset_store_vt_t on the
 * offsets topic (offset.storage.topic, or a connector's own
 * offsets.storage.topic), in the bytes Apache's OffsetStorageWriter
 * writes: key ["<connector>",{<partition>}] and value {<offset>} as
 * compact JSON (JsonConverter without schemas), null for a reset.
 *
 * put keeps the offset in memory (seen by get at once, as the file store);
 * flush writes every changed one and waits for the broker, then reads
 * back. get and list read the topic to its end first, so a task that
 * moved here from another worker resumes from that worker's last flush.
 * A key read from the topic is written back with its own bytes, so a
 * partition a Java worker wrote keeps its field order.
 *
 * @locks its own mutex; thread-safe like every offset store.
 */
#ifndef KC_DISTRIBUTED_KC_KAFKA_OFFSET_STORE_H
#define KC_DISTRIBUTED_KC_KAFKA_OFFSET_STORE_H

#include "distributed/kc_kafka_log.h"
#include "runtime/kc_offset_store.h"

typedef struct kc_kafka_offset_store_conf {
    const char *topic;
    /* The worker property that named the topic, for messages. */
    const char *topic_config;
    int partitions;           /* when created; <= 0: the broker's default */
    int replication_factor;   /* <= 0: the broker's default */
    const kc_props_t *client; /* client settings, as kc_kafka_log_conf */
    int timeout_ms;           /* reads and flushes; <= 0: 30 s */
} kc_kafka_offset_store_conf_t;

/** @brief A store on @p conf (copied); reads nothing until _start. */
kc_offset_store_t *
kc_kafka_offset_store_new(const kc_kafka_offset_store_conf_t *conf,
                          kc_error_t *err);

/** @brief Create or check the topic and read it to the end. */
kc_err_t kc_kafka_offset_store_start(kc_offset_store_t *store, kc_error_t *err);

/** @brief The log under @p store (borrowed). */
kc_kafka_log_t *kc_kafka_offset_store_log(kc_offset_store_t *store);

#endif /* KC_DISTRIBUTED_KC_KAFKA_OFFSET_STORE_H */
