/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apache Connect's StateTracker: how long a connector or task spent in
 * each state since its first one, for running-ratio and pause-ratio.
 * Checked against Apache's own class (tests/golden/GenMetricsStatsGolden).
 *
 * @locality not thread-safe: the owner serialises calls.
 */
#ifndef KC_METRICS_KC_STATE_TRACKER_H
#define KC_METRICS_KC_STATE_TRACKER_H

#include "kc_internal.h"

#include "runtime/kc_worker.h"

typedef struct kc_state_tracker {
    bool has_state;
    kc_state_t state;
    int64_t since_ms;
    int64_t total_ms[KC_STATE_DESTROYED + 1];
} kc_state_tracker_t;

/** @brief Enter @p state at @p now_ms (the same state again is no-op). */
void kc_state_tracker_change(kc_state_tracker_t *t, kc_state_t state,
                             int64_t now_ms);
/**
 * @brief The fraction of the tracked time spent in @p state at @p now_ms;
 * 0.0 before the first state. As Apache, time spent stopped is left out
 * of the whole.
 */
double kc_state_tracker_ratio(const kc_state_tracker_t *t, kc_state_t state,
                              int64_t now_ms);

#endif /* KC_METRICS_KC_STATE_TRACKER_H */
