/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What kc_metrics.c (the groups), kc_metrics_client.c (librdkafka
 * statistics) and kc_metrics_expo.c (the exposition) share. Private to
 * src/metrics/.
 */
#ifndef KC_METRICS_KC_METRICS_INT_H
#define KC_METRICS_KC_METRICS_INT_H

#include "metrics/kc_metrics.h"
#include "metrics/kc_state_tracker.h"

#include "util/kc_str.h"

#include <pthread.h>
#include <stdatomic.h>

#define KC_METRICS_MAX_CLIENTS 4

/* One partition of a consumer's statistics. */
typedef struct kc_client_part {
    char *topic;
    int32_t partition;
    double lag; /* high watermark - position, as Java's records-lag */
} kc_client_part_t;

/* The figures kept from one librdkafka statistics document. */
typedef struct kc_client_stats {
    char *name; /* client.id */
    bool consumer;
    bool admin; /* the worker's admin client (admin-client-metrics) */
    double tx_msgs, tx_bytes, rx_msgs, rx_bytes;
    double connections;            /* brokers in state UP */
    double rtt_avg_ms, rtt_max_ms; /* over the brokers, last interval */
    double requests_in_flight;
    kc_client_part_t *parts;
    size_t nparts;
} kc_client_stats_t;

struct kc_task_metrics {
    struct kc_task_metrics *next;
    char *connector;
    int id;
    char idstr[16];
    bool sink;
    /* @locks m->lock (herder reports, scrapes) */
    kc_state_tracker_t states;
    bool started;
    /* @locks lock: the windowed stats and plain values below */
    pthread_mutex_t lock;
    kc_stat_t batch_max, batch_avg;
    kc_stat_t commit_max, commit_avg, commit_freq;
    kc_stat_t rate_a, rate_b;     /* poll / read rate; write / send rate */
    double total_a, total_b;      /* their cumulative sums */
    kc_stat_t time_max, time_avg; /* poll-batch / put-batch time */
    double active;                /* source or sink record active count */
    kc_stat_t active_max, active_avg;
    double partitions, seq_no;
    kc_stat_t completion_rate, skip_rate;
    double completion_total, skip_total;
    kc_client_stats_t clients[KC_METRICS_MAX_CLIENTS];
    size_t nclients;
    kc_strlist_t info; /* key, value, key, value ... (KIP-891 strings) */
    const kc_stat_config_t *cfg; /* the registry's */
    /* lock-free */
    atomic_llong errors[KC_MERR_COUNT];
    atomic_llong last_error_ms;
};

typedef struct kc_conn_metrics {
    struct kc_conn_metrics *next;
    char *name;
    bool sink;
    char *cls;
    char *version;
    kc_state_t state;
    bool started;
} kc_conn_metrics_t;

/* The automatic restart figures of a connector (task -1) or task. */
typedef struct kc_ar_metrics {
    struct kc_ar_metrics *next;
    char *connector;
    int task;
    char idstr[16];
    int attempts;
    int64_t next_wall_ms; /* 0: no restart due */
    bool gave_up;
} kc_ar_metrics_t;

/* One instance kind's (connector's or task's) startup figures: Apache
 * keeps the same five per kind in WorkerMetricsGroup. */
typedef struct kc_startup_stats {
    double attempts, successes, failures;
    kc_stat_t freq; /* of successes among attempts */
} kc_startup_stats_t;

struct kc_metrics {
    pthread_mutex_t lock;
    kc_stat_config_t cfg;
    kc_metrics_scheme_t scheme;
    kc_conn_metrics_t *conns;
    kc_task_metrics_t *tasks;
    /* connect-worker-metrics startup figures */
    kc_startup_stats_t conn_startup, task_startup;
    kc_client_stats_t admin;   /* admin.name NULL until its first report */
    kc_ar_metrics_t *restarts; /* kconnect_auto_restart_* series */
};

/* A metric as Apache would register it: JMX domain, group, tags, name. */
typedef struct kc_msample {
    const char *domain; /* "kafka.connect", "kafka.producer", ... */
    const char *group;  /* the JMX type, e.g. "source-task-metrics" */
    const char *tagk[3];
    const char *tagv[3];
    int ntags;
    const char *attr;
    double value;
    const char *str; /* a string metric's value, else NULL */
} kc_msample_t;

/* Growing list of samples, strings in an arena, for one scrape. */
typedef struct kc_msamples {
    kc_msample_t *v;
    size_t n, cap;
    kc_arena_t *arena;
} kc_msamples_t;

/* Append a sample. @p domain, @p group and @p attr are kept as given, so
 * they must outlive the scrape (literals); kc_msample_tag copies tag
 * values into the arena. */
kc_msample_t *kc_msamples_add(kc_msamples_t *s, const char *domain,
                              const char *group, const char *attr,
                              double value);
void kc_msample_tag(kc_msamples_t *s, kc_msample_t *x, const char *k,
                    const char *v);

/* The Java-named client samples of @p cs (client-id tag). */
void kc_metrics_client_samples(kc_msamples_t *s, const kc_client_stats_t *cs);
/* Free what @p cs holds. */
void kc_client_stats_release(kc_client_stats_t *cs);
/* Parse a statistics document into @p cs (zeroed first). */
bool kc_client_stats_parse(kc_client_stats_t *cs, const char *json, size_t len);
/* The kconnect_ client series and process figures, after the samples. */
void kc_metrics_render_extra(kc_buf_t *out, kc_metrics_t *m);

/* Render @p s in @p scheme into @p out. */
void kc_metrics_render_samples(kc_buf_t *out, kc_msamples_t *s,
                               kc_metrics_scheme_t scheme);

#endif /* KC_METRICS_KC_METRICS_INT_H */
