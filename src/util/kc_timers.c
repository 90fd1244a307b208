/* SPDX-License-Identifier: Apache-2.0 */
/* A min-heap of timers; see kc_timers.h. */
#include "kc_internal.h"

#include "util/kc_timers.h"

typedef struct kc_timer {
    int64_t deadline;
    int64_t interval;
    uint64_t id; /* also the tie-break: lower ids were added first */
    kc_timer_fn fn;
    void *opaque;
} kc_timer_t;

struct kc_timers {
    kc_timer_t *heap;
    size_t n;
    size_t cap;
    uint64_t next_id;
};

kc_timers_t *kc_timers_new(void)
{
    kc_timers_t *timers = kc_calloc(1, sizeof(*timers));

    timers->next_id = 1;
    return timers;
}

void kc_timers_destroy(kc_timers_t *timers)
{
    if (timers == NULL) {
        return;
    }
    kc_free(timers->heap);
    kc_free(timers);
}

static bool kc_timer_before(const kc_timer_t *a, const kc_timer_t *b)
{
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && a->id < b->id);
}

static void kc_timers_swap(kc_timers_t *timers, size_t i, size_t j)
{
    kc_timer_t t = timers->heap[i];

    timers->heap[i] = timers->heap[j];
    timers->heap[j] = t;
}

static void kc_timers_up(kc_timers_t *timers, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!kc_timer_before(&timers->heap[i], &timers->heap[parent])) {
            break;
        }
        kc_timers_swap(timers, i, parent);
        i = parent;
    }
}

static void kc_timers_down(kc_timers_t *timers, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1;
        size_t r = l + 1;
        size_t min = i;

        if (l < timers->n &&
            kc_timer_before(&timers->heap[l], &timers->heap[min])) {
            min = l;
        }
        if (r < timers->n &&
            kc_timer_before(&timers->heap[r], &timers->heap[min])) {
            min = r;
        }
        if (min == i) {
            return;
        }
        kc_timers_swap(timers, i, min);
        i = min;
    }
}

static void kc_timers_push(kc_timers_t *timers, const kc_timer_t *t)
{
    if (timers->n == timers->cap) {
        timers->cap = timers->cap != 0 ? timers->cap * 2 : 8;
        timers->heap =
            kc_realloc(timers->heap, timers->cap * sizeof(*timers->heap));
    }
    timers->heap[timers->n] = *t;
    kc_timers_up(timers, timers->n++);
}

static void kc_timers_remove_at(kc_timers_t *timers, size_t i)
{
    timers->n--;
    if (i == timers->n) {
        return;
    }
    timers->heap[i] = timers->heap[timers->n];
    kc_timers_down(timers, i);
    kc_timers_up(timers, i);
}

uint64_t kc_timers_add(kc_timers_t *timers, int64_t deadline_ms,
                       int64_t interval_ms, kc_timer_fn fn, void *opaque)
{
    kc_timer_t t = {.deadline = deadline_ms,
                    .interval = interval_ms > 0 ? interval_ms : 0,
                    .id = timers->next_id++,
                    .fn = fn,
                    .opaque = opaque};

    kc_timers_push(timers, &t);
    return t.id;
}

bool kc_timers_cancel(kc_timers_t *timers, uint64_t id)
{
    /* Linear: a herder has a handful of timers. */
    for (size_t i = 0; i < timers->n; i++) {
        if (timers->heap[i].id == id) {
            kc_timers_remove_at(timers, i);
            return true;
        }
    }
    return false;
}

int64_t kc_timers_next(const kc_timers_t *timers)
{
    return timers->n > 0 ? timers->heap[0].deadline : -1;
}

size_t kc_timers_count(const kc_timers_t *timers)
{
    return timers->n;
}

int kc_timers_run(kc_timers_t *timers, int64_t now_ms)
{
    int ran = 0;
    /* Timers added by the callbacks wait for the next call, even when
     * already due, so a callback that re-adds itself cannot spin here. */
    uint64_t last_id = timers->next_id;

    while (timers->n > 0 && timers->heap[0].deadline <= now_ms &&
           timers->heap[0].id < last_id) {
        kc_timer_t t = timers->heap[0];

        if (t.interval > 0) {
            /* Re-armed before the call (same id), so the callback can
             * cancel it. */
            int64_t next = t.deadline + t.interval;

            if (next <= now_ms) {
                next = now_ms + t.interval;
            }
            timers->heap[0].deadline = next;
            kc_timers_down(timers, 0);
        } else {
            kc_timers_remove_at(timers, 0);
        }
        t.fn(timers, t.opaque);
        ran++;
    }
    return ran;
}
