/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker-to-worker HTTP client (kc_rest_client): what it sends, what
 * it returns, and how each failure is named, against a local stub server.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc_test_http_stub.h"
#include "rest/kc_rest_client.h"

/* Apache's RestClient sends JSON with Accept: application/json and the
 * user agent "kafka-connect"; the status and body come back as sent. */
static void test_client_sends_json_and_returns_status_and_body(void **state)
{
    kc_stub_t s;
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    char url[128];
    const char *hdrs[] = {"Authorization: Basic dTpw"};
    const char *body = "{\"name\":\"x\",\"config\":{}}";

    (void)state;
    kc_stub_start(&s);
    s.status = 201;
    s.body = "{\"name\":\"x\"}";
    c = kc_rest_client_new(NULL, 0, &err);
    assert_non_null(c);
    snprintf(url, sizeof(url), "%s/connectors?forward=true", s.base);
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(c, "POST", url, body, strlen(body),
                                         hdrs, 1, 5000, &r, &err),
                     KC_OK);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.body, "{\"name\":\"x\"}");
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(s.method, "POST");
    assert_string_equal(s.url, "/connectors");
    assert_string_equal(s.query, "forward=true");
    assert_string_equal(s.ctype, "application/json");
    assert_string_equal(s.accept, "application/json");
    assert_string_equal(s.agent, "kafka-connect");
    assert_string_equal(s.auth, "Basic dTpw");
    assert_int_equal(s.req_body.len, strlen(body));
    assert_memory_equal(s.req_body.data, body, strlen(body));
    kc_rest_reply_release(&r);

    /* A 4xx/5xx is an answer, not a failure of the call. */
    s.status = 409;
    s.body = "{\"error_code\":409,\"message\":\"m\"}";
    assert_int_equal(
        kc_rest_client_call(c, "DELETE", url, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_OK);
    assert_int_equal(r.status, 409);
    assert_string_equal(s.method, "DELETE");
    assert_string_equal(s.ctype, "");
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    kc_stub_stop(&s);
}

/* Forwarding many requests to one leader reuses one connection. */
static void test_client_reuses_the_connection(void **state)
{
    kc_stub_t s;
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    char url[128];

    (void)state;
    kc_stub_start(&s);
    s.body = "[]";
    c = kc_rest_client_new(NULL, 0, &err);
    snprintf(url, sizeof(url), "%s/connectors", s.base);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(kc_rest_client_call(c, i % 2 ? "PUT" : "GET", url,
                                             i % 2 ? "{}" : NULL, 2, NULL, 0,
                                             5000, &r, &err),
                         KC_OK);
        assert_int_equal(r.status, 200);
        kc_rest_reply_release(&r);
    }
    assert_int_equal(atomic_load(&s.requests), 5);
    assert_int_equal(atomic_load(&s.connections), 1);
    kc_rest_client_destroy(c);
    kc_stub_stop(&s);
}

/* A port nobody listens on: an I/O error that names the URL. */
static void test_client_names_a_refused_connection(void **state)
{
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    char url[128];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    /* A port bound but not listening refuses connections; held for the
     * test, so no other process can take it meanwhile. */
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/connectors",
             ntohs(sa.sin_port));
    c = kc_rest_client_new(NULL, 0, &err);
    kc_error_clear(&err);
    assert_int_equal(
        kc_rest_client_call(c, "GET", url, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_ERR_IO);
    assert_non_null(strstr(err.msg, url));
    assert_non_null(strstr(err.msg, "onnect"));
    assert_null(r.body);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    close(fd);
}

/* A peer that accepts the connection and never answers: KC_ERR_TIMEOUT. */
static void test_client_gives_up_after_the_timeout(void **state)
{
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    char url[128];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
    c = kc_rest_client_new(NULL, 0, &err);
    kc_error_clear(&err);
    assert_int_equal(
        kc_rest_client_call(c, "GET", url, NULL, 0, NULL, 0, 200, &r, &err),
        KC_ERR_TIMEOUT);
    assert_non_null(strstr(err.msg, url));
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    close(fd);
}

/* A leader's answer is bounded: a larger one fails the call. */
static void test_client_refuses_an_oversized_response(void **state)
{
    kc_stub_t s;
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;

    (void)state;
    kc_stub_start(&s);
    s.body = "0123456789";
    s.body_repeat = 100;
    c = kc_rest_client_new(NULL, 512, &err);
    kc_error_clear(&err);
    assert_int_equal(
        kc_rest_client_call(c, "GET", s.base, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_ERR_IO);
    assert_non_null(strstr(err.msg, "exceeds 512 bytes"));
    kc_rest_reply_release(&r);
    /* Within the bound it passes. */
    s.body_repeat = 10;
    assert_int_equal(
        kc_rest_client_call(c, "GET", s.base, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_OK);
    assert_int_equal(r.body_len, 100);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    kc_stub_stop(&s);
}

/* Only http and https, and redirects are not followed (as Apache's
 * client, setFollowRedirects(false)): a forwarded request goes to the
 * leader and nowhere else. */
static void
test_client_only_speaks_http_and_does_not_follow_redirects(void **state)
{
    kc_stub_t s;
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;

    (void)state;
    c = kc_rest_client_new(NULL, 0, &err);
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(c, "GET", "file:///etc/passwd", NULL,
                                         0, NULL, 0, 5000, &r, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_rest_client_call(c, "GET", "gopher://127.0.0.1:1/",
                                         NULL, 0, NULL, 0, 5000, &r, &err),
                     KC_ERR_INVALID);
    kc_stub_start(&s);
    s.status = 302;
    s.location = "http://127.0.0.1:1/elsewhere";
    assert_int_equal(
        kc_rest_client_call(c, "GET", s.base, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_OK);
    assert_int_equal(r.status, 302);
    assert_int_equal(atomic_load(&s.requests), 1);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    kc_stub_stop(&s);
}

/* ---- https ----------------------------------------------------------------
 */

/* A self-signed certificate for 127.0.0.1 (openssl, as the e2e TLS tests
 * make theirs) in a fresh directory: dir/key.pem, dir/cert.pem. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    kc_buf_t b;
    char chunk[4096];
    size_t n;

    assert_non_null(f);
    kc_buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        kc_buf_append(&b, chunk, n);
    }
    fclose(f);
    return kc_buf_detach(&b, NULL);
}

typedef struct tls_fixture {
    char dir[64];
    char *key;
    char *cert;
    kc_stub_t stub;
} tls_fixture_t;

static int tls_setup(void **state)
{
    tls_fixture_t *t = kc_calloc(1, sizeof(*t));
    char cmd[1024];

    snprintf(t->dir, sizeof(t->dir), "/tmp/kc-test-rest-client-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s/key.pem "
             "-out %s/cert.pem -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             t->dir, t->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/key.pem", t->dir);
    t->key = read_all(cmd);
    snprintf(cmd, sizeof(cmd), "%s/cert.pem", t->dir);
    t->cert = read_all(cmd);
    kc_stub_start_tls(&t->stub, t->key, t->cert);
    t->stub.body = "{}";
    *state = t;
    return 0;
}

static int tls_teardown(void **state)
{
    tls_fixture_t *t = *state;
    char cmd[128];

    kc_stub_stop(&t->stub);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
    assert_int_equal(system(cmd), 0);
    kc_free(t->key);
    kc_free(t->cert);
    kc_free(t);
    return 0;
}

/* The worker's listeners.https.* trust store verifies the leader. */
static void test_client_https_trusts_the_worker_trust_store(void **state)
{
    tls_fixture_t *t = *state;
    kc_props_t *w = kc_props_new();
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    char path[128];

    snprintf(path, sizeof(path), "%s/cert.pem", t->dir);
    kc_props_set(w, "listeners.https.ssl.truststore.type", "PEM");
    kc_props_set(w, "listeners.https.ssl.truststore.location", path);
    c = kc_rest_client_new(w, 0, &err);
    kc_props_destroy(w);
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(c, "GET", t->stub.base, NULL, 0, NULL,
                                         0, 5000, &r, &err),
                     KC_OK);
    assert_int_equal(r.status, 200);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
}

/* Without that trust store the certificate is not trusted: an error, not
 * an answer. */
static void test_client_https_refuses_an_untrusted_certificate(void **state)
{
    tls_fixture_t *t = *state;
    kc_rest_client_t *c = NULL;
    kc_rest_reply_t r;
    kc_error_t err;

    c = kc_rest_client_new(NULL, 0, &err);
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(c, "GET", t->stub.base, NULL, 0, NULL,
                                         0, 5000, &r, &err),
                     KC_ERR_IO);
    assert_non_null(strstr(err.msg, t->stub.base));
    assert_int_equal(atomic_load(&t->stub.requests), 0);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
}

/* ssl.endpoint.identification.algorithm: "https" (Apache's default)
 * checks the host name against the certificate; "" does not. */
static void test_client_https_checks_the_host_name_unless_disabled(void **state)
{
    tls_fixture_t *t = *state;
    kc_props_t *w = kc_props_new();
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;
    char path[128];
    char url[128];

    snprintf(path, sizeof(path), "%s/cert.pem", t->dir);
    snprintf(url, sizeof(url), "https://localhost:%d/", t->stub.port);
    kc_props_set(w, "ssl.truststore.type", "PEM");
    kc_props_set(w, "ssl.truststore.location", path);
    c = kc_rest_client_new(w, 0, &err);
    kc_error_clear(&err);
    assert_int_equal(
        kc_rest_client_call(c, "GET", url, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_ERR_IO);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);

    kc_props_set(w, "ssl.endpoint.identification.algorithm", "");
    c = kc_rest_client_new(w, 0, &err);
    assert_int_equal(
        kc_rest_client_call(c, "GET", url, NULL, 0, NULL, 0, 5000, &r, &err),
        KC_OK);
    assert_int_equal(r.status, 200);
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    kc_props_destroy(w);
}

/* A trust store that cannot be read fails the https call naming the key;
 * http calls are not affected (loaded on first use, as Apache). */
static void test_client_https_names_a_bad_trust_store(void **state)
{
    tls_fixture_t *t = *state;
    kc_props_t *w = kc_props_new();
    kc_rest_client_t *c;
    kc_rest_reply_t r;
    kc_error_t err;

    kc_props_set(w, "listeners.https.ssl.truststore.type", "PEM");
    kc_props_set(w, "listeners.https.ssl.truststore.location",
                 "/nonexistent/trust.pem");
    c = kc_rest_client_new(w, 0, &err);
    assert_non_null(c);
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(c, "GET", t->stub.base, NULL, 0, NULL,
                                         0, 5000, &r, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "listeners.https.ssl.truststore.location"));
    kc_rest_reply_release(&r);
    kc_rest_client_destroy(c);
    kc_props_destroy(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_sends_json_and_returns_status_and_body),
        cmocka_unit_test(test_client_reuses_the_connection),
        cmocka_unit_test(test_client_names_a_refused_connection),
        cmocka_unit_test(test_client_gives_up_after_the_timeout),
        cmocka_unit_test(test_client_refuses_an_oversized_response),
        cmocka_unit_test(
            test_client_only_speaks_http_and_does_not_follow_redirects),
        cmocka_unit_test_setup_teardown(
            test_client_https_trusts_the_worker_trust_store, tls_setup,
            tls_teardown),
        cmocka_unit_test_setup_teardown(
            test_client_https_refuses_an_untrusted_certificate, tls_setup,
            tls_teardown),
        cmocka_unit_test_setup_teardown(
            test_client_https_checks_the_host_name_unless_disabled, tls_setup,
            tls_teardown),
        cmocka_unit_test_setup_teardown(
            test_client_https_names_a_bad_trust_store, tls_setup, tls_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
