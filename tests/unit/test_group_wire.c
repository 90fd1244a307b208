/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/distributed/kc_group_wire.c: the classic group
 * requests kconnect writes must be the bytes Apache's Java client writes
 * for the same versions (request header included), and the responses a
 * broker writes must read back to the fields it was given; both from
 * tests/golden/connect_protocol/golden.jsonl (kafka-clients' own message
 * classes, GenConnectProtocolGolden.java).
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

#include "distributed/kc_group_wire.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/connect_protocol/golden.jsonl"

static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *out = kc_malloc(n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned int b;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (uint8_t)b;
    }
    *len = n;
    return out;
}

static void check_bytes(const char *id, const kc_buf_t *got, const char *hex)
{
    size_t len;
    uint8_t *want = unhex(hex, &len);

    if (got->len != len || memcmp(got->data, want, len) != 0) {
        fail_msg("%s: request bytes differ from Apache's (%zu vs %zu bytes)",
                 id, got->len, len);
    }
    kc_free(want);
}

/* The requests the generator made, rebuilt with the C API. */
static void build_request(const char *id, kc_buf_t *out)
{
    static const uint8_t md[] = {0, 2, 0, 1, 'u', 0,   0,   0,  0,
                                 0, 0, 0, 5, 255, 255, 255, 255};
    static const uint8_t md1[] = {0, 1};
    static const uint8_t a1[] = {1, 2, 3};

    if (strcmp(id, "find_coordinator_v2") == 0) {
        kc_group_wire_header(out, KC_API_FIND_COORDINATOR,
                             KC_VER_FIND_COORDINATOR, 7, "kc-golden");
        kc_group_wire_find_coordinator(out, "connect-cluster");
    } else if (strcmp(id, "join_group_v5_first") == 0) {
        const kc_group_protocol_t protos[] = {
            {"sessioned", {md, sizeof(md)}},
            {"compatible", {md1, sizeof(md1)}},
            {"default", {NULL, 0}},
        };
        kc_join_group_req_t req = {"connect-cluster", 10000,  60000, "",
                                   "connect",         protos, 3};

        kc_group_wire_header(out, KC_API_JOIN_GROUP, KC_VER_JOIN_GROUP, 7,
                             "kc-golden");
        assert_int_equal(kc_group_wire_join_group(out, &req), KC_OK);
    } else if (strcmp(id, "sync_group_v3_leader") == 0) {
        const kc_sync_assignment_t as[] = {{"m-1", {a1, sizeof(a1)}},
                                           {"m-2", {NULL, 0}}};

        kc_group_wire_header(out, KC_API_SYNC_GROUP, KC_VER_SYNC_GROUP, 7,
                             "kc-golden");
        kc_group_wire_sync_group(out, "connect-cluster", 3, "m-1", as, 2);
    } else if (strcmp(id, "sync_group_v3_follower") == 0) {
        kc_group_wire_header(out, KC_API_SYNC_GROUP, KC_VER_SYNC_GROUP, 7,
                             "kc-golden");
        kc_group_wire_sync_group(out, "g", -1, "m-2", NULL, 0);
    } else if (strcmp(id, "heartbeat_v3") == 0) {
        kc_group_wire_header(out, KC_API_HEARTBEAT, KC_VER_HEARTBEAT, 7,
                             "kc-golden");
        kc_group_wire_heartbeat(out, "connect-cluster", 12, "m-1");
    } else if (strcmp(id, "leave_group_v3") == 0) {
        kc_group_wire_header(out, KC_API_LEAVE_GROUP, KC_VER_LEAVE_GROUP, 7,
                             "kc-golden");
        kc_group_wire_leave_group(out, 3, "connect-cluster", "m-1");
    } else if (strcmp(id, "leave_group_v1") == 0) {
        kc_group_wire_header(out, KC_API_LEAVE_GROUP, 1, 7, "kc-golden");
        kc_group_wire_leave_group(out, 1, "connect-cluster", "m-1");
    } else if (strcmp(id, "sasl_handshake_v1") == 0) {
        kc_group_wire_header(out, KC_API_SASL_HANDSHAKE, KC_VER_SASL_HANDSHAKE,
                             7, "kc-golden");
        kc_group_wire_sasl_handshake(out, "SCRAM-SHA-256");
    } else if (strcmp(id, "sasl_authenticate_v1") == 0) {
        static const char tok[] = "n,,n=kc,r=fyko+d2lbbFgONRv9qkxdawL";

        kc_group_wire_header(out, KC_API_SASL_AUTHENTICATE,
                             KC_VER_SASL_AUTHENTICATE, 7, "kc-golden");
        kc_group_wire_sasl_authenticate(
            out, (kc_bytes_t){(const uint8_t *)tok, sizeof(tok) - 1});
    } else {
        fail_msg("no C request for case %s", id);
    }
}

static void assert_str_or_null(const char *got, const json_t *want)
{
    if (json_is_null(want)) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, json_string_value(want));
    }
}

static void check_hex(kc_bytes_t got, const json_t *want)
{
    size_t len;
    uint8_t *w = unhex(json_string_value(want), &len);

    assert_int_equal(got.len, len);
    if (len > 0) {
        assert_memory_equal(got.data, w, len);
    }
    kc_free(w);
}

static void check_response(const char *api, const uint8_t *p, size_t len,
                           const json_t *f, kc_arena_t *arena)
{
    kc_error_t err = {0};
    int16_t error = -1;

    if (strcmp(api, "ApiVersions") == 0) {
        const kc_api_version_range_t *apis;
        const json_t *want = json_object_get(f, "apis");
        size_t n;

        assert_int_equal(kc_group_wire_read_api_versions(p, len, arena, &error,
                                                         &apis, &n, &err),
                         KC_OK);
        assert_int_equal(n, json_array_size(want));
        for (size_t i = 0; i < n; i++) {
            const json_t *w = json_array_get(want, i);

            assert_int_equal(apis[i].api_key,
                             json_integer_value(json_array_get(w, 0)));
            assert_int_equal(apis[i].min_version,
                             json_integer_value(json_array_get(w, 1)));
            assert_int_equal(apis[i].max_version,
                             json_integer_value(json_array_get(w, 2)));
        }
    } else if (strcmp(api, "FindCoordinator") == 0) {
        kc_find_coordinator_resp_t r;

        assert_int_equal(
            kc_group_wire_read_find_coordinator(p, len, arena, &r, &err),
            KC_OK);
        error = r.error;
        assert_str_or_null(r.error_message,
                           json_object_get(f, "error_message"));
        assert_int_equal(r.node_id,
                         json_integer_value(json_object_get(f, "node_id")));
        assert_string_equal(r.host,
                            json_string_value(json_object_get(f, "host")));
        assert_int_equal(r.port,
                         json_integer_value(json_object_get(f, "port")));
    } else if (strcmp(api, "JoinGroup") == 0) {
        kc_join_group_resp_t r;
        const json_t *members = json_object_get(f, "members");

        assert_int_equal(kc_group_wire_read_join_group(p, len, arena, &r, &err),
                         KC_OK);
        error = r.error;
        assert_int_equal(r.generation_id, json_integer_value(json_object_get(
                                              f, "generation_id")));
        assert_string_equal(r.protocol_name, json_string_value(json_object_get(
                                                 f, "protocol_name")));
        assert_string_equal(r.leader,
                            json_string_value(json_object_get(f, "leader")));
        assert_string_equal(r.member_id,
                            json_string_value(json_object_get(f, "member_id")));
        assert_int_equal(r.n_members, json_array_size(members));
        for (size_t i = 0; i < r.n_members; i++) {
            const json_t *m = json_array_get(members, i);

            assert_string_equal(r.members[i].member_id,
                                json_string_value(json_array_get(m, 0)));
            assert_str_or_null(r.members[i].group_instance_id,
                               json_array_get(m, 1));
            check_hex(r.members[i].metadata, json_array_get(m, 2));
        }
    } else if (strcmp(api, "SyncGroup") == 0) {
        kc_bytes_t a;

        assert_int_equal(
            kc_group_wire_read_sync_group(p, len, arena, &error, &a, &err),
            KC_OK);
        check_hex(a, json_object_get(f, "assignment"));
    } else if (strcmp(api, "SaslHandshake") == 0) {
        const char *const *mechs;
        const json_t *want = json_object_get(f, "mechanisms");
        size_t n;

        assert_int_equal(kc_group_wire_read_sasl_handshake(
                             p, len, arena, &error, &mechs, &n, &err),
                         KC_OK);
        assert_int_equal(n, json_array_size(want));
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(mechs[i],
                                json_string_value(json_array_get(want, i)));
        }
    } else if (strcmp(api, "SaslAuthenticate") == 0) {
        kc_sasl_authenticate_resp_t r;

        assert_int_equal(
            kc_group_wire_read_sasl_authenticate(p, len, arena, &r, &err),
            KC_OK);
        error = r.error;
        assert_str_or_null(r.error_message,
                           json_object_get(f, "error_message"));
        check_hex(r.auth, json_object_get(f, "auth"));
        assert_int_equal(
            r.session_lifetime_ms,
            json_integer_value(json_object_get(f, "session_lifetime_ms")));
    } else {
        assert_string_equal(api, "Heartbeat");
        assert_int_equal(kc_group_wire_read_error(p, len, &error, &err), KC_OK);
    }
    assert_int_equal(error, json_integer_value(json_object_get(f, "error")));
    /* every cut of the response is refused, never read past */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = kc_malloc(cut + 1);
        kc_err_t rc;

        memcpy(copy, p, cut);
        if (strcmp(api, "ApiVersions") == 0) {
            const kc_api_version_range_t *apis;
            size_t n;

            rc = kc_group_wire_read_api_versions(copy, cut, arena, &error,
                                                 &apis, &n, &err);
        } else if (strcmp(api, "FindCoordinator") == 0) {
            kc_find_coordinator_resp_t r;

            rc =
                kc_group_wire_read_find_coordinator(copy, cut, arena, &r, &err);
        } else if (strcmp(api, "JoinGroup") == 0) {
            kc_join_group_resp_t r;

            rc = kc_group_wire_read_join_group(copy, cut, arena, &r, &err);
        } else if (strcmp(api, "SyncGroup") == 0) {
            kc_bytes_t a;

            rc = kc_group_wire_read_sync_group(copy, cut, arena, &error, &a,
                                               &err);
        } else if (strcmp(api, "SaslHandshake") == 0) {
            const char *const *mechs;
            size_t n;

            rc = kc_group_wire_read_sasl_handshake(copy, cut, arena, &error,
                                                   &mechs, &n, &err);
        } else if (strcmp(api, "SaslAuthenticate") == 0) {
            kc_sasl_authenticate_resp_t r;

            rc = kc_group_wire_read_sasl_authenticate(copy, cut, arena, &r,
                                                      &err);
        } else {
            rc = kc_group_wire_read_error(copy, cut, &error, &err);
        }
        assert_int_equal(rc, KC_ERR_INVALID);
        assert_true(strlen(err.msg) > 0);
        kc_free(copy);
    }
}

static void test_group_wire_matches_kafka_clients_golden(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    int requests = 0;
    int responses = 0;
    kc_arena_t *arena = kc_arena_new(0);

    (void)state;
    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);
        const char *kind = json_string_value(json_object_get(c, "kind"));
        const char *id = json_string_value(json_object_get(c, "id"));

        assert_non_null(c);
        if (strcmp(kind, "request") == 0) {
            kc_buf_t out;

            kc_buf_init(&out, 0);
            build_request(id, &out);
            check_bytes(id, &out,
                        json_string_value(json_object_get(c, "bytes")));
            kc_buf_release(&out);
            requests++;
        } else if (strcmp(kind, "response") == 0) {
            size_t len;
            uint8_t *p =
                unhex(json_string_value(json_object_get(c, "bytes")), &len);

            check_response(json_string_value(json_object_get(c, "api")), p, len,
                           json_object_get(c, "fields"), arena);
            kc_free(p);
            responses++;
        }
        json_decref(c);
        kc_arena_reset(arena);
    }
    free(line); /* getline's buffer comes from libc */
    fclose(f);
    kc_arena_destroy(arena);
    assert_int_equal(requests, 9);
    assert_int_equal(responses, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_wire_matches_kafka_clients_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
