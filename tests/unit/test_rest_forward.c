/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Distributed mode's forwarding (kc_rest_forward): a herder that answers
 * "not the leader" makes the REST layer send the request to the leader
 * (a stub server here) and answer what the leader answered; the 409s and
 * 500s are Apache's (HerderRequestHandler, RestClient).
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "distributed/kc_leader_client.h"
#include "distributed/kc_request_sig.h"
#include "herder/kc_herder_core.h"
#include "kc_test_http_stub.h"
#include "rest/kc_rest_client.h"
#include "rest/kc_rest_forward.h"
#include "rest/kc_rest_routes.h"
#include "rest/kc_rest_server.h"
#include "kc_test_worker.h"

/* A herder that fails every op as the test says. */
typedef struct fake_herder {
    kc_herder_t base;
    kc_err_t rc;
    unsigned flags;
    const char *msg;
    const char *leader; /* NULL: no known leader */
    int ops;
    /* the internal endpoints, as a distributed herder serves them */
    const uint8_t *key; /* the session key; NULL: none yet */
    size_t key_len;
    json_t *tasks; /* what the last KC_OP_PUT_TASK_CONFIGS carried */
} fake_herder_t;

static const char *const fake_algorithms[] = {"HmacSHA256", "HmacSHA512"};

/* Signature first, then the leader check, as DistributedHerder. */
static kc_err_t fake_internal_op(kc_herder_t *h, kc_op_t *op)
{
    fake_herder_t *f = (fake_herder_t *)h;
    kc_err_t rc = kc_request_sig_verify(op->sig, fake_algorithms, 2, f->key,
                                        f->key_len, &op->err);

    if (rc != KC_OK) {
        return rc;
    }
    if (f->rc != KC_OK) {
        kc_error_set(&op->err, f->rc, "%s", f->msg);
        op->err.flags = f->flags;
        return f->rc;
    }
    json_decref(f->tasks);
    f->tasks = json_incref(op->in);
    return KC_OK;
}

static kc_err_t fake_submit(kc_herder_t *h, kc_op_t *op, int64_t timeout_ms,
                            kc_op_t **reply, kc_error_t *err)
{
    fake_herder_t *f = (fake_herder_t *)h;

    (void)timeout_ms;
    (void)err;
    f->ops++;
    kc_error_clear(&op->err);
    if (op->type == KC_OP_PUT_TASK_CONFIGS || op->type == KC_OP_FENCE) {
        /* the core's dispatch: vt->internal_op, or standalone's refusal */
        op->rc = kc_herder_execute(h, op);
        *reply = op;
        return KC_OK;
    }
    op->rc = f->rc;
    if (f->rc != KC_OK) {
        kc_error_set(&op->err, f->rc, "%s", f->msg);
        op->err.flags = f->flags;
    }
    *reply = op;
    return KC_OK;
}

static char *fake_leader_url(kc_herder_t *h)
{
    fake_herder_t *f = (fake_herder_t *)h;

    return f->leader != NULL ? kc_strdup(f->leader) : NULL;
}

static const kc_herder_vt_t fake_vt = {
    .submit = fake_submit,
    .leader_url = fake_leader_url,
    .internal_op = fake_internal_op,
};

/* As the standalone herder: no leader, no internal_op. */
static const kc_herder_vt_t standalone_vt = {
    .submit = fake_submit,
};

typedef struct fixture {
    fake_herder_t fh;
    kc_stub_t stub;
    char leader[96];
    kc_rest_client_t *client;
    kc_rest_options_t opts;
    kc_rest_response_t resp;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));
    kc_error_t err;

    kc_stub_start(&f->stub);
    snprintf(f->leader, sizeof(f->leader), "%s/", f->stub.base);
    f->fh.base.vt = &fake_vt;
    f->fh.base.timeout_ms = 5000;
    f->fh.rc = KC_ERR_CONFLICT;
    f->fh.flags = KC_HERDER_F_NOT_LEADER;
    f->fh.msg = "This worker is not able to communicate with the leader";
    f->fh.leader = f->leader;
    f->client = kc_rest_client_new(NULL, 0, &err);
    f->opts.public_enabled = true;
    f->opts.admin_enabled = true;
    f->opts.client = f->client;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    kc_rest_response_release(&f->resp);
    kc_rest_client_destroy(f->client);
    kc_stub_stop(&f->stub);
    json_decref(f->fh.tasks);
    kc_free(f);
    return 0;
}

/* Route @p method @p target ("path?query") with @p body through the
 * fixture's options; the answer is in f->resp. */
static void call_signed(fixture_t *f, const char *method, const char *target,
                        const char *body, const char *auth, const char *sig,
                        const char *sig_alg)
{
    kc_test_request_t tr;

    kc_test_request_init(&tr, method, target, "worker-b:8083", body);
    tr.req.content_type = body != NULL ? "application/json" : NULL;
    tr.req.authorization = auth;
    tr.req.signature = sig;
    tr.req.signature_algorithm = sig_alg;
    kc_rest_response_release(&f->resp);
    kc_rest_route(&f->fh.base, &f->opts, &tr.req, &f->resp);
    kc_test_request_release(&tr);
}

static void call(fixture_t *f, const char *method, const char *target,
                 const char *body, const char *auth)
{
    call_signed(f, method, target, body, auth, NULL, NULL);
}

static const char *resp_message(const fixture_t *f)
{
    return json_string_value(json_object_get(f->resp.body, "message"));
}

/* A client's POST /connectors on a follower reaches the leader with
 * forward=true, its body and its Authorization; the leader's 201 and body
 * come back, with our own Location. */
static void test_forward_sends_create_to_the_leader(void **state)
{
    fixture_t *f = *state;
    const char *body =
        "{\"name\":\"x\",\"config\":{\"connector.class\":\"C\"}}";
    const char *answer = "{\"name\":\"x\",\"config\":{\"connector.class\":"
                         "\"C\",\"name\":\"x\"},\"tasks\":[],\"type\":"
                         "\"source\"}";

    f->stub.status = 201;
    f->stub.body = answer;
    call(f, "POST", "/connectors", body, "Basic dTpw");
    assert_int_equal(f->resp.status, 201);
    assert_string_equal(
        json_string_value(json_object_get(f->resp.body, "type")), "source");
    assert_string_equal(f->resp.location, "http://worker-b:8083/connectors/x");
    assert_string_equal(f->stub.method, "POST");
    assert_string_equal(f->stub.url, "/connectors");
    assert_string_equal(f->stub.query, "forward=true");
    assert_string_equal(f->stub.auth, "Basic dTpw");
    assert_int_equal(f->stub.req_body.len, strlen(body));
    assert_memory_equal(f->stub.req_body.data, body, strlen(body));
}

/* A request already forwarded once (forward=true) goes on with
 * forward=false: two hops at most. */
static void test_forward_second_hop_sends_forward_false(void **state)
{
    fixture_t *f = *state;

    f->stub.status = 204;
    call(f, "DELETE", "/connectors/x?forward=true", NULL, NULL);
    assert_int_equal(f->resp.status, 204);
    assert_null(f->resp.body);
    assert_string_equal(f->stub.method, "DELETE");
    assert_string_equal(f->stub.url, "/connectors/x");
    assert_string_equal(f->stub.query, "forward=false");
    assert_string_equal(f->stub.auth, "");
}

/* forward=false and still not the leader: Apache's 409, nothing sent. */
static void test_forward_false_is_not_forwarded_again(void **state)
{
    fixture_t *f = *state;

    call(f, "PUT", "/connectors/x/stop?forward=false", NULL, NULL);
    assert_int_equal(f->resp.status, 409);
    assert_string_equal(resp_message(f),
                        "Cannot complete request because of a conflicting "
                        "operation (e.g. worker rebalance)");
    assert_int_equal(
        json_integer_value(json_object_get(f->resp.body, "error_code")), 409);
    assert_int_equal(atomic_load(&f->stub.requests), 0);
}

static void test_forward_without_a_known_leader_is_409(void **state)
{
    fixture_t *f = *state;

    f->fh.leader = NULL;
    call(f, "POST", "/connectors/x/tasks/0/restart", NULL, NULL);
    assert_int_equal(f->resp.status, 409);
    assert_string_equal(resp_message(f),
                        "Cannot complete request momentarily due to no known "
                        "leader URL, likely because a rebalance was "
                        "underway.");
    assert_int_equal(atomic_load(&f->stub.requests), 0);
}

static void test_forward_rebalance_needed_is_409(void **state)
{
    fixture_t *f = *state;

    f->fh.flags = KC_HERDER_F_REBALANCING;
    call(f, "PUT", "/connectors/x/config", "{\"connector.class\":\"C\"}", NULL);
    assert_int_equal(f->resp.status, 409);
    assert_string_equal(resp_message(f),
                        "Cannot complete request momentarily due to stale "
                        "configuration (typically caused by a concurrent "
                        "config change)");
    assert_int_equal(atomic_load(&f->stub.requests), 0);
}

/* The leader's error keeps its status, error_code and message
 * (RestClient throws ConnectRestException(status, errorCode, message)). */
static void test_forward_passes_the_leaders_error_through(void **state)
{
    fixture_t *f = *state;

    f->stub.status = 404;
    f->stub.body = "{\"error_code\":404,\"message\":\"Connector x not found\"}";
    call(f, "PATCH", "/connectors/x/config", "{\"a\":\"b\"}", NULL);
    assert_int_equal(f->resp.status, 404);
    assert_int_equal(
        json_integer_value(json_object_get(f->resp.body, "error_code")), 404);
    assert_string_equal(resp_message(f), "Connector x not found");
    assert_string_equal(f->stub.method, "PATCH");
}

/* A restart passes includeTasks/onlyFailed on (Apache's queryParameters);
 * other parameters are not passed. */
static void test_forward_restart_passes_its_parameters(void **state)
{
    fixture_t *f = *state;

    f->stub.status = 202;
    f->stub.body = "{\"name\":\"x\",\"connector\":{\"state\":\"RESTARTING\","
                   "\"worker_id\":\"a:8083\"},\"tasks\":[],\"type\":\"sink\"}";
    call(f, "POST", "/connectors/x/restart?includeTasks=true&other=1", NULL,
         NULL);
    assert_int_equal(f->resp.status, 202);
    assert_string_equal(f->stub.query,
                        "forward=true&includeTasks=true&onlyFailed=false");
    assert_null(f->resp.location);

    /* A plain restart forwards no parameters. */
    f->stub.status = 204;
    f->stub.body = NULL;
    call(f, "POST", "/connectors/x/restart?other=1", NULL, NULL);
    assert_int_equal(f->resp.status, 204);
    assert_string_equal(f->stub.query, "forward=true");
}

/* A leader nobody can reach: RestClient's 500. */
static void test_forward_to_an_unreachable_leader_is_500(void **state)
{
    fixture_t *f = *state;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    /* Bound, not listening (held: nobody else takes the port): refused. */
    snprintf(f->leader, sizeof(f->leader), "http://127.0.0.1:%d/",
             ntohs(sa.sin_port));
    call(f, "DELETE", "/connectors/x/offsets", NULL, NULL);
    assert_int_equal(f->resp.status, 500);
    assert_non_null(
        strstr(resp_message(f), "IO Error trying to forward REST request: "));
    close(fd);
}

/* Reads are answered locally (Apache's completeRequest): a GET whose
 * herder call says "not the leader" is not forwarded. */
static void test_forward_only_routes_apache_forwards(void **state)
{
    fixture_t *f = *state;

    call(f, "GET", "/connectors/x/config", NULL, NULL);
    assert_int_equal(f->resp.status, 409);
    assert_string_equal(resp_message(f), f->fh.msg);
    /* pause and resume are written by any worker in Apache */
    call(f, "PUT", "/connectors/x/pause", NULL, NULL);
    assert_int_equal(f->resp.status, 409);
    assert_int_equal(atomic_load(&f->stub.requests), 0);
}

/* The client's path picks the path, never the host: an encoded
 * "@evil" or "//evil" stays in the leader's path. */
static void test_forward_url_keeps_the_leaders_host(void **state)
{
    char *u;

    (void)state;
    u = kc_rest_forward_url("http://10.0.0.1:8083/",
                            "/connectors/a%2F%2Fevil.example%40x", true, NULL);
    assert_string_equal(u, "http://10.0.0.1:8083/connectors/"
                           "a%2F%2Fevil.example%40x?forward=true");
    kc_free(u);
    /* Bytes a URL may not hold are escaped, not passed to libcurl raw. */
    u = kc_rest_forward_url("http://h:1", "/connectors/a b\r\n#?", false,
                            "includeTasks=true&onlyFailed=false");
    assert_string_equal(u, "http://h:1/connectors/a%20b%0D%0A%23%3F"
                           "?forward=false&includeTasks=true&onlyFailed=false");
    kc_free(u);
}

/* The leader's answer is bounded. */
static void test_forward_refuses_an_oversized_answer(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    kc_rest_client_destroy(f->client);
    f->client = kc_rest_client_new(NULL, 256, &err);
    f->opts.client = f->client;
    f->stub.status = 200;
    f->stub.body = "{\"message\":\"0123456789012345678901234567890123456789\"}";
    f->stub.body_repeat = 20;
    call(f, "DELETE", "/connectors/x/offsets", NULL, NULL);
    assert_int_equal(f->resp.status, 500);
    assert_non_null(strstr(resp_message(f), "exceeds 256 bytes"));
}

/* ---- the internal endpoints ------------------------------------------- */

static const uint8_t session_key[] = {0x5e, 0x55, 0x10, 0x4e, 0x6b, 0x65,
                                      0x79, 0x21, 0x00, 0xff, 0x7f, 0x80};
static const char task_body[] =
    "[{\"task.class\":\"org.apache.kafka.connect.file."
    "FileStreamSourceTask\",\"file\":\"/tmp/in\",\"topic\":\"t\"}]";

/* The signature header's value for @p body under @p key (caller frees). */
static char *sign(const char *alg, const uint8_t *key, size_t key_len,
                  const char *body)
{
    kc_error_t err;
    char *sig =
        kc_request_sig_sign(alg, key, key_len, body, strlen(body), &err);

    assert_non_null(sig);
    return sig;
}

/* Apache's StandaloneHerder throws UnsupportedOperationException: 500. */
static void test_internal_endpoints_in_standalone_mode(void **state)
{
    fixture_t *f = *state;

    f->fh.base.vt = &standalone_vt;
    call(f, "POST", "/connectors/c/tasks", task_body, NULL);
    assert_int_equal(f->resp.status, 500);
    assert_string_equal(resp_message(f),
                        "Kafka Connect in standalone mode does not support "
                        "externally setting task configurations.");
    call(f, "PUT", "/connectors/c/fence", NULL, NULL);
    assert_int_equal(f->resp.status, 500);
    assert_string_equal(resp_message(f),
                        "Kafka Connect in standalone mode does not support "
                        "exactly-once source connectors.");
    /* The headers are read before the herder is asked (fromHeaders is an
     * argument of putTaskConfigs): 400 even in standalone mode. */
    f->fh.ops = 0;
    call_signed(f, "POST", "/connectors/c/tasks", task_body, NULL, "AAAA",
                "HmacFoo");
    assert_int_equal(f->resp.status, 400);
    assert_string_equal(resp_message(f), "Algorithm HmacFoo not available");
    call_signed(f, "PUT", "/connectors/c/fence", NULL, NULL, "ab=c",
                "HmacSHA256");
    assert_int_equal(f->resp.status, 400);
    assert_string_equal(resp_message(f),
                        "Input byte array has wrong 4-byte ending unit");
    assert_int_equal(f->fh.ops, 0);
}

/* A leader with a session key: a request signed with it is served
 * (204), the herder gets the task configs. */
static void test_internal_tasks_signed_with_the_session_key(void **state)
{
    fixture_t *f = *state;
    char *sig = sign("HmacSHA512", session_key, sizeof(session_key), task_body);

    f->fh.rc = KC_OK;
    f->fh.key = session_key;
    f->fh.key_len = sizeof(session_key);
    call_signed(f, "POST", "/connectors/c/tasks", task_body, NULL, sig,
                "HmacSHA512");
    assert_int_equal(f->resp.status, 204);
    assert_null(f->resp.body);
    assert_int_equal(json_array_size(f->fh.tasks), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(f->fh.tasks, 0), "topic")),
                        "t");
    kc_free(sig);
}

/* DistributedHerder's answers: unsigned 400, algorithm not accepted 400,
 * no session key yet 503, another key or body 403. */
static void test_internal_tasks_refused_signatures(void **state)
{
    fixture_t *f = *state;
    static const uint8_t other_key[] = {1, 2, 3};
    char *sig;

    f->fh.rc = KC_OK;
    f->fh.key = session_key;
    f->fh.key_len = sizeof(session_key);
    call(f, "POST", "/connectors/c/tasks", task_body, NULL);
    assert_int_equal(f->resp.status, 400);
    assert_string_equal(resp_message(f),
                        "Internal request missing required signature");

    sig = sign("HmacSHA1", session_key, sizeof(session_key), task_body);
    call_signed(f, "POST", "/connectors/c/tasks", task_body, NULL, sig,
                "HmacSHA1");
    assert_int_equal(f->resp.status, 400);
    assert_non_null(
        strstr(resp_message(f), "'HmacSHA1' key signing algorithm"));
    kc_free(sig);

    sig = sign("HmacSHA256", other_key, sizeof(other_key), task_body);
    call_signed(f, "POST", "/connectors/c/tasks", task_body, NULL, sig,
                "HmacSHA256");
    assert_int_equal(f->resp.status, 403);
    assert_string_equal(resp_message(f),
                        "Internal request contained invalid signature.");
    assert_null(f->fh.tasks);

    f->fh.key = NULL;
    call_signed(f, "POST", "/connectors/c/tasks", task_body, NULL, sig,
                "HmacSHA256");
    assert_int_equal(f->resp.status, 503);
    assert_string_equal(resp_message(f),
                        "This worker is still starting up and has not been "
                        "able to read a session key from the config topic "
                        "yet");
    kc_free(sig);

    /* A body Jackson cannot read as a list of maps: 500, herder not asked. */
    f->fh.ops = 0;
    call(f, "POST", "/connectors/c/tasks", "{\"a\":\"b\"}", NULL);
    assert_int_equal(f->resp.status, 500);
    call(f, "POST", "/connectors/c/tasks", "[", NULL);
    assert_int_equal(f->resp.status, 500);
    assert_int_equal(f->fh.ops, 0);
}

/* A worker that is not the leader forwards the task configs as Apache's
 * InternalClusterResource does: same path and body, forward=true, the
 * Authorization header but not the signature. */
static void test_internal_tasks_forwarded_to_the_leader(void **state)
{
    fixture_t *f = *state;
    char *sig = sign("HmacSHA256", session_key, sizeof(session_key), task_body);

    f->fh.key = session_key;
    f->fh.key_len = sizeof(session_key);
    f->stub.status = 204;
    call_signed(f, "POST", "/connectors/c/tasks", task_body, "Basic dTpw", sig,
                "HmacSHA256");
    assert_int_equal(f->resp.status, 204);
    assert_string_equal(f->stub.url, "/connectors/c/tasks");
    assert_string_equal(f->stub.query, "forward=true");
    assert_string_equal(f->stub.auth, "Basic dTpw");
    assert_string_equal(f->stub.sig, "");
    assert_string_equal(f->stub.sig_alg, "");
    assert_int_equal(f->stub.req_body.len, strlen(task_body));
    kc_free(sig);
}

/* ---- the worker's own requests to the leader ----------------------------- */

/* The task configs reach the leader signed: the leader's check (the same
 * code as Apache's, golden-tested) accepts the signature it receives. */
static void test_leader_client_signs_task_configs(void **state)
{
    fixture_t *f = *state;
    const kc_leader_signer_t signer = {"HmacSHA256", session_key,
                                       sizeof(session_key)};
    json_t *tasks = json_loads(task_body, 0, NULL);
    kc_request_sig_t *sig = NULL;
    kc_error_t err;

    f->stub.status = 204;
    kc_error_clear(&err);
    assert_int_equal(kc_leader_put_task_configs(f->client, f->leader, "c",
                                                tasks, &signer, 5000, &err),
                     KC_OK);
    assert_string_equal(f->stub.method, "POST");
    assert_string_equal(f->stub.url, "/connectors/c/tasks");
    assert_string_equal(f->stub.ctype, "application/json");
    assert_string_equal(f->stub.sig_alg, "HmacSHA256");
    assert_int_equal(kc_request_sig_from_headers(
                         f->stub.sig_alg, f->stub.sig, f->stub.req_body.data,
                         f->stub.req_body.len, &sig, &err),
                     KC_OK);
    assert_int_equal(kc_request_sig_verify(sig, fake_algorithms, 2, session_key,
                                           sizeof(session_key), &err),
                     KC_OK);
    kc_request_sig_destroy(sig);

    /* Unsigned without a key (eager/compatible protocols). */
    assert_int_equal(kc_leader_put_task_configs(f->client, f->leader, "c",
                                                tasks, NULL, 5000, &err),
                     KC_OK);
    assert_string_equal(f->stub.sig, "");

    /* The leader's refusal names its status and message, not the key. */
    f->stub.status = 403;
    f->stub.body = "{\"error_code\":403,\"message\":\"Internal request "
                   "contained invalid signature.\"}";
    assert_int_equal(kc_leader_put_task_configs(f->client, f->leader, "c",
                                                tasks, &signer, 5000, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "403: Internal request contained invalid "
                                    "signature."));
    assert_null(strstr(err.msg, "XlUQTmtleSEA"));

    /* No leader URL: Apache's message. */
    assert_int_equal(kc_leader_put_task_configs(f->client, "", "c", tasks,
                                                &signer, 5000, &err),
                     KC_ERR);
    assert_string_equal(err.msg,
                        "Request to leader to reconfigure connector tasks "
                        "failed because the URL of the leader's REST "
                        "interface is empty!");
    json_decref(tasks);

    /* Fencing: a PUT with no body, signed over the empty body. */
    f->stub.status = 204;
    f->stub.body = NULL;
    assert_int_equal(
        kc_leader_fence_zombies(f->client, f->leader, "c", &signer, 5000, &err),
        KC_OK);
    assert_string_equal(f->stub.method, "PUT");
    assert_string_equal(f->stub.url, "/connectors/c/fence");
    assert_int_equal(kc_request_sig_from_headers(f->stub.sig_alg, f->stub.sig,
                                                 "", 0, &sig, &err),
                     KC_OK);
    assert_int_equal(kc_request_sig_verify(sig, fake_algorithms, 2, session_key,
                                           sizeof(session_key), &err),
                     KC_OK);
    kc_request_sig_destroy(sig);
}

/* ---- through the REST server ------------------------------------------- */

/*
 * A real follower: kc_rest_server in front of a herder that is not the
 * leader. What a client sends it over HTTP (Authorization, the signature
 * headers) reaches the handler, and the server's own client forwards.
 */
static void test_server_forwards_over_http(void **state)
{
    static const char *const props[] = {"listeners", "http://127.0.0.1:0",
                                        NULL};
    const kc_test_worker_opts_t opts = {
        .dir_template = "/tmp/kc-test-rest-forward-XXXXXX",
        .props = props,
    };
    fixture_t *f = *state;
    kc_test_worker_t tw = {0};
    kc_rest_server_t *srv;
    kc_rest_reply_t r;
    kc_error_t err;
    char url[128];
    char *hdrs[3];
    char *sig = sign("HmacSHA256", session_key, sizeof(session_key), task_body);

    kc_test_worker_init(&tw, &opts);
    f->fh.base.w = tw.w;
    srv = kc_rest_server_new(&f->fh.base, kc_worker_config(tw.w), &err);
    if (srv == NULL) {
        fail_msg("kc_rest_server_new: %s", err.msg);
    }

    /* A client's delete goes on to the leader with its Authorization. */
    f->stub.status = 204;
    hdrs[0] = kc_strdup("Authorization: Basic dTpw");
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/connectors/x",
             kc_rest_server_port(srv));
    kc_error_clear(&err);
    assert_int_equal(kc_rest_client_call(f->client, "DELETE", url, NULL, 0,
                                         (const char *const *)hdrs, 1, 5000, &r,
                                         &err),
                     KC_OK);
    assert_int_equal(r.status, 204);
    kc_rest_reply_release(&r);
    assert_string_equal(f->stub.method, "DELETE");
    assert_string_equal(f->stub.url, "/connectors/x");
    assert_string_equal(f->stub.query, "forward=true");
    assert_string_equal(f->stub.auth, "Basic dTpw");

    /* Signed task configs reach the herder's check through the server. */
    f->fh.rc = KC_OK;
    f->fh.key = session_key;
    f->fh.key_len = sizeof(session_key);
    hdrs[1] = kc_asprintf("X-Connect-Authorization: %s", sig);
    hdrs[2] = kc_strdup("X-Connect-Request-Signature-Algorithm: HmacSHA256");
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/connectors/x/tasks",
             kc_rest_server_port(srv));
    assert_int_equal(kc_rest_client_call(
                         f->client, "POST", url, task_body, strlen(task_body),
                         (const char *const *)hdrs + 1, 2, 5000, &r, &err),
                     KC_OK);
    assert_int_equal(r.status, 204);
    assert_int_equal(json_array_size(f->fh.tasks), 1);
    kc_rest_reply_release(&r);
    /* ... and a wrong signature is refused there. */
    f->fh.key_len--;
    assert_int_equal(kc_rest_client_call(
                         f->client, "POST", url, task_body, strlen(task_body),
                         (const char *const *)hdrs + 1, 2, 5000, &r, &err),
                     KC_OK);
    assert_int_equal(r.status, 403);
    kc_rest_reply_release(&r);

    for (size_t i = 0; i < 3; i++) {
        kc_free(hdrs[i]);
    }
    kc_free(sig);
    kc_rest_server_destroy(srv);
    kc_test_worker_fini(&tw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forward_sends_create_to_the_leader,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_second_hop_sends_forward_false, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_false_is_not_forwarded_again, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_without_a_known_leader_is_409, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forward_rebalance_needed_is_409,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_passes_the_leaders_error_through, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_restart_passes_its_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_to_an_unreachable_leader_is_500, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_forward_only_routes_apache_forwards, setup, teardown),
        cmocka_unit_test(test_forward_url_keeps_the_leaders_host),
        cmocka_unit_test_setup_teardown(
            test_forward_refuses_an_oversized_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_internal_endpoints_in_standalone_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_internal_tasks_signed_with_the_session_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internal_tasks_refused_signatures,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_internal_tasks_forwarded_to_the_leader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leader_client_signs_task_configs,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_forwards_over_http, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
