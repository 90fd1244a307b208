/* SPDX-License-Identifier: Apache-2.0 */
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
        return KAFKA_EXC "CorruptRecordException";
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
        return "org.apache.kafka.common.InvalidRecordException";
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

/* ByteUtils.sizeOfVarint: the zig-zag varint length of @p v. */
static size_t kc_varint_size(int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t n = 1;

    while (z >= 0x80) {
        z >>= 7;
        n++;
    }
    return n;
}

/* One length-prefixed field of a record (-1 = null: one byte). */
static size_t kc_field_size(const void *data, size_t len)
{
    if (data == NULL) {
        return 1;
    }
    return kc_varint_size((int64_t)len) + len;
}

size_t kc_producer_record_size(const void *key, size_t key_len,
                               const void *value, size_t value_len,
                               rd_kafka_headers_t *hdrs)
{
    /* DefaultRecordBatch.RECORD_BATCH_OVERHEAD and
     * DefaultRecord.MAX_RECORD_OVERHEAD. */
    size_t size = 61 + 21;
    size_t count = hdrs != NULL ? rd_kafka_header_cnt(hdrs) : 0;

    size += kc_field_size(key, key_len) + kc_field_size(value, value_len);
    size += kc_varint_size((int64_t)count);
    for (size_t i = 0; i < count; i++) {
        const char *name;
        const void *hv;
        size_t hlen;

        if (rd_kafka_header_get_all(hdrs, i, &name, &hv, &hlen) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
            break;
        }
        size += kc_field_size(name, strlen(name)) + kc_field_size(hv, hlen);
    }
    return size;
}

char *kc_producer_failure_text(rd_kafka_t *rk, bool idempotent,
                               rd_kafka_resp_err_t err, const char *topic,
                               size_t size, bool *fatal)
{
    char max[32];
    size_t max_len = sizeof(max);

    *fatal = err == RD_KAFKA_RESP_ERR__FATAL;
    if (*fatal) {
        return kc_producer_fatal_text(rk, idempotent);
    }
    switch (err) {
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        return kc_asprintf("Invalid topics: [%s]", topic);
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        if (size > 0 &&
            rd_kafka_conf_get(rd_kafka_conf(rk), "message.max.bytes", max,
                              &max_len) == RD_KAFKA_CONF_OK) {
            /* librdkafka's message.max.bytes is max.request.size. */
            return kc_asprintf("The message is %zu bytes when serialized "
                               "which is larger than %s, which is the value "
                               "of the max.request.size configuration.",
                               size, max);
        }
        return kc_strdup("The request included a message larger than the "
                         "max message size the server will accept.");
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        return kc_strdup("This server does not host this topic-partition.");
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        return kc_asprintf("Not authorized to access topics: [%s]", topic);
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        return kc_strdup("Cluster authorization failed.");
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
        return kc_strdup("This message has failed its CRC checksum, exceeds "
                         "the valid size, has a null key for a compacted "
                         "topic, or is otherwise corrupt.");
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
        return kc_strdup("This record has failed the validation on broker "
                         "and hence will be rejected.");
    default:
        /* No Apache text kconnect can rebuild (a delivery timeout names
         * the batch's age): librdkafka's. */
        return kc_strdup(rd_kafka_err2str(err));
    }
}

char *kc_producer_failure_log(rd_kafka_resp_err_t err, const char *topic,
                              size_t size, const char *text)
{
    const char *hint = NULL;
    const char *problem = kc_topic_name_problem(topic);

    if (err == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION && problem != NULL) {
        hint = problem;
    } else if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && size > 0) {
        hint = "raise producer.max.request.size in the worker config (or "
               "producer.override.max.request.size in the connector config)";
    } else if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
        hint = "the topic's max.message.bytes or the broker's "
               "message.max.bytes is smaller than the record";
    }
    if (hint == NULL) {
        return kc_asprintf("could not send record to topic \"%s\": %s", topic,
                           text);
    }
    return kc_asprintf("could not send record to topic \"%s\": %s (%s)", topic,
                       text, hint);
}
