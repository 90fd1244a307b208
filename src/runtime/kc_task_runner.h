/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The task-runner core, shared by the source and sink runners as Apache's
 * WorkerTask is by WorkerSourceTask and WorkerSinkTask. It owns what does
 * not depend on the kind of task: the thread's lifecycle (start, the run
 * loop, stop), pause and resume, the task's status, the offset commit
 * timer, the converters and transforms, and the retry and reporting of a
 * failed stage through the error handler. A kind plugs in through
 * kc_task_runner_ops_t: start, iterate, commit and release.
 */
#ifndef KC_RUNTIME_KC_TASK_RUNNER_H
#define KC_RUNTIME_KC_TASK_RUNNER_H

#include "runtime/kc_task.h"

#include "runtime/kc_error_handler.h"
#include "runtime/kc_task_converters.h"
#include "transforms/kc_transform_chain.h"

/*
 * The part a kind of task implements. `self` is its runner state: `size`
 * bytes, zeroed, that begin with the kc_task_runner_t.
 */
typedef struct kc_task_runner_ops {
    /* Apache's logger, also the class named for the task's own stages */
    const char *logger;
    const char *kind; /* "Source" or "Sink", for the start line */
    size_t size;
    /* Create the clients, start the plugin; on error fill @p err. */
    kc_err_t (*start)(void *self, kc_error_t *err);
    /* Serve client events before the commit timer (may be NULL). */
    void (*events)(void *self);
    /* One step of the work: poll and produce, or fetch and put. */
    void (*iterate)(void *self);
    /* Commit what is safe to commit (the timer calls it). */
    void (*commit)(void *self);
    /* The connector was paused or resumed (may be NULL). */
    void (*paused)(void *self, bool paused);
    /* After the loop, before the final status (may be NULL). */
    void (*finish)(void *self);
    /* Stop the plugin, free the clients; also after a failed start. */
    void (*release)(void *self);
} kc_task_runner_ops_t;

/*
 * @locality the task's thread; a sink's errant-record reporter may reach
 * it from a thread of the plugin (see kc_sink_report).
 */
typedef struct kc_task_runner {
    kc_task_t *task;
    const kc_task_runner_ops_t *ops;
    kc_task_converters_t conv;
    kc_transform_chain_t *chain;
    kc_error_handler_t *eh;
    char *failure;    /* first fatal error (trace), or NULL */
    bool interrupted; /* a stop ended a retry: that record is not done */
    bool paused;      /* the connector is paused (target state) */
    /* The trace shown with RUNNING or PAUSED (a failing offsets write). */
    char *status_trace;
    int64_t flush_interval;
    int64_t next_commit; /* kc_clock_now_ms() of the next periodic commit */
} kc_task_runner_t;

/**
 * @brief Run @p task on this thread through @p ops until it is told to
 * stop or fails; reports every status and frees the runner state.
 */
void kc_task_runner_run(kc_task_t *task, const kc_task_runner_ops_t *ops);

/**
 * @brief Set up the converters and the transform chain of the task's
 * connector config; on error fill @p err.
 */
kc_err_t kc_task_runner_init_stages(kc_task_runner_t *r, kc_error_t *err);

/** @brief Whether the loop goes on: no stop, failure or interrupted retry. */
bool kc_task_runner_running(const kc_task_runner_t *r);

/** @brief Fail the task with @p trace (copied) unless it failed already. */
void kc_task_runner_fail(kc_task_runner_t *r, const char *trace);

/** @brief Report RUNNING or PAUSED, with the status trace if any. */
void kc_task_runner_report(kc_task_runner_t *r);

/**
 * @brief Have the client made from @p conf report librdkafka statistics
 * into the task's metrics (metrics.client.statistics.interval.ms unless
 * the client config sets statistics.interval.ms). @p conf's opaque must
 * be the runner (its kc_task_runner_t first).
 */
void kc_task_runner_client_stats(kc_task_runner_t *r, rd_kafka_conf_t *conf);

/** @brief Commit (ops->commit) when offset.flush.interval.ms has passed. */
void kc_task_runner_commit_if_due(kc_task_runner_t *r);

/*
 * One stage of one record, as a retry re-runs it; a kind's stage struct
 * begins with it.
 */
typedef struct kc_task_stage {
    kc_task_runner_t *r;
    kc_stage_t stage;
    kc_record_t *rec;
    kc_record_t snapshot; /* the record before the transforms */
    kc_arena_t *arena;
    bool drop; /* the transforms dropped the record */
} kc_task_stage_t;

/**
 * @brief Apply the transform chain to st->rec, first putting back the
 * record as it was before the transforms (a retry starts the chain again).
 */
kc_err_t kc_task_stage_transform(kc_task_stage_t *st, kc_error_t *err);

/**
 * @brief A stage failed as @p ctx says (stage, record or consumed message,
 * code): retry it with @p run (@p arg) when the code is KC_RETRY, then
 * report it (log, dead letter queue). @p err holds the error.
 * @returns true when a retry succeeded; false when the record is skipped,
 * the task fails (r->failure set), or a stop ended the retry
 * (r->interrupted set).
 */
bool kc_task_runner_stage_failed(kc_task_runner_t *r, kc_error_context_t *ctx,
                                 kc_error_op_fn run, void *arg,
                                 kc_error_t *err);

#endif /* KC_RUNTIME_KC_TASK_RUNNER_H */
