/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/metrics/kc_stat.c: Apache Kafka's sampled stats.
 * tests/golden/metrics_stats_golden.jsonl is what Apache's own Avg, Max,
 * Min, Rate, CumulativeSum, Value and Frequencies (kafka-clients 4.1.1,
 * driven by a fake clock in tests/golden/GenMetricsStatsGolden.java) read
 * after each step of an event script with samples completing, rolling
 * over and expiring; the test replays every step and compares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "kc_internal.h"

#include "metrics/kc_stat.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/metrics_stats_golden.jsonl"

typedef struct replay {
    kc_stat_config_t cfg;
    kc_stat_t avg, max, min, sum, freq;
    double total;
    double value;
    bool open;
} replay_t;

static void replay_close(replay_t *r)
{
    if (r->open) {
        kc_stat_release(&r->avg);
        kc_stat_release(&r->max);
        kc_stat_release(&r->min);
        kc_stat_release(&r->sum);
        kc_stat_release(&r->freq);
    }
    r->open = false;
}

static void replay_open(replay_t *r, int64_t window, int samples)
{
    replay_close(r);
    r->cfg.window_ms = window;
    r->cfg.samples = samples;
    kc_stat_init(&r->avg, KC_STAT_AVG, &r->cfg);
    kc_stat_init(&r->max, KC_STAT_MAX, &r->cfg);
    kc_stat_init(&r->min, KC_STAT_MIN, &r->cfg);
    kc_stat_init(&r->sum, KC_STAT_SUM, &r->cfg);
    kc_stat_init(&r->freq, KC_STAT_FREQ, &r->cfg);
    r->total = 0.0;
    r->value = 0.0;
    r->open = true;
}

static double expected(json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);

        if (strcmp(s, "NaN") == 0) {
            return NAN;
        }
        return s[0] == '-' ? -INFINITY : INFINITY;
    }
    return json_number_value(v);
}

static void check(const char *what, int line, double want, double got)
{
    if (isnan(want)) {
        if (!isnan(got)) {
            fail_msg("line %d %s: want NaN, got %.17g", line, what, got);
        }
        return;
    }
    if (isinf(want) || want == 0.0) {
        if (got != want) {
            fail_msg("line %d %s: want %.17g, got %.17g", line, what, want,
                     got);
        }
        return;
    }
    /* Same operations in the same order: equal up to the last bit or so. */
    if (fabs(got - want) > fabs(want) * 1e-12) {
        fail_msg("line %d %s: want %.17g, got %.17g", line, what, want, got);
    }
}

static void test_stats_match_apache_golden(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char buf[4096];
    replay_t r = {0};
    int line = 0;
    int checks = 0;

    KC_UNUSED(state);
    assert_non_null(f);
    while (fgets(buf, sizeof(buf), f) != NULL) {
        json_error_t jerr;
        json_t *o = json_loads(buf, 0, &jerr);
        json_t *cfg = json_object_get(o, "config");
        json_t *exp = json_object_get(o, "expect");
        int64_t t = json_integer_value(json_object_get(o, "t"));

        line++;
        assert_non_null(o);
        if (cfg != NULL) {
            replay_open(
                &r, json_integer_value(json_object_get(cfg, "window")),
                (int)json_integer_value(json_object_get(cfg, "samples")));
        } else if (json_object_get(o, "record") != NULL) {
            double v = json_number_value(json_object_get(o, "record"));

            kc_stat_record(&r.avg, &r.cfg, v, t);
            kc_stat_record(&r.max, &r.cfg, v, t);
            kc_stat_record(&r.min, &r.cfg, v, t);
            kc_stat_record(&r.sum, &r.cfg, v, t);
            r.total += v;
            r.value = v;
        } else if (json_object_get(o, "outcome") != NULL) {
            kc_stat_record(
                &r.freq, &r.cfg,
                (double)json_integer_value(json_object_get(o, "outcome")), t);
        } else {
            assert_non_null(exp);
            /* The order Apache's metrics were read in (one after another,
             * each purging expired samples first). */
            check("avg", line, expected(json_object_get(exp, "avg")),
                  kc_stat_measure(&r.avg, &r.cfg, t));
            check("max", line, expected(json_object_get(exp, "max")),
                  kc_stat_measure(&r.max, &r.cfg, t));
            check("min", line, expected(json_object_get(exp, "min")),
                  kc_stat_measure(&r.min, &r.cfg, t));
            check("rate", line, expected(json_object_get(exp, "rate")),
                  kc_stat_rate(&r.sum, &r.cfg, t));
            check("total", line, expected(json_object_get(exp, "total")),
                  r.total);
            check("value", line, expected(json_object_get(exp, "value")),
                  r.value);
            check("success", line, expected(json_object_get(exp, "success")),
                  kc_stat_frequency(&r.freq, &r.cfg, t, true));
            check("failure", line, expected(json_object_get(exp, "failure")),
                  kc_stat_frequency(&r.freq, &r.cfg, t, false));
            checks++;
        }
        json_decref(o);
    }
    fclose(f);
    replay_close(&r);
    /* The script really exercised the stats. */
    assert_true(checks > 200);
}

/* A worked example from the Rate source comment (Kafka's Rate.java): with
 * 1 s windows and 2 samples, 3 events in the first 60 ms read as 3 events
 * over the padded 1.06 s window. */
static void test_rate_pads_missing_windows(void **state)
{
    kc_stat_config_t cfg = {.window_ms = 1000, .samples = 2};
    kc_stat_t st;

    KC_UNUSED(state);
    kc_stat_init(&st, KC_STAT_SUM, &cfg);
    kc_stat_record(&st, &cfg, 1.0, 5000);
    kc_stat_record(&st, &cfg, 1.0, 5030);
    kc_stat_record(&st, &cfg, 1.0, 5060);
    assert_true(fabs(kc_stat_rate(&st, &cfg, 5060) - 3.0 / 1.06) < 1e-12);
    kc_stat_release(&st);
}

/* A user may set metrics.num.samples and metrics.sample.window.ms to
 * anything their types hold: no huge allocation, no overflow. */
static void test_extreme_config_is_harmless(void **state)
{
    kc_stat_config_t cfg = {.window_ms = INT64_MAX / 2, .samples = INT32_MAX};
    kc_stat_t st;

    KC_UNUSED(state);
    kc_stat_init(&st, KC_STAT_SUM, &cfg);
    kc_stat_record(&st, &cfg, 4.0, 1000);
    kc_stat_record(&st, &cfg, 4.0, 2000);
    assert_true(kc_stat_measure(&st, &cfg, 3000) == 8.0);
    assert_true(kc_stat_rate(&st, &cfg, 3000) >= 0.0);
    kc_stat_release(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_match_apache_golden),
        cmocka_unit_test(test_rate_pads_missing_windows),
        cmocka_unit_test(test_extreme_config_is_harmless),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
