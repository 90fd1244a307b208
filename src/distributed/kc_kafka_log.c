/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compacted topic read as a log (see kc_kafka_log.h). One producer and
 * one group-less consumer (assign, never subscribe, nothing committed);
 * the producer's handle also serves the admin calls.
 */
#include "kc_internal.h"

#include <pthread.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "distributed/kc_kafka_log.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_clock.h"

#define KC_KLOG_LOGGER "org.apache.kafka.connect.util.KafkaBasedLog"

/* How long the cleanup.policy check may wait for its answer (a broker
 * that never answers DescribeConfigs only gets a note, as one that
 * refuses it). */
static int kc_klog_verify_timeout_ms = 10000;

struct kc_kafka_log {
    char *topic;
    char *topic_config;
    char *purpose;
    int partitions;
    int replication_factor;
    bool single_partition;
    kc_kafka_log_record_fn on_record;
    void *opaque;
    rd_kafka_t *producer;
    rd_kafka_t *consumer;
    rd_kafka_queue_t *consumer_q;
    pthread_mutex_t read_lock;
    int32_t npart;
    int64_t *next; /* per partition: the offset after the last one read */
    uint64_t reads_to_end; /* under read_lock; for tests and debug logs */
};

/* What a sent record carries to its delivery report. */
typedef struct kc_klog_msg {
    kc_kafka_log_sent_fn cb;
    void *opaque;
} kc_klog_msg_t;

/* kc_kafka_log_write waits for its batch through this. */
typedef struct kc_klog_batch {
    pthread_mutex_t lock;
    size_t pending;
    kc_error_t first;
    bool failed;
} kc_klog_batch_t;

static void kc_klog_dr(rd_kafka_t *rk, const rd_kafka_message_t *m,
                       void *conf_opaque)
{
    kc_klog_msg_t *msg = m->_private;

    (void)rk;
    (void)conf_opaque;
    if (msg == NULL) {
        return;
    }
    if (msg->cb != NULL) {
        if (m->err) {
            kc_error_t err;

            kc_error_set(&err, KC_ERR_KAFKA,
                         "could not write to topic \"%s\": %s",
                         rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
            msg->cb(msg->opaque, &err);
        } else {
            msg->cb(msg->opaque, NULL);
        }
    }
    kc_free(msg);
}

static rd_kafka_conf_t *kc_klog_conf(const kc_kafka_log_conf_t *conf,
                                     kc_client_kind_t kind, kc_error_t *err)
{
    rd_kafka_conf_t *rc = rd_kafka_conf_new();
    char errstr[256];

    if (kc_client_conf_apply(rc, kind, conf->client, "", NULL, err) != KC_OK ||
        (kind == KC_CLIENT_PRODUCER && conf->producer != NULL &&
         kc_client_conf_apply(rc, kind, conf->producer, "producer.", NULL,
                              err) != KC_OK)) {
        rd_kafka_conf_destroy(rc);
        return NULL;
    }
    if (kind == KC_CLIENT_PRODUCER) {
        /* The Java client's default partitioner, so a key lands in the
         * partition a Java worker puts it in (compaction is per
         * partition). */
        rd_kafka_conf_set(rc, "partitioner", "murmur2_random", errstr,
                          sizeof(errstr));
        rd_kafka_conf_set_dr_msg_cb(rc, kc_klog_dr);
    } else {
        /* librdkafka < 2.x-something wants a group for assign(); the
         * consumer never joins it nor commits to it, so the broker keeps
         * no state for it (Apache's log consumer has none). */
        char *group = kc_asprintf("kconnect-log-%s", conf->topic);

        rd_kafka_conf_set(rc, "group.id", group, errstr, sizeof(errstr));
        kc_free(group);
        rd_kafka_conf_set(rc, "enable.auto.commit", "false", errstr,
                          sizeof(errstr));
        rd_kafka_conf_set(rc, "enable.auto.offset.store", "false", errstr,
                          sizeof(errstr));
        /* EOF events carry the position past control records, which
         * never reach the application. */
        rd_kafka_conf_set(rc, "enable.partition.eof", "true", errstr,
                          sizeof(errstr));
        /* A read to the end waits for the fetch that brings the last
         * records: with librdkafka's 500 ms long poll and backoff every
         * offset get (a task start) cost 0.5-1 s, serialised by
         * read_lock. */
        rd_kafka_conf_set(rc, "fetch.wait.max.ms", "50", errstr,
                          sizeof(errstr));
        rd_kafka_conf_set(rc, "fetch.error.backoff.ms", "50", errstr,
                          sizeof(errstr));
    }
    return rc;
}

kc_kafka_log_t *kc_kafka_log_new(const kc_kafka_log_conf_t *conf,
                                 kc_error_t *err)
{
    kc_kafka_log_t *log = kc_calloc(1, sizeof(*log));
    rd_kafka_conf_t *pc;
    rd_kafka_conf_t *cc;
    char errstr[512];

    log->topic = kc_strdup(conf->topic);
    log->topic_config =
        kc_strdup(conf->topic_config != NULL ? conf->topic_config : "topic");
    log->purpose = kc_strdup(conf->purpose != NULL ? conf->purpose : "data");
    log->partitions = conf->partitions;
    log->replication_factor = conf->replication_factor;
    log->single_partition = conf->single_partition;
    log->on_record = conf->on_record;
    log->opaque = conf->opaque;
    pthread_mutex_init(&log->read_lock, NULL);
    pc = kc_klog_conf(conf, KC_CLIENT_PRODUCER, err);
    if (pc == NULL) {
        kc_kafka_log_destroy(log);
        return NULL;
    }
    log->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, errstr, sizeof(errstr));
    if (log->producer == NULL) {
        rd_kafka_conf_destroy(pc);
        kc_error_set(err, KC_ERR_KAFKA,
                     "could not create the producer for topic \"%s\": %s",
                     conf->topic, errstr);
        kc_kafka_log_destroy(log);
        return NULL;
    }
    cc = kc_klog_conf(conf, KC_CLIENT_CONSUMER, err);
    if (cc == NULL) {
        kc_kafka_log_destroy(log);
        return NULL;
    }
    log->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, errstr, sizeof(errstr));
    if (log->consumer == NULL) {
        rd_kafka_conf_destroy(cc);
        kc_error_set(err, KC_ERR_KAFKA,
                     "could not create the consumer for topic \"%s\": %s",
                     conf->topic, errstr);
        kc_kafka_log_destroy(log);
        return NULL;
    }
    rd_kafka_poll_set_consumer(log->consumer);
    log->consumer_q = rd_kafka_queue_get_consumer(log->consumer);
    return log;
}

void kc_kafka_log_destroy(kc_kafka_log_t *log)
{
    if (log == NULL) {
        return;
    }
    if (log->consumer_q != NULL) {
        rd_kafka_queue_destroy(log->consumer_q);
    }
    if (log->consumer != NULL) {
        rd_kafka_consumer_close(log->consumer);
        rd_kafka_destroy(log->consumer);
    }
    if (log->producer != NULL) {
        /* What was sent gets a moment to arrive; then every delivery
         * report still owed is served (purged ones fail at once), so
         * their callbacks run and free what they carry. */
        rd_kafka_flush(log->producer, 1000);
        rd_kafka_purge(log->producer,
                       RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(log->producer, 1000);
        rd_kafka_destroy(log->producer);
    }
    pthread_mutex_destroy(&log->read_lock);
    kc_free(log->next);
    kc_free(log->topic);
    kc_free(log->topic_config);
    kc_free(log->purpose);
    kc_free(log);
}

void kc_kafka_log_set_verify_timeout(int timeout_ms)
{
    kc_klog_verify_timeout_ms = timeout_ms;
}

const char *kc_kafka_log_topic(const kc_kafka_log_t *log)
{
    return log->topic;
}

static int kc_klog_left(int64_t deadline)
{
    int64_t left = deadline - kc_clock_now_ms();

    return left > 0 ? (int)left : 0;
}

/* Wait for the admin result of type @p type on @p q until @p deadline. */
static rd_kafka_event_t *kc_klog_admin_wait(rd_kafka_queue_t *q,
                                            rd_kafka_event_type_t type,
                                            int64_t deadline)
{
    for (;;) {
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, kc_klog_left(deadline));

        if (ev == NULL) {
            return NULL;
        }
        if (rd_kafka_event_type(ev) == type) {
            return ev;
        }
        rd_kafka_event_destroy(ev);
    }
}

/* Why a DescribeConfigs answer holds no cleanup.policy, for the note. */
static const char *kc_klog_why(rd_kafka_event_t *ev,
                               const rd_kafka_ConfigResource_t **rs, size_t nrs)
{
    const char *why = NULL;

    if (nrs == 1) {
        why = rd_kafka_ConfigResource_error_string(rs[0]);
    } else if (ev != NULL) {
        why = rd_kafka_event_error_string(ev);
    }
    return why != NULL ? why : ev != NULL ? "no such entry" : "no answer";
}

/* Apache's TopicAdmin.verifyTopicCleanupPolicyOnlyCompact. */
static kc_err_t kc_klog_verify_compact(kc_kafka_log_t *log, int64_t deadline,
                                       kc_error_t *err)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(log->producer);
    rd_kafka_ConfigResource_t *res =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, log->topic);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(log->producer, RD_KAFKA_ADMIN_OP_ANY);
    rd_kafka_event_t *ev;
    const rd_kafka_DescribeConfigs_result_t *result;
    const rd_kafka_ConfigResource_t **rs;
    size_t nrs = 0;
    const char *policy = NULL;
    kc_err_t rc = KC_OK;

    if (deadline > kc_clock_now_ms() + kc_klog_verify_timeout_ms) {
        deadline = kc_clock_now_ms() + kc_klog_verify_timeout_ms;
    }
    rd_kafka_AdminOptions_set_request_timeout(opts, kc_klog_left(deadline),
                                              NULL, 0);
    /* A cluster that names no controller (librdkafka's mock cluster)
     * answers no admin request: nothing to verify with, as Apache's case
     * of a broker too old to describe configs. */
    ev = NULL;
    while (rd_kafka_controllerid(log->consumer, 0) >= 0) {
        rd_kafka_DescribeConfigs(log->producer, &res, 1, opts, q);
        ev = kc_klog_admin_wait(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT,
                                deadline);
        result = ev != NULL ? rd_kafka_event_DescribeConfigs_result(ev) : NULL;
        nrs = 0;
        rs = result != NULL
                 ? rd_kafka_DescribeConfigs_result_resources(result, &nrs)
                 : NULL;
        /* A topic created a moment ago may not be known to the broker
         * asked yet: ask again. */
        if (nrs != 1 ||
            rd_kafka_ConfigResource_error(rs[0]) !=
                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            kc_clock_now_ms() + 100 >= deadline) {
            break;
        }
        rd_kafka_event_destroy(ev);
        ev = NULL;
        kc_clock_sleep_ms(100);
    }
    result = ev != NULL ? rd_kafka_event_DescribeConfigs_result(ev) : NULL;
    nrs = 0;
    rs = result != NULL
             ? rd_kafka_DescribeConfigs_result_resources(result, &nrs)
             : NULL;
    if (nrs == 1 && rd_kafka_ConfigResource_error(rs[0]) == 0) {
        size_t nentries = 0;
        const rd_kafka_ConfigEntry_t **entries =
            rd_kafka_ConfigResource_configs(rs[0], &nentries);

        for (size_t i = 0; i < nentries; i++) {
            if (strcmp(rd_kafka_ConfigEntry_name(entries[i]),
                       "cleanup.policy") == 0) {
                policy = rd_kafka_ConfigEntry_value(entries[i]);
            }
        }
    }
    if (policy == NULL) {
        /* As Apache: a broker or principal that cannot describe topic
         * configs only gets a note. */
        kc_log_info(KC_KLOG_LOGGER,
                    "Unable to use admin client to verify the cleanup "
                    "policy of '%s' topic is 'compact' (%s)",
                    log->topic, kc_klog_why(ev, rs, nrs));
    } else if (strcmp(policy, "compact") != 0) {
        /* Apache's exact message (ConfigException), so scripts that
         * match on it keep working. */
        rc = kc_error_set(
            err, KC_ERR_INVALID,
            "Topic '%s' supplied via the '%s' property is required to have "
            "'cleanup.policy=compact' to guarantee consistency and "
            "durability of %s, but found the topic currently has "
            "'cleanup.policy=%s'. Continuing would likely result in "
            "eventually losing %s and problems restarting this Connect "
            "cluster in the future. Change the '%s' property in the Connect "
            "worker configurations to use a topic with "
            "'cleanup.policy=compact'.",
            log->topic, log->topic_config, log->purpose, policy, log->purpose,
            log->topic_config);
    }
    if (ev != NULL) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_ConfigResource_destroy(res);
    rd_kafka_queue_destroy(q);
    return rc;
}

static kc_err_t kc_klog_create_topic(kc_kafka_log_t *log, int64_t deadline,
                                     kc_error_t *err)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(log->producer);
    char errstr[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(
        log->topic, log->partitions > 0 ? log->partitions : -1,
        log->replication_factor > 0 ? log->replication_factor : -1, errstr,
        sizeof(errstr));
    rd_kafka_AdminOptions_t *opts;
    rd_kafka_event_t *ev;
    const rd_kafka_CreateTopics_result_t *result;
    const rd_kafka_topic_result_t **tr;
    size_t ntr = 0;
    kc_err_t rc = KC_OK;

    if (nt == NULL) {
        rd_kafka_queue_destroy(q);
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not create topic \"%s\": %s", log->topic,
                            errstr);
    }
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    opts = rd_kafka_AdminOptions_new(log->producer,
                                     RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, kc_klog_left(deadline),
                                              NULL, 0);
    rd_kafka_CreateTopics(log->producer, &nt, 1, opts, q);
    ev = kc_klog_admin_wait(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT, deadline);
    result = ev != NULL ? rd_kafka_event_CreateTopics_result(ev) : NULL;
    tr = result != NULL ? rd_kafka_CreateTopics_result_topics(result, &ntr)
                        : NULL;
    if (ev == NULL) {
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "timed out creating topic \"%s\"", log->topic);
    } else if (rd_kafka_event_error(ev)) {
        rc =
            kc_error_set(err, KC_ERR_KAFKA, "could not create topic \"%s\": %s",
                         log->topic, rd_kafka_event_error_string(ev));
    } else if (ntr == 1 && rd_kafka_topic_result_error(tr[0]) != 0 &&
               rd_kafka_topic_result_error(tr[0]) !=
                   RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        rc =
            kc_error_set(err, KC_ERR_KAFKA, "could not create topic \"%s\": %s",
                         log->topic, rd_kafka_topic_result_error_string(tr[0]));
    } else if (ntr == 1 && rd_kafka_topic_result_error(tr[0]) == 0) {
        kc_log_info(KC_KLOG_LOGGER, "Created topic '%s' for %s", log->topic,
                    log->purpose);
    }
    if (ev != NULL) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    return rc;
}

/* Whether the topic exists now (one metadata request, no waiting). */
static bool kc_klog_exists(kc_kafka_log_t *log, int64_t deadline)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(log->consumer, log->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t rerr = rd_kafka_metadata(log->consumer, 0, rkt, &md,
                                                 kc_klog_left(deadline) + 1);
    bool exists = rerr == 0 && md->topic_cnt == 1 && md->topics[0].err == 0 &&
                  md->topics[0].partition_cnt > 0;

    if (md != NULL) {
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return exists;
}

/* The topic's partition count, waiting for a just-created topic. */
static kc_err_t kc_klog_partitions(kc_kafka_log_t *log, int64_t deadline,
                                   int32_t *npart, kc_error_t *err)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(log->consumer, log->topic, NULL);
    int64_t sleep_ms = 50;

    for (;;) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t rerr = rd_kafka_metadata(
            log->consumer, 0, rkt, &md, kc_klog_left(deadline) + 1);

        if (rerr == 0 && md->topic_cnt == 1 && md->topics[0].err == 0 &&
            md->topics[0].partition_cnt > 0) {
            *npart = md->topics[0].partition_cnt;
            rd_kafka_metadata_destroy(md);
            rd_kafka_topic_destroy(rkt);
            return KC_OK;
        }
        if (md != NULL) {
            rd_kafka_metadata_destroy(md);
        }
        if (kc_clock_now_ms() + sleep_ms >= deadline) {
            break;
        }
        kc_clock_sleep_ms(sleep_ms);
        sleep_ms = sleep_ms * 2 < 1000 ? sleep_ms * 2 : 1000;
    }
    rd_kafka_topic_destroy(rkt);
    return kc_error_set(
        err, KC_ERR_TIMEOUT,
        "Could not look up partition metadata for topic '%s' in the allotted "
        "period. This could indicate a connectivity issue, unavailable topic "
        "partitions, or if this is your first use of the topic it may have "
        "taken too long to create.",
        log->topic);
}

kc_err_t kc_kafka_log_start(kc_kafka_log_t *log, int timeout_ms,
                            kc_error_t *err)
{
    int64_t deadline = kc_clock_now_ms() + timeout_ms;
    rd_kafka_topic_partition_list_t *parts;
    rd_kafka_resp_err_t rerr;
    int32_t npart = 0;
    kc_err_t rc;

    /* Apache's TopicAdmin asks to create and takes "exists" for found;
     * asking first spares the controller round trip on every start. */
    if ((!kc_klog_exists(log, deadline) &&
         kc_klog_create_topic(log, deadline, err) != KC_OK) ||
        kc_klog_verify_compact(log, deadline, err) != KC_OK ||
        kc_klog_partitions(log, deadline, &npart, err) != KC_OK) {
        return err->code;
    }
    if (log->single_partition && npart > 1) {
        return kc_error_set(
            err, KC_ERR_INVALID,
            "Topic '%s' supplied via the '%s' property is required to have a "
            "single partition in order to guarantee consistency of %s, but "
            "found %d partitions.",
            log->topic, log->topic_config, log->purpose, (int)npart);
    }
    parts = rd_kafka_topic_partition_list_new(npart);
    for (int32_t p = 0; p < npart; p++) {
        rd_kafka_topic_partition_list_add(parts, log->topic, p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    pthread_mutex_lock(&log->read_lock);
    log->npart = npart;
    log->next = kc_calloc((size_t)npart, sizeof(*log->next));
    rerr = rd_kafka_assign(log->consumer, parts);
    pthread_mutex_unlock(&log->read_lock);
    rd_kafka_topic_partition_list_destroy(parts);
    if (rerr) {
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not read topic \"%s\": %s", log->topic,
                            rd_kafka_err2str(rerr));
    }
    rc = kc_kafka_log_read_to_end(log, kc_klog_left(deadline), err);
    if (rc == KC_OK) {
        kc_log_info(KC_KLOG_LOGGER,
                    "Finished reading KafkaBasedLog for "
                    "topic %s",
                    log->topic);
    }
    return rc;
}

kc_err_t kc_kafka_log_send(kc_kafka_log_t *log, const void *key, size_t key_len,
                           const void *value, size_t value_len,
                           kc_kafka_log_sent_fn cb, void *opaque,
                           kc_error_t *err)
{
    kc_klog_msg_t *msg = kc_calloc(1, sizeof(*msg));
    size_t vlen = value != NULL ? value_len : 0;
    void *vptr = (void *)value;
    rd_kafka_resp_err_t rerr;

    msg->cb = cb;
    msg->opaque = opaque;
    rerr = rd_kafka_producev(log->producer, RD_KAFKA_V_TOPIC(log->topic),
                             RD_KAFKA_V_KEY((void *)key, key_len),
                             RD_KAFKA_V_VALUE(vptr, vlen),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_OPAQUE(msg), RD_KAFKA_V_END);
    if (rerr) {
        kc_free(msg);
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not write to topic \"%s\": %s", log->topic,
                            rd_kafka_err2str(rerr));
    }
    return KC_OK;
}

static void kc_klog_batch_sent(void *opaque, const kc_error_t *err)
{
    kc_klog_batch_t *b = opaque;

    pthread_mutex_lock(&b->lock);
    if (err != NULL && !b->failed) {
        b->first = *err;
        b->failed = true;
    }
    b->pending--;
    pthread_mutex_unlock(&b->lock);
}

kc_err_t kc_kafka_log_write(kc_kafka_log_t *log, const char *const *keys,
                            const char *const *values, size_t n, int timeout_ms,
                            kc_error_t *err)
{
    int64_t deadline = kc_clock_now_ms() + timeout_ms;
    kc_klog_batch_t b;
    kc_err_t rc = KC_OK;
    size_t pending;

    memset(&b, 0, sizeof(b));
    pthread_mutex_init(&b.lock, NULL);
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&b.lock);
        b.pending++;
        pthread_mutex_unlock(&b.lock);
        rc = kc_kafka_log_send(log, keys[i], strlen(keys[i]), values[i],
                               values[i] != NULL ? strlen(values[i]) : 0,
                               kc_klog_batch_sent, &b, err);
        if (rc != KC_OK) {
            pthread_mutex_lock(&b.lock);
            b.pending--;
            pthread_mutex_unlock(&b.lock);
            break;
        }
    }
    /* The batch lives on this stack: wait for every report, even past
     * the deadline when one was sent (librdkafka reports each message
     * once its message.timeout.ms has passed at the latest). */
    for (;;) {
        pthread_mutex_lock(&b.lock);
        pending = b.pending;
        pthread_mutex_unlock(&b.lock);
        if (pending == 0) {
            break;
        }
        if (kc_clock_now_ms() >= deadline && rc == KC_OK) {
            rc = kc_error_set(err, KC_ERR_TIMEOUT,
                              "timed out writing to topic \"%s\"", log->topic);
            rd_kafka_purge(log->producer,
                           RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        }
        rd_kafka_poll(log->producer, 10);
    }
    if (rc == KC_OK && b.failed) {
        rc = kc_error_set(err, b.first.code, "%s", b.first.msg);
    }
    pthread_mutex_destroy(&b.lock);
    return rc;
}

uint64_t kc_kafka_log_reads_to_end(kc_kafka_log_t *log)
{
    uint64_t n;

    pthread_mutex_lock(&log->read_lock);
    n = log->reads_to_end;
    pthread_mutex_unlock(&log->read_lock);
    return n;
}

kc_err_t kc_kafka_log_flush(kc_kafka_log_t *log, int timeout_ms,
                            kc_error_t *err)
{
    if (rd_kafka_flush(log->producer, timeout_ms) != 0) {
        return kc_error_set(err, KC_ERR_TIMEOUT,
                            "timed out writing to topic \"%s\"", log->topic);
    }
    return KC_OK;
}

/* Caller holds read_lock. @returns false when nothing was there. */
static bool kc_klog_consume_one(kc_kafka_log_t *log, int timeout_ms)
{
    rd_kafka_message_t *m = rd_kafka_consumer_poll(log->consumer, timeout_ms);

    if (m == NULL) {
        return false;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->partition >= 0 && m->partition < log->npart &&
            m->offset > log->next[m->partition]) {
            log->next[m->partition] = m->offset;
        }
    } else if (m->err) {
        kc_log_warn(KC_KLOG_LOGGER, "could not read topic \"%s\": %s",
                    log->topic, rd_kafka_message_errstr(m));
    } else {
        char *key = kc_malloc(m->key_len + 1);

        if (m->key_len > 0) {
            memcpy(key, m->key, m->key_len);
        }
        key[m->key_len] = '\0';
        if (m->partition >= 0 && m->partition < log->npart) {
            log->next[m->partition] = m->offset + 1;
        }
        log->on_record(log->opaque, key, m->key_len, m->payload,
                       m->payload != NULL ? m->len : 0, m->partition,
                       m->offset);
        kc_free(key);
    }
    rd_kafka_message_destroy(m);
    return true;
}

/*
 * The end (and, below it, the start) offsets of every partition, in two
 * batched ListOffsets. Caller holds read_lock. Records below the start
 * are gone (compaction, retention): nothing to wait for there.
 */
static kc_err_t kc_klog_end_offsets(kc_kafka_log_t *log, int64_t *end,
                                    int64_t deadline, kc_error_t *err)
{
    rd_kafka_topic_partition_list_t *parts[2];
    rd_kafka_resp_err_t rerr = RD_KAFKA_RESP_ERR_NO_ERROR;

    for (int i = 0; i < 2; i++) {
        parts[i] = rd_kafka_topic_partition_list_new(log->npart);
        for (int32_t p = 0; p < log->npart; p++) {
            /* offsets_for_times: -1 asks for the end, -2 the start. */
            rd_kafka_topic_partition_list_add(parts[i], log->topic, p)->offset =
                i == 0 ? -1 : -2;
        }
        if (rerr == 0) {
            rerr = rd_kafka_offsets_for_times(log->consumer, parts[i],
                                              kc_klog_left(deadline) + 1);
        }
    }
    for (int i = 0; i < parts[0]->cnt && rerr == 0; i++) {
        rd_kafka_topic_partition_t *hi = &parts[0]->elems[i];
        rd_kafka_topic_partition_t *lo = &parts[1]->elems[i];

        if (hi->err || lo->err) {
            rerr = hi->err ? hi->err : lo->err;
        } else if (hi->partition >= 0 && hi->partition < log->npart) {
            end[hi->partition] = hi->offset;
            if (log->next[lo->partition] < lo->offset) {
                log->next[lo->partition] = lo->offset;
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(parts[0]);
    rd_kafka_topic_partition_list_destroy(parts[1]);
    if (rerr) {
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not read the end offsets of topic "
                            "\"%s\": %s",
                            log->topic, rd_kafka_err2str(rerr));
    }
    return KC_OK;
}

kc_err_t kc_kafka_log_read_to_end(kc_kafka_log_t *log, int timeout_ms,
                                  kc_error_t *err)
{
    int64_t deadline = kc_clock_now_ms() + timeout_ms;
    int64_t *end;
    kc_err_t rc = KC_OK;

    pthread_mutex_lock(&log->read_lock);
    log->reads_to_end++;
    end = kc_calloc((size_t)(log->npart > 0 ? log->npart : 1), sizeof(*end));
    rc = kc_klog_end_offsets(log, end, deadline, err);
    /* A topic just created has no leaders for a moment ("Not leader for
     * partition"): ask again until the deadline. */
    while (rc == KC_ERR_KAFKA && kc_clock_now_ms() + 100 < deadline) {
        kc_clock_sleep_ms(100);
        rc = kc_klog_end_offsets(log, end, deadline, err);
    }
    while (rc == KC_OK) {
        bool behind = false;

        for (int32_t p = 0; p < log->npart; p++) {
            if (log->next[p] < end[p]) {
                behind = true;
            }
        }
        if (!behind) {
            break;
        }
        if (kc_clock_now_ms() >= deadline) {
            rc = kc_error_set(err, KC_ERR_TIMEOUT,
                              "timed out reading topic \"%s\" to its end",
                              log->topic);
            break;
        }
        kc_klog_consume_one(
            log, kc_klog_left(deadline) < 100 ? kc_klog_left(deadline) : 100);
    }
    kc_free(end);
    pthread_mutex_unlock(&log->read_lock);
    return rc;
}

void kc_kafka_log_serve(kc_kafka_log_t *log)
{
    rd_kafka_poll(log->producer, 0);
    pthread_mutex_lock(&log->read_lock);
    if (log->npart > 0) {
        while (kc_klog_consume_one(log, 0)) {
        }
    }
    pthread_mutex_unlock(&log->read_lock);
}

void kc_kafka_log_wake_fd(kc_kafka_log_t *log, int fd)
{
    static const char one[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    rd_kafka_queue_t *mainq = rd_kafka_queue_get_main(log->producer);

    rd_kafka_queue_io_event_enable(log->consumer_q, fd, one, sizeof(one));
    rd_kafka_queue_io_event_enable(mainq, fd, one, sizeof(one));
    rd_kafka_queue_destroy(mainq);
}

bool kc_kafka_task_id_parse(const char *text, char **connector, int *task)
{
    const char *dash = strrchr(text, '-');
    char *end = NULL;
    long n;

    if (dash == NULL || dash == text || dash[1] == '\0') {
        return false;
    }
    n = strtol(dash + 1, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000) {
        return false;
    }
    *connector = kc_strndup(text, (size_t)(dash - text));
    *task = (int)n;
    return true;
}
