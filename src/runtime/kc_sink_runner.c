/*
 * The sink task runner: one thread and one consumer (group
 * connect-<connector>) per task.
 *
 * consume -> converters -> transforms -> put(batch). Consumer offsets are
 * committed only for records whose put succeeded and after the task's
 * flush succeeded: every offset.flush.interval.ms, before partitions are
 * revoked, and when the task stops.
 */
#include "kc_internal.h"

#include "runtime/kc_task.h"

#include "runtime/kc_task_converters.h"
#include "transforms/kc_transform_chain.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSinkTask"

typedef struct sink_runner {
    kc_task_t *task;
    const struct kc_sink_task_plugin *plugin;
    void *ctx;
    bool plugin_started;
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    kc_task_converters_t conv;
    kc_transform_chain_t *chain;
    bool tolerate_all;
    bool log_errors;
    bool paused;
    rd_kafka_topic_partition_list_t *to_commit; /* next offsets, put done */
    rd_kafka_t *dlq;                            /* may be NULL */
    const char *dlq_topic;
    bool dlq_headers;
    char *failure;
    int max_poll;
    int64_t flush_interval;
    kc_strlist_t topics_seen;
} sink_runner_t;

static void sink_fail(sink_runner_t *sr, const char *msg)
{
    if (sr->failure == NULL) {
        sr->failure = kc_strdup(msg);
    }
}

/* Flush the task, then commit what was put. Returns false on failure. */
static bool commit_offsets(sink_runner_t *sr)
{
    kc_error_t err;
    rd_kafka_resp_err_t rerr;

    if (sr->to_commit->cnt == 0) {
        return true;
    }
    /* Records sent to the dead letter queue must land before we move on. */
    if (sr->dlq != NULL &&
        rd_kafka_flush(sr->dlq, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_log_error(LOGGER,
                     "%s the dead letter queue did not acknowledge its "
                     "records: offsets not committed",
                     sr->task->logname);
        return false;
    }
    kc_error_clear(&err);
    if (sr->plugin->flush != NULL &&
        sr->plugin->flush(sr->ctx, &err) != KC_OK) {
        kc_log_error(LOGGER,
                     "%s could not flush the task, offsets not committed: %s",
                     sr->task->logname, err.msg);
        return false;
    }
    rerr = rd_kafka_commit(sr->rk, sr->to_commit, 0);
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_log_error(LOGGER, "%s could not commit offsets: %s",
                     sr->task->logname, rd_kafka_err2str(rerr));
        return false;
    }
    kc_log_debug(LOGGER, "%s committed offsets", sr->task->logname);
    rd_kafka_topic_partition_list_destroy(sr->to_commit);
    sr->to_commit = rd_kafka_topic_partition_list_new(8);
    return true;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t rerr,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    sink_runner_t *sr = opaque;
    bool cooperative =
        strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;

    if (rerr == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (cooperative) {
            rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);

            if (e != NULL) {
                rd_kafka_error_destroy(e);
            }
        } else {
            rd_kafka_assign(rk, parts);
        }
        if (sr->paused) {
            rd_kafka_pause_partitions(rk, parts);
        }
        for (int i = 0; i < parts->cnt; i++) {
            kc_log_info(LOGGER, "%s assigned %s-%d", sr->task->logname,
                        parts->elems[i].topic, parts->elems[i].partition);
        }
        return;
    }
    /* Revoked (or lost): commit what was put before giving them up. */
    if (rerr == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        commit_offsets(sr);
    }
    if (cooperative) {
        rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);

        if (e != NULL) {
            rd_kafka_error_destroy(e);
        }
    } else {
        rd_kafka_assign(rk, NULL);
    }
}

static void note_consumed(sink_runner_t *sr, const rd_kafka_message_t *msg)
{
    const char *topic = rd_kafka_topic_name(msg->rkt);
    rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(
        sr->to_commit, topic, msg->partition);

    if (tp == NULL) {
        tp = rd_kafka_topic_partition_list_add(sr->to_commit, topic,
                                               msg->partition);
    }
    tp->offset = msg->offset + 1;
}

static void note_topic(sink_runner_t *sr, const char *topic)
{
    for (size_t i = 0; i < sr->topics_seen.count; i++) {
        if (strcmp(sr->topics_seen.items[i], topic) == 0) {
            return;
        }
    }
    kc_strlist_push(&sr->topics_seen, topic);
    kc_worker_topic_used(sr->task->worker, sr->task->connector, topic);
}

/* Send the original record to the dead letter queue, if one is set. */
static void to_dlq(sink_runner_t *sr, const rd_kafka_message_t *msg,
                   const char *stage, const char *reason)
{
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_resp_err_t rerr;

    if (sr->dlq == NULL) {
        return;
    }
    if (sr->dlq_headers) {
        char num[32];

        hdrs = rd_kafka_headers_new(8);
        rd_kafka_header_add(hdrs, "__connect.errors.topic", -1,
                            rd_kafka_topic_name(msg->rkt), -1);
        snprintf(num, sizeof(num), "%d", (int)msg->partition);
        rd_kafka_header_add(hdrs, "__connect.errors.partition", -1, num, -1);
        snprintf(num, sizeof(num), "%lld", (long long)msg->offset);
        rd_kafka_header_add(hdrs, "__connect.errors.offset", -1, num, -1);
        rd_kafka_header_add(hdrs, "__connect.errors.connector.name", -1,
                            sr->task->connector, -1);
        snprintf(num, sizeof(num), "%d", sr->task->id);
        rd_kafka_header_add(hdrs, "__connect.errors.task.id", -1, num, -1);
        rd_kafka_header_add(hdrs, "__connect.errors.stage", -1, stage, -1);
        rd_kafka_header_add(hdrs, "__connect.errors.exception.class.name", -1,
                            strcmp(stage, "TASK_PUT") == 0
                                ? "org.apache.kafka.connect.errors."
                                  "ConnectException"
                                : "org.apache.kafka.connect.errors."
                                  "DataException",
                            -1);
        rd_kafka_header_add(hdrs, "__connect.errors.exception.message", -1,
                            reason, -1);
    }
    rerr = rd_kafka_producev(sr->dlq, RD_KAFKA_V_TOPIC(sr->dlq_topic),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(msg->key, msg->key_len),
                             RD_KAFKA_V_VALUE(msg->payload, msg->len),
                             RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_headers_destroy(hdrs);
        kc_log_error(LOGGER,
                     "%s could not send a record to the dead letter "
                     "queue \"%s\": %s",
                     sr->task->logname, sr->dlq_topic, rd_kafka_err2str(rerr));
    }
}

/* Returns true when the record may be skipped (errors.tolerance=all). */
static bool record_error(sink_runner_t *sr, const rd_kafka_message_t *msg,
                         const char *stage, const char *reason)
{
    char trace[1024];

    if (!sr->tolerate_all) {
        snprintf(trace, sizeof(trace),
                 "org.apache.kafka.connect.errors.ConnectException: "
                 "Tolerance exceeded in error handler\n"
                 "Caused by: %s failed for the record at %s-%d offset "
                 "%lld: %s",
                 stage, rd_kafka_topic_name(msg->rkt), (int)msg->partition,
                 (long long)msg->offset, reason);
        sink_fail(sr, trace);
        return false;
    }
    if (sr->log_errors) {
        kc_log_error(LOGGER,
                     "%s error in stage %s for the record at %s-%d offset "
                     "%lld: %s; skipping it (errors.tolerance=all)",
                     sr->task->logname, stage, rd_kafka_topic_name(msg->rkt),
                     (int)msg->partition, (long long)msg->offset, reason);
    }
    to_dlq(sr, msg, stage, reason);
    return true;
}

/* Turn one Kafka message into a record of @p batch; false to skip it. */
static bool convert(sink_runner_t *sr, const rd_kafka_message_t *msg,
                    kc_batch_t *batch)
{
    kc_record_t *rec = kc_batch_add(batch);
    const char *topic = rd_kafka_topic_name(msg->rkt);
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_timestamp_type_t tstype;
    kc_error_t err;
    bool drop = false;

    rec->topic = kc_arena_strdup(batch->arena, topic);
    rec->partition = msg->partition;
    rec->offset = msg->offset;
    rec->timestamp = rd_kafka_message_timestamp(msg, &tstype);
    rec->origin = msg;
    if (sr->conv.key->to_connect(sr->conv.key_ctx, topic, NULL, msg->key,
                                 msg->key_len, batch->arena, &rec->key_schema,
                                 &rec->key, &err) != KC_OK) {
        batch->len--;
        record_error(sr, msg, "KEY_CONVERTER", err.msg);
        return false;
    }
    if (sr->conv.value->to_connect(
            sr->conv.value_ctx, topic, NULL, msg->payload, msg->len,
            batch->arena, &rec->value_schema, &rec->value, &err) != KC_OK) {
        batch->len--;
        record_error(sr, msg, "VALUE_CONVERTER", err.msg);
        return false;
    }
    if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *name;
        const void *val;
        size_t size;

        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &val, &size) ==
             RD_KAFKA_RESP_ERR_NO_ERROR;
             i++) {
            const kc_schema_t *schema = NULL;
            kc_value_t value;

            if (kc_task_converters_header_in(&sr->conv, topic, name, val, size,
                                             batch->arena, &schema, &value,
                                             &err) != KC_OK) {
                batch->len--;
                record_error(sr, msg, "HEADER_CONVERTER", err.msg);
                return false;
            }
            kc_record_add_header(batch->arena, rec, name, schema, &value);
        }
    }
    if (sr->chain != NULL &&
        kc_transform_chain_apply(sr->chain, rec, batch->arena, &drop, &err) !=
            KC_OK) {
        batch->len--;
        record_error(sr, msg, "TRANSFORMATION", err.msg);
        return false;
    }
    if (drop) {
        batch->len--;
        return false;
    }
    return true;
}

static void set_paused(sink_runner_t *sr, bool paused)
{
    rd_kafka_topic_partition_list_t *assigned = NULL;

    if (rd_kafka_assignment(sr->rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (paused) {
            rd_kafka_pause_partitions(sr->rk, assigned);
        } else {
            rd_kafka_resume_partitions(sr->rk, assigned);
        }
        rd_kafka_topic_partition_list_destroy(assigned);
    }
    sr->paused = paused;
    kc_worker_report(sr->task->worker, sr->task->connector, sr->task->id,
                     paused ? KC_STATE_PAUSED : KC_STATE_RUNNING, NULL);
}

/* put() the batch; retry it while the task asks to (KC_RETRY). */
static bool deliver(sink_runner_t *sr, kc_batch_t *batch)
{
    int64_t backoff = 100;

    for (;;) {
        kc_error_t err;
        kc_err_t rc;

        kc_error_clear(&err);
        rc = sr->plugin->put(sr->ctx, batch, &err);
        if (rc == KC_OK) {
            return true;
        }
        if (rc != KC_RETRY) {
            char trace[1024];

            snprintf(trace, sizeof(trace),
                     "org.apache.kafka.connect.errors.ConnectException: "
                     "Exiting WorkerSinkTask due to unrecoverable exception.\n"
                     "Caused by: %s",
                     err.msg[0] ? err.msg : kc_err_name(rc));
            sink_fail(sr, trace);
            return false;
        }
        kc_log_warn(LOGGER, "%s put asked for a retry: %s", sr->task->logname,
                    err.msg);
        if (atomic_load(&sr->task->stopping)) {
            return false;
        }
        /* Keep the group membership alive while backing off. */
        rd_kafka_poll(sr->rk, 0);
        kc_task_sleep(sr->task, backoff);
        backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
    }
}

static void runner_loop(sink_runner_t *sr)
{
    kc_task_t *task = sr->task;
    rd_kafka_message_t **msgs = kc_calloc((size_t)sr->max_poll, sizeof(*msgs));
    kc_batch_t batch;
    int64_t next_commit = kc_now_ms() + sr->flush_interval;

    kc_batch_init(&batch);
    while (!atomic_load(&task->stopping) && sr->failure == NULL) {
        bool want_pause = kc_task_target(task) != KC_TARGET_STARTED;
        ssize_t n;
        ssize_t i;
        size_t consumed = 0;

        if (want_pause != sr->paused) {
            set_paused(sr, want_pause);
        }
        if (kc_now_ms() >= next_commit) {
            commit_offsets(sr);
            next_commit = kc_now_ms() + sr->flush_interval;
        }
        n = rd_kafka_consume_batch_queue(sr->queue, 200, msgs,
                                         (size_t)sr->max_poll);
        if (n <= 0) {
            continue;
        }
        kc_batch_clear(&batch);
        for (i = 0; i < n; i++) {
            rd_kafka_message_t *msg = msgs[i];

            if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    kc_log_warn(LOGGER, "%s consumer error: %s", task->logname,
                                rd_kafka_message_errstr(msg));
                }
                continue;
            }
            note_topic(sr, rd_kafka_topic_name(msg->rkt));
            convert(sr, msg, &batch);
            if (sr->failure != NULL) {
                break;
            }
            consumed++;
        }
        if (sr->failure == NULL && (batch.len == 0 || deliver(sr, &batch))) {
            /* Skipped records count as consumed, as in Apache. */
            for (i = 0; i < n; i++) {
                if (msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                    note_consumed(sr, msgs[i]);
                }
            }
        }
        kc_batch_clear(&batch);
        for (i = 0; i < n; i++) {
            rd_kafka_message_destroy(msgs[i]);
        }
        KC_UNUSED(consumed);
    }
    kc_batch_release(&batch);
    kc_free(msgs);
}

static kc_err_t runner_start(sink_runner_t *sr, kc_error_t *err)
{
    kc_task_t *task = sr->task;
    kc_worker_t *w = task->worker;
    const kc_config_t *wc = kc_worker_config(w);
    const kc_props_t *cc = task->connector_config;
    rd_kafka_conf_t *conf;
    char *client_id;
    char errstr[512];
    const char *topics = kc_props_get(cc, "topics");
    const char *regex = kc_props_get(cc, "topics.regex");
    const char *max_poll = kc_props_get(cc, "consumer.override.max.poll."
                                            "records");
    rd_kafka_topic_partition_list_t *subs;
    rd_kafka_resp_err_t rerr;
    const char *dlq;

    sr->plugin = task->plugin->sink_task;
    sr->flush_interval = kc_config_long(wc, "offset.flush.interval.ms");
    sr->tolerate_all = kc_connector_tolerates_all(cc);
    sr->log_errors =
        kc_str_eq_nocase(kc_props_get(cc, "errors.log.enable"), "true");
    sr->to_commit = rd_kafka_topic_partition_list_new(8);
    if (max_poll == NULL) {
        max_poll =
            kc_props_get(kc_worker_props(w), "consumer.max.poll.records");
    }
    sr->max_poll = max_poll != NULL ? atoi(max_poll) : 500;
    if (sr->max_poll <= 0) {
        sr->max_poll = 500;
    }
    if (kc_task_converters_init(&sr->conv, kc_worker_registry(w),
                                kc_worker_props(w), cc, err) != KC_OK) {
        return err->code;
    }
    sr->chain = kc_transform_chain_new(kc_worker_registry(w), cc, err);
    if (sr->chain == NULL) {
        return err->code;
    }
    client_id = kc_asprintf("connector-consumer-%s", task->label);
    conf = kc_worker_client_conf(w, KC_CLIENT_CONSUMER, cc, client_id, err);
    kc_free(client_id);
    if (conf == NULL) {
        return err->code;
    }
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_opaque(conf, sr);
    sr->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (sr->rk == NULL) {
        rd_kafka_conf_destroy(conf);
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not create the consumer: %s", errstr);
    }
    rd_kafka_poll_set_consumer(sr->rk);
    sr->queue = rd_kafka_queue_get_consumer(sr->rk);
    subs = rd_kafka_topic_partition_list_new(4);
    if (regex != NULL && *regex != '\0') {
        /* librdkafka treats a leading ^ as a regex subscription. */
        char *re =
            regex[0] == '^' ? kc_strdup(regex) : kc_asprintf("^%s", regex);

        rd_kafka_topic_partition_list_add(subs, re, RD_KAFKA_PARTITION_UA);
        kc_free(re);
    } else if (topics != NULL) {
        kc_strlist_t list = {0};

        kc_str_split_comma(topics, &list);
        for (size_t i = 0; i < list.count; i++) {
            if (list.items[i][0] != '\0') {
                rd_kafka_topic_partition_list_add(subs, list.items[i],
                                                  RD_KAFKA_PARTITION_UA);
            }
        }
        kc_strlist_release(&list);
    }
    if (subs->cnt == 0) {
        rd_kafka_topic_partition_list_destroy(subs);
        return kc_error_set(err, KC_ERR_INVALID,
                            "must configure one of topics or topics.regex");
    }
    rerr = rd_kafka_subscribe(sr->rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return kc_error_set(err, KC_ERR_KAFKA, "could not subscribe: %s",
                            rd_kafka_err2str(rerr));
    }
    dlq = kc_props_get(cc, "errors.deadletterqueue.topic.name");
    if (dlq != NULL && *dlq != '\0' && sr->tolerate_all) {
        char *dlq_id = kc_asprintf("connector-dlq-producer-%s", task->label);
        rd_kafka_conf_t *pconf =
            kc_worker_client_conf(w, KC_CLIENT_PRODUCER, cc, dlq_id, err);

        kc_free(dlq_id);
        if (pconf == NULL) {
            return err->code;
        }
        sr->dlq =
            rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof(errstr));
        if (sr->dlq == NULL) {
            rd_kafka_conf_destroy(pconf);
            return kc_error_set(err, KC_ERR_KAFKA,
                                "could not create the dead letter queue "
                                "producer: %s",
                                errstr);
        }
        sr->dlq_topic = dlq;
        {
            /* Apache creates the queue with its replication factor. */
            const char *rf = kc_props_get(
                cc, "errors.deadletterqueue.topic.replication.factor");

            if (kc_worker_create_topic(w, sr->dlq, dlq, 1,
                                       rf != NULL ? atoi(rf) : 3, NULL,
                                       err) != KC_OK) {
                kc_error_prefix(err, "could not create the dead letter "
                                     "queue");
                return err->code;
            }
        }
        sr->dlq_headers = kc_str_eq_nocase(
            kc_props_get(cc, "errors.deadletterqueue.context.headers.enable"),
            "true");
    }
    if (sr->plugin->start(&sr->ctx, task->task_config, &task->sink_ctx, err) !=
        KC_OK) {
        return err->code != KC_OK ? err->code : KC_ERR;
    }
    sr->plugin_started = true;
    return KC_OK;
}

static void runner_release(sink_runner_t *sr)
{
    if (sr->rk != NULL) {
        if (sr->plugin_started) {
            commit_offsets(sr);
        }
        rd_kafka_consumer_close(sr->rk);
    }
    if (sr->plugin_started && sr->plugin->stop != NULL) {
        sr->plugin->stop(sr->ctx);
    }
    if (sr->queue != NULL) {
        rd_kafka_queue_destroy(sr->queue);
    }
    if (sr->rk != NULL) {
        rd_kafka_destroy(sr->rk);
    }
    if (sr->dlq != NULL) {
        rd_kafka_flush(sr->dlq, 5000);
        rd_kafka_destroy(sr->dlq);
    }
    if (sr->to_commit != NULL) {
        rd_kafka_topic_partition_list_destroy(sr->to_commit);
    }
    kc_task_converters_release(&sr->conv);
    kc_transform_chain_destroy(sr->chain);
    kc_strlist_release(&sr->topics_seen);
}

void *kc_sink_task_run(void *arg)
{
    kc_task_t *task = arg;
    sink_runner_t sr;
    kc_error_t err;
    char *logctx = kc_asprintf("[%s|task-%d] ", task->connector, task->id);

    memset(&sr, 0, sizeof(sr));
    sr.task = task;
    task->sink_runner = &sr;
    kc_log_set_context(logctx);
    kc_free(logctx);
    kc_error_clear(&err);
    if (runner_start(&sr, &err) != KC_OK) {
        kc_log_error(LOGGER, "could not start task %s: %s", task->logname,
                     err.msg);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, err.msg);
        runner_release(&sr);
        task->sink_runner = NULL;
        kc_log_set_context(NULL);
        atomic_store(&task->done, true);
        return NULL;
    }
    kc_log_info(LOGGER, "%s Sink task finished initialization and start",
                task->logname);
    sr.paused = kc_task_target(task) != KC_TARGET_STARTED;
    kc_worker_report(task->worker, task->connector, task->id,
                     sr.paused ? KC_STATE_PAUSED : KC_STATE_RUNNING, NULL);
    runner_loop(&sr);
    if (sr.failure != NULL) {
        kc_log_error(LOGGER,
                     "%s Task threw an uncaught and unrecoverable "
                     "exception: %s",
                     task->logname, sr.failure);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, sr.failure);
        /* Offsets of the failed batch were not recorded: safe to commit. */
    } else {
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_UNASSIGNED, NULL);
    }
    runner_release(&sr);
    kc_free(sr.failure);
    task->sink_runner = NULL;
    kc_log_set_context(NULL);
    atomic_store(&task->done, true);
    return NULL;
}

const char *kc_sink_task_ctx_name(const kc_sink_task_ctx_t *t)
{
    return t->task->connector;
}

kc_err_t kc_sink_report(kc_sink_task_ctx_t *tctx, const kc_record_t *rec,
                        const kc_error_t *error)
{
    sink_runner_t *sr = tctx->task->sink_runner;
    const rd_kafka_message_t *msg = rec->origin;

    if (sr == NULL || !sr->tolerate_all) {
        return error != NULL && error->code != KC_OK ? error->code : KC_ERR;
    }
    if (sr->log_errors) {
        kc_log_error(LOGGER,
                     "%s error in stage TASK_PUT for the record at %s-%d "
                     "offset %lld: %s; skipping it (errors.tolerance=all)",
                     sr->task->logname, rec->topic ? rec->topic : "",
                     (int)rec->partition, (long long)rec->offset,
                     error != NULL ? error->msg : "");
    }
    if (msg != NULL) {
        to_dlq(sr, msg, "TASK_PUT", error != NULL ? error->msg : "");
    }
    return KC_OK;
}
