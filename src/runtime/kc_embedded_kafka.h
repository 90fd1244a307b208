/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded Kafka of the quick start: librdkafka's in-process mock
 * cluster, reachable over TCP on 127.0.0.1 so kcat and other clients can
 * attach. For trying kconnect out and fast tests only: it keeps
 * everything in memory and loses it at exit.
 */
#ifndef KC_RUNTIME_KC_EMBEDDED_KAFKA_H
#define KC_RUNTIME_KC_EMBEDDED_KAFKA_H

#include <kconnect/common.h>

typedef struct kc_embedded_kafka kc_embedded_kafka_t;

/** @brief Start a cluster of @p brokers brokers (1 or more). */
kc_embedded_kafka_t *kc_embedded_kafka_start(int brokers, kc_error_t *err);
/** @brief "127.0.0.1:port,..." of the brokers (owned by @p ek). */
const char *kc_embedded_kafka_bootstraps(const kc_embedded_kafka_t *ek);
/**
 * @brief Create @p topic with @p partitions partitions unless it exists.
 * The mock cluster would otherwise auto-create topics with 4 partitions;
 * a real broker's default is 1, which keeps one file's lines in order.
 */
kc_err_t kc_embedded_kafka_create_topic(kc_embedded_kafka_t *ek,
                                        const char *topic, int partitions,
                                        kc_error_t *err);
/**
 * @brief The rd_kafka_mock_cluster_t of @p ek (as void * to keep
 * librdkafka's mock header out of this one), for tests that inject errors.
 */
void *kc_embedded_kafka_mock(kc_embedded_kafka_t *ek);
/** @brief Stop the brokers and free; NULL is a no-op. */
void kc_embedded_kafka_destroy(kc_embedded_kafka_t *ek);

#endif /* KC_RUNTIME_KC_EMBEDDED_KAFKA_H */
