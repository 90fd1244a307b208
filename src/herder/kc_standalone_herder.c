/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The standalone herder: the herder core (kc_herder_core.h) served by one
 * thread; connectors' start and task_configs run on their own threads and
 * come back to it as ops (kc_herder_vt_t.post). The kc_herder_* calls post an
 * op to its queue and wait for the reply (see kc_herder.h); the thread sleeps
 * in kc_opq_pop until an op arrives or the next timer is due (it has no
 * periodic tick). Status lives in a memory kc_status_store_t that task threads
 * write and REST threads read without waiting for the thread.
 */
#include "kc_internal.h"

#include "herder/kc_herder_core.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_opq.h"
#include "util/kc_timers.h"

#include <pthread.h>

typedef struct kc_standalone_herder {
    kc_herder_t base; /* first: the core's part */
    kc_opq_t *ops;
    kc_timers_t *timers;  /* @locality the herder thread */
    pthread_mutex_t lock; /* started, stopping */
    bool stopping;
    bool started;
    pthread_t thread;
} kc_standalone_herder_t;

static bool kc_standalone_stopping(kc_standalone_herder_t *sh)
{
    bool stopping;

    pthread_mutex_lock(&sh->lock);
    stopping = sh->stopping;
    pthread_mutex_unlock(&sh->lock);
    return stopping;
}

static void *kc_standalone_main(void *arg)
{
    kc_standalone_herder_t *sh = arg;

    kc_log_set_context(NULL);
    for (;;) {
        kc_opq_op_t *qop = kc_opq_pop(sh->ops, kc_timers_next(sh->timers));
        kc_op_t *op = (kc_op_t *)qop;

        /* Due timers run even under a steady stream of requests. */
        kc_timers_run(sh->timers, kc_clock_now_ms());
        if (qop == NULL) {
            if (kc_opq_closed(sh->ops) && kc_opq_len(sh->ops) == 0) {
                break;
            }
            continue;
        }
        if (kc_standalone_stopping(sh)) {
            /* Ops still queued are answered: the herder is going away. */
            op->rc = kc_error_set(&op->err, KC_ERR,
                                  "Herder is stopping; request not completed");
        } else if (!kc_herder_core_run_op(&sh->base, op)) {
            continue; /* held by the core: it answers it later */
        }
        kc_opq_reply(qop);
    }
    return NULL;
}

static kc_err_t kc_standalone_stopping_error(kc_error_t *err)
{
    return kc_error_set(err, KC_ERR,
                        "Herder is stopping; request not completed");
}

/* On the herder thread, or here before the thread starts. */
static kc_err_t kc_standalone_submit(kc_herder_t *h, kc_op_t *op,
                                     int64_t timeout_ms, kc_op_t **reply,
                                     kc_error_t *err)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;
    kc_opq_op_t *qreply = NULL;
    bool started;
    kc_err_t rc;

    pthread_mutex_lock(&sh->lock);
    if (sh->stopping) {
        pthread_mutex_unlock(&sh->lock);
        kc_op_destroy(&op->q);
        return kc_standalone_stopping_error(err);
    }
    started = sh->started;
    pthread_mutex_unlock(&sh->lock);
    if (!started) {
        kc_herder_core_run_op(h, op);
        *reply = op;
        return KC_OK;
    }
    rc = kc_opq_call(sh->ops, &op->q, timeout_ms, &qreply);
    if (rc == KC_ERR_TIMEOUT) {
        /* The op is the herder's now; its late reply is dropped. */
        return kc_error_set(err, KC_ERR_TIMEOUT, "Request timed out");
    }
    if (rc != KC_OK) {
        kc_op_destroy(&op->q);
        return kc_standalone_stopping_error(err);
    }
    *reply = (kc_op_t *)qreply;
    return KC_OK;
}

/*
 * A connector asked for a task reconfiguration (any thread): the herder
 * thread asks it for task configs again, as Apache's
 * requestTaskReconfiguration does. Dropped once the herder stops.
 */
static void kc_standalone_on_reconfigure(void *opaque, const char *connector)
{
    kc_standalone_herder_t *sh = opaque;
    kc_op_t *op = kc_op_new(KC_OP_RECONFIGURE, connector);

    if (kc_opq_post(sh->ops, &op->q) != KC_OK) {
        kc_op_destroy(&op->q);
    }
}

/* A connector thread's result (any thread); destroyed once stopped. */
static kc_err_t kc_standalone_post(kc_herder_t *h, kc_op_t *op)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;

    if (kc_opq_post(sh->ops, &op->q) != KC_OK) {
        kc_op_destroy(&op->q);
        return KC_ERR_CONFLICT;
    }
    return KC_OK;
}

static kc_err_t kc_standalone_start(kc_herder_t *h, kc_error_t *err)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;
    int rc;

    pthread_mutex_lock(&sh->lock);
    if (sh->started) {
        pthread_mutex_unlock(&sh->lock);
        return KC_OK;
    }
    kc_log_info(KC_HERDER_LOGGER, "Herder starting");
    /* From now on ops come through the queue: connector calls run on the
     * connectors' threads and their results come back as ops. */
    kc_herder_core_set_async(h, true);
    rc = pthread_create(&sh->thread, NULL, kc_standalone_main, sh);
    if (rc != 0) {
        kc_herder_core_set_async(h, false);
        pthread_mutex_unlock(&sh->lock);
        return kc_error_set(err, KC_ERR, "could not start herder thread: %s",
                            strerror(rc));
    }
    sh->started = true;
    pthread_mutex_unlock(&sh->lock);
    kc_log_info(KC_HERDER_LOGGER, "Herder started");
    return KC_OK;
}

static bool kc_standalone_ready(kc_herder_t *h)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;
    bool ready;

    pthread_mutex_lock(&sh->lock);
    ready = sh->started && !sh->stopping;
    pthread_mutex_unlock(&sh->lock);
    return ready;
}

static void kc_standalone_stop(kc_herder_t *h)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;
    bool started;

    pthread_mutex_lock(&sh->lock);
    sh->stopping = true;
    started = sh->started;
    pthread_mutex_unlock(&sh->lock);
    /* The thread answers what is queued, then leaves. */
    kc_opq_close(sh->ops);
    if (started) {
        pthread_join(sh->thread, NULL);
    }
}

static void kc_standalone_free(kc_herder_t *h)
{
    kc_standalone_herder_t *sh = (kc_standalone_herder_t *)h;

    kc_worker_set_reconfigure_listener(h->w, NULL, NULL);
    /* Before the thread started, ops posted (reconfigure requests) are
     * still queued: the last reference destroys them. */
    kc_opq_unref(sh->ops);
    kc_timers_destroy(sh->timers);
    pthread_mutex_destroy(&sh->lock);
    kc_free(sh);
}

static const kc_herder_vt_t kc_standalone_vt = {
    .submit = kc_standalone_submit,
    .start = kc_standalone_start,
    .ready = kc_standalone_ready,
    .stop = kc_standalone_stop,
    .free = kc_standalone_free,
    .post = kc_standalone_post,
};

kc_herder_t *kc_standalone_herder_new(kc_worker_t *w, kc_error_t *err)
{
    kc_standalone_herder_t *sh = kc_calloc(1, sizeof(*sh));

    sh->ops = kc_opq_new(KC_OPQ_F_EVENTFD, err);
    if (sh->ops == NULL) {
        kc_error_prefix(err, "could not create the herder's op queue");
        kc_free(sh);
        return NULL;
    }
    sh->timers = kc_timers_new();
    pthread_mutex_init(&sh->lock, NULL);
    kc_herder_core_init(&sh->base, &kc_standalone_vt, w, kc_status_store_new(),
                        kc_config_store_new());
    sh->base.timers = sh->timers; /* automatic restarts run on them */
    kc_worker_set_reconfigure_listener(w, kc_standalone_on_reconfigure, sh);
    return &sh->base;
}
