/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Worker-to-worker HTTP calls on libcurl. One CURLSH shares the
 * connection cache, DNS cache and TLS sessions of every call, so calls to
 * the same leader reuse a connection; each call takes its own easy handle
 * (cheap) so calls run concurrently without a pool to manage.
 */
#include "kc_internal.h"

#include "rest/kc_rest_client.h"
#include "rest/kc_rest_tls.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct kc_rest_client {
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    size_t max_response;
    kc_props_t *ssl; /* the https client settings (copied), or NULL */
    const char *ssl_prefix;
    /* Loaded on the first https call, under tls_lock. libcurl's GnuTLS
     * backend takes certificates only from files, so the PEMs the key
     * and trust stores were turned into are written to a private
     * directory (0700) removed by kc_rest_client_destroy. */
    pthread_mutex_t tls_lock;
    pthread_mutex_t init_lock; /* guards share's creation */
    bool tls_loaded;
    kc_err_t tls_rc;
    kc_error_t tls_err;
    char *tls_dir;
    char *ca_file;
    char *cert_file;
    char *key_file;
    char *priorities;
    bool verify_host;
};

static pthread_once_t kc_curl_once = PTHREAD_ONCE_INIT;
static CURLcode kc_curl_init_rc;

static void kc_curl_global_init(void)
{
    kc_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void kc_share_lock(CURL *handle, curl_lock_data data,
                          curl_lock_access access, void *opaque)
{
    kc_rest_client_t *c = opaque;

    (void)handle;
    (void)access;
    pthread_mutex_lock(&c->share_locks[data]);
}

static void kc_share_unlock(CURL *handle, curl_lock_data data, void *opaque)
{
    kc_rest_client_t *c = opaque;

    (void)handle;
    pthread_mutex_unlock(&c->share_locks[data]);
}

kc_rest_client_t *kc_rest_client_new(const kc_props_t *worker,
                                     size_t max_response, kc_error_t *err)
{
    kc_rest_client_t *c = kc_calloc(1, sizeof(*c));

    (void)err;
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        pthread_mutex_init(&c->share_locks[i], NULL);
    }
    pthread_mutex_init(&c->tls_lock, NULL);
    pthread_mutex_init(&c->init_lock, NULL);
    c->max_response =
        max_response != 0 ? max_response : KC_REST_CLIENT_MAX_RESPONSE;
    if (worker != NULL) {
        c->ssl =
            kc_rest_tls_settings(worker, "listeners.https.", &c->ssl_prefix);
    }
    return c;
}

/*
 * libcurl is set up on the first call, not with the client: a standalone
 * worker (which never forwards) does not pay for it.
 */
static kc_err_t kc_client_ready(kc_rest_client_t *c, kc_error_t *err)
{
    kc_err_t rc = KC_OK;

    pthread_once(&kc_curl_once, kc_curl_global_init);
    if (kc_curl_init_rc != CURLE_OK) {
        return kc_error_set(err, KC_ERR_IO, "could not initialise libcurl: %s",
                            curl_easy_strerror(kc_curl_init_rc));
    }
    pthread_mutex_lock(&c->init_lock);
    if (c->share == NULL) {
        c->share = curl_share_init();
        if (c->share == NULL) {
            rc = kc_error_set(err, KC_ERR_IO,
                              "could not create a libcurl share");
        } else {
            curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, kc_share_lock);
            curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, kc_share_unlock);
            curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
            curl_share_setopt(c->share, CURLSHOPT_SHARE,
                              CURL_LOCK_DATA_CONNECT);
            curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
            curl_share_setopt(c->share, CURLSHOPT_SHARE,
                              CURL_LOCK_DATA_SSL_SESSION);
        }
    }
    pthread_mutex_unlock(&c->init_lock);
    return rc;
}

static void kc_unlink_free(char *path)
{
    if (path != NULL) {
        unlink(path);
        kc_free(path);
    }
}

void kc_rest_client_destroy(kc_rest_client_t *c)
{
    if (c == NULL) {
        return;
    }
    if (c->share != NULL) {
        curl_share_cleanup(c->share);
    }
    kc_unlink_free(c->ca_file);
    kc_unlink_free(c->cert_file);
    kc_unlink_free(c->key_file);
    if (c->tls_dir != NULL) {
        rmdir(c->tls_dir);
        kc_free(c->tls_dir);
    }
    kc_free(c->priorities);
    kc_props_destroy(c->ssl);
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        pthread_mutex_destroy(&c->share_locks[i]);
    }
    pthread_mutex_destroy(&c->tls_lock);
    pthread_mutex_destroy(&c->init_lock);
    kc_free(c);
}

void kc_rest_reply_release(kc_rest_reply_t *reply)
{
    kc_free(reply->body);
    kc_free(reply->content_type);
    memset(reply, 0, sizeof(*reply));
}

/* ---- https settings ------------------------------------------------------ */

static char *kc_write_pem(kc_rest_client_t *c, const char *name,
                          const char *pem, kc_error_t *err)
{
    char *path = kc_asprintf("%s/%s", c->tls_dir, name);
    size_t len = strlen(pem);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0 || write(fd, pem, len) != (ssize_t)len) {
        kc_error_set(err, KC_ERR_IO, "could not write %s: %s", path,
                     strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        kc_unlink_free(path);
        return NULL;
    }
    close(fd);
    return path;
}

static kc_err_t kc_tls_prepare(kc_rest_client_t *c, kc_error_t *err)
{
    kc_rest_tls_t tls;
    const char *tmp = getenv("TMPDIR");
    const char *eia;
    char *dir;

    if (c->ssl == NULL) {
        return KC_OK; /* no worker config: libcurl's defaults */
    }
    if (kc_rest_tls_load_client(c->ssl, c->ssl_prefix, &tls, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    eia = kc_props_get(c->ssl, "ssl.endpoint.identification.algorithm");
    /* Apache's default "https" checks the host name; "" turns it off. */
    c->verify_host = eia == NULL || strcasecmp(eia, "https") == 0;
    c->priorities = tls.priorities;
    tls.priorities = NULL;
    dir = kc_asprintf("%s/kconnect-rest-client-XXXXXX",
                      tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        kc_error_set(err, KC_ERR_IO, "could not create %s: %s", dir,
                     strerror(errno));
        kc_free(dir);
        kc_rest_tls_release(&tls);
        return KC_ERR_IO;
    }
    c->tls_dir = dir;
    if ((tls.trust_pem != NULL &&
         (c->ca_file = kc_write_pem(c, "trust.pem", tls.trust_pem, err)) ==
             NULL) ||
        (tls.cert_pem != NULL &&
         (c->cert_file = kc_write_pem(c, "cert.pem", tls.cert_pem, err)) ==
             NULL) ||
        (tls.key_pem != NULL &&
         (c->key_file = kc_write_pem(c, "key.pem", tls.key_pem, err)) ==
             NULL)) {
        kc_rest_tls_release(&tls);
        return KC_ERR_IO;
    }
    kc_rest_tls_release(&tls);
    return KC_OK;
}

/* Load the https settings once; every later call gets the same answer. */
static kc_err_t kc_tls_ready(kc_rest_client_t *c, kc_error_t *err)
{
    kc_err_t rc;

    pthread_mutex_lock(&c->tls_lock);
    if (!c->tls_loaded) {
        kc_error_clear(&c->tls_err);
        c->tls_rc = kc_tls_prepare(c, &c->tls_err);
        c->tls_loaded = true;
    }
    rc = c->tls_rc;
    if (rc != KC_OK) {
        *err = c->tls_err;
    }
    pthread_mutex_unlock(&c->tls_lock);
    return rc;
}

/* ---- one call ------------------------------------------------------------ */

typedef struct kc_call {
    kc_rest_client_t *c;
    kc_buf_t body;
    char *content_type;
    bool too_large;
} kc_call_t;

static size_t kc_on_data(char *ptr, size_t size, size_t n, void *opaque)
{
    kc_call_t *call = opaque;
    size_t len = size * n;

    if (kc_buf_append(&call->body, ptr, len) != KC_OK) {
        call->too_large = true;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    return len;
}

static size_t kc_on_header(char *line, size_t size, size_t n, void *opaque)
{
    kc_call_t *call = opaque;
    size_t len = size * n;
    static const char name[] = "content-type:";
    size_t nl = sizeof(name) - 1;

    if (len > nl && strncasecmp(line, name, nl) == 0) {
        const char *v = line + nl;
        const char *e = line + len;

        while (v < e && (*v == ' ' || *v == '\t')) {
            v++;
        }
        while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ')) {
            e--;
        }
        kc_free(call->content_type);
        call->content_type = kc_strndup(v, (size_t)(e - v));
    }
    return len;
}

static bool kc_is_http_url(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 ||
           strncasecmp(url, "https://", 8) == 0;
}

kc_err_t kc_rest_client_call(kc_rest_client_t *c, const char *method,
                             const char *url, const char *body, size_t body_len,
                             const char *const *headers, size_t nheaders,
                             int64_t timeout_ms, kc_rest_reply_t *reply,
                             kc_error_t *err)
{
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *hdrs = NULL;
    struct curl_slist *tmp;
    kc_call_t call;
    CURL *e;
    CURLcode cc;
    long status = 0;
    kc_err_t rc = KC_OK;
    bool https = strncasecmp(url, "https://", 8) == 0;

    memset(reply, 0, sizeof(*reply));
    if (!kc_is_http_url(url)) {
        return kc_error_set(err, KC_ERR_INVALID, "not an http or https URL: %s",
                            url);
    }
    if (kc_client_ready(c, err) != KC_OK) {
        return KC_ERR_IO;
    }
    if (https && kc_tls_ready(c, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    e = curl_easy_init();
    if (e == NULL) {
        return kc_error_set(err, KC_ERR_IO,
                            "could not create a libcurl handle");
    }
    memset(&call, 0, sizeof(call));
    call.c = c;
    kc_buf_init(&call.body, c->max_response);
    errbuf[0] = '\0';

    /* As Apache's RestClient: JSON in and out, its user agent. */
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    if (body != NULL) {
        tmp = curl_slist_append(hdrs, "Content-Type: application/json");
        hdrs = tmp != NULL ? tmp : hdrs;
    }
    /* No "Expect: 100-continue" round trip before a body. */
    tmp = curl_slist_append(hdrs, "Expect:");
    hdrs = tmp != NULL ? tmp : hdrs;
    for (size_t i = 0; i < nheaders; i++) {
        tmp = curl_slist_append(hdrs, headers[i]);
        hdrs = tmp != NULL ? tmp : hdrs;
    }
    curl_easy_setopt(e, CURLOPT_SHARE, c->share);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "kafka-connect");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     (long)(timeout_ms > 0 ? timeout_ms : 1));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, kc_on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, kc_on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &call);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body != NULL) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (https) {
        if (c->ca_file != NULL) {
            curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
        }
        if (c->cert_file != NULL && c->key_file != NULL) {
            curl_easy_setopt(e, CURLOPT_SSLCERT, c->cert_file);
            curl_easy_setopt(e, CURLOPT_SSLKEY, c->key_file);
        }
        if (c->priorities != NULL) {
            curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST, c->priorities);
        }
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->verify_host ? 2L : 0L);
    }

    cc = curl_easy_perform(e);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        reply->status = (int)status;
        reply->body = kc_buf_detach(&call.body, &reply->body_len);
        if (reply->body == NULL) {
            reply->body = kc_strdup("");
        }
        reply->content_type = call.content_type;
        call.content_type = NULL;
    } else if (call.too_large) {
        rc = kc_error_set(err, KC_ERR_IO,
                          "the response from %s exceeds %zu bytes", url,
                          c->max_response);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "no response from %s within %lld ms", url,
                          (long long)timeout_ms);
    } else {
        rc = kc_error_set(err, KC_ERR_IO, "%s %s: %s", method, url,
                          errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
    }
    kc_buf_release(&call.body);
    kc_free(call.content_type);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(e);
    return rc;
}
