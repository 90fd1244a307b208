/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The group member state machine (see kc_group_member.h). States move on
 * the owner's thread only, one request in flight at a time: a heartbeat
 * due while a JoinGroup or SyncGroup waits is not needed (the coordinator
 * does not expire a member in a join), and a rejoin asked for while a
 * heartbeat waits runs once it is back.
 *
 * The owner's thread also stops connectors and tasks, in the callbacks
 * and in the herder's own ops, and a stop can outlast the session (a
 * sink task's consumer close waits behind its own rebalance). So, as
 * Apache's heartbeat thread does, the I/O thread heartbeats by itself
 * when the owner's heartbeats are late: the owner publishes the
 * generation and member id it may heartbeat with (kc_gm_bg_publish,
 * whenever its state changes and before every callback), and the owner's
 * lost-session timer counts what those heartbeats kept alive. Only the
 * owner moves states; a background heartbeat's error just stops them
 * until the owner, heartbeating again, handles it.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kc_group_member.h"
#include "distributed/kc_group_security.h"
#include "distributed/kc_group_wire.h"
#include "util/kc_clock.h"

#include <librdkafka/rdkafka.h>

#define KC_GM_LOGGER                                                           \
    "org.apache.kafka.connect.runtime.distributed.WorkerCoordinator"

typedef enum kc_gm_state {
    KC_GM_IDLE,   /* not started */
    KC_GM_FIND,   /* looking for the coordinator (or backing off) */
    KC_GM_JOIN,   /* JoinGroup in flight */
    KC_GM_SYNC,   /* SyncGroup in flight */
    KC_GM_STABLE, /* joined, heartbeating */
    KC_GM_FAILED, /* gave up on a fatal error (on_fatal), until stopped */
    KC_GM_STOPPED
} kc_gm_state_t;

typedef enum kc_gm_job_type {
    KC_GM_JOB_FIND,
    KC_GM_JOB_JOIN,
    KC_GM_JOB_SYNC,
    KC_GM_JOB_HEARTBEAT,
    KC_GM_JOB_LEAVE
} kc_gm_job_type_t;

/* One request for the I/O thread and, once done, its result. */
typedef struct kc_gm_job {
    kc_opq_op_t q; /* first */
    kc_group_membership_t *m;
    kc_gm_job_type_t type;
    kc_arena_t *arena;
    kc_join_group_req_t join; /* KC_GM_JOB_JOIN */
    kc_buf_t body;            /* SYNC, HEARTBEAT */
    char *member_id;          /* LEAVE */
    int64_t sent_ms;
    /* result */
    kc_err_t rc;
    kc_error_t err;
    kc_join_group_resp_t jr;
    int16_t error;
    kc_bytes_t assignment;
} kc_gm_job_t;

/* What this worker runs, with the assignment it came from. */
typedef struct kc_gm_snap {
    kc_arena_t *arena;
    bool present;
    const char **connectors;
    size_t n_connectors;
    kc_connect_task_id_t *tasks;
    size_t n_tasks;
    const char *leader;
    const char *leader_url;
    int64_t offset;
    int16_t error;
} kc_gm_snap_t;

struct kc_group_membership {
    /* copied config */
    char *bootstrap;
    kc_group_security_t *security;
    char *group_id;
    char *client_id;
    char *rest_url;
    int32_t session_ms;
    int32_t rebalance_ms;
    int32_t heartbeat_ms;
    int32_t backoff_ms;
    kc_connect_protocol_t protocol;
    kc_group_member_cbs_t cbs;
    kc_opq_t *loopq;
    kc_timers_t *timers;

    /* owner's thread */
    kc_gm_state_t state;
    kc_gm_job_t *inflight;
    bool rejoin_pending;
    bool resume; /* the coordinator moved while stable: heartbeat on */
    int rediscoveries;
    char *find_err;     /* the last FindCoordinator failure logged at WARN */
    char *failure;      /* why it gave up (KC_GM_FAILED) */
    int64_t heartbeats; /* answered without error */
    char *member_id;    /* "" until the coordinator hands one out */
    int32_t generation;
    int32_t last_completed_gen;
    kc_connect_protocol_t current; /* the group's subprotocol */
    bool is_leader;
    char *leader;
    size_t n_members; /* in the last JoinGroup, when leading */
    kc_gm_snap_t snap;
    /* the leader's last assignment: who runs what (kc_gm_lead) */
    kc_arena_t *owners_arena;
    kc_group_owner_t *owners;
    size_t n_owners;
    kc_assignor_t *assignor;
    int64_t last_ok_sent_ms; /* send time of the last request answered */
    uint64_t hb_timer;
    uint64_t lost_timer;
    uint64_t retry_timer;
    uint64_t delay_timer;

    /* background heartbeats: set by the owner under bg_lock, read by the
     * I/O thread; bg_ok_ms and bg_heartbeats the other way round */
    pthread_mutex_t bg_lock;
    bool bg_on;   /* the I/O thread may heartbeat when the owner is late */
    bool bg_dead; /* one failed: not again for this generation */
    int32_t bg_generation;
    char *bg_member_id;
    _Atomic int64_t bg_ok_ms;      /* send time of the last one that kept
                                    * the session (0: none) */
    _Atomic int64_t bg_heartbeats; /* answered without error */

    /* I/O thread */
    int64_t io_session_ms; /* send time of its last JoinGroup, SyncGroup or
                            * Heartbeat */
    kc_opq_t *ioq;
    pthread_t io;
    bool io_started;
    kc_group_conn_t *coord;
    kc_gm_job_t *io_orphan; /* a result the owner's queue refused */
};

/* ---- the I/O thread ---------------------------------------------------- */

static void kc_gm_job_destroy(kc_opq_op_t *op)
{
    kc_gm_job_t *job = (kc_gm_job_t *)op;

    kc_buf_release(&job->body);
    kc_arena_destroy(job->arena);
    kc_free(job);
}

static kc_gm_job_t *kc_gm_job_new(kc_group_membership_t *m,
                                  kc_gm_job_type_t type)
{
    kc_gm_job_t *job = kc_calloc(1, sizeof(*job));

    job->q.kind = KC_GROUP_MEMBER_OP;
    job->q.destroy = kc_gm_job_destroy;
    job->m = m;
    job->type = type;
    job->arena = kc_arena_new(0);
    kc_buf_init(&job->body, 0);
    return job;
}

/* How long one request may take (not JoinGroup, which waits for the
 * rebalance): Apache's request.timeout.ms default is 40 s, but a call
 * that outlives the session is no use to the member. */
static int kc_gm_request_timeout(const kc_group_membership_t *m)
{
    return m->session_ms > 1000 ? m->session_ms : 1000;
}

static void kc_gm_io_find(kc_group_membership_t *m, kc_gm_job_t *job)
{
    char *list = kc_strdup(m->bootstrap);
    char *save = NULL;
    int timeout = kc_gm_request_timeout(m);

    kc_group_conn_close(m->coord);
    m->coord = NULL;
    job->rc = kc_error_set(&job->err, KC_ERR_INVALID,
                           "no broker in bootstrap list \"%s\"", m->bootstrap);
    for (char *hp = strtok_r(list, ",", &save); hp != NULL && m->coord == NULL;
         hp = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(hp, ':');
        kc_group_conn_t *boot;
        const char *host = NULL;
        int port = 0;

        while (*hp == ' ') {
            hp++;
        }
        if (colon == NULL) {
            job->rc = kc_error_set(&job->err, KC_ERR_INVALID,
                                   "bootstrap server \"%s\" has no port", hp);
            continue;
        }
        *colon = '\0';
        boot = kc_group_conn_open_secure(hp, atoi(colon + 1), m->client_id,
                                         m->security, timeout, &job->err);
        if (boot == NULL) {
            job->rc = job->err.code;
            continue;
        }
        job->rc = kc_group_find_coordinator(
            boot, m->group_id, timeout, job->arena, &host, &port, &job->err);
        if (job->rc == KC_OK) {
            m->coord = kc_group_conn_open_secure(
                host, port, m->client_id, m->security, timeout, &job->err);
            job->rc = m->coord != NULL ? KC_OK : job->err.code;
        }
        kc_group_conn_close(boot);
    }
    kc_free(list);
}

/* Set what background heartbeats use; a new generation or member id
 * clears a failure. Any thread. */
static void kc_gm_bg_set(kc_group_membership_t *m, bool on, int32_t generation,
                         const char *member_id)
{
    bool wake;

    pthread_mutex_lock(&m->bg_lock);
    if (!on) {
        m->bg_dead = false;
    } else if (generation != m->bg_generation || m->bg_member_id == NULL ||
               strcmp(m->bg_member_id, member_id) != 0) {
        kc_free(m->bg_member_id);
        m->bg_member_id = kc_strdup(member_id);
        m->bg_generation = generation;
        m->bg_dead = false;
    }
    wake = on && !m->bg_dead && !m->bg_on;
    m->bg_on = on && !m->bg_dead;
    pthread_mutex_unlock(&m->bg_lock);
    if (wake) {
        /* the I/O thread waits without a deadline while off */
        kc_opq_wake(m->ioq);
    }
}

/* When the I/O thread heartbeats by itself next, or -1 (not at all).
 * Half an interval after the owner's would have gone: the owner's come
 * first, so an owner that keeps up never sees one. */
static int64_t kc_gm_bg_due(kc_group_membership_t *m)
{
    bool on;

    pthread_mutex_lock(&m->bg_lock);
    on = m->bg_on;
    pthread_mutex_unlock(&m->bg_lock);
    return on ? m->io_session_ms + m->heartbeat_ms + m->heartbeat_ms / 2 : -1;
}

/* A heartbeat of the I/O thread's own (Apache's HeartbeatThread). The
 * coordinator keeps a rebalancing member's session on a heartbeat it
 * answers REBALANCE_IN_PROGRESS, so that one counts too: the owner,
 * busy stopping its work, rejoins once it is done. */
static void kc_gm_io_bg_heartbeat(kc_group_membership_t *m)
{
    kc_arena_t *arena;
    kc_buf_t body;
    kc_error_t err = {0};
    const uint8_t *resp = NULL;
    size_t len = 0;
    int16_t error = KC_KERR_NONE;
    int32_t generation;
    char *member_id;
    int64_t sent;
    kc_err_t rc;

    pthread_mutex_lock(&m->bg_lock);
    if (!m->bg_on || m->coord == NULL) {
        /* no coordinator: the owner's next request finds one */
        pthread_mutex_unlock(&m->bg_lock);
        m->io_session_ms = kc_clock_now_ms();
        return;
    }
    generation = m->bg_generation;
    member_id = kc_strdup(m->bg_member_id);
    pthread_mutex_unlock(&m->bg_lock);
    arena = kc_arena_new(0);
    kc_buf_init(&body, 0);
    sent = kc_clock_now_ms();
    m->io_session_ms = sent;
    rc = kc_group_wire_heartbeat(&body, m->group_id, generation, member_id);
    if (rc == KC_OK) {
        rc = kc_group_conn_call(m->coord, KC_API_HEARTBEAT, KC_VER_HEARTBEAT,
                                &body, kc_gm_request_timeout(m), arena, &resp,
                                &len, &err);
    }
    if (rc == KC_OK) {
        rc = kc_group_wire_read_error(resp, len, &error, &err);
    }
    if (rc == KC_OK &&
        (error == KC_KERR_NONE || error == KC_KERR_REBALANCE_IN_PROGRESS)) {
        atomic_store(&m->bg_ok_ms, sent);
        if (error == KC_KERR_NONE) {
            atomic_fetch_add(&m->bg_heartbeats, 1);
        }
    } else {
        kc_log_debug(KC_GM_LOGGER,
                     "background heartbeat of member %s (generation %d) "
                     "failed: %s (error %d); left to the owner",
                     member_id, (int)generation,
                     rc != KC_OK ? err.msg : "refused", (int)error);
        pthread_mutex_lock(&m->bg_lock);
        if (m->bg_generation == generation &&
            strcmp(m->bg_member_id, member_id) == 0) {
            m->bg_dead = true;
            m->bg_on = false;
        }
        pthread_mutex_unlock(&m->bg_lock);
        if (rc != KC_OK) {
            /* out of step: the owner's next request opens a new one */
            kc_group_conn_close(m->coord);
            m->coord = NULL;
        }
    }
    kc_free(member_id);
    kc_buf_release(&body);
    kc_arena_destroy(arena);
}

static void kc_gm_io_run(kc_group_membership_t *m, kc_gm_job_t *job)
{
    const uint8_t *resp = NULL;
    size_t len = 0;
    int16_t key = 0;
    int16_t ver = 0;
    int timeout = kc_gm_request_timeout(m);

    job->sent_ms = kc_clock_now_ms();
    if (job->type == KC_GM_JOB_FIND) {
        kc_gm_io_find(m, job);
        return;
    }
    if (m->coord == NULL) {
        job->rc = kc_error_set(&job->err, KC_ERR_IO, "no coordinator");
        return;
    }
    if (job->type != KC_GM_JOB_LEAVE) {
        m->io_session_ms = job->sent_ms;
    }
    switch (job->type) {
    case KC_GM_JOB_JOIN:
        /* a member in JoinGroup is not expired: no heartbeat until the
         * join is back, then with what it gave (Apache heartbeats while
         * completing the rebalance) */
        kc_gm_bg_set(m, false, -1, NULL);
        /* Apache gives a JoinGroup the rebalance timeout and 5 s more */
        job->rc = kc_group_join(m->coord, &job->join, m->rebalance_ms + 5000,
                                job->arena, &job->jr, &job->err);
        if (job->rc == KC_OK && job->jr.error == KC_KERR_NONE &&
            job->jr.member_id != NULL && job->jr.member_id[0] != '\0') {
            kc_gm_bg_set(m, true, job->jr.generation_id, job->jr.member_id);
        }
        break;
    case KC_GM_JOB_SYNC:
        key = KC_API_SYNC_GROUP;
        ver = KC_VER_SYNC_GROUP;
        break;
    case KC_GM_JOB_HEARTBEAT:
        key = KC_API_HEARTBEAT;
        ver = KC_VER_HEARTBEAT;
        break;
    case KC_GM_JOB_LEAVE:
        key = KC_API_LEAVE_GROUP;
        ver = kc_group_conn_leave_version(m->coord);
        if (kc_group_wire_leave_group(&job->body, ver, m->group_id,
                                      job->member_id) != KC_OK) {
            job->rc = kc_error_set(&job->err, KC_ERR_TOO_LARGE,
                                   "LeaveGroup request too large");
            return;
        }
        break;
    default:
        break;
    }
    if (key != 0) {
        job->rc = kc_group_conn_call(m->coord, key, ver, &job->body, timeout,
                                     job->arena, &resp, &len, &job->err);
        if (job->rc == KC_OK && job->type == KC_GM_JOB_SYNC) {
            job->rc = kc_group_wire_read_sync_group(
                resp, len, job->arena, &job->error, &job->assignment,
                &job->err);
        } else if (job->rc == KC_OK) {
            job->rc =
                kc_group_wire_read_error(resp, len, &job->error, &job->err);
        }
    }
    if (job->rc != KC_OK) {
        /* a broken connection is out of step: open a new one next time */
        kc_group_conn_close(m->coord);
        m->coord = NULL;
    }
}

static void *kc_gm_io_main(void *arg)
{
    kc_group_membership_t *m = arg;

    for (;;) {
        int64_t due = kc_gm_bg_due(m);
        kc_opq_op_t *op = kc_opq_pop(m->ioq, due);
        kc_gm_job_t *job = (kc_gm_job_t *)op;

        if (op == NULL) {
            if (kc_opq_closed(m->ioq) && kc_opq_len(m->ioq) == 0) {
                break;
            }
            due = kc_gm_bg_due(m);
            if (due >= 0 && kc_clock_now_ms() >= due) {
                kc_gm_io_bg_heartbeat(m);
            }
            continue;
        }
        kc_gm_io_run(m, job);
        if (job->type == KC_GM_JOB_LEAVE) {
            kc_gm_job_destroy(&job->q);
        } else if (kc_opq_post(m->loopq, &job->q) != KC_OK) {
            /* the owner's queue is closed: the owner frees it in halt */
            m->io_orphan = job;
        }
    }
    kc_group_conn_close(m->coord);
    m->coord = NULL;
    return NULL;
}

/* Tell the I/O thread whether, and as whom, it may heartbeat when the
 * owner is late: a member that joined (or is syncing, or is about to
 * rejoin with its generation) and is not in a JoinGroup, where the I/O
 * thread has the say. Owner's thread. */
static void kc_gm_bg_publish(kc_group_membership_t *m)
{
    bool on;

    if (m->inflight != NULL && m->inflight->type == KC_GM_JOB_JOIN) {
        return;
    }
    on = m->generation >= 0 && m->member_id[0] != '\0' &&
         (m->state == KC_GM_STABLE || m->state == KC_GM_SYNC ||
          m->state == KC_GM_JOIN);
    kc_gm_bg_set(m, on, m->generation, m->member_id);
}

static void kc_gm_submit(kc_group_membership_t *m, kc_gm_job_t *job)
{
    kc_gm_bg_publish(m);
    m->inflight = job;
    if (kc_opq_post(m->ioq, &job->q) != KC_OK) {
        m->inflight = NULL;
        kc_gm_job_destroy(&job->q);
    }
}

/* ---- the snapshot of owned work -------------------------------------- */

static bool kc_gm_has_conn(const char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static bool kc_gm_has_task(const kc_connect_task_id_t *v, size_t n,
                           const char *conn, int32_t task)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].task == task && strcmp(v[i].connector, conn) == 0) {
            return true;
        }
    }
    return false;
}

/* Flatten wire entries into connectors and tasks (in @p arena). */
static void kc_gm_flatten(kc_arena_t *arena, const kc_connect_entry_t *e,
                          size_t n, kc_group_work_t *out)
{
    size_t nc = 0;
    size_t nt = 0;
    const char **conns;
    kc_connect_task_id_t *tasks;

    for (size_t i = 0; i < n; i++) {
        nc += e[i].n_tasks;
        nt += e[i].n_tasks;
    }
    conns = kc_arena_calloc(arena, nc + 1, sizeof(*conns));
    tasks = kc_arena_calloc(arena, nt + 1, sizeof(*tasks));
    nc = nt = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < e[i].n_tasks; j++) {
            const char *c = kc_arena_strdup(arena, e[i].connector);

            if (e[i].tasks[j] == KC_CONNECT_CONNECTOR_TASK) {
                if (!kc_gm_has_conn(conns, nc, c)) {
                    conns[nc++] = c;
                }
            } else if (!kc_gm_has_task(tasks, nt, c, e[i].tasks[j])) {
                tasks[nt].connector = c;
                tasks[nt++].task = e[i].tasks[j];
            }
        }
    }
    out->connectors = conns;
    out->n_connectors = nc;
    out->tasks = tasks;
    out->n_tasks = nt;
}

static void kc_gm_snap_clear(kc_gm_snap_t *s)
{
    kc_arena_destroy(s->arena);
    memset(s, 0, sizeof(*s));
}

static void kc_gm_snap_work(const kc_gm_snap_t *s, kc_group_work_t *w)
{
    w->connectors = s->connectors;
    w->n_connectors = s->n_connectors;
    w->tasks = s->tasks;
    w->n_tasks = s->n_tasks;
}

/* snap = (snap - revoked) + added, Apache's onJoinComplete for the
 * incremental protocols; eager (@p keep false) keeps only @p added. */
static void kc_gm_snap_update(kc_gm_snap_t *s, bool keep,
                              const kc_group_work_t *revoked,
                              const kc_group_work_t *added,
                              const kc_connect_assignment_t *a)
{
    kc_gm_snap_t n = {0};
    size_t cap_c = added->n_connectors + (keep ? s->n_connectors : 0);
    size_t cap_t = added->n_tasks + (keep ? s->n_tasks : 0);

    n.arena = kc_arena_new(0);
    n.present = true;
    n.connectors = kc_arena_calloc(n.arena, cap_c + 1, sizeof(char *));
    n.tasks = kc_arena_calloc(n.arena, cap_t + 1, sizeof(*n.tasks));
    for (size_t i = 0; keep && i < s->n_connectors; i++) {
        if (!kc_gm_has_conn(revoked->connectors, revoked->n_connectors,
                            s->connectors[i])) {
            n.connectors[n.n_connectors++] =
                kc_arena_strdup(n.arena, s->connectors[i]);
        }
    }
    for (size_t i = 0; i < added->n_connectors; i++) {
        if (!kc_gm_has_conn(n.connectors, n.n_connectors,
                            added->connectors[i])) {
            n.connectors[n.n_connectors++] =
                kc_arena_strdup(n.arena, added->connectors[i]);
        }
    }
    for (size_t i = 0; keep && i < s->n_tasks; i++) {
        if (!kc_gm_has_task(revoked->tasks, revoked->n_tasks,
                            s->tasks[i].connector, s->tasks[i].task)) {
            n.tasks[n.n_tasks].connector =
                kc_arena_strdup(n.arena, s->tasks[i].connector);
            n.tasks[n.n_tasks++].task = s->tasks[i].task;
        }
    }
    for (size_t i = 0; i < added->n_tasks; i++) {
        if (!kc_gm_has_task(n.tasks, n.n_tasks, added->tasks[i].connector,
                            added->tasks[i].task)) {
            n.tasks[n.n_tasks].connector =
                kc_arena_strdup(n.arena, added->tasks[i].connector);
            n.tasks[n.n_tasks++].task = added->tasks[i].task;
        }
    }
    n.leader = kc_arena_strdup(n.arena, a->leader ? a->leader : "");
    n.leader_url = kc_arena_strdup(n.arena, a->leader_url ? a->leader_url : "");
    n.offset = a->config_offset;
    n.error = a->error;
    kc_gm_snap_clear(s);
    *s = n;
}

/* ---- the state machine ----------------------------------------------- */

static void kc_gm_find(kc_group_membership_t *m);
static void kc_gm_join(kc_group_membership_t *m);

static void kc_gm_cancel(kc_group_membership_t *m, uint64_t *timer)
{
    if (*timer != 0) {
        kc_timers_cancel(m->timers, *timer);
        *timer = 0;
    }
}

static void kc_gm_retry_fire(kc_timers_t *t, void *opaque)
{
    kc_group_membership_t *m = opaque;

    (void)t;
    m->retry_timer = 0;
    if (m->inflight != NULL || m->state == KC_GM_STOPPED ||
        m->state == KC_GM_FAILED) {
        return;
    }
    if (m->state == KC_GM_FIND) {
        kc_gm_find(m);
    } else {
        kc_gm_join(m);
    }
}

/* Try again after retry.backoff.ms: state FIND looks for the coordinator,
 * any other joins again. */
static void kc_gm_retry_later(kc_group_membership_t *m, kc_gm_state_t state)
{
    m->state = state;
    kc_gm_bg_publish(m);
    kc_gm_cancel(m, &m->retry_timer);
    m->retry_timer = kc_timers_add(m->timers, kc_clock_now_ms() + m->backoff_ms,
                                   0, kc_gm_retry_fire, m);
}

static void kc_gm_coordinator_dead(kc_group_membership_t *m, const char *why)
{
    kc_log_info(KC_GM_LOGGER,
                "Group coordinator of group %s is unavailable or invalid "
                "(%s); will attempt rediscovery",
                m->group_id, why);
    /* a stable member keeps its generation and heartbeats the new
     * coordinator (which says whether to rejoin), as Apache's does; a
     * join or sync under way starts again */
    m->resume = m->state == KC_GM_STABLE && m->generation >= 0;
    m->rediscoveries++;
    kc_gm_cancel(m, &m->hb_timer);
    kc_gm_retry_later(m, KC_GM_FIND);
}

/* Apache's resetGeneration: the next join starts as a new member. */
static void kc_gm_reset_generation(kc_group_membership_t *m, bool member_id)
{
    m->generation = -1;
    if (member_id) {
        kc_free(m->member_id);
        m->member_id = kc_strdup("");
    }
}

/* No answer for a whole session: the coordinator may have given this
 * worker's work away, so stop it (WorkerCoordinator.poll revoking its
 * snapshot when the coordinator stays unknown). */
static void kc_gm_alive(kc_group_membership_t *m, int64_t sent_ms);

static void kc_gm_lost_fire(kc_timers_t *t, void *opaque)
{
    kc_group_membership_t *m = opaque;
    kc_group_work_t all;
    int64_t bg_ok;

    (void)t;
    m->lost_timer = 0;
    bg_ok = atomic_load(&m->bg_ok_ms);
    if (bg_ok > m->last_ok_sent_ms) {
        /* the I/O thread kept the session while this thread was busy */
        kc_gm_alive(m, bg_ok);
        return;
    }
    if (m->state == KC_GM_JOIN && m->inflight != NULL) {
        /* a member waiting in JoinGroup is not expired: look again */
        m->lost_timer =
            kc_timers_add(m->timers, kc_clock_now_ms() + m->session_ms, 0,
                          kc_gm_lost_fire, m);
        return;
    }
    if (!m->snap.present) {
        return;
    }
    kc_log_warn(KC_GM_LOGGER,
                "No answer from the coordinator of group %s for %d ms; "
                "stopping all connectors and tasks of this worker, which "
                "the group may have given to others",
                m->group_id, (int)m->session_ms);
    kc_gm_snap_work(&m->snap, &all);
    if (m->cbs.on_revoked != NULL) {
        m->cbs.on_revoked(m->cbs.opaque, &all, true);
    }
    kc_gm_snap_clear(&m->snap);
    kc_gm_reset_generation(m, false);
    kc_gm_bg_publish(m);
    if (m->state == KC_GM_STABLE) {
        m->rejoin_pending = true;
    }
}

/* A request sent at @p sent_ms was answered: the session lives at least
 * until sent_ms + session.timeout.ms. */
static void kc_gm_alive(kc_group_membership_t *m, int64_t sent_ms)
{
    m->last_ok_sent_ms = sent_ms;
    kc_gm_cancel(m, &m->lost_timer);
    m->lost_timer = kc_timers_add(m->timers, sent_ms + m->session_ms, 0,
                                  kc_gm_lost_fire, m);
}

static void kc_gm_heartbeat_fire(kc_timers_t *t, void *opaque)
{
    kc_group_membership_t *m = opaque;
    kc_gm_job_t *job;

    (void)t;
    if (m->state != KC_GM_STABLE || m->inflight != NULL) {
        return;
    }
    job = kc_gm_job_new(m, KC_GM_JOB_HEARTBEAT);
    if (kc_group_wire_heartbeat(&job->body, m->group_id, m->generation,
                                m->member_id) != KC_OK) {
        kc_gm_job_destroy(&job->q);
        return;
    }
    kc_gm_submit(m, job);
}

static void kc_gm_find(kc_group_membership_t *m)
{
    m->state = KC_GM_FIND;
    kc_gm_submit(m, kc_gm_job_new(m, KC_GM_JOB_FIND));
}

static const char *kc_gm_proto_name(kc_connect_protocol_t p)
{
    return p == KC_CONNECT_SESSIONED    ? "sessioned"
           : p == KC_CONNECT_COMPATIBLE ? "compatible"
                                        : "default";
}

/* Apache's onJoinPrepare, then JoinGroup with the metadata of every
 * subprotocol connect.protocol allows, the preferred first. */
static void kc_gm_join(kc_group_membership_t *m)
{
    kc_gm_job_t *job;
    kc_group_protocol_t *protos;
    kc_connect_metadata_t md = {0};
    kc_connect_assignment_t mine = {0};
    kc_error_t err = {0};
    size_t n = 0;

    kc_gm_cancel(m, &m->retry_timer);
    kc_gm_cancel(m, &m->delay_timer);
    m->rejoin_pending = false;
    if (m->snap.present && m->current == KC_CONNECT_EAGER) {
        kc_group_work_t all;

        kc_gm_snap_work(&m->snap, &all);
        /* the stop may outlast the session: heartbeat meanwhile */
        kc_gm_bg_publish(m);
        if (m->cbs.on_revoked != NULL &&
            (all.n_connectors > 0 || all.n_tasks > 0)) {
            m->cbs.on_revoked(m->cbs.opaque, &all, false);
        }
        kc_gm_snap_clear(&m->snap);
    }
    job = kc_gm_job_new(m, KC_GM_JOB_JOIN);
    md.url = m->rest_url;
    md.config_offset =
        m->cbs.config_offset != NULL ? m->cbs.config_offset(m->cbs.opaque) : -1;
    if (m->snap.present) {
        mine.leader = m->snap.leader;
        mine.leader_url = m->snap.leader_url;
        mine.config_offset = m->snap.offset;
        mine.error = m->snap.error;
        mine.assigned = kc_connect_entries_build(
            job->arena, m->snap.connectors, m->snap.n_connectors, m->snap.tasks,
            m->snap.n_tasks, false, &mine.n_assigned);
        md.assignment = &mine;
    }
    protos = kc_arena_calloc(job->arena, 3, sizeof(*protos));
    for (int v = (int)m->protocol; v >= 0; v--) {
        kc_buf_t buf;

        kc_buf_init(&buf, 0);
        md.version = (int16_t)v;
        mine.version = (int16_t)v;
        if (kc_connect_metadata_encode(&buf, &md, &err) != KC_OK) {
            kc_log_error(KC_GM_LOGGER, "cannot encode metadata: %s", err.msg);
            kc_buf_release(&buf);
            kc_gm_job_destroy(&job->q);
            kc_gm_retry_later(m, KC_GM_JOIN);
            return;
        }
        protos[n].name = kc_gm_proto_name((kc_connect_protocol_t)v);
        protos[n].metadata.data =
            kc_arena_memdup(job->arena, buf.data, buf.len ? buf.len : 1);
        protos[n++].metadata.len = buf.len;
        kc_buf_release(&buf);
    }
    job->join.group_id = m->group_id;
    job->join.session_timeout_ms = m->session_ms;
    job->join.rebalance_timeout_ms = m->rebalance_ms;
    job->join.member_id = kc_arena_strdup(job->arena, m->member_id);
    job->join.protocol_type = "connect";
    job->join.protocols = protos;
    job->join.n_protocols = n;
    kc_log_info(KC_GM_LOGGER, "(Re-)joining group %s", m->group_id);
    m->state = KC_GM_JOIN;
    kc_gm_submit(m, job);
}

static bool kc_gm_parse_proto(const char *name, kc_connect_protocol_t *p)
{
    if (name == NULL) {
        return false;
    }
    if (strcmp(name, "default") == 0) {
        *p = KC_CONNECT_EAGER;
    } else if (strcmp(name, "compatible") == 0) {
        *p = KC_CONNECT_COMPATIBLE;
    } else if (strcmp(name, "sessioned") == 0) {
        *p = KC_CONNECT_SESSIONED;
    } else {
        return false;
    }
    return true;
}

static void kc_gm_owners_clear(kc_group_membership_t *m)
{
    kc_arena_destroy(m->owners_arena);
    m->owners_arena = NULL;
    m->owners = NULL;
    m->n_owners = 0;
}

static const char *kc_gm_member_url(const kc_assign_member_t *members, size_t n,
                                    const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(members[i].id, id) == 0) {
            return members[i].md->url;
        }
    }
    return NULL;
}

/* Keep who runs what after this round, for the leader's forwarding of a
 * restart to the worker that runs it (Apache's LeaderState.ownerUrl). */
static void kc_gm_owners_keep(kc_group_membership_t *m,
                              const kc_assign_member_t *members, size_t n,
                              const kc_assign_result_t *res)
{
    size_t total = 0;
    size_t k = 0;

    kc_gm_owners_clear(m);
    for (size_t i = 0; i < n; i++) {
        total += res[i].n_all_connectors + res[i].n_all_tasks;
    }
    m->owners_arena = kc_arena_new(0);
    m->owners = kc_arena_calloc(m->owners_arena, total + 1, sizeof(*m->owners));
    for (size_t i = 0; i < n; i++) {
        const char *url = kc_gm_member_url(members, n, res[i].member);

        if (url == NULL) {
            continue;
        }
        url = kc_arena_strdup(m->owners_arena, url);
        for (size_t j = 0; j < res[i].n_all_connectors; j++) {
            m->owners[k].connector =
                kc_arena_strdup(m->owners_arena, res[i].all_connectors[j]);
            m->owners[k].task = -1;
            m->owners[k++].url = url;
        }
        for (size_t j = 0; j < res[i].n_all_tasks; j++) {
            m->owners[k].connector =
                kc_arena_strdup(m->owners_arena, res[i].all_tasks[j].connector);
            m->owners[k].task = res[i].all_tasks[j].task;
            m->owners[k++].url = url;
        }
    }
    m->n_owners = k;
}

/* The leader's part: decode every member's metadata, run the assignor of
 * the group's subprotocol over the config snapshot, encode. */
static kc_err_t kc_gm_lead(kc_group_membership_t *m, kc_gm_job_t *sync,
                           const kc_join_group_resp_t *jr, kc_error_t *err)
{
    kc_arena_t *a = sync->arena;
    kc_assign_member_t *members =
        kc_arena_calloc(a, jr->n_members + 1, sizeof(*members));
    kc_sync_assignment_t *out =
        kc_arena_calloc(a, jr->n_members + 1, sizeof(*out));
    kc_assign_config_t cfg = {0};
    kc_assign_result_t *res;

    for (size_t i = 0; i < jr->n_members; i++) {
        kc_connect_metadata_t *md = kc_arena_calloc(a, 1, sizeof(*md));

        if (kc_connect_metadata_decode(jr->members[i].metadata.data,
                                       jr->members[i].metadata.len, m->current,
                                       a, md, err) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "metadata of member %s: %s",
                                jr->members[i].member_id, err->msg);
        }
        members[i].id = jr->members[i].member_id;
        members[i].md = md;
    }
    if (m->cbs.config_snapshot == NULL) {
        return kc_error_set(err, KC_ERR_INVALID, "no config snapshot");
    }
    if (m->cbs.config_snapshot(m->cbs.opaque, false, a, &cfg) != KC_OK) {
        return kc_error_set(err, KC_ERR_IO, "config snapshot unavailable");
    }
    if (cfg.offset < kc_assign_max_offset(members, jr->n_members)) {
        memset(&cfg, 0, sizeof(cfg));
        if (m->cbs.config_snapshot(m->cbs.opaque, true, a, &cfg) != KC_OK) {
            return kc_error_set(err, KC_ERR_IO, "config snapshot unavailable");
        }
        cfg.refreshed = true;
    }
    if (m->current == KC_CONNECT_EAGER) {
        res = kc_assign_eager(a, jr->leader, members, jr->n_members, &cfg);
    } else {
        res = kc_assignor_assign(
            m->assignor, a, m->current, jr->leader, members, jr->n_members,
            &cfg, m->last_completed_gen, jr->generation_id, kc_clock_wall_ms());
    }
    if (res == NULL) {
        return kc_error_set(err, KC_ERR_INVALID, "the assignor failed");
    }
    kc_gm_owners_keep(m, members, jr->n_members, res);
    for (size_t i = 0; i < jr->n_members; i++) {
        kc_buf_t buf;

        kc_buf_init(&buf, 0);
        if (kc_connect_assignment_encode(&buf, &res[i].assignment, err) !=
            KC_OK) {
            kc_buf_release(&buf);
            return err->code;
        }
        out[i].member_id = res[i].member;
        out[i].assignment.data =
            kc_arena_memdup(a, buf.data, buf.len ? buf.len : 1);
        out[i].assignment.len = buf.len;
        kc_buf_release(&buf);
    }
    if (kc_group_wire_sync_group(&sync->body, m->group_id, jr->generation_id,
                                 m->member_id, out, jr->n_members) != KC_OK) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "SyncGroup request too large");
    }
    return KC_OK;
}

bool kc_group_member_error_fatal(int api, int16_t code)
{
    if (code == KC_KERR_NONE) {
        return false;
    }
    /* Apache's JoinGroupResponseHandler and SyncGroupResponseHandler:
     * these are retried (joinGroupIfNeeded goes round again, or finds the
     * coordinator again); any other error is raised as an exception that
     * is not retriable, and joinGroupIfNeeded throws it. */
    switch (api) {
    case KC_API_JOIN_GROUP:
        return code != KC_KERR_COORDINATOR_LOAD_IN_PROGRESS &&
               code != KC_KERR_COORDINATOR_NOT_AVAILABLE &&
               code != KC_KERR_NOT_COORDINATOR &&
               code != KC_KERR_UNKNOWN_MEMBER_ID &&
               code != KC_KERR_REBALANCE_IN_PROGRESS &&
               code != KC_KERR_MEMBER_ID_REQUIRED;
    case KC_API_SYNC_GROUP:
        return code != KC_KERR_COORDINATOR_NOT_AVAILABLE &&
               code != KC_KERR_NOT_COORDINATOR &&
               code != KC_KERR_UNKNOWN_MEMBER_ID &&
               code != KC_KERR_ILLEGAL_GENERATION &&
               code != KC_KERR_REBALANCE_IN_PROGRESS;
    default:
        return false;
    }
}

void kc_group_member_error_text(int api, int16_t code, const char *group,
                                char *buf, size_t size)
{
    /* librdkafka's table names Kafka's error codes as Apache's Errors
     * enum does (RD_KAFKA_RESP_ERR_<NAME> == the broker's code). */
    const char *name = rd_kafka_err2name((rd_kafka_resp_err_t)code);
    const char *desc = rd_kafka_err2str((rd_kafka_resp_err_t)code);
    bool join = api == KC_API_JOIN_GROUP;

    switch (code) {
    case KC_KERR_GROUP_AUTHORIZATION_FAILED:
        snprintf(buf, size, "Not authorized to access group: %s", group);
        return;
    case KC_KERR_GROUP_MAX_SIZE_REACHED:
        if (join) {
            snprintf(buf, size,
                     "Consumer group %s already has the configured maximum "
                     "number of members.",
                     group);
            return;
        }
        break;
    case KC_KERR_INCONSISTENT_GROUP_PROTOCOL:
    case KC_KERR_FENCED_INSTANCE_ID:
        snprintf(buf, size, "%s for group %s failed: %s (%s)",
                 join ? "JoinGroup" : "SyncGroup", group, name, desc);
        return;
    case KC_KERR_INVALID_GROUP_ID:
    case KC_KERR_INVALID_SESSION_TIMEOUT:
    case KC_KERR_UNSUPPORTED_VERSION:
        if (join) {
            snprintf(buf, size, "JoinGroup for group %s failed: %s (%s)", group,
                     name, desc);
            return;
        }
        break;
    default:
        break;
    }
    /* Apache's KafkaException texts for the errors it does not expect. */
    snprintf(buf, size, "%s: %s (%s)",
             join ? "Unexpected error in join group response"
                  : "Unexpected error from SyncGroup",
             name, desc);
}

const char *kc_group_member_failure(const kc_group_membership_t *m)
{
    return m->state == KC_GM_FAILED ? m->failure : NULL;
}

/* Give up for good, as Apache's herder thread does when the coordinator
 * throws: stop the timers and tell the owner, which stops the worker. */
static void kc_gm_fail(kc_group_membership_t *m, const char *why)
{
    kc_gm_cancel(m, &m->hb_timer);
    kc_gm_cancel(m, &m->lost_timer);
    kc_gm_cancel(m, &m->retry_timer);
    kc_gm_cancel(m, &m->delay_timer);
    m->state = KC_GM_FAILED;
    kc_free(m->failure);
    m->failure = kc_strdup(why);
    kc_log_error(KC_GM_LOGGER, "group %s: giving up: %s", m->group_id, why);
    if (m->cbs.on_fatal != NULL) {
        m->cbs.on_fatal(m->cbs.opaque, why);
    }
}

/* The coordinator's answer to a JoinGroup, SyncGroup or Heartbeat: what
 * Apache's AbstractCoordinator does for each error code. */
static void kc_gm_on_error(kc_group_membership_t *m, const char *api,
                           int16_t code)
{
    int api_key = strcmp(api, "JoinGroup") == 0   ? KC_API_JOIN_GROUP
                  : strcmp(api, "SyncGroup") == 0 ? KC_API_SYNC_GROUP
                                                  : -1;

    if (kc_group_member_error_fatal(api_key, code)) {
        char why[512];

        kc_group_member_error_text(api_key, code, m->group_id, why,
                                   sizeof(why));
        kc_gm_fail(m, why);
        return;
    }
    switch (code) {
    case KC_KERR_REBALANCE_IN_PROGRESS:
        kc_log_info(KC_GM_LOGGER, "%s: group %s is rebalancing; rejoining", api,
                    m->group_id);
        kc_gm_join(m);
        return;
    case KC_KERR_UNKNOWN_MEMBER_ID:
    case KC_KERR_ILLEGAL_GENERATION:
        kc_log_info(KC_GM_LOGGER,
                    "%s: generation %d of member %s is no longer valid "
                    "(error %d); rejoining",
                    api, (int)m->generation, m->member_id, code);
        kc_gm_reset_generation(m, code == KC_KERR_UNKNOWN_MEMBER_ID);
        kc_gm_join(m);
        return;
    case KC_KERR_NOT_COORDINATOR:
    case KC_KERR_COORDINATOR_NOT_AVAILABLE:
        kc_gm_coordinator_dead(m, api);
        return;
    case KC_KERR_COORDINATOR_LOAD_IN_PROGRESS:
        kc_gm_retry_later(m, KC_GM_JOIN);
        return;
    default:
        kc_log_error(KC_GM_LOGGER,
                     "%s for group %s failed with Kafka error %d; "
                     "retrying after %d ms",
                     api, m->group_id, code, (int)m->backoff_ms);
        kc_gm_retry_later(m, KC_GM_JOIN);
        return;
    }
}

static void kc_gm_joined(kc_group_membership_t *m, kc_gm_job_t *job)
{
    const kc_join_group_resp_t *jr = &job->jr;
    kc_gm_job_t *sync;
    kc_error_t err = {0};

    if (jr->error != KC_KERR_NONE) {
        if (jr->error == KC_KERR_ILLEGAL_GENERATION ||
            jr->error == KC_KERR_UNKNOWN_MEMBER_ID) {
            kc_gm_reset_generation(m, true);
        }
        kc_gm_on_error(m, "JoinGroup", jr->error);
        return;
    }
    kc_gm_alive(m, job->sent_ms);
    kc_free(m->member_id);
    m->member_id = kc_strdup(jr->member_id ? jr->member_id : "");
    kc_free(m->leader);
    m->leader = kc_strdup(jr->leader ? jr->leader : "");
    m->generation = jr->generation_id;
    if (!kc_gm_parse_proto(jr->protocol_name, &m->current)) {
        kc_log_error(KC_GM_LOGGER, "group %s chose unknown protocol %s",
                     m->group_id,
                     jr->protocol_name ? jr->protocol_name : "(null)");
        kc_gm_retry_later(m, KC_GM_JOIN);
        return;
    }
    m->is_leader = strcmp(m->member_id, m->leader) == 0;
    m->n_members = m->is_leader ? jr->n_members : 0;
    m->state = KC_GM_SYNC; /* the leader's snapshot may read a while */
    kc_gm_bg_publish(m);
    kc_gm_owners_clear(m); /* a leader keeps the new round's in kc_gm_lead */
    sync = kc_gm_job_new(m, KC_GM_JOB_SYNC);
    if (m->is_leader) {
        if (kc_gm_lead(m, sync, jr, &err) != KC_OK) {
            kc_log_error(KC_GM_LOGGER,
                         "as leader of group %s, could not assign: %s",
                         m->group_id, err.msg);
            kc_gm_job_destroy(&sync->q);
            kc_gm_retry_later(m, KC_GM_JOIN);
            return;
        }
    } else if (kc_group_wire_sync_group(&sync->body, m->group_id, m->generation,
                                        m->member_id, NULL, 0) != KC_OK) {
        kc_gm_job_destroy(&sync->q);
        kc_gm_retry_later(m, KC_GM_JOIN);
        return;
    }
    m->state = KC_GM_SYNC;
    kc_gm_submit(m, sync);
}

static void kc_gm_delay_fire(kc_timers_t *t, void *opaque)
{
    kc_group_membership_t *m = opaque;

    (void)t;
    m->delay_timer = 0;
    kc_group_member_request_rejoin(m);
}

static void kc_gm_synced(kc_group_membership_t *m, kc_gm_job_t *job)
{
    kc_connect_assignment_t a = {0};
    kc_group_work_t revoked = {0};
    kc_group_work_t added = {0};
    kc_group_assignment_t ga = {0};
    kc_error_t err = {0};
    bool incremental = m->current != KC_CONNECT_EAGER;

    if (job->error != KC_KERR_NONE) {
        kc_gm_on_error(m, "SyncGroup", job->error);
        return;
    }
    kc_gm_alive(m, job->sent_ms);
    if (kc_connect_assignment_decode(job->assignment.data, job->assignment.len,
                                     incremental ? m->current
                                                 : KC_CONNECT_COMPATIBLE,
                                     job->arena, &a, &err) != KC_OK) {
        kc_log_error(KC_GM_LOGGER, "bad assignment from leader %s: %s",
                     m->leader, err.msg);
        kc_gm_retry_later(m, KC_GM_JOIN);
        return;
    }
    kc_gm_flatten(job->arena, a.assigned, a.n_assigned, &added);
    kc_gm_flatten(job->arena, a.revoked, a.n_revoked, &revoked);
    kc_gm_bg_publish(m);
    if (incremental && (revoked.n_connectors > 0 || revoked.n_tasks > 0) &&
        m->cbs.on_revoked != NULL) {
        m->cbs.on_revoked(m->cbs.opaque, &revoked, false);
    }
    kc_gm_snap_update(&m->snap, incremental, &revoked, &added, &a);
    m->last_completed_gen = m->generation;
    m->state = KC_GM_STABLE;
    kc_log_info(KC_GM_LOGGER,
                "Joined group %s at generation %d with protocol %s as %s "
                "(leader %s): %zu connectors, %zu tasks, delay %d ms",
                m->group_id, (int)m->generation, kc_gm_proto_name(m->current),
                m->member_id, m->leader, m->snap.n_connectors, m->snap.n_tasks,
                (int)a.delay);
    kc_gm_cancel(m, &m->hb_timer);
    m->hb_timer = kc_timers_add(m->timers, kc_clock_now_ms() + m->heartbeat_ms,
                                m->heartbeat_ms, kc_gm_heartbeat_fire, m);
    ga.generation = m->generation;
    ga.member_id = m->member_id;
    ga.leader = a.leader;
    ga.leader_url = a.leader_url;
    ga.is_leader = m->is_leader;
    ga.n_members = m->n_members;
    ga.protocol = m->current;
    ga.error = a.error;
    ga.config_offset = a.config_offset;
    ga.delay = a.delay;
    kc_gm_snap_work(&m->snap, &ga.all);
    ga.added = added;
    kc_gm_bg_publish(m);
    ga.owners = m->is_leader ? m->owners : NULL;
    ga.n_owners = m->is_leader ? m->n_owners : 0;
    if (m->cbs.on_assigned != NULL) {
        m->cbs.on_assigned(m->cbs.opaque, &ga);
    }
    /* DistributedHerder: after revoking, rejoin at once so the revoked
     * work can be given out (KIP-415's second round); a delay asks for a
     * rejoin when it ends. */
    if (incremental && (revoked.n_connectors > 0 || revoked.n_tasks > 0)) {
        m->rejoin_pending = true;
    } else if (a.delay > 0) {
        kc_gm_cancel(m, &m->delay_timer);
        m->delay_timer = kc_timers_add(m->timers, kc_clock_now_ms() + a.delay,
                                       0, kc_gm_delay_fire, m);
    }
}

bool kc_group_member_handle_op(kc_opq_op_t *op)
{
    kc_gm_job_t *job = (kc_gm_job_t *)op;
    kc_group_membership_t *m;

    if (op == NULL || op->kind != KC_GROUP_MEMBER_OP) {
        return false;
    }
    m = job->m;
    if (m == NULL || m->inflight != job || m->state == KC_GM_STOPPED ||
        m->state == KC_GM_FAILED) {
        kc_gm_job_destroy(op);
        return true;
    }
    m->inflight = NULL;
    if (job->rc != KC_OK && kc_error_is_fatal(&job->err)) {
        /* a refused authentication: Apache's AuthenticationException
         * leaves the coordinator's poll and ends the herder thread */
        kc_gm_fail(m, job->err.msg);
        kc_gm_job_destroy(op);
        return true;
    }
    if (job->rc != KC_OK) {
        if (job->type == KC_GM_JOB_FIND) {
            /* retried every retry.backoff.ms: debug, as Apache logs it,
             * but a new reason (a refused password, an untrusted
             * certificate) once at WARN, or it would never be seen */
            if (m->find_err == NULL || strcmp(m->find_err, job->err.msg)) {
                kc_log_warn(KC_GM_LOGGER,
                            "could not find the coordinator of group %s: %s",
                            m->group_id, job->err.msg);
                kc_free(m->find_err);
                m->find_err = kc_strdup(job->err.msg);
            } else {
                kc_log_debug(KC_GM_LOGGER,
                             "could not find the coordinator of group %s: %s",
                             m->group_id, job->err.msg);
            }
            kc_gm_retry_later(m, KC_GM_FIND);
        } else {
            kc_gm_coordinator_dead(m, job->err.msg);
        }
        kc_gm_job_destroy(op);
        return true;
    }
    switch (job->type) {
    case KC_GM_JOB_FIND:
        kc_free(m->find_err);
        m->find_err = NULL;
        if (m->resume && m->generation >= 0 && !m->rejoin_pending) {
            m->resume = false;
            m->state = KC_GM_STABLE;
            m->hb_timer =
                kc_timers_add(m->timers, kc_clock_now_ms(), m->heartbeat_ms,
                              kc_gm_heartbeat_fire, m);
        } else {
            m->resume = false;
            kc_gm_join(m);
        }
        break;
    case KC_GM_JOB_JOIN:
        kc_gm_joined(m, job);
        break;
    case KC_GM_JOB_SYNC:
        kc_gm_synced(m, job);
        break;
    case KC_GM_JOB_HEARTBEAT:
        if (job->error == KC_KERR_NONE) {
            m->heartbeats++;
            kc_gm_alive(m, job->sent_ms);
        } else {
            kc_gm_cancel(m, &m->hb_timer);
            kc_gm_on_error(m, "Heartbeat", job->error);
        }
        break;
    default:
        break;
    }
    kc_gm_job_destroy(op);
    if (m->state == KC_GM_STABLE && m->rejoin_pending && m->inflight == NULL) {
        kc_gm_join(m);
    }
    kc_gm_bg_publish(m);
    return true;
}

void kc_group_member_request_rejoin(kc_group_membership_t *m)
{
    if (m->state == KC_GM_STABLE && m->inflight == NULL) {
        kc_gm_join(m);
    } else if (m->state != KC_GM_STOPPED && m->state != KC_GM_IDLE &&
               m->state != KC_GM_FAILED) {
        m->rejoin_pending = true;
    }
}

/* ---- life cycle -------------------------------------------------------- */

kc_group_membership_t *kc_group_member_new(const kc_group_member_conf_t *conf,
                                           const kc_group_member_cbs_t *cbs,
                                           kc_opq_t *loopq, kc_timers_t *timers,
                                           kc_error_t *err)
{
    kc_group_membership_t *m;
    kc_group_security_t *security;

    if (conf->bootstrap == NULL || conf->group_id == NULL ||
        conf->group_id[0] == '\0') {
        kc_error_set(err, KC_ERR_INVALID,
                     "a group member needs bootstrap servers and a group.id");
        return NULL;
    }
    if (conf->heartbeat_interval_ms <= 0 || conf->session_timeout_ms <= 0 ||
        conf->rebalance_timeout_ms <= 0) {
        kc_error_set(err, KC_ERR_INVALID,
                     "heartbeat.interval.ms, session.timeout.ms and "
                     "rebalance.timeout.ms must be positive");
        return NULL;
    }
    security = kc_group_security_new(conf->security, NULL, err);
    if (security == NULL) {
        return NULL;
    }
    m = kc_calloc(1, sizeof(*m));
    m->security = security;
    m->bootstrap = kc_strdup(conf->bootstrap);
    m->group_id = kc_strdup(conf->group_id);
    m->client_id = kc_strdup(conf->client_id ? conf->client_id : "kconnect");
    m->rest_url = kc_strdup(conf->rest_url ? conf->rest_url : "");
    m->session_ms = conf->session_timeout_ms;
    m->rebalance_ms = conf->rebalance_timeout_ms;
    m->heartbeat_ms = conf->heartbeat_interval_ms;
    m->backoff_ms = conf->retry_backoff_ms > 0 ? conf->retry_backoff_ms : 100;
    m->protocol = conf->protocol;
    m->current = conf->protocol;
    if (cbs != NULL) {
        m->cbs = *cbs;
    }
    m->loopq = loopq;
    m->timers = timers;
    m->member_id = kc_strdup("");
    m->generation = -1;
    m->last_completed_gen = -1;
    m->assignor = kc_assignor_new(conf->scheduled_rebalance_max_delay_ms);
    pthread_mutex_init(&m->bg_lock, NULL);
    m->bg_generation = -1;
    m->ioq = kc_opq_new(0, err);
    if (m->ioq == NULL) {
        kc_group_member_destroy(m);
        return NULL;
    }
    return m;
}

kc_err_t kc_group_member_start(kc_group_membership_t *m, kc_error_t *err)
{
    if (m->io_started) {
        return kc_error_set(err, KC_ERR_CONFLICT, "member already started");
    }
    if (pthread_create(&m->io, NULL, kc_gm_io_main, m) != 0) {
        return kc_error_set(err, KC_ERR_IO,
                            "could not start the group I/O thread");
    }
    m->io_started = true;
    kc_gm_find(m);
    return KC_OK;
}

static void kc_gm_halt(kc_group_membership_t *m, bool leave)
{
    kc_gm_cancel(m, &m->hb_timer);
    kc_gm_cancel(m, &m->lost_timer);
    kc_gm_cancel(m, &m->retry_timer);
    kc_gm_cancel(m, &m->delay_timer);
    /* no heartbeat after the LeaveGroup, nor from a crashed member */
    kc_gm_bg_set(m, false, -1, NULL);
    if (m->io_started) {
        if (leave && m->member_id[0] != '\0') {
            kc_gm_job_t *job = kc_gm_job_new(m, KC_GM_JOB_LEAVE);

            job->member_id = kc_arena_strdup(job->arena, m->member_id);
            job->m = NULL;
            if (kc_opq_post(m->ioq, &job->q) != KC_OK) {
                kc_gm_job_destroy(&job->q);
            }
            kc_log_info(KC_GM_LOGGER, "Member %s leaving group %s",
                        m->member_id, m->group_id);
        }
        /* without a LeaveGroup the member vanishes as a crash would */
        kc_opq_close(m->ioq);
        pthread_join(m->io, NULL);
        m->io_started = false;
    }
    /* a result the I/O thread posted already must not find the member */
    if (m->io_orphan != NULL) {
        kc_gm_job_destroy(&m->io_orphan->q);
    } else if (m->inflight != NULL) {
        m->inflight->m = NULL;
    }
    m->io_orphan = NULL;
    m->inflight = NULL;
    m->state = KC_GM_STOPPED;
}

void kc_group_member_stop(kc_group_membership_t *m)
{
    if (m != NULL && m->state != KC_GM_STOPPED) {
        kc_gm_halt(m, true);
    }
}

void kc_group_member_destroy(kc_group_membership_t *m)
{
    if (m == NULL) {
        return;
    }
    if (m->state != KC_GM_STOPPED) {
        kc_gm_halt(m, false);
    }
    if (m->ioq != NULL) {
        kc_opq_unref(m->ioq);
    }
    kc_assignor_destroy(m->assignor);
    pthread_mutex_destroy(&m->bg_lock);
    kc_free(m->bg_member_id);
    kc_gm_owners_clear(m);
    kc_gm_snap_clear(&m->snap);
    kc_free(m->bootstrap);
    kc_group_security_destroy(m->security);
    kc_free(m->find_err);
    kc_free(m->failure);
    kc_free(m->group_id);
    kc_free(m->client_id);
    kc_free(m->rest_url);
    kc_free(m->member_id);
    kc_free(m->leader);
    kc_free(m);
}

const char *kc_group_member_id(const kc_group_membership_t *m)
{
    return m->member_id;
}

int32_t kc_group_member_generation(const kc_group_membership_t *m)
{
    return m->last_completed_gen;
}

bool kc_group_member_stable(const kc_group_membership_t *m)
{
    return m->state == KC_GM_STABLE;
}

int64_t kc_group_member_heartbeats(const kc_group_membership_t *m)
{
    return m->heartbeats + atomic_load(&m->bg_heartbeats);
}

int kc_group_member_rediscoveries(const kc_group_membership_t *m)
{
    return m->rediscoveries;
}

bool kc_group_member_is_leader(const kc_group_membership_t *m)
{
    return m->is_leader;
}
