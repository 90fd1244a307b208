/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apache Kafka's sampled statistics (org.apache.kafka.common.metrics.stats)
 * in C: a stat keeps metrics.num.samples + 1 samples of
 * metrics.sample.window.ms each, and reads as Apache's Avg, Max, Min,
 * Rate (a windowed sum per second), WindowedSum or Frequencies would at
 * the same instant. Checked against Apache's own classes driven by a fake
 * clock (tests/golden/GenMetricsStatsGolden.java).
 *
 * @locality not thread-safe: the owner serialises record and measure.
 */
#ifndef KC_METRICS_KC_STAT_H
#define KC_METRICS_KC_STAT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct kc_stat_config {
    int64_t window_ms; /* metrics.sample.window.ms */
    int samples;       /* metrics.num.samples (>= 1) */
} kc_stat_config_t;

typedef enum kc_stat_kind {
    KC_STAT_SUM, /* windowed sum; kc_stat_rate divides it by the window */
    KC_STAT_AVG, /* NaN without events */
    KC_STAT_MAX, /* NaN without events */
    KC_STAT_MIN, /* NaN without events */
    KC_STAT_FREQ /* events of 0.0 and 1.0; kc_stat_frequency reads it */
} kc_stat_kind_t;

typedef struct kc_sample {
    double value;
    double ones; /* KC_STAT_FREQ: events that recorded 1.0 */
    int64_t events;
    int64_t start_ms;
    int64_t last_ms;
} kc_sample_t;

typedef struct kc_stat {
    kc_stat_kind_t kind;
    int current;
    int n;     /* samples in use, created lazily as Apache does */
    int cap;   /* samples + 1 */
    int alloc; /* slots allocated (grows with n: samples may be huge) */
    kc_sample_t *samples;
} kc_stat_t;

/** @brief Set up @p st for @p cfg (samples allocated here). */
void kc_stat_init(kc_stat_t *st, kc_stat_kind_t kind,
                  const kc_stat_config_t *cfg);
/** @brief Free the samples of @p st. */
void kc_stat_release(kc_stat_t *st);
/** @brief Record @p value at @p now_ms (a wall or monotonic ms clock). */
void kc_stat_record(kc_stat_t *st, const kc_stat_config_t *cfg, double value,
                    int64_t now_ms);
/** @brief The windowed sum, average, maximum or minimum at @p now_ms. */
double kc_stat_measure(kc_stat_t *st, const kc_stat_config_t *cfg,
                       int64_t now_ms);
/** @brief A KC_STAT_SUM stat as Apache's Rate: its sum per second. */
double kc_stat_rate(kc_stat_t *st, const kc_stat_config_t *cfg, int64_t now_ms);
/**
 * @brief A KC_STAT_FREQ stat as Apache's Frequency: the fraction (0.0 to
 * 1.0) of retained events that recorded 1.0 (@p ones true) or 0.0; 0.0
 * without events.
 */
double kc_stat_frequency(kc_stat_t *st, const kc_stat_config_t *cfg,
                         int64_t now_ms, bool ones);

#endif /* KC_METRICS_KC_STAT_H */
