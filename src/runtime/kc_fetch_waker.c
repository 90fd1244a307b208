/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fetch waker thread (see kc_fetch_waker.h for why it exists).
 */
#include "runtime/kc_fetch_waker.h"
#include "util/kc_clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <kconnect/common.h>

struct kc_fetch_waker {
    rd_kafka_t *rk; /* borrowed */
    int period_ms;
    atomic_bool busy; /* records arrived since the last wake-up */
    atomic_long count;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop; /* under lock */
};

bool kc_fetch_waker_needed(void)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char buf[32];
    size_t len = sizeof(buf);
    bool needed = rd_kafka_conf_get(conf, "fetch.queue.backoff.ms", buf,
                                    &len) == RD_KAFKA_CONF_UNKNOWN;

    rd_kafka_conf_destroy(conf);
    return needed;
}

/* One ListOffsets per leader of the current assignment. */
static void wake_leaders(kc_fetch_waker_t *w)
{
    rd_kafka_topic_partition_list_t *parts = NULL;

    if (rd_kafka_assignment(w->rk, &parts) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        parts != NULL && parts->cnt > 0) {
        for (int i = 0; i < parts->cnt; i++) {
            parts->elems[i].offset = RD_KAFKA_OFFSET_END; /* latest */
        }
        /* The answer does not matter, only that a request was sent. */
        (void)rd_kafka_offsets_for_times(w->rk, parts, 1000);
        atomic_fetch_add(&w->count, 1);
    }
    if (parts != NULL) {
        rd_kafka_topic_partition_list_destroy(parts);
    }
}

static void *waker_main(void *arg)
{
    kc_fetch_waker_t *w = arg;

    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        int64_t until = kc_clock_now_ms() + w->period_ms;

        while (!w->stop &&
               kc_clock_cond_wait_until(&w->cond, &w->lock, until) != ETIMEDOUT)
            ;
        if (w->stop) {
            break;
        }
        if (!atomic_exchange(&w->busy, false)) {
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        wake_leaders(w);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

kc_fetch_waker_t *kc_fetch_waker_new(rd_kafka_t *rk, int period_ms)
{
    kc_fetch_waker_t *w = kc_calloc(1, sizeof(*w));

    w->rk = rk;
    w->period_ms = period_ms > 0 ? period_ms : KC_FETCH_WAKER_PERIOD_MS;
    atomic_init(&w->busy, false);
    atomic_init(&w->count, 0);
    pthread_mutex_init(&w->lock, NULL);
    kc_clock_cond_init(&w->cond);
    if (pthread_create(&w->thread, NULL, waker_main, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        kc_free(w);
        return NULL;
    }
    return w;
}

void kc_fetch_waker_poke(kc_fetch_waker_t *w)
{
    if (w != NULL) {
        atomic_store_explicit(&w->busy, true, memory_order_relaxed);
    }
}

long kc_fetch_waker_count(const kc_fetch_waker_t *w)
{
    return w != NULL ? atomic_load(&w->count) : 0;
}

void kc_fetch_waker_destroy(kc_fetch_waker_t *w)
{
    if (w == NULL) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    kc_free(w);
}
