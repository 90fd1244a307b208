/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/distributed/kc_connect_protocol.c, Connect's group
 * subprotocols, against tests/golden/connect_protocol/golden.jsonl, which
 * Apache's own ConnectProtocol and IncrementalCooperativeConnectProtocol
 * wrote (GenConnectProtocolGolden.java): kconnect's encoder must write
 * Apache's bytes, its decoder must read them back to the same fields, and
 * on the damaged inputs it must refuse what Apache refuses (naming the
 * same field) and read what Apache reads.
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

#include "distributed/kc_connect_protocol.h"

#include "kc_test_jsonl.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/connect_protocol/golden.jsonl"

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

static char *tohex(const uint8_t *p, size_t n)
{
    char *out = kc_malloc(2 * n + 1);

    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * n] = '\0';
    return out;
}

/* Rebuild an assignment description of the generator with the C API, in
 * the order Apache writes its entries. */
static void build_assignment(kc_arena_t *arena, const json_t *d,
                             int16_t version, kc_connect_assignment_t *a)
{
    const char *lists[2][2] = {{"connectors", "tasks"},
                               {"revoked_connectors", "revoked_tasks"}};

    memset(a, 0, sizeof(*a));
    a->version = version;
    a->error = (int16_t)json_integer_value(json_object_get(d, "error"));
    a->leader = json_string_value(json_object_get(d, "leader"));
    a->leader_url = json_string_value(json_object_get(d, "leader_url"));
    a->config_offset = json_integer_value(json_object_get(d, "config_offset"));
    a->delay = (int32_t)json_integer_value(json_object_get(d, "delay"));
    for (int l = 0; l < 2; l++) {
        const json_t *cj = json_object_get(d, lists[l][0]);
        const json_t *tj = json_object_get(d, lists[l][1]);
        size_t nc = json_array_size(cj);
        size_t nt = json_array_size(tj);
        const char **conns = kc_arena_calloc(arena, nc + 1, sizeof(*conns));
        kc_connect_task_id_t *tasks =
            kc_arena_calloc(arena, nt + 1, sizeof(*tasks));
        const kc_connect_entry_t *v;
        size_t n;

        for (size_t i = 0; i < nc; i++) {
            conns[i] = json_string_value(json_array_get(cj, i));
        }
        for (size_t i = 0; i < nt; i++) {
            const json_t *p = json_array_get(tj, i);

            tasks[i].connector = json_string_value(json_array_get(p, 0));
            tasks[i].task = (int32_t)json_integer_value(json_array_get(p, 1));
        }
        v = kc_connect_entries_build(arena, conns, nc, tasks, nt, l == 1, &n);
        if (l == 0) {
            a->assigned = v;
            a->n_assigned = n;
        } else {
            a->revoked = v;
            a->n_revoked = n;
        }
    }
}

/* What Apache's decoder lists: connectors (task -1) and tasks, in wire
 * order, as the generator prints them. */
static void check_entries(const char *id, const kc_connect_entry_t *v, size_t n,
                          const json_t *conns, const json_t *tasks)
{
    size_t ci = 0;
    size_t ti = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < v[i].n_tasks; t++) {
            if (v[i].tasks[t] == KC_CONNECT_CONNECTOR_TASK) {
                const char *want =
                    json_string_value(json_array_get(conns, ci++));

                if (want == NULL || strcmp(want, v[i].connector) != 0) {
                    fail_msg("%s: connector %s, Apache read %s", id,
                             v[i].connector, want ? want : "(none)");
                }
            } else {
                const json_t *p = json_array_get(tasks, ti++);
                const char *want = json_string_value(json_array_get(p, 0));

                if (want == NULL || strcmp(want, v[i].connector) != 0 ||
                    json_integer_value(json_array_get(p, 1)) != v[i].tasks[t]) {
                    fail_msg("%s: task %s-%d differs from Apache's", id,
                             v[i].connector, v[i].tasks[t]);
                }
            }
        }
    }
    if (ci != json_array_size(conns) || ti != json_array_size(tasks)) {
        fail_msg("%s: %zu connectors and %zu tasks read, Apache read %zu and "
                 "%zu",
                 id, ci, ti, json_array_size(conns), json_array_size(tasks));
    }
}

/* The fields Apache decoded (its printed description) against ours. A
 * NULL assignment is Apache's empty one: no leader, offset -1. */
static void check_assignment(const char *id, const kc_connect_assignment_t *a,
                             const json_t *d, bool incremental)
{
    const json_t *leader = json_object_get(d, "leader");

    if (a == NULL) {
        assert_true(json_is_null(leader));
        assert_int_equal(
            json_integer_value(json_object_get(d, "config_offset")), -1);
        assert_int_equal(json_array_size(json_object_get(d, "connectors")), 0);
        assert_int_equal(json_array_size(json_object_get(d, "tasks")), 0);
        return;
    }
    assert_int_equal(a->error, json_integer_value(json_object_get(d, "error")));
    assert_string_equal(a->leader, json_string_value(leader));
    assert_string_equal(a->leader_url,
                        json_string_value(json_object_get(d, "leader_url")));
    assert_int_equal(a->config_offset,
                     json_integer_value(json_object_get(d, "config_offset")));
    check_entries(id, a->assigned, a->n_assigned,
                  json_object_get(d, "connectors"),
                  json_object_get(d, "tasks"));
    if (incremental) {
        assert_int_equal(a->version,
                         json_integer_value(json_object_get(d, "version")));
        check_entries(id, a->revoked, a->n_revoked,
                      json_object_get(d, "revoked_connectors"),
                      json_object_get(d, "revoked_tasks"));
        assert_int_equal(a->delay,
                         json_integer_value(json_object_get(d, "delay")));
    }
}

/* Apache's message up to its last "Error reading field 'x'" part names
 * the field; Java's own "java.nio.BufferUnderflowException" tail is the
 * only part kconnect words differently. */
static void check_error(const char *id, const char *ours, const char *java)
{
    const char *tail = strstr(java, "java.nio.BufferUnderflowException");

    if (tail == NULL) {
        if (strcmp(ours, java) != 0) {
            fail_msg("%s: error \"%s\", Apache: \"%s\"", id, ours, java);
        }
        return;
    }
    if (strncmp(ours, java, (size_t)(tail - java)) != 0) {
        fail_msg("%s: error \"%s\", Apache: \"%s\"", id, ours, java);
    }
}

static void run_case(const json_t *c, kc_arena_t *arena, int *counts)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *kind = json_string_value(json_object_get(c, "kind"));
    kc_connect_protocol_t proto;
    bool incremental;
    const json_t *hexj = json_object_get(c, "bytes");
    kc_error_t err = {0};
    kc_buf_t out;
    uint8_t *bytes;
    size_t len;
    char *got;

    if (strcmp(kind, "request") == 0 || strcmp(kind, "response") == 0) {
        return; /* the group wire cases: test_group_wire */
    }
    proto = proto_of(json_string_value(json_object_get(c, "protocol")));
    incremental = proto != KC_CONNECT_EAGER;
    kc_buf_init(&out, 0);
    if (strcmp(kind, "assignment") == 0) {
        kc_connect_assignment_t a;
        kc_connect_assignment_t back;

        build_assignment(arena, json_object_get(c, "value"), (int16_t)proto,
                         &a);
        assert_int_equal(kc_connect_assignment_encode(&out, &a, &err), KC_OK);
        got = tohex(out.data, out.len);
        if (strcmp(got, json_string_value(hexj)) != 0) {
            fail_msg("%s: wrote\n%s\nApache wrote\n%s", id, got,
                     json_string_value(hexj));
        }
        kc_free(got);
        bytes = unhex(json_string_value(hexj), &len);
        assert_int_equal(
            kc_connect_assignment_decode(bytes, len, proto, arena, &back, &err),
            KC_OK);
        /* what was read writes the same bytes again */
        kc_buf_reset(&out);
        assert_int_equal(kc_connect_assignment_encode(&out, &back, &err),
                         KC_OK);
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, bytes, len);
        kc_free(bytes);
        counts[0]++;
    } else if (strcmp(kind, "metadata") == 0) {
        kc_connect_metadata_t md = {0};
        kc_connect_metadata_t back;
        kc_connect_assignment_t a;
        const json_t *aj = json_object_get(c, "assignment");

        md.version = (int16_t)proto;
        md.url = json_string_value(json_object_get(c, "url"));
        md.config_offset =
            json_integer_value(json_object_get(c, "config_offset"));
        if (aj != NULL && !json_is_null(aj)) {
            build_assignment(arena, aj, (int16_t)proto, &a);
            md.assignment = &a;
        }
        assert_int_equal(kc_connect_metadata_encode(&out, &md, &err), KC_OK);
        got = tohex(out.data, out.len);
        if (strcmp(got, json_string_value(hexj)) != 0) {
            fail_msg("%s: wrote\n%s\nApache wrote\n%s", id, got,
                     json_string_value(hexj));
        }
        kc_free(got);
        bytes = unhex(json_string_value(hexj), &len);
        assert_int_equal(
            kc_connect_metadata_decode(bytes, len, proto, arena, &back, &err),
            KC_OK);
        assert_string_equal(back.url, md.url);
        assert_int_equal(back.config_offset, md.config_offset);
        assert_int_equal(back.assignment == NULL, md.assignment == NULL);
        kc_buf_reset(&out);
        assert_int_equal(kc_connect_metadata_encode(&out, &back, &err), KC_OK);
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, bytes, len);
        kc_free(bytes);
        counts[1]++;
    } else {
        const json_t *exc = json_object_get(c, "message");
        kc_err_t rc;

        bytes = unhex(json_string_value(json_object_get(c, "input")), &len);
        if (strcmp(kind, "decode_metadata") == 0) {
            kc_connect_metadata_t md;

            rc =
                kc_connect_metadata_decode(bytes, len, proto, arena, &md, &err);
            if (exc == NULL) {
                if (rc != KC_OK) {
                    fail_msg("%s: refused (%s), Apache read it", id, err.msg);
                }
                assert_string_equal(
                    md.url, json_string_value(json_object_get(c, "url")));
                assert_int_equal(
                    md.config_offset,
                    json_integer_value(json_object_get(c, "config_offset")));
                if (incremental) {
                    check_assignment(id, md.assignment,
                                     json_object_get(c, "assignment"), true);
                }
            }
        } else {
            kc_connect_assignment_t a;

            rc = kc_connect_assignment_decode(bytes, len, proto, arena, &a,
                                              &err);
            if (exc == NULL) {
                if (rc != KC_OK) {
                    fail_msg("%s: refused (%s), Apache read it", id, err.msg);
                }
                check_assignment(id, &a, json_object_get(c, "value"),
                                 incremental);
            }
        }
        if (exc != NULL) {
            if (rc != KC_ERR_INVALID) {
                fail_msg("%s: read, Apache refused: %s", id,
                         json_string_value(exc));
            }
            check_error(id, err.msg, json_string_value(exc));
        }
        kc_free(bytes);
        counts[2]++;
    }
    kc_buf_release(&out);
}

static void test_connect_protocol_matches_apache_golden(void **state)
{
    json_t *all = kc_test_load_jsonl(GOLDEN);
    int counts[3] = {0, 0, 0};
    kc_arena_t *arena = kc_arena_new(0);
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(all, i, c)
    {
        run_case(c, arena, counts);
        kc_arena_reset(arena);
    }
    json_decref(all);
    kc_arena_destroy(arena);
    /* every kind of case was there */
    assert_true(counts[0] >= 30);
    assert_true(counts[1] >= 18);
    assert_true(counts[2] >= 40);
}

/* Every prefix of a valid message is refused or read without reading past
 * it (ASan checks the bounds); a cut inside the nested allocation is
 * refused. */
static void test_connect_protocol_truncated_input_is_refused(void **state)
{
    static const char *const conns[] = {"source-a", "sink-b"};
    static const kc_connect_task_id_t tasks[] = {{"source-a", 0},
                                                 {"sink-b", 3}};
    kc_arena_t *arena = kc_arena_new(0);
    kc_connect_assignment_t a = {0};
    kc_connect_metadata_t md = {0};
    kc_error_t err = {0};
    kc_buf_t out;

    (void)state;
    a.version = 2;
    a.leader = "leader-1";
    a.leader_url = "http://l:8083/";
    a.config_offset = 12;
    a.assigned = kc_connect_entries_build(arena, conns, 2, tasks, 2, false,
                                          &a.n_assigned);
    a.revoked =
        kc_connect_entries_build(arena, conns, 1, NULL, 0, true, &a.n_revoked);
    a.delay = 10;
    md.version = 2;
    md.url = "http://w:8083/";
    md.config_offset = 12;
    md.assignment = &a;
    kc_buf_init(&out, 0);
    assert_int_equal(kc_connect_metadata_encode(&out, &md, &err), KC_OK);
    for (size_t cut = 0; cut < out.len; cut++) {
        uint8_t *copy = kc_malloc(cut + 1);
        kc_connect_metadata_t back;
        kc_err_t rc;

        memcpy(copy, out.data, cut);
        rc = kc_connect_metadata_decode(copy, cut, KC_CONNECT_SESSIONED, arena,
                                        &back, &err);
        /* only a cut right after the config offset reads (no allocation) */
        if (cut == 2 + 2 + strlen(md.url) + 8) {
            assert_int_equal(rc, KC_OK);
            assert_null(back.assignment);
        } else {
            assert_int_equal(rc, KC_ERR_INVALID);
            assert_true(strlen(err.msg) > 0);
        }
        kc_free(copy);
    }
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

/* A count or length far past the buffer is refused before anything is
 * allocated for it. */
static void test_connect_protocol_huge_counts_are_refused(void **state)
{
    static const uint8_t huge_tasks[] = {
        0, 0, 0, 0, 0, 1, 'a', 0, 1, 'b', 0,    0,    0,    0,   0,
        0, 0, 1, 0, 0, 0, 1,   0, 1, 'c', 0x7f, 0xff, 0xff, 0xff};
    kc_arena_t *arena = kc_arena_new(0);
    kc_connect_assignment_t a;
    kc_error_t err = {0};

    (void)state;
    assert_int_equal(
        kc_connect_assignment_decode(huge_tasks, sizeof(huge_tasks),
                                     KC_CONNECT_EAGER, arena, &a, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "'tasks'"));
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_protocol_matches_apache_golden),
        cmocka_unit_test(test_connect_protocol_truncated_input_is_refused),
        cmocka_unit_test(test_connect_protocol_huge_counts_are_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
