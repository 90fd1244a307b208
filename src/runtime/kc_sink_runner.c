/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sink task runner: one thread and one consumer (group
 * connect-<connector>) per task.
 *
 * consume -> converters -> transforms -> put(batch). Consumer offsets are
 * committed only for records whose put succeeded and after the task's
 * flush succeeded: every offset.flush.interval.ms, before partitions are
 * revoked, and when the task stops.
 *
 * A put that answers KC_RETRY keeps its batch, as Apache's WorkerSinkTask
 * on a RetriableException: every assigned partition is paused (so is any
 * partition assigned meanwhile), the consumer keeps being polled for its
 * group membership, and the same batch is put again after the task's
 * kc_sink_task_ctx_timeout() or, without one, when the next offset commit
 * is due. Records of partitions revoked meanwhile leave the batch. Then the
 * partitions are resumed (unless the connector is paused).
 *
 * topics.regex is a Java regex, which librdkafka's own regex subscription
 * ("^..." with its POSIX engine, a prefix match) would read differently,
 * so the runner matches topic names itself, as Apache's consumer does: the
 * whole name must match (Matcher.matches()), internal topics are left out,
 * and the cluster's topics are listed again every metadata.max.age.ms
 * (Java's default, 5 minutes), re-subscribing when the set changed.
 */
#include "kc_internal.h"

#include "config/kc_secrets.h"

#include "runtime/kc_task_runner.h"

#include "metrics/kc_metrics.h"

#include "runtime/kc_fetch_waker.h"
#include "util/kc_clock.h"
#include "util/kc_java_regex.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSinkTask"

/* The shortest wait before a retried put when the task set no timeout. */
#define KC_SINK_RETRY_MIN_MS 100
/* The longest single wait of the loop, so stops and commits stay prompt. */
#define KC_SINK_POLL_MS 200
/* Java consumer's metadata.max.age.ms default: how often topics.regex is
 * matched against the cluster's topics again. */
#define KC_SINK_PATTERN_REFRESH_MS 300000
/* After a failed metadata request, try again sooner; the request blocks
 * the task thread, so it is bounded to keep stops prompt. */
#define KC_SINK_PATTERN_RETRY_MS    5000
#define KC_SINK_METADATA_TIMEOUT_MS 2000

typedef struct sink_runner {
    kc_task_runner_t core; /* lifecycle, status, stages, commit timer */
    kc_task_t *task;
    const struct kc_sink_task_plugin *plugin;
    void *ctx;
    bool plugin_started;
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    kc_fetch_waker_t *waker;                    /* NULL on librdkafka >= 2.1 */
    rd_kafka_topic_partition_list_t *to_commit; /* next offsets, put done */
    int max_poll;
    kc_strlist_t topics_seen;
    /* topics.regex: the pattern, the topics subscribed for it (sorted),
     * and when to list the cluster's topics again. */
    kc_java_regex_t *pattern;
    kc_strlist_t pattern_topics;
    int64_t pattern_refresh_ms;
    int64_t pattern_next;
    /*
     * The batch in delivery (`cur`): the consumed messages (owned) and the
     * records made of them. `recs` is the runner's copy of the records
     * array, copied into `batch` before each put, so a put that asks for
     * a retry gets the same records again whatever it did to the array.
     */
    struct sink_slot {
        rd_kafka_message_t **msgs;
        size_t nmsgs;
        kc_batch_t batch;
        kc_record_t **recs;
        size_t nrecs;
        size_t recs_cap;
    } cur;
    bool retrying; /* put asked for a retry: every partition is paused */
    int64_t retry_at;
    /* Messages that arrived while paused anyway: the next batch's head. */
    rd_kafka_message_t **held;
    size_t nheld;
    size_t held_cap;
    /*
     * A plugin with put_start may leave the database working on a batch
     * (`inflight`) while the next one is fetched and converted into
     * `next`; `cur` stays the inflight one except while `swapped` (fetch
     * and convert of the next batch, which work on `cur`). Nothing else
     * happens to a batch before settle() has its outcome: no flush, no
     * commit, no open or close of partitions, no other put, no stop.
     */
    bool inflight;
    bool swapped;
    /* the time put_start took: with put_finish's, the put's time (the
     * next batch's fetch and conversion in between are not the put's) */
    int64_t inflight_put_ms;
    struct sink_slot next;
} sink_runner_t;

static void settle(sink_runner_t *sr);

/* Exchange the batch in delivery with `next`. */
static void swap_slots(sink_runner_t *sr)
{
    struct sink_slot t = sr->next;

    sr->next = sr->cur;
    sr->cur = t;
}

/* Flush the task, then commit what was put. Returns false on failure. */
static bool commit_offsets_now(sink_runner_t *sr)
{
    kc_error_t err;
    rd_kafka_resp_err_t rerr;

    /* the batch the database is writing is part of this commit */
    settle(sr);
    if (sr->to_commit->cnt == 0) {
        return true;
    }
    /* Records sent to the dead letter queue must land before we move on. */
    if (!kc_error_handler_flush(sr->core.eh, 30000)) {
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

/* Commit, timed and counted for the task's metrics: every attempt is an
 * offset-commit-seq-no, as in Apache's WorkerSinkTask. */
static bool commit_offsets(sink_runner_t *sr)
{
    int64_t started = kc_clock_now_ms();
    bool ok = commit_offsets_now(sr);

    /* Records read and not yet put stay uncommitted. */
    kc_metrics_commit(sr->task->metrics, ok, kc_clock_now_ms() - started,
                      (int64_t)(sr->cur.nmsgs + sr->nheld));
    return ok;
}

static bool in_parts(const rd_kafka_topic_partition_list_t *parts,
                     const rd_kafka_message_t *msg)
{
    return msg->rkt != NULL &&
           rd_kafka_topic_partition_list_find(
               parts, rd_kafka_topic_name(msg->rkt), msg->partition) != NULL;
}

/* Destroy the messages of @p parts in @p msgs; returns how many remain. */
static size_t drop_messages(rd_kafka_message_t **msgs, size_t n,
                            const rd_kafka_topic_partition_list_t *parts)
{
    size_t kept = 0;

    for (size_t i = 0; i < n; i++) {
        if (in_parts(parts, msgs[i])) {
            rd_kafka_message_destroy(msgs[i]);
        } else {
            msgs[kept++] = msgs[i];
        }
    }
    return kept;
}

/*
 * Partitions @p parts are revoked or lost: forget their records in the
 * batch awaiting a retry and in the held messages, as Apache removes them
 * from its messageBatch. Transforms may have changed a record's topic, so
 * the consumed message (origin) tells where it came from.
 */
static void drop_revoked(sink_runner_t *sr,
                         const rd_kafka_topic_partition_list_t *parts)
{
    size_t before = sr->cur.nrecs;
    size_t kept = 0;

    for (size_t i = 0; i < sr->cur.nrecs; i++) {
        if (!in_parts(parts, sr->cur.recs[i]->origin)) {
            sr->cur.recs[kept++] = sr->cur.recs[i];
        }
    }
    sr->cur.nrecs = kept;
    sr->cur.nmsgs = drop_messages(sr->cur.msgs, sr->cur.nmsgs, parts);
    sr->nheld = drop_messages(sr->held, sr->nheld, parts);
    /* the converted batch waiting for the one in delivery */
    kept = 0;
    for (size_t i = 0; i < sr->next.nrecs; i++) {
        if (!in_parts(parts, sr->next.recs[i]->origin)) {
            sr->next.recs[kept++] = sr->next.recs[i];
        }
    }
    sr->next.nrecs = kept;
    sr->next.nmsgs = drop_messages(sr->next.msgs, sr->next.nmsgs, parts);
    if (sr->retrying && kept < before) {
        kc_log_info(LOGGER,
                    "%s dropped %zu records of revoked partitions from the "
                    "batch awaiting a retry",
                    sr->task->logname, before - kept);
    }
}

/* partition-count: the consumer's assignment now. */
static void note_partitions(sink_runner_t *sr)
{
    rd_kafka_topic_partition_list_t *assigned = NULL;

    if (rd_kafka_assignment(sr->rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_metrics_sink_partitions(sr->task->metrics, assigned->cnt);
        rd_kafka_topic_partition_list_destroy(assigned);
    }
}

/* The plugin's open, if it has one: where to start each new partition. */
static void open_partitions(sink_runner_t *sr,
                            rd_kafka_topic_partition_list_t *parts)
{
    const struct kc_sink_task_plugin *p = sr->plugin;
    kc_sink_partition_t *sp;
    kc_error_t err;

    if (!sr->plugin_started || parts->cnt == 0 ||
        p->struct_size <
            offsetof(struct kc_sink_task_plugin, open) + sizeof(p->open) ||
        p->open == NULL) {
        return;
    }
    sp = kc_calloc((size_t)parts->cnt, sizeof(*sp));
    for (int i = 0; i < parts->cnt; i++) {
        sp[i].topic = parts->elems[i].topic;
        sp[i].partition = parts->elems[i].partition;
        sp[i].offset = -1;
    }
    kc_error_clear(&err);
    if (p->open(sr->ctx, sp, (size_t)parts->cnt, &err) != KC_OK) {
        char trace[1024];

        snprintf(trace, sizeof(trace),
                 "org.apache.kafka.connect.errors.ConnectException: "
                 "Exiting WorkerSinkTask due to unrecoverable exception.\n"
                 "Caused by: %s",
                 err.msg[0] ? err.msg : "the task could not open partitions");
        kc_task_runner_fail(&sr->core, trace);
    } else {
        for (int i = 0; i < parts->cnt; i++) {
            if (sp[i].offset >= 0) {
                parts->elems[i].offset = sp[i].offset;
                kc_log_info(LOGGER,
                            "%s starts %s-%d at offset %" PRId64
                            " (given by the task)",
                            sr->task->logname, sp[i].topic, sp[i].partition,
                            sp[i].offset);
            }
        }
    }
    kc_free(sp);
}

static void rebalance(sink_runner_t *sr, rd_kafka_t *rk,
                      rd_kafka_resp_err_t rerr,
                      rd_kafka_topic_partition_list_t *parts, bool cooperative);

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t rerr,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    sink_runner_t *sr = opaque;
    bool cooperative =
        strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    /* Served inside the fetch of the next batch: the batch in delivery
     * is settled first, as the task sees no rebalance in mid-put. */
    bool swapped = sr->swapped;

    if (swapped) {
        swap_slots(sr);
        sr->swapped = false;
    }
    settle(sr);
    rebalance(sr, rk, rerr, parts, cooperative);
    if (swapped) {
        swap_slots(sr);
        sr->swapped = true;
    }
}

static void rebalance(sink_runner_t *sr, rd_kafka_t *rk,
                      rd_kafka_resp_err_t rerr,
                      rd_kafka_topic_partition_list_t *parts, bool cooperative)
{
    if (rerr == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        open_partitions(sr, parts);
        if (cooperative) {
            rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);

            if (e != NULL) {
                rd_kafka_error_destroy(e);
            }
        } else {
            rd_kafka_assign(rk, parts);
        }
        /*
         * New partitions stay paused while a retry is pending too. Else
         * resume them: librdkafka keeps a partition's pause across a
         * revoke and a later assignment.
         */
        if (sr->core.paused || sr->retrying) {
            rd_kafka_pause_partitions(rk, parts);
        } else {
            rd_kafka_resume_partitions(rk, parts);
        }
        for (int i = 0; i < parts->cnt; i++) {
            kc_log_info(LOGGER, "%s assigned %s-%d", sr->task->logname,
                        parts->elems[i].topic, parts->elems[i].partition);
        }
        note_partitions(sr);
        return;
    }
    /* Revoked (or lost): commit what was put before giving them up. */
    if (rerr == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        commit_offsets(sr);
    }
    /* Their next owner starts at the committed offsets: put none of it. */
    drop_revoked(sr, parts);
    if (cooperative) {
        rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);

        if (e != NULL) {
            rd_kafka_error_destroy(e);
        }
    } else {
        rd_kafka_assign(rk, NULL);
    }
    note_partitions(sr);
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

/* One stage of the conversion of @p msg, re-run by a retry. */
typedef struct sink_stage {
    kc_task_stage_t base;
    sink_runner_t *sr;
    const rd_kafka_message_t *msg;
    const char *hname; /* HEADER_CONVERTER: the header */
    const void *hval;
    size_t hsize;
    const kc_schema_t **hschema;
    kc_value_t *hvalue;
} sink_stage_t;

static kc_err_t stage_run(void *arg, kc_error_t *err)
{
    sink_stage_t *st = arg;
    sink_runner_t *sr = st->sr;
    const rd_kafka_message_t *msg = st->msg;
    const char *topic = st->base.rec->topic;

    switch (st->base.stage) {
    case KC_STAGE_KEY_CONVERTER:
        return sr->core.conv.key->to_connect(
            sr->core.conv.key_ctx, topic, NULL, msg->key, msg->key_len,
            st->base.arena, &st->base.rec->key_schema, &st->base.rec->key, err);
    case KC_STAGE_VALUE_CONVERTER:
        return sr->core.conv.value->to_connect(
            sr->core.conv.value_ctx, topic, NULL, msg->payload, msg->len,
            st->base.arena, &st->base.rec->value_schema, &st->base.rec->value,
            err);
    case KC_STAGE_HEADER_CONVERTER:
        return kc_task_converters_header_in(&sr->core.conv, topic, st->hname,
                                            st->hval, st->hsize, st->base.arena,
                                            st->hschema, st->hvalue, err);
    default:
        /* A retry starts the chain again from the converted record. */
        return kc_task_stage_transform(&st->base, err);
    }
}

/*
 * A stage failed with @p rc: retry it if retriable, then report it.
 * Returns true when a retry succeeded; false when the record is skipped
 * or the task fails (sr->core.failure set).
 */
static bool stage_failed(sink_stage_t *st, kc_err_t rc, kc_error_t *err)
{
    kc_error_context_t ctx = {
        .stage = st->base.stage, .consumed = st->msg, .code = rc};

    return kc_task_runner_stage_failed(&st->sr->core, &ctx, stage_run, st, err);
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
    kc_err_t rc;
    sink_stage_t st;

    rec->topic = kc_arena_strdup(batch->arena, topic);
    rec->partition = msg->partition;
    rec->offset = msg->offset;
    rec->timestamp = rd_kafka_message_timestamp(msg, &tstype);
    rec->origin = msg;
    st.base.r = &sr->core;
    st.sr = sr;
    st.msg = msg;
    st.base.rec = rec;
    st.base.arena = batch->arena;
    rc = sr->core.conv.key->to_connect(sr->core.conv.key_ctx, topic, NULL,
                                       msg->key, msg->key_len, batch->arena,
                                       &rec->key_schema, &rec->key, &err);
    if (rc != KC_OK) {
        st.base.stage = KC_STAGE_KEY_CONVERTER;
        if (!stage_failed(&st, rc, &err)) {
            batch->len--;
            return false;
        }
    }
    rc = sr->core.conv.value->to_connect(sr->core.conv.value_ctx, topic, NULL,
                                         msg->payload, msg->len, batch->arena,
                                         &rec->value_schema, &rec->value, &err);
    if (rc != KC_OK) {
        st.base.stage = KC_STAGE_VALUE_CONVERTER;
        if (!stage_failed(&st, rc, &err)) {
            batch->len--;
            return false;
        }
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

            rc = kc_task_converters_header_in(&sr->core.conv, topic, name, val,
                                              size, batch->arena, &schema,
                                              &value, &err);
            if (rc != KC_OK) {
                st.base.stage = KC_STAGE_HEADER_CONVERTER;
                st.hname = name;
                st.hval = val;
                st.hsize = size;
                st.hschema = &schema;
                st.hvalue = &value;
                if (!stage_failed(&st, rc, &err)) {
                    batch->len--;
                    return false;
                }
            }
            kc_record_add_header(batch->arena, rec, name, schema, &value);
        }
    }
    if (sr->core.chain != NULL) {
        st.base.snapshot = *rec;
        rc = kc_transform_chain_apply(sr->core.chain, rec, batch->arena, &drop,
                                      &err);
        if (rc != KC_OK) {
            st.base.stage = KC_STAGE_TRANSFORMATION;
            if (!stage_failed(&st, rc, &err)) {
                batch->len--;
                return false;
            }
            drop = st.base.drop;
        }
    }
    if (drop) {
        batch->len--;
        return false;
    }
    return true;
}

/*
 * Pause every assigned partition while the connector is paused or a retry
 * is pending, else resume them all.
 */
static void apply_pause(sink_runner_t *sr)
{
    rd_kafka_topic_partition_list_t *assigned = NULL;

    if (rd_kafka_assignment(sr->rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (sr->core.paused || sr->retrying) {
            rd_kafka_pause_partitions(sr->rk, assigned);
        } else {
            rd_kafka_resume_partitions(sr->rk, assigned);
        }
        rd_kafka_topic_partition_list_destroy(assigned);
    }
}

/* The batch is done: note its offsets if @p consumed, free its messages. */
static void batch_done(sink_runner_t *sr, bool consumed)
{
    for (size_t i = 0; i < sr->cur.nmsgs; i++) {
        /* Skipped records count as consumed, as in Apache. */
        if (consumed && sr->cur.msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            note_consumed(sr, sr->cur.msgs[i]);
        }
        rd_kafka_message_destroy(sr->cur.msgs[i]);
    }
    sr->cur.nmsgs = 0;
    sr->cur.nrecs = 0;
    kc_batch_clear(&sr->cur.batch);
}

/* Put the batch again after the task's timeout or at the next commit. */
static void schedule_retry(sink_runner_t *sr, int64_t timeout, const char *why)
{
    int64_t now = kc_clock_now_ms();

    if (!sr->retrying) {
        sr->retrying = true;
        apply_pause(sr);
    }
    if (timeout > 0) {
        sr->retry_at = now + timeout;
    } else {
        /* As Apache: at the next poll, which waits for the next commit. */
        sr->retry_at = sr->core.next_commit > now + KC_SINK_RETRY_MIN_MS
                           ? sr->core.next_commit
                           : now + KC_SINK_RETRY_MIN_MS;
    }
    kc_log_warn(
        LOGGER, "%s put asked for a retry of %zu records in %lld ms: %s",
        sr->task->logname, sr->cur.nrecs, (long long)(sr->retry_at - now), why);
}

static bool has_put_start(const struct kc_sink_task_plugin *p)
{
    return p->struct_size >= offsetof(struct kc_sink_task_plugin, put_finish) +
                                 sizeof(p->put_finish) &&
           p->put_start != NULL && p->put_finish != NULL;
}

static void delivered(sink_runner_t *sr, kc_err_t rc, kc_error_t *err);

/*
 * put() the batch once: done, failed, or a retry scheduled; or, with the
 * plugin's put_start, possibly still in the database's hands (inflight)
 * until settle().
 */
static void deliver(sink_runner_t *sr)
{
    kc_error_t err;
    kc_err_t rc = KC_OK;

    kc_error_clear(&err);
    if (sr->cur.nrecs > 0) {
        memcpy(sr->cur.batch.records, sr->cur.recs,
               sr->cur.nrecs * sizeof(*sr->cur.recs));
        int64_t started = kc_clock_now_ms();
        bool pending = false;

        sr->cur.batch.len = sr->cur.nrecs;
        if (has_put_start(sr->plugin)) {
            rc = sr->plugin->put_start(sr->ctx, &sr->cur.batch, &pending, &err);
        } else {
            rc = sr->plugin->put(sr->ctx, &sr->cur.batch, &err);
        }
        if (pending) {
            sr->inflight = true;
            sr->inflight_put_ms = kc_clock_now_ms() - started;
            return;
        }
        kc_metrics_sink_put(sr->task->metrics, sr->cur.nrecs,
                            kc_clock_now_ms() - started, rc == KC_OK);
    }
    delivered(sr, rc, &err);
}

/* Wait for the outcome of the put in flight, if any, and act on it. */
static void settle(sink_runner_t *sr)
{
    kc_error_t err;
    kc_err_t rc;
    bool swapped = sr->swapped;
    int64_t started;

    if (!sr->inflight) {
        return;
    }
    if (swapped) {
        swap_slots(sr);
        sr->swapped = false;
    }
    sr->inflight = false;
    kc_error_clear(&err);
    started = kc_clock_now_ms();
    rc = sr->plugin->put_finish(sr->ctx, &sr->cur.batch, &err);
    kc_metrics_sink_put(sr->task->metrics, sr->cur.nrecs,
                        sr->inflight_put_ms + (kc_clock_now_ms() - started),
                        rc == KC_OK);
    delivered(sr, rc, &err);
    if (swapped) {
        swap_slots(sr);
        sr->swapped = true;
    }
}

/* The put of the batch returned @p rc: done, failed or a retry. */
static void delivered(sink_runner_t *sr, kc_err_t rc, kc_error_t *errp)
{
    kc_error_t err = *errp;
    int64_t timeout = sr->cur.nrecs > 0
                          ? atomic_exchange(&sr->task->sink_ctx.timeout_ms, -1)
                          : -1;
    /* An errant-record report may fail the task inside put. */
    if (rc == KC_RETRY && sr->core.failure == NULL) {
        schedule_retry(sr, timeout, err.msg);
        return;
    }
    if (rc != KC_OK) {
        char trace[1024];

        snprintf(trace, sizeof(trace),
                 "org.apache.kafka.connect.errors.ConnectException: "
                 "Exiting WorkerSinkTask due to unrecoverable exception.\n"
                 "Caused by: %s",
                 err.msg[0] ? err.msg : kc_err_name(rc));
        kc_task_runner_fail(&sr->core, trace);
    }
    batch_done(sr, sr->core.failure == NULL);
    if (sr->retrying) {
        sr->retrying = false;
        apply_pause(sr);
        kc_log_info(LOGGER, "%s the retried put succeeded", sr->task->logname);
    }
}

static void hold(sink_runner_t *sr, rd_kafka_message_t *msg)
{
    if (sr->nheld == sr->held_cap) {
        sr->held_cap = sr->held_cap ? sr->held_cap * 2 : 16;
        sr->held = kc_realloc(sr->held, sr->held_cap * sizeof(*sr->held));
    }
    sr->held[sr->nheld++] = msg;
}

/*
 * Wait up to @p ms for a retry while polling the consumer, which serves
 * rebalances and keeps the membership (rd_kafka_poll() may not be called
 * on a consumer whose queue is forwarded). The partitions are paused, so
 * normally nothing arrives; a message that does (a fetch already in
 * flight) is held for the batch after this one, never lost.
 */
static void backoff_poll(sink_runner_t *sr, int64_t ms)
{
    int64_t end = kc_clock_now_ms() + ms;
    int64_t left;

    while ((left = end - kc_clock_now_ms()) > 0 &&
           !atomic_load(&sr->task->stopping)) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(sr->rk, (int)left);

        if (msg == NULL) {
            continue;
        }
        if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                kc_log_warn(LOGGER, "%s consumer error: %s", sr->task->logname,
                            rd_kafka_message_errstr(msg));
            }
            rd_kafka_message_destroy(msg);
            continue;
        }
        hold(sr, msg);
    }
}

/* sink-record-read: the records fetched (not end-of-partition events). */
static void note_read(sink_runner_t *sr)
{
    size_t n = 0;

    for (size_t i = 0; i < sr->cur.nmsgs; i++) {
        n += sr->cur.msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    kc_metrics_sink_read(sr->task->metrics, n);
}

/*
 * Fill sr->cur.msgs: the held messages first, else from the consumer, waiting
 * up to @p wait_ms for max.poll.records of them.
 */
static void fetch(sink_runner_t *sr, int wait_ms)
{
    ssize_t n;

    if (sr->nheld > 0 && !sr->core.paused) {
        size_t take =
            sr->nheld < (size_t)sr->max_poll ? sr->nheld : (size_t)sr->max_poll;

        memcpy(sr->cur.msgs, sr->held, take * sizeof(*sr->held));
        memmove(sr->held, sr->held + take,
                (sr->nheld - take) * sizeof(*sr->held));
        sr->nheld -= take;
        sr->cur.nmsgs = take;
        note_read(sr);
        return;
    }
    n = rd_kafka_consume_batch_queue(sr->queue, wait_ms, sr->cur.msgs,
                                     (size_t)sr->max_poll);
    sr->cur.nmsgs = n > 0 ? (size_t)n : 0;
    if (n > 0) {
        note_read(sr);
        kc_fetch_waker_poke(sr->waker);
    }
}

/* Convert the fetched messages into the batch. */
static void convert_all(sink_runner_t *sr)
{
    kc_batch_clear(&sr->cur.batch);
    for (size_t i = 0; i < sr->cur.nmsgs; i++) {
        rd_kafka_message_t *msg = sr->cur.msgs[i];

        if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                kc_log_warn(LOGGER, "%s consumer error: %s", sr->task->logname,
                            rd_kafka_message_errstr(msg));
            }
            continue;
        }
        note_topic(sr, rd_kafka_topic_name(msg->rkt));
        convert(sr, msg, &sr->cur.batch);
        if (sr->core.failure != NULL || sr->core.interrupted) {
            break;
        }
    }
    if (sr->cur.batch.len > sr->cur.recs_cap) {
        sr->cur.recs_cap = sr->cur.batch.cap;
        sr->cur.recs =
            kc_realloc(sr->cur.recs, sr->cur.recs_cap * sizeof(*sr->cur.recs));
    }
    if (sr->cur.batch.len > 0) {
        memcpy(sr->cur.recs, sr->cur.batch.records,
               sr->cur.batch.len * sizeof(*sr->cur.recs));
    }
    sr->cur.nrecs = sr->cur.batch.len;
}

/* Topics the Java consumer never subscribes by pattern
 * (exclude.internal.topics=true). */
static bool is_internal_topic(const char *topic)
{
    return strcmp(topic, "__consumer_offsets") == 0 ||
           strcmp(topic, "__transaction_state") == 0 ||
           strcmp(topic, "__share_group_state") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool same_topics(const kc_strlist_t *a, const kc_strlist_t *b)
{
    if (a->count != b->count) {
        return false;
    }
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->items[i], b->items[i]) != 0) {
            return false;
        }
    }
    return true;
}

/*
 * Match topics.regex against the cluster's topics and subscribe to the
 * matching ones when they differ from the current subscription.
 */
static void refresh_pattern(sink_runner_t *sr)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t rerr;
    kc_strlist_t found = {0};

    rerr = rd_kafka_metadata(sr->rk, 1, NULL, &md, KC_SINK_METADATA_TIMEOUT_MS);
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_log_warn(LOGGER, "%s could not list topics for topics.regex: %s",
                    sr->task->logname, rd_kafka_err2str(rerr));
        sr->pattern_next = kc_clock_now_ms() + KC_SINK_PATTERN_RETRY_MS;
        return;
    }
    for (int i = 0; i < md->topic_cnt; i++) {
        const char *topic = md->topics[i].topic;
        kc_error_t err = {0};

        if (md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
            !is_internal_topic(topic) &&
            kc_java_regex_matches(sr->pattern, topic, &err) == KC_OK) {
            kc_strlist_push(&found, topic);
        }
    }
    rd_kafka_metadata_destroy(md);
    if (found.count > 1) {
        qsort(found.items, found.count, sizeof(*found.items), cmp_str);
    }
    sr->pattern_next = kc_clock_now_ms() + sr->pattern_refresh_ms;
    if (same_topics(&found, &sr->pattern_topics)) {
        kc_strlist_release(&found);
        return;
    }
    if (found.count == 0) {
        rerr = rd_kafka_unsubscribe(sr->rk);
    } else {
        rd_kafka_topic_partition_list_t *subs =
            rd_kafka_topic_partition_list_new((int)found.count);

        for (size_t i = 0; i < found.count; i++) {
            rd_kafka_topic_partition_list_add(subs, found.items[i],
                                              RD_KAFKA_PARTITION_UA);
        }
        rerr = rd_kafka_subscribe(sr->rk, subs);
        rd_kafka_topic_partition_list_destroy(subs);
    }
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_log_warn(LOGGER,
                    "%s could not subscribe to the topics matching "
                    "topics.regex: %s",
                    sr->task->logname, rd_kafka_err2str(rerr));
        sr->pattern_next = kc_clock_now_ms() + KC_SINK_PATTERN_RETRY_MS;
        kc_strlist_release(&found);
        return;
    }
    kc_log_info(LOGGER, "%s subscribed to %zu topic(s) matching topics.regex",
                sr->task->logname, found.count);
    kc_strlist_release(&sr->pattern_topics);
    sr->pattern_topics = found;
}

/* One step: put the batch awaiting a retry, or fetch, convert and put. */
static void sink_iterate(void *self)
{
    sink_runner_t *sr = self;

    if (sr->pattern != NULL && kc_clock_now_ms() >= sr->pattern_next) {
        refresh_pattern(sr);
    }

    if (sr->retrying) {
        int64_t wait = sr->retry_at - kc_clock_now_ms();

        if (sr->inflight) {
            settle(sr); /* the retried put, left pending */
        } else if (wait > 0 && sr->cur.nrecs > 0) {
            backoff_poll(sr, wait < KC_SINK_POLL_MS ? wait : KC_SINK_POLL_MS);
        } else {
            deliver(sr);
        }
        return;
    }
    if (sr->inflight) {
        /* fetch and convert the next batch while the database writes */
        swap_slots(sr);
        sr->swapped = true;
        if (sr->cur.nmsgs == 0) {
            /* only what is there already: the put in flight is not kept
             * waiting for records yet to come (the last batch of a burst
             * would be committed a poll timeout late) */
            fetch(sr, 0);
            if (sr->cur.nmsgs > 0) {
                convert_all(sr);
                if (sr->core.failure != NULL || sr->core.interrupted) {
                    batch_done(sr, false);
                }
            }
        }
        swap_slots(sr);
        sr->swapped = false;
        settle(sr);
        if (sr->core.failure != NULL || sr->core.interrupted) {
            return; /* sink_finish drops the next batch */
        }
        if (sr->retrying) {
            return; /* the next batch waits for the retried one */
        }
    }
    if (sr->next.nmsgs > 0) {
        swap_slots(sr);
        deliver(sr);
        return;
    }
    fetch(sr, KC_SINK_POLL_MS);
    if (sr->cur.nmsgs == 0) {
        return;
    }
    convert_all(sr);
    if (sr->core.failure != NULL || sr->core.interrupted) {
        batch_done(sr, false);
        return;
    }
    deliver(sr);
}

/* A batch still awaiting a retry is not done: its offsets stay. */
static void sink_finish(void *self)
{
    sink_runner_t *sr = self;

    /* a stop waits for the write in flight; its offsets count */
    settle(sr);
    batch_done(sr, false);
    if (sr->next.nmsgs > 0) {
        swap_slots(sr);
        batch_done(sr, false);
        swap_slots(sr);
    }
    for (size_t i = 0; i < sr->nheld; i++) {
        rd_kafka_message_destroy(sr->held[i]);
    }
    sr->nheld = 0;
}

static void sink_paused(void *self, bool paused)
{
    KC_UNUSED(paused); /* sr->core.paused says it */
    apply_pause(self);
}

static void sink_commit(void *self)
{
    commit_offsets(self);
}

/* The consumer's batch size, a Java consumer key librdkafka lacks. */
typedef struct sink_poll_conf {
    int32_t max_poll_records;
} sink_poll_conf_t;

static const kc_config_def_t sink_poll_def[] = {
    {.name = "max.poll.records",
     .type = KC_CFG_INT,
     .default_value = "500",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "The maximum number of records returned in a single call to "
            "poll().",
     .flags = KC_CFG_F_MIN,
     .min = 1,
     KC_CFG_BIND(sink_poll_conf_t, max_poll_records)},
    {.name = NULL}};

/*
 * max.poll.records from consumer.override. (connector) or consumer.
 * (worker), checked as Apache's consumer checks it (an INT, at least 1):
 * a bad value fails the task, as the Java consumer's creation does.
 */
static kc_err_t sink_max_poll(const kc_props_t *cc, kc_worker_t *w, int *out,
                              kc_error_t *err)
{
    static const kc_config_def_t *const defs[] = {sink_poll_def, NULL};
    const char *v = kc_props_get(cc, "consumer.override.max.poll.records");
    kc_props_t *props = kc_props_new();
    sink_poll_conf_t conf = {0};
    kc_err_t rc;

    if (v == NULL) {
        v = kc_props_get(kc_worker_props(w), "consumer.max.poll.records");
    }
    if (v != NULL) {
        kc_props_set(props, "max.poll.records", v);
    }
    rc = kc_config_bind(defs, props, &conf, err);
    kc_props_destroy(props);
    if (rc == KC_OK) {
        *out = conf.max_poll_records;
    }
    return rc;
}

static kc_err_t runner_start(sink_runner_t *sr, kc_error_t *err)
{
    kc_task_t *task = sr->task;
    kc_worker_t *w = task->worker;
    const kc_props_t *cc = task->connector_config;
    rd_kafka_conf_t *conf;
    char *client_id;
    char errstr[512];
    const char *topics = kc_props_get(cc, "topics");
    const char *regex = kc_props_get(cc, "topics.regex");
    rd_kafka_topic_partition_list_t *subs;
    rd_kafka_resp_err_t rerr;

    sr->plugin = task->plugin->sink_task;
    sr->to_commit = rd_kafka_topic_partition_list_new(8);
    if (sink_max_poll(cc, w, &sr->max_poll, err) != KC_OK) {
        return err->code;
    }
    sr->cur.msgs = kc_calloc((size_t)sr->max_poll, sizeof(*sr->cur.msgs));
    sr->next.msgs = kc_calloc((size_t)sr->max_poll, sizeof(*sr->next.msgs));
    if (kc_task_runner_init_stages(&sr->core, err) != KC_OK) {
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
    kc_task_runner_client_stats(&sr->core, conf);
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
        const char *age = kc_props_get(cc, "consumer.override.metadata.max."
                                           "age.ms");

        if (age == NULL) {
            age = kc_props_get(kc_worker_props(w),
                               "consumer.metadata.max.age.ms");
        }
        sr->pattern_refresh_ms = age != NULL ? atoll(age) : 0;
        if (sr->pattern_refresh_ms <= 0) {
            sr->pattern_refresh_ms = KC_SINK_PATTERN_REFRESH_MS;
        }
        rd_kafka_topic_partition_list_destroy(subs);
        sr->pattern = kc_java_regex_new(regex, err);
        if (sr->pattern == NULL) {
            kc_error_prefix(err, "Invalid regex");
            return err->code;
        }
        subs = NULL;
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
    if (subs != NULL) {
        if (subs->cnt == 0) {
            rd_kafka_topic_partition_list_destroy(subs);
            return kc_error_set(err, KC_ERR_INVALID,
                                "must configure one of topics or "
                                "topics.regex");
        }
        rerr = rd_kafka_subscribe(sr->rk, subs);
        rd_kafka_topic_partition_list_destroy(subs);
        if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return kc_error_set(err, KC_ERR_KAFKA, "could not subscribe: %s",
                                rd_kafka_err2str(rerr));
        }
    } else {
        refresh_pattern(sr);
    }
    sr->core.eh = kc_error_handler_for_task(task, err);
    if (sr->core.eh == NULL) {
        return err->code;
    }
    if (sr->plugin->start(&sr->ctx, task->task_config, &task->sink_ctx, err) !=
        KC_OK) {
        return err->code != KC_OK ? err->code : KC_ERR;
    }
    sr->plugin_started = true;
    if (kc_fetch_waker_needed()) {
        sr->waker = kc_fetch_waker_new(sr->rk, KC_FETCH_WAKER_PERIOD_MS);
    }
    return KC_OK;
}

static void runner_release(sink_runner_t *sr)
{
    kc_fetch_waker_destroy(sr->waker);
    settle(sr);
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
    if (sr->to_commit != NULL) {
        rd_kafka_topic_partition_list_destroy(sr->to_commit);
    }
    kc_strlist_release(&sr->topics_seen);
    kc_strlist_release(&sr->pattern_topics);
    kc_java_regex_destroy(sr->pattern);
    kc_batch_release(&sr->cur.batch);
    kc_free(sr->cur.msgs);
    kc_free(sr->cur.recs);
    kc_batch_release(&sr->next.batch);
    kc_free(sr->next.msgs);
    kc_free(sr->next.recs);
    kc_free(sr->held);
}

static kc_err_t sink_start(void *self, kc_error_t *err)
{
    sink_runner_t *sr = self;

    sr->task = sr->core.task;
    kc_batch_init(&sr->cur.batch);
    kc_batch_init(&sr->next.batch);
    sr->task->sink_runner = sr;
    return runner_start(sr, err);
}

static void sink_release(void *self)
{
    sink_runner_t *sr = self;

    runner_release(sr);
    sr->task->sink_runner = NULL;
}

static const kc_task_runner_ops_t sink_ops = {
    .logger = LOGGER,
    .kind = "Sink",
    .size = sizeof(sink_runner_t),
    .start = sink_start,
    .iterate = sink_iterate,
    .commit = sink_commit,
    .paused = sink_paused,
    .finish = sink_finish,
    .release = sink_release,
};

void *kc_sink_task_run(void *arg)
{
    kc_task_runner_run(arg, &sink_ops);
    return NULL;
}

const char *kc_sink_task_ctx_name(const kc_sink_task_ctx_t *t)
{
    return t->task->connector;
}

void kc_sink_task_ctx_timeout(kc_sink_task_ctx_t *tctx, int64_t timeout_ms)
{
    if (tctx != NULL) {
        atomic_store(&tctx->timeout_ms, timeout_ms > 0 ? timeout_ms : -1);
    }
}

kc_err_t kc_sink_report(kc_sink_task_ctx_t *tctx, const kc_record_t *rec,
                        const kc_error_t *error)
{
    /* A plugin may call this without a context (its own tests, or before
     * start): nothing can be reported, so the put must fail. */
    if (tctx == NULL || tctx->task == NULL || rec == NULL) {
        return error != NULL && error->code != KC_OK ? error->code : KC_ERR;
    }
    sink_runner_t *sr = tctx->task->sink_runner;
    kc_error_context_t ctx = {
        .stage = KC_STAGE_TASK_PUT,
        .class_name = "org.apache.kafka.connect.sink.SinkTask",
        .code = error != NULL && error->code != KC_OK ? error->code : KC_ERR,
        .message = error != NULL ? error->msg : "",
        .consumed = rec->origin};
    char *trace = NULL;

    if (sr == NULL) {
        return ctx.code;
    }
    ctx.plugin_name = tctx->task->plugin->name;
    /* As WorkerErrantRecordReporter: report, then fail unless tolerated. */
    if (kc_error_handler_failed(sr->core.eh, &ctx, &trace)) {
        return KC_OK;
    }
    kc_task_runner_fail(&sr->core, trace);
    kc_free(trace);
    return ctx.code;
}
