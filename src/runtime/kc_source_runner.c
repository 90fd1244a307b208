/*
 * The source task runner: one thread per task.
 *
 * poll -> transforms -> converters -> produce (async) -> delivery report.
 * A source offset becomes committable only when Kafka acknowledged that
 * record and every earlier record of the same source partition; the
 * committable offsets go to the offset store every offset.flush.interval.ms
 * and when the task stops.
 */
#include "kc_internal.h"

#include "runtime/kc_task.h"

#include "data/kc_value_json.h"
#include "runtime/kc_task_converters.h"
#include "transforms/kc_transform_chain.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSourceTask"

enum { PEND_IN_FLIGHT = 0, PEND_ACKED, PEND_FAILED };

/* One produced (or skipped) record whose offset waits for its ack. */
typedef struct pend {
    struct pend *next;
    json_t *offset; /* NULL when the record carried none */
    int state;
} pend_t;

/* The records in flight for one source partition, oldest first. */
typedef struct part {
    json_t *partition; /* NULL for records without a source partition */
    char *canon;
    pend_t *head;
    pend_t *tail;
    json_t *committable; /* newest offset safe to commit, or NULL */
} part_t;

typedef struct source_runner {
    kc_task_t *task;
    const struct kc_source_task_plugin *plugin;
    void *ctx;
    bool plugin_started;
    rd_kafka_t *rk;
    kc_task_converters_t conv;
    kc_transform_chain_t *chain;
    bool tolerate_all;
    bool log_errors;
    part_t *parts;
    size_t nparts;
    size_t cap_parts;
    size_t last_part; /* index of the last partition used, or SIZE_MAX */
    size_t in_flight;
    kc_strlist_t topics_seen;
    char *failure; /* first fatal error (trace), or NULL */
    kc_buf_t kbuf;
    kc_buf_t vbuf;
    kc_buf_t hbuf;
    int64_t flush_interval;
    int64_t flush_timeout;
} source_runner_t;

int64_t kc_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void kc_task_sleep(kc_task_t *task, int64_t ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&task->lock);
    if (!atomic_load(&task->stopping)) {
        pthread_cond_timedwait(&task->cond, &task->lock, &ts);
    }
    pthread_mutex_unlock(&task->lock);
}

kc_target_state_t kc_task_target(kc_task_t *task)
{
    kc_target_state_t t;

    pthread_mutex_lock(&task->lock);
    t = task->target;
    pthread_mutex_unlock(&task->lock);
    return t;
}

static void runner_fail(source_runner_t *sr, const char *fmt, ...)
    KC_PRINTF(2, 3);

static void runner_fail(source_runner_t *sr, const char *fmt, ...)
{
    va_list ap;
    kc_buf_t b;

    if (sr->failure != NULL) {
        return;
    }
    kc_buf_init(&b, 0);
    va_start(ap, fmt);
    {
        char tmp[2048];

        vsnprintf(tmp, sizeof(tmp), fmt, ap);
        kc_buf_puts(&b, tmp);
    }
    va_end(ap);
    sr->failure = kc_buf_detach(&b, NULL);
    kc_buf_release(&b);
}

/* ---- offset bookkeeping ------------------------------------------- */

static part_t *part_for(source_runner_t *sr, const kc_value_t *partition)
{
    json_t *json = NULL;
    char *canon = NULL;

    if (partition->type != KC_TYPE_NULL) {
        char *tmp;

        json = kc_value_to_json(partition);
        tmp = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        canon = kc_strdup(tmp != NULL ? tmp : "");
        free(tmp); /* allocated by jansson */
    }
    for (size_t i = 0; i < sr->nparts; i++) {
        part_t *p = &sr->parts[i];

        if ((canon == NULL && p->canon == NULL) ||
            (canon != NULL && p->canon != NULL &&
             strcmp(canon, p->canon) == 0)) {
            json_decref(json);
            kc_free(canon);
            sr->last_part = i;
            return p;
        }
    }
    if (sr->nparts == sr->cap_parts) {
        sr->cap_parts = sr->cap_parts ? sr->cap_parts * 2 : 8;
        sr->parts = kc_realloc(sr->parts, sr->cap_parts * sizeof(*sr->parts));
    }
    memset(&sr->parts[sr->nparts], 0, sizeof(part_t));
    sr->parts[sr->nparts].partition = json;
    sr->parts[sr->nparts].canon = canon;
    sr->last_part = sr->nparts;
    return &sr->parts[sr->nparts++];
}

static pend_t *pend_add(part_t *p, const kc_value_t *offset)
{
    pend_t *pd = kc_calloc(1, sizeof(*pd));

    if (offset->type != KC_TYPE_NULL) {
        pd->offset = kc_value_to_json(offset);
    }
    if (p->tail != NULL) {
        p->tail->next = pd;
    } else {
        p->head = pd;
    }
    p->tail = pd;
    return pd;
}

/* Move acknowledged heads of each partition into `committable`. */
static void advance(source_runner_t *sr)
{
    for (size_t i = 0; i < sr->nparts; i++) {
        part_t *p = &sr->parts[i];

        while (p->head != NULL && p->head->state == PEND_ACKED) {
            pend_t *pd = p->head;

            p->head = pd->next;
            if (p->head == NULL) {
                p->tail = NULL;
            }
            if (pd->offset != NULL) {
                json_decref(p->committable);
                p->committable = pd->offset;
            }
            kc_free(pd);
        }
    }
}

static void commit_offsets(source_runner_t *sr)
{
    kc_task_t *task = sr->task;
    kc_offset_store_t *store = kc_worker_offset_store(task->worker);
    bool any = false;
    kc_error_t err;

    advance(sr);
    for (size_t i = 0; i < sr->nparts; i++) {
        part_t *p = &sr->parts[i];

        if (p->committable == NULL) {
            continue;
        }
        if (p->partition != NULL &&
            kc_offset_store_put(store, task->connector, p->partition,
                                p->committable, &err) != KC_OK) {
            kc_log_error(LOGGER, "could not commit offsets: %s", err.msg);
            continue;
        }
        json_decref(p->committable);
        p->committable = NULL;
        any = true;
    }
    if (!any) {
        return;
    }
    if (kc_offset_store_flush(store, &err) != KC_OK) {
        kc_log_error(LOGGER, "could not flush offsets: %s", err.msg);
        return;
    }
    kc_log_debug(LOGGER, "committed offsets");
    if (sr->plugin->commit != NULL) {
        sr->plugin->commit(sr->ctx);
    }
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    source_runner_t *sr = opaque;
    pend_t *pd = msg->_private;

    sr->in_flight--;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        pd->state = PEND_ACKED;
        return;
    }
    if (sr->tolerate_all) {
        /* Apache (KIP-779) logs and skips a failed send then. */
        kc_log_error(LOGGER,
                     "could not send record to topic \"%s\": %s; skipping "
                     "it (errors.tolerance=all)",
                     rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
        pd->state = PEND_ACKED;
        return;
    }
    pd->state = PEND_FAILED;
    runner_fail(sr,
                "org.apache.kafka.connect.errors.ConnectException: "
                "Unrecoverable exception from producer send callback\n"
                "Caused by: could not send record to topic \"%s\": %s",
                rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
}

/* ---- the per-record pipeline -------------------------------------- */

static void record_error(source_runner_t *sr, const kc_record_t *rec,
                         const char *stage, const kc_error_t *err)
{
    if (!sr->tolerate_all) {
        runner_fail(sr,
                    "org.apache.kafka.connect.errors.ConnectException: "
                    "Tolerance exceeded in error handler\n"
                    "Caused by: %s failed for a record to topic \"%s\": %s",
                    stage, rec->topic != NULL ? rec->topic : "", err->msg);
        return;
    }
    if (sr->log_errors) {
        kc_log_error(LOGGER,
                     "error in stage %s for a record to topic \"%s\": %s; "
                     "skipping it (errors.tolerance=all)",
                     stage, rec->topic != NULL ? rec->topic : "", err->msg);
    }
}

static kc_err_t ensure_topic(source_runner_t *sr, const char *topic)
{
    kc_error_t err;

    for (size_t i = 0; i < sr->topics_seen.count; i++) {
        if (strcmp(sr->topics_seen.items[i], topic) == 0) {
            return KC_OK;
        }
    }
    if (kc_worker_ensure_topic(sr->task->worker, sr->rk,
                               sr->task->connector_config, topic,
                               &err) != KC_OK) {
        runner_fail(sr, "org.apache.kafka.connect.errors.ConnectException: %s",
                    err.msg);
        return err.code;
    }
    kc_strlist_push(&sr->topics_seen, topic);
    kc_worker_topic_used(sr->task->worker, sr->task->connector, topic);
    return KC_OK;
}

/* Convert and produce one record; back-pressure when the queue is full. */
static void send_record(source_runner_t *sr, kc_record_t *rec,
                        const kc_record_t *prev, kc_arena_t *arena)
{
    /* Records of a batch mostly share one partition: skip the lookup. */
    part_t *p =
        prev != NULL && sr->last_part != SIZE_MAX &&
                kc_value_equals(&prev->source_partition, &rec->source_partition)
            ? &sr->parts[sr->last_part]
            : part_for(sr, &rec->source_partition);
    pend_t *pd;
    kc_error_t err;
    bool drop = false;
    bool knull = false;
    bool vnull = false;
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_resp_err_t rerr;

    if (sr->chain != NULL &&
        kc_transform_chain_apply(sr->chain, rec, arena, &drop, &err) != KC_OK) {
        record_error(sr, rec, "TRANSFORMATION", &err);
        drop = true;
    }
    pd = pend_add(p, &rec->source_offset);
    if (drop || sr->failure != NULL) {
        /* A filtered or tolerated record still moves the offset on. */
        pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
        return;
    }
    if (rec->topic == NULL || *rec->topic == '\0') {
        err.code = KC_ERR_INVALID;
        snprintf(err.msg, sizeof(err.msg), "the record has no topic");
        record_error(sr, rec, "KAFKA_PRODUCE", &err);
        pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
        return;
    }
    kc_buf_reset(&sr->kbuf);
    kc_buf_reset(&sr->vbuf);
    if (sr->conv.key->from_connect(sr->conv.key_ctx, rec->topic, NULL,
                                   rec->key_schema, &rec->key, &sr->kbuf,
                                   &knull, &err) != KC_OK) {
        record_error(sr, rec, "KEY_CONVERTER", &err);
        pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
        return;
    }
    if (sr->conv.value->from_connect(sr->conv.value_ctx, rec->topic, NULL,
                                     rec->value_schema, &rec->value, &sr->vbuf,
                                     &vnull, &err) != KC_OK) {
        record_error(sr, rec, "VALUE_CONVERTER", &err);
        pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
        return;
    }
    if (rec->header_count > 0) {
        hdrs = rd_kafka_headers_new(rec->header_count);
        for (size_t i = 0; i < rec->header_count; i++) {
            bool hnull = false;

            kc_buf_reset(&sr->hbuf);
            if (kc_task_converters_header_out(&sr->conv, rec->topic,
                                              &rec->headers[i], &sr->hbuf,
                                              &hnull, &err) != KC_OK) {
                rd_kafka_headers_destroy(hdrs);
                record_error(sr, rec, "HEADER_CONVERTER", &err);
                pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
                return;
            }
            rd_kafka_header_add(hdrs, rec->headers[i].key, -1,
                                hnull ? NULL : sr->hbuf.data,
                                hnull ? 0 : (ssize_t)sr->hbuf.len);
        }
    }
    if (ensure_topic(sr, rec->topic) != KC_OK) {
        rd_kafka_headers_destroy(hdrs);
        pd->state = PEND_FAILED;
        return;
    }
    for (;;) {
        rerr = rd_kafka_producev(
            sr->rk, RD_KAFKA_V_TOPIC(rec->topic),
            RD_KAFKA_V_PARTITION(rec->partition >= 0 ? rec->partition
                                                     : RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(knull ? NULL : sr->kbuf.data,
                           knull ? 0 : sr->kbuf.len),
            RD_KAFKA_V_VALUE(vnull ? NULL : sr->vbuf.data,
                             vnull ? 0 : sr->vbuf.len),
            RD_KAFKA_V_TIMESTAMP(rec->timestamp >= 0 ? rec->timestamp : 0),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(pd), RD_KAFKA_V_END);
        if (rerr != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
            atomic_load(&sr->task->stopping)) {
            break;
        }
        /* Back-pressure: serve delivery reports until there is room. */
        rd_kafka_poll(sr->rk, 100);
    }
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_headers_destroy(hdrs);
        err.code = KC_ERR_KAFKA;
        snprintf(err.msg, sizeof(err.msg), "%s", rd_kafka_err2str(rerr));
        record_error(sr, rec, "KAFKA_PRODUCE", &err);
        pd->state = sr->failure != NULL ? PEND_FAILED : PEND_ACKED;
        return;
    }
    sr->in_flight++;
}

/* ---- lifecycle ------------------------------------------------------ */

static kc_err_t runner_start(source_runner_t *sr, kc_error_t *err)
{
    kc_task_t *task = sr->task;
    kc_worker_t *w = task->worker;
    const kc_config_t *wc = kc_worker_config(w);
    rd_kafka_conf_t *conf;
    char *client_id;
    char errstr[512];

    sr->plugin = task->plugin->source_task;
    sr->flush_interval = kc_config_long(wc, "offset.flush.interval.ms");
    sr->flush_timeout = kc_config_long(wc, "offset.flush.timeout.ms");
    sr->tolerate_all = kc_connector_tolerates_all(task->connector_config);
    sr->log_errors = kc_str_eq_nocase(
        kc_props_get(task->connector_config, "errors.log.enable"), "true");
    kc_buf_init(&sr->kbuf, 0);
    kc_buf_init(&sr->vbuf, 0);
    kc_buf_init(&sr->hbuf, 0);
    if (kc_task_converters_init(&sr->conv, kc_worker_registry(w),
                                kc_worker_props(w), task->connector_config,
                                err) != KC_OK) {
        return err->code;
    }
    sr->chain = kc_transform_chain_new(kc_worker_registry(w),
                                       task->connector_config, err);
    if (sr->chain == NULL) {
        return err->code;
    }
    client_id = kc_asprintf("connector-producer-%s", task->label);
    conf = kc_worker_client_conf(w, KC_CLIENT_PRODUCER, task->connector_config,
                                 client_id, err);
    kc_free(client_id);
    if (conf == NULL) {
        return err->code;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, sr);
    sr->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (sr->rk == NULL) {
        rd_kafka_conf_destroy(conf);
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not create the producer: %s", errstr);
    }
    if (sr->plugin->start(&sr->ctx, task->task_config, &task->source_ctx,
                          err) != KC_OK) {
        return err->code != KC_OK ? err->code : KC_ERR;
    }
    sr->plugin_started = true;
    return KC_OK;
}

static void runner_release(source_runner_t *sr)
{
    if (sr->plugin_started && sr->plugin->stop != NULL) {
        sr->plugin->stop(sr->ctx);
    }
    if (sr->rk != NULL) {
        rd_kafka_destroy(sr->rk);
    }
    for (size_t i = 0; i < sr->nparts; i++) {
        part_t *p = &sr->parts[i];

        while (p->head != NULL) {
            pend_t *pd = p->head;

            p->head = pd->next;
            json_decref(pd->offset);
            kc_free(pd);
        }
        json_decref(p->partition);
        json_decref(p->committable);
        kc_free(p->canon);
    }
    kc_free(sr->parts);
    kc_task_converters_release(&sr->conv);
    kc_transform_chain_destroy(sr->chain);
    kc_strlist_release(&sr->topics_seen);
    kc_buf_release(&sr->kbuf);
    kc_buf_release(&sr->vbuf);
    kc_buf_release(&sr->hbuf);
    kc_free(sr->failure);
}

/* The poll loop; returns when told to stop or on a fatal error. */
static void runner_loop(source_runner_t *sr)
{
    kc_task_t *task = sr->task;
    kc_batch_t batch;
    int64_t next_commit = kc_now_ms() + sr->flush_interval;
    kc_target_state_t shown = kc_task_target(task);

    kc_batch_init(&batch);
    while (!atomic_load(&task->stopping) && sr->failure == NULL) {
        kc_target_state_t target = kc_task_target(task);
        kc_error_t err;
        kc_err_t rc;

        rd_kafka_poll(sr->rk, 0);
        if (kc_now_ms() >= next_commit) {
            commit_offsets(sr);
            next_commit = kc_now_ms() + sr->flush_interval;
        }
        if (target != shown) {
            kc_worker_report(task->worker, task->connector, task->id,
                             target == KC_TARGET_STARTED ? KC_STATE_RUNNING
                                                         : KC_STATE_PAUSED,
                             NULL);
            shown = target;
        }
        if (target != KC_TARGET_STARTED) {
            kc_task_sleep(task, 100);
            continue;
        }
        kc_batch_clear(&batch);
        kc_error_clear(&err);
        rc = sr->plugin->poll(sr->ctx, &batch, &err);
        if (rc == KC_RETRY || rc == KC_AGAIN) {
            kc_task_sleep(task, 100);
            continue;
        }
        if (rc != KC_OK) {
            runner_fail(sr,
                        "org.apache.kafka.connect.errors.ConnectException: "
                        "%s",
                        err.msg[0] ? err.msg : kc_err_name(rc));
            break;
        }
        sr->last_part = SIZE_MAX;
        for (size_t i = 0; i < batch.len && sr->failure == NULL; i++) {
            send_record(sr, batch.records[i],
                        i > 0 ? batch.records[i - 1] : NULL, batch.arena);
        }
        advance(sr);
    }
    kc_batch_release(&batch);
}

void *kc_source_task_run(void *arg)
{
    kc_task_t *task = arg;
    source_runner_t sr;
    kc_error_t err;

    char *logctx = kc_asprintf("[%s|task-%d] ", task->connector, task->id);

    memset(&sr, 0, sizeof(sr));
    sr.task = task;
    kc_log_set_context(logctx);
    kc_free(logctx);
    kc_error_clear(&err);
    if (runner_start(&sr, &err) != KC_OK) {
        kc_log_error(LOGGER, "could not start task %s: %s", task->logname,
                     err.msg);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, err.msg);
        runner_release(&sr);
        atomic_store(&task->done, true);
        return NULL;
    }
    kc_log_info(LOGGER, "%s Source task finished initialization and start",
                task->logname);
    kc_worker_report(task->worker, task->connector, task->id,
                     kc_task_target(task) == KC_TARGET_STARTED
                         ? KC_STATE_RUNNING
                         : KC_STATE_PAUSED,
                     NULL);
    runner_loop(&sr);

    /* Let the records already handed to librdkafka land, then commit. */
    rd_kafka_flush(sr.rk, (int)sr.flush_timeout);
    rd_kafka_poll(sr.rk, 0);
    if (sr.in_flight > 0) {
        kc_log_error(LOGGER,
                     "%s %zu records were not acknowledged within "
                     "offset.flush.timeout.ms; their offsets are not "
                     "committed",
                     task->logname, sr.in_flight);
    }
    commit_offsets(&sr);
    if (sr.failure != NULL) {
        kc_log_error(LOGGER,
                     "%s Task threw an uncaught and unrecoverable "
                     "exception: %s",
                     task->logname, sr.failure);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, sr.failure);
    } else {
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_UNASSIGNED, NULL);
    }
    runner_release(&sr);
    kc_log_set_context(NULL);
    atomic_store(&task->done, true);
    return NULL;
}

const char *kc_source_task_ctx_name(const kc_source_task_ctx_t *t)
{
    return t->task->connector;
}

kc_err_t kc_source_offset_get(kc_source_task_ctx_t *tctx,
                              const kc_value_t *partition, kc_arena_t *arena,
                              kc_value_t *offset)
{
    kc_task_t *task = tctx->task;
    json_t *pjson = kc_value_to_json(partition);
    json_t *ojson = NULL;
    kc_err_t rc;

    rc = kc_offset_store_get(kc_worker_offset_store(task->worker),
                             task->connector, pjson, &ojson);
    json_decref(pjson);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_value_from_json(arena, ojson, offset);
    json_decref(ojson);
    return rc;
}
