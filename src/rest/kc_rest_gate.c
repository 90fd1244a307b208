/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accept side of a plain-HTTP REST listener (see kc_rest_gate.h).
 * One thread per listener owns the listening socket and the connections
 * whose first line is still incomplete, in an edge-triggered epoll set:
 * a slow client costs a descriptor, never a blocked thread. Bytes are
 * only peeked (MSG_PEEK), so a connection handed on reaches
 * libmicrohttpd exactly as the client sent it.
 */
#include "kc_internal.h"

#include "rest/kc_rest_gate.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define KC_GATE_LOGGER "org.apache.kafka.connect.runtime.rest.RestServer"
/* Bytes of a first line judged; a longer one goes to libmicrohttpd,
 * which answers 414 for it. */
#define KC_GATE_PEEK 8192
/* How long an answered connection may take to close its side. */
#define KC_GATE_LINGER_MS 5000

/* ---- the request line ------------------------------------------------ */

static bool kc_tchar(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", (int)c) != NULL);
}

static kc_line_verdict_t kc_line_bad(int *status, int code, char *reason,
                                     size_t rlen, const char *text)
{
    *status = code;
    snprintf(reason, rlen, "%s", text);
    return KC_LINE_BAD;
}

/* Jetty's message for a character its parser refuses. */
static kc_line_verdict_t kc_line_bad_char(unsigned c, int *status, char *reason,
                                          size_t rlen)
{
    *status = 400;
    if (c == ' ') {
        snprintf(reason, rlen, "Illegal character SPACE=' '");
    } else if (c == '\t') {
        snprintf(reason, rlen, "Illegal character HTAB=0x9");
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(reason, rlen, "Illegal character CNTL=0x%x", c);
    } else if (c >= 0x80) {
        snprintf(reason, rlen, "Illegal character OTEXT=0x%x", c);
    } else {
        snprintf(reason, rlen, "Illegal character VCHAR='%c'", (int)c);
    }
    return KC_LINE_BAD;
}

kc_line_verdict_t kc_rest_line_check(const unsigned char *p, size_t n,
                                     int *status, char *reason, size_t rlen)
{
    size_t i = 0;
    size_t ver;

    /* Empty lines before the request are skipped (RFC 9112 2.2). */
    while (i < n && (p[i] == '\r' || p[i] == '\n')) {
        i++;
    }
    if (i == n) {
        return KC_LINE_MORE;
    }
    /* The method: a token. */
    for (; i < n && p[i] != ' '; i++) {
        if (p[i] == '\r' || p[i] == '\n') {
            return kc_line_bad(status, 400, reason, rlen, "No URI");
        }
        if (!kc_tchar(p[i])) {
            return kc_line_bad_char(p[i], status, reason, rlen);
        }
    }
    if (i == n) {
        return KC_LINE_MORE;
    }
    if (i == 0 || p[i - 1] == '\r' || p[i - 1] == '\n') {
        return kc_line_bad_char(' ', status, reason, rlen);
    }
    while (i < n && p[i] == ' ') {
        i++;
    }
    if (i == n) {
        return KC_LINE_MORE;
    }
    if (p[i] == '\r' || p[i] == '\n') {
        return kc_line_bad(status, 400, reason, rlen, "No URI");
    }
    /* The target: non-ASCII bytes are Jetty's later path check, which
     * libmicrohttpd's router stands for; control characters are not. */
    for (; i < n && p[i] != ' '; i++) {
        if (p[i] == '\r' || p[i] == '\n') {
            if (p[i] == '\r' && i + 1 < n && p[i + 1] != '\n') {
                return kc_line_bad(status, 400, reason, rlen, "Bad EOL");
            }
            return kc_line_bad(status, 505, reason, rlen,
                               "HTTP/0.9 not supported");
        }
        if (p[i] < 0x20 || p[i] == 0x7f) {
            return kc_line_bad_char(p[i], status, reason, rlen);
        }
    }
    if (i == n) {
        return KC_LINE_MORE;
    }
    while (i < n && p[i] == ' ') {
        i++;
    }
    if (i == n) {
        return KC_LINE_MORE;
    }
    if (p[i] == '\r' || p[i] == '\n') {
        /* "GET / " and the end: Jetty's 0.9 check, but as a 400 here. */
        return kc_line_bad(status, 400, reason, rlen, "HTTP/0.9 not supported");
    }
    /* The version, up to the end of the line. */
    ver = i;
    for (; i < n && p[i] != '\r' && p[i] != '\n'; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7f) {
            return kc_line_bad_char(p[i], status, reason, rlen);
        }
    }
    if (i == n || (p[i] == '\r' && i + 1 == n)) {
        return KC_LINE_MORE;
    }
    if (p[i] == '\r' && p[i + 1] != '\n') {
        return kc_line_bad(status, 400, reason, rlen, "Bad EOL");
    }
    if (i - ver == 8 &&
        (strncasecmp((const char *)p + ver, "HTTP/1.1", 8) == 0 ||
         strncasecmp((const char *)p + ver, "HTTP/1.0", 8) == 0)) {
        return KC_LINE_PASS;
    }
    if (i - ver == 8 &&
        strncasecmp((const char *)p + ver, "HTTP/2.0", 8) == 0) {
        return kc_line_bad(status, 426, reason, rlen, "Upgrade Required");
    }
    return kc_line_bad(status, 505, reason, rlen, "Unknown Version");
}

static const char *kc_status_text(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 426:
        return "Upgrade Required";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

/* @p s with HTML's special characters escaped, as Jetty's error page. */
static void kc_html_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;

    for (; *s != '\0' && o + 7 < cap; s++) {
        const char *rep = NULL;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            break;
        }
        if (rep != NULL) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

size_t kc_rest_line_answer(int status, const char *reason, char *out,
                           size_t cap)
{
    char esc[512];
    char body[1536];
    char date[64];
    struct tm tm;
    time_t now = time(NULL);
    int blen;
    int len;

    kc_html_escape(reason, esc, sizeof(esc));
    blen = snprintf(body, sizeof(body),
                    "<html>\n<head>\n<title>Error %d %s</title>\n</head>\n"
                    "<body>\n<h2>HTTP ERROR %d %s</h2>\n</body>\n</html>\n",
                    status, esc, status, esc);
    if (blen < 0 || (size_t)blen >= sizeof(body)) {
        blen = 0;
    }
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    len = snprintf(out, cap,
                   "HTTP/1.1 %d %s\r\nDate: %s\r\n"
                   "Cache-Control: must-revalidate,no-cache,no-store\r\n"
                   "Content-Type: text/html;charset=iso-8859-1\r\n"
                   "Content-Length: %d\r\n\r\n%.*s",
                   status, kc_status_text(status), date, blen, blen, body);
    if (len < 0) {
        return 0;
    }
    return (size_t)len < cap ? (size_t)len : cap - 1;
}

/* ---- the gate thread ------------------------------------------------- */

typedef struct kc_gate_conn {
    int fd;
    bool closing; /* answered: waiting for the client to close */
    int64_t deadline_ms;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    struct kc_gate_conn *prev;
    struct kc_gate_conn *next;
} kc_gate_conn_t;

struct kc_rest_gate {
    int lfd;
    int epfd;
    int wakefd;
    int port;
    struct MHD_Daemon *d;
    unsigned limit;
    unsigned timeout_s;
    pthread_t thread;
    bool started;
    /* the thread's own: */
    kc_gate_conn_t *head;
    size_t nheld;
    int lfd_tag;
    int wake_tag;
};

static void kc_gate_unlink(kc_rest_gate_t *g, kc_gate_conn_t *c)
{
    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        g->head = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    }
    g->nheld--;
}

static void kc_gate_close(kc_rest_gate_t *g, kc_gate_conn_t *c)
{
    kc_gate_unlink(g, c);
    close(c->fd); /* also leaves the epoll set */
    kc_free(c);
}

static unsigned kc_gate_mhd_conns(const kc_rest_gate_t *g)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(g->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

    return info != NULL ? info->num_connections : 0;
}

static void kc_gate_accept(kc_rest_gate_t *g)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(g->lfd, (struct sockaddr *)&ss, &sl,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        kc_gate_conn_t *c;
        struct epoll_event ev;

        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                /* Out of descriptors: let some close before trying again,
                 * rather than spin on the ready listener. */
                struct timespec ts = {0, 20 * 1000 * 1000};

                nanosleep(&ts, NULL);
            }
            return;
        }
        /* As libmicrohttpd's own limit: past it, a new client is closed. */
        if (g->nheld + kc_gate_mhd_conns(g) >= g->limit) {
            close(fd);
            continue;
        }
        c = kc_calloc(1, sizeof(*c));
        c->fd = fd;
        c->addr = ss;
        c->addrlen = sl;
        c->deadline_ms = kc_clock_now_ms() + (int64_t)g->timeout_s * 1000;
        memset(&ev, 0, sizeof(ev));
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = c;
        c->next = g->head;
        if (g->head != NULL) {
            g->head->prev = c;
        }
        g->head = c;
        g->nheld++;
        if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            kc_gate_close(g, c);
        }
    }
}

/*
 * Read and drop what the client sent; false once it closed. At most 64 KiB
 * a call, so a client streaming a body cannot hold the gate's thread; what
 * it sends later wakes the gate again, and the linger deadline ends it.
 */
static bool kc_gate_drain(int fd)
{
    char buf[4096];

    for (int i = 0; i < 16; i++) {
        ssize_t r = recv(fd, buf, sizeof(buf), 0);

        if (r > 0) {
            continue;
        }
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return true;
}

static void kc_gate_answer(kc_rest_gate_t *g, kc_gate_conn_t *c, int status,
                           const char *reason)
{
    char out[2048];
    size_t len = kc_rest_line_answer(status, reason, out, sizeof(out));

    /* A fresh socket's send buffer takes the whole answer. */
    (void)send(c->fd, out, len, MSG_NOSIGNAL);
    /* Jetty closes after a bad message. Read what the client sent first
     * and close our side only: closing with unread bytes would reset the
     * connection and could lose the answer. */
    if (!kc_gate_drain(c->fd)) {
        kc_gate_close(g, c);
        return;
    }
    shutdown(c->fd, SHUT_WR);
    c->closing = true;
    c->deadline_ms = kc_clock_now_ms() + KC_GATE_LINGER_MS;
}

static void kc_gate_pass(kc_rest_gate_t *g, kc_gate_conn_t *c)
{
    int fd = c->fd;

    epoll_ctl(g->epfd, EPOLL_CTL_DEL, fd, NULL);
    kc_gate_unlink(g, c);
    /* libmicrohttpd closes the socket itself when it cannot take it. */
    if (MHD_add_connection(g->d, fd, (const struct sockaddr *)&c->addr,
                           c->addrlen) != MHD_YES) {
        kc_log_debug(KC_GATE_LOGGER, "libmicrohttpd refused a connection: %s",
                     strerror(errno));
    }
    kc_free(c);
}

static void kc_gate_event(kc_rest_gate_t *g, kc_gate_conn_t *c, uint32_t ev)
{
    unsigned char buf[KC_GATE_PEEK];
    ssize_t r;
    int status = 0;
    char reason[128];
    kc_line_verdict_t v;

    if (c->closing) {
        if (!kc_gate_drain(c->fd)) {
            kc_gate_close(g, c);
        }
        return;
    }
    r = recv(c->fd, buf, sizeof(buf), MSG_PEEK);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        kc_gate_close(g, c);
        return;
    }
    if (r < 0) {
        return;
    }
    v = kc_rest_line_check(buf, (size_t)r, &status, reason, sizeof(reason));
    if (v == KC_LINE_BAD) {
        kc_gate_answer(g, c, status, reason);
    } else if (v == KC_LINE_PASS || (size_t)r == sizeof(buf) ||
               (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
        /* A long line, or a client that stopped sending: libmicrohttpd's
         * to answer. */
        kc_gate_pass(g, c);
    }
}

static void kc_gate_sweep(kc_rest_gate_t *g, int64_t now)
{
    kc_gate_conn_t *c = g->head;

    while (c != NULL) {
        kc_gate_conn_t *next = c->next;

        if (now >= c->deadline_ms) {
            kc_gate_close(g, c);
        }
        c = next;
    }
}

static void *kc_gate_run(void *arg)
{
    kc_rest_gate_t *g = arg;
    struct epoll_event evs[64];
    int64_t last_sweep = kc_clock_now_ms();

    for (;;) {
        int n = epoll_wait(g->epfd, evs, 64, 1000);
        int64_t now;

        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == &g->wake_tag) {
                return NULL;
            }
            if (evs[i].data.ptr == &g->lfd_tag) {
                kc_gate_accept(g);
            } else {
                kc_gate_event(g, evs[i].data.ptr, evs[i].events);
            }
        }
        now = kc_clock_now_ms();
        if (now - last_sweep >= 1000) {
            kc_gate_sweep(g, now);
            last_sweep = now;
        }
    }
}

kc_err_t kc_rest_gate_start(const struct sockaddr *addr, socklen_t addrlen,
                            struct MHD_Daemon *d, unsigned limit,
                            unsigned timeout_s, kc_rest_gate_t **out,
                            kc_error_t *err)
{
    kc_rest_gate_t *g = kc_calloc(1, sizeof(*g));
    int one = 1;
    struct epoll_event ev;
    struct sockaddr_storage bound;
    socklen_t bl = sizeof(bound);

    g->d = d;
    g->limit = limit;
    g->timeout_s = timeout_s;
    g->epfd = -1;
    g->wakefd = -1;
    g->lfd =
        socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g->lfd < 0) {
        goto fail;
    }
    setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (addr->sa_family == AF_INET6) {
        setsockopt(g->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    if (bind(g->lfd, addr, addrlen) != 0 || listen(g->lfd, SOMAXCONN) != 0) {
        goto fail;
    }
    if (getsockname(g->lfd, (struct sockaddr *)&bound, &bl) == 0) {
        g->port = ntohs(bound.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *)&bound)->sin6_port
                            : ((struct sockaddr_in *)&bound)->sin_port);
    }
    g->epfd = epoll_create1(EPOLL_CLOEXEC);
    g->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g->epfd < 0 || g->wakefd < 0) {
        goto fail;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &g->lfd_tag;
    if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->lfd, &ev) != 0) {
        goto fail;
    }
    ev.data.ptr = &g->wake_tag;
    if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->wakefd, &ev) != 0) {
        goto fail;
    }
    if (pthread_create(&g->thread, NULL, kc_gate_run, g) != 0) {
        goto fail;
    }
    g->started = true;
    *out = g;
    return KC_OK;
fail : {
    int e = errno;

    kc_rest_gate_stop(g);
    return kc_error_set(err, KC_ERR_IO, "%s", strerror(e));
}
}

int kc_rest_gate_port(const kc_rest_gate_t *g)
{
    return g->port;
}

void kc_rest_gate_stop(kc_rest_gate_t *g)
{
    if (g == NULL) {
        return;
    }
    if (g->started) {
        uint64_t one = 1;

        (void)!write(g->wakefd, &one, sizeof(one));
        pthread_join(g->thread, NULL);
    }
    while (g->head != NULL) {
        kc_gate_close(g, g->head);
    }
    if (g->lfd >= 0) {
        close(g->lfd);
    }
    if (g->epfd >= 0) {
        close(g->epfd);
    }
    if (g->wakefd >= 0) {
        close(g->wakefd);
    }
    kc_free(g);
}
