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
 * @brief The message for a record @p rk could not send to @p topic with
 * @p err (caller frees); @p size is the record's serialised size when
 * known, else 0. Sets *fatal when the producer can send nothing any more.
 */
char *kc_producer_failure_text(rd_kafka_t *rk, bool idempotent,
                               rd_kafka_resp_err_t err, const char *topic,
                               size_t size, bool *fatal);

#endif /* KC_RUNTIME_KC_PRODUCER_ERRORS_H */
