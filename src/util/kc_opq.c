/* SPDX-License-Identifier: Apache-2.0 */
/* Op queues with versioned replies and an optional eventfd; see kc_opq.h. */
#include "kc_internal.h"

#include "util/kc_clock.h"
#include "util/kc_opq.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct kc_opq {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* without an eventfd: an op arrived, or a wake */
    kc_opq_op_t *head;
    kc_opq_op_t *tail;
    size_t len;
    uint64_t version;
    bool closed;
    bool woken;
    int fd;
    atomic_int refs;
};

kc_opq_t *kc_opq_new(unsigned flags, kc_error_t *err)
{
    kc_opq_t *q = kc_calloc(1, sizeof(*q));

    q->fd = -1;
    if (flags & KC_OPQ_F_EVENTFD) {
        q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (q->fd < 0) {
            kc_error_set(err, KC_ERR_IO, "could not create eventfd: %s",
                         strerror(errno));
            kc_free(q);
            return NULL;
        }
    }
    pthread_mutex_init(&q->lock, NULL);
    kc_clock_cond_init(&q->cond);
    q->version = 1;
    atomic_init(&q->refs, 1);
    return q;
}

kc_opq_t *kc_opq_ref(kc_opq_t *q)
{
    atomic_fetch_add(&q->refs, 1);
    return q;
}

static void kc_opq_destroy_list(kc_opq_op_t *op)
{
    while (op != NULL) {
        kc_opq_op_t *next = op->next;

        op->next = NULL;
        if (op->replyq != NULL) {
            kc_opq_unref(op->replyq);
            op->replyq = NULL;
        }
        op->destroy(op);
        op = next;
    }
}

void kc_opq_unref(kc_opq_t *q)
{
    if (q == NULL || atomic_fetch_sub(&q->refs, 1) != 1) {
        return;
    }
    kc_opq_destroy_list(q->head);
    if (q->fd >= 0) {
        close(q->fd);
    }
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    kc_free(q);
}

static void kc_opq_signal(kc_opq_t *q)
{
    if (q->fd >= 0) {
        uint64_t one = 1;

        /* EAGAIN only when the counter is full: already readable. */
        if (write(q->fd, &one, sizeof(one)) < 0) {
            return;
        }
    } else {
        pthread_cond_broadcast(&q->cond);
    }
}

/* Caller holds q->lock. */
static void kc_opq_append(kc_opq_t *q, kc_opq_op_t *op)
{
    bool was_empty = q->head == NULL;

    op->next = NULL;
    if (q->tail != NULL) {
        q->tail->next = op;
    } else {
        q->head = op;
    }
    q->tail = op;
    q->len++;
    if (was_empty) {
        kc_opq_signal(q);
    }
}

kc_err_t kc_opq_post(kc_opq_t *q, kc_opq_op_t *op)
{
    pthread_mutex_lock(&q->lock);
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        return KC_ERR_CONFLICT;
    }
    op->is_reply = false;
    kc_opq_append(q, op);
    pthread_mutex_unlock(&q->lock);
    return KC_OK;
}

/* Caller holds q->lock. Stale replies go to @p *dropped. */
static kc_opq_op_t *kc_opq_take(kc_opq_t *q, kc_opq_op_t **dropped)
{
    while (q->head != NULL) {
        kc_opq_op_t *op = q->head;

        q->head = op->next;
        if (q->head == NULL) {
            q->tail = NULL;
        }
        q->len--;
        if (op->is_reply && op->version != q->version) {
            op->next = *dropped;
            *dropped = op;
            continue;
        }
        op->next = NULL;
        return op;
    }
    return NULL;
}

/* Wait for the eventfd (lock released meanwhile); drains it. */
static void kc_opq_wait_fd(kc_opq_t *q, int64_t deadline_ms)
{
    struct pollfd pfd = {.fd = q->fd, .events = POLLIN};
    int timeout = -1;
    uint64_t count;

    if (deadline_ms >= 0) {
        int64_t left = deadline_ms - kc_clock_now_ms();

        timeout = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
    }
    pthread_mutex_unlock(&q->lock);
    if (poll(&pfd, 1, timeout) > 0 && read(q->fd, &count, sizeof(count)) < 0) {
        /* EAGAIN: another reader drained it; nothing to do. */
    }
    pthread_mutex_lock(&q->lock);
}

kc_opq_op_t *kc_opq_pop(kc_opq_t *q, int64_t deadline_ms)
{
    kc_opq_op_t *dropped = NULL;
    kc_opq_op_t *op;

    pthread_mutex_lock(&q->lock);
    for (;;) {
        op = kc_opq_take(q, &dropped);
        if (op != NULL || q->closed) {
            break;
        }
        if (q->woken) {
            uint64_t count;

            q->woken = false;
            if (q->fd >= 0 && read(q->fd, &count, sizeof(count)) < 0) {
                /* EAGAIN: drained already. */
            }
            break;
        }
        if (deadline_ms >= 0 && kc_clock_now_ms() >= deadline_ms) {
            break;
        }
        if (q->fd >= 0) {
            kc_opq_wait_fd(q, deadline_ms);
            /* Whoever wrote the fd, the caller gets control back once the
             * ops that are here are taken: it may serve other fds. */
            op = kc_opq_take(q, &dropped);
            break;
        }
        kc_clock_cond_wait_until(&q->cond, &q->lock, deadline_ms);
    }
    pthread_mutex_unlock(&q->lock);
    kc_opq_destroy_list(dropped);
    return op;
}

void kc_opq_wake(kc_opq_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->woken = true;
    kc_opq_signal(q);
    pthread_mutex_unlock(&q->lock);
}

void kc_opq_close(kc_opq_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    kc_opq_signal(q);
    pthread_mutex_unlock(&q->lock);
}

bool kc_opq_closed(kc_opq_t *q)
{
    bool closed;

    pthread_mutex_lock(&q->lock);
    closed = q->closed;
    pthread_mutex_unlock(&q->lock);
    return closed;
}

int kc_opq_fd(const kc_opq_t *q)
{
    return q->fd;
}

size_t kc_opq_len(kc_opq_t *q)
{
    size_t len;

    pthread_mutex_lock(&q->lock);
    len = q->len;
    pthread_mutex_unlock(&q->lock);
    return len;
}

uint64_t kc_opq_bump_version(kc_opq_t *q)
{
    uint64_t v;

    pthread_mutex_lock(&q->lock);
    v = ++q->version;
    pthread_mutex_unlock(&q->lock);
    return v;
}

void kc_opq_want_reply(kc_opq_op_t *op, kc_opq_t *replyq)
{
    op->replyq = kc_opq_ref(replyq);
    pthread_mutex_lock(&replyq->lock);
    op->version = replyq->version;
    pthread_mutex_unlock(&replyq->lock);
}

bool kc_opq_reply(kc_opq_op_t *op)
{
    kc_opq_t *rq = op->replyq;
    bool queued = false;

    op->replyq = NULL;
    if (rq != NULL) {
        pthread_mutex_lock(&rq->lock);
        if (!rq->closed && op->version == rq->version) {
            op->is_reply = true;
            kc_opq_append(rq, op);
            queued = true;
        }
        pthread_mutex_unlock(&rq->lock);
        kc_opq_unref(rq);
    }
    if (!queued) {
        op->next = NULL;
        op->destroy(op);
    }
    return queued;
}

kc_err_t kc_opq_call(kc_opq_t *q, kc_opq_op_t *op, int64_t timeout_ms,
                     kc_opq_op_t **reply)
{
    kc_opq_t *rq = kc_opq_new(0, NULL);
    int64_t deadline = kc_clock_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    kc_opq_op_t *back = NULL;

    *reply = NULL;
    kc_opq_want_reply(op, rq);
    if (kc_opq_post(q, op) != KC_OK) {
        kc_opq_unref(op->replyq);
        op->replyq = NULL;
        kc_opq_unref(rq);
        return KC_ERR_CONFLICT;
    }
    /* Only this op comes back here: a NULL is the deadline. */
    back = kc_opq_pop(rq, deadline);
    if (back == NULL) {
        /* Closing under the lock orders us with kc_opq_reply: either the
         * reply is queued already (destroyed with rq below) or it will
         * find rq closed and destroy itself. */
        kc_opq_close(rq);
        kc_opq_unref(rq);
        return KC_ERR_TIMEOUT;
    }
    kc_opq_unref(rq);
    *reply = back;
    return KC_OK;
}
