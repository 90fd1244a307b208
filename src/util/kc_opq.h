/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Op queues: how threads that own state talk to each other (the shape of
 * librdkafka's rd_kafka_q_t / rd_kafka_op_t). A thread that owns state
 * (the herder) serves one queue; other threads post typed ops to it and,
 * when they want an answer, wait on a reply queue for the same op to come
 * back with its result filled in.
 *
 * An op is the owner's struct with a kc_opq_op_t as its first member:
 * `kind` is the owner's enum, the rest of the struct is the payload, and
 * `destroy` frees the whole struct (payload and result included). The
 * queue only links, hands over and, for replies nobody waits for any
 * more, destroys ops.
 *
 * Stale replies: a reply queue has a version, and a request carries the
 * version its reply queue had when it was posted. A caller that gives up
 * (timeout) bumps the version; a reply that comes back later with the old
 * version is destroyed instead of queued (or, if it was queued already,
 * when it is popped), so nobody reads it and nothing leaks.
 *
 * Wake-ups: a queue made with KC_OPQ_F_EVENTFD keeps an eventfd that is
 * written whenever an op arrives on an empty queue. Its server may
 * poll() that fd together with other fds, and other writers may use it
 * too: librdkafka's rd_kafka_queue_io_event_enable(rkqu, kc_opq_fd(q),
 * "\1\0\0\0\0\0\0\0", 8) makes an event on a librdkafka queue wake the
 * thread blocked in kc_opq_pop(), which then returns NULL so that the
 * thread serves the librdkafka queue.
 *
 * @locks each queue has its own mutex; ops are owned by one thread at a
 * time (the poster until posted, the server until it replies, the
 * caller once popped from the reply queue).
 */
#ifndef KC_UTIL_KC_OPQ_H
#define KC_UTIL_KC_OPQ_H

#include <kconnect/common.h>

typedef struct kc_opq kc_opq_t;
typedef struct kc_opq_op kc_opq_op_t;

/** @brief Frees an op and everything it owns. */
typedef void (*kc_opq_destroy_fn)(kc_opq_op_t *op);

/** The head of every op; embed it as the first member of the owner's op. */
struct kc_opq_op {
    int kind;                  /* the owner's op type */
    kc_opq_destroy_fn destroy; /* frees the op; required */
    /* Set by the queue: */
    kc_opq_op_t *next;
    kc_opq_t *replyq; /* where kc_opq_reply sends it; NULL: nobody waits */
    uint64_t version; /* replyq's version when the request was posted */
    bool is_reply;
};

/** Flags of kc_opq_new. */
#define KC_OPQ_F_EVENTFD 0x1 /* keep an eventfd for poll() (kc_opq_fd) */

/**
 * @brief A new queue with one reference. With KC_OPQ_F_EVENTFD, NULL
 * (and @p err filled) if no eventfd could be made.
 */
kc_opq_t *kc_opq_new(unsigned flags, kc_error_t *err);
/** @brief Another reference to @p q. @returns @p q. */
kc_opq_t *kc_opq_ref(kc_opq_t *q);
/** @brief Drop a reference; the last one destroys ops still queued. */
void kc_opq_unref(kc_opq_t *q);

/**
 * @brief Append @p op (taken on success). Any thread.
 * @returns KC_OK, or KC_ERR_CONFLICT if @p q is closed (@p op stays the
 * caller's).
 */
kc_err_t kc_opq_post(kc_opq_t *q, kc_opq_op_t *op);

/**
 * @brief Take the oldest op, waiting until kc_clock_now_ms() reaches
 * @p deadline_ms (negative: no bound). Stale replies are destroyed on the
 * way. @returns the op (the caller owns it), or NULL at the deadline,
 * after kc_opq_wake() or another write to the eventfd, or when @p q is
 * closed and empty. Servers loop: a NULL may also come early.
 */
kc_opq_op_t *kc_opq_pop(kc_opq_t *q, int64_t deadline_ms);

/** @brief Make a waiting (or the next) kc_opq_pop() return. Any thread. */
void kc_opq_wake(kc_opq_t *q);

/**
 * @brief Refuse further posts (kc_opq_post fails, replies are destroyed)
 * and wake the server; ops already queued can still be popped.
 */
void kc_opq_close(kc_opq_t *q);
bool kc_opq_closed(kc_opq_t *q);

/** @brief The eventfd (KC_OPQ_F_EVENTFD), or -1. */
int kc_opq_fd(const kc_opq_t *q);

/** @brief How many ops are queued. */
size_t kc_opq_len(kc_opq_t *q);

/**
 * @brief Start a new generation of requests on reply queue @p q: replies
 * to requests posted before are dropped. @returns the new version.
 */
uint64_t kc_opq_bump_version(kc_opq_t *q);

/**
 * @brief Ask for @p op to come back to @p replyq (referenced) with the
 * version @p replyq has now. Call before posting the request.
 */
void kc_opq_want_reply(kc_opq_op_t *op, kc_opq_t *replyq);

/**
 * @brief Server side, once the op's result is filled in: send @p op back
 * to its reply queue (taken). Destroys it instead when nobody waits for
 * it: no reply queue, a closed one, or a version the waiter has given up.
 * @returns true if the reply was queued.
 */
bool kc_opq_reply(kc_opq_op_t *op);

/**
 * @brief Post @p op to @p q and wait at most @p timeout_ms for its reply
 * on a reply queue of its own.
 * @returns KC_OK with the op back in @p *reply (the caller owns it);
 * KC_ERR_TIMEOUT when no reply came in time (the op is the server's: it
 * is destroyed when the server replies); KC_ERR_CONFLICT when @p q is
 * closed (the op stays the caller's).
 */
kc_err_t kc_opq_call(kc_opq_t *q, kc_opq_op_t *op, int64_t timeout_ms,
                     kc_opq_op_t **reply);

#endif /* KC_UTIL_KC_OPQ_H */
