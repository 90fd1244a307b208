/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Task threads: creation, sleep and target state, stop and join (an
 * overdue task is abandoned).
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

/* ---- tasks ---------------------------------------------------------- */

char *kc_task_scrub(const kc_task_t *task, const char *text)
{
    return kc_secrets_scrub(task->secrets, text);
}

static void task_free(kc_task_t *task)
{
    kc_metrics_task_remove(task->worker->metrics, task->metrics, true);
    kc_free(task->connector);
    kc_free(task->label);
    kc_free(task->logname);
    kc_props_destroy(task->connector_config);
    kc_props_destroy(task->task_config);
    kc_secrets_destroy(task->secrets);
    pthread_mutex_destroy(&task->lock);
    pthread_cond_destroy(&task->cond);
    kc_free(task);
}

kc_err_t kc_worker_start_task(kc_worker_t *w, const char *connector, int task,
                              const kc_props_t *connector_config,
                              const kc_props_t *task_config,
                              kc_target_state_t target, kc_error_t *err)
{
    const char *cls = kc_props_get(connector_config, "connector.class");
    const struct kc_connector_plugin *plugin =
        cls != NULL ? kc_registry_find_connector(w->reg, cls, NULL) : NULL;
    kc_task_t *t;
    int rc;

    for (size_t i = 0; i < w->ntasks; i++) {
        if (strcmp(w->tasks[i]->connector, connector) == 0 &&
            w->tasks[i]->id == task) {
            return kc_error_set(err, KC_ERR_CONFLICT,
                                "task %s-%d is already running", connector,
                                task);
        }
    }
    if (plugin == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "Failed to find any class that implements "
                            "Connector and which name matches %s",
                            cls != NULL ? cls : "null");
    }
    t = kc_calloc(1, sizeof(*t));
    t->worker = w;
    t->connector = kc_strdup(connector);
    t->id = task;
    t->label = kc_asprintf("%s-%d", connector, task);
    {
        char *safe = kc_str_escape_log(t->label);

        t->logname = kc_asprintf("%s{id=%s}",
                                 plugin->sink_task != NULL ? "WorkerSinkTask"
                                                           : "WorkerSourceTask",
                                 safe);
        kc_free(safe);
    }
    t->connector_config = kc_props_copy(connector_config);
    t->task_config = kc_props_copy(task_config);
    {
        kc_props_t *both = kc_props_copy(connector_config);

        for (size_t i = 0; i < kc_props_count(task_config); i++) {
            kc_props_set(both, kc_props_key_at(task_config, i),
                         kc_props_value_at(task_config, i));
        }
        t->secrets = kc_secrets_new(both, w->props);
        kc_props_destroy(both);
    }
    if (kc_props_resolve(t->connector_config, w->props, err) != KC_OK ||
        kc_props_resolve(t->task_config, w->props, err) != KC_OK) {
        kc_error_prefix(err, "could not resolve the config of task %s",
                        t->label);
        rc = err->code;
        pthread_mutex_init(&t->lock, NULL);
        kc_clock_cond_init(&t->cond);
        task_free(t);
        return rc;
    }
    t->plugin = plugin;
    t->is_sink = plugin->sink_task != NULL;
    t->source_ctx.task = t;
    t->sink_ctx.task = t;
    atomic_init(&t->sink_ctx.timeout_ms, -1);
    t->target = target;
    t->metrics = kc_metrics_task_add(w->metrics, connector, task, t->is_sink);
    atomic_init(&t->stopping, false);
    atomic_init(&t->done, false);
    pthread_mutex_init(&t->lock, NULL);
    /* kc_task_sleep waits on it: the monotonic clock. */
    kc_clock_cond_init(&t->cond);
    if (kc_log_enabled(KC_LOG_INFO, LOGGER)) {
        char *safe = kc_str_escape_log(t->label);

        kc_log_info(LOGGER, "Creating task %s", safe);
        kc_free(safe);
    }
    rc = pthread_create(&t->thread, NULL,
                        t->is_sink ? kc_sink_task_run : kc_source_task_run, t);
    if (rc != 0) {
        task_free(t);
        return kc_error_set(err, KC_ERR,
                            "could not start a thread for task "
                            "%s-%d: %s",
                            connector, task, strerror(rc));
    }
    t->started = true;
    w->tasks = kc_realloc(w->tasks, (w->ntasks + 1) * sizeof(*w->tasks));
    w->tasks[w->ntasks++] = t;
    return KC_OK;
}

void kc_task_sleep(kc_task_t *task, int64_t ms)
{
    int64_t deadline = kc_clock_now_ms() + ms;

    pthread_mutex_lock(&task->lock);
    /* One wait: a stop or a new target state (broadcast) ends it early. */
    if (!atomic_load(&task->stopping)) {
        kc_clock_cond_wait_until(&task->cond, &task->lock, deadline);
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

static void task_signal_stop(kc_task_t *t)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->stopping, true);
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

/* Join by @p deadline (CLOCK_MONOTONIC); abandon the task if it is late. */
static void task_join(kc_task_t *t, const struct timespec *deadline)
{
    int rc = pthread_clockjoin_np(t->thread, NULL, CLOCK_MONOTONIC, deadline);

    if (rc == 0) {
        task_free(t);
        return;
    }
    kc_log_error(LOGGER,
                 "Graceful stop of task %s failed: it did not stop within "
                 "task.shutdown.graceful.timeout.ms",
                 t->logname);
    atomic_store(&t->abandoned, true);
    /* Out of the scrape; the thread may still record into it. */
    kc_metrics_task_remove(t->worker->metrics, t->metrics, false);
    t->worker->abandoned++;
    pthread_detach(t->thread);
    /* It may still use its own memory: never freed (leaked on purpose). */
}

/* Stop the tasks @p pick returns true for: signal all, then wait for all
 * under one graceful deadline (as Apache's stopAndAwaitTasks), so that a
 * restart or a revocation takes one graceful timeout, not one per task,
 * and the worker rejoins before a new owner may start them. Every way of
 * stopping tasks comes here. */
static void kc_worker_stop_if(kc_worker_t *w,
                              bool (*pick)(void *opaque, const kc_task_t *t),
                              void *opaque)
{
    struct timespec deadline;
    int64_t ms = w->conf.task_shutdown_graceful_timeout_ms;
    kc_task_t **victims = kc_calloc(w->ntasks + 1, sizeof(*victims));
    size_t n = 0;

    for (size_t i = 0; i < w->ntasks;) {
        kc_task_t *t = w->tasks[i];

        if (pick(opaque, t)) {
            victims[n++] = t;
            task_signal_stop(t);
            w->tasks[i] = w->tasks[--w->ntasks];
        } else {
            i++;
        }
    }
    deadline = kc_clock_deadline_ts(ms);
    for (size_t i = 0; i < n; i++) {
        task_join(victims[i], &deadline);
    }
    kc_free(victims);
}

/* Tasks of one connector (NULL: any): task @c id (-1: all) or those of
 * @c set. */
typedef struct {
    const char *connector;
    int id;
    const bool *set;
    size_t nset;
} kc_task_pick_t;

static bool kc_task_picked(void *opaque, const kc_task_t *t)
{
    const kc_task_pick_t *p = opaque;

    if (p->connector != NULL && strcmp(t->connector, p->connector) != 0) {
        return false;
    }
    if (p->set != NULL) {
        return t->id >= 0 && (size_t)t->id < p->nset && p->set[t->id];
    }
    return p->id < 0 || t->id == p->id;
}

typedef struct {
    bool (*keep)(void *opaque, const char *connector, int task);
    void *opaque;
} kc_task_unkept_t;

static bool kc_task_unkept(void *opaque, const kc_task_t *t)
{
    const kc_task_unkept_t *u = opaque;

    return !u->keep(u->opaque, t->connector, t->id);
}

void kc_worker_stop_unkept(kc_worker_t *w,
                           bool (*keep)(void *opaque, const char *connector,
                                        int task),
                           void *opaque)
{
    kc_task_unkept_t u = {keep, opaque};

    kc_worker_stop_if(w, kc_task_unkept, &u);
}

void kc_worker_stop_matching(kc_worker_t *w, const char *connector, int id)
{
    kc_task_pick_t p = {connector, id, NULL, 0};

    kc_worker_stop_if(w, kc_task_picked, &p);
}

void kc_worker_stop_task_set(kc_worker_t *w, const char *connector,
                             const bool *set, size_t n)
{
    kc_task_pick_t p = {connector, -1, set, n};

    kc_worker_stop_if(w, kc_task_picked, &p);
}

void kc_worker_stop_tasks(kc_worker_t *w, const char *connector)
{
    kc_worker_stop_matching(w, connector, -1);
}

void kc_worker_stop_task(kc_worker_t *w, const char *connector, int task)
{
    kc_worker_stop_matching(w, connector, task);
}

void kc_worker_set_target(kc_worker_t *w, const char *connector,
                          kc_target_state_t target)
{
    wconn_t *c = kc_worker_find_conn(w, connector, NULL);

    for (size_t i = 0; i < w->ntasks; i++) {
        kc_task_t *t = w->tasks[i];

        if (strcmp(t->connector, connector) == 0) {
            pthread_mutex_lock(&t->lock);
            t->target = target;
            pthread_cond_broadcast(&t->cond);
            pthread_mutex_unlock(&t->lock);
        }
    }
    if (c != NULL && c->started && target != KC_TARGET_STOPPED) {
        kc_worker_report(w, connector, -1,
                         target == KC_TARGET_PAUSED ? KC_STATE_PAUSED
                                                    : KC_STATE_RUNNING,
                         NULL);
    }
}
