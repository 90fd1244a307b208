/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distributed herder (see kc_distributed_herder.h).
 *
 * Start (the caller's thread, before the loop): create or check the three
 * internal topics and read them to the end, load every configured
 * connector into the core (nothing runs before an assignment), start the
 * loop thread, which joins the group.
 *
 * The loop (one thread): each op is one of
 *  - a group member result: kc_group_member_handle_op, which calls back
 *    on_revoked / on_assigned on this thread;
 *  - a config-topic change (the store's listener posts it): the core
 *    syncs that connector (kc_herder_core_sync); a new or removed
 *    connector, or a changed task count, asks for a rebalance;
 *  - a REST op or a connector-thread result: kc_herder_core_run_op, with
 *    writes refused off the leader (NOT_LEADER) and during a rebalance
 *    (REBALANCING), as Apache's 409s.
 * Config and status records other workers write wake the loop through
 * the queue's eventfd (kc_kafka_log_wake_fd) and are served there.
 *
 * What runs here is the last assignment (vt->runs); the core starts and
 * stops only that.
 */
#include "kc_internal.h"

#include "distributed/kc_distributed_config.h"
#include "distributed/kc_distributed_herder.h"
#include "distributed/kc_distributed_herder_int.h"
#include "distributed/kc_group_member.h"
#include "distributed/kc_kafka_config_store.h"
#include "distributed/kc_kafka_offset_store.h"
#include "distributed/kc_layered_offset_store.h"
#include "distributed/kc_kafka_status_store.h"
#include "herder/kc_herder_core.h"
#include "runtime/kc_task.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_opq.h"
#include "util/kc_str.h"
#include "util/kc_timers.h"

#include <pthread.h>

/* ---- assignment --------------------------------------------------------- */

static bool kc_dh_runs(kc_herder_t *h, const char *name, int task)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;

    if (task < 0) {
        for (size_t i = 0; i < dh->nconns; i++) {
            if (strcmp(dh->conns[i], name) == 0) {
                return true;
            }
        }
        return false;
    }
    for (size_t i = 0; i < dh->ntasks; i++) {
        if (dh->tasks[i].task == task &&
            strcmp(dh->tasks[i].connector, name) == 0) {
            return true;
        }
    }
    return false;
}

static kc_target_state_t kc_dh_target(kc_herder_t *h, const char *name)
{
    kc_target_state_t t = KC_TARGET_STARTED;

    if (kc_kafka_config_store_target(h->configs, name, &t) != KC_OK) {
        return KC_TARGET_STARTED;
    }
    return t;
}

static void kc_dh_clear_assignment(kc_dist_herder_t *dh)
{
    for (size_t i = 0; i < dh->nconns; i++) {
        kc_free(dh->conns[i]);
    }
    kc_free(dh->conns);
    dh->conns = NULL;
    dh->nconns = 0;
    for (size_t i = 0; i < dh->ntasks; i++) {
        kc_free(dh->tasks[i].connector);
    }
    kc_free(dh->tasks);
    dh->tasks = NULL;
    dh->ntasks = 0;
}

static kc_dh_known_t *kc_dh_known(kc_dist_herder_t *dh, const char *name,
                                  bool add)
{
    for (size_t i = 0; i < dh->nknown; i++) {
        if (strcmp(dh->known[i].name, name) == 0) {
            return &dh->known[i];
        }
    }
    if (!add) {
        return NULL;
    }
    dh->known = kc_realloc(dh->known, (dh->nknown + 1) * sizeof(*dh->known));
    memset(&dh->known[dh->nknown], 0, sizeof(*dh->known));
    dh->known[dh->nknown].name = kc_strdup(name);
    return &dh->known[dh->nknown++];
}

static void kc_dh_forget_known(kc_dist_herder_t *dh, const char *name)
{
    for (size_t i = 0; i < dh->nknown; i++) {
        if (strcmp(dh->known[i].name, name) == 0) {
            kc_free(dh->known[i].name);
            dh->known[i] = dh->known[--dh->nknown];
            return;
        }
    }
}

static size_t kc_dh_store_ntasks(kc_dist_herder_t *dh, const char *name)
{
    kc_props_t **tasks = NULL;
    size_t n = 0;

    if (kc_config_store_tasks(dh->base.configs, name, &tasks, &n) != KC_OK) {
        return 0;
    }
    kc_tasks_free(tasks, n);
    return n;
}

/*
 * Bring every connector the core or the config topic knows in line with
 * the store and the assignment.
 */
static void kc_dh_sync_all(kc_dist_herder_t *dh)
{
    kc_herder_t *h = &dh->base;
    char **names = NULL;
    size_t n = 0;

    kc_kafka_config_store_connectors(h->configs, &names, &n);
    pthread_mutex_lock(&h->exec_lock);
    /* Connectors gone from the topic first (the core's list changes). */
    for (size_t i = h->nconns; i-- > 0;) {
        bool stored = false;

        for (size_t j = 0; j < n && !stored; j++) {
            stored = strcmp(names[j], h->conns[i]->name) == 0;
        }
        if (!stored) {
            char *gone = kc_strdup(h->conns[i]->name);

            kc_herder_core_sync(h, gone);
            kc_free(gone);
        }
    }
    for (size_t i = 0; i < n; i++) {
        kc_dh_known_t *k = kc_dh_known(dh, names[i], true);

        kc_herder_core_sync(h, names[i]);
        k->ntasks = kc_dh_store_ntasks(dh, names[i]);
        if (dh->leader) {
            /* Apache's updateDeletedTaskStatus: the tasks a reconfigure
             * or a stop removed leave every worker's status view. */
            kc_kafka_status_store_delete_tasks_from(h->status, names[i],
                                                    k->ntasks);
        }
        kc_free(names[i]);
    }
    pthread_mutex_unlock(&h->exec_lock);
    kc_free(names);
}

/* ---- group member callbacks (the herder thread) ------------------------- */

static int64_t kc_dh_config_offset(void *opaque)
{
    kc_dist_herder_t *dh = opaque;

    return kc_kafka_config_store_offset(dh->base.configs);
}

static kc_err_t kc_dh_config_snapshot(void *opaque, bool refresh,
                                      kc_arena_t *arena,
                                      kc_assign_config_t *out)
{
    kc_dist_herder_t *dh = opaque;
    kc_config_store_t *cs = dh->base.configs;
    kc_assign_connector_t *conns;
    char **names = NULL;
    size_t n = 0;
    kc_error_t err;

    if (refresh && kc_kafka_config_store_refresh(cs, KC_DH_STORE_TIMEOUT_MS,
                                                 &err) != KC_OK) {
        kc_log_warn(KC_DH_LOGGER, "could not read the config topic: %s",
                    err.msg);
        return KC_ERR;
    }
    kc_kafka_config_store_connectors(cs, &names, &n);
    conns = kc_arena_alloc(arena, (n + 1) * sizeof(*conns));
    for (size_t i = 0; i < n; i++) {
        conns[i].name = kc_arena_strdup(arena, names[i]);
        conns[i].tasks = kc_kafka_config_store_inconsistent(cs, names[i])
                             ? 0
                             : (int32_t)kc_dh_store_ntasks(dh, names[i]);
        kc_free(names[i]);
    }
    kc_free(names);
    out->offset = kc_kafka_config_store_offset(cs);
    out->refreshed = refresh;
    out->connectors = conns;
    out->n_connectors = n;
    return KC_OK;
}

/* kc_worker_stop_unkept's filter: what the assignment still holds. */
static bool kc_dh_keeps(void *opaque, const char *connector, int task)
{
    kc_dist_herder_t *dh = opaque;

    return kc_dh_runs(&dh->base, connector, task);
}

static void kc_dh_on_revoked(void *opaque, const kc_group_work_t *work,
                             bool lost)
{
    kc_dist_herder_t *dh = opaque;

    if (lost) {
        kc_dh_clear_assignment(dh);
        dh->assigned = false;
    } else {
        for (size_t i = 0; i < work->n_connectors; i++) {
            for (size_t j = 0; j < dh->nconns; j++) {
                if (strcmp(dh->conns[j], work->connectors[i]) == 0) {
                    kc_free(dh->conns[j]);
                    dh->conns[j] = dh->conns[--dh->nconns];
                    break;
                }
            }
        }
        for (size_t i = 0; i < work->n_tasks; i++) {
            for (size_t j = 0; j < dh->ntasks; j++) {
                if (dh->tasks[j].task == work->tasks[i].task &&
                    strcmp(dh->tasks[j].connector, work->tasks[i].connector) ==
                        0) {
                    kc_free(dh->tasks[j].connector);
                    dh->tasks[j] = dh->tasks[--dh->ntasks];
                    break;
                }
            }
        }
    }
    kc_log_info(KC_DH_LOGGER,
                "Stopping %zu connectors and %zu tasks that were revoked%s",
                work->n_connectors, work->n_tasks,
                lost ? " (the coordinator is out of reach)" : "");
    /* All revoked tasks at once (the sync below would stop them one
     * connector at a time, each with its own graceful timeout): the old
     * owner must be done before it rejoins and a new owner starts them. */
    pthread_mutex_lock(&dh->base.exec_lock);
    kc_worker_stop_unkept(dh->base.w, kc_dh_keeps, dh);
    pthread_mutex_unlock(&dh->base.exec_lock);
    kc_dh_sync_all(dh);
}

/* Copy the leader's owner table (dh->lock held). */
static void kc_dh_keep_owners(kc_dist_herder_t *dh,
                              const kc_group_assignment_t *a)
{
    kc_arena_destroy(dh->owners_arena);
    dh->owners_arena = NULL;
    dh->owners = NULL;
    dh->nowners = 0;
    if (a->n_owners == 0) {
        return;
    }
    dh->owners_arena = kc_arena_new(0);
    dh->owners =
        kc_arena_calloc(dh->owners_arena, a->n_owners, sizeof(*dh->owners));
    for (size_t i = 0; i < a->n_owners; i++) {
        dh->owners[i].connector =
            kc_arena_strdup(dh->owners_arena, a->owners[i].connector);
        dh->owners[i].task = a->owners[i].task;
        dh->owners[i].url = kc_arena_strdup(dh->owners_arena, a->owners[i].url);
    }
    dh->nowners = a->n_owners;
}

static void kc_dh_on_assigned(void *opaque, const kc_group_assignment_t *a)
{
    kc_dist_herder_t *dh = opaque;
    kc_config_store_t *cs = dh->base.configs;
    kc_error_t err;

    pthread_mutex_lock(&dh->lock);
    kc_free(dh->leader_url);
    dh->leader_url = a->leader_url != NULL && *a->leader_url != '\0'
                         ? kc_strdup(a->leader_url)
                         : NULL;
    kc_dh_keep_owners(dh, a);
    pthread_mutex_unlock(&dh->lock);
    dh->leader = a->is_leader;
    kc_kafka_status_store_set_generation(dh->base.status, a->generation);
    if (a->error == KC_CONNECT_CONFIG_MISMATCH ||
        kc_kafka_config_store_offset(cs) < a->config_offset) {
        /* As Apache's handleRebalanceCompleted: catch up with the config
         * topic; still behind, rejoin with the fresh view. */
        if (kc_kafka_config_store_refresh(cs, dh->dc.worker_sync_timeout_ms,
                                          &err) != KC_OK) {
            kc_log_warn(KC_DH_LOGGER,
                        "could not catch up with the config topic: %s",
                        err.msg);
        }
        if (a->error == KC_CONNECT_CONFIG_MISMATCH) {
            kc_group_member_request_rejoin(dh->member);
            return;
        }
    }
    kc_dh_clear_assignment(dh);
    dh->conns = kc_calloc(a->all.n_connectors + 1, sizeof(*dh->conns));
    for (size_t i = 0; i < a->all.n_connectors; i++) {
        dh->conns[i] = kc_strdup(a->all.connectors[i]);
    }
    dh->nconns = a->all.n_connectors;
    dh->tasks = kc_calloc(a->all.n_tasks + 1, sizeof(*dh->tasks));
    for (size_t i = 0; i < a->all.n_tasks; i++) {
        dh->tasks[i].connector = kc_strdup(a->all.tasks[i].connector);
        dh->tasks[i].task = a->all.tasks[i].task;
    }
    dh->ntasks = a->all.n_tasks;
    dh->assigned = true;
    dh->assigned_offset = a->config_offset;
    kc_log_info(KC_DH_LOGGER,
                "Starting connectors and tasks using config offset %lld "
                "(generation %d, %s; %zu connectors, %zu tasks)",
                (long long)a->config_offset, (int)a->generation,
                a->is_leader ? "leader" : "follower", dh->nconns, dh->ntasks);
    kc_dh_sync_all(dh);
    kc_dh_session_key_check(dh);
}

/* ---- config-topic changes ----------------------------------------------- */

static void kc_dh_change_destroy(kc_opq_op_t *q)
{
    kc_dh_change_t *c = (kc_dh_change_t *)q;

    kc_free(c->connector);
    kc_free(c);
}

/* The store's listener, inside a read of the config log: post it. */
static void kc_dh_on_change(void *opaque, const kc_config_change_t *change)
{
    kc_dist_herder_t *dh = opaque;
    kc_dh_change_t *c = kc_calloc(1, sizeof(*c));

    c->q.kind = KC_DH_OP_CHANGE;
    c->q.destroy = kc_dh_change_destroy;
    c->kind = change->kind;
    c->connector =
        change->connector != NULL ? kc_strdup(change->connector) : NULL;
    c->include_tasks = change->include_tasks;
    c->only_failed = change->only_failed;
    if (kc_opq_post(dh->ops, &c->q) != KC_OK) {
        kc_dh_change_destroy(&c->q);
    }
}

/* A restart request read from the topic: restart what runs here. */
static void kc_dh_restart(kc_dist_herder_t *dh, const kc_dh_change_t *c)
{
    kc_dh_known_t *k = kc_dh_known(dh, c->connector, false);
    kc_op_t *op;

    if (k != NULL && k->own_restarts > 0) {
        k->own_restarts--; /* served when the leader wrote it */
        return;
    }
    /* The core restarts only what runs here (vt->runs). */
    op = kc_op_new(KC_OP_RESTART, c->connector);
    op->b1 = c->include_tasks;
    op->b2 = c->only_failed;
    if (kc_herder_core_run_op(&dh->base, op)) {
        kc_opq_reply(&op->q); /* nobody waits: destroyed */
    } /* else held while the connector is busy; the core answers it */
}

static void kc_dh_change(kc_dist_herder_t *dh, const kc_dh_change_t *c)
{
    kc_herder_t *h = &dh->base;
    kc_dh_known_t *k;
    bool rebalance = false;
    size_t n;

    switch (c->kind) {
    case KC_CONFIG_CHANGE_CONNECTOR:
        k = kc_dh_known(dh, c->connector, false);
        if (k == NULL) {
            kc_dh_known(dh, c->connector, true);
            rebalance = true; /* a new connector needs an owner */
        }
        break;
    case KC_CONFIG_CHANGE_CONNECTOR_REMOVED:
        kc_dh_forget_known(dh, c->connector);
        rebalance = true;
        break;
    case KC_CONFIG_CHANGE_TASKS:
        k = kc_dh_known(dh, c->connector, true);
        n = kc_dh_store_ntasks(dh, c->connector);
        rebalance = n != k->ntasks;
        k->ntasks = n;
        break;
    case KC_CONFIG_CHANGE_TARGET:
        break;
    case KC_CONFIG_CHANGE_RESTART:
        kc_dh_restart(dh, c);
        return;
    case KC_CONFIG_CHANGE_SESSION_KEY:
        return; /* request signing uses it (REST forwarding) */
    }
    pthread_mutex_lock(&h->exec_lock);
    kc_herder_core_sync(h, c->connector);
    pthread_mutex_unlock(&h->exec_lock);
    if (rebalance && dh->member != NULL) {
        /* As Apache's needsReconfigRebalance: the assignment changes. */
        kc_group_member_request_rejoin(dh->member);
    }
}

/* The group member gave up: as Apache's DistributedHerder.run, whose
 * catch logs the exception and exits the JVM, end the loop (which stops
 * the work and leaves the group) and tell the program. */
static void kc_dh_on_fatal(void *opaque, const char *why)
{
    kc_dist_herder_t *dh = opaque;
    void (*fn)(void *opaque);
    void *fn_opaque;

    kc_log_error(KC_DH_LOGGER,
                 "Uncaught exception in herder work thread, exiting: %s", why);
    pthread_mutex_lock(&dh->lock);
    if (dh->failure == NULL) {
        dh->failure = kc_strdup(why);
    }
    dh->stopping = true;
    fn = dh->on_fatal;
    fn_opaque = dh->on_fatal_opaque;
    dh->on_fatal = NULL;
    pthread_mutex_unlock(&dh->lock);
    if (fn != NULL) {
        fn(fn_opaque);
    }
}

void kc_distributed_herder_on_fatal(kc_herder_t *h, void (*fn)(void *opaque),
                                    void *opaque)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;

    pthread_mutex_lock(&dh->lock);
    dh->on_fatal = fn;
    dh->on_fatal_opaque = opaque;
    pthread_mutex_unlock(&dh->lock);
}

char *kc_distributed_herder_failure(kc_herder_t *h)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    char *why;

    pthread_mutex_lock(&dh->lock);
    why = dh->failure != NULL ? kc_strdup(dh->failure) : NULL;
    pthread_mutex_unlock(&dh->lock);
    return why;
}

/* ---- REST ops ------------------------------------------------------------ */

/*
 * The leader-only ops with Apache's NotLeaderException message, NULL for
 * the others (reads; pause and resume, which any worker writes, as
 * Apache's AbstractHerder does).
 */
static const char *kc_dh_leader_only(kc_op_type_t t)
{
    switch (t) {
    case KC_OP_PUT:
    case KC_OP_PATCH:
        return "Only the leader can set connector configs.";
    case KC_OP_DELETE:
        return "Only the leader can delete connector configs.";
    case KC_OP_STOP:
        return "Only the leader can transition connectors to the STOPPED "
               "state.";
    case KC_OP_RESTART:
        return "Only the leader can process restart requests.";
    case KC_OP_ALTER_OFFSETS:
    case KC_OP_RESET_OFFSETS:
        return "Only the leader can process external offsets modification "
               "requests";
    default:
        return NULL;
    }
}

/* @returns false when the op was refused (its reply is filled). */
static bool kc_dh_admit(kc_dist_herder_t *dh, kc_op_t *op)
{
    const char *only = kc_dh_leader_only(op->type);
    bool writes =
        only != NULL || op->type == KC_OP_PAUSE || op->type == KC_OP_RESUME;

    if (!writes) {
        return true;
    }
    if (!dh->assigned || !kc_group_member_stable(dh->member) ||
        kc_kafka_config_store_offset(dh->base.configs) < dh->assigned_offset) {
        op->rc = kc_error_set(&op->err, KC_ERR_CONFLICT,
                              "Request cannot be completed because a "
                              "rebalance is expected");
        op->err.flags |= KC_HERDER_F_REBALANCING;
        return false;
    }
    if (only != NULL && !dh->leader) {
        op->rc = kc_error_set(&op->err, KC_ERR_CONFLICT, "%s", only);
        op->err.flags |= KC_HERDER_F_NOT_LEADER;
        return false;
    }
    return true;
}

/* A restart on the leader: tell every worker through the config topic. */
static void kc_dh_publish_restart(kc_dist_herder_t *dh, kc_op_t *op)
{
    kc_error_t err;

    if (op->rc != KC_OK) {
        return;
    }
    if (kc_kafka_config_store_put_restart(dh->base.configs, op->name, op->b2,
                                          op->b1, &err) != KC_OK) {
        kc_log_error(KC_DH_LOGGER,
                     "could not write the restart request of %s: %s", op->name,
                     err.msg);
        return;
    }
    kc_dh_known(dh, op->name, true)->own_restarts++;
}

/* ---- the thread ---------------------------------------------------------- */

static bool kc_dh_stopping(kc_dist_herder_t *dh)
{
    bool stopping;

    pthread_mutex_lock(&dh->lock);
    stopping = dh->stopping;
    pthread_mutex_unlock(&dh->lock);
    return stopping;
}

static void kc_dh_serve_logs(kc_dist_herder_t *dh)
{
    kc_kafka_log_serve(kc_kafka_config_store_log(dh->base.configs));
    kc_kafka_log_serve(kc_kafka_status_store_log(dh->base.status));
}

static void kc_dh_serve(kc_dist_herder_t *dh, kc_opq_op_t *qop)
{
    kc_op_t *op = (kc_op_t *)qop;

    if (kc_group_member_handle_op(qop)) {
        return;
    }
    if (qop->kind == KC_DH_OP_CHANGE) {
        kc_dh_change(dh, (kc_dh_change_t *)qop);
        qop->destroy(qop);
        return;
    }
    if (qop->kind == KC_DH_OP_RESEND) {
        kc_dh_resend_later(dh, ((kc_dh_resend_t *)qop)->connector);
        qop->destroy(qop);
        return;
    }
    if (!kc_dh_admit(dh, op)) {
        kc_opq_reply(qop);
        return;
    }
    if (!kc_herder_core_run_op(&dh->base, op)) {
        return; /* held by the core: it answers it later */
    }
    if (op->type == KC_OP_RESTART) {
        kc_dh_publish_restart(dh, op);
    }
    if (op->type == KC_OP_RESTART_TASK && op->rc == KC_ERR_CONFLICT) {
        /* As Apache's restartTask: a follower sends it to the leader, the
         * leader to the worker that runs the task (NotAssignedException
         * with the owner's URL); the REST layer forwards either. */
        if (dh->leader) {
            kc_error_set(&op->err, KC_ERR_CONFLICT,
                         "Cannot restart task since it is not assigned to "
                         "this member");
            op->err.flags |= KC_HERDER_F_NOT_ASSIGNED;
        } else {
            kc_error_set(&op->err, KC_ERR_CONFLICT,
                         "Only the leader can process restart requests.");
            op->err.flags |= KC_HERDER_F_NOT_LEADER;
        }
    }
    kc_opq_reply(qop);
}

static void *kc_dh_main(void *arg)
{
    kc_dist_herder_t *dh = arg;
    kc_error_t err;

    kc_log_set_context(NULL);
    if (kc_group_member_start(dh->member, &err) != KC_OK) {
        kc_log_error(KC_DH_LOGGER, "could not join group %s: %s",
                     dh->dc.group_id, err.msg);
    }
    while (!kc_dh_stopping(dh)) {
        kc_opq_op_t *qop = kc_opq_pop(dh->ops, kc_timers_next(dh->timers));

        kc_dh_serve_logs(dh);
        kc_timers_run(dh->timers, kc_clock_now_ms());
        if (qop != NULL) {
            kc_dh_serve(dh, qop);
        }
    }
    /* As Apache's halt: stop all work, then leave the group, so no other
     * worker starts it while it still runs here. */
    kc_dh_clear_assignment(dh);
    dh->assigned = false;
    /* Every task at once, as on a revocation: within one graceful
     * timeout, before the session can lapse and the group hands them to
     * another worker while this one still runs them. */
    pthread_mutex_lock(&dh->base.exec_lock);
    kc_worker_stop_unkept(dh->base.w, kc_dh_keeps, dh);
    pthread_mutex_unlock(&dh->base.exec_lock);
    kc_dh_sync_all(dh);
    kc_group_member_stop(dh->member);
    kc_opq_close(dh->ops);
    for (;;) {
        kc_opq_op_t *qop = kc_opq_pop(dh->ops, 0);

        if (qop == NULL) {
            break;
        }
        if (qop->kind == KC_DH_OP_CHANGE || qop->kind == KC_DH_OP_RESEND ||
            qop->kind == KC_GROUP_MEMBER_OP) {
            qop->destroy(qop);
            continue;
        }
        ((kc_op_t *)qop)->rc =
            kc_error_set(&((kc_op_t *)qop)->err, KC_ERR,
                         "Herder is stopping; request not completed");
        kc_opq_reply(qop);
    }
    return NULL;
}

/* ---- vt --------------------------------------------------------------------
 */

static kc_err_t kc_dh_submit(kc_herder_t *h, kc_op_t *op, int64_t timeout_ms,
                             kc_op_t **reply, kc_error_t *err)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    kc_opq_op_t *qreply = NULL;
    bool started;
    kc_err_t rc;

    pthread_mutex_lock(&dh->lock);
    started = dh->started && !dh->stopping;
    pthread_mutex_unlock(&dh->lock);
    if (!started) {
        kc_op_destroy(&op->q);
        return kc_error_set(err, KC_ERR,
                            "Herder is not running; request not completed");
    }
    rc = kc_opq_call(dh->ops, &op->q, timeout_ms, &qreply);
    if (rc == KC_ERR_TIMEOUT) {
        return kc_error_set(err, KC_ERR_TIMEOUT, "Request timed out");
    }
    if (rc != KC_OK) {
        kc_op_destroy(&op->q);
        return kc_error_set(err, KC_ERR,
                            "Herder is stopping; request not completed");
    }
    *reply = (kc_op_t *)qreply;
    return KC_OK;
}

static kc_err_t kc_dh_post(kc_herder_t *h, kc_op_t *op)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;

    if (kc_opq_post(dh->ops, &op->q) != KC_OK) {
        kc_op_destroy(&op->q);
        return KC_ERR_CONFLICT;
    }
    return KC_OK;
}

static void kc_dh_on_reconfigure(void *opaque, const char *connector)
{
    kc_dist_herder_t *dh = opaque;
    kc_op_t *op = kc_op_new(KC_OP_RECONFIGURE, connector);

    if (kc_opq_post(dh->ops, &op->q) != KC_OK) {
        kc_op_destroy(&op->q);
    }
}

static int kc_dh_rf(int16_t rf)
{
    return rf > 0 ? rf : -1;
}

/*
 * A source connector's own offsets.storage.topic, as Apache's
 * Worker.offsetStoreForRegularSourceConnector: the worker's own topic is
 * the worker's store; any other is created (compacted, with the worker's
 * offset.storage.partitions and replication factor) or checked, read to
 * its end, and layered over the worker's store
 * (kc_layered_offset_store.h). Every task and REST call of connectors on
 * that topic shares the one store. Any thread.
 */
static kc_offset_store_t *
kc_dh_connector_offsets(void *opaque, const char *topic, kc_error_t *err)
{
    kc_dist_herder_t *dh = opaque;
    kc_kafka_offset_store_conf_t oc = {0};
    kc_offset_store_t *primary;
    kc_offset_store_t *store = NULL;

    if (strcmp(topic, dh->dc.offset_storage_topic) == 0) {
        return kc_worker_offset_store(dh->base.w);
    }
    pthread_mutex_lock(&dh->conn_offsets_lock);
    for (size_t i = 0; i < dh->nconn_offsets; i++) {
        if (strcmp(dh->conn_offsets_topics[i], topic) == 0) {
            store = dh->conn_offsets[i];
            break;
        }
    }
    if (store != NULL) {
        pthread_mutex_unlock(&dh->conn_offsets_lock);
        return store;
    }
    oc.topic = topic;
    oc.topic_config = "offsets.storage.topic";
    oc.partitions = dh->dc.offset_storage_partitions;
    oc.replication_factor = kc_dh_rf(dh->dc.offset_storage_replication_factor);
    oc.client = dh->client;
    primary = kc_kafka_offset_store_new(&oc, err);
    if (primary != NULL && kc_kafka_offset_store_start(primary, err) != KC_OK) {
        kc_offset_store_destroy(primary);
        primary = NULL;
    }
    if (primary != NULL) {
        store = kc_layered_offset_store_new(primary,
                                            kc_worker_offset_store(dh->base.w));
        dh->conn_offsets_topics = kc_realloc(
            dh->conn_offsets_topics, (dh->nconn_offsets + 1) * sizeof(char *));
        dh->conn_offsets =
            kc_realloc(dh->conn_offsets,
                       (dh->nconn_offsets + 1) * sizeof(kc_offset_store_t *));
        dh->conn_offsets_topics[dh->nconn_offsets] = kc_strdup(topic);
        dh->conn_offsets[dh->nconn_offsets++] = store;
    }
    pthread_mutex_unlock(&dh->conn_offsets_lock);
    return store;
}

static kc_err_t kc_dh_start_stores(kc_dist_herder_t *dh, kc_error_t *err)
{
    kc_herder_t *h = &dh->base;
    kc_kafka_offset_store_conf_t oc = {0};
    kc_offset_store_t *offsets;

    kc_log_info(KC_DH_LOGGER, "Starting the config, status and offset stores");
    if (kc_kafka_config_store_start(h->configs, err) != KC_OK ||
        kc_kafka_status_store_start(h->status, err) != KC_OK) {
        return KC_ERR;
    }
    oc.topic = dh->dc.offset_storage_topic;
    oc.topic_config = "offset.storage.topic";
    oc.partitions = dh->dc.offset_storage_partitions;
    oc.replication_factor = kc_dh_rf(dh->dc.offset_storage_replication_factor);
    oc.client = dh->client;
    offsets = kc_kafka_offset_store_new(&oc, err);
    if (offsets == NULL) {
        return KC_ERR;
    }
    if (kc_kafka_offset_store_start(offsets, err) != KC_OK) {
        kc_offset_store_destroy(offsets);
        return KC_ERR;
    }
    kc_worker_set_offset_store(h->w, offsets);
    kc_worker_set_connector_offsets(h->w, kc_dh_connector_offsets, dh);
    kc_kafka_log_wake_fd(kc_kafka_config_store_log(h->configs),
                         kc_opq_fd(dh->ops));
    kc_kafka_log_wake_fd(kc_kafka_status_store_log(h->status),
                         kc_opq_fd(dh->ops));
    return KC_OK;
}

static kc_err_t kc_dh_start(kc_herder_t *h, kc_error_t *err)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    kc_group_member_conf_t mc = {0};
    kc_group_member_cbs_t cbs = {0};
    int rc;

    pthread_mutex_lock(&dh->lock);
    if (dh->started) {
        pthread_mutex_unlock(&dh->lock);
        return KC_OK;
    }
    pthread_mutex_unlock(&dh->lock);
    kc_log_info(KC_DH_LOGGER, "Herder starting");
    if (kc_dh_start_stores(dh, err) != KC_OK) {
        return KC_ERR;
    }
    /* Every configured connector, none running: no assignment yet. */
    kc_dh_sync_all(dh);
    mc.bootstrap = kc_props_get(dh->client, "bootstrap.servers");
    /* the group client authenticates as the internal topics' clients do */
    mc.security = dh->dc.security;
    mc.group_id = dh->dc.group_id;
    mc.client_id = kc_props_get(dh->props, "client.id");
    if (mc.client_id == NULL) {
        mc.client_id = "connect-1";
    }
    mc.rest_url = dh->url != NULL ? dh->url : "";
    mc.session_timeout_ms = dh->dc.session_timeout_ms;
    mc.rebalance_timeout_ms = dh->dc.rebalance_timeout_ms;
    mc.heartbeat_interval_ms = dh->dc.heartbeat_interval_ms;
    mc.scheduled_rebalance_max_delay_ms =
        dh->dc.scheduled_rebalance_max_delay_ms;
    mc.protocol = dh->dc.protocol;
    cbs.opaque = dh;
    cbs.config_offset = kc_dh_config_offset;
    cbs.config_snapshot = kc_dh_config_snapshot;
    cbs.on_revoked = kc_dh_on_revoked;
    cbs.on_assigned = kc_dh_on_assigned;
    cbs.on_fatal = kc_dh_on_fatal;
    dh->member = kc_group_member_new(&mc, &cbs, dh->ops, dh->timers, err);
    if (dh->member == NULL) {
        return KC_ERR;
    }
    kc_herder_core_set_async(h, true);
    pthread_mutex_lock(&dh->lock);
    rc = pthread_create(&dh->thread, NULL, kc_dh_main, dh);
    if (rc != 0) {
        pthread_mutex_unlock(&dh->lock);
        kc_herder_core_set_async(h, false);
        return kc_error_set(err, KC_ERR, "could not start herder thread: %s",
                            strerror(rc));
    }
    dh->started = true;
    pthread_mutex_unlock(&dh->lock);
    kc_log_info(KC_DH_LOGGER, "Herder started; joining group %s",
                dh->dc.group_id);
    return KC_OK;
}

static bool kc_dh_ready(kc_herder_t *h)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    bool ready;

    pthread_mutex_lock(&dh->lock);
    ready = dh->started && !dh->stopping;
    pthread_mutex_unlock(&dh->lock);
    return ready;
}

static void kc_dh_stop(kc_herder_t *h)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    bool started;

    pthread_mutex_lock(&dh->lock);
    dh->stopping = true;
    started = dh->started;
    pthread_mutex_unlock(&dh->lock);
    if (started) {
        kc_opq_wake(dh->ops);
        pthread_join(dh->thread, NULL);
    } else {
        kc_opq_close(dh->ops);
    }
}

static void kc_dh_free(kc_herder_t *h)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;

    kc_worker_set_reconfigure_listener(h->w, NULL, NULL);
    /* Sends in flight end within their timeout; they use the client. */
    kc_dh_sends_wait(dh);
    kc_rest_client_destroy(dh->rest);
    pthread_mutex_destroy(&dh->sends_lock);
    pthread_cond_destroy(&dh->sends_done);
    for (size_t i = 0; i < dh->nresend; i++) {
        kc_free(dh->resend[i]);
    }
    kc_free(dh->resend);
    kc_group_member_destroy(dh->member);
    kc_dh_clear_assignment(dh);
    for (size_t i = 0; i < dh->nknown; i++) {
        kc_free(dh->known[i].name);
    }
    kc_free(dh->known);
    kc_opq_unref(dh->ops);
    kc_timers_destroy(dh->timers);
    kc_distributed_conf_release(&dh->dc);
    kc_props_destroy(dh->props);
    kc_props_destroy(dh->client);
    kc_free(dh->url);
    kc_free(dh->leader_url);
    kc_arena_destroy(dh->owners_arena);
    kc_free(dh->failure);
    kc_worker_set_connector_offsets(h->w, NULL, NULL);
    for (size_t i = 0; i < dh->nconn_offsets; i++) {
        kc_offset_store_destroy(dh->conn_offsets[i]);
        kc_free(dh->conn_offsets_topics[i]);
    }
    kc_free(dh->conn_offsets);
    kc_free(dh->conn_offsets_topics);
    pthread_mutex_destroy(&dh->conn_offsets_lock);
    pthread_mutex_destroy(&dh->lock);
    kc_free(dh);
}

static char *kc_dh_leader_url(kc_herder_t *h)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    char *url;

    pthread_mutex_lock(&dh->lock);
    url = dh->leader_url != NULL ? kc_strdup(dh->leader_url) : NULL;
    pthread_mutex_unlock(&dh->lock);
    return url;
}

static char *kc_dh_owner_url(kc_herder_t *h, const char *name, int task)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    char *url = NULL;

    pthread_mutex_lock(&dh->lock);
    for (size_t i = 0; i < dh->nowners; i++) {
        if (dh->owners[i].task == task &&
            strcmp(dh->owners[i].connector, name) == 0) {
            url = kc_strdup(dh->owners[i].url);
            break;
        }
    }
    pthread_mutex_unlock(&dh->lock);
    return url;
}

static const kc_herder_vt_t kc_dh_vt = {
    .submit = kc_dh_submit,
    .start = kc_dh_start,
    .ready = kc_dh_ready,
    .stop = kc_dh_stop,
    .free = kc_dh_free,
    .post = kc_dh_post,
    .leader_url = kc_dh_leader_url,
    .owner_url = kc_dh_owner_url,
    .runs = kc_dh_runs,
    .target = kc_dh_target,
    .internal_op = kc_dh_internal_op,
    .put_tasks = kc_dh_put_tasks,
    .logger = KC_DH_LOGGER,
};

/* The Kafka client settings of the internal topics' clients. */
static kc_props_t *kc_dh_client_props(const kc_props_t *props)
{
    static const char *const prefixes[] = {"security.", "sasl.", "ssl."};
    kc_props_t *client = kc_props_new();
    const char *bs = kc_props_get(props, "bootstrap.servers");

    kc_props_set(client, "bootstrap.servers",
                 bs != NULL ? bs : "localhost:9092");
    for (size_t i = 0; i < kc_props_count(props); i++) {
        const char *k = kc_props_key_at(props, i);

        for (size_t j = 0; j < KC_ARRAY_LEN(prefixes); j++) {
            if (strncmp(k, prefixes[j], strlen(prefixes[j])) == 0) {
                kc_props_set(client, k, kc_props_value_at(props, i));
            }
        }
    }
    return client;
}

kc_herder_t *kc_distributed_herder_new(kc_worker_t *w, const kc_props_t *props,
                                       kc_error_t *err)
{
    kc_dist_herder_t *dh = kc_calloc(1, sizeof(*dh));
    kc_kafka_config_store_conf_t cc = {0};
    kc_kafka_status_store_conf_t sc = {0};
    kc_config_store_t *configs = NULL;
    kc_status_store_t *status = NULL;

    pthread_mutex_init(&dh->lock, NULL);
    pthread_mutex_init(&dh->conn_offsets_lock, NULL);
    pthread_mutex_init(&dh->sends_lock, NULL);
    pthread_cond_init(&dh->sends_done, NULL);
    dh->props = kc_props_copy(props);
    dh->rest = kc_rest_client_new(props, 0, err);
    dh->client = kc_dh_client_props(props);
    if (kc_distributed_conf_bind(props, &dh->dc, err) != KC_OK) {
        goto fail;
    }
    dh->ops = kc_opq_new(KC_OPQ_F_EVENTFD, err);
    if (dh->ops == NULL) {
        kc_error_prefix(err, "could not create the herder's op queue");
        goto fail;
    }
    dh->timers = kc_timers_new();
    cc.topic = dh->dc.config_storage_topic;
    cc.replication_factor = kc_dh_rf(dh->dc.config_storage_replication_factor);
    cc.client = dh->client;
    cc.listener = kc_dh_on_change;
    cc.opaque = dh;
    configs = kc_kafka_config_store_new(&cc, err);
    if (configs == NULL) {
        goto fail;
    }
    sc.topic = dh->dc.status_storage_topic;
    sc.partitions = dh->dc.status_storage_partitions;
    sc.replication_factor = kc_dh_rf(dh->dc.status_storage_replication_factor);
    sc.client = dh->client;
    status = kc_kafka_status_store_new(&sc, err);
    if (status == NULL) {
        goto fail;
    }
    kc_herder_core_init(&dh->base, &kc_dh_vt, w, status, configs);
    dh->base.timers = dh->timers; /* automatic restarts run on them */
    kc_worker_set_reconfigure_listener(w, kc_dh_on_reconfigure, dh);
    return &dh->base;
fail:
    kc_config_store_destroy(configs);
    if (dh->ops != NULL) {
        kc_opq_unref(dh->ops);
    }
    kc_timers_destroy(dh->timers);
    kc_distributed_conf_release(&dh->dc);
    kc_props_destroy(dh->props);
    kc_props_destroy(dh->client);
    kc_rest_client_destroy(dh->rest);
    pthread_mutex_destroy(&dh->sends_lock);
    pthread_cond_destroy(&dh->sends_done);
    pthread_mutex_destroy(&dh->lock);
    kc_free(dh);
    return NULL;
}

void kc_distributed_herder_set_url(kc_herder_t *h, const char *url)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;

    kc_free(dh->url);
    dh->url = url != NULL ? kc_strdup(url) : NULL;
}
