/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect's leader assignors replayed over tests/golden/assignor/
 * golden.jsonl: rebalance sequences that Apache Kafka Connect 4.1.1's own
 * EagerAssignor and IncrementalCooperativeAssignor assigned (generator:
 * tests/golden/assignor/GenAssignorGolden.java). Every round feeds the same
 * member metadata bytes, config snapshot, generations and clock to one
 * kconnect assignor per scenario; each member's assignment must encode to
 * exactly Apache's bytes, and the leader's state (who runs what) must be
 * the one Apache's assignor left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <jansson.h>

#include "kc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kc_assignor.h"
#include "distributed/kc_connect_protocol.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/assignor/golden.jsonl"

static kc_connect_protocol_t proto_of(const char *name)
{
    if (strcmp(name, "eager") == 0) {
        return KC_CONNECT_EAGER;
    }
    if (strcmp(name, "compatible") == 0) {
        return KC_CONNECT_COMPATIBLE;
    }
    assert_string_equal(name, "sessioned");
    return KC_CONNECT_SESSIONED;
}

static const uint8_t *unhex(kc_arena_t *arena, const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *out = kc_arena_alloc(arena, n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned int b;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (uint8_t)b;
    }
    *len = n;
    return out;
}

static char *tohex(kc_arena_t *arena, const uint8_t *p, size_t n)
{
    char *out = kc_arena_alloc(arena, 2 * n + 1);

    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * n] = '\0';
    return out;
}

/* "connector/task" keys of entries, added to (or, with @p remove, taken
 * from) the set @p keys of @p *n. */
static void entry_keys(kc_arena_t *arena, const kc_connect_entry_t *v,
                       size_t nv, const char **keys, size_t *n, bool remove)
{
    for (size_t i = 0; i < nv; i++) {
        for (size_t t = 0; t < v[i].n_tasks; t++) {
            const char *k =
                kc_arena_sprintf(arena, "%s/%d", v[i].connector, v[i].tasks[t]);
            size_t j;

            for (j = 0; j < *n && strcmp(keys[j], k) != 0; j++) {
            }
            if (remove && j < *n) {
                keys[j] = keys[--(*n)];
            } else if (!remove && j == *n) {
                keys[(*n)++] = k;
            }
        }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The leader's state after the round (all_connectors/all_tasks of every
 * member: who runs what) is Apache's (the LeaderState its assignor left,
 * golden "owners"; null for a CONFIG_MISMATCH round). Returns 1 when they
 * differ. */
static int check_owners(kc_arena_t *arena, const char *scenario, size_t r,
                        const kc_assign_result_t *out, size_t n,
                        const json_t *owners)
{
    size_t cap = 1;
    size_t k = 0;
    const char **mine;
    const char **theirs;

    for (size_t i = 0; i < n; i++) {
        cap += out[i].n_all_connectors + out[i].n_all_tasks;
    }
    if (json_is_null(owners)) {
        for (size_t i = 0; i < n; i++) {
            assert_int_not_equal(out[i].assignment.error, KC_CONNECT_NO_ERROR);
        }
        assert_int_equal(cap, 1);
        return 0;
    }
    assert_true(json_is_array(owners));
    mine = kc_arena_calloc(arena, cap, sizeof(*mine));
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < out[i].n_all_connectors; j++) {
            mine[k++] = kc_arena_sprintf(
                arena, "%s/-1=%s", out[i].all_connectors[j], out[i].member);
        }
        for (size_t j = 0; j < out[i].n_all_tasks; j++) {
            mine[k++] = kc_arena_sprintf(
                arena, "%s/%d=%s", out[i].all_tasks[j].connector,
                (int)out[i].all_tasks[j].task, out[i].member);
        }
    }
    theirs =
        kc_arena_calloc(arena, json_array_size(owners) + 1, sizeof(*theirs));
    for (size_t j = 0; j < json_array_size(owners); j++) {
        const json_t *o = json_array_get(owners, j);

        theirs[j] = kc_arena_sprintf(
            arena, "%s/%d=%s", json_string_value(json_array_get(o, 0)),
            (int)json_integer_value(json_array_get(o, 1)),
            json_string_value(json_array_get(o, 2)));
    }
    qsort(mine, k, sizeof(*mine), cmp_str);
    qsort(theirs, json_array_size(owners), sizeof(*theirs), cmp_str);
    for (size_t j = 0; j < k || j < json_array_size(owners); j++) {
        const char *a = j < json_array_size(owners) ? theirs[j] : "(none)";
        const char *b = j < k ? mine[j] : "(none)";

        if (strcmp(a, b) != 0) {
            fprintf(stderr,
                    "%s round %zu leader state:\n  apache   %s\n  kconnect "
                    "%s\n",
                    scenario, r, a, b);
            return 1;
        }
    }
    return 0;
}

/* Whether Apache's bytes @p hex say what @p a says, in any order: a JDK
 * 17 leader orders sets of some sizes differently (KC_ASSIGNOR_ORDER_FREE
 * for golden data made with JDK 17). */
static bool same_meaning(kc_arena_t *arena, kc_connect_protocol_t proto,
                         const char *hex, const kc_connect_assignment_t *a)
{
    kc_connect_assignment_t j;
    kc_error_t err = {0};
    size_t len;
    const uint8_t *b = unhex(arena, hex, &len);
    const char **keys;
    size_t n = 0;
    size_t cap = 1;

    if (kc_connect_assignment_decode(b, len, proto, arena, &j, &err) != KC_OK ||
        j.error != a->error || j.config_offset != a->config_offset ||
        j.delay != a->delay || strcmp(j.leader, a->leader) != 0) {
        return false;
    }
    for (int list = 0; list < 2; list++) {
        const kc_connect_entry_t *mine = list ? a->revoked : a->assigned;
        const kc_connect_entry_t *theirs = list ? j.revoked : j.assigned;
        size_t n_mine = list ? a->n_revoked : a->n_assigned;
        size_t n_theirs = list ? j.n_revoked : j.n_assigned;

        for (size_t i = 0; i < n_theirs; i++) {
            cap += theirs[i].n_tasks;
        }
        keys = kc_arena_calloc(arena, cap, sizeof(*keys));
        n = 0;
        entry_keys(arena, theirs, n_theirs, keys, &n, false);
        for (size_t i = 0; i < n_mine; i++) {
            for (size_t t = 0; t < mine[i].n_tasks; t++) {
                kc_connect_entry_t e = {mine[i].connector, &mine[i].tasks[t],
                                        1};
                size_t before = n;

                entry_keys(arena, &e, 1, keys, &n, true);
                if (n == before) {
                    return false;
                }
            }
        }
        if (n != 0) {
            return false;
        }
    }
    return true;
}

/* Replays one round; returns the number of members whose bytes differ. */
static int replay_round(kc_assignor_t *assignor, kc_connect_protocol_t proto,
                        const char *scenario, size_t r, const json_t *round)
{
    kc_arena_t *arena = kc_arena_new(4096);
    const json_t *mj = json_object_get(round, "members");
    const json_t *cj = json_object_get(round, "connectors");
    const json_t *res = json_object_get(round, "result");
    size_t n = json_array_size(mj);
    kc_assign_member_t *members =
        kc_arena_calloc(arena, n + 1, sizeof(*members));
    kc_assign_connector_t *conns =
        kc_arena_calloc(arena, json_array_size(cj) + 1, sizeof(*conns));
    kc_assign_config_t config = {0};
    kc_assign_result_t *out;
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(mj, i);
        kc_connect_metadata_t *md = kc_arena_calloc(arena, 1, sizeof(*md));
        kc_error_t err = {0};
        size_t len;
        const uint8_t *b = unhex(
            arena, json_string_value(json_object_get(m, "metadata")), &len);

        assert_int_equal(
            kc_connect_metadata_decode(b, len, proto, arena, md, &err), KC_OK);
        members[i].id = json_string_value(json_object_get(m, "id"));
        members[i].md = md;
    }
    for (size_t i = 0; i < json_array_size(cj); i++) {
        conns[i].name =
            json_string_value(json_array_get(json_array_get(cj, i), 0));
        conns[i].tasks = (int32_t)json_integer_value(
            json_array_get(json_array_get(cj, i), 1));
    }
    config.connectors = conns;
    config.n_connectors = json_array_size(cj);
    config.offset = json_integer_value(json_object_get(round, "config_offset"));
    if (config.offset < kc_assign_max_offset(members, n)) {
        /* the leader reads the config topic again, as Apache's does */
        config.offset =
            json_integer_value(json_object_get(round, "fresh_offset"));
        config.refreshed = true;
    }
    {
        const char *leader =
            json_string_value(json_object_get(round, "leader"));

        if (proto == KC_CONNECT_EAGER) {
            out = kc_assign_eager(arena, leader, members, n, &config);
        } else {
            out = kc_assignor_assign(
                assignor, arena, proto, leader, members, n, &config,
                (int32_t)json_integer_value(json_object_get(round, "last_gen")),
                (int32_t)json_integer_value(json_object_get(round, "gen")),
                json_integer_value(json_object_get(round, "now")));
        }
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(res, i);
        const char *want = json_string_value(json_object_get(e, "assignment"));
        kc_buf_t buf;
        kc_error_t err = {0};
        char *got;

        assert_string_equal(out[i].member,
                            json_string_value(json_object_get(e, "id")));
        kc_buf_init(&buf, 1 << 20);
        out[i].assignment.version = proto == KC_CONNECT_SESSIONED    ? 2
                                    : proto == KC_CONNECT_COMPATIBLE ? 1
                                                                     : 0;
        assert_int_equal(
            kc_connect_assignment_encode(&buf, &out[i].assignment, &err),
            KC_OK);
        got = tohex(arena, (const uint8_t *)buf.data, buf.len);
        if (strcmp(got, want) != 0 &&
            !(getenv("KC_ASSIGNOR_ORDER_FREE") != NULL &&
              same_meaning(arena, proto, want, &out[i].assignment))) {
            fprintf(stderr,
                    "%s round %zu member %s:\n  apache  %s\n  kconnect %s\n",
                    scenario, r, out[i].member, want, got);
            bad++;
        }
        kc_buf_release(&buf);
    }
    bad += check_owners(arena, scenario, r, out, n,
                        json_object_get(round, "owners"));
    kc_arena_destroy(arena);
    return bad;
}

/* Every worker has its own assignor, used while it leads; one that
 * (re)joined starts with a new one (the golden round says when). */
typedef struct leader_assignor {
    char *id;
    kc_assignor_t *assignor;
} leader_assignor_t;

static kc_assignor_t *assignor_for(leader_assignor_t *v, size_t *n,
                                   const json_t *round, int32_t max_delay)
{
    const char *id = json_string_value(json_object_get(round, "leader"));
    bool fresh = json_is_true(json_object_get(round, "new_assignor"));
    size_t i;

    for (i = 0; i < *n && strcmp(v[i].id, id) != 0; i++) {
    }
    if (i == *n) {
        v[i].id = kc_strdup(id);
        v[i].assignor = NULL;
        (*n)++;
        fresh = true;
    }
    if (fresh) {
        kc_assignor_destroy(v[i].assignor);
        v[i].assignor = kc_assignor_new(max_delay);
    }
    return v[i].assignor;
}

static void test_assignments_match_apache(void **state)
{
    /* KC_ASSIGNOR_GOLDEN: another generator run (more random sequences,
     * tests/golden/README.md), checked the same way */
    const char *path = getenv("KC_ASSIGNOR_GOLDEN");
    FILE *f = fopen(path != NULL ? path : GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    int scenarios = 0;
    int bad = 0;

    (void)state;
    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *sc = json_loads(line, 0, &jerr);
        const char *id;
        kc_connect_protocol_t proto;
        int32_t max_delay;
        const json_t *rounds;
        leader_assignor_t *leaders;
        size_t n_leaders = 0;
        int before = bad;

        assert_non_null(sc);
        id = json_string_value(json_object_get(sc, "id"));
        proto = proto_of(json_string_value(json_object_get(sc, "protocol")));
        max_delay =
            (int32_t)json_integer_value(json_object_get(sc, "max_delay"));
        rounds = json_object_get(sc, "rounds");
        leaders = kc_calloc(json_array_size(rounds) + 1, sizeof(*leaders));
        for (size_t r = 0; r < json_array_size(rounds) && bad == before; r++) {
            const json_t *round = json_array_get(rounds, r);

            bad += replay_round(
                assignor_for(leaders, &n_leaders, round, max_delay), proto, id,
                r, round);
        }
        for (size_t i = 0; i < n_leaders; i++) {
            kc_free(leaders[i].id);
            kc_assignor_destroy(leaders[i].assignor);
        }
        kc_free(leaders);
        json_decref(sc);
        scenarios++;
    }
    free(line); /* getline's buffer */
    fclose(f);
    assert_true(scenarios >= (path != NULL ? 1 : 126));
    assert_int_equal(bad, 0);
}

/* A large cluster (Apache keeps HashSets, so a leader with tens of
 * thousands of tasks assigns in well under rebalance.timeout.ms): every
 * connector and task goes to exactly one member and the counts are
 * balanced, for the first round, after a member left and for eager. */
#define BIG_WORKERS    20
#define BIG_CONNECTORS 100
#define BIG_TASKS_PER  200

/* Checks @p out of @p n members: each of the cluster's connectors and
 * tasks is run by exactly one member, and no member runs more than one
 * connector or one task more than another. */
static void check_big_round(const kc_assign_result_t *out, size_t n)
{
    size_t total = (size_t)BIG_CONNECTORS * (BIG_TASKS_PER + 1);
    uint8_t *seen = kc_calloc(total, 1);
    size_t min_c = SIZE_MAX, max_c = 0, min_t = SIZE_MAX, max_t = 0;

    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].assignment.error, KC_CONNECT_NO_ERROR);
        for (size_t k = 0; k < out[i].n_all_connectors; k++) {
            int c = atoi(out[i].all_connectors[k] + 5);

            assert_int_equal(seen[(size_t)c * (BIG_TASKS_PER + 1)], 0);
            seen[(size_t)c * (BIG_TASKS_PER + 1)] = 1;
        }
        for (size_t k = 0; k < out[i].n_all_tasks; k++) {
            int c = atoi(out[i].all_tasks[k].connector + 5);
            size_t slot = (size_t)c * (BIG_TASKS_PER + 1) + 1 +
                          (size_t)out[i].all_tasks[k].task;

            assert_int_equal(seen[slot], 0);
            seen[slot] = 1;
        }
        min_c =
            out[i].n_all_connectors < min_c ? out[i].n_all_connectors : min_c;
        max_c =
            out[i].n_all_connectors > max_c ? out[i].n_all_connectors : max_c;
        min_t = out[i].n_all_tasks < min_t ? out[i].n_all_tasks : min_t;
        max_t = out[i].n_all_tasks > max_t ? out[i].n_all_tasks : max_t;
    }
    for (size_t s = 0; s < total; s++) {
        assert_int_equal(seen[s], 1);
    }
    assert_true(max_c - min_c <= 1);
    assert_true(max_t - min_t <= 1);
    kc_free(seen);
}

/* The metadata of a member that runs what @p r says it runs. */
static const kc_connect_metadata_t *big_metadata(kc_arena_t *arena,
                                                 const kc_assign_result_t *r)
{
    static const int32_t conn_task = KC_CONNECT_CONNECTOR_TASK;
    kc_connect_metadata_t *md = kc_arena_calloc(arena, 1, sizeof(*md));
    kc_connect_assignment_t *a = kc_arena_calloc(arena, 1, sizeof(*a));
    size_t n = r->n_all_connectors + r->n_all_tasks;
    kc_connect_entry_t *e = kc_arena_calloc(arena, n + 1, sizeof(*e));
    size_t k = 0;

    for (size_t i = 0; i < r->n_all_connectors; i++) {
        e[k++] = (kc_connect_entry_t){
            kc_arena_strdup(arena, r->all_connectors[i]), &conn_task, 1};
    }
    for (size_t i = 0; i < r->n_all_tasks; i++) {
        int32_t *t = kc_arena_alloc(arena, sizeof(*t));

        *t = r->all_tasks[i].task;
        e[k++] = (kc_connect_entry_t){
            kc_arena_strdup(arena, r->all_tasks[i].connector), t, 1};
    }
    a->leader = "w00";
    a->leader_url = "http://w00:8083/";
    a->config_offset = 7;
    a->assigned = e;
    a->n_assigned = k;
    md->version = 2;
    md->url = "http://w:8083/";
    md->config_offset = 7;
    md->assignment = a;
    return md;
}

static void test_large_cluster_assigns_every_task_once_balanced(void **state)
{
    kc_arena_t *arena = kc_arena_new(1 << 16);
    kc_arena_t *r1 = kc_arena_new(1 << 16);
    kc_arena_t *r2 = kc_arena_new(1 << 16);
    kc_assign_connector_t *conns =
        kc_arena_calloc(arena, BIG_CONNECTORS, sizeof(*conns));
    kc_assign_member_t *members =
        kc_arena_calloc(arena, BIG_WORKERS, sizeof(*members));
    kc_connect_metadata_t empty = {2, "http://w:8083/", 7, NULL};
    kc_assign_config_t config = {7, false, conns, BIG_CONNECTORS};
    kc_assignor_t *a = kc_assignor_new(0);
    kc_assign_result_t *out;

    (void)state;
    for (size_t i = 0; i < BIG_CONNECTORS; i++) {
        conns[i].name = kc_arena_sprintf(arena, "conn-%03zu", i);
        conns[i].tasks = BIG_TASKS_PER;
    }
    for (size_t i = 0; i < BIG_WORKERS; i++) {
        members[i].id = kc_arena_sprintf(arena, "w%02zu", i);
        members[i].md = &empty;
    }
    out = kc_assignor_assign(a, r1, KC_CONNECT_SESSIONED, "w00", members,
                             BIG_WORKERS, &config, -1, 1, 1000);
    check_big_round(out, BIG_WORKERS);

    /* the last member left: its work goes to the others at once (no
     * scheduled delay) */
    for (size_t i = 0; i + 1 < BIG_WORKERS; i++) {
        members[i].md = big_metadata(arena, &out[i]);
    }
    out = kc_assignor_assign(a, r2, KC_CONNECT_SESSIONED, "w00", members,
                             BIG_WORKERS - 1, &config, 1, 2, 2000);
    check_big_round(out, BIG_WORKERS - 1);
    kc_assignor_destroy(a);

    for (size_t i = 0; i < BIG_WORKERS; i++) {
        members[i].md = &empty;
    }
    out = kc_assign_eager(r1, "w00", members, BIG_WORKERS, &config);
    check_big_round(out, BIG_WORKERS);
    kc_arena_destroy(r2);
    kc_arena_destroy(r1);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assignments_match_apache),
        cmocka_unit_test(test_large_cluster_assigns_every_task_once_balanced),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
