/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REST security: the TLS settings' resolution and GnuTLS mapping, and
 * basic authentication (JAAS file, credentials file as
 * java.util.Properties reads it, the filter's answers).
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "rest/kc_rest_auth.h"
#include "rest/kc_rest_tls.h"
#include "util/kc_str.h"

/* ---- TLS settings ------------------------------------------------------ */

/*
 * Apache's valuesWithPrefixAllOrNothing: one listeners.https.* key (even
 * an unknown one) hides every unprefixed ssl.* key.
 */
static void test_tls_prefixed_keys_hide_unprefixed_ones(void **state)
{
    kc_props_t *w = kc_props_new();
    kc_props_t *ssl;
    const char *used = NULL;

    (void)state;
    kc_props_set(w, "ssl.keystore.location", "/plain.p12");
    kc_props_set(w, "ssl.truststore.location", "/trust.p12");
    ssl = kc_rest_tls_settings(w, "listeners.https.", &used);
    assert_string_equal(used, "");
    assert_string_equal(kc_props_get(ssl, "ssl.keystore.location"),
                        "/plain.p12");
    assert_string_equal(kc_props_get(ssl, "ssl.truststore.location"),
                        "/trust.p12");
    kc_props_destroy(ssl);

    kc_props_set(w, "listeners.https.whatever", "x");
    ssl = kc_rest_tls_settings(w, "listeners.https.", &used);
    assert_string_equal(used, "listeners.https.");
    assert_null(kc_props_get(ssl, "ssl.keystore.location"));
    assert_null(kc_props_get(ssl, "ssl.truststore.location"));
    assert_string_equal(kc_props_get(ssl, "whatever"), "x");
    kc_props_destroy(ssl);

    /* Admin listeners have their own prefix and fall back to the
     * unprefixed keys, never to listeners.https.*. */
    ssl = kc_rest_tls_settings(w, "admin.listeners.https.", &used);
    assert_string_equal(used, "");
    assert_string_equal(kc_props_get(ssl, "ssl.keystore.location"),
                        "/plain.p12");
    assert_null(kc_props_get(ssl, "whatever"));
    kc_props_destroy(ssl);
    kc_props_destroy(w);
}

static void test_tls_protocols_and_suites_map_to_priorities(void **state)
{
    kc_error_t err;
    const char *bad = NULL;
    char *p;

    (void)state;
    p = kc_rest_tls_priorities(NULL, NULL, &bad, &err);
    assert_string_equal(p, "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3");
    kc_free(p);
    p = kc_rest_tls_priorities("TLSv1.3", "", &bad, &err);
    assert_string_equal(p, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
    kc_free(p);
    p = kc_rest_tls_priorities("TLSv1.2",
                               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
                               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                               &bad, &err);
    assert_string_equal(p, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:-CIPHER-"
                           "ALL:-MAC-ALL:+ECDHE-RSA:+AES-128-GCM:+AEAD:+AES-"
                           "256-CBC:+SHA1");
    kc_free(p);
    assert_null(kc_rest_tls_priorities("TLSv1.2,SSLv3", NULL, &bad, &err));
    assert_string_equal(bad, "ssl.enabled.protocols");
    assert_non_null(strstr(err.msg, "SSLv3"));
    assert_null(kc_rest_tls_priorities(NULL, "TLS_FOO_WITH_BAR", &bad, &err));
    assert_string_equal(bad, "ssl.cipher.suites");
    assert_non_null(strstr(err.msg, "TLS_FOO_WITH_BAR"));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A JKS store is refused with the keytool command that converts it. */
static void test_tls_jks_keystore_names_keytool(void **state)
{
    char path[] = "/tmp/kc_tls_jksXXXXXX";
    int fd = mkstemp(path);
    static const unsigned char magic[] = {0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2};
    kc_props_t *ssl = kc_props_new();
    kc_rest_tls_t tls;
    kc_error_t err;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, magic, sizeof(magic)), (ssize_t)sizeof(magic));
    close(fd);
    kc_props_set(ssl, "ssl.keystore.location", path);
    kc_props_set(ssl, "ssl.keystore.password", "pw");
    assert_int_not_equal(kc_rest_tls_load(ssl, "listeners.https.", &tls, &err),
                         KC_OK);
    assert_non_null(strstr(err.msg, "listeners.https.ssl.keystore.type"));
    assert_non_null(strstr(err.msg, "keytool -importkeystore"));
    kc_props_set(ssl, "ssl.keystore.type", "BKS");
    assert_int_not_equal(kc_rest_tls_load(ssl, "", &tls, &err), KC_OK);
    assert_non_null(strstr(err.msg, "ssl.keystore.type"));
    kc_props_destroy(ssl);
    unlink(path);
}

/* ---- basic authentication ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Expected values printed by java.util.Properties.load for the same bytes
 * (tests/golden/basic_auth/PropertiesLoad.java, users.expected).
 */
static void test_credentials_file_reads_as_java_properties(void **state)
{
    char path[512];
    FILE *f;
    char text[4096];
    size_t n;
    kc_props_t *p;
    char expected[4096];
    size_t e;

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/golden/basic_auth/users.properties",
             KC_SOURCE_DIR);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text), f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/tests/golden/basic_auth/users.expected",
             KC_SOURCE_DIR);
    f = fopen(path, "rb");
    assert_non_null(f);
    e = fread(expected, 1, sizeof(expected) - 1, f);
    expected[e] = '\0';
    fclose(f);
    p = kc_java_properties_parse(text, n);
    {
        /* Print in Java's order: keys sorted (TreeSet, UTF-16 order; all
         * keys here are ASCII). */
        kc_strlist_t keys = {0};
        kc_buf_t got;

        for (size_t i = 0; i < kc_props_count(p); i++) {
            kc_strlist_push(&keys, kc_props_key_at(p, i));
        }
        qsort(keys.items, keys.count, sizeof(*keys.items), cmp_str);
        kc_buf_init(&got, 0);
        for (size_t i = 0; i < keys.count; i++) {
            kc_buf_printf(&got, "[%s]=[%s]\n", keys.items[i],
                          kc_props_get(p, keys.items[i]));
        }
        assert_string_equal(kc_buf_cstr(&got), expected);
        kc_buf_release(&got);
        kc_strlist_release(&keys);
    }
    kc_props_destroy(p);
}

static void test_jaas_file_option_of_kafka_connect_entry(void **state)
{
    char *file = NULL;
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_jaas_property_file(
                         "// a comment\n"
                         "KafkaServer { some.Module required a=\"b\"; };\n"
                         "KafkaConnect {\n"
                         "  org.apache.kafka.connect.rest.basic.auth.extension."
                         "PropertyFileLoginModule required\n"
                         "  file=\"/etc/kafka/connect.password\";\n"
                         "};\n",
                         &file, &err),
                     KC_OK);
    assert_string_equal(file, "/etc/kafka/connect.password");
    kc_free(file);
    /* JAAS falls back to "other". */
    assert_int_equal(kc_jaas_property_file(
                         "other { org.apache.kafka.connect.rest.basic.auth."
                         "extension.PropertyFileLoginModule required "
                         "file=/p; };",
                         &file, &err),
                     KC_OK);
    assert_string_equal(file, "/p");
    kc_free(file);
    assert_int_equal(
        kc_jaas_property_file("KafkaServer { a.B required; };", &file, &err),
        KC_OK);
    assert_null(file);
    /* Another login module cannot run here: refused by name. */
    assert_int_equal(
        kc_jaas_property_file("KafkaConnect { com.acme.Ldap required; };",
                              &file, &err),
        KC_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "com.acme.Ldap"));
    assert_int_not_equal(
        kc_jaas_property_file("KafkaConnect { org.apache.kafka.connect.rest."
                              "basic.auth.extension.PropertyFileLoginModule "
                              "required; };",
                              &file, &err),
        KC_OK);
    assert_non_null(strstr(err.msg, "file"));
}

typedef struct auth_fixture {
    char dir[64];
    char jaas[128];
    char users[128];
    kc_rest_auth_t *auth;
} auth_fixture_t;

static void auth_setup(auth_fixture_t *fx, const char *users)
{
    kc_props_t *w = kc_props_new();
    kc_error_t err;
    char jaas[512];

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kc_authXXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->jaas, sizeof(fx->jaas), "%s/jaas.conf", fx->dir);
    snprintf(fx->users, sizeof(fx->users), "%s/users", fx->dir);
    snprintf(jaas, sizeof(jaas),
             "KafkaConnect { org.apache.kafka.connect.rest.basic.auth."
             "extension.PropertyFileLoginModule required file=\"%s\"; };\n",
             fx->users);
    write_file(fx->jaas, jaas);
    if (users != NULL) {
        write_file(fx->users, users);
    }
    kc_props_set(w, "rest.extension.classes", KC_BASIC_AUTH_EXTENSION);
    /* Apache's way: the JVM option in KAFKA_OPTS. */
    snprintf(jaas, sizeof(jaas), "-Xmx1g -Djava.security.auth.login.config=%s",
             fx->jaas);
    assert_int_equal(kc_rest_auth_new(w, jaas, &fx->auth, &err), KC_OK);
    assert_non_null(fx->auth);
    kc_props_destroy(w);
}

static void auth_teardown(auth_fixture_t *fx)
{
    kc_rest_auth_destroy(fx->auth);
    unlink(fx->jaas);
    unlink(fx->users);
    rmdir(fx->dir);
}

/* "alice:alice-secret" and friends, Base64. */
#define ALICE_OK  "Basic YWxpY2U6YWxpY2Utc2VjcmV0"
#define ALICE_BAD "Basic YWxpY2U6d3Jvbmc="

static void test_basic_auth_answers_as_apache_filter(void **state)
{
    auth_fixture_t fx;

    (void)state;
    auth_setup(&fx, "alice=alice-secret\n");
    assert_true(kc_rest_auth_allows(fx.auth, "GET", "/connectors", ALICE_OK));
    /* The scheme is case-insensitive. */
    assert_true(kc_rest_auth_allows(fx.auth, "GET", "/connectors",
                                    "bAsIc YWxpY2U6YWxpY2Utc2VjcmV0"));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/connectors", NULL));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", ALICE_BAD));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", "Bearer abc"));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", "Basic"));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", " Basic x"));
    /* Not Base64 (Apache: 500), no ':' and an empty user: 401. */
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", "Basic %%%"));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/",
                                     "Basic  YWxpY2U6YWxpY2Utc2VjcmV0"));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/",
                                     "Basic YWxpY2U=")); /* "alice" */
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/",
                                     "Basic OmFsaWNlLXNlY3JldA==")); /* ":a" */
    /* "alice:alice-secret\0x": a NUL must not cut the password short. */
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/",
                                     "Basic YWxpY2U6YWxpY2Utc2VjcmV0AHg="));
    /* Apache's exemptions, and kconnect's /health. */
    assert_true(
        kc_rest_auth_allows(fx.auth, "POST", "/connectors/c/tasks", NULL));
    assert_true(
        kc_rest_auth_allows(fx.auth, "PUT", "/connectors/c/fence/", NULL));
    assert_true(kc_rest_auth_allows(fx.auth, "GET", "/health", NULL));
    assert_false(
        kc_rest_auth_allows(fx.auth, "GET", "/connectors/c/tasks", NULL));
    assert_false(kc_rest_auth_allows(fx.auth, "POST",
                                     "/connectors/c/tasks/0/restart", NULL));
    auth_teardown(&fx);
}

/* Apache caches the file until restart and lets everyone in when it is
 * empty; kconnect re-reads it and denies. */
static void test_basic_auth_rereads_file_and_denies_when_empty(void **state)
{
    auth_fixture_t fx;

    (void)state;
    auth_setup(&fx, "");
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", ALICE_OK));
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", NULL));
    write_file(fx.users, "# users\nalice: alice-secret\n");
    assert_true(kc_rest_auth_allows(fx.auth, "GET", "/", ALICE_OK));
    write_file(fx.users, "alice=changed\n");
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", ALICE_OK));
    unlink(fx.users);
    assert_false(kc_rest_auth_allows(fx.auth, "GET", "/", ALICE_OK));
    auth_teardown(&fx);
}

static void test_basic_auth_needs_a_jaas_file(void **state)
{
    kc_props_t *w = kc_props_new();
    kc_rest_auth_t *auth = NULL;
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_rest_auth_new(w, NULL, &auth, &err), KC_OK);
    assert_null(auth);
    kc_props_set(w, "rest.extension.classes", KC_BASIC_AUTH_EXTENSION);
    assert_int_not_equal(kc_rest_auth_new(w, "-Xmx1g", &auth, &err), KC_OK);
    assert_non_null(strstr(err.msg, KC_BASIC_AUTH_JAAS_KEY));
    kc_props_set(w, KC_BASIC_AUTH_JAAS_KEY, "/nonexistent/jaas.conf");
    assert_int_not_equal(kc_rest_auth_new(w, NULL, &auth, &err), KC_OK);
    assert_non_null(strstr(err.msg, "/nonexistent/jaas.conf"));
    kc_props_destroy(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_prefixed_keys_hide_unprefixed_ones),
        cmocka_unit_test(test_tls_protocols_and_suites_map_to_priorities),
        cmocka_unit_test(test_tls_jks_keystore_names_keytool),
        cmocka_unit_test(test_credentials_file_reads_as_java_properties),
        cmocka_unit_test(test_jaas_file_option_of_kafka_connect_entry),
        cmocka_unit_test(test_basic_auth_answers_as_apache_filter),
        cmocka_unit_test(test_basic_auth_rereads_file_and_denies_when_empty),
        cmocka_unit_test(test_basic_auth_needs_a_jaas_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
