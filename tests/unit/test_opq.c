/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The op queue (src/util/kc_opq.h): order, many producers, replies,
 * stale replies dropped and freed (the ASan build checks the freeing),
 * the eventfd wake-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <cmocka.h>

#include <librdkafka/rdkafka.h>

#include <kconnect/kconnect.h>

#include "util/kc_clock.h"
#include "util/kc_opq.h"

enum { OP_ADD, OP_PING };

typedef struct test_op {
    kc_opq_op_t q;
    int producer;
    int seq;
    char *result; /* filled by the server: a reply owns memory */
} test_op_t;

static atomic_int g_destroyed;

static void test_op_destroy(kc_opq_op_t *qop)
{
    test_op_t *op = (test_op_t *)qop;

    kc_free(op->result);
    kc_free(op);
    atomic_fetch_add(&g_destroyed, 1);
}

static test_op_t *test_op_new(int kind, int producer, int seq)
{
    test_op_t *op = kc_calloc(1, sizeof(*op));

    op->q.kind = kind;
    op->q.destroy = test_op_destroy;
    op->producer = producer;
    op->seq = seq;
    return op;
}

static void test_opq_fifo_order(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(0, &err);

    (void)state;
    atomic_store(&g_destroyed, 0);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(kc_opq_post(q, &test_op_new(OP_ADD, 0, i)->q), KC_OK);
    }
    assert_int_equal(kc_opq_len(q), 100);
    for (int i = 0; i < 50; i++) {
        test_op_t *op = (test_op_t *)kc_opq_pop(q, 0);

        assert_non_null(op);
        assert_int_equal(op->seq, i);
        test_op_destroy(&op->q);
    }
    /* Empty at a deadline already past: NULL at once. */
    for (int i = 50; i < 100; i++) {
        test_op_destroy(kc_opq_pop(q, 0));
    }
    assert_null(kc_opq_pop(q, 0));
    assert_null(kc_opq_pop(q, kc_clock_now_ms() + 5));
    /* Ops left in the queue go with its last reference. */
    kc_opq_post(q, &test_op_new(OP_ADD, 0, 0)->q);
    kc_opq_post(q, &test_op_new(OP_ADD, 0, 1)->q);
    kc_opq_unref(q);
    assert_int_equal(atomic_load(&g_destroyed), 102);
}

#define PRODUCERS    4
#define PER_PRODUCER 2000

typedef struct producer_arg {
    kc_opq_t *q;
    int id;
} producer_arg_t;

static void *producer(void *arg)
{
    producer_arg_t *p = arg;

    for (int i = 0; i < PER_PRODUCER; i++) {
        kc_opq_post(p->q, &test_op_new(OP_ADD, p->id, i)->q);
    }
    return NULL;
}

static void many_producers_one_consumer(unsigned flags)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(flags, &err);
    pthread_t th[PRODUCERS];
    producer_arg_t args[PRODUCERS];
    int next[PRODUCERS] = {0};
    int got = 0;

    assert_non_null(q);
    for (int i = 0; i < PRODUCERS; i++) {
        args[i] = (producer_arg_t){q, i};
        assert_int_equal(pthread_create(&th[i], NULL, producer, &args[i]), 0);
    }
    while (got < PRODUCERS * PER_PRODUCER) {
        /* No deadline: only an op (or a spurious NULL) ends the wait. */
        test_op_t *op = (test_op_t *)kc_opq_pop(q, -1);

        if (op == NULL) {
            continue;
        }
        /* Each producer's ops arrive in the order it posted them. */
        assert_int_equal(op->seq, next[op->producer]);
        next[op->producer]++;
        got++;
        test_op_destroy(&op->q);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(next[i], PER_PRODUCER);
    }
    assert_int_equal(kc_opq_len(q), 0);
    kc_opq_unref(q);
}

static void test_opq_many_producers_one_consumer(void **state)
{
    (void)state;
    many_producers_one_consumer(0);
}

static void test_opq_many_producers_one_consumer_eventfd(void **state)
{
    (void)state;
    many_producers_one_consumer(KC_OPQ_F_EVENTFD);
}

/* A server that answers every op with a result, until the queue closes. */
static void *server(void *arg)
{
    kc_opq_t *q = arg;
    kc_opq_op_t *qop;

    while ((qop = kc_opq_pop(q, -1)) != NULL || !kc_opq_closed(q)) {
        test_op_t *op = (test_op_t *)qop;

        if (op == NULL) {
            continue;
        }
        op->result = kc_asprintf("answer %d", op->seq);
        kc_opq_reply(qop);
    }
    return NULL;
}

static void test_opq_call_gets_its_own_reply(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(KC_OPQ_F_EVENTFD, &err);
    pthread_t th;

    (void)state;
    atomic_store(&g_destroyed, 0);
    assert_int_equal(pthread_create(&th, NULL, server, q), 0);
    for (int i = 0; i < 50; i++) {
        test_op_t *op = test_op_new(OP_PING, 0, i);
        kc_opq_op_t *reply = NULL;
        char want[32];

        assert_int_equal(kc_opq_call(q, &op->q, 60000, &reply), KC_OK);
        assert_ptr_equal(reply, &op->q);
        snprintf(want, sizeof(want), "answer %d", i);
        assert_string_equal(op->result, want);
        test_op_destroy(reply);
    }
    kc_opq_close(q);
    pthread_join(th, NULL);
    /* Closed: the op is refused and stays the caller's. */
    {
        test_op_t *op = test_op_new(OP_PING, 0, 0);
        kc_opq_op_t *reply = NULL;

        assert_int_equal(kc_opq_call(q, &op->q, 1000, &reply), KC_ERR_CONFLICT);
        assert_null(reply);
        assert_null(op->q.replyq);
        test_op_destroy(&op->q);
    }
    kc_opq_unref(q);
    assert_int_equal(atomic_load(&g_destroyed), 51);
}

static void test_opq_reply_after_timeout_is_dropped_and_freed(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(0, &err);
    test_op_t *op = test_op_new(OP_PING, 0, 7);
    kc_opq_op_t *reply = NULL;
    kc_opq_op_t *served;

    (void)state;
    atomic_store(&g_destroyed, 0);
    /* Nobody serves the queue yet: the caller gives up. */
    assert_int_equal(kc_opq_call(q, &op->q, 20, &reply), KC_ERR_TIMEOUT);
    assert_null(reply);
    assert_int_equal(atomic_load(&g_destroyed), 0);
    /* The server comes back to it late and answers with owned memory. */
    served = kc_opq_pop(q, 0);
    assert_ptr_equal(served, &op->q);
    op->result = kc_strdup("too late");
    assert_false(kc_opq_reply(served));
    /* Destroyed (result included) instead of reaching anyone. */
    assert_int_equal(atomic_load(&g_destroyed), 1);
    kc_opq_unref(q);
}

static void test_opq_stale_version_is_dropped(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(0, &err);
    kc_opq_t *rq = kc_opq_new(0, &err);
    test_op_t *a = test_op_new(OP_PING, 0, 1);
    test_op_t *b = test_op_new(OP_PING, 0, 2);
    test_op_t *c = test_op_new(OP_PING, 0, 3);
    test_op_t *got;

    (void)state;
    atomic_store(&g_destroyed, 0);
    /* One reply queue reused for requests in turn, as a thread would. */
    kc_opq_want_reply(&a->q, rq);
    kc_opq_post(q, &a->q);
    kc_opq_bump_version(rq); /* the caller gave up on a */
    kc_opq_want_reply(&b->q, rq);
    kc_opq_post(q, &b->q);
    /* a's reply is refused at once; b's is queued. */
    assert_false(kc_opq_reply(kc_opq_pop(q, 0)));
    assert_int_equal(atomic_load(&g_destroyed), 1);
    assert_true(kc_opq_reply(kc_opq_pop(q, 0)));
    got = (test_op_t *)kc_opq_pop(rq, 0);
    assert_ptr_equal(got, b);
    test_op_destroy(&got->q);

    /* A reply already queued when the caller gives up is dropped when
     * popped: the next request never sees it. */
    kc_opq_want_reply(&c->q, rq);
    kc_opq_post(q, &c->q);
    assert_true(kc_opq_reply(kc_opq_pop(q, 0)));
    assert_int_equal(kc_opq_len(rq), 1);
    kc_opq_bump_version(rq);
    assert_null(kc_opq_pop(rq, 0));
    assert_int_equal(atomic_load(&g_destroyed), 3);

    /* An op nobody waits for is destroyed by its reply. */
    assert_false(kc_opq_reply(&test_op_new(OP_PING, 0, 4)->q));
    assert_int_equal(atomic_load(&g_destroyed), 4);
    kc_opq_unref(rq);
    kc_opq_unref(q);
}

static void test_opq_eventfd_wakes_a_poller(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(KC_OPQ_F_EVENTFD, &err);
    struct pollfd pfd;
    uint64_t one = 1;
    kc_opq_op_t *op;

    (void)state;
    assert_non_null(q);
    assert_true(kc_opq_fd(q) >= 0);
    pfd = (struct pollfd){.fd = kc_opq_fd(q), .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 0), 0);
    kc_opq_post(q, &test_op_new(OP_ADD, 0, 0)->q);
    /* A poll() on the fd (with a librdkafka queue's fd) sees the op. */
    assert_int_equal(poll(&pfd, 1, 0), 1);
    op = kc_opq_pop(q, -1);
    assert_non_null(op);
    test_op_destroy(op);
    /* Another writer of the fd (rd_kafka_queue_io_event_enable) ends a
     * wait without a deadline, with no op. */
    assert_int_equal(write(kc_opq_fd(q), &one, sizeof(one)), sizeof(one));
    assert_null(kc_opq_pop(q, -1));
    assert_int_equal(poll(&pfd, 1, 0), 0); /* drained */
    /* So does kc_opq_wake, and a close. */
    kc_opq_wake(q);
    assert_null(kc_opq_pop(q, -1));
    kc_opq_close(q);
    assert_null(kc_opq_pop(q, -1));
    assert_true(kc_opq_closed(q));
    op = &test_op_new(OP_ADD, 0, 0)->q;
    assert_int_equal(kc_opq_post(q, op), KC_ERR_CONFLICT);
    test_op_destroy(op);
    kc_opq_unref(q);
}

static void test_opq_wake_without_eventfd(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(0, &err);

    (void)state;
    assert_int_equal(kc_opq_fd(q), -1);
    kc_opq_wake(q);
    assert_null(kc_opq_pop(q, -1));
    kc_opq_unref(q);
}

/*
 * A librdkafka queue writes the same eventfd (io event): a thread blocked
 * in kc_opq_pop wakes when a librdkafka result arrives, as the distributed
 * herder will wait on its op queue and its group/admin queues at once.
 */
static void test_opq_eventfd_wakes_on_a_librdkafka_event(void **state)
{
    kc_error_t err;
    kc_opq_t *q = kc_opq_new(KC_OPQ_F_EVENTFD, &err);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_t *rk;
    rd_kafka_queue_t *rkqu;
    rd_kafka_AdminOptions_t *opts;
    rd_kafka_NewTopic_t *nt;
    rd_kafka_event_t *ev = NULL;
    int64_t deadline = kc_clock_now_ms() + 60000;

    (void)state;
    /* Nothing listens there: the request ends in its own timeout. */
    rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:1", NULL, 0);
    rd_kafka_conf_set(conf, "log_level", "0", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    rkqu = rd_kafka_queue_new(rk);
    rd_kafka_queue_io_event_enable(rkqu, kc_opq_fd(q), "\1\0\0\0\0\0\0\0", 8);
    opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, 100, NULL, 0);
    nt = rd_kafka_NewTopic_new("kc-opq-test", 1, 1, NULL, 0);
    rd_kafka_CreateTopics(rk, &nt, 1, opts, rkqu);
    /* No op is ever posted: only the librdkafka event can end the wait
     * (the deadline is a safety net, not the expected way out). */
    while (ev == NULL && kc_clock_now_ms() < deadline) {
        assert_null(kc_opq_pop(q, deadline));
        ev = rd_kafka_queue_poll(rkqu, 0);
    }
    assert_non_null(ev);
    assert_int_equal(rd_kafka_event_type(ev),
                     RD_KAFKA_EVENT_CREATETOPICS_RESULT);
    rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(rkqu);
    rd_kafka_destroy(rk);
    kc_opq_unref(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opq_fifo_order),
        cmocka_unit_test(test_opq_many_producers_one_consumer),
        cmocka_unit_test(test_opq_many_producers_one_consumer_eventfd),
        cmocka_unit_test(test_opq_call_gets_its_own_reply),
        cmocka_unit_test(test_opq_reply_after_timeout_is_dropped_and_freed),
        cmocka_unit_test(test_opq_stale_version_is_dropped),
        cmocka_unit_test(test_opq_eventfd_wakes_a_poller),
        cmocka_unit_test(test_opq_wake_without_eventfd),
        cmocka_unit_test(test_opq_eventfd_wakes_on_a_librdkafka_event),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
