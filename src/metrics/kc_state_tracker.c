/* SPDX-License-Identifier: Apache-2.0 */
/* Time per state, as Apache's StateTracker; see kc_state_tracker.h. */
#include "kc_internal.h"

#include "metrics/kc_state_tracker.h"

void kc_state_tracker_change(kc_state_tracker_t *t, kc_state_t state,
                             int64_t now_ms)
{
    if (t->has_state) {
        if (state == t->state) {
            return;
        }
        t->total_ms[t->state] += now_ms - t->since_ms;
    }
    t->has_state = true;
    t->state = state;
    t->since_ms = now_ms;
}

double kc_state_tracker_ratio(const kc_state_tracker_t *t, kc_state_t state,
                              int64_t now_ms)
{
    int64_t current;
    int64_t want;
    int64_t total;

    if (!t->has_state) {
        return 0.0;
    }
    current = now_ms - t->since_ms;
    want = (state == t->state ? current : 0) + t->total_ms[state];
    total = current;
    for (int s = 0; s <= KC_STATE_DESTROYED; s++) {
        /* Apache's sum has every state's time but the stopped one. */
        if (s != KC_STATE_STOPPED) {
            total += t->total_ms[s];
        }
    }
    return total > 0 ? (double)want / (double)total : 0.0;
}
