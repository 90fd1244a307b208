/* SPDX-License-Identifier: Apache-2.0 */
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

#include "config/kc_secrets.h"

#include "runtime/kc_task_runner.h"

#include "metrics/kc_metrics.h"

#include "runtime/kc_part_index.h"
#include "runtime/kc_producer_errors.h"

#include "data/kc_value_json.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSourceTask"

enum { PEND_IN_FLIGHT = 0, PEND_ACKED, PEND_FAILED };

/*
 * A record is known by its source partition's index and its sequence
 * number within that partition, packed into the librdkafka opaque so the
 * hot path allocates nothing per record. Only the low SEQ_BITS of the
 * sequence travel; the state ring never holds more than 2^SEQ_BITS
 * records, so they are enough to find the slot.
 */
#define SEQ_BITS  (sizeof(uintptr_t) >= 8 ? 40u : 20u)
#define SEQ_MASK  (((uintptr_t)1 << SEQ_BITS) - 1)
#define MAX_PARTS ((size_t)1 << (sizeof(uintptr_t) * 8 - SEQ_BITS))

/*
 * The newest source offset a poll batch carried for a partition: offsets
 * are kept (as JSON) once per batch, not per record. Committing at batch
 * granularity never commits past an unacknowledged record; at worst it
 * commits a little less than possible until the next batch's acks.
 */
typedef struct checkpoint {
    uint64_t seq; /* the record that carried the offset */
    json_t *offset;
} checkpoint_t;

/* The records in flight for one source partition. */
typedef struct part {
    json_t *partition; /* NULL for records without a source partition */
    /* States of records [done_seq, next_seq), indexed by seq & (cap - 1). */
    uint8_t *states;
    size_t states_cap; /* a power of two */
    uint64_t done_seq; /* every record before this one is acknowledged */
    uint64_t next_seq;
    checkpoint_t *cps; /* oldest first */
    size_t ncps;
    size_t cap_cps;
    const kc_value_t *batch_offset; /* in the poll batch's arena, or NULL */
    uint64_t batch_seq;
    json_t *committable; /* newest offset safe to commit, or NULL */
    /* On the runner's lists below: each list holds a partition once. */
    bool in_batch;
    bool in_dirty;
    bool in_commit;
} part_t;

/* Indexes into source_runner_t.parts: the partitions a step must visit,
 * so that no step walks every partition the task ever used. */
typedef struct part_list {
    size_t *idx;
    size_t len;
    size_t cap;
} part_list_t;

typedef struct source_runner {
    kc_task_runner_t core; /* lifecycle, status, stages, commit timer */
    kc_task_t *task;
    const struct kc_source_task_plugin *plugin;
    void *ctx;
    bool plugin_started;
    rd_kafka_t *rk;
    kc_batch_t batch; /* the poll batch */
    part_t *parts;
    size_t nparts;
    size_t cap_parts;
    size_t last_part; /* index of the last partition used, or SIZE_MAX */
    kc_part_index_t *index;
    part_list_t batch_parts;  /* carried an offset in this poll batch */
    part_list_t dirty_parts;  /* acks or checkpoints not yet advanced */
    part_list_t commit_parts; /* have a committable offset */
    size_t in_flight;
    /* How long the final wait for acknowledgements may take: the graceful
     * stop's time less a margin for the commit after it, so that the task
     * ends before the worker gives up on it (both default to 5 s). */
    int64_t stop_budget;
    bool write_pending;    /* the offsets file is being written behind us */
    uint64_t write_ticket; /* kc_offset_store_flush_async's, ours */
    /* metrics: records handed to the producer in this poll batch; acked
     * and refused ones since flush_write_counts */
    size_t produced;
    size_t acked;
    size_t not_written;
    kc_strlist_t topics_seen;
    kc_buf_t kbuf;
    kc_buf_t vbuf;
    kc_buf_t hbuf;
    int64_t flush_timeout;
    bool idempotent; /* the producer runs with enable.idempotence */
} source_runner_t;

static void runner_fail(source_runner_t *sr, const char *fmt, ...)
    KC_PRINTF(2, 3);

/* librdkafka writes a NULL payload as a Kafka null: an empty converter
 * output (a buffer never grown has no data yet) must stay empty bytes. */
static void *kc_bytes_or_empty(const kc_buf_t *b)
{
    static uint8_t empty[1];

    return b->data != NULL ? (void *)b->data : (void *)empty;
}

static void runner_fail(source_runner_t *sr, const char *fmt, ...)
{
    va_list ap;
    char tmp[2048];

    if (sr->core.failure != NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    kc_task_runner_fail(&sr->core, tmp);
}

/* ---- offset bookkeeping ------------------------------------------- */

static void list_push(part_list_t *l, size_t idx)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->idx = kc_realloc(l->idx, l->cap * sizeof(*l->idx));
    }
    l->idx[l->len++] = idx;
}

static part_t *part_for(source_runner_t *sr, const kc_value_t *partition)
{
    json_t *json = NULL;
    bool is_new;
    size_t idx = kc_part_index_find(sr->index, partition, &is_new, &json);

    sr->last_part = idx;
    if (!is_new) {
        return &sr->parts[idx];
    }
    if (sr->nparts == sr->cap_parts) {
        sr->cap_parts = sr->cap_parts ? sr->cap_parts * 2 : 8;
        sr->parts = kc_realloc(sr->parts, sr->cap_parts * sizeof(*sr->parts));
    }
    memset(&sr->parts[sr->nparts], 0, sizeof(part_t));
    sr->parts[sr->nparts].states_cap = 1024;
    sr->parts[sr->nparts].states = kc_calloc(1024, 1);
    sr->parts[sr->nparts].partition = json;
    return &sr->parts[sr->nparts++];
}

/* @p p has acks or checkpoints for advance() to look at. */
static void mark_dirty(source_runner_t *sr, part_t *p)
{
    if (!p->in_dirty) {
        p->in_dirty = true;
        list_push(&sr->dirty_parts, (size_t)(p - sr->parts));
    }
}

static void set_state(source_runner_t *sr, part_t *p, uint64_t seq, int state)
{
    p->states[seq & (p->states_cap - 1)] = (uint8_t)state;
    if (state != PEND_IN_FLIGHT) {
        mark_dirty(sr, p);
    }
}

/* Move each partition's acknowledged prefix on, and its offsets into
 * `committable`. */
static void advance(source_runner_t *sr)
{
    for (size_t d = 0; d < sr->dirty_parts.len; d++) {
        size_t i = sr->dirty_parts.idx[d];
        part_t *p = &sr->parts[i];
        size_t used = 0;

        p->in_dirty = false;

        while (p->done_seq < p->next_seq &&
               p->states[p->done_seq & (p->states_cap - 1)] == PEND_ACKED) {
            p->done_seq++;
        }
        while (used < p->ncps && p->cps[used].seq < p->done_seq) {
            json_decref(p->committable);
            p->committable = p->cps[used].offset;
            used++;
        }
        if (used > 0) {
            p->ncps -= used;
            memmove(p->cps, p->cps + used, p->ncps * sizeof(*p->cps));
        }
        if (p->committable != NULL && !p->in_commit) {
            p->in_commit = true;
            list_push(&sr->commit_parts, i);
        }
    }
    sr->dirty_parts.len = 0;
}

/* A sequence number (and a state slot, in flight) for the next record of
 * @p p; doubles the ring when it is full. */
static uint64_t seq_add(source_runner_t *sr, part_t *p,
                        const kc_value_t *offset)
{
    uint64_t seq;

    if (p->next_seq - p->done_seq == p->states_cap) {
        size_t cap = p->states_cap * 2;
        uint8_t *states = kc_calloc(cap, 1);

        if (cap > SEQ_MASK + 1) {
            /* Never on 64 bits: wait for acks rather than overflow. */
            kc_free(states);
            while (p->next_seq - p->done_seq == p->states_cap &&
                   !atomic_load(&sr->task->stopping) &&
                   sr->core.failure == NULL) {
                rd_kafka_poll(sr->rk, 100);
                advance(sr);
            }
        } else {
            for (uint64_t s = p->done_seq; s < p->next_seq; s++) {
                states[s & (cap - 1)] = p->states[s & (p->states_cap - 1)];
            }
            kc_free(p->states);
            p->states = states;
            p->states_cap = cap;
        }
    }
    seq = p->next_seq++;
    set_state(sr, p, seq, PEND_IN_FLIGHT);
    if (offset->type != KC_TYPE_NULL) {
        if (!p->in_batch) {
            p->in_batch = true;
            list_push(&sr->batch_parts, (size_t)(p - sr->parts));
        }
        p->batch_offset = offset;
        p->batch_seq = seq;
    }
    return seq;
}

/* Keep the newest offset of each partition of the poll batch that is
 * about to be cleared. */
static void checkpoint_batch(source_runner_t *sr)
{
    for (size_t b = 0; b < sr->batch_parts.len; b++) {
        part_t *p = &sr->parts[sr->batch_parts.idx[b]];

        p->in_batch = false;
        if (p->batch_offset == NULL) {
            continue;
        }
        if (p->ncps == p->cap_cps) {
            p->cap_cps = p->cap_cps ? p->cap_cps * 2 : 8;
            p->cps = kc_realloc(p->cps, p->cap_cps * sizeof(*p->cps));
        }
        p->cps[p->ncps].seq = p->batch_seq;
        p->cps[p->ncps].offset = kc_value_to_json(p->batch_offset);
        p->ncps++;
        p->batch_offset = NULL;
        /* Its records may all be acknowledged already. */
        mark_dirty(sr, p);
    }
    sr->batch_parts.len = 0;
}

/*
 * The offsets file could not be written (@p err) or, @p err NULL, was
 * written again. Apache only logs "Failed to flush offsets" and counts it
 * in the offset-commit-failure metrics; kconnect has no metrics, so the
 * task, which keeps running and retries every offset.flush.interval.ms,
 * shows the error as the trace of its status until a write succeeds. Logs
 * at ERROR when the error starts or changes, not at every retry.
 */
static void offsets_written(source_runner_t *sr, const kc_error_t *err)
{
    kc_task_t *task = sr->task;
    bool live = !atomic_load(&task->stopping) && sr->core.failure == NULL;

    if (err == NULL) {
        if (sr->core.status_trace == NULL) {
            return;
        }
        kc_log_info(LOGGER, "%s the offsets file is written again",
                    task->logname);
        kc_free(sr->core.status_trace);
        sr->core.status_trace = NULL;
        if (live) {
            kc_task_runner_report(&sr->core);
        }
        return;
    }
    if (sr->core.status_trace == NULL ||
        strstr(sr->core.status_trace, err->msg) == NULL) {
        kc_log_error(LOGGER,
                     "%s could not commit offsets: %s; the task goes on and "
                     "retries every offset.flush.interval.ms",
                     task->logname, err->msg);
    }
    kc_free(sr->core.status_trace);
    sr->core.status_trace = kc_asprintf(
        "org.apache.kafka.connect.errors.ConnectException: could not commit "
        "offsets of task %s: %s (the task keeps running and retries every "
        "offset.flush.interval.ms; until then a restart resends the records "
        "since the last commit)",
        task->label, err->msg);
    if (live) {
        /* Again at every failure: a pause or resume reported meanwhile by
         * the herder carries no trace. */
        kc_task_runner_report(&sr->core);
    }
}

/*
 * @p wait: write the offsets file before returning (at stop). Otherwise
 * the periodic commit only starts the write and learns how it went at the
 * next commit: a slow disk (an fsync can take hundreds of ms on a busy
 * machine) must not stall polling, as Apache's commits run off the task's
 * thread too.
 */
static bool commit_offsets_now(source_runner_t *sr, bool wait)
{
    kc_task_t *task = sr->task;
    kc_error_t err;
    kc_offset_store_t *store =
        kc_worker_offset_store_for(task->worker, task->connector_config, &err);
    bool writing = false;
    kc_err_t rc;
    bool any = false;
    size_t kept = 0;

    if (atomic_load(&task->abandoned)) {
        kc_log_debug(LOGGER,
                     "%s skipping the offset commit: the task was "
                     "abandoned",
                     task->logname);
        return false;
    }
    if (store == NULL) {
        kc_log_error(LOGGER, "%s could not commit offsets: %s", task->logname,
                     err.msg);
        return false;
    }
    /* Records sent to the dead letter queue must land before we move on. */
    if (!kc_error_handler_flush(sr->core.eh, (int)sr->flush_timeout)) {
        kc_log_error(LOGGER, "the dead letter queue did not acknowledge its "
                             "records: offsets not committed");
        return false;
    }
    advance(sr);
    for (size_t c = 0; c < sr->commit_parts.len; c++) {
        size_t i = sr->commit_parts.idx[c];
        part_t *p = &sr->parts[i];

        if (p->committable == NULL) {
            p->in_commit = false;
            continue;
        }
        if (p->partition != NULL &&
            kc_offset_store_put(store, task->connector, p->partition,
                                p->committable, &err) != KC_OK) {
            kc_log_error(LOGGER, "could not commit offsets: %s", err.msg);
            /* Stays on the list for the next commit. */
            sr->commit_parts.idx[kept++] = i;
            continue;
        }
        json_decref(p->committable);
        p->committable = NULL;
        p->in_commit = false;
        any = true;
    }
    sr->commit_parts.len = kept;
    /* After a failed write the store still holds the offsets: retry. */
    if (!any && sr->core.status_trace == NULL && !sr->write_pending) {
        return kept == 0;
    }
    rc = wait ? kc_offset_store_flush(store, &err)
              : kc_offset_store_flush_async(store, &sr->write_ticket, &writing,
                                            &err);
    sr->write_pending = writing;
    if (rc == KC_AGAIN) {
        return kept == 0;
    }
    if (rc != KC_OK) {
        offsets_written(sr, &err);
        return false;
    }
    offsets_written(sr, NULL);
    kc_log_debug(LOGGER, "committed offsets");
    if (sr->plugin->commit != NULL) {
        sr->plugin->commit(sr->ctx);
    }
    return kept == 0;
}

/* Commit, and time it for offset-commit-{max,avg}-time-ms and the
 * success/failure percentages (Apache records an empty commit as a
 * success too). */
static void commit_offsets(source_runner_t *sr, bool wait)
{
    int64_t started = kc_clock_now_ms();
    bool ok = commit_offsets_now(sr, wait);

    kc_metrics_commit(sr->task->metrics, ok, kc_clock_now_ms() - started, 0);
}

/*
 * Kafka refused record @p seq of @p p with @p err: at once (@p rec, as
 * polled; the producer never had it) or in its delivery report (@p msg).
 * As Apache's producerSendFailed: with errors.tolerance=all the failure is
 * logged, reported (dead letter queue) and the record skipped; otherwise
 * the task fails and the offset stays before the record. A fatal producer
 * error fails the task whatever the tolerance: nothing can be sent.
 */
static void send_failed(source_runner_t *sr, part_t *p, uint64_t seq,
                        rd_kafka_resp_err_t err, const char *topic, size_t size,
                        const kc_record_t *rec, const rd_kafka_message_t *msg)
{
    bool fatal;
    char *text = kc_producer_failure_text(sr->rk, sr->idempotent, err, topic,
                                          size, &fatal);
    /* The log names the topic and the way out; reports carry Apache's. */
    char *line = kc_producer_failure_log(err, topic, size, text);

    if (!fatal && kc_error_handler_tolerates_all(sr->core.eh)) {
        kc_error_context_t ctx = {
            .stage = KC_STAGE_KAFKA_PRODUCE,
            .class_name = "org.apache.kafka.connect.runtime.WorkerSourceTask",
            .code = KC_ERR_KAFKA,
            .message = text,
            .exception_class = kc_producer_exception(err),
            .record = msg == NULL ? rec : NULL,
            .produced = msg};

        /* Apache (KIP-779) logs, reports and skips a failed send then. */
        kc_log_error(LOGGER, "%s; skipping it (errors.tolerance=all)", line);
        kc_error_handler_failed(sr->core.eh, &ctx, NULL);
        set_state(sr, p, seq, PEND_ACKED);
        kc_free(text);
        kc_free(line);
        return;
    }
    set_state(sr, p, seq, PEND_FAILED);
    if (sr->core.failure == NULL) {
        kc_log_error(LOGGER, "%s", line);
    }
    kc_free(line);
    runner_fail(sr,
                "org.apache.kafka.connect.errors.ConnectException: "
                "Unrecoverable exception from producer send callback\n"
                "Caused by: %s: %s",
                fatal ? "org.apache.kafka.common.KafkaException"
                      : kc_producer_exception(err),
                text);
    kc_free(text);
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    source_runner_t *sr = opaque;
    uintptr_t token = (uintptr_t)msg->_private;
    part_t *p = &sr->parts[token >> SEQ_BITS];
    uint64_t seq = token & SEQ_MASK;

    KC_UNUSED(rk);
    sr->in_flight--;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        set_state(sr, p, seq, PEND_ACKED);
        sr->acked++;
        return;
    }
    sr->not_written++;
    if (msg->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        msg->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        /* Discarded by a stop, not refused: the next run sends it again. */
        sr->core.interrupted = true;
        set_state(sr, p, seq, PEND_FAILED);
        return;
    }
    send_failed(sr, p, seq, msg->err, rd_kafka_topic_name(msg->rkt), 0, NULL,
                msg);
}

/* ---- the per-record pipeline -------------------------------------- */

/* The state of a record that is not sent: kept back after a failure. */
static int skip_state(const source_runner_t *sr)
{
    return sr->core.failure != NULL || sr->core.interrupted ? PEND_FAILED
                                                            : PEND_ACKED;
}

/* One stage of the pipeline of a polled record, re-run by a retry. */
typedef struct source_stage {
    kc_task_stage_t base;
    source_runner_t *sr;
    const kc_record_t *polled; /* the record as the task returned it */
    bool *knull;
    bool *vnull;
    bool *hnull;
    size_t header;
} source_stage_t;

static kc_err_t stage_run(void *arg, kc_error_t *err)
{
    source_stage_t *st = arg;
    source_runner_t *sr = st->sr;
    kc_record_t *rec = st->base.rec;

    switch (st->base.stage) {
    case KC_STAGE_KEY_CONVERTER:
        kc_buf_reset(&sr->kbuf);
        return sr->core.conv.key->from_connect(
            sr->core.conv.key_ctx, rec->topic, NULL, rec->key_schema, &rec->key,
            &sr->kbuf, st->knull, err);
    case KC_STAGE_VALUE_CONVERTER:
        kc_buf_reset(&sr->vbuf);
        return sr->core.conv.value->from_connect(
            sr->core.conv.value_ctx, rec->topic, NULL, rec->value_schema,
            &rec->value, &sr->vbuf, st->vnull, err);
    case KC_STAGE_HEADER_CONVERTER:
        kc_buf_reset(&sr->hbuf);
        return kc_task_converters_header_out(&sr->core.conv, rec->topic,
                                             &rec->headers[st->header],
                                             &sr->hbuf, st->hnull, err);
    case KC_STAGE_TRANSFORMATION:
        /* A retry starts the chain again from the polled record. */
        return kc_task_stage_transform(&st->base, err);
    default:
        return err->code != KC_OK ? err->code : KC_ERR;
    }
}

/*
 * A stage failed with @p rc: retry it if retriable, then report it (log,
 * dead letter queue). Returns true when a retry succeeded; false when the
 * record is skipped or the task fails (sr->core.failure set).
 */
static bool stage_failed(source_stage_t *st, kc_err_t rc, kc_error_t *err)
{
    kc_error_context_t ctx = {
        .stage = st->base.stage, .record = st->polled, .code = rc};

    return kc_task_runner_stage_failed(&st->sr->core, &ctx, stage_run, st, err);
}

/* librdkafka's answers for a topic the broker does not know (yet). */
static bool kc_topic_missing(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
           err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
           err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
}

/*
 * Learn @p topic's leader before its first record. A record for an
 * unknown topic sent before the producer has a broker connection waits
 * for librdkafka's next 1 s topic scan; asking for the metadata now waits
 * only for the connection (bounded, so an unreachable broker costs no
 * more than that scan would).
 */
static void warm_up(source_runner_t *sr, const char *topic)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(sr->rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;

    if (rkt == NULL) {
        return;
    }
    if (rd_kafka_metadata(sr->rk, 0, rkt, &md, 1000) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        md != NULL) {
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
}

/*
 * Before the first record to @p topic: check its name, create it if the
 * connector asks for that, learn its leader. KC_DECLINED for an illegal
 * name (a failure of the record); another error fails the task.
 */
static kc_err_t ensure_topic(source_runner_t *sr, const char *topic)
{
    kc_error_t err;

    for (size_t i = 0; i < sr->topics_seen.count; i++) {
        if (strcmp(sr->topics_seen.items[i], topic) == 0) {
            return KC_OK;
        }
    }
    if (kc_topic_name_problem(topic) != NULL) {
        return KC_DECLINED; /* the record's failure, not the task's */
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
    warm_up(sr, topic);
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
    size_t pidx = (size_t)(p - sr->parts);
    const kc_value_t *prev_offset;
    uint64_t prev_seq;
    uint64_t seq;
    kc_error_t err;
    bool drop = false;
    bool knull = false;
    bool vnull = false;
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_resp_err_t rerr;
    bool waited = false;
    size_t size;
    kc_err_t rc;
    source_stage_t st;

    st.base.r = &sr->core;
    st.sr = sr;
    st.base.rec = rec;
    st.polled = rec;
    st.base.arena = arena;
    st.knull = &knull;
    st.vnull = &vnull;
    if (sr->core.chain != NULL) {
        st.base.snapshot = *rec;
        st.polled = &st.base.snapshot;
        rc = kc_transform_chain_apply(sr->core.chain, rec, arena, &drop, &err);
        if (rc != KC_OK) {
            st.base.stage = KC_STAGE_TRANSFORMATION;
            drop = !stage_failed(&st, rc, &err) || st.base.drop;
        }
    }
    if (pidx >= MAX_PARTS) {
        runner_fail(sr,
                    "org.apache.kafka.connect.errors.ConnectException: "
                    "more than %zu source partitions",
                    MAX_PARTS);
        return;
    }
    prev_offset = p->batch_offset;
    prev_seq = p->batch_seq;
    seq = seq_add(sr, p, &rec->source_offset);
    if (drop || sr->core.failure != NULL) {
        /* A filtered or tolerated record still moves the offset on. */
        set_state(sr, p, seq, skip_state(sr));
        return;
    }
    if (rec->topic == NULL || *rec->topic == '\0') {
        err.code = KC_ERR_INVALID;
        snprintf(err.msg, sizeof(err.msg), "the record has no topic");
        st.base.stage = KC_STAGE_KAFKA_PRODUCE;
        stage_failed(&st, err.code, &err);
        set_state(sr, p, seq, skip_state(sr));
        return;
    }
    kc_buf_reset(&sr->kbuf);
    kc_buf_reset(&sr->vbuf);
    rc = sr->core.conv.key->from_connect(sr->core.conv.key_ctx, rec->topic,
                                         NULL, rec->key_schema, &rec->key,
                                         &sr->kbuf, &knull, &err);
    st.base.stage = KC_STAGE_KEY_CONVERTER;
    if (rc != KC_OK && !stage_failed(&st, rc, &err)) {
        set_state(sr, p, seq, skip_state(sr));
        return;
    }
    rc = sr->core.conv.value->from_connect(sr->core.conv.value_ctx, rec->topic,
                                           NULL, rec->value_schema, &rec->value,
                                           &sr->vbuf, &vnull, &err);
    st.base.stage = KC_STAGE_VALUE_CONVERTER;
    if (rc != KC_OK && !stage_failed(&st, rc, &err)) {
        set_state(sr, p, seq, skip_state(sr));
        return;
    }
    if (rec->header_count > 0) {
        hdrs = rd_kafka_headers_new(rec->header_count);
        for (size_t i = 0; i < rec->header_count; i++) {
            bool hnull = false;

            kc_buf_reset(&sr->hbuf);
            rc = kc_task_converters_header_out(&sr->core.conv, rec->topic,
                                               &rec->headers[i], &sr->hbuf,
                                               &hnull, &err);
            st.base.stage = KC_STAGE_HEADER_CONVERTER;
            st.header = i;
            st.hnull = &hnull;
            if (rc != KC_OK && !stage_failed(&st, rc, &err)) {
                rd_kafka_headers_destroy(hdrs); /* made above: not NULL */
                set_state(sr, p, seq, skip_state(sr));
                return;
            }
            rd_kafka_header_add(hdrs, rec->headers[i].key, -1,
                                hnull ? NULL : kc_bytes_or_empty(&sr->hbuf),
                                hnull ? 0 : (ssize_t)sr->hbuf.len);
        }
    }
    rc = ensure_topic(sr, rec->topic);
    if (rc != KC_OK) {
        if (hdrs != NULL) {
            rd_kafka_headers_destroy(hdrs);
        }
        if (rc == KC_DECLINED) {
            send_failed(sr, p, seq, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
                        rec->topic, 0, st.polled, NULL);
        } else {
            set_state(sr, p, seq, PEND_FAILED);
        }
        return;
    }
    for (;;) {
        rerr = rd_kafka_producev(
            sr->rk, RD_KAFKA_V_TOPIC(rec->topic),
            RD_KAFKA_V_PARTITION(rec->partition >= 0 ? rec->partition
                                                     : RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(knull ? NULL : kc_bytes_or_empty(&sr->kbuf),
                           knull ? 0 : sr->kbuf.len),
            RD_KAFKA_V_VALUE(vnull ? NULL : kc_bytes_or_empty(&sr->vbuf),
                             vnull ? 0 : sr->vbuf.len),
            RD_KAFKA_V_TIMESTAMP(rec->timestamp >= 0 ? rec->timestamp : 0),
            RD_KAFKA_V_HEADERS(hdrs),
            RD_KAFKA_V_OPAQUE(
                (void *)(((uintptr_t)pidx << SEQ_BITS) | (seq & SEQ_MASK))),
            RD_KAFKA_V_END);
        if ((rerr != RD_KAFKA_RESP_ERR__QUEUE_FULL &&
             !kc_topic_missing(rerr)) ||
            atomic_load(&sr->task->stopping) || sr->core.failure != NULL) {
            break;
        }
        if (kc_topic_missing(rerr)) {
            /*
             * The broker does not know the topic (yet: it may be creating
             * it). Apache's producer waits for its metadata (max.block.ms,
             * unbounded in Connect) instead of failing the record; ask
             * again until it is there or the task stops.
             */
            if (!waited) {
                kc_log_warn(LOGGER,
                            "topic \"%s\" is not known to the broker yet; "
                            "waiting for it before sending",
                            rec->topic);
                waited = true;
            }
            warm_up(sr, rec->topic);
        }
        /* Back-pressure: serve delivery reports until there is room, and
         * keep committing what Kafka acknowledged meanwhile. */
        rd_kafka_poll(sr->rk, 100);
        kc_task_runner_commit_if_due(&sr->core);
    }
    if (rerr == RD_KAFKA_RESP_ERR_NO_ERROR) {
        sr->in_flight++; /* librdkafka owns the headers now */
        sr->produced++;
        return;
    }
    /* A failed producev leaves the headers with us. The size Apache's
     * producer would quote counts them. */
    size = kc_producer_record_size(knull ? NULL : sr->kbuf.data, sr->kbuf.len,
                                   vnull ? NULL : sr->vbuf.data, sr->vbuf.len,
                                   hdrs);
    if (hdrs != NULL) {
        rd_kafka_headers_destroy(hdrs);
    }
    if ((rerr == RD_KAFKA_RESP_ERR__QUEUE_FULL || kc_topic_missing(rerr)) &&
        sr->core.failure == NULL) {
        /*
         * A stop while the queue was full (or the topic missing): the record
         * was never sent, which is no failure. Take it back as if it had not
         * been polled, so that the batch's checkpoint is the record before it:
         * the offsets of everything acknowledged are committed at stop, and the
         * next run starts with this record.
         */
        sr->core.interrupted = true;
        p->next_seq--;
        p->batch_offset = prev_offset;
        p->batch_seq = prev_seq;
        return;
    }
    if (rerr == RD_KAFKA_RESP_ERR__QUEUE_FULL || kc_topic_missing(rerr)) {
        /* The task failed meanwhile: the record stays unsent. */
        set_state(sr, p, seq, PEND_FAILED);
        return;
    }
    send_failed(sr, p, seq, rerr, rec->topic, size, st.polled, NULL);
}

/* ---- lifecycle ------------------------------------------------------ */

/*
 * Apache's producer buffers at most buffer.memory (32 MiB by default);
 * librdkafka's own default is 1 GiB. Use Apache's unless the worker or the
 * connector sets either: same semantics (a full buffer only slows poll
 * down), a fraction of the peak memory.
 */
static void apply_buffer_default(rd_kafka_conf_t *conf, const kc_props_t *wp,
                                 const kc_props_t *cc)
{
    static const char *const worker_keys[] = {
        "producer.buffer.memory", "producer.queue.buffering.max.kbytes"};
    static const char *const connector_keys[] = {
        "producer.override.buffer.memory",
        "producer.override.queue.buffering.max.kbytes"};
    char errstr[256];

    for (size_t i = 0; i < KC_ARRAY_LEN(worker_keys); i++) {
        if (kc_props_get(wp, worker_keys[i]) != NULL ||
            kc_props_get(cc, connector_keys[i]) != NULL) {
            return;
        }
    }
    rd_kafka_conf_set(conf, "queue.buffering.max.kbytes", "32768", errstr,
                      sizeof(errstr));
}

static kc_err_t runner_start(source_runner_t *sr, kc_error_t *err)
{
    kc_task_t *task = sr->task;
    kc_worker_t *w = task->worker;
    const kc_config_t *wc = kc_worker_config(w);
    rd_kafka_conf_t *conf;
    char *client_id;
    char errstr[512];

    sr->plugin = task->plugin->source_task;
    sr->flush_timeout = kc_config_long(wc, "offset.flush.timeout.ms");
    sr->stop_budget =
        kc_config_long(wc, "task.shutdown.graceful.timeout.ms") - 500;
    kc_buf_init(&sr->kbuf, 0);
    kc_buf_init(&sr->vbuf, 0);
    kc_buf_init(&sr->hbuf, 0);
    if (kc_task_runner_init_stages(&sr->core, err) != KC_OK) {
        return err->code;
    }
    client_id = kc_asprintf("connector-producer-%s", task->label);
    conf = kc_worker_client_conf(w, KC_CLIENT_PRODUCER, task->connector_config,
                                 client_id, err);
    kc_free(client_id);
    if (conf == NULL) {
        return err->code;
    }
    apply_buffer_default(conf, kc_worker_props(w), task->connector_config);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, sr);
    kc_task_runner_client_stats(&sr->core, conf);
    sr->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (sr->rk == NULL) {
        rd_kafka_conf_destroy(conf);
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not create the producer: %s", errstr);
    }
    {
        char idem[8];
        size_t idem_len = sizeof(idem);

        sr->idempotent =
            rd_kafka_conf_get(rd_kafka_conf(sr->rk), "enable.idempotence", idem,
                              &idem_len) == RD_KAFKA_CONF_OK &&
            strcmp(idem, "true") == 0;
    }
    sr->core.eh = kc_error_handler_for_task(task, err);
    if (sr->core.eh == NULL) {
        return err->code;
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

        for (size_t c = 0; c < p->ncps; c++) {
            json_decref(p->cps[c].offset);
        }
        kc_free(p->cps);
        kc_free(p->states);
        json_decref(p->partition);
        json_decref(p->committable);
    }
    kc_free(sr->parts);
    kc_part_index_destroy(sr->index);
    kc_free(sr->batch_parts.idx);
    kc_free(sr->dirty_parts.idx);
    kc_free(sr->commit_parts.idx);
    kc_strlist_release(&sr->topics_seen);
    kc_buf_release(&sr->kbuf);
    kc_buf_release(&sr->vbuf);
    kc_buf_release(&sr->hbuf);
    kc_batch_release(&sr->batch);
}

/* Acknowledged and dropped records since the last call, into the
 * task's source-record-write and active counts: one lock per poll
 * round, not per record. */
static void flush_write_counts(source_runner_t *sr)
{
    if (sr->acked + sr->not_written > 0) {
        kc_metrics_source_write(sr->task->metrics, sr->acked, sr->not_written);
        sr->acked = 0;
        sr->not_written = 0;
    }
}

/* Serve delivery reports; fail now if the producer can send no more. */
static void source_events(void *self)
{
    source_runner_t *sr = self;

    rd_kafka_poll(sr->rk, 0);
    flush_write_counts(sr);
    if (rd_kafka_fatal_error(sr->rk, NULL, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        /* E.g. a cluster that refuses the idempotent producer: fail now
         * rather than with the next record. */
        char *fatal = kc_producer_fatal_text(sr->rk, sr->idempotent);

        kc_log_error(LOGGER, "could not produce records: %s", fatal);
        runner_fail(sr,
                    "org.apache.kafka.connect.errors.ConnectException: "
                    "Unrecoverable exception from producer send "
                    "callback\nCaused by: "
                    "org.apache.kafka.common.KafkaException: %s",
                    fatal);
        kc_free(fatal);
    }
}

/* Poll the task once and send what it returned. */
static void source_iterate(void *self)
{
    source_runner_t *sr = self;
    kc_task_t *task = sr->task;
    kc_batch_t *batch = &sr->batch;
    kc_error_t err;
    kc_err_t rc;
    int64_t started;
    size_t i;

    if (sr->core.paused) {
        kc_task_sleep(task, 100);
        return;
    }
    kc_batch_clear(batch);
    kc_error_clear(&err);
    started = kc_clock_now_ms();
    rc = sr->plugin->poll(sr->ctx, batch, &err);
    if (rc == KC_OK) {
        kc_metrics_source_poll(sr->task->metrics, batch->len,
                               kc_clock_now_ms() - started);
    }
    if (rc == KC_RETRY || rc == KC_AGAIN) {
        kc_task_sleep(task, 100);
        return;
    }
    if (rc != KC_OK) {
        runner_fail(sr, "org.apache.kafka.connect.errors.ConnectException: %s",
                    err.msg[0] ? err.msg : kc_err_name(rc));
        return;
    }
    sr->last_part = SIZE_MAX;
    sr->produced = 0;
    for (i = 0;
         i < batch->len && sr->core.failure == NULL && !sr->core.interrupted;
         i++) {
        send_record(sr, batch->records[i], i > 0 ? batch->records[i - 1] : NULL,
                    batch->arena);
    }
    /* Dropped by a transform or skipped: never written, no longer active. */
    sr->not_written += i - sr->produced;
    flush_write_counts(sr);
    checkpoint_batch(sr);
    advance(sr);
}

/*
 * Commit what Kafka acknowledged so far first: the wait below may outlast
 * task.shutdown.graceful.timeout.ms (a broker that stopped answering), and
 * the worker then abandons this thread. Then let the records already
 * handed to librdkafka land, and commit again.
 */
static void source_finish(void *self)
{
    source_runner_t *sr = self;

    int64_t wait = sr->flush_timeout;
    /* The message names the bound that ended the wait: a user raising
     * offset.flush.timeout.ms would look in the wrong place otherwise. */
    const char *bound = "offset.flush.timeout.ms";

    if (sr->stop_budget > 0 && sr->stop_budget < wait) {
        wait = sr->stop_budget;
        bound = "the stop budget (task.shutdown.graceful.timeout.ms less "
                "500 ms)";
    }
    commit_offsets(sr, true);
    rd_kafka_flush(sr->rk, (int)wait);
    rd_kafka_poll(sr->rk, 0);
    flush_write_counts(sr);
    if (sr->in_flight > 0) {
        kc_log_error(LOGGER,
                     "%s %zu records were not acknowledged within %s, "
                     "%lld ms; their offsets are not committed",
                     sr->task->logname, sr->in_flight, bound, (long long)wait);
    }
    commit_offsets(sr, true);
    if (sr->core.status_trace != NULL) {
        kc_log_error(LOGGER,
                     "%s the offsets of this run since the last successful "
                     "write are not saved: %s",
                     sr->task->logname, sr->core.status_trace);
    }
}

static kc_err_t source_start(void *self, kc_error_t *err)
{
    source_runner_t *sr = self;

    sr->task = sr->core.task;
    sr->index = kc_part_index_new();
    kc_batch_init(&sr->batch);
    return runner_start(sr, err);
}

static void source_commit(void *self)
{
    commit_offsets(self, false);
}

static void source_release(void *self)
{
    runner_release(self);
}

static const kc_task_runner_ops_t source_ops = {
    .logger = LOGGER,
    .kind = "Source",
    .size = sizeof(source_runner_t),
    .start = source_start,
    .events = source_events,
    .iterate = source_iterate,
    .commit = source_commit,
    .finish = source_finish,
    .release = source_release,
};

void *kc_source_task_run(void *arg)
{
    kc_task_runner_run(arg, &source_ops);
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
    kc_offset_store_t *store;
    json_t *pjson;
    json_t *ojson = NULL;
    kc_error_t err;
    kc_err_t rc;

    if (tctx->offset_get != NULL) {
        return tctx->offset_get(tctx, partition, arena, offset);
    }
    store =
        kc_worker_offset_store_for(task->worker, task->connector_config, &err);
    if (store == NULL) {
        kc_log_error(LOGGER, "%s could not read offsets: %s", task->logname,
                     err.msg);
        return err.code;
    }
    pjson = kc_value_to_json(partition);
    rc = kc_offset_store_get(store, task->connector, pjson, &ojson);
    json_decref(pjson);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_value_from_json(arena, ojson, offset);
    json_decref(ojson);
    return rc;
}
