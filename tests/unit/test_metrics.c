/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/metrics/kc_metrics.c and kc_metrics_expo.c: the
 * Connect metric groups and their Prometheus names in the three schemes.
 * Expected names: Strimzi's JMX exporter rules
 * (strimzi-kafka-operator packaging/examples/metrics/
 * kafka-connect-metrics.yaml), jmx_exporter's default naming and the
 * Strimzi metrics reporter's, with the examples
 * ../shared/reference/connect-metrics-and-rest-security.md (Part A.2)
 * quotes from those projects; startup counting as Apache's
 * WorkerMetricsGroup listeners.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <time.h>

#include "kc_internal.h"

#include "metrics/kc_metrics.h"
#include "metrics/kc_state_tracker.h"

#define TRACKER_GOLDEN                                                         \
    KC_SOURCE_DIR "/tests/golden/metrics_state_tracker_golden.jsonl"

static kc_metrics_t *new_registry(kc_metrics_scheme_t scheme)
{
    kc_stat_config_t cfg = {.window_ms = 30000, .samples = 2};

    return kc_metrics_new(&cfg, scheme);
}

static char *render(kc_metrics_t *m)
{
    size_t len = 0;
    char *text = kc_metrics_render(m, &len);

    assert_int_equal(strlen(text), len);
    return text;
}

static void assert_line(const char *text, const char *line)
{
    const char *p = text;
    size_t n = strlen(line);

    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n') {
            return;
        }
        p++;
    }
    fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void assert_no(const char *text, const char *what)
{
    if (strstr(text, what) != NULL) {
        fail_msg("\"%s\" should not appear in:\n%s", what, text);
    }
}

/* A worker with a running source task that polled 5 and wrote 4. */
static kc_metrics_t *populated(kc_metrics_scheme_t scheme)
{
    kc_metrics_t *m = new_registry(scheme);
    kc_task_metrics_t *tm;

    kc_metrics_connector_add(m, "src", false,
                             "org.apache.kafka.connect.file."
                             "FileStreamSourceConnector",
                             "4.1.1");
    kc_metrics_state(m, "src", -1, KC_STATE_RUNNING);
    tm = kc_metrics_task_add(m, "src", 0, false);
    kc_metrics_state(m, "src", 0, KC_STATE_RUNNING);
    kc_metrics_source_poll(tm, 5, 3);
    kc_metrics_source_write(tm, 4, 0);
    kc_metrics_error(tm, KC_MERR_ERRORS);
    return m;
}

static void test_strimzi_names(void **state)
{
    kc_metrics_t *m = populated(KC_METRICS_STRIMZI);
    char *t = render(m);

    KC_UNUSED(state);
    assert_line(t, "# TYPE kafka_connect_worker_task_count gauge");
    assert_line(t, "kafka_connect_worker_task_count 1.0");
    assert_line(t, "kafka_connect_worker_connector_count 1.0");
    assert_line(t, "# TYPE kafka_connect_worker_connector_startup_attempts_"
                   "total counter");
    assert_line(t, "kafka_connect_worker_connector_startup_attempts_total 1.0");
    assert_line(t, "kafka_connect_worker_connector_failed_task_count"
                   "{connector=\"src\"} 0.0");
    assert_line(t, "kafka_connect_worker_connector_running_task_count"
                   "{connector=\"src\"} 1.0");
    assert_line(t, "kafka_connect_connector_status{connector=\"src\","
                   "status=\"running\"} 1.0");
    assert_line(t, "kafka_connect_connector_connector_class{connector=\"src\","
                   "connector_class=\"org.apache.kafka.connect.file."
                   "FileStreamSourceConnector\"} 1.0");
    assert_line(t, "kafka_connect_connector_connector_type{connector=\"src\","
                   "connector_type=\"source\"} 1.0");
    assert_line(t, "kafka_connect_connector_task_status{connector=\"src\","
                   "task=\"0\",status=\"running\"} 1.0");
    assert_line(t, "# TYPE kafka_connect_source_task_source_record_poll_total "
                   "counter");
    assert_line(t, "kafka_connect_source_task_source_record_poll_total"
                   "{connector=\"src\",task=\"0\"} 5.0");
    assert_line(t, "kafka_connect_source_task_source_record_write_total"
                   "{connector=\"src\",task=\"0\"} 4.0");
    assert_line(t, "kafka_connect_source_task_source_record_active_count"
                   "{connector=\"src\",task=\"0\"} 1.0");
    assert_line(t, "# TYPE kafka_connect_task_error_total_record_errors "
                   "gauge");
    assert_line(t, "kafka_connect_task_error_total_record_errors"
                   "{connector=\"src\",task=\"0\"} 1.0");
    /* Commits not yet made: Apache's Avg and Max read NaN. */
    assert_line(t, "kafka_connect_connector_task_offset_commit_avg_time_ms"
                   "{connector=\"src\",task=\"0\"} NaN");
    /* Strimzi's rules drop the percentages of connector-task-metrics. */
    assert_no(t, "offset_commit_success_percentage");
    kc_free(t);
    kc_metrics_destroy(m);
}

static void test_jmx_exporter_default_names(void **state)
{
    kc_metrics_t *m = populated(KC_METRICS_JMX);
    char *t = render(m);

    KC_UNUSED(state);
    assert_line(t, "kafka_connect_connect_worker_metrics_task_count 1.0");
    assert_line(t, "# TYPE kafka_connect_source_task_metrics_source_record_"
                   "poll_total untyped");
    assert_line(t, "kafka_connect_source_task_metrics_source_record_poll_total"
                   "{connector=\"src\",task=\"0\"} 5.0");
    assert_line(t, "kafka_connect_connector_task_metrics_offset_commit_"
                   "success_percentage{connector=\"src\",task=\"0\"} 0.0");
    /* string attributes are dropped */
    assert_no(t, "kafka_connect_connector_metrics_status");
    kc_free(t);
    kc_metrics_destroy(m);
}

static void test_strimzi_reporter_names(void **state)
{
    kc_metrics_t *m = populated(KC_METRICS_REPORTER);
    char *t = render(m);

    KC_UNUSED(state);
    assert_line(t, "kafka_connect_connect_worker_metrics_task_count 1.0");
    assert_line(t, "# TYPE kafka_connect_connect_worker_metrics_connector_"
                   "startup_attempts gauge");
    assert_line(t, "kafka_connect_connect_worker_metrics_connector_startup_"
                   "attempts 1.0");
    assert_line(t, "kafka_connect_source_task_metrics_source_record_poll"
                   "{connector=\"src\",task=\"0\"} 5.0");
    assert_line(t, "kafka_connect_connector_metrics_status_info"
                   "{connector=\"src\",status=\"running\"} 1.0");
    assert_line(t, "kafka_connect_connector_task_metrics_status_info"
                   "{connector=\"src\",task=\"0\",status=\"running\"} 1.0");
    kc_free(t);
    kc_metrics_destroy(m);
}

/* Apache's listeners: a failure before the first start is a failed
 * startup; one after it is not; a new instance counts again. */
static void test_startup_counting(void **state)
{
    kc_metrics_t *m = new_registry(KC_METRICS_STRIMZI);
    kc_task_metrics_t *a;
    kc_task_metrics_t *b;
    char *t;

    KC_UNUSED(state);
    a = kc_metrics_task_add(m, "c", 0, true);
    b = kc_metrics_task_add(m, "c", 1, true);
    kc_metrics_state(m, "c", 0, KC_STATE_RUNNING);
    kc_metrics_state(m, "c", 0, KC_STATE_FAILED);
    kc_metrics_state(m, "c", 1, KC_STATE_FAILED);
    t = render(m);
    assert_line(t, "kafka_connect_worker_task_startup_attempts_total 2.0");
    assert_line(t, "kafka_connect_worker_task_startup_success_total 1.0");
    assert_line(t, "kafka_connect_worker_task_startup_failure_total 1.0");
    assert_line(t, "kafka_connect_worker_task_startup_success_percentage 0.5");
    assert_line(t, "kafka_connect_worker_connector_failed_task_count"
                   "{connector=\"c\"} 2.0");
    assert_line(t, "kafka_connect_worker_connector_total_task_count"
                   "{connector=\"c\"} 2.0");
    kc_free(t);
    kc_metrics_task_remove(m, a, true);
    t = render(m);
    assert_line(t, "kafka_connect_worker_task_count 1.0");
    kc_free(t);
    kc_metrics_task_remove(m, b, true);
    t = render(m);
    assert_line(t, "kafka_connect_worker_task_count 0.0");
    assert_no(t, "connector=\"c\"");
    kc_free(t);
    kc_metrics_destroy(m);
}

/* Label values are escaped as the exposition format requires. */
static void test_label_values_escaped(void **state)
{
    kc_metrics_t *m = new_registry(KC_METRICS_STRIMZI);
    char *t;

    KC_UNUSED(state);
    kc_metrics_connector_add(m, "a\"b\\c\nd", true, "X", "1");
    t = render(m);
    assert_line(t, "kafka_connect_connector_connector_type"
                   "{connector=\"a\\\"b\\\\c\\nd\",connector_type=\"sink\"} "
                   "1.0");
    kc_free(t);
    kc_metrics_destroy(m);
}

/* The automatic restart figures are served under the same kconnect_
 * names in every scheme (Apache has none), sorted, and go with their
 * connector. */
static void test_auto_restart_series_in_every_scheme(void **state)
{
    kc_metrics_scheme_t schemes[] = {KC_METRICS_STRIMZI, KC_METRICS_JMX,
                                     KC_METRICS_REPORTER};

    KC_UNUSED(state);
    for (size_t i = 0; i < KC_ARRAY_LEN(schemes); i++) {
        kc_metrics_t *m = new_registry(schemes[i]);
        char *t;

        kc_metrics_autorestart(m, "src", 1, 3, 0, true);
        kc_metrics_autorestart(m, "src", -1, 1, 1764904443500, false);
        kc_metrics_autorestart(m, "other", 0, 1, 0, false);
        kc_metrics_autorestart(m, "src", 1, 4, 0, true); /* an update */
        t = render(m);
        assert_line(t, "# TYPE kconnect_auto_restart_attempts gauge\n"
                       "kconnect_auto_restart_attempts"
                       "{connector=\"other\",task=\"0\"} 1.0\n"
                       "kconnect_auto_restart_attempts{connector=\"src\"} "
                       "1.0\n"
                       "kconnect_auto_restart_attempts"
                       "{connector=\"src\",task=\"1\"} 4.0");
        assert_line(t, "kconnect_auto_restart_next_timestamp_seconds"
                       "{connector=\"src\"} 1764904443.5");
        assert_line(t, "kconnect_auto_restart_next_timestamp_seconds"
                       "{connector=\"src\",task=\"1\"} 0.0");
        assert_line(t, "# TYPE kconnect_auto_restart_gave_up gauge");
        assert_line(t, "kconnect_auto_restart_gave_up"
                       "{connector=\"src\",task=\"1\"} 1.0");
        assert_line(t, "kconnect_auto_restart_gave_up"
                       "{connector=\"src\"} 0.0");
        kc_free(t);
        kc_metrics_autorestart_forget(m, "src");
        t = render(m);
        assert_no(t, "connector=\"src\"");
        assert_line(t, "kconnect_auto_restart_gave_up"
                       "{connector=\"other\",task=\"0\"} 0.0");
        kc_free(t);
        kc_metrics_autorestart_forget(m, "other");
        t = render(m);
        assert_no(t, "kconnect_auto_restart");
        kc_free(t);
        kc_metrics_destroy(m);
    }
}

/* A librdkafka statistics document becomes the Java client names. */
static void test_client_statistics(void **state)
{
    kc_metrics_t *m = new_registry(KC_METRICS_STRIMZI);
    kc_task_metrics_t *tm = kc_metrics_task_add(m, "s", 0, true);
    const char *json =
        "{\"client_id\":\"connector-consumer-s-0\",\"type\":\"consumer\","
        "\"txmsgs\":0,\"tx_bytes\":100,\"rxmsgs\":7,\"rx_bytes\":900,"
        "\"brokers\":{\"b1\":{\"state\":\"UP\",\"waitresp_cnt\":1,"
        "\"rtt\":{\"avg\":2000,\"max\":5000,\"cnt\":2}},"
        "\"b2\":{\"state\":\"DOWN\",\"rtt\":{\"cnt\":0}}},"
        "\"topics\":{\"t\":{\"partitions\":{"
        "\"0\":{\"partition\":0,\"fetch_state\":\"active\","
        "\"hi_offset\":10,\"app_offset\":7},"
        "\"-1\":{\"partition\":-1,\"fetch_state\":\"none\","
        "\"hi_offset\":-1,\"app_offset\":-1}}}}}";
    char *t;

    KC_UNUSED(state);
    kc_metrics_client_stats(tm, json, strlen(json));
    t = render(m);
    assert_line(t, "kafka_consumer_connection_count"
                   "{clientid=\"connector-consumer-s-0\"} 1.0");
    assert_line(t, "kafka_consumer_incoming_byte_total"
                   "{clientid=\"connector-consumer-s-0\"} 900.0");
    assert_line(t, "kafka_consumer_request_latency_avg"
                   "{clientid=\"connector-consumer-s-0\"} 2.0");
    assert_line(t, "kafka_consumer_fetch_manager_records_lag"
                   "{clientid=\"connector-consumer-s-0\",topic=\"t\","
                   "partition=\"0\"} 3.0");
    assert_line(t, "kconnect_consumer_lag_records"
                   "{client_id=\"connector-consumer-s-0\",topic=\"t\","
                   "partition=\"0\"} 3.0");
    assert_line(t, "kconnect_client_records_received_total"
                   "{client_id=\"connector-consumer-s-0\"} 7.0");
    kc_free(t);
    /* Garbage is ignored, the last good figures stay. */
    kc_metrics_client_stats(tm, "{", 1);
    t = render(m);
    assert_line(t, "kconnect_client_records_received_total"
                   "{client_id=\"connector-consumer-s-0\"} 7.0");
    kc_free(t);
    kc_metrics_destroy(m);
}

static kc_state_t state_named(const char *name)
{
    static const struct {
        const char *name;
        kc_state_t state;
    } rows[] = {{"UNASSIGNED", KC_STATE_UNASSIGNED},
                {"RUNNING", KC_STATE_RUNNING},
                {"PAUSED", KC_STATE_PAUSED},
                {"STOPPED", KC_STATE_STOPPED},
                {"FAILED", KC_STATE_FAILED},
                {"RESTARTING", KC_STATE_RESTARTING},
                {"DESTROYED", KC_STATE_DESTROYED}};

    for (size_t i = 0; i < KC_ARRAY_LEN(rows); i++) {
        if (strcmp(rows[i].name, name) == 0) {
            return rows[i].state;
        }
    }
    fail_msg("unknown state %s", name);
    return KC_STATE_UNASSIGNED;
}

/* running-ratio / pause-ratio: Apache's StateTracker replayed
 * (tests/golden/GenStateTrackerGolden.java wrote what it read). */
static void test_state_ratios_match_apache_golden(void **state)
{
    FILE *f = fopen(TRACKER_GOLDEN, "r");
    char buf[1024];
    kc_state_tracker_t t = {0};
    int checks = 0;
    int line = 0;

    KC_UNUSED(state);
    assert_non_null(f);
    while (fgets(buf, sizeof(buf), f) != NULL) {
        json_error_t jerr;
        json_t *o = json_loads(buf, 0, &jerr);
        json_t *ratios = json_object_get(o, "ratios");
        int64_t now = json_integer_value(json_object_get(o, "t"));

        line++;
        assert_non_null(o);
        if (json_object_get(o, "new") != NULL) {
            memset(&t, 0, sizeof(t));
        } else if (ratios != NULL) {
            const char *name;
            json_t *want;

            json_object_foreach(ratios, name, want)
            {
                double got = kc_state_tracker_ratio(&t, state_named(name), now);

                if (fabs(got - json_number_value(want)) > 1e-15) {
                    fail_msg("line %d %s: want %.17g got %.17g", line, name,
                             json_number_value(want), got);
                }
                checks++;
            }
        } else {
            kc_state_tracker_change(
                &t, state_named(json_string_value(json_object_get(o, "state"))),
                now);
        }
        json_decref(o);
    }
    fclose(f);
    assert_true(checks > 100);
}

/* The measurement: one scrape with 100 tasks (printed, not
 * asserted). */
static void test_scrape_cost_with_100_tasks(void **state)
{
    kc_metrics_t *m = new_registry(KC_METRICS_STRIMZI);
    struct timespec a;
    struct timespec b;
    size_t len = 0;
    char *t;
    int rounds = 20;

    KC_UNUSED(state);
    for (int c = 0; c < 10; c++) {
        char name[32];

        snprintf(name, sizeof(name), "conn-%d", c);
        kc_metrics_connector_add(m, name, c % 2 == 1, "X", "1");
        for (int i = 0; i < 10; i++) {
            kc_task_metrics_t *tm = kc_metrics_task_add(m, name, i, c % 2);

            kc_metrics_state(m, name, i, KC_STATE_RUNNING);
            kc_metrics_source_poll(tm, 100, 1);
            kc_metrics_sink_read(tm, 100);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int r = 0; r < rounds; r++) {
        t = kc_metrics_render(m, &len);
        kc_free(t);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    print_message("scrape with 100 tasks: %zu bytes, %.2f ms\n", len,
                  ((double)(b.tv_sec - a.tv_sec) * 1e3 +
                   (double)(b.tv_nsec - a.tv_nsec) / 1e6) /
                      rounds);
    assert_true(len > 0);
    kc_metrics_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strimzi_names),
        cmocka_unit_test(test_jmx_exporter_default_names),
        cmocka_unit_test(test_strimzi_reporter_names),
        cmocka_unit_test(test_startup_counting),
        cmocka_unit_test(test_label_values_escaped),
        cmocka_unit_test(test_auto_restart_series_in_every_scheme),
        cmocka_unit_test(test_client_statistics),
        cmocka_unit_test(test_state_ratios_match_apache_golden),
        cmocka_unit_test(test_scrape_cost_with_100_tasks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
