/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One worker joins a Connect group over kconnect's own group client
 * (src/distributed/kc_group_wire.c with kc_connect_protocol.c) and gets
 * its own assignment back: FindCoordinator, JoinGroup with protocol type
 * "connect" offering sessioned and default (the first answer asks for the
 * member id, KIP-394), SyncGroup as the leader, Heartbeat,
 * LeaveGroup. Against the broker in KC_BOOTSTRAP_SERVERS (a real Kafka,
 * as `make e2e` runs one) when set, else against the embedded Kafka
 * (librdkafka's mock cluster, kc_embedded_kafka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "distributed/kc_connect_protocol.h"
#include "distributed/kc_group_wire.h"
#include "runtime/kc_embedded_kafka.h"

#define TIMEOUT_MS 30000

static kc_group_conn_t *open_bootstrap(const char *bootstraps)
{
    char host[256];
    const char *colon = strrchr(bootstraps, ':');
    const char *comma = strchr(bootstraps, ',');
    size_t n = (size_t)(colon - bootstraps);
    kc_error_t err = {0};
    kc_group_conn_t *conn;

    assert_non_null(colon);
    if (comma != NULL && comma < colon) {
        colon = memchr(bootstraps, ':', (size_t)(comma - bootstraps));
        assert_non_null(colon);
        n = (size_t)(colon - bootstraps);
    }
    assert_true(n < sizeof(host));
    memcpy(host, bootstraps, n);
    host[n] = '\0';
    conn =
        kc_group_conn_open(host, atoi(colon + 1), "kc-test", TIMEOUT_MS, &err);
    if (conn == NULL) {
        fail_msg("could not open %s: %s", bootstraps, err.msg);
    }
    return conn;
}

/* Send @p body and return the response body. */
static const uint8_t *call(kc_group_conn_t *conn, int16_t key, int16_t ver,
                           kc_buf_t *body, kc_arena_t *arena, size_t *len)
{
    const uint8_t *resp = NULL;
    kc_error_t err = {0};

    if (kc_group_conn_call(conn, key, ver, body, TIMEOUT_MS, arena, &resp, len,
                           &err) != KC_OK) {
        fail_msg("API %d: %s", key, err.msg);
    }
    kc_buf_reset(body);
    return resp;
}

static void join_as_single_member(const char *bootstraps)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_group_conn_t *boot = open_bootstrap(bootstraps);
    kc_group_conn_t *coord;
    const char *host = NULL;
    int port = 0;
    kc_join_group_resp_t jr;
    kc_error_t err = {0};
    kc_buf_t body;
    kc_buf_t md_v2;
    kc_buf_t md_v0;
    kc_buf_t abytes;
    char group[64];
    const uint8_t *resp;
    size_t len;
    int16_t error;

    /* a fresh group per run: a real broker keeps old ones */
    snprintf(group, sizeof(group), "kc-test-join-%ld-%d", (long)time(NULL),
             (int)getpid());
    kc_buf_init(&body, 0);
    if (kc_group_find_coordinator(boot, group, TIMEOUT_MS, arena, &host, &port,
                                  &err) != KC_OK) {
        fail_msg("FindCoordinator: %s", err.msg);
    }
    coord = kc_group_conn_open(host, port, "kc-test", TIMEOUT_MS, &err);
    if (coord == NULL) {
        fail_msg("coordinator %s:%d: %s", host, port, err.msg);
    }

    /* metadata of every offered subprotocol, preferred first */
    {
        kc_connect_metadata_t md = {2, "http://127.0.0.1:20950/", 41, NULL};

        kc_buf_init(&md_v2, 0);
        kc_buf_init(&md_v0, 0);
        assert_int_equal(kc_connect_metadata_encode(&md_v2, &md, &err), KC_OK);
        md.version = 0;
        assert_int_equal(kc_connect_metadata_encode(&md_v0, &md, &err), KC_OK);
    }
    {
        const kc_group_protocol_t protos[] = {
            {"sessioned", {md_v2.data, md_v2.len}},
            {"default", {md_v0.data, md_v0.len}},
        };
        kc_join_group_req_t req = {group,     10000,  30000, "",
                                   "connect", protos, 2};

        if (kc_group_join(coord, &req, TIMEOUT_MS, arena, &jr, &err) != KC_OK) {
            fail_msg("JoinGroup: %s", err.msg);
        }
    }
    assert_int_equal(jr.error, KC_KERR_NONE);
    assert_string_equal(jr.protocol_name, "sessioned");
    assert_string_equal(jr.leader, jr.member_id);
    assert_int_equal(jr.n_members, 1);
    assert_string_equal(jr.members[0].member_id, jr.member_id);
    {
        /* the leader reads its own metadata back */
        kc_connect_metadata_t back;

        assert_int_equal(kc_connect_metadata_decode(jr.members[0].metadata.data,
                                                    jr.members[0].metadata.len,
                                                    KC_CONNECT_SESSIONED, arena,
                                                    &back, &err),
                         KC_OK);
        assert_string_equal(back.url, "http://127.0.0.1:20950/");
        assert_int_equal(back.config_offset, 41);
    }

    /* as the leader, assign itself a connector and its task */
    {
        static const char *const conns[] = {"file-source"};
        static const kc_connect_task_id_t tasks[] = {{"file-source", 0}};
        kc_connect_assignment_t a = {0};
        kc_connect_assignment_t got;
        kc_sync_assignment_t mine;
        kc_bytes_t ab;

        a.version = 2;
        a.leader = jr.member_id;
        a.leader_url = "http://127.0.0.1:20950/";
        a.config_offset = 41;
        a.assigned = kc_connect_entries_build(arena, conns, 1, tasks, 1, false,
                                              &a.n_assigned);
        kc_buf_init(&abytes, 0);
        assert_int_equal(kc_connect_assignment_encode(&abytes, &a, &err),
                         KC_OK);
        mine.member_id = jr.member_id;
        mine.assignment.data = abytes.data;
        mine.assignment.len = abytes.len;
        assert_int_equal(kc_group_wire_sync_group(&body, group,
                                                  jr.generation_id,
                                                  jr.member_id, &mine, 1),
                         KC_OK);
        resp = call(coord, KC_API_SYNC_GROUP, KC_VER_SYNC_GROUP, &body, arena,
                    &len);
        assert_int_equal(
            kc_group_wire_read_sync_group(resp, len, arena, &error, &ab, &err),
            KC_OK);
        assert_int_equal(error, KC_KERR_NONE);
        assert_int_equal(ab.len, abytes.len);
        assert_memory_equal(ab.data, abytes.data, ab.len);
        /* a member reads every assignment with the incremental schema */
        assert_int_equal(kc_connect_assignment_decode(ab.data, ab.len,
                                                      KC_CONNECT_SESSIONED,
                                                      arena, &got, &err),
                         KC_OK);
        assert_string_equal(got.leader, jr.member_id);
        assert_int_equal(got.n_assigned, 1);
        assert_string_equal(got.assigned[0].connector, "file-source");
        assert_int_equal(got.assigned[0].n_tasks, 2);
        assert_int_equal(got.assigned[0].tasks[0], KC_CONNECT_CONNECTOR_TASK);
        assert_int_equal(got.assigned[0].tasks[1], 0);
        kc_buf_release(&abytes);
    }

    assert_int_equal(
        kc_group_wire_heartbeat(&body, group, jr.generation_id, jr.member_id),
        KC_OK);
    resp = call(coord, KC_API_HEARTBEAT, KC_VER_HEARTBEAT, &body, arena, &len);
    assert_int_equal(kc_group_wire_read_error(resp, len, &error, &err), KC_OK);
    assert_int_equal(error, KC_KERR_NONE);

    assert_int_equal(
        kc_group_wire_leave_group(&body, kc_group_conn_leave_version(coord),
                                  group, jr.member_id),
        KC_OK);
    resp = call(coord, KC_API_LEAVE_GROUP, kc_group_conn_leave_version(coord),
                &body, arena, &len);
    assert_int_equal(kc_group_wire_read_error(resp, len, &error, &err), KC_OK);
    assert_int_equal(error, KC_KERR_NONE);

    kc_buf_release(&md_v2);
    kc_buf_release(&md_v0);
    kc_buf_release(&body);
    kc_group_conn_close(coord);
    kc_group_conn_close(boot);
    kc_arena_destroy(arena);
}

static void test_group_join_single_member_gets_own_assignment(void **state)
{
    const char *bootstraps = getenv("KC_BOOTSTRAP_SERVERS");
    kc_embedded_kafka_t *ek = NULL;
    kc_error_t err = {0};

    (void)state;
    if (bootstraps == NULL || bootstraps[0] == '\0') {
        ek = kc_embedded_kafka_start(1, &err);
        if (ek == NULL) {
            fail_msg("embedded kafka: %s", err.msg);
        }
        bootstraps = kc_embedded_kafka_bootstraps(ek);
    }
    join_as_single_member(bootstraps);
    kc_embedded_kafka_destroy(ek);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_join_single_member_gets_own_assignment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
