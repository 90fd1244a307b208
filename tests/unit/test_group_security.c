/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The group client over the worker's security.protocol
 * (src/distributed/kc_group_security.c, kc_group_wire.c): which settings
 * it refuses, naming the key, without a broker; and, against a real
 * broker with secured listeners (scripts/kafka with KC_KAFKA_SASL_PORT,
 * KC_KAFKA_SSL_PORT, KC_KAFKA_SASL_SSL_PORT, as
 * tests/e2e/test_group_security.py starts it), two group members that
 * join, sync and heartbeat over SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256
 * and SCRAM-SHA-512, over SSL and over SASL_SSL, and the refusals a
 * broker gives: a wrong password, an unknown user, an untrusted
 * certificate, a name the certificate does not carry.
 *
 * Environment (the broker tests skip without it; the e2e file fails on a
 * skip): KC_SEC_SASL_BOOTSTRAP (SASL_PLAINTEXT host:port),
 * KC_SEC_SSL_BOOTSTRAP, KC_SEC_SASL_SSL_BOOTSTRAP and KC_SEC_MTLS_BOOTSTRAP
 * (localhost:port; the last requires a client certificate), KC_SEC_CA (the
 * listeners' CA), KC_SEC_OTHER_CA (an unrelated CA), KC_SEC_CLIENT_CERT and
 * KC_SEC_CLIENT_KEY_ENC (a client certificate of that CA, its key encrypted
 * with "kc-key-secret"). The broker's users: "kc" with password
 * "kc-secret".
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

#include "distributed/kc_distributed_config.h"
#include "distributed/kc_group_member.h"
#include "distributed/kc_group_security.h"
#include "distributed/kc_group_wire.h"
#include "distributed/kc_scram.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"

#include <jansson.h>

#define SCRAM_GOLDEN KC_SOURCE_DIR "/tests/golden/scram/golden.jsonl"

#define BOUND_MS   60000 /* how long a condition may take before failing */
#define TIMEOUT_MS 15000
#define JAAS_OK                                                                \
    "org.apache.kafka.common.security.scram.ScramLoginModule required "        \
    "username=\"kc\" password=\"kc-secret\";"

static kc_props_t *props_of(const char *const *kv)
{
    kc_props_t *p = kc_props_new();

    for (size_t i = 0; kv[i] != NULL; i += 2) {
        kc_props_set(p, kv[i], kv[i + 1]);
    }
    return p;
}

/* kc_group_security_new refuses @p kv naming @p key; the message has
 * @p text. */
static void assert_refused(const char *const *kv, const char *key,
                           const char *text)
{
    kc_props_t *p = props_of(kv);
    const char *bad = NULL;
    kc_error_t err = {0};
    kc_group_security_t *sec = kc_group_security_new(p, &bad, &err);

    assert_null(sec);
    assert_non_null(bad);
    assert_string_equal(bad, key);
    if (strstr(err.msg, key) == NULL || strstr(err.msg, text) == NULL) {
        fail_msg("message \"%s\" does not name %s / %s", err.msg, key, text);
    }
    kc_props_destroy(p);
}

static void test_group_security_unsupported_mechanisms_refused(void **state)
{
    const char *const gssapi[] = {"security.protocol",
                                  "SASL_PLAINTEXT",
                                  "sasl.mechanism",
                                  "GSSAPI",
                                  "sasl.jaas.config",
                                  JAAS_OK,
                                  NULL};
    const char *const oauth[] = {"security.protocol",
                                 "SASL_SSL",
                                 "sasl.mechanism",
                                 "OAUTHBEARER",
                                 "sasl.jaas.config",
                                 JAAS_OK,
                                 "ssl.ca.location",
                                 "/nonexistent/ca.pem",
                                 NULL};
    /* Kafka's default mechanism is GSSAPI: no silent PLAIN instead */
    const char *const none[] = {"security.protocol", "sasl_plaintext",
                                "sasl.jaas.config", JAAS_OK, NULL};
    const char *const rdk[] = {"security.protocol", "SASL_PLAINTEXT",
                               "sasl.mechanisms", "OAUTHBEARER", NULL};

    (void)state;
    assert_refused(gssapi, "sasl.mechanism", "GSSAPI");
    /* checked before the CA file: the mechanism is what is wrong */
    assert_refused(oauth, "sasl.mechanism", "OAUTHBEARER");
    assert_refused(none, "sasl.mechanism", "GSSAPI");
    assert_refused(rdk, "sasl.mechanisms", "OAUTHBEARER");
}

static void test_group_security_bad_settings_name_the_key(void **state)
{
    const char *const proto[] = {"security.protocol", "TLS", NULL};
    const char *const nouser[] = {"security.protocol", "SASL_PLAINTEXT",
                                  "sasl.mechanism", "PLAIN", NULL};
    const char *const noca[] = {"security.protocol", "SSL", "ssl.ca.location",
                                "/nonexistent/ca.pem", NULL};
    const char *const algo[] = {"security.protocol", "SSL",
                                "ssl.endpoint.identification.algorithm", "ldap",
                                NULL};
    const char *const jks[] = {"security.protocol",
                               "SASL_SSL",
                               "sasl.mechanism",
                               "PLAIN",
                               "sasl.jaas.config",
                               JAAS_OK,
                               "ssl.truststore.location",
                               "/etc/t.jks",
                               NULL};
    const char *const halfcert[] = {"security.protocol", "SSL",
                                    "ssl.certificate.location",
                                    "/nonexistent/cert.pem", NULL};

    (void)state;
    assert_refused(proto, "security.protocol", "TLS");
    assert_refused(nouser, "sasl.jaas.config", "username");
    assert_refused(noca, "ssl.ca.location", "/nonexistent/ca.pem");
    assert_refused(algo, "ssl.endpoint.identification.algorithm", "ldap");
    assert_refused(halfcert, "ssl.key.location", "ssl.key.location");
    assert_refused(jks, "ssl.truststore.location", "Java key stores");
}

/* A setting the Kafka clients honour but the group client cannot apply is
 * refused, not silently left out of the group connection. */
static void test_group_security_unapplied_settings_refused(void **state)
{
    const char *const ciphers[] = {"security.protocol", "SSL",
                                   "ssl.cipher.suites",
                                   "ECDHE-RSA-AES128-GCM-SHA256", NULL};
    const char *const oauth[] = {"security.protocol",
                                 "SASL_PLAINTEXT",
                                 "sasl.mechanism",
                                 "PLAIN",
                                 "sasl.jaas.config",
                                 JAAS_OK,
                                 "sasl.oauthbearer.config",
                                 "x",
                                 NULL};
    /* ssl.* does not matter to a connection without TLS */
    const char *const plain_ssl[] = {"security.protocol", "PLAINTEXT",
                                     "ssl.cipher.suites", "X", NULL};
    kc_props_t *p = props_of(plain_ssl);
    kc_error_t err = {0};
    kc_group_security_t *sec = kc_group_security_new(p, NULL, &err);

    (void)state;
    assert_refused(ciphers, "ssl.cipher.suites", "group client");
    assert_refused(oauth, "sasl.oauthbearer.config", "group client");
    assert_non_null(sec);
    kc_group_security_destroy(sec);
    kc_props_destroy(p);
}

static void test_group_security_accepted_settings(void **state)
{
    const char *const cases[][9] = {
        {NULL},
        {"security.protocol", "PLAINTEXT", NULL},
        {"security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
         "sasl.jaas.config", JAAS_OK, NULL},
        {"security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
         "SCRAM-SHA-256", "sasl.username", "kc", "sasl.password", "x", NULL},
        {"security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
         "SCRAM-SHA-512", "sasl.jaas.config", JAAS_OK, NULL},
    };
    const char *const want[] = {"PLAINTEXT", "PLAINTEXT", "SASL_PLAINTEXT",
                                "SASL_PLAINTEXT", "SASL_PLAINTEXT"};
    const char *const mech[] = {NULL, NULL, "PLAIN", "SCRAM-SHA-256",
                                "SCRAM-SHA-512"};

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        kc_props_t *p = props_of(cases[i]);
        kc_error_t err = {0};
        kc_group_security_t *sec = kc_group_security_new(p, NULL, &err);

        if (sec == NULL) {
            fail_msg("case %zu refused: %s", i, err.msg);
        }
        assert_string_equal(kc_group_security_protocol(sec), want[i]);
        if (mech[i] == NULL) {
            assert_null(kc_group_security_mechanism(sec));
        } else {
            assert_string_equal(kc_group_security_mechanism(sec), mech[i]);
        }
        assert_false(kc_group_security_uses_tls(sec));
        kc_group_security_destroy(sec);
        kc_props_destroy(p);
    }
}

/* A distributed worker whose group client could not speak the worker's
 * mechanism does not start: the config check names the key. */
static void test_group_security_distributed_config_refuses_gssapi(void **state)
{
    const char *const kv[] = {"bootstrap.servers",
                              "127.0.0.1:9092",
                              "group.id",
                              "g",
                              "config.storage.topic",
                              "c",
                              "offset.storage.topic",
                              "o",
                              "status.storage.topic",
                              "s",
                              "key.converter",
                              "org.apache.kafka.connect.json.JsonConverter",
                              "value.converter",
                              "org.apache.kafka.connect.json.JsonConverter",
                              "security.protocol",
                              "SASL_PLAINTEXT",
                              "sasl.mechanism",
                              "GSSAPI",
                              NULL};
    kc_props_t *p = props_of(kv);
    kc_config_result_t result = {0};
    bool named = false;
    kc_distributed_conf_t conf;
    kc_error_t err = {0};

    (void)state;
    assert_int_equal(kc_distributed_config_check(NULL, p, &result),
                     KC_ERR_INVALID);
    for (size_t i = 0; i < result.count; i++) {
        named = named || strcmp(result.issues[i].key, "sasl.mechanism") == 0;
    }
    assert_true(named);
    kc_config_result_release(&result);
    /* the bound conf carries the security keys for the member conf */
    assert_int_equal(kc_distributed_conf_bind(p, &conf, &err), KC_OK);
    assert_non_null(conf.security);
    assert_string_equal(kc_props_get(conf.security, "sasl.mechanism"),
                        "GSSAPI");
    assert_null(kc_props_get(conf.security, "group.id"));
    kc_distributed_conf_release(&conf);
    kc_props_destroy(p);
}

/* Step @p s with the server message @p in; the client's answer must be
 * @p want (NULL: none) and the result @p rc. */
static void scram_expect(kc_scram_t *s, const char *in, const char *want,
                         kc_err_t rc)
{
    char *out = NULL;
    size_t len = 0;
    kc_error_t err = {0};
    kc_err_t got = kc_scram_step(s, (const uint8_t *)in, in ? strlen(in) : 0,
                                 &out, &len, &err);

    if (got != rc) {
        fail_msg("SCRAM step on \"%s\": %d, wanted %d (%s)", in ? in : "", got,
                 rc, err.msg);
    }
    if (want == NULL) {
        assert_null(out);
    } else {
        assert_non_null(out);
        assert_int_equal(len, strlen(want));
        assert_string_equal(out, want);
    }
    kc_free(out);
}

/* The client's messages are the ones Apache's ScramFormatter/ScramMessages
 * make for the same nonces, salt and iterations, and the server signature
 * Apache computes is the one the client accepts. */
static void test_group_security_scram_matches_kafka_clients_golden(void **state)
{
    FILE *f = fopen(SCRAM_GOLDEN, "r");
    char line[4096];
    int cases = 0;

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);
#define G(k) json_string_value(json_object_get(c, k))
        kc_scram_t *s;
        char *bad;

        assert_non_null(c);
        s = kc_scram_new(G("mechanism"), G("user"), G("password"),
                         G("client_nonce"));
        assert_non_null(s);
        scram_expect(s, NULL, G("client_first"), KC_AGAIN);
        scram_expect(s, G("server_first"), G("client_final"), KC_AGAIN);
        scram_expect(s, G("server_final"), NULL, KC_OK);
        kc_scram_destroy(s);

        /* a server that does not know the password cannot sign */
        s = kc_scram_new(G("mechanism"), G("user"), G("password"),
                         G("client_nonce"));
        scram_expect(s, NULL, G("client_first"), KC_AGAIN);
        scram_expect(s, G("server_first"), G("client_final"), KC_AGAIN);
        bad = kc_strdup(G("server_final"));
        bad[3] = bad[3] == 'A' ? 'B' : 'A';
        scram_expect(s, bad, NULL, KC_ERR_INVALID);
        kc_free(bad);
        kc_scram_destroy(s);
#undef G
        json_decref(c);
        cases++;
    }
    fclose(f);
    assert_int_equal(cases, 3);
}

static void test_group_security_scram_refuses_bad_server_messages(void **state)
{
    static const char *const firsts[] = {
        /* our nonce not extended */
        "r=other,s=a2M=,i=4096",
        /* nothing added to our nonce */
        "r=abcdef,s=a2M=,i=4096",
        /* fewer iterations than Kafka allows */
        "r=abcdefXYZ,s=a2M=,i=4095",
        "r=abcdefXYZ,s=a2M=,i=many",
        "r=abcdefXYZ,i=4096",
        "m=ext,r=abcdefXYZ,s=a2M=,i=4096",
        "r=abcdefXYZ,s=!!!,i=4096",
    };

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(firsts); i++) {
        kc_scram_t *s = kc_scram_new("SCRAM-SHA-512", "kc", "pw", "abcdef");

        scram_expect(s, NULL, "n,,n=kc,r=abcdef", KC_AGAIN);
        scram_expect(s, firsts[i], NULL, KC_ERR_INVALID);
        kc_scram_destroy(s);
    }
    {
        kc_scram_t *s = kc_scram_new("SCRAM-SHA-256", "kc", "pw", "abcdef");
        static const char first[] = "r=abcdefX,s=a2M=,i=4096";
        char *out = NULL;
        size_t len = 0;
        kc_error_t err = {0};

        scram_expect(s, NULL, "n,,n=kc,r=abcdef", KC_AGAIN);
        assert_int_equal(kc_scram_step(s, (const uint8_t *)first,
                                       sizeof(first) - 1, &out, &len, &err),
                         KC_AGAIN);
        kc_free(out);
        /* the broker's e= error is its words */
        assert_int_equal(kc_scram_step(s, (const uint8_t *)"e=unknown-user", 14,
                                       &out, &len, &err),
                         KC_ERR_INVALID);
        assert_non_null(strstr(err.msg, "unknown-user"));
        kc_scram_destroy(s);
    }
    assert_null(kc_scram_new("SCRAM-SHA-1", "kc", "pw", NULL));
}

/* ---- against the broker ------------------------------------------------ */

static const char *need_env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || v[0] == '\0') {
        print_message("%s unset: needs a broker with secured listeners "
                      "(tests/e2e/test_group_security.py)\n",
                      name);
        skip();
    }
    return v;
}

typedef struct member {
    kc_group_membership_t *m;
    int32_t generation;
    size_t assigned;
} member_t;

static int64_t cfg_offset(void *opaque)
{
    (void)opaque;
    return 3;
}

static kc_err_t cfg_snapshot(void *opaque, bool refresh, kc_arena_t *arena,
                             kc_assign_config_t *out)
{
    kc_assign_connector_t *c = kc_arena_calloc(arena, 2, sizeof(*c));

    (void)opaque;
    (void)refresh;
    c[0].name = "sec-a";
    c[0].tasks = 1;
    c[1].name = "sec-b";
    c[1].tasks = 1;
    out->offset = 3;
    out->connectors = c;
    out->n_connectors = 2;
    return KC_OK;
}

static void on_revoked(void *opaque, const kc_group_work_t *work, bool lost)
{
    (void)opaque;
    (void)work;
    (void)lost;
}

static void on_assigned(void *opaque, const kc_group_assignment_t *a)
{
    member_t *w = opaque;

    w->generation = a->generation;
    w->assigned = a->all.n_connectors + a->all.n_tasks;
}

/* Two members in a fresh group over @p kv's security: both join, the
 * leader's assignment reaches both through SyncGroup, both heartbeat,
 * both leave. */
static void two_members(const char *bootstrap, const char *const *kv,
                        const char *name)
{
    kc_props_t *sec = props_of(kv);
    kc_opq_t *q;
    kc_timers_t *timers = kc_timers_new();
    member_t w[2];
    char group[96];
    kc_error_t err = {0};
    int64_t end = kc_clock_now_ms() + BOUND_MS;

    memset(w, 0, sizeof(w));
    q = kc_opq_new(0, &err);
    assert_non_null(q);
    snprintf(group, sizeof(group), "kc-test-sec-%s-%ld-%d", name,
             (long)time(NULL), (int)getpid());
    for (int i = 0; i < 2; i++) {
        kc_group_member_conf_t conf = {0};
        kc_group_member_cbs_t cbs = {0};
        char url[64];

        snprintf(url, sizeof(url), "http://127.0.0.1:%d/", 33500 + i);
        conf.bootstrap = bootstrap;
        conf.security = sec;
        conf.group_id = group;
        conf.client_id = "kc-test-sec";
        conf.rest_url = url;
        conf.session_timeout_ms = 10000;
        conf.rebalance_timeout_ms = 20000;
        conf.heartbeat_interval_ms = 300;
        conf.protocol = KC_CONNECT_SESSIONED;
        cbs.opaque = &w[i];
        cbs.config_offset = cfg_offset;
        cbs.config_snapshot = cfg_snapshot;
        cbs.on_revoked = on_revoked;
        cbs.on_assigned = on_assigned;
        w[i].generation = -1;
        w[i].m = kc_group_member_new(&conf, &cbs, q, timers, &err);
        if (w[i].m == NULL) {
            fail_msg("member: %s", err.msg);
        }
        assert_int_equal(kc_group_member_start(w[i].m, &err), KC_OK);
    }
    /* the security props were copied: the caller's may go */
    kc_props_destroy(sec);
    for (;;) {
        int64_t now = kc_clock_now_ms();
        int64_t next = kc_timers_next(timers);
        kc_opq_op_t *op;

        if (kc_group_member_stable(w[0].m) && kc_group_member_stable(w[1].m) &&
            w[0].generation == w[1].generation && w[0].generation >= 0 &&
            w[0].assigned + w[1].assigned == 4 &&
            kc_group_member_heartbeats(w[0].m) >= 2 &&
            kc_group_member_heartbeats(w[1].m) >= 2) {
            break;
        }
        if (now > end) {
            fail_msg("%s: two members not joined and heartbeating (gen %d/%d,"
                     " %zu+%zu units, %lld/%lld heartbeats)",
                     name, (int)w[0].generation, (int)w[1].generation,
                     w[0].assigned, w[1].assigned,
                     (long long)kc_group_member_heartbeats(w[0].m),
                     (long long)kc_group_member_heartbeats(w[1].m));
        }
        if (next < 0 || next > now + 100) {
            next = now + 100;
        }
        op = kc_opq_pop(q, next);
        if (op != NULL && !kc_group_member_handle_op(op)) {
            op->destroy(op);
        }
        kc_timers_run(timers, kc_clock_now_ms());
    }
    assert_int_equal(kc_group_member_is_leader(w[0].m) +
                         kc_group_member_is_leader(w[1].m),
                     1);
    print_message("%s: group %s generation %d, both members heartbeating\n",
                  name, group, (int)w[0].generation);
    for (int i = 0; i < 2; i++) {
        kc_group_member_stop(w[i].m);
        kc_group_member_destroy(w[i].m);
    }
    kc_opq_unref(q);
    kc_timers_destroy(timers);
}

static void test_group_security_sasl_plain_members(void **state)
{
    const char *b = need_env("KC_SEC_SASL_BOOTSTRAP");
    const char *const kv[] = {
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        "username=\"kc\" password=\"kc-secret\";",
        NULL};

    (void)state;
    two_members(b, kv, "plain");
}

static void test_group_security_sasl_scram_sha256_members(void **state)
{
    const char *b = need_env("KC_SEC_SASL_BOOTSTRAP");
    const char *const kv[] = {"security.protocol",
                              "SASL_PLAINTEXT",
                              "sasl.mechanism",
                              "SCRAM-SHA-256",
                              "sasl.jaas.config",
                              JAAS_OK,
                              NULL};

    (void)state;
    two_members(b, kv, "scram256");
}

static void test_group_security_sasl_scram_sha512_members(void **state)
{
    const char *b = need_env("KC_SEC_SASL_BOOTSTRAP");
    /* librdkafka's spellings, which the worker passes on too */
    const char *const kv[] = {
        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanisms",
        "SCRAM-SHA-512",     "sasl.username",  "kc",
        "sasl.password",     "kc-secret",      NULL};

    (void)state;
    two_members(b, kv, "scram512");
}

static void test_group_security_ssl_members(void **state)
{
    const char *b = need_env("KC_SEC_SSL_BOOTSTRAP");
    const char *ca = need_env("KC_SEC_CA");
    const char *const kv[] = {"security.protocol", "SSL", "ssl.ca.location", ca,
                              NULL};

    (void)state;
    two_members(b, kv, "ssl");
}

static void test_group_security_sasl_ssl_scram_members(void **state)
{
    const char *b = need_env("KC_SEC_SASL_SSL_BOOTSTRAP");
    const char *ca = need_env("KC_SEC_CA");
    const char *const kv[] = {"security.protocol",
                              "SASL_SSL",
                              "ssl.ca.location",
                              ca,
                              "ssl.endpoint.identification.algorithm",
                              "https",
                              "sasl.mechanism",
                              "SCRAM-SHA-512",
                              "sasl.jaas.config",
                              JAAS_OK,
                              NULL};

    (void)state;
    two_members(b, kv, "saslssl");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *data = kc_calloc(1, 65536);
    size_t n;

    if (f == NULL) {
        fail_msg("cannot read %s", path);
    }
    n = fread(data, 1, 65535, f);
    data[n] = '\0';
    fclose(f);
    return data;
}

/* on_fatal's calls and text */
static char g_fatal[1024];
static int g_fatals;

static void on_fatal(void *opaque, const char *why)
{
    (void)opaque;
    snprintf(g_fatal, sizeof(g_fatal), "%s", why);
    g_fatals++;
}

/* A member whose password the broker refuses gives up once, naming the
 * broker's reason (Apache's SaslAuthenticationException ends the
 * herder's thread), instead of trying again every retry.backoff.ms. */
static void
test_group_security_member_wrong_password_gives_up_with_reason(void **state)
{
    const char *b = need_env("KC_SEC_SASL_BOOTSTRAP");
    const char *const kv[] = {
        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
        "SCRAM-SHA-512",     "sasl.username",  "kc",
        "sasl.password",     "wrong",          NULL};
    kc_props_t *sec = props_of(kv);
    kc_opq_t *q;
    kc_timers_t *timers = kc_timers_new();
    kc_group_member_conf_t conf = {0};
    kc_group_member_cbs_t cbs = {0};
    member_t w;
    kc_error_t err = {0};
    int64_t end = kc_clock_now_ms() + BOUND_MS;
    int64_t quiet = -1;

    (void)state;
    memset(&w, 0, sizeof(w));
    q = kc_opq_new(0, &err);
    assert_non_null(q);
    conf.bootstrap = b;
    conf.security = sec;
    conf.group_id = "kc-test-sec-refused";
    conf.session_timeout_ms = 10000;
    conf.rebalance_timeout_ms = 20000;
    conf.heartbeat_interval_ms = 300;
    conf.retry_backoff_ms = 100;
    conf.protocol = KC_CONNECT_SESSIONED;
    cbs.opaque = &w;
    cbs.config_offset = cfg_offset;
    cbs.config_snapshot = cfg_snapshot;
    cbs.on_revoked = on_revoked;
    cbs.on_assigned = on_assigned;
    cbs.on_fatal = on_fatal;
    w.m = kc_group_member_new(&conf, &cbs, q, timers, &err);
    assert_non_null(w.m);
    kc_props_destroy(sec);
    g_fatals = 0;
    assert_int_equal(kc_group_member_start(w.m, &err), KC_OK);
    /* the refusal, then 2 s (20 retry.backoff.ms) in which nothing more
     * may happen */
    while (g_fatals == 0 || kc_clock_now_ms() < quiet) {
        int64_t now = kc_clock_now_ms();
        int64_t next = kc_timers_next(timers);
        kc_opq_op_t *op;

        if (now > end) {
            fail_msg("the member did not give up");
        }
        if (g_fatals > 0 && quiet < 0) {
            quiet = now + 2000;
        }
        if (next < 0 || next > now + 100) {
            next = now + 100;
        }
        op = kc_opq_pop(q, next);
        if (op != NULL && !kc_group_member_handle_op(op)) {
            op->destroy(op);
        }
        kc_timers_run(timers, kc_clock_now_ms());
    }
    print_message("gave up: %s\n", g_fatal);
    assert_int_equal(g_fatals, 1);
    assert_non_null(strstr(g_fatal, "Authentication failed"));
    assert_non_null(strstr(g_fatal, "SCRAM-SHA-512"));
    assert_string_equal(kc_group_member_failure(w.m), g_fatal);
    assert_false(kc_group_member_stable(w.m));
    assert_int_equal(kc_group_member_generation(w.m), -1);
    kc_group_member_stop(w.m);
    kc_group_member_destroy(w.m);
    kc_opq_unref(q);
    kc_timers_destroy(timers);
}

/* Open one connection to @p bootstrap with @p kv: NULL with the error's
 * message in @p msg, or the connection. */
static kc_group_conn_t *open_with(const char *bootstrap, const char *const *kv,
                                  char *msg, size_t size)
{
    kc_props_t *p = props_of(kv);
    kc_error_t err = {0};
    kc_group_security_t *sec = kc_group_security_new(p, NULL, &err);
    char host[128];
    const char *colon = strrchr(bootstrap, ':');
    kc_group_conn_t *conn = NULL;

    if (sec == NULL) {
        fail_msg("settings refused: %s", err.msg);
    }
    assert_non_null(colon);
    snprintf(host, sizeof(host), "%.*s", (int)(colon - bootstrap), bootstrap);
    conn = kc_group_conn_open_secure(host, atoi(colon + 1), "kc-test-sec", sec,
                                     TIMEOUT_MS, &err);
    snprintf(msg, size, "%s", conn == NULL ? err.msg : "");
    kc_group_security_destroy(sec);
    kc_props_destroy(p);
    return conn;
}

static void expect_refusal(const char *bootstrap, const char *const *kv,
                           const char *const *texts)
{
    char msg[1024];
    kc_group_conn_t *conn = open_with(bootstrap, kv, msg, sizeof(msg));

    if (conn != NULL) {
        kc_group_conn_close(conn);
        fail_msg("the broker accepted what it should refuse");
    }
    print_message("refused: %s\n", msg);
    for (size_t i = 0; texts[i] != NULL; i++) {
        if (strstr(msg, texts[i]) == NULL) {
            fail_msg("\"%s\" does not say \"%s\"", msg, texts[i]);
        }
    }
}

static void test_group_security_wrong_password_names_broker_reason(void **state)
{
    const char *b = need_env("KC_SEC_SASL_BOOTSTRAP");
    const char *const scram[] = {
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "SCRAM-SHA-256",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        "username=\"kc\" password=\"wrong\";",
        NULL};
    const char *const plain[] = {"security.protocol",
                                 "SASL_PLAINTEXT",
                                 "sasl.mechanism",
                                 "PLAIN",
                                 "sasl.username",
                                 "kc",
                                 "sasl.password",
                                 "wrong",
                                 NULL};
    const char *const nobody[] = {
        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
        "SCRAM-SHA-512",     "sasl.username",  "nobody",
        "sasl.password",     "kc-secret",      NULL};
    /* the broker's own words (SaslAuthenticate error_message), its error
     * code 58 (SASL_AUTHENTICATION_FAILED) and the mechanism */
    const char *const scram_says[] = {"Authentication failed", "SCRAM-SHA-256",
                                      "SASL_AUTHENTICATION_FAILED", NULL};
    const char *const plain_says[] = {"Authentication failed", "PLAIN",
                                      "SASL_AUTHENTICATION_FAILED", NULL};
    const char *const nobody_says[] = {"Authentication failed", "SCRAM-SHA-512",
                                       "SASL_AUTHENTICATION_FAILED", NULL};

    (void)state;
    expect_refusal(b, scram, scram_says);
    expect_refusal(b, plain, plain_says);
    expect_refusal(b, nobody, nobody_says);
}

static void test_group_security_tls_refusals_name_the_reason(void **state)
{
    const char *b = need_env("KC_SEC_SSL_BOOTSTRAP");
    const char *ca = need_env("KC_SEC_CA");
    const char *other = need_env("KC_SEC_OTHER_CA");
    const char *port = strrchr(b, ':');
    char by_ip[64];
    char msg[1024];
    const char *const untrusted[] = {"security.protocol", "SSL",
                                     "ssl.ca.location", other, NULL};
    const char *const verify[] = {"security.protocol", "SSL", "ssl.ca.location",
                                  ca, NULL};
    const char *const no_verify[] = {"security.protocol",
                                     "SSL",
                                     "ssl.ca.location",
                                     ca,
                                     "ssl.endpoint.identification.algorithm",
                                     "",
                                     NULL};
    const char *const untrusted_says[] = {"TLS handshake", "issuer is unknown",
                                          NULL};
    const char *const name_says[] = {"TLS handshake", "127.0.0.1",
                                     "does not match", NULL};
    kc_group_conn_t *conn;

    (void)state;
    assert_non_null(port);
    expect_refusal(b, untrusted, untrusted_says);
    /* the certificate names localhost only: dialling its address with
     * hostname verification (Java's default) is refused, without it not */
    snprintf(by_ip, sizeof(by_ip), "127.0.0.1%s", port);
    expect_refusal(by_ip, verify, name_says);
    conn = open_with(by_ip, no_verify, msg, sizeof(msg));
    if (conn == NULL) {
        fail_msg("without hostname verification: %s", msg);
    }
    kc_group_conn_close(conn);
    /* librdkafka's inline form of the CA */
    {
        char *pem = slurp(ca);
        const char *const inline_ca[] = {"security.protocol", "SSL",
                                         "ssl.ca.pem", pem, NULL};

        conn = open_with(b, inline_ca, msg, sizeof(msg));
        if (conn == NULL) {
            fail_msg("with ssl.ca.pem: %s", msg);
        }
        kc_group_conn_close(conn);
        kc_free(pem);
    }
}

/* A listener that requires a client certificate (scripts/kafka's
 * KC_KAFKA_MTLS_PORT): members with the CA's client certificate and its
 * encrypted key join; without a certificate the broker refuses. */
static void test_group_security_client_certificate_members(void **state)
{
    const char *b = need_env("KC_SEC_MTLS_BOOTSTRAP");
    const char *ca = need_env("KC_SEC_CA");
    const char *cert = need_env("KC_SEC_CLIENT_CERT");
    const char *key = need_env("KC_SEC_CLIENT_KEY_ENC");
    const char *const kv[] = {"security.protocol",
                              "SSL",
                              "ssl.ca.location",
                              ca,
                              "ssl.certificate.location",
                              cert,
                              "ssl.key.location",
                              key,
                              "ssl.key.password",
                              "kc-key-secret",
                              NULL};
    const char *const bad_pass[] = {"security.protocol",
                                    "SSL",
                                    "ssl.ca.location",
                                    ca,
                                    "ssl.certificate.location",
                                    cert,
                                    "ssl.key.location",
                                    key,
                                    "ssl.key.password",
                                    "wrong",
                                    NULL};
    const char *const no_cert[] = {"security.protocol", "SSL",
                                   "ssl.ca.location", ca, NULL};
    const char *const no_cert_says[] = {"localhost:", "alert", NULL};

    (void)state;
    two_members(b, kv, "mtls");
    /* librdkafka's inline forms of the certificate and key */
    {
        char *cert_pem = slurp(cert);
        char *key_pem = slurp(key);
        const char *const inline_kv[] = {"security.protocol",
                                         "SSL",
                                         "ssl.ca.location",
                                         ca,
                                         "ssl.certificate.pem",
                                         cert_pem,
                                         "ssl.key.pem",
                                         key_pem,
                                         "ssl.key.password",
                                         "kc-key-secret",
                                         NULL};
        char msg[1024];
        kc_group_conn_t *conn = open_with(b, inline_kv, msg, sizeof(msg));

        if (conn == NULL) {
            fail_msg("with ssl.certificate.pem/ssl.key.pem: %s", msg);
        }
        kc_group_conn_close(conn);
        kc_free(cert_pem);
        kc_free(key_pem);
    }
    assert_refused(bad_pass, "ssl.key.location", key);
    expect_refusal(b, no_cert, no_cert_says);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_security_unsupported_mechanisms_refused),
        cmocka_unit_test(test_group_security_bad_settings_name_the_key),
        cmocka_unit_test(test_group_security_unapplied_settings_refused),
        cmocka_unit_test(test_group_security_accepted_settings),
        cmocka_unit_test(test_group_security_distributed_config_refuses_gssapi),
        cmocka_unit_test(
            test_group_security_scram_matches_kafka_clients_golden),
        cmocka_unit_test(test_group_security_scram_refuses_bad_server_messages),
        cmocka_unit_test(test_group_security_sasl_plain_members),
        cmocka_unit_test(test_group_security_sasl_scram_sha256_members),
        cmocka_unit_test(test_group_security_sasl_scram_sha512_members),
        cmocka_unit_test(test_group_security_ssl_members),
        cmocka_unit_test(test_group_security_sasl_ssl_scram_members),
        cmocka_unit_test(
            test_group_security_wrong_password_names_broker_reason),
        cmocka_unit_test(test_group_security_tls_refusals_name_the_reason),
        cmocka_unit_test(test_group_security_client_certificate_members),
        cmocka_unit_test(
            test_group_security_member_wrong_password_gives_up_with_reason),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
