/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The task-runner core: see kc_task_runner.h. The loop's order within one
 * step is the runners' own: client events, the commit timer, the target
 * state, then the kind's step.
 */
#include "kc_internal.h"

#include "config/kc_secrets.h"

#include "runtime/kc_task_runner.h"

#include "metrics/kc_metrics.h"

#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

bool kc_task_runner_running(const kc_task_runner_t *r)
{
    return !atomic_load(&r->task->stopping) && r->failure == NULL &&
           !r->interrupted;
}

void kc_task_runner_fail(kc_task_runner_t *r, const char *trace)
{
    if (r->failure == NULL) {
        r->failure = kc_strdup(trace);
    }
}

void kc_task_runner_report(kc_task_runner_t *r)
{
    kc_task_t *task = r->task;

    kc_worker_report(task->worker, task->connector, task->id,
                     r->paused ? KC_STATE_PAUSED : KC_STATE_RUNNING,
                     r->status_trace);
}

/* Served on the task's thread by its client poll. */
static int client_stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    kc_task_runner_t *r = opaque;

    KC_UNUSED(rk);
    kc_metrics_client_stats(r->task->metrics, json, len);
    return 0; /* librdkafka frees json */
}

void kc_task_runner_client_stats(kc_task_runner_t *r, rd_kafka_conf_t *conf)
{
    int64_t ms = kc_config_long(kc_worker_config(r->task->worker),
                                "metrics.client.statistics.interval.ms");
    char cur[32];
    size_t n = sizeof(cur);

    if (r->task->metrics == NULL) {
        return;
    }
    if (rd_kafka_conf_get(conf, "statistics.interval.ms", cur, &n) ==
            RD_KAFKA_CONF_OK &&
        strcmp(cur, "0") == 0 && ms > 0) {
        char val[32];

        snprintf(val, sizeof(val), "%lld", (long long)ms);
        rd_kafka_conf_set(conf, "statistics.interval.ms", val, NULL, 0);
    }
    rd_kafka_conf_set_stats_cb(conf, client_stats_cb);
}

void kc_task_runner_commit_if_due(kc_task_runner_t *r)
{
    if (kc_clock_now_ms() >= r->next_commit) {
        r->ops->commit(r);
        r->next_commit = kc_clock_now_ms() + r->flush_interval;
    }
}

/* The task's plugins as connector-task-metrics strings (KIP-891). */
static void task_info(kc_task_runner_t *r)
{
    kc_task_t *task = r->task;
    const struct kc_connector_plugin *p = task->plugin;
    const kc_plugin_head_t *t = task->is_sink ? (const void *)p->sink_task
                                              : (const void *)p->source_task;
    const struct kc_converter_plugin *convs[] = {r->conv.key, r->conv.value,
                                                 r->conv.header};
    static const char *const names[][2] = {
        {"key-converter-class", "key-converter-version"},
        {"value-converter-class", "value-converter-version"},
        {"header-converter-class", "header-converter-version"}};

    kc_metrics_task_info(task->metrics, "connector-class", p->class_name);
    kc_metrics_task_info(task->metrics, "connector-type",
                         task->is_sink ? "sink" : "source");
    kc_metrics_task_info(task->metrics, "connector-version", p->version);
    if (t != NULL) {
        kc_metrics_task_info(task->metrics, "task-class",
                             t->class_name != NULL ? t->class_name : t->name);
        kc_metrics_task_info(task->metrics, "task-version", t->version);
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(convs); i++) {
        if (convs[i] != NULL) {
            kc_metrics_task_info(task->metrics, names[i][0],
                                 convs[i]->class_name);
            kc_metrics_task_info(task->metrics, names[i][1], convs[i]->version);
        }
    }
}

kc_err_t kc_task_runner_init_stages(kc_task_runner_t *r, kc_error_t *err)
{
    kc_worker_t *w = r->task->worker;
    const kc_props_t *cc = r->task->connector_config;

    if (kc_task_converters_init(&r->conv, kc_worker_registry(w),
                                kc_worker_props(w), cc, err) != KC_OK) {
        return err->code;
    }
    r->chain = kc_transform_chain_new(kc_worker_registry(w), cc, err);
    if (r->chain == NULL) {
        return err->code;
    }
    task_info(r);
    return KC_OK;
}

bool kc_task_runner_stage_failed(kc_task_runner_t *r, kc_error_context_t *ctx,
                                 kc_error_op_fn run, void *arg, kc_error_t *err)
{
    char *trace = NULL;

    /* A refused produce is the producer's to retry, not the handler's. */
    if (ctx->code == KC_RETRY && ctx->stage != KC_STAGE_KAFKA_PRODUCE) {
        kc_err_t rc =
            kc_error_handler_retry(r->eh, run, arg, ctx->code, err, NULL);

        if (rc == KC_OK) {
            return true;
        }
        if (rc == KC_RETRY && kc_error_handler_stopping(r->eh)) {
            r->interrupted = true;
            return false;
        }
        ctx->code = rc;
    }
    kc_error_context_name_stage(ctx, &r->conv,
                                kc_worker_registry(r->task->worker),
                                r->task->connector_config, err, r->ops->logger);
    ctx->message = err->msg;
    if (!kc_error_handler_failed(r->eh, ctx, &trace)) {
        kc_task_runner_fail(r, trace);
        kc_free(trace);
    }
    return false;
}

kc_err_t kc_task_stage_transform(kc_task_stage_t *st, kc_error_t *err)
{
    *st->rec = st->snapshot;
    st->drop = false;
    return kc_transform_chain_apply(st->r->chain, st->rec, st->arena, &st->drop,
                                    err);
}

/* Free everything; the thread then ends. */
static void runner_end(kc_task_runner_t *r)
{
    kc_task_t *task = r->task;

    r->ops->release(r);
    kc_error_handler_destroy(r->eh);
    kc_task_converters_release(&r->conv);
    kc_transform_chain_destroy(r->chain);
    kc_free(r->failure);
    kc_free(r->status_trace);
    kc_log_set_context(NULL);
    kc_log_set_filter(NULL, NULL);
    kc_free(r);
    atomic_store(&task->done, true);
}

void kc_task_runner_run(kc_task_t *task, const kc_task_runner_ops_t *ops)
{
    const char *logger = ops->logger;
    kc_task_runner_t *r = kc_calloc(1, ops->size);
    void *self = r;
    kc_error_t err;
    char *logctx = kc_asprintf("[%s|task-%d] ", task->connector, task->id);

    r->task = task;
    r->ops = ops;
    r->flush_interval = kc_config_long(kc_worker_config(task->worker),
                                       "offset.flush.interval.ms");
    kc_log_set_context(logctx);
    /* The task's plugin sees resolved provider values; its log lines
     * show the references. */
    kc_log_set_filter(kc_secrets_log_filter, task->secrets);
    kc_free(logctx);
    kc_error_clear(&err);
    if (ops->start(self, &err) != KC_OK) {
        char *why = kc_task_scrub(task, err.msg);

        kc_log_error(logger, "could not start task %s: %s", task->logname, why);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, why);
        kc_free(why);
        runner_end(r);
        return;
    }
    kc_log_info(logger, "%s %s task finished initialization and start",
                task->logname, ops->kind);
    r->paused = kc_task_target(task) != KC_TARGET_STARTED;
    kc_task_runner_report(r);
    r->next_commit = kc_clock_now_ms() + r->flush_interval;
    while (kc_task_runner_running(r)) {
        bool want_pause;

        if (ops->events != NULL) {
            ops->events(self);
            if (!kc_task_runner_running(r)) {
                break;
            }
        }
        kc_task_runner_commit_if_due(r);
        want_pause = kc_task_target(task) != KC_TARGET_STARTED;
        if (want_pause != r->paused) {
            r->paused = want_pause;
            if (ops->paused != NULL) {
                ops->paused(self, want_pause);
            }
            kc_task_runner_report(r);
        }
        ops->iterate(self);
    }
    if (ops->finish != NULL) {
        ops->finish(self);
    }
    if (r->failure != NULL && !atomic_load(&task->abandoned)) {
        char *why = kc_task_scrub(task, r->failure);

        kc_log_error(logger,
                     "%s Task threw an uncaught and unrecoverable "
                     "exception: %s",
                     task->logname, why);
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_FAILED, why);
        kc_free(why);
    } else if (r->failure == NULL && !atomic_load(&task->abandoned)) {
        /* An abandoned task may run on another worker by now (as Apache's
         * cancelled task, it reports nothing): its UNASSIGNED or FAILED
         * would hide the new owner's RUNNING. */
        kc_worker_report(task->worker, task->connector, task->id,
                         KC_STATE_UNASSIGNED, NULL);
    }
    runner_end(r);
}
