/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sampled statistics with Apache Kafka's window rules; see kc_stat.h.
 * A sample completes when the window has passed since it started; the
 * next one reuses the oldest slot. A sample with no event for
 * samples x window is reset at read time, so old bursts drop out.
 */
#include "kc_internal.h"

#include "metrics/kc_stat.h"

#include <math.h>

/* a * b, saturated: both come from the user's config (Java's long
 * arithmetic would wrap; either way such windows never end). */
static int64_t mul_sat(int64_t a, int64_t b)
{
    int64_t r;

    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

static double initial_value(kc_stat_kind_t kind)
{
    switch (kind) {
    case KC_STAT_MAX:
        return -INFINITY;
    case KC_STAT_MIN:
        /* Apache starts Min at Double.MAX_VALUE */
        return 1.7976931348623157e308;
    default:
        return 0.0;
    }
}

static void sample_reset(kc_stat_t *st, kc_sample_t *s, int64_t now)
{
    s->value = initial_value(st->kind);
    s->ones = 0.0;
    s->events = 0;
    s->start_ms = now;
    s->last_ms = now;
}

void kc_stat_init(kc_stat_t *st, kc_stat_kind_t kind,
                  const kc_stat_config_t *cfg)
{
    int samples = cfg->samples > 0 ? cfg->samples : 1;

    memset(st, 0, sizeof(*st));
    st->kind = kind;
    /* metrics.num.samples is a user's INT: slots come as windows pass. */
    st->cap = samples < INT32_MAX ? samples + 1 : INT32_MAX;
    st->alloc = 2;
    st->samples = kc_calloc((size_t)st->alloc, sizeof(*st->samples));
}

void kc_stat_release(kc_stat_t *st)
{
    kc_free(st->samples);
    st->samples = NULL;
    st->n = 0;
}

static kc_sample_t *current(kc_stat_t *st, int64_t now)
{
    if (st->n == 0) {
        sample_reset(st, &st->samples[0], now);
        st->n = 1;
        st->current = 0;
    }
    return &st->samples[st->current];
}

static kc_sample_t *advance(kc_stat_t *st, int64_t now)
{
    kc_sample_t *s;

    st->current = (st->current + 1) % st->cap;
    if (st->current >= st->n) {
        if (st->n == st->alloc) {
            st->alloc = st->alloc > st->cap / 2 ? st->cap : st->alloc * 2;
            st->samples = kc_realloc(st->samples,
                                     (size_t)st->alloc * sizeof(*st->samples));
        }
        st->n++;
    }
    s = &st->samples[st->current];
    sample_reset(st, s, now);
    return s;
}

void kc_stat_record(kc_stat_t *st, const kc_stat_config_t *cfg, double value,
                    int64_t now_ms)
{
    kc_sample_t *s = current(st, now_ms);

    if (now_ms - s->start_ms >= cfg->window_ms) {
        s = advance(st, now_ms);
    }
    switch (st->kind) {
    case KC_STAT_SUM:
    case KC_STAT_AVG:
        s->value += value;
        break;
    case KC_STAT_MAX:
        s->value = value > s->value ? value : s->value;
        break;
    case KC_STAT_MIN:
        s->value = value < s->value ? value : s->value;
        break;
    case KC_STAT_FREQ:
        if (value == 1.0) {
            s->ones += 1.0;
        }
        break;
    }
    s->events++;
    s->last_ms = now_ms;
}

static void purge(kc_stat_t *st, const kc_stat_config_t *cfg, int64_t now)
{
    int64_t expire = mul_sat(cfg->samples, cfg->window_ms);

    for (int i = 0; i < st->n; i++) {
        if (now - st->samples[i].last_ms >= expire) {
            sample_reset(st, &st->samples[i], now);
        }
    }
}

double kc_stat_measure(kc_stat_t *st, const kc_stat_config_t *cfg,
                       int64_t now_ms)
{
    double acc = initial_value(st->kind);
    int64_t events = 0;

    purge(st, cfg, now_ms);
    if (st->kind == KC_STAT_SUM || st->kind == KC_STAT_AVG) {
        acc = 0.0;
    }
    for (int i = 0; i < st->n; i++) {
        const kc_sample_t *s = &st->samples[i];

        events += s->events;
        switch (st->kind) {
        case KC_STAT_MAX:
            acc = s->value > acc ? s->value : acc;
            break;
        case KC_STAT_MIN:
            acc = s->value < acc ? s->value : acc;
            break;
        default:
            acc += s->value;
            break;
        }
    }
    if (st->kind == KC_STAT_SUM) {
        return acc;
    }
    if (events == 0) {
        return NAN;
    }
    return st->kind == KC_STAT_AVG ? acc / (double)events : acc;
}

double kc_stat_rate(kc_stat_t *st, const kc_stat_config_t *cfg, int64_t now_ms)
{
    double sum = kc_stat_measure(st, cfg, now_ms);
    int64_t oldest;
    int64_t elapsed;
    int64_t full;
    int64_t min_full = cfg->samples - 1;

    purge(st, cfg, now_ms);
    if (st->n == 0) {
        current(st, now_ms);
    }
    oldest = st->samples[0].start_ms;
    for (int i = 1; i < st->n; i++) {
        if (st->samples[i].start_ms < oldest) {
            oldest = st->samples[i].start_ms;
        }
    }
    /* Missing earlier windows count as empty ones. */
    elapsed = now_ms - oldest;
    full = elapsed / cfg->window_ms;
    if (full < min_full) {
        int64_t pad = mul_sat(min_full - full, cfg->window_ms);

        elapsed = pad > INT64_MAX - elapsed ? INT64_MAX : elapsed + pad;
    }
    /* Read where a sample just began: at least 1 ms, as Apache. */
    if (elapsed < 1) {
        elapsed = 1;
    }
    return sum / ((double)elapsed / 1000.0);
}

double kc_stat_frequency(kc_stat_t *st, const kc_stat_config_t *cfg,
                         int64_t now_ms, bool ones)
{
    double hits = 0.0;
    int64_t events = 0;

    purge(st, cfg, now_ms);
    for (int i = 0; i < st->n; i++) {
        events += st->samples[i].events;
        hits += st->samples[i].ones;
    }
    if (events == 0) {
        return 0.0;
    }
    if (!ones) {
        hits = (double)events - hits;
    }
    return hits / (double)events;
}
