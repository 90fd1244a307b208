/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metric groups Apache Kafka Connect registers, kept per worker; see
 * kc_metrics.h. Recording takes the task's own lock for a few additions
 * once per batch; only a scrape contends for it.
 */
#include "kc_internal.h"

#include "metrics/kc_metrics_int.h"

#include "util/kc_clock.h"
#include "util/kc_str.h"

#include <math.h>

static int64_t now_ms(void)
{
    return kc_clock_now_ms();
}

kc_err_t kc_metrics_scheme_parse(const char *name, kc_metrics_scheme_t *out)
{
    if (name == NULL || *name == '\0' || strcmp(name, "strimzi") == 0) {
        *out = KC_METRICS_STRIMZI;
    } else if (strcmp(name, "jmx") == 0) {
        *out = KC_METRICS_JMX;
    } else if (strcmp(name, "strimzi-reporter") == 0) {
        *out = KC_METRICS_REPORTER;
    } else {
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

kc_metrics_t *kc_metrics_new(const kc_stat_config_t *cfg,
                             kc_metrics_scheme_t scheme)
{
    kc_metrics_t *m = kc_calloc(1, sizeof(*m));

    pthread_mutex_init(&m->lock, NULL);
    m->cfg = *cfg;
    if (m->cfg.samples < 1) {
        m->cfg.samples = 1;
    }
    if (m->cfg.window_ms < 1) {
        m->cfg.window_ms = 1;
    }
    m->scheme = scheme;
    kc_stat_init(&m->conn_startup.freq, KC_STAT_FREQ, &m->cfg);
    kc_stat_init(&m->task_startup.freq, KC_STAT_FREQ, &m->cfg);
    return m;
}

static void conn_free(kc_conn_metrics_t *c)
{
    kc_free(c->name);
    kc_free(c->cls);
    kc_free(c->version);
    kc_free(c);
}

static void task_free(kc_task_metrics_t *tm)
{
    kc_stat_t *stats[] = {
        &tm->batch_max,  &tm->batch_avg,   &tm->commit_max,
        &tm->commit_avg, &tm->commit_freq, &tm->rate_a,
        &tm->rate_b,     &tm->time_max,    &tm->time_avg,
        &tm->active_max, &tm->active_avg,  &tm->completion_rate,
        &tm->skip_rate};

    for (size_t i = 0; i < KC_ARRAY_LEN(stats); i++) {
        kc_stat_release(stats[i]);
    }
    for (size_t i = 0; i < tm->nclients; i++) {
        kc_client_stats_release(&tm->clients[i]);
    }
    kc_strlist_release(&tm->info);
    pthread_mutex_destroy(&tm->lock);
    kc_free(tm->connector);
    kc_free(tm);
}

void kc_metrics_destroy(kc_metrics_t *m)
{
    if (m == NULL) {
        return;
    }
    while (m->conns != NULL) {
        kc_conn_metrics_t *c = m->conns;

        m->conns = c->next;
        conn_free(c);
    }
    while (m->tasks != NULL) {
        kc_task_metrics_t *tm = m->tasks;

        m->tasks = tm->next;
        task_free(tm);
    }
    while (m->restarts != NULL) {
        kc_ar_metrics_t *r = m->restarts;

        m->restarts = r->next;
        kc_free(r->connector);
        kc_free(r);
    }
    kc_stat_release(&m->conn_startup.freq);
    kc_stat_release(&m->task_startup.freq);
    kc_client_stats_release(&m->admin);
    pthread_mutex_destroy(&m->lock);
    kc_free(m);
}

/* ---- connectors ----------------------------------------------------- */

static kc_conn_metrics_t **conn_slot(kc_metrics_t *m, const char *name)
{
    kc_conn_metrics_t **p = &m->conns;

    while (*p != NULL && strcmp((*p)->name, name) != 0) {
        p = &(*p)->next;
    }
    return p;
}

void kc_metrics_connector_add(kc_metrics_t *m, const char *name, bool sink,
                              const char *cls, const char *version)
{
    kc_conn_metrics_t *c;
    kc_conn_metrics_t **p;

    pthread_mutex_lock(&m->lock);
    p = conn_slot(m, name);
    if (*p != NULL) {
        /* A new instance of the same connector: start over. */
        c = *p;
        *p = c->next;
        conn_free(c);
    }
    c = kc_calloc(1, sizeof(*c));
    c->name = kc_strdup(name);
    c->sink = sink;
    c->cls = kc_strdup(cls != NULL ? cls : "");
    c->version = kc_strdup(version != NULL ? version : "");
    c->state = KC_STATE_UNASSIGNED;
    c->next = m->conns;
    m->conns = c;
    pthread_mutex_unlock(&m->lock);
}

void kc_metrics_connector_remove(kc_metrics_t *m, const char *name)
{
    kc_conn_metrics_t **p;

    pthread_mutex_lock(&m->lock);
    p = conn_slot(m, name);
    if (*p != NULL) {
        kc_conn_metrics_t *c = *p;

        *p = c->next;
        conn_free(c);
    }
    pthread_mutex_unlock(&m->lock);
}

/* ---- automatic restarts --------------------------------------------- */

void kc_metrics_autorestart(kc_metrics_t *m, const char *connector, int task,
                            int attempts, int64_t next_wall_ms, bool gave_up)
{
    kc_ar_metrics_t **p;
    kc_ar_metrics_t *r;

    if (m == NULL) {
        return;
    }
    pthread_mutex_lock(&m->lock);
    /* Kept sorted by connector, then task, so a scrape needs no sort. */
    p = &m->restarts;
    while (*p != NULL) {
        int c = strcmp((*p)->connector, connector);

        if (c > 0 || (c == 0 && (*p)->task >= task)) {
            break;
        }
        p = &(*p)->next;
    }
    r = *p;
    if (r == NULL || r->task != task || strcmp(r->connector, connector) != 0) {
        r = kc_calloc(1, sizeof(*r));
        r->connector = kc_strdup(connector);
        r->task = task;
        snprintf(r->idstr, sizeof(r->idstr), "%d", task);
        r->next = *p;
        *p = r;
    }
    r->attempts = attempts;
    r->next_wall_ms = next_wall_ms;
    r->gave_up = gave_up;
    pthread_mutex_unlock(&m->lock);
}

void kc_metrics_autorestart_forget(kc_metrics_t *m, const char *connector)
{
    kc_ar_metrics_t **p;

    if (m == NULL) {
        return;
    }
    pthread_mutex_lock(&m->lock);
    p = &m->restarts;
    while (*p != NULL) {
        kc_ar_metrics_t *r = *p;

        if (strcmp(r->connector, connector) == 0) {
            *p = r->next;
            kc_free(r->connector);
            kc_free(r);
        } else {
            p = &r->next;
        }
    }
    pthread_mutex_unlock(&m->lock);
}

/* A startup is the first running or paused report of an instance; a
 * failure before it counts as a failed startup (Apache's
 * WorkerMetricsGroup status listeners). */
static void note_startup(kc_metrics_t *m, bool *started, kc_state_t state,
                         bool task, int64_t now)
{
    kc_startup_stats_t *st = task ? &m->task_startup : &m->conn_startup;
    bool ok = state == KC_STATE_RUNNING || state == KC_STATE_PAUSED;

    if (*started || (!ok && state != KC_STATE_FAILED)) {
        return;
    }
    *started = true;
    st->attempts += 1;
    *(ok ? &st->successes : &st->failures) += 1;
    kc_stat_record(&st->freq, &m->cfg, ok ? 1.0 : 0.0, now);
}

void kc_metrics_state(kc_metrics_t *m, const char *connector, int task,
                      kc_state_t state)
{
    int64_t now = now_ms();

    pthread_mutex_lock(&m->lock);
    if (task < 0) {
        kc_conn_metrics_t *c = *conn_slot(m, connector);

        if (c != NULL) {
            c->state = state;
            note_startup(m, &c->started, state, false, now);
        }
    } else {
        for (kc_task_metrics_t *tm = m->tasks; tm != NULL; tm = tm->next) {
            if (tm->id == task && strcmp(tm->connector, connector) == 0) {
                kc_state_tracker_change(&tm->states, state, now);
                note_startup(m, &tm->started, state, true, now);
                break;
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
}

/* ---- tasks ---------------------------------------------------------- */

kc_task_metrics_t *kc_metrics_task_add(kc_metrics_t *m, const char *connector,
                                       int task, bool sink)
{
    kc_task_metrics_t *tm = kc_calloc(1, sizeof(*tm));
    const kc_stat_config_t *cfg = &m->cfg;

    tm->connector = kc_strdup(connector);
    tm->id = task;
    snprintf(tm->idstr, sizeof(tm->idstr), "%d", task);
    tm->sink = sink;
    tm->cfg = cfg;
    pthread_mutex_init(&tm->lock, NULL);
    kc_stat_init(&tm->batch_max, KC_STAT_MAX, cfg);
    kc_stat_init(&tm->batch_avg, KC_STAT_AVG, cfg);
    kc_stat_init(&tm->commit_max, KC_STAT_MAX, cfg);
    kc_stat_init(&tm->commit_avg, KC_STAT_AVG, cfg);
    kc_stat_init(&tm->commit_freq, KC_STAT_FREQ, cfg);
    kc_stat_init(&tm->rate_a, KC_STAT_SUM, cfg);
    kc_stat_init(&tm->rate_b, KC_STAT_SUM, cfg);
    kc_stat_init(&tm->time_max, KC_STAT_MAX, cfg);
    kc_stat_init(&tm->time_avg, KC_STAT_AVG, cfg);
    kc_stat_init(&tm->active_max, KC_STAT_MAX, cfg);
    kc_stat_init(&tm->active_avg, KC_STAT_AVG, cfg);
    kc_stat_init(&tm->completion_rate, KC_STAT_SUM, cfg);
    kc_stat_init(&tm->skip_rate, KC_STAT_SUM, cfg);
    for (int i = 0; i < KC_MERR_COUNT; i++) {
        atomic_init(&tm->errors[i], 0);
    }
    atomic_init(&tm->last_error_ms, 0);
    pthread_mutex_lock(&m->lock);
    /* Apache's WorkerTask starts its state timer as unassigned. */
    kc_state_tracker_change(&tm->states, KC_STATE_UNASSIGNED, now_ms());
    tm->next = m->tasks;
    m->tasks = tm;
    pthread_mutex_unlock(&m->lock);
    return tm;
}

void kc_metrics_task_remove(kc_metrics_t *m, kc_task_metrics_t *tm,
                            bool free_it)
{
    kc_task_metrics_t **p;

    if (tm == NULL) {
        return;
    }
    pthread_mutex_lock(&m->lock);
    for (p = &m->tasks; *p != NULL && *p != tm; p = &(*p)->next) {
    }
    if (*p != NULL) {
        *p = tm->next;
    }
    pthread_mutex_unlock(&m->lock);
    if (free_it) {
        task_free(tm);
    }
}

void kc_metrics_task_info(kc_task_metrics_t *tm, const char *key,
                          const char *value)
{
    if (tm == NULL || value == NULL || *value == '\0') {
        return;
    }
    pthread_mutex_lock(&tm->lock);
    kc_strlist_push(&tm->info, key);
    kc_strlist_push(&tm->info, value);
    pthread_mutex_unlock(&tm->lock);
}

/* The recorders below run with tm->lock held. */

/* A Meter: the rate sensor and the total both count @p n. */
static void meter_mark(kc_task_metrics_t *tm, kc_stat_t *rate, double *total,
                       double n, int64_t now)
{
    kc_stat_record(rate, tm->cfg, n, now);
    *total += n;
}

/* One value into a sensor's Max and Avg stats. */
static void max_avg_record(kc_task_metrics_t *tm, kc_stat_t *max,
                           kc_stat_t *avg, double v, int64_t now)
{
    kc_stat_record(max, tm->cfg, v, now);
    kc_stat_record(avg, tm->cfg, v, now);
}

/* The records in flight (never below 0) and their Max and Avg. */
static void set_active(kc_task_metrics_t *tm, double active, int64_t now)
{
    tm->active = active > 0 ? active : 0;
    max_avg_record(tm, &tm->active_max, &tm->active_avg, tm->active, now);
}

void kc_metrics_source_poll(kc_task_metrics_t *tm, size_t n, int64_t ms)
{
    int64_t now;

    if (tm == NULL) {
        return;
    }
    now = now_ms();
    pthread_mutex_lock(&tm->lock);
    meter_mark(tm, &tm->rate_a, &tm->total_a, (double)n, now);
    max_avg_record(tm, &tm->time_max, &tm->time_avg, (double)ms, now);
    max_avg_record(tm, &tm->batch_max, &tm->batch_avg, (double)n, now);
    set_active(tm, tm->active + (double)n, now);
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_source_write(kc_task_metrics_t *tm, size_t written,
                             size_t dropped)
{
    int64_t now;

    if (tm == NULL || written + dropped == 0) {
        return;
    }
    now = now_ms();
    pthread_mutex_lock(&tm->lock);
    meter_mark(tm, &tm->rate_b, &tm->total_b, (double)written, now);
    set_active(tm, tm->active - (double)(written + dropped), now);
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_sink_read(kc_task_metrics_t *tm, size_t n)
{
    int64_t now;

    if (tm == NULL) {
        return;
    }
    now = now_ms();
    pthread_mutex_lock(&tm->lock);
    meter_mark(tm, &tm->rate_a, &tm->total_a, (double)n, now);
    set_active(tm, tm->active + (double)n, now);
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_sink_put(kc_task_metrics_t *tm, size_t n, int64_t ms, bool ok)
{
    int64_t now;

    if (tm == NULL) {
        return;
    }
    now = now_ms();
    pthread_mutex_lock(&tm->lock);
    max_avg_record(tm, &tm->time_max, &tm->time_avg, (double)ms, now);
    if (ok) {
        meter_mark(tm, &tm->rate_b, &tm->total_b, (double)n, now);
        max_avg_record(tm, &tm->batch_max, &tm->batch_avg, (double)n, now);
    }
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_sink_partitions(kc_task_metrics_t *tm, int n)
{
    if (tm == NULL) {
        return;
    }
    pthread_mutex_lock(&tm->lock);
    tm->partitions = n;
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_commit(kc_task_metrics_t *tm, bool ok, int64_t ms,
                       int64_t uncommitted)
{
    int64_t now;

    if (tm == NULL) {
        return;
    }
    now = now_ms();
    pthread_mutex_lock(&tm->lock);
    kc_stat_record(&tm->commit_freq, tm->cfg, ok ? 1.0 : 0.0, now);
    if (ok) {
        max_avg_record(tm, &tm->commit_max, &tm->commit_avg, (double)ms, now);
    }
    if (tm->sink) {
        tm->seq_no += 1;
        if (ok) {
            meter_mark(tm, &tm->completion_rate, &tm->completion_total, 1.0,
                       now);
            set_active(tm, (double)uncommitted, now);
        }
    }
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_error(kc_task_metrics_t *tm, kc_metrics_error_t which)
{
    if (tm == NULL) {
        return;
    }
    atomic_fetch_add_explicit(&tm->errors[which], 1, memory_order_relaxed);
    if (which == KC_MERR_ERRORS) {
        /* Apache stamps wall-clock time (last-error-timestamp). */
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        atomic_store_explicit(&tm->last_error_ms,
                              (long long)ts.tv_sec * 1000 +
                                  ts.tv_nsec / 1000000,
                              memory_order_relaxed);
    }
}

void kc_metrics_client_stats(kc_task_metrics_t *tm, const char *json,
                             size_t len)
{
    kc_client_stats_t cs;
    size_t i;

    if (tm == NULL || !kc_client_stats_parse(&cs, json, len)) {
        return;
    }
    pthread_mutex_lock(&tm->lock);
    for (i = 0; i < tm->nclients; i++) {
        if (strcmp(tm->clients[i].name, cs.name) == 0) {
            break;
        }
    }
    if (i == KC_METRICS_MAX_CLIENTS) {
        pthread_mutex_unlock(&tm->lock);
        kc_client_stats_release(&cs);
        return;
    }
    if (i < tm->nclients) {
        kc_client_stats_release(&tm->clients[i]);
    } else {
        tm->nclients++;
    }
    tm->clients[i] = cs;
    pthread_mutex_unlock(&tm->lock);
}

void kc_metrics_admin_stats(kc_metrics_t *m, const char *json, size_t len)
{
    kc_client_stats_t cs;

    if (!kc_client_stats_parse(&cs, json, len)) {
        return;
    }
    cs.admin = true;
    cs.consumer = false;
    pthread_mutex_lock(&m->lock);
    kc_client_stats_release(&m->admin);
    m->admin = cs;
    pthread_mutex_unlock(&m->lock);
}

/* ---- collection ----------------------------------------------------- */

kc_msample_t *kc_msamples_add(kc_msamples_t *s, const char *domain,
                              const char *group, const char *attr, double value)
{
    kc_msample_t *x;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = kc_realloc(s->v, s->cap * sizeof(*s->v));
    }
    x = &s->v[s->n++];
    memset(x, 0, sizeof(*x));
    x->domain = domain;
    x->group = group;
    x->attr = attr;
    x->value = value;
    return x;
}

void kc_msample_tag(kc_msamples_t *s, kc_msample_t *x, const char *k,
                    const char *v)
{
    if (x->ntags < 3) {
        x->tagk[x->ntags] = k;
        x->tagv[x->ntags] = kc_arena_strdup(s->arena, v);
        x->ntags++;
    }
}

static kc_msample_t *task_sample(kc_msamples_t *s, const kc_task_metrics_t *tm,
                                 const char *group, const char *attr,
                                 double value)
{
    kc_msample_t *x = kc_msamples_add(s, "kafka.connect", group, attr, value);

    kc_msample_tag(s, x, "connector", tm->connector);
    kc_msample_tag(s, x, "task", tm->idstr);
    return x;
}

/* Apache's Meter: a rate and the cumulative total it counts. */
static void meter_samples(kc_msamples_t *s, const kc_task_metrics_t *tm,
                          const char *group, const char *rate_attr,
                          const char *total_attr, kc_stat_t *rate, double total,
                          int64_t now)
{
    task_sample(s, tm, group, rate_attr, kc_stat_rate(rate, tm->cfg, now));
    task_sample(s, tm, group, total_attr, total);
}

/* A sensor's Max and Avg stats, sampled side by side. */
static void max_avg_samples(kc_msamples_t *s, const kc_task_metrics_t *tm,
                            const char *group, const char *max_attr,
                            const char *avg_attr, kc_stat_t *max,
                            kc_stat_t *avg, int64_t now)
{
    task_sample(s, tm, group, max_attr, kc_stat_measure(max, tm->cfg, now));
    task_sample(s, tm, group, avg_attr, kc_stat_measure(avg, tm->cfg, now));
}

static const char *lower_state(kc_state_t state)
{
    static const char *const names[] = {"unassigned", "running", "paused",
                                        "stopped",    "failed",  "restarting",
                                        "destroyed"};

    return (size_t)state < KC_ARRAY_LEN(names) ? names[state] : "unassigned";
}

static void collect_task(kc_msamples_t *s, kc_task_metrics_t *tm, int64_t now)
{
    static const char *const err_names[KC_MERR_COUNT] = {
        "total-record-failures",
        "total-record-errors",
        "total-records-skipped",
        "total-retries",
        "total-errors-logged",
        "deadletterqueue-produce-requests",
        "deadletterqueue-produce-failures"};
    const char *ct = "connector-task-metrics";
    const char *g = tm->sink ? "sink-task-metrics" : "source-task-metrics";
    const kc_stat_config_t *cfg = tm->cfg;
    kc_msample_t *x;

    /* connector-task-metrics (m->lock held: the state tracker) */
    x = task_sample(s, tm, ct, "status", 0);
    x->str = lower_state(tm->states.state);
    task_sample(s, tm, ct, "running-ratio",
                kc_state_tracker_ratio(&tm->states, KC_STATE_RUNNING, now));
    task_sample(s, tm, ct, "pause-ratio",
                kc_state_tracker_ratio(&tm->states, KC_STATE_PAUSED, now));
    pthread_mutex_lock(&tm->lock);
    for (size_t i = 0; i + 1 < tm->info.count; i += 2) {
        x = task_sample(s, tm, ct, kc_arena_strdup(s->arena, tm->info.items[i]),
                        0);
        x->str = kc_arena_strdup(s->arena, tm->info.items[i + 1]);
    }
    max_avg_samples(s, tm, ct, "batch-size-max", "batch-size-avg",
                    &tm->batch_max, &tm->batch_avg, now);
    max_avg_samples(s, tm, ct, "offset-commit-max-time-ms",
                    "offset-commit-avg-time-ms", &tm->commit_max,
                    &tm->commit_avg, now);
    task_sample(s, tm, ct, "offset-commit-success-percentage",
                kc_stat_frequency(&tm->commit_freq, cfg, now, true));
    task_sample(s, tm, ct, "offset-commit-failure-percentage",
                kc_stat_frequency(&tm->commit_freq, cfg, now, false));
    if (!tm->sink) {
        meter_samples(s, tm, g, "source-record-poll-rate",
                      "source-record-poll-total", &tm->rate_a, tm->total_a,
                      now);
        meter_samples(s, tm, g, "source-record-write-rate",
                      "source-record-write-total", &tm->rate_b, tm->total_b,
                      now);
        max_avg_samples(s, tm, g, "poll-batch-max-time-ms",
                        "poll-batch-avg-time-ms", &tm->time_max, &tm->time_avg,
                        now);
        task_sample(s, tm, g, "source-record-active-count", tm->active);
        max_avg_samples(s, tm, g, "source-record-active-count-max",
                        "source-record-active-count-avg", &tm->active_max,
                        &tm->active_avg, now);
    } else {
        meter_samples(s, tm, g, "sink-record-read-rate",
                      "sink-record-read-total", &tm->rate_a, tm->total_a, now);
        meter_samples(s, tm, g, "sink-record-send-rate",
                      "sink-record-send-total", &tm->rate_b, tm->total_b, now);
        task_sample(s, tm, g, "sink-record-active-count", tm->active);
        max_avg_samples(s, tm, g, "sink-record-active-count-max",
                        "sink-record-active-count-avg", &tm->active_max,
                        &tm->active_avg, now);
        task_sample(s, tm, g, "partition-count", tm->partitions);
        task_sample(s, tm, g, "offset-commit-seq-no", tm->seq_no);
        meter_samples(s, tm, g, "offset-commit-completion-rate",
                      "offset-commit-completion-total", &tm->completion_rate,
                      tm->completion_total, now);
        meter_samples(s, tm, g, "offset-commit-skip-rate",
                      "offset-commit-skip-total", &tm->skip_rate,
                      tm->skip_total, now);
        max_avg_samples(s, tm, g, "put-batch-max-time-ms",
                        "put-batch-avg-time-ms", &tm->time_max, &tm->time_avg,
                        now);
    }
    for (size_t i = 0; i < tm->nclients; i++) {
        kc_metrics_client_samples(s, &tm->clients[i]);
    }
    pthread_mutex_unlock(&tm->lock);
    for (int i = 0; i < KC_MERR_COUNT; i++) {
        task_sample(
            s, tm, "task-error-metrics", err_names[i],
            (double)atomic_load_explicit(&tm->errors[i], memory_order_relaxed));
    }
    task_sample(
        s, tm, "task-error-metrics", "last-error-timestamp",
        (double)atomic_load_explicit(&tm->last_error_ms, memory_order_relaxed));
}

/* Attribute names of a kind's startup figures, in kc_startup_stats_t
 * order: attempts, successes, failures, success %, failure %. */
static const char *const conn_startup_attrs[5] = {
    "connector-startup-attempts-total", "connector-startup-success-total",
    "connector-startup-failure-total", "connector-startup-success-percentage",
    "connector-startup-failure-percentage"};
static const char *const task_startup_attrs[5] = {
    "task-startup-attempts-total", "task-startup-success-total",
    "task-startup-failure-total", "task-startup-success-percentage",
    "task-startup-failure-percentage"};

static void startup_samples(kc_msamples_t *s, const char *group,
                            kc_startup_stats_t *st, const char *const attrs[5],
                            const kc_stat_config_t *cfg, int64_t now)
{
    kc_msamples_add(s, "kafka.connect", group, attrs[0], st->attempts);
    kc_msamples_add(s, "kafka.connect", group, attrs[1], st->successes);
    kc_msamples_add(s, "kafka.connect", group, attrs[2], st->failures);
    kc_msamples_add(s, "kafka.connect", group, attrs[3],
                    kc_stat_frequency(&st->freq, cfg, now, true));
    kc_msamples_add(s, "kafka.connect", group, attrs[4],
                    kc_stat_frequency(&st->freq, cfg, now, false));
}

static void collect_worker(kc_msamples_t *s, kc_metrics_t *m, int64_t now)
{
    const char *w = "connect-worker-metrics";
    double nconn = 0;
    double ntask = 0;

    for (kc_conn_metrics_t *c = m->conns; c != NULL; c = c->next) {
        nconn++;
    }
    for (kc_task_metrics_t *t = m->tasks; t != NULL; t = t->next) {
        ntask++;
    }
    kc_msamples_add(s, "kafka.connect", w, "connector-count", nconn);
    kc_msamples_add(s, "kafka.connect", w, "task-count", ntask);
    startup_samples(s, w, &m->conn_startup, conn_startup_attrs, &m->cfg, now);
    startup_samples(s, w, &m->task_startup, task_startup_attrs, &m->cfg, now);
}

/* connect-worker-metrics{connector}: this worker's tasks of each
 * connector, by state (Apache's ConnectorStatusMetricsGroup). */
static void collect_connector_tasks(kc_msamples_t *s, kc_metrics_t *m)
{
    static const struct {
        const char *attr;
        int state; /* -1: all */
    } rows[] = {
        {"connector-total-task-count", -1},
        {"connector-running-task-count", KC_STATE_RUNNING},
        {"connector-paused-task-count", KC_STATE_PAUSED},
        {"connector-failed-task-count", KC_STATE_FAILED},
        {"connector-unassigned-task-count", KC_STATE_UNASSIGNED},
        {"connector-destroyed-task-count", KC_STATE_DESTROYED},
        {"connector-restarting-task-count", KC_STATE_RESTARTING},
    };
    kc_strlist_t seen = {0};

    for (kc_task_metrics_t *t = m->tasks; t != NULL; t = t->next) {
        bool dup = false;

        for (size_t i = 0; i < seen.count; i++) {
            dup = dup || strcmp(seen.items[i], t->connector) == 0;
        }
        if (dup) {
            continue;
        }
        kc_strlist_push(&seen, t->connector);
        for (size_t r = 0; r < KC_ARRAY_LEN(rows); r++) {
            double n = 0;
            kc_msample_t *x;

            for (kc_task_metrics_t *u = m->tasks; u != NULL; u = u->next) {
                if (strcmp(u->connector, t->connector) == 0 &&
                    (rows[r].state < 0 ||
                     (int)u->states.state == rows[r].state)) {
                    n++;
                }
            }
            x = kc_msamples_add(s, "kafka.connect", "connect-worker-metrics",
                                rows[r].attr, n);
            kc_msample_tag(s, x, "connector", t->connector);
        }
    }
    kc_strlist_release(&seen);
}

static void collect_connectors(kc_msamples_t *s, kc_metrics_t *m)
{
    for (kc_conn_metrics_t *c = m->conns; c != NULL; c = c->next) {
        const char *vals[] = {c->sink ? "sink" : "source", c->cls, c->version,
                              lower_state(c->state)};
        const char *attrs[] = {"connector-type", "connector-class",
                               "connector-version", "status"};

        for (size_t i = 0; i < KC_ARRAY_LEN(attrs); i++) {
            kc_msample_t *x = kc_msamples_add(s, "kafka.connect",
                                              "connector-metrics", attrs[i], 0);

            kc_msample_tag(s, x, "connector", c->name);
            x->str = kc_arena_strdup(s->arena, vals[i]);
        }
    }
}

char *kc_metrics_render(kc_metrics_t *m, size_t *len)
{
    kc_msamples_t s = {0};
    kc_buf_t out;
    int64_t now = now_ms();

    s.arena = kc_arena_new(0);
    kc_buf_init(&out, 0);
    pthread_mutex_lock(&m->lock);
    collect_worker(&s, m, now);
    collect_connector_tasks(&s, m);
    collect_connectors(&s, m);
    for (kc_task_metrics_t *tm = m->tasks; tm != NULL; tm = tm->next) {
        collect_task(&s, tm, now);
    }
    if (m->admin.name != NULL) {
        kc_metrics_client_samples(&s, &m->admin);
    }
    kc_metrics_render_samples(&out, &s, m->scheme);
    kc_metrics_render_extra(&out, m);
    pthread_mutex_unlock(&m->lock);
    kc_free(s.v);
    kc_arena_destroy(s.arena);
    return kc_buf_detach(&out, len);
}
