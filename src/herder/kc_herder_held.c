/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ops the herder core holds while a connector's own thread runs its start
 * or task_configs (async herders, kc_herder_vt_t.post): an op that changes
 * a busy connector waits (deferred) and runs in order once it is idle; an
 * op that started work waits (parked) for its answer until the work is
 * done; ops of a connector deleted meanwhile are answered before the next
 * op (orphans). kc_herder_core_run_op is the entry point.
 */
#include "kc_internal.h"

#include "herder/kc_herder_core.h"

/* ---- ops held while a connector's thread works (async) --------------- */

static void kc_ops_push(kc_op_t ***ops, size_t *n, kc_op_t *op)
{
    *ops = kc_realloc(*ops, (*n + 1) * sizeof(**ops));
    (*ops)[(*n)++] = op;
}

/*
 * Ops on a busy connector that wait until its job is done: those that
 * change it, and while it computes task configs those that read them (a
 * call made after a reconfiguration request sees its tasks, as Apache's
 * synchronized updateConnectorTasks gives). A put, patch, stop or delete
 * does not wait: it stops the instance, whose result is then dropped.
 */
static bool kc_op_waits_for_idle(kc_op_type_t type, kc_hjob_t job)
{
    switch (type) {
    case KC_OP_RESTART:
    case KC_OP_RESTART_TASK:
    case KC_OP_PAUSE:
    case KC_OP_RESUME:
    case KC_OP_RECONFIGURE:
    case KC_OP_TOPICS_RESET:
    case KC_OP_ALTER_OFFSETS:
    case KC_OP_RESET_OFFSETS:
        return job != KC_HJOB_NONE;
    case KC_OP_INFO:
    case KC_OP_CONFIG:
    case KC_OP_TASKS:
    case KC_OP_TOPICS:
    case KC_OP_OFFSETS:
        return job == KC_HJOB_TASK_CONFIGS;
    default:
        return false;
    }
}

/*
 * Ops answered once the work they started is done, as the synchronous
 * herder answered them: a put after the start and the task configs.
 */
static bool kc_op_waits_for_job(kc_op_type_t type)
{
    switch (type) {
    case KC_OP_PUT:
    case KC_OP_PATCH:
    case KC_OP_RESTART:
    case KC_OP_PAUSE:
    case KC_OP_RESUME:
        return true;
    default:
        return false;
    }
}

static void kc_herder_execute_op(kc_herder_t *h, kc_op_t *op)
{
    kc_err_t rc = kc_herder_execute(h, op);

    if (rc != KC_OK && op->err.code == KC_OK) {
        kc_error_set(&op->err, rc, "%s", kc_err_name(rc));
    }
    if (rc != KC_OK && op->out != NULL &&
        json_object_get(op->out, "error_code") == NULL) {
        /* A partial result is no answer. */
        json_decref(op->out);
        op->out = NULL;
    }
    op->rc = rc;
}

/* Run @p op, or hold it on its connector. @returns whether it ran out. */
static bool kc_herder_dispatch(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c;

    if (h->async && op->type != KC_OP_VALIDATE &&
        op->type != KC_OP_PLUGIN_CONFIG && op->name != NULL) {
        c = kc_herder_find(h, op->name);
        if (c != NULL && kc_op_waits_for_idle(op->type, c->job)) {
            kc_ops_push(&c->deferred, &c->ndeferred, op);
            return false;
        }
    }
    kc_herder_execute_op(h, op);
    if (h->async && op->rc == KC_OK && kc_op_waits_for_job(op->type)) {
        c = kc_herder_find(h, op->name);
        if (c != NULL && c->job != KC_HJOB_NONE) {
            kc_ops_push(&c->parked, &c->nparked, op);
            return false;
        }
    }
    return true;
}

/* Answer a held op, its view taken now that the work is done. */
static void kc_herder_answer(kc_herder_t *h, kc_op_t *op)
{
    if ((op->type == KC_OP_PUT || op->type == KC_OP_PATCH) && op->rc == KC_OK) {
        kc_hconn_t *c = kc_herder_find(h, op->name);

        json_decref(op->out);
        op->out = NULL;
        if (c != NULL) {
            op->out = kc_hconn_info(h, c);
        } else {
            /* Deleted while it started. */
            op->rc = kc_not_found(op);
        }
    }
    kc_opq_reply(&op->q);
}

/* Answer a held op with @p msg, unserved (the herder is stopping). */
void kc_herder_refuse(kc_op_t *op, const char *msg)
{
    json_decref(op->out);
    op->out = NULL;
    op->rc = kc_error_set(&op->err, KC_ERR, "%s", msg);
    kc_opq_reply(&op->q);
}

/* A deleted connector's held ops: answered (or run) before the next op. */
void kc_herder_orphan_ops(kc_herder_t *h, kc_hconn_t *c)
{
    for (size_t i = 0; i < c->nparked; i++) {
        kc_ops_push(&h->orphans, &h->norphans, c->parked[i]);
    }
    for (size_t i = 0; i < c->ndeferred; i++) {
        c->deferred[i]->rerun = true;
        kc_ops_push(&h->orphans, &h->norphans, c->deferred[i]);
    }
    kc_free(c->parked);
    kc_free(c->deferred);
    c->parked = c->deferred = NULL;
    c->nparked = c->ndeferred = 0;
}

/*
 * Answer the held ops of every connector whose job is done, then run the
 * ops that waited for it, in order, until it is busy again.
 */
static void kc_herder_drain(kc_herder_t *h)
{
    bool progress = true;

    while (progress) {
        progress = false;
        if (h->norphans > 0) {
            kc_op_t *op = h->orphans[0];

            memmove(&h->orphans[0], &h->orphans[1],
                    (h->norphans - 1) * sizeof(*h->orphans));
            h->norphans--;
            if (!op->rerun || kc_herder_dispatch(h, op)) {
                kc_herder_answer(h, op);
            }
            progress = true;
            continue;
        }
        for (size_t i = 0; i < h->nconns && !progress; i++) {
            kc_hconn_t *c = h->conns[i];

            if (c->job != KC_HJOB_NONE) {
                continue;
            }
            if (c->nparked > 0) {
                kc_op_t **parked = c->parked;
                size_t n = c->nparked;

                c->parked = NULL;
                c->nparked = 0;
                for (size_t k = 0; k < n; k++) {
                    kc_herder_answer(h, parked[k]);
                }
                kc_free(parked);
                progress = true;
            } else if (c->ndeferred > 0) {
                kc_op_t *op = c->deferred[0];

                memmove(&c->deferred[0], &c->deferred[1],
                        (c->ndeferred - 1) * sizeof(*c->deferred));
                c->ndeferred--;
                if (kc_herder_dispatch(h, op)) {
                    kc_herder_answer(h, op);
                }
                progress = true;
            }
        }
    }
}

bool kc_herder_core_run_op(kc_herder_t *h, kc_op_t *op)
{
    bool answered;

    pthread_mutex_lock(&h->exec_lock);
    answered = kc_herder_dispatch(h, op);
    if (h->async) {
        kc_herder_drain(h);
    }
    pthread_mutex_unlock(&h->exec_lock);
    return answered;
}

void kc_herder_core_set_async(kc_herder_t *h, bool async)
{
    pthread_mutex_lock(&h->exec_lock);
    h->async = async && h->vt->post != NULL;
    pthread_mutex_unlock(&h->exec_lock);
}
