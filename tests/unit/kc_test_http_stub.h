/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scripted HTTP server for the REST client and forwarding tests
 * (libmicrohttpd on 127.0.0.1, a free port): it records the last request
 * (method, URL with query, some headers, body) and answers with the
 * status, body and headers the test set. Header-only, static functions.
 */
#ifndef KC_TEST_HTTP_STUB_H
#define KC_TEST_HTTP_STUB_H

#include "kc_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

typedef struct kc_stub {
    struct MHD_Daemon *d;
    int port;
    char base[64]; /* "http://127.0.0.1:<port>" */
    /* the answer */
    int status;
    const char *body;
    size_t body_repeat; /* send body this many times (a large answer) */
    const char *location;
    /* the last request */
    pthread_mutex_t lock;
    char method[16];
    char url[512];
    char query[512];
    char ctype[128];
    char agent[128];
    char accept[128];
    char auth[256];
    char sig[256];
    char sig_alg[64];
    kc_buf_t req_body;
    atomic_int requests;
    atomic_int connections;
} kc_stub_t;

typedef struct kc_stub_conn {
    kc_buf_t body;
} kc_stub_conn_t;

static void kc_stub_copy_header(struct MHD_Connection *conn, const char *name,
                                char *dst, size_t cap)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    snprintf(dst, cap, "%s", v != NULL ? v : "");
}

static enum MHD_Result kc_stub_query_cb(void *cls, enum MHD_ValueKind kind,
                                        const char *key, const char *value)
{
    char *q = cls;
    size_t n = strlen(q);

    (void)kind;
    snprintf(q + n, 512 - n, "%s%s=%s", n > 0 ? "&" : "", key,
             value != NULL ? value : "");
    return MHD_YES;
}

static enum MHD_Result kc_stub_handler(void *cls, struct MHD_Connection *conn,
                                       const char *url, const char *method,
                                       const char *version,
                                       const char *upload_data,
                                       size_t *upload_size, void **con_cls)
{
    kc_stub_t *s = cls;
    kc_stub_conn_t *c = *con_cls;
    struct MHD_Response *r;
    kc_buf_t out;
    enum MHD_Result ret;

    (void)version;
    if (c == NULL) {
        c = kc_calloc(1, sizeof(*c));
        kc_buf_init(&c->body, 0);
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        kc_buf_append(&c->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->lock);
    snprintf(s->method, sizeof(s->method), "%s", method);
    snprintf(s->url, sizeof(s->url), "%s", url);
    s->query[0] = '\0';
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, kc_stub_query_cb,
                              s->query);
    kc_stub_copy_header(conn, "Content-Type", s->ctype, sizeof(s->ctype));
    kc_stub_copy_header(conn, "User-Agent", s->agent, sizeof(s->agent));
    kc_stub_copy_header(conn, "Accept", s->accept, sizeof(s->accept));
    kc_stub_copy_header(conn, "Authorization", s->auth, sizeof(s->auth));
    kc_stub_copy_header(conn, "X-Connect-Authorization", s->sig,
                        sizeof(s->sig));
    kc_stub_copy_header(conn, "X-Connect-Request-Signature-Algorithm",
                        s->sig_alg, sizeof(s->sig_alg));
    kc_buf_reset(&s->req_body);
    kc_buf_append(&s->req_body, c->body.data, c->body.len);
    pthread_mutex_unlock(&s->lock);
    atomic_fetch_add(&s->requests, 1);

    kc_buf_init(&out, 0);
    for (size_t i = 0;
         s->body != NULL && i < (s->body_repeat ? s->body_repeat : 1); i++) {
        kc_buf_puts(&out, s->body);
    }
    r = MHD_create_response_from_buffer(out.len, out.data,
                                        MHD_RESPMEM_MUST_COPY);
    kc_buf_release(&out);
    if (s->body != NULL) {
        MHD_add_response_header(r, "Content-Type", "application/json");
    }
    if (s->location != NULL) {
        MHD_add_response_header(r, "Location", s->location);
    }
    ret = MHD_queue_response(conn, (unsigned)s->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void kc_stub_completed(void *cls, struct MHD_Connection *conn,
                              void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    kc_stub_conn_t *c = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (c != NULL) {
        kc_buf_release(&c->body);
        kc_free(c);
        *con_cls = NULL;
    }
}

static void kc_stub_notify(void *cls, struct MHD_Connection *conn,
                           void **socket_context,
                           enum MHD_ConnectionNotificationCode toe)
{
    kc_stub_t *s = cls;

    (void)conn;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&s->connections, 1);
    }
}

/* Start on http, or https with the PEM @p key and @p cert when given. */
static void kc_stub_start_tls(kc_stub_t *s, const char *key, const char *cert)
{
    const union MHD_DaemonInfo *info;
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    kc_buf_init(&s->req_body, 0);
    s->status = 200;
    if (key != NULL) {
        s->d = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TLS,
            0, NULL, NULL, kc_stub_handler, s, MHD_OPTION_NOTIFY_COMPLETED,
            kc_stub_completed, s, MHD_OPTION_NOTIFY_CONNECTION, kc_stub_notify,
            s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
            MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
            MHD_OPTION_END);
    } else {
        s->d = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
            kc_stub_handler, s, MHD_OPTION_NOTIFY_COMPLETED, kc_stub_completed,
            s, MHD_OPTION_NOTIFY_CONNECTION, kc_stub_notify, s,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
    }
    if (s->d == NULL) {
        fprintf(stderr, "could not start the stub HTTP server\n");
        abort();
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info->port;
    snprintf(s->base, sizeof(s->base), "%s://127.0.0.1:%d",
             key != NULL ? "https" : "http", s->port);
}

static void kc_stub_start(kc_stub_t *s)
{
    kc_stub_start_tls(s, NULL, NULL);
}

static void kc_stub_stop(kc_stub_t *s)
{
    MHD_stop_daemon(s->d);
    kc_buf_release(&s->req_body);
    pthread_mutex_destroy(&s->lock);
}

#endif /* KC_TEST_HTTP_STUB_H */
