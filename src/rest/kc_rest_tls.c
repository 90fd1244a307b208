/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST server's TLS settings (see kc_rest_tls.h). Key stores are read
 * with GnuTLS (PKCS#12 and PEM); libmicrohttpd gets plain PEM, so every
 * password check happens here, at start, with a message naming the key.
 */
#include "kc_internal.h"

#include "rest/kc_rest_tls.h"
#include "runtime/kc_worker_config.h"
#include "runtime/kc_worker_config_int.h"
#include "util/kc_str.h"

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <strings.h>

/* The ssl.* keys the REST server reads; every other one is refused. */
static const char *const known_keys[] = {
    "ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.password",
    "ssl.key.password", "ssl.keystore.certificate.chain", "ssl.keystore.key",
    "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password",
    "ssl.truststore.certificates", "ssl.client.auth", "ssl.enabled.protocols",
    "ssl.protocol", "ssl.cipher.suites",
    /* Client side only (inter-worker calls); nothing to do for a server. */
    "ssl.endpoint.identification.algorithm", NULL};

/* JVM algorithm names: only their defaults mean "what GnuTLS does". */
static const struct {
    const char *key;
    const char *value;
} jvm_defaults[] = {{"ssl.keymanager.algorithm", "SunX509"},
                    {"ssl.trustmanager.algorithm", "PKIX"}};

kc_props_t *kc_rest_tls_settings(const kc_props_t *worker, const char *prefix,
                                 const char **used_prefix)
{
    kc_props_t *out = kc_props_new();
    bool prefixed = false;

    for (size_t i = 0; i < kc_props_count(worker) && !prefixed; i++) {
        prefixed = kc_str_starts_with(kc_props_key_at(worker, i), prefix);
    }
    for (size_t i = 0; i < kc_props_count(worker); i++) {
        const char *key = kc_props_key_at(worker, i);

        if (prefixed && kc_str_starts_with(key, prefix)) {
            kc_props_set(out, key + strlen(prefix),
                         kc_props_value_at(worker, i));
        } else if (!prefixed && kc_str_starts_with(key, "ssl.")) {
            kc_props_set(out, key, kc_props_value_at(worker, i));
        }
    }
    if (used_prefix != NULL) {
        *used_prefix = prefixed ? prefix : "";
    }
    return out;
}

static const char *get(const kc_props_t *ssl, const char *key)
{
    const char *v = kc_props_get(ssl, key);

    return v != NULL && !kc_worker_config_is_blank(v) ? v : NULL;
}

/* ---- priorities -------------------------------------------------------- */

static const struct {
    const char *java;
    const char *gnutls;
} protocols[] = {{"TLSv1", "VERS-TLS1.0"},
                 {"TLSv1.1", "VERS-TLS1.1"},
                 {"TLSv1.2", "VERS-TLS1.2"},
                 {"TLSv1.3", "VERS-TLS1.3"}};

/*
 * GnuTLS names a suite as IANA does minus "WITH_", and says "SHA1" where
 * IANA says "SHA": TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA is
 * TLS_ECDHE_RSA_AES_128_CBC_SHA1.
 */
static bool suite_lookup(const char *iana, gnutls_kx_algorithm_t *kx,
                         gnutls_cipher_algorithm_t *cipher,
                         gnutls_mac_algorithm_t *mac)
{
    char name[128];
    const char *with = strstr(iana, "_WITH_");
    size_t len;

    if (with != NULL) {
        snprintf(name, sizeof(name), "%.*s_%s", (int)(with - iana), iana,
                 with + 6);
    } else {
        snprintf(name, sizeof(name), "%s", iana);
    }
    len = strlen(name);
    if (len > 4 && strcmp(name + len - 4, "_SHA") == 0 &&
        len + 1 < sizeof(name)) {
        strcat(name, "1");
    }
    for (size_t i = 0;; i++) {
        unsigned char id[2];
        gnutls_protocol_t min;
        const char *n = gnutls_cipher_suite_info(i, id, kx, cipher, mac, &min);

        if (n == NULL) {
            return false;
        }
        if (strcmp(n, name) == 0) {
            return true;
        }
    }
}

static void add_once(kc_buf_t *buf, const char *item)
{
    char token[80];

    if (item == NULL) {
        return;
    }
    snprintf(token, sizeof(token), ":+%s", item);
    if (buf->len == 0 || strstr(kc_buf_cstr(buf), token) == NULL) {
        kc_buf_printf(buf, "%s", token);
    }
}

char *kc_rest_tls_priorities(const char *protocols_value, const char *ciphers,
                             const char **bad_key, kc_error_t *err)
{
    kc_strlist_t list = {0};
    kc_buf_t buf;
    kc_buf_t kx;
    kc_buf_t algs;

    kc_buf_init(&buf, 0);
    kc_buf_printf(&buf, "NORMAL:-VERS-ALL");
    kc_str_split_comma(
        protocols_value != NULL ? protocols_value : "TLSv1.2,TLSv1.3", &list);
    for (size_t i = 0; i < list.count; i++) {
        const char *g = NULL;

        for (size_t p = 0; p < KC_ARRAY_LEN(protocols); p++) {
            if (strcmp(protocols[p].java, list.items[i]) == 0) {
                g = protocols[p].gnutls;
            }
        }
        if (g == NULL) {
            kc_error_set(err, KC_ERR_UNSUPPORTED,
                         "protocol \"%s\" is not one kconnect's TLS offers "
                         "(TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)",
                         list.items[i]);
            *bad_key = "ssl.enabled.protocols";
            kc_strlist_release(&list);
            kc_buf_release(&buf);
            return NULL;
        }
        kc_buf_printf(&buf, ":+%s", g);
    }
    if (list.count == 0) {
        *bad_key = "ssl.enabled.protocols";
        kc_strlist_release(&list);
        kc_buf_release(&buf);
        kc_error_set(err, KC_ERR_INVALID, "no protocol is enabled");
        return NULL;
    }
    kc_strlist_release(&list);
    kc_str_split_comma(ciphers != NULL ? ciphers : "", &list);
    if (list.count == 0) {
        return kc_buf_detach(&buf, NULL);
    }
    /*
     * GnuTLS picks suites from separate key-exchange, cipher and MAC
     * lists, so the suites offered are every combination of the parts of
     * the listed ones: the list itself plus, at most, mixes of its parts.
     */
    kc_buf_init(&kx, 0);
    kc_buf_init(&algs, 0);
    for (size_t i = 0; i < list.count; i++) {
        gnutls_kx_algorithm_t k;
        gnutls_cipher_algorithm_t c;
        gnutls_mac_algorithm_t m;

        if (!suite_lookup(list.items[i], &k, &c, &m)) {
            kc_error_set(err, KC_ERR_UNSUPPORTED,
                         "cipher suite \"%s\" is not one kconnect's TLS "
                         "(GnuTLS) knows",
                         list.items[i]);
            *bad_key = "ssl.cipher.suites";
            kc_strlist_release(&list);
            kc_buf_release(&buf);
            kc_buf_release(&kx);
            kc_buf_release(&algs);
            return NULL;
        }
        add_once(&kx, gnutls_kx_get_name(k));
        add_once(&algs, gnutls_cipher_get_name(c));
        add_once(&algs, gnutls_mac_get_name(m));
    }
    kc_buf_printf(&buf, ":-KX-ALL:-CIPHER-ALL:-MAC-ALL%s%s",
                  kx.len > 0 ? kc_buf_cstr(&kx) : "",
                  algs.len > 0 ? kc_buf_cstr(&algs) : "");
    kc_strlist_release(&list);
    kc_buf_release(&kx);
    kc_buf_release(&algs);
    return kc_buf_detach(&buf, NULL);
}

/* ---- checks ------------------------------------------------------------ */

void kc_rest_tls_check(const kc_props_t *ssl, const char *prefix,
                       kc_config_result_t *result)
{
    char full[256];
    const char *bad_key = NULL;
    kc_error_t err;
    char *prio;

    for (size_t i = 0; i < kc_props_count(ssl); i++) {
        const char *key = kc_props_key_at(ssl, i);
        const char *v = kc_props_value_at(ssl, i);
        bool known = false;

        for (size_t k = 0; known_keys[k] != NULL; k++) {
            known = known || strcmp(known_keys[k], key) == 0;
        }
        for (size_t k = 0; k < KC_ARRAY_LEN(jvm_defaults); k++) {
            if (strcmp(jvm_defaults[k].key, key) == 0) {
                known = v == NULL || kc_worker_config_is_blank(v) ||
                        strcmp(v, jvm_defaults[k].value) == 0;
            }
        }
        if (prefix[0] == '\0') {
            /* Unprefixed keys are the Kafka clients' too (ssl.ca.location,
             * ssl.provider...): kc_client_conf_apply judges them. */
            continue;
        }
        if (!known && v != NULL && !kc_worker_config_is_blank(v)) {
            snprintf(full, sizeof(full), "%s%s", prefix, key);
            kc_worker_config_issue(result, full,
                                   "not supported by kconnect's REST TLS; "
                                   "remove %s",
                                   full);
        }
    }
    prio =
        kc_rest_tls_priorities(get(ssl, "ssl.enabled.protocols"),
                               get(ssl, "ssl.cipher.suites"), &bad_key, &err);
    if (prio == NULL) {
        snprintf(full, sizeof(full), "%s%s", prefix, bad_key);
        kc_worker_config_issue(result, full, "%s", err.msg);
    }
    kc_free(prio);
    {
        const char *p = get(ssl, "ssl.protocol");

        if (p != NULL && strcmp(p, "TLS") != 0 && strcmp(p, "TLSv1") != 0 &&
            strcmp(p, "TLSv1.1") != 0 && strcmp(p, "TLSv1.2") != 0 &&
            strcmp(p, "TLSv1.3") != 0) {
            snprintf(full, sizeof(full), "%sssl.protocol", prefix);
            kc_worker_config_issue(result, full,
                                   "protocol \"%s\" is not one kconnect's TLS "
                                   "offers (TLS, TLSv1.2, TLSv1.3...)",
                                   p);
        }
    }
}

/* ---- loading ----------------------------------------------------------- */

static kc_err_t fail_key(kc_error_t *err, const char *prefix, const char *key,
                         const char *fmt, const char *arg, int gnutls_rc)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, arg);
    if (gnutls_rc != 0) {
        return kc_error_set(err, KC_ERR_INVALID, "%s%s: %s (%s)", prefix, key,
                            msg, gnutls_strerror(gnutls_rc));
    }
    return kc_error_set(err, KC_ERR_INVALID, "%s%s: %s", prefix, key, msg);
}

static void append_crt(kc_buf_t *pem, gnutls_x509_crt_t crt)
{
    gnutls_datum_t out = {NULL, 0};

    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) == 0) {
        kc_buf_append(pem, out.data, out.size);
        gnutls_free(out.data);
    }
}

/* The store's bytes: a file (@p location) or an inline PEM value. */
static kc_err_t read_store(const char *prefix, const char *key,
                           const char *location, gnutls_datum_t *data,
                           kc_error_t *err)
{
    int rc = gnutls_load_file(location, data);

    if (rc < 0) {
        return fail_key(err, prefix, key, "could not read \"%s\"", location,
                        rc);
    }
    return KC_OK;
}

/*
 * A store's type: PKCS12, PEM, or JKS refused. Java 9+ opens a PKCS#12
 * file given type JKS (keystore.type.compat), so JKS is judged by the
 * file's magic number, as the JVM does.
 */
typedef enum { STORE_PKCS12, STORE_PEM } store_type_t;

static kc_err_t store_type(const char *prefix, const char *type_key,
                           const char *type, const gnutls_datum_t *data,
                           const char *location, store_type_t *out,
                           kc_error_t *err)
{
    static const unsigned char jks_magic[4] = {0xFE, 0xED, 0xFE, 0xED};

    if (type == NULL || strcasecmp(type, "JKS") == 0 ||
        strcasecmp(type, "PKCS12") == 0) {
        if (data != NULL && data->size >= 4 &&
            memcmp(data->data, jks_magic, 4) == 0) {
            return kc_error_set(
                err, KC_ERR_UNSUPPORTED,
                "%s%s: \"%s\" is a JKS key store, which kconnect cannot "
                "read; convert it to PKCS12 with: keytool -importkeystore "
                "-srckeystore %s -srcstoretype JKS -destkeystore %s.p12 "
                "-deststoretype PKCS12, then set %s%s=PKCS12",
                prefix, type_key, location, location, location, prefix,
                type_key);
        }
        *out = STORE_PKCS12;
        return KC_OK;
    }
    if (strcasecmp(type, "PEM") == 0) {
        *out = STORE_PEM;
        return KC_OK;
    }
    return fail_key(err, prefix, type_key,
                    "store type \"%s\" is not supported (PKCS12, PEM; JKS "
                    "converted with keytool -importkeystore)",
                    type, 0);
}

static kc_err_t pkcs12_open(const char *prefix, const char *pw_key,
                            const char *password, const gnutls_datum_t *data,
                            gnutls_pkcs12_t *p12, kc_error_t *err)
{
    int rc;

    gnutls_pkcs12_init(p12);
    rc = gnutls_pkcs12_import(*p12, data, GNUTLS_X509_FMT_DER, 0);
    if (rc < 0) {
        rc = gnutls_pkcs12_import(*p12, data, GNUTLS_X509_FMT_PEM, 0);
    }
    if (rc < 0) {
        gnutls_pkcs12_deinit(*p12);
        return fail_key(err, prefix, pw_key, "%s", "not a PKCS12 store", rc);
    }
    /* As Java: without a password the integrity check is skipped. */
    if (password != NULL && gnutls_pkcs12_verify_mac(*p12, password) < 0) {
        gnutls_pkcs12_deinit(*p12);
        return fail_key(err, prefix, pw_key, "%s",
                        "wrong password: the store's integrity check fails", 0);
    }
    return KC_OK;
}

/* A key store's bytes come from gnutls_load_file (a file) or from
 * kc_asprintf (inline key and chain); each goes back to its allocator. */
static void free_store_bytes(gnutls_datum_t *data, bool from_file)
{
    if (from_file) {
        gnutls_free(data->data);
    } else {
        kc_free(data->data);
    }
    data->data = NULL;
}

static kc_err_t load_keystore(const kc_props_t *ssl, const char *prefix,
                              kc_rest_tls_t *tls, kc_error_t *err)
{
    const char *location = get(ssl, "ssl.keystore.location");
    const char *type = get(ssl, "ssl.keystore.type");
    const char *password = get(ssl, "ssl.keystore.password");
    const char *key_password = get(ssl, "ssl.key.password");
    gnutls_datum_t data = {NULL, 0};
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t *chain = NULL;
    unsigned int nchain = 0;
    gnutls_datum_t out = {NULL, 0};
    gnutls_certificate_credentials_t cred;
    store_type_t st = STORE_PKCS12;
    kc_buf_t pem;
    int rc;

    if (location == NULL) {
        const char *inline_key = get(ssl, "ssl.keystore.key");
        const char *inline_chain = get(ssl, "ssl.keystore.certificate.chain");

        if (type == NULL || strcasecmp(type, "PEM") != 0 ||
            inline_key == NULL || inline_chain == NULL) {
            return fail_key(err, prefix, "ssl.keystore.location", "%s",
                            "an https listener needs a key store (or "
                            "ssl.keystore.type=PEM with ssl.keystore.key and "
                            "ssl.keystore.certificate.chain)",
                            0);
        }
        st = STORE_PEM;
        data.data =
            (unsigned char *)kc_asprintf("%s\n%s\n", inline_key, inline_chain);
        data.size = (unsigned int)strlen((char *)data.data);
    } else {
        if (read_store(prefix, "ssl.keystore.location", location, &data, err) !=
            KC_OK) {
            return KC_ERR_INVALID;
        }
        if (store_type(prefix, "ssl.keystore.type", type, &data, location, &st,
                       err) != KC_OK) {
            gnutls_free(data.data);
            return KC_ERR_UNSUPPORTED;
        }
    }
    if (st == STORE_PKCS12) {
        gnutls_pkcs12_t p12;

        if (pkcs12_open(prefix, "ssl.keystore.password", password, &data, &p12,
                        err) != KC_OK) {
            gnutls_free(data.data);
            return KC_ERR_INVALID;
        }
        rc = gnutls_pkcs12_simple_parse(
            p12, key_password != NULL ? key_password : password, &key, &chain,
            &nchain, NULL, NULL, NULL, 0);
        gnutls_pkcs12_deinit(p12);
        if (rc < 0 || key == NULL || nchain == 0) {
            gnutls_free(data.data);
            return fail_key(err, prefix,
                            key_password != NULL ? "ssl.key.password"
                                                 : "ssl.keystore.password",
                            "%s",
                            "could not read a private key and its "
                            "certificate from the key store",
                            rc < 0 ? rc : 0);
        }
    } else {
        gnutls_x509_privkey_init(&key);
        rc = gnutls_x509_privkey_import2(key, &data, GNUTLS_X509_FMT_PEM,
                                         key_password, 0);
        if (rc < 0) {
            gnutls_x509_privkey_deinit(key);
            free_store_bytes(&data, location != NULL);
            return fail_key(err, prefix,
                            key_password != NULL ? "ssl.key.password"
                                                 : "ssl.keystore.key",
                            "%s", "could not read the PEM private key", rc);
        }
        rc = gnutls_x509_crt_list_import2(&chain, &nchain, &data,
                                          GNUTLS_X509_FMT_PEM, 0);
        if (rc < 0 || nchain == 0) {
            gnutls_x509_privkey_deinit(key);
            free_store_bytes(&data, location != NULL);
            return fail_key(err, prefix,
                            location != NULL ? "ssl.keystore.location"
                                             : "ssl.keystore.certificate.chain",
                            "%s", "no PEM certificate found", rc < 0 ? rc : 0);
        }
    }
    free_store_bytes(&data, location != NULL);
    /* The key must belong to the leaf certificate. */
    gnutls_certificate_allocate_credentials(&cred);
    rc = gnutls_certificate_set_x509_key(cred, chain, nchain, key);
    gnutls_certificate_free_credentials(cred);
    kc_buf_init(&pem, 0);
    if (rc >= 0) {
        rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
                                               GNUTLS_PKCS_PLAIN, &out);
    }
    if (rc >= 0) {
        tls->key_pem = kc_strndup((const char *)out.data, out.size);
        gnutls_free(out.data);
        for (unsigned int i = 0; i < nchain; i++) {
            append_crt(&pem, chain[i]);
        }
        tls->cert_pem = kc_buf_detach(&pem, NULL);
    }
    kc_buf_release(&pem);
    for (unsigned int i = 0; i < nchain; i++) {
        gnutls_x509_crt_deinit(chain[i]);
    }
    gnutls_free(chain);
    gnutls_x509_privkey_deinit(key);
    if (rc < 0) {
        return fail_key(
            err, prefix,
            location != NULL ? "ssl.keystore.location" : "ssl.keystore.key",
            "%s", "the private key does not match the certificate", rc);
    }
    return KC_OK;
}

/* Every certificate of a PKCS#12 trust store, decrypting its bags. */
static kc_err_t pkcs12_certs(const char *prefix, gnutls_pkcs12_t p12,
                             const char *password, kc_buf_t *pem,
                             kc_error_t *err)
{
    for (int idx = 0;; idx++) {
        gnutls_pkcs12_bag_t bag;
        int rc;
        int count;

        gnutls_pkcs12_bag_init(&bag);
        rc = gnutls_pkcs12_get_bag(p12, idx, bag);
        if (rc < 0) {
            gnutls_pkcs12_bag_deinit(bag);
            break;
        }
        if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
            rc = gnutls_pkcs12_bag_decrypt(bag, password);
            if (rc < 0) {
                gnutls_pkcs12_bag_deinit(bag);
                return fail_key(err, prefix, "ssl.truststore.password", "%s",
                                "could not decrypt the trust store", rc);
            }
        }
        count = gnutls_pkcs12_bag_get_count(bag);
        for (int i = 0; i < count; i++) {
            gnutls_datum_t der;
            gnutls_x509_crt_t crt;

            if (gnutls_pkcs12_bag_get_type(bag, (unsigned)i) !=
                    GNUTLS_BAG_CERTIFICATE ||
                gnutls_pkcs12_bag_get_data(bag, (unsigned)i, &der) < 0) {
                continue;
            }
            gnutls_x509_crt_init(&crt);
            if (gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) >= 0) {
                append_crt(pem, crt);
            }
            gnutls_x509_crt_deinit(crt);
        }
        gnutls_pkcs12_bag_deinit(bag);
    }
    return KC_OK;
}

static kc_err_t load_truststore(const kc_props_t *ssl, const char *prefix,
                                kc_rest_tls_t *tls, kc_error_t *err)
{
    const char *location = get(ssl, "ssl.truststore.location");
    const char *type = get(ssl, "ssl.truststore.type");
    const char *password = get(ssl, "ssl.truststore.password");
    const char *inline_certs = get(ssl, "ssl.truststore.certificates");
    gnutls_datum_t data = {NULL, 0};
    store_type_t st;
    kc_buf_t pem;
    kc_err_t rc = KC_OK;

    kc_buf_init(&pem, 0);
    if (location == NULL) {
        if (inline_certs == NULL || type == NULL ||
            strcasecmp(type, "PEM") != 0) {
            return KC_OK; /* no trust store */
        }
        kc_buf_printf(&pem, "%s\n", inline_certs);
    } else {
        if (read_store(prefix, "ssl.truststore.location", location, &data,
                       err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        rc = store_type(prefix, "ssl.truststore.type", type, &data, location,
                        &st, err);
        if (rc == KC_OK && st == STORE_PKCS12) {
            gnutls_pkcs12_t p12;

            rc = pkcs12_open(prefix, "ssl.truststore.password", password, &data,
                             &p12, err);
            if (rc == KC_OK) {
                rc = pkcs12_certs(prefix, p12, password, &pem, err);
                gnutls_pkcs12_deinit(p12);
            }
        } else if (rc == KC_OK) {
            kc_buf_append(&pem, data.data, data.size);
        }
        gnutls_free(data.data);
    }
    if (rc == KC_OK) {
        gnutls_x509_crt_t *crts = NULL;
        unsigned int n = 0;
        gnutls_datum_t d = {(unsigned char *)kc_buf_cstr(&pem),
                            (unsigned int)pem.len};

        if (gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM,
                                         0) < 0 ||
            n == 0) {
            rc = fail_key(err, prefix,
                          location != NULL ? "ssl.truststore.location"
                                           : "ssl.truststore.certificates",
                          "%s", "the trust store holds no certificate", 0);
        }
        for (unsigned int i = 0; i < n; i++) {
            gnutls_x509_crt_deinit(crts[i]);
        }
        gnutls_free(crts);
    }
    if (rc == KC_OK) {
        tls->trust_pem = kc_buf_detach(&pem, NULL);
    }
    kc_buf_release(&pem);
    return rc;
}

kc_err_t kc_rest_tls_load(const kc_props_t *ssl, const char *prefix,
                          kc_rest_tls_t *tls, kc_error_t *err)
{
    const char *auth = get(ssl, "ssl.client.auth");
    const char *bad_key = NULL;

    memset(tls, 0, sizeof(*tls));
    /* As SSLUtils: "required" needs, "requested" wants, else none. */
    if (auth != NULL && strcmp(auth, "required") == 0) {
        tls->client_auth = KC_TLS_AUTH_REQUIRED;
    } else if (auth != NULL && strcmp(auth, "requested") == 0) {
        tls->client_auth = KC_TLS_AUTH_REQUESTED;
    }
    tls->priorities =
        kc_rest_tls_priorities(get(ssl, "ssl.enabled.protocols"),
                               get(ssl, "ssl.cipher.suites"), &bad_key, err);
    if (tls->priorities == NULL) {
        kc_error_prefix(err, "%s%s", prefix, bad_key);
        return KC_ERR_INVALID;
    }
    if (load_keystore(ssl, prefix, tls, err) != KC_OK ||
        load_truststore(ssl, prefix, tls, err) != KC_OK) {
        kc_rest_tls_release(tls);
        return KC_ERR_INVALID;
    }
    if (tls->client_auth != KC_TLS_AUTH_NONE && tls->trust_pem == NULL) {
        kc_rest_tls_release(tls);
        return kc_error_set(err, KC_ERR_INVALID,
                            "%sssl.truststore.location: ssl.client.auth=%s "
                            "needs a trust store for the client certificates",
                            prefix, auth);
    }
    return KC_OK;
}

kc_err_t kc_rest_tls_load_client(const kc_props_t *ssl, const char *prefix,
                                 kc_rest_tls_t *tls, kc_error_t *err)
{
    const char *bad_key = NULL;

    memset(tls, 0, sizeof(*tls));
    tls->priorities =
        kc_rest_tls_priorities(get(ssl, "ssl.enabled.protocols"),
                               get(ssl, "ssl.cipher.suites"), &bad_key, err);
    if (tls->priorities == NULL) {
        kc_error_prefix(err, "%s%s", prefix, bad_key);
        return KC_ERR_INVALID;
    }
    /* A client needs a key store only to present a certificate. */
    if ((get(ssl, "ssl.keystore.location") != NULL ||
         get(ssl, "ssl.keystore.key") != NULL) &&
        load_keystore(ssl, prefix, tls, err) != KC_OK) {
        kc_rest_tls_release(tls);
        return KC_ERR_INVALID;
    }
    if (load_truststore(ssl, prefix, tls, err) != KC_OK) {
        kc_rest_tls_release(tls);
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

void kc_rest_tls_release(kc_rest_tls_t *tls)
{
    kc_free(tls->key_pem);
    kc_free(tls->cert_pem);
    kc_free(tls->trust_pem);
    kc_free(tls->priorities);
    memset(tls, 0, sizeof(*tls));
}

bool kc_rest_tls_peer_ok(void *session, kc_tls_client_auth_t auth)
{
    unsigned int n = 0;
    unsigned int status = 0;

    if (auth == KC_TLS_AUTH_NONE) {
        return true;
    }
    if (session == NULL) {
        return false;
    }
    if (gnutls_certificate_get_peers(session, &n) == NULL || n == 0) {
        return auth != KC_TLS_AUTH_REQUIRED;
    }
    return gnutls_certificate_verify_peers2(session, &status) == 0 &&
           status == 0;
}
