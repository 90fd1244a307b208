/*
 * The text of a source record Kafka refused: the Java exception Apache's
 * producer would report, and a message that names the topic, the cause
 * and the setting to change. Split from the source runner, which only
 * decides what a refusal does to the task.
 */
#include "kc_internal.h"

#include "runtime/kc_producer_errors.h"

#include "runtime/kc_error_handler.h"

#include "util/kc_str.h"

#define KAFKA_EXC "org.apache.kafka.common.errors."

/* The exception Apache's (Java) producer reports for @p err. */
const char *kc_producer_exception(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        return KAFKA_EXC "RecordTooLargeException";
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        return KAFKA_EXC "InvalidTopicException";
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        return KAFKA_EXC "UnknownTopicOrPartitionException";
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        return KAFKA_EXC "TopicAuthorizationException";
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        return KAFKA_EXC "ClusterAuthorizationException";
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
        return KAFKA_EXC "TimeoutException";
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
        return KAFKA_EXC "CorruptRecordException";
    default:
        return "org.apache.kafka.common.KafkaException";
    }
}

/*
 * The producer's fatal error (rd_kafka_fatal_error): it can send nothing
 * any more. An idempotent producer gets one when the cluster refuses
 * idempotence (cluster authorization failed), so name the way out.
 * Caller frees.
 */
char *kc_producer_fatal_text(rd_kafka_t *rk, bool idempotent)
{
    kc_error_t fatal;

    if (!kc_error_set_kafka_fatal(&fatal, rk)) {
        kc_error_set(&fatal, KC_ERR_KAFKA, "%s", "");
        kc_error_set_cause(&fatal, "NO_ERROR");
    }
    return kc_asprintf(
        "the producer failed for good (%s): %s%s", fatal.cause, fatal.msg,
        idempotent
            ? "; if the Kafka cluster does not allow idempotent producers, "
              "set producer.enable.idempotence=false in the worker config "
              "(or producer.override.enable.idempotence=false in the "
              "connector config)"
            : "");
}

/*
 * Why @p topic is not a legal Kafka topic name (Apache's Topic.validate),
 * or NULL. librdkafka does not check names and reports the broker's
 * refusal as an unknown topic; Apache's producer fails the record with an
 * InvalidTopicException.
 */
const char *kc_topic_name_problem(const char *topic)
{
    size_t len = strlen(topic);

    if (strcmp(topic, ".") == 0 || strcmp(topic, "..") == 0) {
        return "a topic name cannot be \".\" or \"..\"";
    }
    if (len > 249) {
        return "a topic name can be at most 249 characters long";
    }
    for (size_t i = 0; i < len; i++) {
        char c = topic[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return "a topic name may only contain ASCII letters, digits, "
                   "'.', '_' and '-'";
        }
    }
    return NULL;
}

/*
 * The message for a record Kafka refused with @p err (caller frees):
 * names the topic, the cause and, where one helps, the setting to change.
 * @p size is the record's serialised size when known (a local refusal),
 * else 0. Sets *fatal when the producer can send nothing any more.
 */
char *kc_producer_failure_text(rd_kafka_t *rk, bool idempotent,
                               rd_kafka_resp_err_t err, const char *topic,
                               size_t size, bool *fatal)
{
    char max[32];
    size_t max_len = sizeof(max);
    char *detail;
    char *text;

    *fatal = err == RD_KAFKA_RESP_ERR__FATAL;
    if (*fatal) {
        detail = kc_producer_fatal_text(rk, idempotent);
        text = kc_asprintf("could not send record to topic \"%s\": %s", topic,
                           detail);
        kc_free(detail);
        return text;
    }
    if (err == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION &&
        kc_topic_name_problem(topic) != NULL) {
        return kc_asprintf("could not send record to topic \"%s\": not a "
                           "valid topic name: %s",
                           topic, kc_topic_name_problem(topic));
    }
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && size > 0 &&
        rd_kafka_conf_get(rd_kafka_conf(rk), "message.max.bytes", max,
                          &max_len) == RD_KAFKA_CONF_OK) {
        return kc_asprintf(
            "could not send record to topic \"%s\": its key and value are "
            "%zu bytes when serialized, more than the producer's "
            "max.request.size (message.max.bytes) of %s bytes",
            topic, size, max);
    }
    return kc_asprintf("could not send record to topic \"%s\": %s%s", topic,
                       rd_kafka_err2str(err),
                       err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
                           ? " (the topic's max.message.bytes or the broker's "
                             "message.max.bytes is smaller than the record)"
                           : "");
}
