/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fetch waker: while poked it sends ListOffsets to the consumer's
 * partition leaders (seen in librdkafka's protocol log), and nothing when
 * not poked. Runs on librdkafka's mock cluster.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "runtime/kc_fetch_waker.h"

static atomic_int list_offsets_sent;

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
    (void)rk;
    (void)level;
    (void)fac;
    if (strstr(buf, "Sent ListOffsetsRequest") != NULL) {
        atomic_fetch_add(&list_offsets_sent, 1);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* A consumer on a one-broker mock cluster, assigned t-0 at offset 0. */
static rd_kafka_t *new_consumer(void)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    rd_kafka_topic_partition_list_t *parts;

    assert_int_equal(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1",
                                       errstr, sizeof(errstr)),
                     RD_KAFKA_CONF_OK);
    assert_int_equal(
        rd_kafka_conf_set(conf, "group.id", "waker", errstr, sizeof(errstr)),
        RD_KAFKA_CONF_OK);
    assert_int_equal(
        rd_kafka_conf_set(conf, "debug", "protocol", errstr, sizeof(errstr)),
        RD_KAFKA_CONF_OK);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    assert_int_equal(
        rd_kafka_mock_topic_create(rd_kafka_handle_mock_cluster(rk), "t", 1, 1),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    parts = rd_kafka_topic_partition_list_new(1);
    /* An absolute offset: the consumer itself sends no ListOffsets. */
    rd_kafka_topic_partition_list_add(parts, "t", 0)->offset = 0;
    assert_int_equal(rd_kafka_assign(rk, parts), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(parts);
    return rk;
}

static void test_needed_matches_version(void **state)
{
    (void)state;
    /* fetch.queue.backoff.ms arrived in librdkafka 2.1.0. */
    assert_int_equal(kc_fetch_waker_needed(), rd_kafka_version() < 0x020100ff);
}

static void test_silent_unless_poked(void **state)
{
    rd_kafka_t *rk = new_consumer();
    kc_fetch_waker_t *w;

    (void)state;
    w = kc_fetch_waker_new(rk, 5);
    assert_non_null(w);
    atomic_store(&list_offsets_sent, 0);
    sleep_ms(200); /* 40 periods */
    assert_int_equal(kc_fetch_waker_count(w), 0);
    assert_int_equal(atomic_load(&list_offsets_sent), 0);
    kc_fetch_waker_destroy(w);
    rd_kafka_destroy(rk);
}

static void test_poke_sends_list_offsets(void **state)
{
    rd_kafka_t *rk = new_consumer();
    kc_fetch_waker_t *w;
    long settled;

    (void)state;
    w = kc_fetch_waker_new(rk, 5);
    assert_non_null(w);
    atomic_store(&list_offsets_sent, 0);
    kc_fetch_waker_poke(w);
    for (int i = 0; i < 2000 && kc_fetch_waker_count(w) == 0; i++) {
        sleep_ms(5);
    }
    assert_int_equal(kc_fetch_waker_count(w), 1);
    for (int i = 0; i < 2000 && atomic_load(&list_offsets_sent) == 0; i++) {
        sleep_ms(5);
    }
    assert_true(atomic_load(&list_offsets_sent) >= 1);

    /* One poke, one wake-up: no more while the consumer is quiet. */
    settled = kc_fetch_waker_count(w);
    sleep_ms(100);
    assert_int_equal(kc_fetch_waker_count(w), settled);

    kc_fetch_waker_poke(w);
    for (int i = 0; i < 2000 && kc_fetch_waker_count(w) == settled; i++) {
        sleep_ms(5);
    }
    assert_int_equal(kc_fetch_waker_count(w), settled + 1);
    kc_fetch_waker_destroy(w);
    rd_kafka_destroy(rk);
}

static void test_destroy_null_and_poke_null(void **state)
{
    (void)state;
    kc_fetch_waker_poke(NULL);
    kc_fetch_waker_destroy(NULL);
    assert_int_equal(kc_fetch_waker_count(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needed_matches_version),
        cmocka_unit_test(test_silent_unless_poked),
        cmocka_unit_test(test_poke_sends_list_offsets),
        cmocka_unit_test(test_destroy_null_and_poke_null),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
