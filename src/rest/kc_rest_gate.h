/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accept side of a plain-HTTP REST listener. libmicrohttpd 0.9.75
 * closes the connection without an answer for some malformed request
 * lines ("GARBAGE", a line starting with a space or a TLS hello) and
 * answers others differently from Jetty; the gate accepts each
 * connection itself, peeks at its first line without consuming it, and
 * either answers Jetty's error and closes, or hands the untouched
 * connection to libmicrohttpd (MHD_add_connection).
 */
#ifndef KC_REST_KC_REST_GATE_H
#define KC_REST_KC_REST_GATE_H

#include <kconnect/common.h>

#include <stddef.h>
#include <sys/socket.h>

struct MHD_Daemon;

typedef enum kc_line_verdict {
    KC_LINE_MORE, /* no verdict yet: the line is incomplete */
    KC_LINE_PASS, /* hand the connection to libmicrohttpd */
    KC_LINE_BAD   /* answer the status and reason, then close */
} kc_line_verdict_t;

/**
 * @brief Judge the start of a connection's first bytes @p p (@p n of them)
 * as Jetty 12's request-line parser does. On KC_LINE_BAD, *status is the
 * HTTP status and @p reason (of @p rlen bytes) Jetty's message. Only what
 * was checked against Jetty is refused; everything else passes.
 */
kc_line_verdict_t kc_rest_line_check(const unsigned char *p, size_t n,
                                     int *status, char *reason, size_t rlen);

/**
 * @brief The whole answer (status line, headers, HTML body) Jetty writes
 * for a bad message, into @p out of @p cap bytes; returns its length.
 */
size_t kc_rest_line_answer(int status, const char *reason, char *out,
                           size_t cap);

typedef struct kc_rest_gate kc_rest_gate_t;

/**
 * @brief Listen on @p addr and run the gate's thread in front of @p d (a
 * daemon started with MHD_USE_NO_LISTEN_SOCKET). At most @p limit
 * connections are held by the gate and @p d together; a connection that
 * sends no complete first line within @p timeout_s seconds is closed.
 */
kc_err_t kc_rest_gate_start(const struct sockaddr *addr, socklen_t addrlen,
                            struct MHD_Daemon *d, unsigned limit,
                            unsigned timeout_s, kc_rest_gate_t **out,
                            kc_error_t *err);

/** @brief The port the gate listens on. */
int kc_rest_gate_port(const kc_rest_gate_t *g);

/** @brief Stop the thread, close the listener and held connections. */
void kc_rest_gate_stop(kc_rest_gate_t *g);

#endif
