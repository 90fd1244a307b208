/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The group client's security settings (see kc_group_security.h): GnuTLS
 * credentials loaded once per member, and libgsasl client sessions.
 */
#include "kc_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>

#include <gsasl.h>

#include "distributed/kc_group_security.h"
#include "distributed/kc_scram.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

struct kc_group_security {
    const char *protocol; /* static canonical name */
    bool tls;
    bool verify_host;
    gnutls_certificate_credentials_t cred;
    const char *mechanism; /* static canonical name; NULL: no SASL */
    char *username;
    char *password;
    Gsasl *gsasl;
    bool own_scram; /* kc_scram: this libgsasl lacks the mechanism */
};

struct kc_group_sasl {
    Gsasl_session *gs;
    kc_scram_t *scram;
    const char *mechanism;
};

static const char *const kc_gs_protocols[] = {"PLAINTEXT", "SSL",
                                              "SASL_PLAINTEXT", "SASL_SSL"};
static const char *const kc_gs_mechanisms[] = {"PLAIN", "SCRAM-SHA-256",
                                               "SCRAM-SHA-512"};

static kc_group_security_t *kc_gs_fail(kc_group_security_t *sec,
                                       const char **bad_key, const char *key)
{
    if (bad_key != NULL) {
        *bad_key = key;
    }
    kc_group_security_destroy(sec);
    return NULL;
}

static kc_err_t kc_gs_load_tls(kc_group_security_t *sec,
                               const kc_props_t *props, const char **key,
                               kc_error_t *err)
{
    const char *ca = kc_props_get(props, "ssl.ca.location");
    const char *cert = kc_props_get(props, "ssl.certificate.location");
    const char *pkey = kc_props_get(props, "ssl.key.location");
    const char *pass = kc_props_get(props, "ssl.key.password");
    /* librdkafka's inline PEM forms, which the worker passes on too */
    const char *ca_pem = kc_props_get(props, "ssl.ca.pem");
    const char *cert_pem = kc_props_get(props, "ssl.certificate.pem");
    const char *key_pem = kc_props_get(props, "ssl.key.pem");
    const char *algo =
        kc_props_get(props, "ssl.endpoint.identification.algorithm");
    struct stat st;
    int rc;

    static const char *const java_stores[] = {
        "ssl.truststore.location", "ssl.keystore.location",
        "ssl.truststore.certificates", "ssl.keystore.certificate.chain"};

    /* kc_client_conf_apply refuses them for librdkafka too: a trust
     * store silently left out would only show as a failed handshake */
    for (size_t i = 0; i < KC_ARRAY_LEN(java_stores); i++) {
        if (kc_props_get(props, java_stores[i]) != NULL) {
            *key = java_stores[i];
            return kc_error_set(err, KC_ERR_UNSUPPORTED,
                                "invalid config \"%s\": not supported by "
                                "kconnect (Java key stores); use "
                                "ssl.ca.location, ssl.certificate.location "
                                "and ssl.key.location with PEM files",
                                *key);
        }
    }
    /* Java's default is https, an empty value turns the check off;
     * librdkafka spells "off" as none */
    *key = "ssl.endpoint.identification.algorithm";
    if (algo == NULL || kc_str_eq_nocase(algo, "https")) {
        sec->verify_host = true;
    } else if (algo[0] != '\0' && !kc_str_eq_nocase(algo, "none")) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid config \"%s\": \"%s\" is not an "
                            "endpoint identification algorithm (https, none "
                            "or empty)",
                            *key, algo);
    }
    if (gnutls_certificate_allocate_credentials(&sec->cred) < 0) {
        sec->cred = NULL;
        return kc_error_set(err, KC_ERR, "no memory for TLS");
    }
    if (ca_pem != NULL) {
        gnutls_datum_t d = {(unsigned char *)ca_pem, (unsigned)strlen(ca_pem)};

        *key = "ssl.ca.pem";
        rc = gnutls_certificate_set_x509_trust_mem(sec->cred, &d,
                                                   GNUTLS_X509_FMT_PEM);
        if (rc <= 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid config \"%s\": no PEM CA "
                                "certificate in it%s%s",
                                *key, rc < 0 ? ": " : "",
                                rc < 0 ? gnutls_strerror(rc) : "");
        }
    }
    *key = "ssl.ca.location";
    if (ca_pem != NULL) {
        /* loaded above */
    } else if (ca == NULL) {
        rc = gnutls_certificate_set_x509_system_trust(sec->cred);
        if (rc < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "the system's trust store could not be "
                                "loaded (%s); set ssl.ca.location",
                                gnutls_strerror(rc));
        }
    } else {
        if (stat(ca, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = gnutls_certificate_set_x509_trust_dir(sec->cred, ca,
                                                       GNUTLS_X509_FMT_PEM);
        } else {
            rc = gnutls_certificate_set_x509_trust_file(sec->cred, ca,
                                                        GNUTLS_X509_FMT_PEM);
        }
        if (rc <= 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid config \"%s\": no CA certificate "
                                "could be read from \"%s\"%s%s",
                                *key, ca, rc < 0 ? ": " : "",
                                rc < 0 ? gnutls_strerror(rc) : "");
        }
    }
    if (cert_pem != NULL || key_pem != NULL) {
        gnutls_datum_t c = {(unsigned char *)(cert_pem ? cert_pem : ""),
                            (unsigned)strlen(cert_pem ? cert_pem : "")};
        gnutls_datum_t k = {(unsigned char *)(key_pem ? key_pem : ""),
                            (unsigned)strlen(key_pem ? key_pem : "")};

        *key = cert_pem == NULL ? "ssl.certificate.pem" : "ssl.key.pem";
        rc = gnutls_certificate_set_x509_key_mem2(sec->cred, &c, &k,
                                                  GNUTLS_X509_FMT_PEM, pass, 0);
        if (rc < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid config \"%s\": the client "
                                "certificate and key (ssl.certificate.pem, "
                                "ssl.key.pem) could not be loaded: %s",
                                *key, gnutls_strerror(rc));
        }
        return KC_OK;
    }
    if ((cert == NULL) != (pkey == NULL)) {
        *key = cert == NULL ? "ssl.certificate.location" : "ssl.key.location";
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid config \"%s\": a client certificate "
                            "needs both ssl.certificate.location and "
                            "ssl.key.location",
                            *key);
    }
    if (cert != NULL) {
        *key = "ssl.key.location";
        rc = gnutls_certificate_set_x509_key_file2(
            sec->cred, cert, pkey, GNUTLS_X509_FMT_PEM, pass, 0);
        if (rc < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid config \"%s\": the client "
                                "certificate \"%s\" with key \"%s\" could not "
                                "be loaded: %s",
                                *key, cert, pkey, gnutls_strerror(rc));
        }
    }
    return KC_OK;
}

static kc_err_t kc_gs_load_sasl(kc_group_security_t *sec,
                                const kc_props_t *props, const char **key,
                                kc_error_t *err)
{
    const char *mech = kc_props_get(props, "sasl.mechanism");
    const char *jaas = kc_props_get(props, "sasl.jaas.config");
    char user[256];
    char pass[256];
    int rc;

    *key = "sasl.mechanism";
    if (mech == NULL) {
        /* librdkafka's spelling, which the worker passes on as well */
        mech = kc_props_get(props, "sasl.mechanisms");
        if (mech != NULL) {
            *key = "sasl.mechanisms";
        }
    }
    if (mech == NULL) {
        mech = "GSSAPI"; /* Apache's default */
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(kc_gs_mechanisms); i++) {
        if (strcmp(mech, kc_gs_mechanisms[i]) == 0) {
            sec->mechanism = kc_gs_mechanisms[i];
        }
    }
    if (sec->mechanism == NULL) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "invalid config \"%s\": SASL mechanism %s is not "
                            "supported by kconnect's group client (PLAIN, "
                            "SCRAM-SHA-256 and SCRAM-SHA-512 are)",
                            *key, mech);
    }
    *key = "sasl.jaas.config";
    if (jaas != NULL) {
        kc_client_jaas_value(jaas, "username", user, sizeof(user));
        kc_client_jaas_value(jaas, "password", pass, sizeof(pass));
    } else {
        const char *u = kc_props_get(props, "sasl.username");
        const char *p = kc_props_get(props, "sasl.password");

        snprintf(user, sizeof(user), "%s", u != NULL ? u : "");
        snprintf(pass, sizeof(pass), "%s", p != NULL ? p : "");
    }
    if (user[0] == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid config \"%s\": SASL %s needs a login "
                            "module with username=\"...\" password=\"...\"",
                            *key, sec->mechanism);
    }
    sec->username = kc_strdup(user);
    sec->password = kc_strdup(pass);
    rc = gsasl_init(&sec->gsasl);
    if (rc != GSASL_OK) {
        sec->gsasl = NULL;
        return kc_error_set(err, KC_ERR_INVALID, "libgsasl: %s",
                            gsasl_strerror(rc));
    }
    *key = "sasl.mechanism";
    sec->own_scram = !gsasl_client_support_p(sec->gsasl, sec->mechanism) &&
                     kc_scram_supports(sec->mechanism);
    if (!sec->own_scram &&
        !gsasl_client_support_p(sec->gsasl, sec->mechanism)) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "invalid config \"%s\": this libgsasl has no %s",
                            *key, sec->mechanism);
    }
    return KC_OK;
}

/* The ssl.* and sasl.* keys the group client applies; any other one the
 * worker hands its Kafka clients (ssl.cipher.suites, ssl.curves.list,
 * sasl.oauthbearer.*, ...) would be silently ignored here, so it is
 * refused instead. */
static const char *const kc_gs_known_keys[] = {
    "ssl.ca.location",  "ssl.certificate.location",
    "ssl.key.location", "ssl.key.password",
    "ssl.ca.pem",       "ssl.certificate.pem",
    "ssl.key.pem",      "ssl.endpoint.identification.algorithm",
    "sasl.mechanism",   "sasl.mechanisms",
    "sasl.jaas.config", "sasl.username",
    "sasl.password",
};

static kc_err_t kc_gs_check_unknown(const kc_group_security_t *sec,
                                    const kc_props_t *props, const char **key,
                                    kc_error_t *err)
{
    bool sasl = strncmp(sec->protocol, "SASL_", 5) == 0;

    for (size_t i = 0; props != NULL && i < kc_props_count(props); i++) {
        const char *k = kc_props_key_at(props, i);
        bool known = false;

        /* settings of a layer the protocol does not use do not matter */
        if (!((sec->tls && strncmp(k, "ssl.", 4) == 0) ||
              (sasl && strncmp(k, "sasl.", 5) == 0))) {
            continue;
        }
        for (size_t j = 0; j < KC_ARRAY_LEN(kc_gs_known_keys); j++) {
            known = known || strcmp(k, kc_gs_known_keys[j]) == 0;
        }
        if (!known) {
            *key = k;
            return kc_error_set(err, KC_ERR_UNSUPPORTED,
                                "invalid config \"%s\": not supported by "
                                "kconnect's group client (distributed mode), "
                                "which would otherwise ignore it; remove it "
                                "or run the worker in standalone mode",
                                k);
        }
    }
    return KC_OK;
}

kc_group_security_t *kc_group_security_new(const kc_props_t *props,
                                           const char **bad_key,
                                           kc_error_t *err)
{
    kc_group_security_t *sec = kc_calloc(1, sizeof(*sec));
    const char *proto =
        props != NULL ? kc_props_get(props, "security.protocol") : NULL;
    const char *key = "security.protocol";

    sec->protocol = proto == NULL ? kc_gs_protocols[0] : NULL;
    for (size_t i = 0; proto != NULL && i < KC_ARRAY_LEN(kc_gs_protocols);
         i++) {
        if (kc_str_eq_nocase(proto, kc_gs_protocols[i])) {
            sec->protocol = kc_gs_protocols[i];
        }
    }
    if (sec->protocol == NULL) {
        kc_error_set(err, KC_ERR_INVALID,
                     "invalid config \"%s\": \"%s\" is not one of PLAINTEXT, "
                     "SSL, SASL_PLAINTEXT, SASL_SSL",
                     key, proto);
        return kc_gs_fail(sec, bad_key, key);
    }
    sec->tls = strstr(sec->protocol, "SSL") != NULL;
    /* the mechanism first: an unusable one is the message that matters */
    if (strncmp(sec->protocol, "SASL_", 5) == 0 &&
        kc_gs_load_sasl(sec, props, &key, err) != KC_OK) {
        return kc_gs_fail(sec, bad_key, key);
    }
    if (sec->tls && kc_gs_load_tls(sec, props, &key, err) != KC_OK) {
        return kc_gs_fail(sec, bad_key, key);
    }
    if (kc_gs_check_unknown(sec, props, &key, err) != KC_OK) {
        return kc_gs_fail(sec, bad_key, key);
    }
    return sec;
}

void kc_group_security_destroy(kc_group_security_t *sec)
{
    if (sec == NULL) {
        return;
    }
    if (sec->cred != NULL) {
        gnutls_certificate_free_credentials(sec->cred);
    }
    if (sec->gsasl != NULL) {
        gsasl_done(sec->gsasl);
    }
    kc_free(sec->username);
    if (sec->password != NULL) {
        explicit_bzero(sec->password, strlen(sec->password));
    }
    kc_free(sec->password);
    kc_free(sec);
}

const char *kc_group_security_protocol(const kc_group_security_t *sec)
{
    return sec != NULL ? sec->protocol : "PLAINTEXT";
}

bool kc_group_security_uses_tls(const kc_group_security_t *sec)
{
    return sec != NULL && sec->tls;
}

const char *kc_group_security_mechanism(const kc_group_security_t *sec)
{
    return sec != NULL ? sec->mechanism : NULL;
}

/* Why the broker's certificate was refused, for the message. */
static void kc_gs_verify_reason(gnutls_session_t s, char *out, size_t size)
{
    gnutls_datum_t txt = {NULL, 0};
    unsigned status = gnutls_session_get_verify_cert_status(s);

    out[0] = '\0';
    if (status != 0 && gnutls_certificate_verification_status_print(
                           status, GNUTLS_CRT_X509, &txt, 0) == 0) {
        size_t n;

        snprintf(out, size, " (%s", (const char *)txt.data);
        gnutls_free(txt.data);
        n = strlen(out);
        while (n > 0 && out[n - 1] == ' ') {
            out[--n] = '\0';
        }
        snprintf(out + n, size - n, ")");
    }
}

kc_err_t kc_group_security_tls_open(const kc_group_security_t *sec, int fd,
                                    const char *host, int port, int timeout_ms,
                                    gnutls_session_t *out, kc_error_t *err)
{
    gnutls_session_t s;
    unsigned char addr[16];
    int64_t deadline = kc_clock_now_ms() + timeout_ms;
    bool is_ip = inet_pton(AF_INET, host, addr) == 1 ||
                 inet_pton(AF_INET6, host, addr) == 1;
    int rc;

    *out = NULL;
    rc = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
    if (rc < 0) {
        return kc_error_set(err, KC_ERR, "TLS: %s", gnutls_strerror(rc));
    }
    rc = gnutls_set_default_priority(s);
    if (rc >= 0) {
        rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, sec->cred);
    }
    if (rc >= 0 && !is_ip) {
        /* SNI takes names only (RFC 6066) */
        rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
    }
    if (rc < 0) {
        gnutls_deinit(s);
        return kc_error_set(err, KC_ERR_INVALID, "TLS setup for %s: %s", host,
                            gnutls_strerror(rc));
    }
    /* the chain is always checked, the name only when asked for */
    gnutls_session_set_verify_cert(s, sec->verify_host ? host : NULL, 0);
    gnutls_transport_set_int(s, fd);
    for (;;) {
        struct pollfd p = {fd, 0, 0};
        int left;

        rc = gnutls_handshake(s);
        if (rc >= 0) {
            break;
        }
        if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED) {
            char why[512];

            why[0] = '\0';
            if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
                kc_gs_verify_reason(s, why, sizeof(why));
            }
            kc_error_set(err, KC_ERR_IO,
                         "TLS handshake with broker %s:%d failed: %s%s", host,
                         port, gnutls_strerror(rc), why);
            gnutls_deinit(s);
            return err->code;
        }
        left = (int)(deadline - kc_clock_now_ms());
        p.events = gnutls_record_get_direction(s) ? POLLOUT : POLLIN;
        if (left <= 0 || poll(&p, 1, left) == 0) {
            gnutls_deinit(s);
            return kc_error_set(err, KC_ERR_TIMEOUT,
                                "no TLS handshake with broker %s:%d within %d "
                                "ms",
                                host, port, timeout_ms);
        }
    }
    *out = s;
    return KC_OK;
}

kc_err_t kc_group_security_sasl_start(const kc_group_security_t *sec,
                                      kc_group_sasl_t **out, kc_error_t *err)
{
    kc_group_sasl_t *s = kc_calloc(1, sizeof(*s));
    int rc = GSASL_OK;

    s->mechanism = sec->mechanism;
    *out = NULL;
    if (sec->own_scram) {
        s->scram =
            kc_scram_new(sec->mechanism, sec->username, sec->password, NULL);
        if (s->scram == NULL) {
            kc_free(s);
            return kc_error_set(err, KC_ERR, "SASL %s: no client nonce",
                                sec->mechanism);
        }
        *out = s;
        return KC_OK;
    }
    rc = gsasl_client_start(sec->gsasl, sec->mechanism, &s->gs);
    if (rc == GSASL_OK) {
        rc = gsasl_property_set(s->gs, GSASL_AUTHID, sec->username);
    }
    if (rc == GSASL_OK) {
        rc = gsasl_property_set(s->gs, GSASL_PASSWORD, sec->password);
    }
    if (rc != GSASL_OK) {
        kc_group_sasl_destroy(s);
        return kc_error_set(err, KC_ERR_INVALID, "SASL %s: %s", sec->mechanism,
                            gsasl_strerror(rc));
    }
    *out = s;
    return KC_OK;
}

kc_err_t kc_group_sasl_step(kc_group_sasl_t *s, const uint8_t *in,
                            size_t in_len, uint8_t **out, size_t *out_len,
                            kc_error_t *err)
{
    char *tok = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    *out_len = 0;
    if (s->scram != NULL) {
        kc_err_t krc = kc_scram_step(s->scram, in, in_len, &tok, &len, err);

        *out = (uint8_t *)tok;
        *out_len = len;
        return krc;
    }
    rc = gsasl_step(s->gs, (const char *)in, in_len, &tok, &len);
    if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
        gsasl_free(tok);
        return kc_error_set(err, KC_ERR_INVALID, "%s", gsasl_strerror(rc));
    }
    if (tok != NULL) {
        /* one allocator for the caller, whichever client made it */
        *out = kc_malloc(len + 1);
        memcpy(*out, tok, len);
        *out_len = len;
        gsasl_free(tok);
    }
    return rc == GSASL_OK ? KC_OK : KC_AGAIN;
}

void kc_group_sasl_destroy(kc_group_sasl_t *s)
{
    if (s == NULL) {
        return;
    }
    if (s->gs != NULL) {
        gsasl_finish(s->gs);
    }
    kc_scram_destroy(s->scram);
    kc_free(s);
}
