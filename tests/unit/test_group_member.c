/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect group members (src/distributed/kc_group_member.c) on one event
 * loop (an op queue and timers, as the distributed herder's), against the
 * broker in KC_BOOTSTRAP_SERVERS (a real Kafka) or, unset, the embedded
 * Kafka (librdkafka's mock cluster, kc_embedded_kafka). Each test uses a
 * group of its own. Nothing is timed: the loop runs until a condition
 * holds, within a generous bound.
 *
 * The expected spreads are Apache's: eager deals connectors then tasks
 * round-robin over the members; incremental cooperative balances them
 * (KIP-415), holds a departed member's work for
 * scheduled.rebalance.max.delay.ms, and moves work to a new member by
 * revoking only what moves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "distributed/kc_group_member.h"
#include "distributed/kc_group_wire.h"
#include "runtime/kc_embedded_kafka.h"
#include "util/kc_clock.h"

#define BOUND_MS  90000 /* how long a condition may take before failing */
#define MAX_UNITS 64
#define N_CONN    3
#define N_TASKS   2 /* per connector */

typedef struct worker {
    kc_group_membership_t *m;
    char url[64];
    char running[MAX_UNITS][32];
    size_t n_running;
    int revocations; /* units revoked, not lost */
    int lost;        /* "stop everything" calls */
    int revoked_all; /* revocations that stopped every unit at once */
    int32_t last_delay;
    size_t n_members;
    char leader_url[128];
    int32_t generation;
    bool alive;
    int stall_ms; /* a revocation blocks the loop this long (a slow stop) */
    int fatal;    /* on_fatal calls */
    char fatal_why[256];
    /* the leader's owner table of its last assignment: "unit=url" */
    char owners[MAX_UNITS][96];
    size_t n_owners;
} worker_t;

typedef struct loop {
    kc_opq_t *q;
    kc_timers_t *timers;
    const char *bootstraps;
    char group[96];
    worker_t w[4];
    kc_embedded_kafka_t *ek;
} loop_t;

/* the config snapshot every member has: N_CONN connectors at offset 5,
 * or (mixed test) the empty config topic of a fresh Apache worker */
static int64_t g_offset = 5;
static int g_connectors = N_CONN;

static int64_t cfg_offset(void *opaque)
{
    (void)opaque;
    return g_offset;
}

static kc_err_t cfg_snapshot(void *opaque, bool refresh, kc_arena_t *arena,
                             kc_assign_config_t *out)
{
    kc_assign_connector_t *c = kc_arena_calloc(arena, N_CONN, sizeof(*c));

    (void)opaque;
    (void)refresh;
    for (int i = 0; i < g_connectors; i++) {
        c[i].name = kc_arena_sprintf(arena, "conn-%d", i);
        c[i].tasks = N_TASKS;
    }
    out->offset = g_offset;
    out->connectors = c;
    out->n_connectors = (size_t)g_connectors;
    return KC_OK;
}

static void unit_name(char *buf, size_t n, const char *conn, int32_t task)
{
    if (task == KC_CONNECT_CONNECTOR_TASK) {
        snprintf(buf, n, "%s", conn);
    } else {
        snprintf(buf, n, "%s/%d", conn, (int)task);
    }
}

static void on_revoked(void *opaque, const kc_group_work_t *work, bool lost)
{
    worker_t *w = opaque;
    size_t before = w->n_running;
    size_t gone = 0;

    if (!lost && w->stall_ms > 0) {
        /* a task stop that outlasts the session, on the owner's thread */
        usleep((useconds_t)w->stall_ms * 1000);
    }
    for (size_t i = 0; i < work->n_connectors + work->n_tasks; i++) {
        char name[32];

        if (i < work->n_connectors) {
            unit_name(name, sizeof(name), work->connectors[i], -1);
        } else {
            const kc_connect_task_id_t *t =
                &work->tasks[i - work->n_connectors];

            unit_name(name, sizeof(name), t->connector, t->task);
        }
        for (size_t j = 0; j < w->n_running; j++) {
            if (strcmp(w->running[j], name) == 0) {
                memmove(w->running[j], w->running[w->n_running - 1], 32);
                w->n_running--;
                gone++;
                break;
            }
        }
    }
    if (lost) {
        w->lost++;
    } else {
        w->revocations += (int)gone;
        if (before > 0 && gone == before) {
            w->revoked_all++;
        }
    }
}

static void on_assigned(void *opaque, const kc_group_assignment_t *a)
{
    worker_t *w = opaque;

    w->n_running = 0;
    for (size_t i = 0; i < a->all.n_connectors; i++) {
        unit_name(w->running[w->n_running++], 32, a->all.connectors[i], -1);
    }
    for (size_t i = 0; i < a->all.n_tasks; i++) {
        unit_name(w->running[w->n_running++], 32, a->all.tasks[i].connector,
                  a->all.tasks[i].task);
    }
    w->n_owners = 0;
    for (size_t i = 0; i < a->n_owners && i < MAX_UNITS; i++) {
        char unit[32];

        unit_name(unit, sizeof(unit), a->owners[i].connector,
                  a->owners[i].task);
        snprintf(w->owners[w->n_owners++], 96, "%s=%s", unit, a->owners[i].url);
    }
    w->last_delay = a->delay;
    w->n_members = a->n_members;
    snprintf(w->leader_url, sizeof(w->leader_url), "%s",
             a->leader_url ? a->leader_url : "");
    w->generation = a->generation;
}

static void on_fatal(void *opaque, const char *why)
{
    worker_t *w = opaque;

    w->fatal++;
    snprintf(w->fatal_why, sizeof(w->fatal_why), "%s", why);
}

/* librdkafka's mock coordinator answers a follower's SyncGroup with
 * INVALID_REQUEST, so tests with several members need a real broker. */
static void need_real_broker(void)
{
    const char *b = getenv("KC_BOOTSTRAP_SERVERS");

    if (b == NULL || b[0] == '\0') {
        print_message("KC_BOOTSTRAP_SERVERS unset: several members need a "
                      "real broker\n");
        skip();
    }
}

static void loop_init(loop_t *l, const char *name)
{
    kc_error_t err = {0};

    memset(l, 0, sizeof(*l));
    l->bootstraps = getenv("KC_BOOTSTRAP_SERVERS");
    if (l->bootstraps == NULL || l->bootstraps[0] == '\0') {
        l->ek = kc_embedded_kafka_start(1, &err);
        if (l->ek == NULL) {
            fail_msg("embedded kafka: %s", err.msg);
        }
        l->bootstraps = kc_embedded_kafka_bootstraps(l->ek);
    }
    l->q = kc_opq_new(0, &err);
    assert_non_null(l->q);
    l->timers = kc_timers_new();
    /* a fresh group per run: a real broker keeps old ones */
    snprintf(l->group, sizeof(l->group), "kc-test-member-%s-%ld-%d", name,
             (long)time(NULL), (int)getpid());
}

static void add_worker(loop_t *l, int i, kc_connect_protocol_t proto,
                       int32_t max_delay_ms, int32_t session_ms)
{
    worker_t *w = &l->w[i];
    kc_group_member_conf_t conf = {0};
    kc_group_member_cbs_t cbs = {0};
    kc_error_t err = {0};

    memset(w, 0, sizeof(*w));
    snprintf(w->url, sizeof(w->url), "http://127.0.0.1:%d/", 22300 + i);
    conf.bootstrap = l->bootstraps;
    conf.group_id = l->group;
    conf.client_id = "kc-test-member";
    conf.rest_url = w->url;
    conf.session_timeout_ms = session_ms;
    conf.rebalance_timeout_ms = 20000;
    conf.heartbeat_interval_ms = 500;
    conf.scheduled_rebalance_max_delay_ms = max_delay_ms;
    conf.protocol = proto;
    cbs.opaque = w;
    cbs.config_offset = cfg_offset;
    cbs.config_snapshot = cfg_snapshot;
    cbs.on_revoked = on_revoked;
    cbs.on_assigned = on_assigned;
    cbs.on_fatal = on_fatal;
    w->m = kc_group_member_new(&conf, &cbs, l->q, l->timers, &err);
    if (w->m == NULL) {
        fail_msg("member: %s", err.msg);
    }
    assert_int_equal(kc_group_member_start(w->m, &err), KC_OK);
    w->alive = true;
}

/* Run the loop until @p cond holds; fail after BOUND_MS. */
static void run_until(loop_t *l, bool (*cond)(loop_t *l, void *arg), void *arg,
                      const char *what)
{
    int64_t end = kc_clock_now_ms() + BOUND_MS;

    while (!cond(l, arg)) {
        int64_t now = kc_clock_now_ms();
        int64_t next = kc_timers_next(l->timers);
        kc_opq_op_t *op;

        if (now > end) {
            fail_msg("gave up waiting for: %s", what);
        }
        if (next < 0 || next > now + 100) {
            next = now + 100;
        }
        op = kc_opq_pop(l->q, next);
        if (op != NULL && !kc_group_member_handle_op(op)) {
            op->destroy(op);
        }
        kc_timers_run(l->timers, kc_clock_now_ms());
    }
}

/* The stable live members agree on one generation, and together run
 * every connector and task exactly once. */
static bool all_assigned(loop_t *l, void *arg)
{
    char seen[MAX_UNITS][32];
    size_t n = 0;
    int32_t gen = -1;

    (void)arg;
    for (int i = 0; i < 4; i++) {
        worker_t *w = &l->w[i];

        if (!w->alive) {
            continue;
        }
        if (!kc_group_member_stable(w->m) ||
            (gen >= 0 && w->generation != gen)) {
            return false;
        }
        gen = w->generation;
        for (size_t j = 0; j < w->n_running; j++) {
            for (size_t k = 0; k < n; k++) {
                if (strcmp(seen[k], w->running[j]) == 0) {
                    return false; /* duplicated: a rebalance is under way */
                }
            }
            memcpy(seen[n++], w->running[j], 32);
        }
    }
    return n == N_CONN * (1 + N_TASKS);
}

static bool all_stable_past(loop_t *l, void *arg)
{
    int32_t gen = *(int32_t *)arg;

    for (int i = 0; i < 4; i++) {
        if (l->w[i].alive &&
            (!kc_group_member_stable(l->w[i].m) || l->w[i].generation <= gen)) {
            return false;
        }
    }
    return true;
}

static int count_units(const worker_t *w, bool tasks)
{
    int n = 0;

    for (size_t i = 0; i < w->n_running; i++) {
        n += (strchr(w->running[i], '/') != NULL) == tasks;
    }
    return n;
}

static int leaders(loop_t *l)
{
    int n = 0;

    for (int i = 0; i < 4; i++) {
        n += l->w[i].alive && kc_group_member_is_leader(l->w[i].m);
    }
    return n;
}

static void loop_release(loop_t *l)
{
    for (int i = 0; i < 4; i++) {
        if (l->w[i].m != NULL) {
            kc_group_member_stop(l->w[i].m);
            kc_group_member_destroy(l->w[i].m);
        }
    }
    /* results posted after the members went: the queue frees them */
    kc_opq_unref(l->q);
    kc_timers_destroy(l->timers);
    kc_embedded_kafka_destroy(l->ek);
}

/* The leader's owner table (Apache's LeaderState.ownerUrl, which its
 * restart forwarding reads) names, for every unit, the REST URL of the
 * member that runs it; a follower has none. */
static void assert_owners_match_work(loop_t *l)
{
    for (int i = 0; i < 4; i++) {
        worker_t *w = &l->w[i];
        size_t total = 0;

        if (!w->alive) {
            continue;
        }
        if (!kc_group_member_is_leader(w->m)) {
            assert_int_equal(w->n_owners, 0);
            continue;
        }
        for (int j = 0; j < 4; j++) {
            if (!l->w[j].alive) {
                continue;
            }
            for (size_t k = 0; k < l->w[j].n_running; k++) {
                char want[96];
                bool found = false;

                snprintf(want, sizeof(want), "%s=%s", l->w[j].running[k],
                         l->w[j].url);
                for (size_t o = 0; o < w->n_owners && !found; o++) {
                    found = strcmp(w->owners[o], want) == 0;
                }
                if (!found) {
                    fail_msg("leader's owner table lacks %s", want);
                }
                total++;
            }
        }
        assert_int_equal(w->n_owners, total);
    }
}

static void three_members_spread(kc_connect_protocol_t proto, const char *name)
{
    loop_t l;

    need_real_broker();

    loop_init(&l, name);
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, proto, 0, 10000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    assert_int_equal(leaders(&l), 1);
    for (int i = 0; i < 3; i++) {
        /* 3 connectors and 6 tasks over 3 workers: 1 and 2 each */
        assert_int_equal(count_units(&l.w[i], false), 1);
        assert_int_equal(count_units(&l.w[i], true), 2);
    }
    assert_owners_match_work(&l);
    loop_release(&l);
}

static void
test_group_member_three_join_one_leader_work_spread_sessioned(void **state)
{
    (void)state;
    three_members_spread(KC_CONNECT_SESSIONED, "spread-s");
}

static void
test_group_member_three_join_one_leader_work_spread_eager(void **state)
{
    (void)state;
    three_members_spread(KC_CONNECT_EAGER, "spread-e");
}

static void test_group_member_eager_leave_others_take_work(void **state)
{
    loop_t l;

    need_real_broker();

    (void)state;
    loop_init(&l, "leave-e");
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, KC_CONNECT_EAGER, 0, 10000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    kc_group_member_stop(l.w[1].m);
    l.w[1].alive = false;
    run_until(&l, all_assigned, NULL, "two members take all the work");
    assert_int_equal(leaders(&l), 1);
    assert_int_equal(l.w[0].n_running + l.w[2].n_running, N_CONN * 3);
    loop_release(&l);
}

/* A member whose revocation blocks its loop for longer than the session
 * (a sink task's consumer close waiting behind its own rebalance) stays
 * in the group, as Apache's does with its heartbeat thread: it rejoins
 * with the same member id and nobody had to rebalance without it. */
static void test_group_member_slow_revocation_keeps_the_session(void **state)
{
    loop_t l;
    char id[256];
    int32_t gen;

    need_real_broker();

    (void)state;
    loop_init(&l, "slow-stop");
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, KC_CONNECT_EAGER, 0, 6000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    gen = l.w[0].generation;
    snprintf(id, sizeof(id), "%s", kc_group_member_id(l.w[0].m));
    /* twice the session: without heartbeats the coordinator drops it */
    l.w[0].stall_ms = 12000;
    kc_group_member_stop(l.w[2].m);
    l.w[2].alive = false;
    run_until(&l, all_assigned, NULL, "two members take all the work");
    l.w[0].stall_ms = 0;
    assert_string_equal(kc_group_member_id(l.w[0].m), id);
    assert_int_equal(l.w[0].lost, 0);
    /* one rebalance, not a second one for a member that came back */
    assert_int_equal(l.w[0].generation, gen + 1);
    assert_int_equal(l.w[1].generation, gen + 1);
    assert_int_equal(l.w[0].n_running + l.w[1].n_running, N_CONN * 3);
    loop_release(&l);
}

static void test_group_member_sessioned_leave_holds_work_for_delay(void **state)
{
    loop_t l;
    int32_t gen;
    size_t held;
    int lead = -1;
    int gone;
    int other;

    need_real_broker();

    (void)state;
    loop_init(&l, "leave-s");
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, KC_CONNECT_SESSIONED, 10000, 10000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    /* a follower leaves: the leader remembers what it ran (a departing
     * leader's successor has no previous assignment and, as Apache's,
     * deals that work out at once) */
    for (int i = 0; i < 3; i++) {
        if (kc_group_member_is_leader(l.w[i].m)) {
            lead = i;
        }
    }
    assert_true(lead >= 0);
    gone = (lead + 1) % 3;
    other = (lead + 2) % 3;
    gen = l.w[lead].generation;
    held = l.w[gone].n_running;
    assert_true(held > 0);
    kc_group_member_stop(l.w[gone].m);
    l.w[gone].alive = false;
    run_until(&l, all_stable_past, &gen, "the others rebalance");
    /* the leader holds the departed worker's work for the delay */
    assert_true(l.w[lead].last_delay > 0);
    assert_int_equal(l.w[lead].n_running + l.w[other].n_running,
                     N_CONN * (1 + N_TASKS) - held);
    run_until(&l, all_assigned, NULL, "the held work is given out");
    assert_int_equal(l.w[lead].n_running + l.w[other].n_running, N_CONN * 3);
    assert_int_equal(l.w[lead].revoked_all + l.w[other].revoked_all, 0);
    loop_release(&l);
}

static void test_group_member_killed_member_expires_after_session(void **state)
{
    loop_t l;

    need_real_broker();

    (void)state;
    loop_init(&l, "kill");
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, KC_CONNECT_EAGER, 0, 6000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    /* no LeaveGroup: the coordinator notices at session.timeout.ms */
    kc_group_member_destroy(l.w[2].m);
    l.w[2].m = NULL;
    l.w[2].alive = false;
    run_until(&l, all_assigned, NULL, "two members take all the work");
    assert_int_equal(l.w[0].n_running + l.w[1].n_running, N_CONN * 3);
    loop_release(&l);
}

static void test_group_member_fourth_joins_incremental_revocation(void **state)
{
    loop_t l;
    int32_t gen;

    need_real_broker();

    (void)state;
    loop_init(&l, "fourth");
    for (int i = 0; i < 3; i++) {
        add_worker(&l, i, KC_CONNECT_SESSIONED, 0, 10000);
    }
    run_until(&l, all_assigned, NULL, "three members share the work");
    gen = l.w[0].generation;
    for (int i = 0; i < 3; i++) {
        l.w[i].revocations = 0;
        l.w[i].revoked_all = 0;
    }
    add_worker(&l, 3, KC_CONNECT_SESSIONED, 0, 10000);
    run_until(&l, all_stable_past, &gen, "the fourth joins");
    run_until(&l, all_assigned, NULL, "four members share the work");
    /* only what moves is revoked, and the newcomer runs it */
    assert_true(l.w[0].revocations + l.w[1].revocations + l.w[2].revocations >
                0);
    assert_int_equal(l.w[0].revocations + l.w[1].revocations +
                         l.w[2].revocations,
                     (int)l.w[3].n_running);
    assert_int_equal(
        l.w[0].revoked_all + l.w[1].revoked_all + l.w[2].revoked_all, 0);
    assert_true(l.w[3].n_running >= 1);
    loop_release(&l);
}

static bool heartbeats_past(loop_t *l, void *arg)
{
    return kc_group_member_stable(l->w[0].m) &&
           kc_group_member_heartbeats(l->w[0].m) > *(int64_t *)arg;
}

static bool rediscovered(loop_t *l, void *arg)
{
    (void)arg;
    return kc_group_member_rediscoveries(l->w[0].m) > 0;
}

/* The coordinator moves to another broker: a stable member finds it and
 * heartbeats on in its generation, keeping its work (no rebalance). */
static void
test_group_member_coordinator_moves_member_keeps_generation(void **state)
{
    loop_t l;
    const char *saved = getenv("KC_BOOTSTRAP_SERVERS");
    char *copy = saved ? kc_strdup(saved) : NULL;
    kc_error_t err = {0};
    int32_t gen;
    int64_t beats;

    (void)state;
    unsetenv("KC_BOOTSTRAP_SERVERS");
    memset(&l, 0, sizeof(l));
    l.ek = kc_embedded_kafka_start(2, &err);
    if (l.ek == NULL) {
        fail_msg("embedded kafka: %s", err.msg);
    }
    l.bootstraps = kc_embedded_kafka_bootstraps(l.ek);
    l.q = kc_opq_new(0, &err);
    l.timers = kc_timers_new();
    snprintf(l.group, sizeof(l.group), "kc-test-member-move-%d", (int)getpid());
    rd_kafka_mock_coordinator_set(kc_embedded_kafka_mock(l.ek), "group",
                                  l.group, 1);
    add_worker(&l, 0, KC_CONNECT_SESSIONED, 0, 10000);
    run_until(&l, all_assigned, NULL, "one member runs everything");
    gen = l.w[0].generation;
    rd_kafka_mock_coordinator_set(kc_embedded_kafka_mock(l.ek), "group",
                                  l.group, 2);
    run_until(&l, rediscovered, NULL, "the member loses the old coordinator");
    beats = kc_group_member_heartbeats(l.w[0].m);
    /* a few heartbeats answered by the new coordinator */
    beats += 3;
    run_until(&l, heartbeats_past, &beats, "heartbeats on the new one");
    assert_int_equal(kc_group_member_rediscoveries(l.w[0].m), 1);
    assert_int_equal(l.w[0].generation, gen);
    assert_int_equal(l.w[0].n_running, N_CONN * 3);
    assert_int_equal(l.w[0].revocations + l.w[0].lost, 0);
    loop_release(&l);
    if (copy != NULL) {
        setenv("KC_BOOTSTRAP_SERVERS", copy, 1);
        kc_free(copy);
    }
}

static bool first_lost(loop_t *l, void *arg)
{
    (void)arg;
    return l->w[0].lost > 0;
}

/* The coordinator goes away: the worker stops its work before its session
 * could have expired. Needs the embedded Kafka to take a broker down. */
static void test_group_member_unreachable_coordinator_stops_work(void **state)
{
    loop_t l;
    const char *saved = getenv("KC_BOOTSTRAP_SERVERS");
    char *copy = saved ? kc_strdup(saved) : NULL;

    (void)state;
    unsetenv("KC_BOOTSTRAP_SERVERS");
    loop_init(&l, "lost");
    add_worker(&l, 0, KC_CONNECT_SESSIONED, 0, 3000);
    run_until(&l, all_assigned, NULL, "one member runs everything");
    assert_int_equal(l.w[0].n_running, N_CONN * 3);
    rd_kafka_mock_broker_set_down(kc_embedded_kafka_mock(l.ek), 1);
    run_until(&l, first_lost, NULL, "the member stops its work");
    assert_int_equal(l.w[0].n_running, 0);
    assert_int_equal(l.w[0].lost, 1);
    loop_release(&l);
    if (copy != NULL) {
        setenv("KC_BOOTSTRAP_SERVERS", copy, 1);
        kc_free(copy);
    }
}

static bool mixed_done(loop_t *l, void *arg)
{
    const char *apache_url = arg;
    worker_t *w = &l->w[0];

    if (!kc_group_member_stable(w->m)) {
        return false;
    }
    /* a Java leader's assignment accepted here, or this leader's sync
     * accepted by the coordinator for a group of two */
    return strcmp(w->leader_url, apache_url) == 0 ||
           (kc_group_member_is_leader(w->m) && w->n_members == 2);
}

/* The Apache worker's log (KC_MIXED_APACHE_LOG) says it took this
 * leader's assignment in this generation. */
static bool apache_took_assignment(loop_t *l, void *arg)
{
    const char *path = arg;
    char want_gen[64];
    char want_leader[200];
    char line[4096];
    bool found = false;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        return false;
    }
    snprintf(want_gen, sizeof(want_gen), "Joined group at generation %d ",
             (int)l->w[0].generation);
    snprintf(want_leader, sizeof(want_leader), "leader='%s'",
             kc_group_member_id(l->w[0].m));
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        found =
            strstr(line, want_gen) != NULL && strstr(line, want_leader) != NULL;
    }
    fclose(f);
    return found;
}

/* A kconnect member in the group of an Apache Connect 4.1.1 distributed
 * worker (connect.protocol=compatible, an empty config topic) given by
 * KC_MIXED_GROUP and KC_MIXED_APACHE_URL (its rest.advertised URL);
 * skipped without them. Whoever leads, both complete the join. */
static void test_group_member_mixed_group_with_apache_worker(void **state)
{
    const char *group = getenv("KC_MIXED_GROUP");
    const char *url = getenv("KC_MIXED_APACHE_URL");
    loop_t l;

    (void)state;
    if (group == NULL || url == NULL) {
        skip();
    }
    need_real_broker();
    loop_init(&l, "mixed");
    snprintf(l.group, sizeof(l.group), "%s", group);
    g_offset = -1;
    g_connectors = 0;
    add_worker(&l, 0, KC_CONNECT_COMPATIBLE, 0, 10000);
    run_until(&l, mixed_done, (void *)url, "a join with the Apache worker");
    print_message("mixed group %s: generation %d, leader %s, %s\n", group,
                  (int)l.w[0].generation, l.w[0].leader_url,
                  kc_group_member_is_leader(l.w[0].m) ? "kconnect leads"
                                                      : "Apache leads");
    if (kc_group_member_is_leader(l.w[0].m) &&
        getenv("KC_MIXED_APACHE_LOG") != NULL) {
        run_until(&l, apache_took_assignment,
                  (void *)getenv("KC_MIXED_APACHE_LOG"),
                  "the Apache worker takes kconnect's assignment");
        print_message("the Apache worker took kconnect's assignment\n");
    }
    g_offset = 5;
    g_connectors = N_CONN;
    loop_release(&l);
}

/* Apache's AbstractCoordinator: JoinGroupResponseHandler and
 * SyncGroupResponseHandler retry (or rejoin on) only these codes; every
 * other error is raised as an exception that is not retriable and ends
 * DistributedHerder's thread. */
static void
test_group_member_join_and_sync_errors_apache_gives_up_on(void **state)
{
    static const int16_t join_retried[] = {14, 15, 16, 25, 27, 79};
    static const int16_t sync_retried[] = {15, 16, 22, 25, 27};
    /* INCONSISTENT_GROUP_PROTOCOL, INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT,
     * GROUP_AUTHORIZATION_FAILED, UNSUPPORTED_VERSION, GROUP_MAX_SIZE_REACHED,
     * FENCED_INSTANCE_ID, UNKNOWN_SERVER_ERROR (-1), INVALID_REQUEST (42) */
    static const int16_t join_fatal[] = {23, 24, 26, 30, 35,
                                         81, 82, -1, 42, 22};
    /* GROUP_AUTHORIZATION_FAILED, FENCED_INSTANCE_ID, INCONSISTENT_GROUP_
     * PROTOCOL, and unexpected ones such as COORDINATOR_LOAD_IN_PROGRESS */
    static const int16_t sync_fatal[] = {30, 82, 23, 14, 79, -1};
    char buf[256];

    (void)state;
    assert_false(kc_group_member_error_fatal(KC_API_JOIN_GROUP, 0));
    assert_false(kc_group_member_error_fatal(KC_API_SYNC_GROUP, 0));
    for (size_t i = 0; i < KC_ARRAY_LEN(join_retried); i++) {
        assert_false(
            kc_group_member_error_fatal(KC_API_JOIN_GROUP, join_retried[i]));
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(sync_retried); i++) {
        assert_false(
            kc_group_member_error_fatal(KC_API_SYNC_GROUP, sync_retried[i]));
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(join_fatal); i++) {
        assert_true(
            kc_group_member_error_fatal(KC_API_JOIN_GROUP, join_fatal[i]));
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(sync_fatal); i++) {
        assert_true(
            kc_group_member_error_fatal(KC_API_SYNC_GROUP, sync_fatal[i]));
    }
    /* a failed heartbeat is retried: the heartbeat thread only fails the
     * heartbeat */
    assert_false(kc_group_member_error_fatal(KC_API_HEARTBEAT, 30));
    /* GroupAuthorizationException.forGroupId's text */
    kc_group_member_error_text(KC_API_JOIN_GROUP, 30, "g1", buf, sizeof(buf));
    assert_string_equal(buf, "Not authorized to access group: g1");
    kc_group_member_error_text(KC_API_SYNC_GROUP, 42, "g1", buf, sizeof(buf));
    assert_non_null(strstr(buf, "Unexpected error from SyncGroup: "));
    assert_non_null(strstr(buf, "INVALID_REQUEST"));
    kc_group_member_error_text(KC_API_JOIN_GROUP, 42, "g1", buf, sizeof(buf));
    assert_non_null(strstr(buf, "Unexpected error in join group response: "));
}

static bool member_failed(loop_t *l, void *arg)
{
    (void)arg;
    return l->w[0].fatal > 0;
}

/* A JoinGroup answered GROUP_AUTHORIZATION_FAILED: the member gives up
 * once (on_fatal, with Apache's text) instead of joining again every
 * retry.backoff.ms. The mock cluster injects the error. */
static void
test_group_member_join_refused_by_authorization_gives_up(void **state)
{
    loop_t l;
    rd_kafka_mock_cluster_t *mock;
    int64_t until;
    char want[160];

    (void)state;
    if (getenv("KC_BOOTSTRAP_SERVERS") != NULL &&
        getenv("KC_BOOTSTRAP_SERVERS")[0] != '\0') {
        print_message("the error is injected by the embedded Kafka only\n");
        skip();
    }
    loop_init(&l, "authz");
    mock = kc_embedded_kafka_mock(l.ek);
    rd_kafka_mock_push_request_errors(
        mock, KC_API_JOIN_GROUP, 3,
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED);
    add_worker(&l, 0, KC_CONNECT_SESSIONED, 0, 10000);
    run_until(&l, member_failed, NULL, "the member gives up");
    snprintf(want, sizeof(want), "Not authorized to access group: %s", l.group);
    assert_string_equal(l.w[0].fatal_why, want);
    assert_string_equal(kc_group_member_failure(l.w[0].m), want);
    /* nothing more happens: no rejoin, no second report (the two errors
     * left in the mock would be taken by a retry) */
    until = kc_clock_now_ms() + 1500;
    while (kc_clock_now_ms() < until) {
        kc_opq_op_t *op = kc_opq_pop(l.q, until);

        if (op != NULL && !kc_group_member_handle_op(op)) {
            op->destroy(op);
        }
        kc_timers_run(l.timers, kc_clock_now_ms());
    }
    assert_int_equal(l.w[0].fatal, 1);
    assert_false(kc_group_member_stable(l.w[0].m));
    loop_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_group_member_join_and_sync_errors_apache_gives_up_on),
        cmocka_unit_test(
            test_group_member_join_refused_by_authorization_gives_up),
        cmocka_unit_test(
            test_group_member_three_join_one_leader_work_spread_sessioned),
        cmocka_unit_test(
            test_group_member_three_join_one_leader_work_spread_eager),
        cmocka_unit_test(test_group_member_eager_leave_others_take_work),
        cmocka_unit_test(
            test_group_member_sessioned_leave_holds_work_for_delay),
        cmocka_unit_test(test_group_member_killed_member_expires_after_session),
        cmocka_unit_test(test_group_member_slow_revocation_keeps_the_session),
        cmocka_unit_test(test_group_member_fourth_joins_incremental_revocation),
        cmocka_unit_test(test_group_member_unreachable_coordinator_stops_work),
        cmocka_unit_test(
            test_group_member_coordinator_moves_member_keeps_generation),
        cmocka_unit_test(test_group_member_mixed_group_with_apache_worker),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
