/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST server: libmicrohttpd daemons (one per listener) in front of
 * kc_rest_route. Each daemon serves its connections from a small pool of
 * epoll threads, so idle connections cost a file descriptor and no thread,
 * and descriptors above FD_SETSIZE work. Route handlers block (a herder
 * call waits up to 90 s, an offsets read waits on the broker), so they
 * never run on those threads: the connection is suspended, the handler
 * runs on the server's handler pool, and the connection is resumed with
 * the response (see docs/architecture.md).
 */
#include "kc_internal.h"

#include "rest/kc_rest_auth.h"
#include "rest/kc_rest_gate.h"
#include "rest/kc_rest_headers.h"
#include "rest/kc_rest_routes.h"
#include "rest/kc_rest_client.h"
#include "rest/kc_rest_server.h"
#include "rest/kc_rest_tls.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KC_REST_LOGGER        "org.apache.kafka.connect.runtime.rest.RestServer"
#define KC_REST_MAX_LISTENERS 8
/* Request bodies (connector configs) larger than this are refused. */
#define KC_REST_MAX_BODY (16u * 1024u * 1024u)
/* epoll threads per listener: they only move bytes, handlers run apart. */
#define KC_REST_IO_THREADS 2
/*
 * At most this many handlers run at once (Jetty's default maxThreads, the
 * bound of Apache's REST server); more requests wait in the queue. Threads
 * start on demand, so an idle worker has none.
 */
#define KC_REST_MAX_HANDLERS 200
/* Descriptors kept for the rest of the process (files, broker sockets). */
#define KC_REST_FD_RESERVE 512

typedef struct kc_listener {
    char *host; /* "" = every interface */
    int port;
    bool https;
} kc_listener_t;

typedef struct kc_rest_daemon_ctx {
    struct kc_rest_server *srv;
    size_t index;
    kc_tls_client_auth_t client_auth; /* https listeners */
} kc_rest_daemon_ctx_t;

struct kc_rest_conn;

/*
 * The handler pool: requests whose connection is suspended, and the
 * threads that answer them.
 * @locks lock guards every field but threads[] past nthreads.
 */
typedef struct kc_rest_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct kc_rest_conn *head;
    struct kc_rest_conn *tail;
    size_t nthreads;
    size_t idle;
    size_t nqueued;
    bool stopping;
    pthread_t threads[KC_REST_MAX_HANDLERS];
} kc_rest_pool_t;

struct kc_rest_server {
    kc_herder_t *h;
    kc_rest_pool_t pool;
    struct MHD_Daemon *daemons[KC_REST_MAX_LISTENERS];
    /* The accept side of each plain-HTTP listener; NULL for https. */
    kc_rest_gate_t *gates[KC_REST_MAX_LISTENERS];
    kc_rest_options_t opts[KC_REST_MAX_LISTENERS];
    kc_rest_daemon_ctx_t ctx[KC_REST_MAX_LISTENERS];
    kc_rest_headers_t *headers; /* CORS and response.http.headers.config */
    kc_rest_mounts_t mounts;    /* rows added by kc_rest_server_mount */
    pthread_mutex_t mount_lock; /* serialises kc_rest_server_mount */
    size_t ndaemons;
    int port;
    char *url;
    /* Key material of the https listeners: libmicrohttpd borrows it. */
    kc_rest_tls_t tls;
    kc_rest_tls_t admin_tls;
    kc_rest_auth_t *auth;     /* basic authentication, or NULL */
    kc_rest_client_t *client; /* forwards to the leader (distributed) */
};

typedef struct kc_args {
    kc_rest_arg_t *items;
    size_t n;
} kc_args_t;

/*
 * One request: its body while it arrives, then (while the connection is
 * suspended) the copy of the request a handler thread answers.
 * @locality the connection's epoll thread, except req/resp/answered
 * while queued or handled (the connection is suspended then).
 */
typedef struct kc_rest_conn {
    kc_buf_t body;
    bool too_large;
    int64_t start_ms;
    /* set when handed to the pool */
    struct MHD_Connection *mhd;
    kc_rest_daemon_ctx_t *dctx;
    kc_rest_request_t req;
    char *method;
    char *path;
    char *content_type;
    char *host;
    char *authorization;
    char *signature;
    char *signature_algorithm;
    kc_args_t args;
    char *target; /* for the request log */
    kc_rest_response_t resp;
    bool answered; /* resp is ready; written before the resume */
    struct kc_rest_conn *next;
} kc_rest_conn_t;

/* ---- listeners --------------------------------------------------------- */

static void kc_listeners_free(kc_listener_t *ls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kc_free(ls[i].host);
    }
}

/*
 * Parse "http://host:port[, ...]" as Apache's listener regex
 * ^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+).
 */
static kc_err_t kc_listeners_parse(const char *key, const char *value,
                                   kc_listener_t *ls, size_t *n,
                                   kc_error_t *err)
{
    const char *p = value;

    *n = 0;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char *item;
        char *s;
        char *e;
        char *sep;
        char *colon;
        long port;

        while (len > 0 && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len > 0 && isspace((unsigned char)p[len - 1])) {
            len--;
        }
        if (len == 0) {
            p = end != NULL ? end + 1 : p + strlen(p);
            continue;
        }
        item = kc_strndup(p, len);
        sep = strstr(item, "://");
        if (sep == NULL) {
            kc_error_set(err, KC_ERR_INVALID,
                         "invalid %s \"%s\": expected "
                         "http://host:port",
                         key, item);
            kc_free(item);
            kc_listeners_free(ls, *n);
            return KC_ERR_INVALID;
        }
        *sep = '\0';
        if (strcasecmp(item, "http") != 0 && strcasecmp(item, "https") != 0) {
            kc_error_set(err, KC_ERR_UNSUPPORTED,
                         "invalid %s \"%s://...\": only http and https "
                         "listeners are supported",
                         key, item);
            kc_free(item);
            kc_listeners_free(ls, *n);
            return KC_ERR_UNSUPPORTED;
        }
        s = sep + 3;
        colon = strrchr(s, ':');
        port = colon != NULL ? strtol(colon + 1, &e, 10) : -1;
        if (colon == NULL || colon[1] == '\0' || *e != '\0' || port < 0 ||
            port > 65535) {
            kc_error_set(err, KC_ERR_INVALID,
                         "invalid %s \"%s\": expected http://host:port with "
                         "a port from 0 to 65535",
                         key, sep + 3);
            kc_free(item);
            kc_listeners_free(ls, *n);
            return KC_ERR_INVALID;
        }
        *colon = '\0';
        if (*s == '[' && colon > s && colon[-1] == ']') {
            colon[-1] = '\0';
            s++;
        }
        if (*n == KC_REST_MAX_LISTENERS) {
            kc_free(item);
            kc_listeners_free(ls, *n);
            return kc_error_set(err, KC_ERR_INVALID, "too many %s (at most %d)",
                                key, KC_REST_MAX_LISTENERS);
        }
        ls[*n].host = kc_strdup(s);
        ls[*n].port = (int)port;
        ls[*n].https = strcasecmp(item, "https") == 0;
        (*n)++;
        kc_free(item);
        p = end != NULL ? end + 1 : p + strlen(p);
    }
    return KC_OK;
}

/* ---- request handling -------------------------------------------------- */

/* Keep MHD from decoding: segments are decoded after the path is split,
 * so an encoded "/" stays inside a connector name. */
static size_t kc_rest_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    KC_UNUSED(cls);
    KC_UNUSED(c);
    return strlen(s);
}

static enum MHD_Result kc_collect_arg(void *cls, enum MHD_ValueKind kind,
                                      const char *key, const char *value)
{
    kc_args_t *args = cls;
    char *k;
    char *v;

    KC_UNUSED(kind);
    k = kc_rest_decode(key, strlen(key), true);
    v = value != NULL ? kc_rest_decode(value, strlen(value), true)
                      : kc_strdup("");
    if (k == NULL || v == NULL) {
        kc_free(k);
        kc_free(v);
        return MHD_YES;
    }
    args->items = kc_realloc(args->items, (args->n + 1) * sizeof(*args->items));
    args->items[args->n].key = k;
    args->items[args->n].value = v;
    args->n++;
    return MHD_YES;
}

static const char *kc_client_ip(struct MHD_Connection *conn, char *buf,
                                size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

    if (sa == NULL) {
        return "-";
    }
    if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
                  (socklen_t)size);
    } else {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
                  (socklen_t)size);
    }
    return buf;
}

/* One NCSA line per request, as Apache's RestServer request log. */
static void kc_log_request(struct MHD_Connection *conn, const char *method,
                           const char *url, const char *version, int status,
                           size_t len, int64_t start_ms)
{
    char ip[INET6_ADDRSTRLEN];
    char ts[64];
    const char *agent;
    time_t now;
    struct tm tm;
    char *safe[4];

    if (!kc_log_enabled(KC_LOG_INFO, KC_REST_LOGGER)) {
        return;
    }
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%d/%b/%Y:%H:%M:%S +0000", &tm);
    agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_USER_AGENT);
    /* Everything the client sent is escaped: one request, one line. */
    safe[0] = kc_str_escape_log(method);
    safe[1] = kc_str_escape_log(url);
    safe[2] = kc_str_escape_log(version);
    safe[3] = kc_str_escape_log(agent != NULL ? agent : "-");
    kc_log_info(
        KC_REST_LOGGER, "%s - - [%s] \"%s %s %s\" %d %zu \"-\" \"%s\" %lld",
        kc_client_ip(conn, ip, sizeof(ip)), ts, safe[0], safe[1], safe[2],
        status, len, safe[3], (long long)(kc_clock_now_ms() - start_ms));
    for (size_t i = 0; i < KC_ARRAY_LEN(safe); i++) {
        kc_free(safe[i]);
    }
}

/* The headers of one response, "set" rules replacing earlier ones. */
typedef struct kc_hdr_list {
    char *names[32];
    char *values[32];
    size_t n;
} kc_hdr_list_t;

static void kc_hdr_add(void *opaque, const char *name, const char *value,
                       bool replace)
{
    kc_hdr_list_t *l = opaque;

    if (replace) {
        for (size_t i = 0; i < l->n;) {
            if (strcasecmp(l->names[i], name) == 0) {
                kc_free(l->names[i]);
                kc_free(l->values[i]);
                l->names[i] = l->names[l->n - 1];
                l->values[i] = l->values[l->n - 1];
                l->n--;
            } else {
                i++;
            }
        }
    }
    if (l->n < KC_ARRAY_LEN(l->names)) {
        l->names[l->n] = kc_strdup(name);
        l->values[l->n] = kc_strdup(value);
        l->n++;
    }
}

/* The request target for the request log: path and query, decoded. */
static char *kc_request_target(const char *url, const kc_args_t *args)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    kc_buf_puts(&buf, url);
    for (size_t i = 0; i < args->n; i++) {
        kc_buf_printf(&buf, "%c%s=%s", i == 0 ? '?' : '&', args->items[i].key,
                      args->items[i].value);
    }
    return kc_buf_detach(&buf, NULL);
}

static enum MHD_Result kc_send(kc_rest_server_t *srv,
                               struct MHD_Connection *conn,
                               kc_rest_response_t *resp, const char *method,
                               const char *url, const char *version,
                               int64_t start_ms, bool preflight)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    const uint8_t *data;
    const char *content_type;
    size_t len;
    kc_hdr_list_t hdrs;

    memset(&hdrs, 0, sizeof(hdrs));
    data = kc_rest_response_serialize(resp, &len, &content_type);
    if (content_type != NULL) {
        kc_hdr_add(&hdrs, MHD_HTTP_HEADER_CONTENT_TYPE, content_type, true);
    }
    if (resp->location != NULL) {
        kc_hdr_add(&hdrs, MHD_HTTP_HEADER_LOCATION, resp->location, true);
    }
    if (resp->allow != NULL) {
        kc_hdr_add(&hdrs, MHD_HTTP_HEADER_ALLOW, resp->allow, true);
    }
    if (resp->www_authenticate != NULL) {
        kc_hdr_add(&hdrs, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                   resp->www_authenticate, true);
    }
    if (resp->cache_control != NULL) {
        kc_hdr_add(&hdrs, MHD_HTTP_HEADER_CACHE_CONTROL, resp->cache_control,
                   true);
    }
    kc_rest_headers_apply(
        srv->headers,
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"), preflight,
        kc_hdr_add, &hdrs);
    r = MHD_create_response_from_buffer(len, (void *)data,
                                        MHD_RESPMEM_MUST_COPY);
    for (size_t i = 0; i < hdrs.n; i++) {
        if (r != NULL) {
            MHD_add_response_header(r, hdrs.names[i], hdrs.values[i]);
        }
        kc_free(hdrs.names[i]);
        kc_free(hdrs.values[i]);
    }
    if (r == NULL) {
        return MHD_NO;
    }
    ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
    MHD_destroy_response(r);
    kc_log_request(conn, method, url, version, resp->status, len, start_ms);
    return ret;
}

/* A copy of request header @p name in *dst (NULL when absent). */
static void kc_copy_header(struct MHD_Connection *conn, const char *name,
                           char **dst)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    *dst = v != NULL ? kc_strdup(v) : NULL;
}

/* Free what the request of @p state holds; the body buffer stays. */
static void kc_rest_conn_clear(kc_rest_conn_t *state)
{
    for (size_t i = 0; i < state->args.n; i++) {
        kc_free((char *)state->args.items[i].key);
        kc_free((char *)state->args.items[i].value);
    }
    kc_free(state->args.items);
    state->args.items = NULL;
    state->args.n = 0;
    kc_free(state->target);
    kc_free(state->method);
    kc_free(state->path);
    kc_free(state->content_type);
    kc_free(state->host);
    kc_free(state->authorization);
    kc_free(state->signature);
    kc_free(state->signature_algorithm);
    state->authorization = NULL;
    state->signature = NULL;
    state->signature_algorithm = NULL;
    state->target = NULL;
    state->method = NULL;
    state->path = NULL;
    state->content_type = NULL;
    state->host = NULL;
    kc_rest_response_release(&state->resp);
    memset(&state->resp, 0, sizeof(state->resp));
    state->answered = false;
}

/*
 * A handler thread: answer queued requests until the pool stops and the
 * queue is empty.
 */
static void *kc_rest_handler_main(void *arg)
{
    kc_rest_pool_t *pool = arg;

    kc_log_set_context(NULL);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        kc_rest_conn_t *state;
        kc_rest_server_t *srv;

        while (pool->head == NULL && !pool->stopping) {
            pool->idle++;
            pthread_cond_wait(&pool->wake, &pool->lock);
            pool->idle--;
        }
        state = pool->head;
        if (state == NULL) {
            break;
        }
        pool->head = state->next;
        if (pool->head == NULL) {
            pool->tail = NULL;
        }
        pool->nqueued--;
        pthread_mutex_unlock(&pool->lock);
        srv = state->dctx->srv;
        kc_rest_route(srv->h, &srv->opts[state->dctx->index], &state->req,
                      &state->resp);
        /* MHD's resume takes its own lock, which the epoll thread takes
         * before it reads the answer: that orders these writes. */
        state->answered = true;
        MHD_resume_connection(state->mhd);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/*
 * Suspend @p state's connection and queue it for a handler thread,
 * starting one when none is free. False when the pool is stopping
 * (*stopping is set) or no thread exists and none could start: then the
 * caller answers itself.
 * @locality an epoll thread (MHD allows suspending only there).
 */
static bool kc_rest_pool_submit(kc_rest_pool_t *pool, kc_rest_conn_t *state,
                                bool *stopping)
{
    pthread_mutex_lock(&pool->lock);
    *stopping = pool->stopping;
    if (pool->stopping) {
        pthread_mutex_unlock(&pool->lock);
        return false;
    }
    if (pool->idle <= pool->nqueued && pool->nthreads < KC_REST_MAX_HANDLERS) {
        int rc = pthread_create(&pool->threads[pool->nthreads], NULL,
                                kc_rest_handler_main, pool);

        if (rc == 0) {
            pool->nthreads++;
        } else {
            kc_log_warn(KC_REST_LOGGER,
                        "could not start a REST handler thread: %s",
                        strerror(rc));
            if (pool->nthreads == 0) {
                pthread_mutex_unlock(&pool->lock);
                return false;
            }
        }
    }
    MHD_suspend_connection(state->mhd);
    state->next = NULL;
    if (pool->tail != NULL) {
        pool->tail->next = state;
    } else {
        pool->head = state;
    }
    pool->tail = state;
    pool->nqueued++;
    pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    return true;
}

static void kc_rest_pool_init(kc_rest_pool_t *pool)
{
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
}

/* Answer what is queued, then end the handler threads. */
static void kc_rest_pool_stop(kc_rest_pool_t *pool)
{
    size_t n;

    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->wake);
    n = pool->nthreads;
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 0; i < n; i++) {
        pthread_join(pool->threads[i], NULL);
    }
}

static enum MHD_Result kc_count_host(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    KC_UNUSED(kind);
    KC_UNUSED(value);
    if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
        (*(int *)cls)++;
    }
    return MHD_YES;
}

/* Jetty's answer to a request it refuses before any resource sees it. */
static void kc_jetty_error(kc_rest_response_t *resp, int status,
                           const char *reason)
{
    kc_buf_t html;

    kc_buf_init(&html, 0);
    kc_buf_printf(&html,
                  "<html>\n<head>\n<title>Error %d %s</title>\n</head>\n"
                  "<body>\n<h2>HTTP ERROR %d %s</h2>\n</body>\n</html>\n",
                  status, reason, status, reason);
    kc_rest_response_set_data(resp, status, "text/html;charset=iso-8859-1",
                              html.data, html.len);
    kc_buf_release(&html);
}

/*
 * What Jetty checks of the request line and Host before routing: an
 * HTTP/1.1 request needs exactly one Host header, and an absolute-form
 * target ("GET http://host:port/connectors") must name the same authority
 * as Host; its path is then what is routed. Returns false with the 400 in
 * @p resp; otherwise *path is the path to route (borrowed from @p url).
 */
static bool kc_http_checks(struct MHD_Connection *conn, const char *url,
                           const char *version, kc_rest_response_t *resp,
                           const char **path)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_HOST);
    int hosts = 0;
    size_t scheme = 0;

    *path = url;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, kc_count_host, &hosts);
    if (hosts > 1) {
        kc_jetty_error(resp, 400, "Duplicate Host Header");
        return false;
    }
    if (hosts == 0 && strcmp(version, MHD_HTTP_VERSION_1_1) == 0) {
        kc_jetty_error(resp, 400, "No Host");
        return false;
    }
    if (strncasecmp(url, "http://", 7) == 0) {
        scheme = 7;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        scheme = 8;
    }
    if (scheme > 0) {
        const char *auth = url + scheme;
        const char *slash = strchr(auth, '/');
        size_t alen = slash != NULL ? (size_t)(slash - auth) : strlen(auth);

        if (host != NULL &&
            (strlen(host) != alen || strncmp(host, auth, alen) != 0)) {
            kc_jetty_error(resp, 400, "Authority!=Host");
            return false;
        }
        *path = slash != NULL ? slash : "/";
    }
    return true;
}

/*
 * Whether basic authentication refuses the request. As Apache's filter,
 * which Jersey runs once a resource matched: a path no route serves is
 * still a 404 (405 for another method), credentials or not.
 */
static bool kc_rest_denied(kc_rest_daemon_ctx_t *dctx,
                           struct MHD_Connection *conn, const char *method,
                           const char *path)
{
    kc_rest_server_t *srv = dctx->srv;
    const char *m = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0
                        ? MHD_HTTP_METHOD_GET
                        : method;
    int status = 404;

    if (srv->auth == NULL ||
        kc_rest_auth_allows(
            srv->auth, m, path,
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_AUTHORIZATION))) {
        return false;
    }
    return kc_rest_lookup(&srv->opts[dctx->index], m, path, &status) != NULL;
}

static enum MHD_Result kc_rest_access(void *cls, struct MHD_Connection *conn,
                                      const char *url, const char *method,
                                      const char *version,
                                      const char *upload_data,
                                      size_t *upload_data_size, void **con_cls)
{
    kc_rest_daemon_ctx_t *dctx = cls;
    kc_rest_conn_t *state = *con_cls;
    kc_rest_request_t *req;
    enum MHD_Result ret;
    bool preflight;
    bool stopping = false;
    const char *value;
    const char *path = url;

    if (state == NULL) {
        if (dctx->client_auth != KC_TLS_AUTH_NONE) {
            const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
                conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);

            /* The handshake is done; a client without a certificate the
             * trust store verifies is dropped before its request is read,
             * as a JVM server that needs (or wants) client auth fails the
             * handshake. */
            if (!kc_rest_tls_peer_ok(ci != NULL ? ci->tls_session : NULL,
                                     dctx->client_auth)) {
                kc_log_debug(KC_REST_LOGGER,
                             "refusing a TLS client: no trusted client "
                             "certificate");
                return MHD_NO;
            }
        }
        state = kc_calloc(1, sizeof(*state));
        kc_buf_init(&state->body, KC_REST_MAX_BODY);
        state->start_ms = kc_clock_now_ms();
        *con_cls = state;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!state->too_large && kc_buf_append(&state->body, upload_data,
                                               *upload_data_size) != KC_OK) {
            state->too_large = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (state->answered) {
        /* Called again after a handler thread resumed the connection. */
        ret = kc_send(dctx->srv, conn, &state->resp, method, state->target,
                      version, state->start_ms, false);
        kc_rest_conn_clear(state);
        return ret;
    }
    if (kc_log_enabled(KC_LOG_DEBUG, KC_REST_LOGGER)) {
        char *m = kc_str_escape_log(method);
        char *u = kc_str_escape_log(url);

        kc_log_debug(KC_REST_LOGGER, "Handling %s %s", m, u);
        kc_free(m);
        kc_free(u);
    }
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, kc_collect_arg,
                              &state->args);
    state->target = kc_request_target(url, &state->args);
    preflight = kc_rest_headers_is_preflight(
        dctx->srv->headers, method,
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"),
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                    "Access-Control-Request-Method"));
    if (preflight) {
        state->resp.status = 200;
    } else if (!kc_http_checks(conn, url, version, &state->resp, &path)) {
        /* answered: a 400 as Jetty's */
    } else if (kc_rest_denied(dctx, conn, method, path)) {
        /* Apache's entity, negotiated to its resources' JSON type; the
         * challenge is what HTTP asks of a 401 (Apache sends none). */
        kc_rest_response_set_data(&state->resp, 401, "application/json",
                                  KC_BASIC_AUTH_DENIED,
                                  strlen(KC_BASIC_AUTH_DENIED));
        state->resp.www_authenticate = "Basic realm=\"Kafka Connect\"";
    } else if (state->too_large) {
        kc_rest_error(&state->resp, 413, "Request body is larger than %u bytes",
                      KC_REST_MAX_BODY);
    } else {
        /* Copies: the handler thread must not read MHD's connection. */
        req = &state->req;
        memset(req, 0, sizeof(*req));
        /* As JAX-RS: HEAD is GET without the body (MHD drops it). */
        state->method = kc_strdup(strcmp(method, MHD_HTTP_METHOD_HEAD) == 0
                                      ? MHD_HTTP_METHOD_GET
                                      : method);
        state->path = kc_strdup(path);
        value = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                            MHD_HTTP_HEADER_CONTENT_TYPE);
        state->content_type = value != NULL ? kc_strdup(value) : NULL;
        value = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                            MHD_HTTP_HEADER_HOST);
        state->host = value != NULL ? kc_strdup(value) : NULL;
        kc_copy_header(conn, MHD_HTTP_HEADER_AUTHORIZATION,
                       &state->authorization);
        kc_copy_header(conn, "X-Connect-Authorization", &state->signature);
        kc_copy_header(conn, "X-Connect-Request-Signature-Algorithm",
                       &state->signature_algorithm);
        req->method = state->method;
        req->path = state->path;
        req->args = state->args.items;
        req->nargs = state->args.n;
        req->content_type = state->content_type;
        req->host = state->host;
        req->authorization = state->authorization;
        req->signature = state->signature;
        req->signature_algorithm = state->signature_algorithm;
        req->body = state->body.len > 0 ? kc_buf_cstr(&state->body) : NULL;
        req->body_len = state->body.len;
        state->mhd = conn;
        state->dctx = dctx;
        if (kc_rest_pool_submit(&dctx->srv->pool, state, &stopping)) {
            return MHD_YES; /* suspended until a handler answers */
        }
        if (stopping) {
            kc_rest_error(&state->resp, 503, "The REST server is stopping");
        } else {
            kc_rest_route(dctx->srv->h, &dctx->srv->opts[dctx->index], req,
                          &state->resp);
        }
    }
    ret = kc_send(dctx->srv, conn, &state->resp, method, state->target, version,
                  state->start_ms, preflight);
    kc_rest_conn_clear(state);
    return ret;
}

static void kc_rest_completed(void *cls, struct MHD_Connection *conn,
                              void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    kc_rest_conn_t *state = *con_cls;

    KC_UNUSED(cls);
    KC_UNUSED(conn);
    KC_UNUSED(toe);
    if (state != NULL) {
        kc_rest_conn_clear(state);
        kc_buf_release(&state->body);
        kc_free(state);
        *con_cls = NULL;
    }
}

static void kc_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    char *safe;
    size_t n;

    KC_UNUSED(cls);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) {
        msg[--n] = '\0';
    }
    /* libmicrohttpd may quote what the client sent. */
    safe = kc_str_escape_log(msg);
    kc_log_warn(KC_REST_LOGGER, "%s", safe);
    kc_free(safe);
}

/* ---- lifecycle --------------------------------------------------------- */

/*
 * Connections each of @p ndaemons listeners may hold: what RLIMIT_NOFILE
 * allows once KC_REST_FD_RESERVE descriptors are kept for the rest of the
 * process. (libmicrohttpd's default, FD_SETSIZE - 4, is a select() limit.)
 */
static unsigned kc_rest_conn_limit(size_t ndaemons)
{
    struct rlimit rl;
    uint64_t n = 1024;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        n = rl.rlim_cur == RLIM_INFINITY ? (uint64_t)1 << 20
                                         : (uint64_t)rl.rlim_cur;
    }
    n = n > 2 * KC_REST_FD_RESERVE ? n - KC_REST_FD_RESERVE : n / 2;
    n /= ndaemons > 0 ? ndaemons : 1;
    if (n > (uint64_t)1 << 24) {
        n = (uint64_t)1 << 24;
    }
    return n < 4 * KC_REST_IO_THREADS ? 4 * KC_REST_IO_THREADS : (unsigned)n;
}

static kc_err_t kc_rest_listen(kc_rest_server_t *srv, const kc_listener_t *l,
                               const kc_rest_tls_t *tls, kc_rest_options_t opts,
                               unsigned conn_limit, kc_error_t *err)
{
    struct MHD_OptionItem tls_opts[7];
    size_t ntls = 0;
    struct sockaddr_storage ss;
    struct MHD_Daemon *d;
    /* epoll: no FD_SETSIZE bound, no thread per connection; handlers run
     * on the handler pool (suspend/resume). */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    size_t i = srv->ndaemons;
    const union MHD_DaemonInfo *info;
    int bound;

    memset(&ss, 0, sizeof(ss));
    if (l->host[0] == '\0') {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;

        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        in->sin_port = htons((uint16_t)l->port);
    } else {
        struct addrinfo hints;
        struct addrinfo *res = NULL;
        int rc;

        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        rc = getaddrinfo(l->host, NULL, &hints, &res);
        if (rc != 0 || res == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not resolve listener host \"%s\": %s",
                                l->host, gai_strerror(rc));
        }
        memcpy(&ss, res->ai_addr, res->ai_addrlen);
        freeaddrinfo(res);
        if (ss.ss_family == AF_INET6) {
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)l->port);
            flags |= MHD_USE_IPv6;
        } else {
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)l->port);
        }
    }
    if (i == KC_REST_MAX_LISTENERS) {
        return kc_error_set(err, KC_ERR_INVALID, "too many listeners");
    }
    srv->opts[i] = opts;
    srv->ctx[i].srv = srv;
    srv->ctx[i].index = i;
    srv->ctx[i].client_auth = KC_TLS_AUTH_NONE;
    if (l->https) {
        flags |= MHD_USE_TLS;
        tls_opts[ntls++] =
            (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls->key_pem};
        tls_opts[ntls++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
                                                   tls->cert_pem};
        tls_opts[ntls++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES,
                                                   0, tls->priorities};
        if (tls->client_auth != KC_TLS_AUTH_NONE) {
            /* With a trust list, libmicrohttpd asks for a certificate. */
            tls_opts[ntls++] = (struct MHD_OptionItem){
                MHD_OPTION_HTTPS_MEM_TRUST, 0, tls->trust_pem};
            srv->ctx[i].client_auth = tls->client_auth;
        }
    }
    if (l->https) {
        tls_opts[ntls++] =
            (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    } else {
        /* Plain HTTP: the gate accepts and checks the request line first
         * (libmicrohttpd drops some malformed ones without an answer). A
         * TLS listener's first bytes are a handshake: no such check. */
        flags |= MHD_USE_NO_LISTEN_SOCKET;
    }
    tls_opts[ntls] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    d = MHD_start_daemon(flags, (uint16_t)l->port, NULL, NULL, kc_rest_access,
                         &srv->ctx[i], MHD_OPTION_EXTERNAL_LOGGER, kc_mhd_log,
                         NULL, MHD_OPTION_UNESCAPE_CALLBACK, kc_rest_unescape,
                         NULL, MHD_OPTION_NOTIFY_COMPLETED, kc_rest_completed,
                         NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
                         MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned int)KC_REST_IO_THREADS,
                         MHD_OPTION_CONNECTION_LIMIT, conn_limit,
                         MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (d == NULL) {
        return kc_error_set(
            err, KC_ERR_IO, "could not listen on %s://%s:%d: %s",
            l->https ? "https" : "http", l->host, l->port, strerror(errno));
    }
    if (!l->https) {
        kc_error_t gerr;

        memset(&gerr, 0, sizeof(gerr));

        if (kc_rest_gate_start(
                (struct sockaddr *)&ss,
                ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                         : sizeof(struct sockaddr_in),
                d, conn_limit, 120, &srv->gates[i], &gerr) != KC_OK) {
            MHD_stop_daemon(d);
            return kc_error_set(err, KC_ERR_IO,
                                "could not listen on http://%s:%d: %s", l->host,
                                l->port, gerr.msg);
        }
        bound = kc_rest_gate_port(srv->gates[i]);
    } else {
        info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        bound = info != NULL ? (int)info->port : l->port;
    }
    srv->daemons[i] = d;
    srv->ndaemons++;
    if (srv->port == 0) {
        srv->port = bound;
    }
    kc_log_debug(KC_REST_LOGGER,
                 "Bound %s listener %s://%s:%d/ (at most %u connections)",
                 opts.public_enabled ? "REST" : "admin",
                 l->https ? "https" : "http", l->host, bound, conn_limit);
    return KC_OK;
}

static const char *kc_worker_prop(const kc_config_t *cfg, const char *key)
{
    return cfg != NULL ? kc_props_get(kc_config_props(cfg), key) : NULL;
}

/*
 * Load the TLS settings of @p ls's https listeners (none: nothing to do)
 * from the keys under @p prefix, or the unprefixed ssl.* ones.
 */
static kc_err_t kc_rest_tls_for(const kc_config_t *cfg, const char *prefix,
                                const kc_listener_t *ls, size_t n,
                                kc_rest_tls_t *tls, kc_error_t *err)
{
    const char *used = "";
    kc_props_t *none = NULL;
    kc_props_t *ssl;
    bool any = false;
    kc_err_t rc;

    memset(tls, 0, sizeof(*tls));
    for (size_t i = 0; i < n; i++) {
        any = any || ls[i].https;
    }
    if (!any) {
        return KC_OK;
    }
    if (cfg == NULL) {
        none = kc_props_new();
    }
    ssl = kc_rest_tls_settings(cfg != NULL ? kc_config_props(cfg) : none,
                               prefix, &used);
    rc = kc_rest_tls_load(ssl, used, tls, err);
    if (rc != KC_OK) {
        /* "listeners" or "admin.listeners": which https listeners. */
        kc_error_prefix(err, "%.*s", (int)(strlen(prefix) - strlen(".https.")),
                        prefix);
    }
    kc_props_destroy(ssl);
    kc_props_destroy(none);
    return rc;
}

kc_rest_server_t *kc_rest_server_new(kc_herder_t *h,
                                     const kc_config_t *worker_config,
                                     kc_error_t *err)
{
    kc_rest_server_t *srv = kc_calloc(1, sizeof(*srv));
    const char *scheme;
    const char *adv_listener =
        kc_worker_prop(worker_config, "rest.advertised.listener");
    kc_listener_t ls[KC_REST_MAX_LISTENERS];
    kc_listener_t admin[KC_REST_MAX_LISTENERS];
    size_t nls = 0;
    size_t nadmin = 0;
    const char *listeners = kc_worker_prop(worker_config, "listeners");
    const char *admin_listeners =
        kc_worker_prop(worker_config, "admin.listeners");
    const char *adv_host =
        kc_worker_prop(worker_config, "rest.advertised.host.name");
    char hostname[256];
    const char *host;
    kc_rest_options_t opts;
    char *id;
    int port;
    unsigned conn_limit;

    srv->h = h;
    kc_rest_pool_init(&srv->pool);
    pthread_mutex_init(&srv->mount_lock, NULL);
    srv->headers = kc_rest_headers_new(
        kc_worker_prop(worker_config, "access.control.allow.origin"),
        kc_worker_prop(worker_config, "access.control.allow.methods"),
        kc_worker_prop(worker_config, "response.http.headers.config"), err);
    if (srv->headers == NULL) {
        kc_error_prefix(err, "invalid response.http.headers.config");
        kc_rest_server_destroy(srv);
        return NULL;
    }
    if (worker_config != NULL &&
        kc_rest_auth_new(kc_config_props(worker_config), getenv("KAFKA_OPTS"),
                         &srv->auth, err) != KC_OK) {
        kc_rest_server_destroy(srv);
        return NULL;
    }
    if (listeners == NULL || *listeners == '\0') {
        listeners = "http://:8083";
    }
    if (kc_listeners_parse("listeners", listeners, ls, &nls, err) != KC_OK) {
        kc_rest_server_destroy(srv);
        return NULL;
    }
    if (nls == 0) {
        kc_error_set(err, KC_ERR_INVALID, "listeners must not be empty");
        kc_rest_server_destroy(srv);
        return NULL;
    }
    if (admin_listeners != NULL &&
        kc_listeners_parse("admin.listeners", admin_listeners, admin, &nadmin,
                           err) != KC_OK) {
        kc_listeners_free(ls, nls);
        kc_rest_server_destroy(srv);
        return NULL;
    }
    /* Admin https listeners fall back to the unprefixed ssl.* keys, not
     * to listeners.https.* (Apache's RestServer). */
    if (kc_rest_tls_for(worker_config, "listeners.https.", ls, nls, &srv->tls,
                        err) != KC_OK ||
        kc_rest_tls_for(worker_config, "admin.listeners.https.", admin, nadmin,
                        &srv->admin_tls, err) != KC_OK) {
        goto fail;
    }
    /* Worker-to-worker calls (forwarding to the leader) use the https
     * client side of the worker's listeners.https.* / ssl.* keys. */
    srv->client = kc_rest_client_new(
        worker_config != NULL ? kc_config_props(worker_config) : NULL, 0, err);
    if (srv->client == NULL) {
        goto fail;
    }
    /* admin.listeners unset: /admin on the main listeners; "" disables. */
    opts.client = srv->client;
    opts.public_enabled = true;
    opts.admin_enabled = admin_listeners == NULL;
    opts.mounts = &srv->mounts;
    conn_limit = kc_rest_conn_limit(nls + nadmin);
    for (size_t i = 0; i < nls; i++) {
        if (kc_rest_listen(srv, &ls[i], &srv->tls, opts, conn_limit, err) !=
            KC_OK) {
            goto fail;
        }
    }
    opts.public_enabled = false;
    opts.admin_enabled = true;
    for (size_t i = 0; i < nadmin; i++) {
        if (kc_rest_listen(srv, &admin[i], &srv->admin_tls, opts, conn_limit,
                           err) != KC_OK) {
            goto fail;
        }
    }
    /* Apache's worker id: the advertised host and port. */
    host = adv_host != NULL && *adv_host != '\0' ? adv_host : ls[0].host;
    if (*host == '\0' || strcmp(host, "0.0.0.0") == 0 ||
        strcmp(host, "::") == 0) {
        if (gethostname(hostname, sizeof(hostname)) != 0) {
            snprintf(hostname, sizeof(hostname), "localhost");
        }
        hostname[sizeof(hostname) - 1] = '\0';
        host = hostname;
    }
    port = srv->port;
    /* The worker table checked it (an INT) when the worker started. */
    if (worker_config != NULL &&
        kc_config_is_set(worker_config, "rest.advertised.port")) {
        port = kc_config_int(worker_config, "rest.advertised.port");
    }
    /* Apache's advertisedUrl: rest.advertised.listener, else http if the
     * listeners name an http one, else https. */
    if (adv_listener != NULL && *adv_listener != '\0') {
        scheme = strcasecmp(adv_listener, "https") == 0 ? "https" : "http";
    } else {
        scheme = strcasestr(listeners, "http://") != NULL ? "http" : "https";
    }
    id = kc_asprintf("%s:%d", host, port);
    srv->url =
        kc_asprintf(strchr(host, ':') != NULL ? "%s://[%s]:%d/" : "%s://%s:%d/",
                    scheme, host, port);
    kc_worker_set_id(kc_herder_worker(h), id);
    kc_log_info(KC_REST_LOGGER,
                "REST server listening at %s://%s:%d/, advertising URL %s",
                ls[0].https ? "https" : "http",
                *ls[0].host != '\0' ? ls[0].host : "0.0.0.0", srv->port,
                srv->url);
    kc_log_info(KC_REST_LOGGER, "REST resources initialized; server is "
                                "started and ready to handle requests");
    kc_free(id);
    kc_listeners_free(ls, nls);
    kc_listeners_free(admin, nadmin);
    return srv;
fail:
    kc_listeners_free(ls, nls);
    kc_listeners_free(admin, nadmin);
    kc_rest_server_destroy(srv);
    return NULL;
}

int kc_rest_server_port(const kc_rest_server_t *srv)
{
    return srv->port;
}

const char *kc_rest_server_url(const kc_rest_server_t *srv)
{
    return srv->url;
}

kc_err_t kc_rest_server_mount(kc_rest_server_t *srv,
                              const kc_rest_route_def_t *row, kc_error_t *err)
{
    kc_err_t rc;

    pthread_mutex_lock(&srv->mount_lock);
    rc = kc_rest_mounts_add(&srv->mounts, row, err);
    pthread_mutex_unlock(&srv->mount_lock);
    return rc;
}

void kc_rest_server_destroy(kc_rest_server_t *srv)
{
    if (srv == NULL) {
        return;
    }
    kc_log_info(KC_REST_LOGGER, "Stopping REST server");
    /* MHD must not stop with a suspended connection: answer them first.
     * Requests arriving meanwhile get a 503 on the epoll thread. */
    for (size_t i = 0; i < srv->ndaemons; i++) {
        kc_rest_gate_stop(srv->gates[i]); /* no connection added after */
    }
    kc_rest_pool_stop(&srv->pool);
    for (size_t i = 0; i < srv->ndaemons; i++) {
        MHD_stop_daemon(srv->daemons[i]);
    }
    pthread_mutex_destroy(&srv->pool.lock);
    pthread_mutex_destroy(&srv->mount_lock);
    pthread_cond_destroy(&srv->pool.wake);
    kc_rest_headers_destroy(srv->headers);
    kc_rest_tls_release(&srv->tls);
    kc_rest_tls_release(&srv->admin_tls);
    kc_rest_auth_destroy(srv->auth);
    kc_rest_client_destroy(srv->client);
    kc_free(srv->url);
    kc_free(srv);
}
