/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Texts for records a source task's producer could not send.
 */
#ifndef KC_RUNTIME_KC_PRODUCER_ERRORS_H
#define KC_RUNTIME_KC_PRODUCER_ERRORS_H

#include <kconnect/common.h>

#include <librdkafka/rdkafka.h>

/** @brief The exception Apache's (Java) producer reports for @p err. */
const char *kc_producer_exception(rd_kafka_resp_err_t err);

/**
 * @brief The fatal error of producer @p rk, naming the way out when it is
 * @p idempotent. Caller frees.
 */
char *kc_producer_fatal_text(rd_kafka_t *rk, bool idempotent);

/**
 * @brief Why @p topic is not a legal Kafka topic name (Apache's
 * Topic.validate), or NULL.
 */
const char *kc_topic_name_problem(const char *topic);

/**
 * @brief The exception message Apache's producer gives for a record @p rk
 * could not send to @p topic with @p err (caller frees): what the dead
 * letter queue headers and the task trace carry. @p size is the record's
 * size as kc_producer_record_size estimates it when librdkafka refused it
 * at once, else 0. Sets *fatal when the producer can send nothing any
 * more (then the text is kconnect's, naming the way out).
 */
char *kc_producer_failure_text(rd_kafka_t *rk, bool idempotent,
                               rd_kafka_resp_err_t err, const char *topic,
                               size_t size, bool *fatal);

/**
 * @brief The log line for that failure (caller frees): @p text (from
 * kc_producer_failure_text) with the topic and, where one helps, what to
 * change.
 */
char *kc_producer_failure_log(rd_kafka_resp_err_t err, const char *topic,
                              size_t size, const char *text);

/**
 * @brief The serialized size Apache's producer quotes for a record
 * (AbstractRecords.estimateSizeInBytesUpperBound: one record in its own
 * batch). @p key / @p value NULL are Kafka nulls; @p hdrs may be NULL.
 */
size_t kc_producer_record_size(const void *key, size_t key_len,
                               const void *value, size_t value_len,
                               rd_kafka_headers_t *hdrs);

#endif /* KC_RUNTIME_KC_PRODUCER_ERRORS_H */
