/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST route table: every row is reachable, no two rows could both
 * answer one request, listeners see the rows their access allows, and a
 * mounted row with a body that is not JSON is served end to end by the
 * HTTP server.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "herder/kc_herder.h"
#include "plugins/kc_registry.h"
#include "rest/kc_rest_routes.h"
#include "rest/kc_rest_server.h"
#include "runtime/kc_worker.h"
#include "kc_test_worker.h"

/* A concrete path for @p pattern: "x" for a capture, "7" for an int. */
static char *path_for(const char *pattern)
{
    kc_buf_t buf;
    const char *p = pattern;

    kc_buf_init(&buf, 0);
    while (*p == '/' && p[1] != '\0') {
        const char *s = p + 1;
        const char *end = strchr(s, '/');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);

        if (s[0] != '{') {
            kc_buf_printf(&buf, "/%.*s", (int)len, s);
        } else if (len > 6 && memcmp(s + len - 5, ":int}", 5) == 0) {
            kc_buf_puts(&buf, "/7");
        } else if (s[len - 2] == '*') {
            kc_buf_puts(&buf, "/a/b.css");
        } else {
            kc_buf_puts(&buf, "/x%2Fy");
        }
        p = s + len;
    }
    if (buf.len == 0) {
        kc_buf_puts(&buf, "/");
    }
    return kc_buf_detach(&buf, NULL);
}

static void test_every_row_is_reachable(void **state)
{
    size_t n;
    const kc_rest_route_def_t *rows = kc_rest_routes(&n);
    kc_rest_options_t public_only = {.public_enabled = true};
    kc_rest_options_t admin_only = {.admin_enabled = true};

    (void)state;
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char *path = path_for(rows[i].pattern);
        int status = 0;
        bool admin = rows[i].access == KC_REST_ADMIN;
        const kc_rest_route_def_t *got;

        assert_non_null(rows[i].handler);
        got = kc_rest_lookup(NULL, rows[i].method, path, &status);
        if (got != &rows[i]) {
            fail_msg("%s %s (row %zu) is answered by %s", rows[i].method, path,
                     i, got != NULL ? got->pattern : "no row");
        }
        /* A listener serves a row only when its access allows it. */
        got = kc_rest_lookup(&public_only, rows[i].method, path, &status);
        assert_true(got == (admin ? NULL : &rows[i]));
        if (admin) {
            assert_int_equal(status, 404);
        }
        got = kc_rest_lookup(&admin_only, rows[i].method, path, &status);
        assert_true(got == (admin ? &rows[i] : NULL));
        if (!admin) {
            assert_int_equal(status, 404);
        }
        kc_free(path);
    }
}

static void test_no_two_rows_are_ambiguous(void **state)
{
    size_t n;
    const kc_rest_route_def_t *rows = kc_rest_routes(&n);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(rows[i].method, rows[j].method) == 0 &&
                kc_rest_patterns_overlap(rows[i].pattern, rows[j].pattern)) {
                fail_msg("%s %s and %s overlap", rows[i].method,
                         rows[i].pattern, rows[j].pattern);
            }
        }
    }
}

static void test_patterns_overlap(void **state)
{
    (void)state;
    assert_true(kc_rest_patterns_overlap("/a/{x}", "/a/b"));
    assert_true(kc_rest_patterns_overlap("/a/{x}", "/a/{y:int}"));
    assert_true(kc_rest_patterns_overlap("/a/{x:int}", "/a/12"));
    assert_false(kc_rest_patterns_overlap("/a/{x:int}", "/a/b"));
    assert_false(kc_rest_patterns_overlap("/a/{x}", "/a/{x}/c"));
    assert_false(kc_rest_patterns_overlap("/", "/a"));
    assert_true(kc_rest_patterns_overlap("/", "/"));
    assert_true(kc_rest_patterns_overlap("/ui/{file*}", "/ui/a/b"));
    assert_false(kc_rest_patterns_overlap("/ui/{file*}", "/ui"));
}

static void test_rows_are_marked_as_apache_serves_them(void **state)
{
    static const struct {
        const char *method;
        const char *path;
        kc_rest_access_t access;
    } want[] = {
        {"GET", "/connectors", KC_REST_PUBLIC},
        {"POST", "/connectors", KC_REST_FORWARD},
        {"PUT", "/connectors/c/config", KC_REST_FORWARD},
        {"PATCH", "/connectors/c/config", KC_REST_FORWARD},
        {"DELETE", "/connectors/c", KC_REST_FORWARD},
        {"POST", "/connectors/c/restart", KC_REST_FORWARD},
        {"PUT", "/connectors/c/stop", KC_REST_FORWARD},
        {"PUT", "/connectors/c/pause", KC_REST_PUBLIC},
        {"POST", "/connectors/c/tasks/0/restart", KC_REST_FORWARD},
        {"PATCH", "/connectors/c/offsets", KC_REST_FORWARD},
        {"DELETE", "/connectors/c/offsets", KC_REST_FORWARD},
        {"POST", "/connectors/c/tasks", KC_REST_INTERNAL},
        {"PUT", "/connectors/c/fence", KC_REST_INTERNAL},
        {"PUT", "/admin/loggers/root", KC_REST_ADMIN},
    };
    int status;

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(want); i++) {
        const kc_rest_route_def_t *row =
            kc_rest_lookup(NULL, want[i].method, want[i].path, &status);

        assert_non_null(row);
        if (row->access != want[i].access) {
            fail_msg("%s %s has access %d", want[i].method, want[i].path,
                     (int)row->access);
        }
    }
}

static void test_lookup_answers_404_and_405_as_the_router(void **state)
{
    int status = 0;

    (void)state;
    assert_null(
        kc_rest_lookup(NULL, "GET", "/connectors/c/tasks/x/status", &status));
    assert_int_equal(status, 404);
    assert_null(
        kc_rest_lookup(NULL, "PUT", "/connectors/c/tasks/x/status", &status));
    assert_int_equal(status, 404);
    assert_null(
        kc_rest_lookup(NULL, "PUT", "/connectors/c/tasks/1/status", &status));
    assert_int_equal(status, 405);
    assert_null(kc_rest_lookup(NULL, "GET", "/nope", &status));
    assert_int_equal(status, 404);
    assert_null(kc_rest_lookup(NULL, "GET", "/connectors/%zz", &status));
    assert_int_equal(status, 400);
    assert_non_null(kc_rest_lookup(NULL, "GET", "/connectors/", &status));
}

/* ---- mounted rows -------------------------------------------------------- */

static void h_text(kc_rest_ctx_t *ctx)
{
    const char *greeting = ctx->opaque;
    char *text =
        kc_asprintf("%s %s\n", greeting,
                    ctx->nparams > 0 ? ctx->params[0] : "(no capture)");

    kc_rest_response_set_data(ctx->resp, 200, "text/plain; charset=utf-8", text,
                              strlen(text));
    kc_free(text);
}

static void test_mounts_refuse_overlapping_and_malformed_rows(void **state)
{
    kc_rest_mounts_t *m = kc_calloc(1, sizeof(*m));
    kc_rest_route_def_t row = {"GET", "/connectors/{c}", h_text, KC_REST_PUBLIC,
                               NULL};
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "overlaps \"GET /connectors/{name}\""));
    row.pattern = "/static/{file";
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_ERR_INVALID);
    row.pattern = "/static/{file*}/x";
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_ERR_INVALID);
    row.pattern = "/static/{file*}";
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_OK);
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_ERR_INVALID);
    /* Another method on the same pattern is another row. */
    row.method = "PUT";
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_OK);
    kc_free(m);
}

static void test_mounted_row_answers_text_with_its_tail(void **state)
{
    kc_rest_mounts_t *m = kc_calloc(1, sizeof(*m));
    kc_rest_route_def_t row = {"GET", "/static/{file*}", h_text, KC_REST_PUBLIC,
                               "file"};
    kc_rest_options_t opts = {true, true, m, NULL};
    kc_rest_request_t req;
    kc_rest_response_t resp;
    const char *ctype;
    const uint8_t *data;
    size_t len;
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_rest_mounts_add(m, &row, &err), KC_OK);
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/static/css/a%20b.css";
    kc_rest_route(NULL, &opts, &req, &resp);
    assert_int_equal(resp.status, 200);
    assert_null(resp.body);
    data = kc_rest_response_serialize(&resp, &len, &ctype);
    assert_string_equal(ctype, "text/plain; charset=utf-8");
    assert_int_equal(len, strlen("file css/a b.css\n"));
    assert_memory_equal(data, "file css/a b.css\n", len);
    kc_rest_response_release(&resp);
    /* The bare prefix is no file: the tail needs a segment. */
    req.path = "/static";
    kc_rest_route(NULL, &opts, &req, &resp);
    assert_int_equal(resp.status, 404);
    kc_rest_response_release(&resp);
    /* Another method on the mounted path: 405, as for built-in rows. */
    req.method = "DELETE";
    req.path = "/static/x";
    kc_rest_route(NULL, &opts, &req, &resp);
    assert_int_equal(resp.status, 405);
    data = kc_rest_response_serialize(&resp, &len, &ctype);
    assert_string_equal(ctype, "application/json");
    /* The body is (data, len), not a C string. */
    assert_non_null(
        memmem(data, len, "\"error_code\":405", strlen("\"error_code\":405")));
    kc_rest_response_release(&resp);
    kc_free(m);
}

/* ---- through the HTTP server --------------------------------------------- */

/* One HTTP/1.0 request to 127.0.0.1:@p port; the raw response. */
static char *http_get(int port, const char *path)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char *req = kc_asprintf("GET %s HTTP/1.0\r\nHost: test\r\n\r\n", path);
    kc_buf_t buf;
    char chunk[4096];
    ssize_t n;

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    kc_buf_init(&buf, 0);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        kc_buf_append(&buf, chunk, (size_t)n);
    }
    close(fd);
    kc_free(req);
    return kc_buf_detach(&buf, NULL);
}

static void test_server_serves_a_mounted_text_route(void **state)
{
    static const char *const props[] = {"listeners", "http://127.0.0.1:0",
                                        NULL};
    const kc_test_worker_opts_t opts = {
        .dir_template = "/tmp/kc-test-rest-table-XXXXXX",
        .props = props,
        .standalone_herder = true,
    };
    kc_test_worker_t tw = {0};
    kc_rest_route_def_t row = {"GET", "/test/{what}", h_text, KC_REST_PUBLIC,
                               "hello"};
    char *reply;
    kc_rest_server_t *srv;
    kc_error_t err;

    (void)state;
    kc_test_worker_init(&tw, &opts);
    srv = kc_rest_server_new(tw.h, kc_worker_config(tw.w), &err);
    if (srv == NULL) {
        fail_msg("kc_rest_server_new: %s", err.msg);
    }
    assert_int_equal(kc_rest_server_mount(srv, &row, &err), KC_OK);

    reply = http_get(kc_rest_server_port(srv), "/test/w%C3%B6rld");
    assert_non_null(strstr(reply, " 200 "));
    assert_non_null(strstr(reply, "Content-Type: text/plain; charset=utf-8"));
    assert_non_null(strstr(reply, "\r\n\r\nhello w\xc3\xb6rld\n"));
    kc_free(reply);
    /* The JSON routes are served beside it, serialised as before. */
    reply = http_get(kc_rest_server_port(srv), "/connectors");
    assert_non_null(strstr(reply, " 200 "));
    assert_non_null(strstr(reply, "Content-Type: application/json"));
    assert_non_null(strstr(reply, "\r\n\r\n[]"));
    kc_free(reply);

    kc_rest_server_destroy(srv);
    kc_test_worker_fini(&tw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_is_reachable),
        cmocka_unit_test(test_no_two_rows_are_ambiguous),
        cmocka_unit_test(test_patterns_overlap),
        cmocka_unit_test(test_rows_are_marked_as_apache_serves_them),
        cmocka_unit_test(test_lookup_answers_404_and_405_as_the_router),
        cmocka_unit_test(test_mounts_refuse_overlapping_and_malformed_rows),
        cmocka_unit_test(test_mounted_row_answers_text_with_its_tail),
        cmocka_unit_test(test_server_serves_a_mounted_text_route),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
