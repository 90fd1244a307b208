/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker's metrics registry: Apache Kafka Connect's metric groups
 * (connect-worker-metrics, connector-metrics, connector-task-metrics,
 * source-task-metrics, sink-task-metrics, task-error-metrics) with their
 * names, tags and stats, read by GET /metrics (kc_metrics_expo.c).
 *
 * @locality the herder thread adds and removes groups and reports
 * states; a task thread records into its own kc_task_metrics_t; REST
 * threads scrape.
 * @locks `m->lock` guards the group lists and the worker's stats; a
 * task's windowed stats have their own lock, taken once per batch for a
 * few additions (never across a plugin or Kafka call) and by the
 * scraper; the error counters are relaxed atomics.
 */
#ifndef KC_METRICS_KC_METRICS_H
#define KC_METRICS_KC_METRICS_H

#include "kc_internal.h"

#include "metrics/kc_stat.h"
#include "runtime/kc_worker.h"

typedef struct kc_metrics kc_metrics_t;
typedef struct kc_task_metrics kc_task_metrics_t;

/* Prometheus naming schemes (metrics.prometheus.naming). */
typedef enum kc_metrics_scheme {
    KC_METRICS_STRIMZI, /* Strimzi's JMX exporter rules (the default) */
    KC_METRICS_JMX,     /* jmx_exporter's default names */
    KC_METRICS_REPORTER /* the Strimzi metrics reporter */
} kc_metrics_scheme_t;

/* task-error-metrics counters (Apache's ErrorHandlingMetrics). */
typedef enum kc_metrics_error {
    KC_MERR_FAILURES,     /* total-record-failures: each failed attempt */
    KC_MERR_ERRORS,       /* total-record-errors: each record given up */
    KC_MERR_SKIPPED,      /* total-records-skipped */
    KC_MERR_RETRIES,      /* total-retries */
    KC_MERR_LOGGED,       /* total-errors-logged */
    KC_MERR_DLQ_REQUESTS, /* deadletterqueue-produce-requests */
    KC_MERR_DLQ_FAILURES, /* deadletterqueue-produce-failures */
    KC_MERR_COUNT
} kc_metrics_error_t;

/**
 * @brief A registry for stats windows of @p cfg (copied) and a scheme
 * selecting the Prometheus names.
 */
kc_metrics_t *kc_metrics_new(const kc_stat_config_t *cfg,
                             kc_metrics_scheme_t scheme);
/** @brief Free @p m and every group still in it; NULL is a no-op. */
void kc_metrics_destroy(kc_metrics_t *m);
/**
 * @brief Parse a metrics.prometheus.naming value into @p out.
 * KC_ERR_INVALID for an unknown name.
 */
kc_err_t kc_metrics_scheme_parse(const char *name, kc_metrics_scheme_t *out);

/* ---- connectors (herder thread) ------------------------------------- */

/** @brief A connector instance of this worker: its connector-metrics. */
void kc_metrics_connector_add(kc_metrics_t *m, const char *name, bool sink,
                              const char *cls, const char *version);
/** @brief The instance is gone: drop its group. */
void kc_metrics_connector_remove(kc_metrics_t *m, const char *name);
/**
 * @brief @p connector (task < 0) or one of its tasks reached @p state:
 * status gauges, running/pause ratios and the startup counters.
 */
void kc_metrics_state(kc_metrics_t *m, const char *connector, int task,
                      kc_state_t state);

/**
 * @brief The automatic restarts of @p connector (task < 0) or one of its
 * tasks: @p attempts made so far, the wall-clock time of the next one
 * (@p next_wall_ms, 0 when none is due), and whether they @p gave_up.
 * Served as kconnect's own kconnect_auto_restart_* series. Any thread.
 */
void kc_metrics_autorestart(kc_metrics_t *m, const char *connector, int task,
                            int attempts, int64_t next_wall_ms, bool gave_up);
/** @brief @p connector is deleted: drop its restart series. */
void kc_metrics_autorestart_forget(kc_metrics_t *m, const char *connector);

/* ---- tasks ---------------------------------------------------------- */

/** @brief The groups of a new task of @p connector, registered in @p m. */
kc_task_metrics_t *kc_metrics_task_add(kc_metrics_t *m, const char *connector,
                                       int task, bool sink);
/**
 * @brief Unregister @p tm; free it too when @p free_it (false for a task
 * thread that may still run: its groups leak with it). NULL is a no-op.
 */
void kc_metrics_task_remove(kc_metrics_t *m, kc_task_metrics_t *tm,
                            bool free_it);

/*
 * Recording, on the task's thread. Every call takes a NULL @p tm (a task
 * run without a worker, in unit tests) as a no-op.
 */
/**
 * @brief Set a string of the task's connector-task-metrics (Apache 4.1,
 * KIP-891: connector-class, task-class, key-converter-version, ...);
 * @p value NULL or "" leaves it out. Both are copied.
 */
void kc_metrics_task_info(kc_task_metrics_t *tm, const char *key,
                          const char *value);
/** @brief A source poll returned @p n records after @p ms. */
void kc_metrics_source_poll(kc_task_metrics_t *tm, size_t n, int64_t ms);
/**
 * @brief Kafka acknowledged @p written records; @p dropped more were
 * dropped by transforms or skipped: both leave the active count.
 */
void kc_metrics_source_write(kc_task_metrics_t *tm, size_t written,
                             size_t dropped);
/** @brief The consumer returned @p n records. */
void kc_metrics_sink_read(kc_task_metrics_t *tm, size_t n);
/** @brief put() of @p n records took @p ms (@p ok: it succeeded). */
void kc_metrics_sink_put(kc_task_metrics_t *tm, size_t n, int64_t ms, bool ok);
/** @brief The consumer now has @p n partitions assigned. */
void kc_metrics_sink_partitions(kc_task_metrics_t *tm, int n);
/**
 * @brief An offset commit ended: @p ok, after @p ms. A sink commit also
 * advances offset-commit-seq-no and, when ok, leaves @p uncommitted
 * records read but not committed (sink-record-active-count).
 */
void kc_metrics_commit(kc_task_metrics_t *tm, bool ok, int64_t ms,
                       int64_t uncommitted);
/** @brief Add one to an error counter (any thread, lock-free). */
void kc_metrics_error(kc_task_metrics_t *tm, kc_metrics_error_t which);
/**
 * @brief A librdkafka statistics JSON document (statistics.interval.ms)
 * of this task's client @p rk_name: kept until the next one.
 */
void kc_metrics_client_stats(kc_task_metrics_t *tm, const char *json,
                             size_t len);

/**
 * @brief A librdkafka statistics document of the worker's own admin
 * client (any thread): its figures under admin-client-metrics.
 */
void kc_metrics_admin_stats(kc_metrics_t *m, const char *json, size_t len);

/* ---- scrape ---------------------------------------------------------- */

/**
 * @brief The Prometheus text exposition (format 0.0.4) of everything in
 * @p m, process figures included. Caller frees; *len set.
 */
char *kc_metrics_render(kc_metrics_t *m, size_t *len);

#endif /* KC_METRICS_KC_METRICS_H */
