/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Automatic restarts (see kc_herder_autorestart.h). A failure schedules a
 * timer on the herder's kc_timers; when it fires and the instance is
 * still FAILED, a restart op is posted to the herder as if a REST client
 * had asked (POST .../restart or .../tasks/N/restart), so a herder that
 * serves ops its own way (distributed) restarts the same way.
 */
#include "kc_internal.h"

#include "herder/kc_herder_autorestart.h"
#include "herder/kc_herder_core.h"
#include "metrics/kc_metrics.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"
#include "util/kc_timers.h"
#include "util/kc_utf8.h"

#include <math.h>
#include <time.h>

#define KC_AR_LOGGER "org.apache.kafka.connect.runtime.AutoRestart"

typedef struct ar_entry {
    kc_herder_t *h;
    char *name;
    int task; /* -1: the connector */
    int attempts;
    int32_t max_attempts;
    int64_t last_restart_ms; /* monotonic; 0: never restarted */
    int64_t next_wall_ms;    /* when the pending restart runs; 0: none */
    uint64_t timer;          /* pending timer id; 0: none */
    bool gave_up;
} ar_entry_t;

struct kc_autorestart {
    /* @locks lock guards entries (the herder's thread changes them, REST
     * threads read them for the status). */
    pthread_mutex_t lock;
    ar_entry_t **entries;
    size_t count;
};

/* ---- policy ------------------------------------------------------------ */

static const char *ar_value(const kc_props_t *worker,
                            const kc_props_t *connector, const char *key,
                            const char *dflt)
{
    const char *v = connector != NULL ? kc_props_get(connector, key) : NULL;

    if (v == NULL && worker != NULL) {
        v = kc_props_get(worker, key);
    }
    return v != NULL ? v : dflt;
}

kc_err_t kc_autorestart_policy_resolve(const kc_props_t *worker,
                                       const kc_props_t *connector,
                                       kc_autorestart_policy_t *out,
                                       const char **bad_key, kc_error_t *err)
{
    static const struct {
        const char *key;
        const char *dflt;
        int64_t min;
        int64_t max;
    } longs[] = {{KC_AR_BACKOFF, "120000", 0, INT64_MAX / 4},
                 {KC_AR_BACKOFF_MAX, "3600000", 0, INT64_MAX / 4},
                 {KC_AR_MAX_ATTEMPTS, "10", -1, INT32_MAX},
                 {KC_AR_RESET, "600000", 0, INT64_MAX / 4}};
    int64_t v[KC_ARRAY_LEN(longs)];
    char *t;
    kc_err_t rc;

    memset(out, 0, sizeof(*out));
    t = kc_str_trim_dup(
        ar_value(worker, connector, KC_AR_ENABLE, "false"),
        strlen(ar_value(worker, connector, KC_AR_ENABLE, "false")));
    rc = kc_str_to_bool(t, &out->enabled);
    kc_free(t);
    if (rc != KC_OK) {
        return kc_error_set(
            err, KC_ERR_INVALID, "%s: expected true or false, not \"%s\"",
            KC_AR_ENABLE, ar_value(worker, connector, KC_AR_ENABLE, ""));
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(longs); i++) {
        const char *s =
            ar_value(worker, connector, longs[i].key, longs[i].dflt);

        t = kc_str_trim_dup(s, strlen(s));
        rc = kc_str_to_i64(t, longs[i].min, longs[i].max, &v[i]);
        kc_free(t);
        if (rc != KC_OK) {
            if (bad_key != NULL) {
                *bad_key = longs[i].key;
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "%s: expected an integer from %lld, not "
                                "\"%s\"",
                                longs[i].key, (long long)longs[i].min, s);
        }
    }
    out->backoff_ms = v[0];
    out->backoff_max_ms = v[1];
    out->max_attempts = (int32_t)v[2];
    out->reset_ms = v[3];
    {
        const char *s = ar_value(worker, connector, KC_AR_FACTOR, "3");

        t = kc_str_trim_dup(s, strlen(s));
        rc = kc_str_to_double(t, &out->factor);
        kc_free(t);
        if (rc != KC_OK || !(out->factor >= 1.0) || isinf(out->factor)) {
            if (bad_key != NULL) {
                *bad_key = KC_AR_FACTOR;
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "%s: expected a number of at least 1, not "
                                "\"%s\"",
                                KC_AR_FACTOR, s);
        }
    }
    return KC_OK;
}

void kc_autorestart_check(const kc_props_t *config, kc_config_result_t *result)
{
    kc_autorestart_policy_t policy;
    const char *bad = NULL;
    kc_error_t err;

    /* One bad key at a time: resolve stops at the first. */
    if (kc_autorestart_policy_resolve(NULL, config, &policy, &bad, &err) !=
            KC_OK &&
        bad != NULL) {
        kc_worker_config_issue(result, bad, "%s", err.msg);
    }
}

int64_t kc_autorestart_delay_ms(const kc_autorestart_policy_t *policy,
                                int attempt)
{
    double d;

    if (attempt <= 1) {
        return 0;
    }
    d = (double)policy->backoff_ms * pow(policy->factor, attempt - 2);
    if (d >= (double)policy->backoff_max_ms) {
        return policy->backoff_max_ms;
    }
    return (int64_t)d;
}

/* ---- state ------------------------------------------------------------- */

kc_autorestart_t *kc_autorestart_new(void)
{
    kc_autorestart_t *ar = kc_calloc(1, sizeof(*ar));

    pthread_mutex_init(&ar->lock, NULL);
    return ar;
}

static void ar_entry_free(ar_entry_t *e, kc_timers_t *timers)
{
    if (e->timer != 0 && timers != NULL) {
        kc_timers_cancel(timers, e->timer);
    }
    kc_free(e->name);
    kc_free(e);
}

void kc_autorestart_destroy(kc_autorestart_t *ar, void *timers)
{
    if (ar == NULL) {
        return;
    }
    for (size_t i = 0; i < ar->count; i++) {
        ar_entry_free(ar->entries[i], timers);
    }
    kc_free(ar->entries);
    pthread_mutex_destroy(&ar->lock);
    kc_free(ar);
}

/* @locks ar->lock held. */
static ar_entry_t *ar_find(kc_autorestart_t *ar, const char *name, int task)
{
    for (size_t i = 0; i < ar->count; i++) {
        if (ar->entries[i]->task == task &&
            strcmp(ar->entries[i]->name, name) == 0) {
            return ar->entries[i];
        }
    }
    return NULL;
}

static void ar_what(const ar_entry_t *e, const char *log_name, char *buf,
                    size_t size)
{
    if (e->task < 0) {
        snprintf(buf, size, "connector %s", log_name);
    } else {
        snprintf(buf, size, "task %s-%d", log_name, e->task);
    }
}

/* The figures of @p e into the worker's metrics.
 * @locks ar->lock held (then the registry's: never the other way). */
static void ar_report(const ar_entry_t *e)
{
    if (e->h->w == NULL) {
        return; /* a herder without a worker, in unit tests */
    }
    kc_metrics_autorestart(kc_worker_metrics(e->h->w), e->name, e->task,
                           e->attempts, e->next_wall_ms, e->gave_up);
}

/* The timer: restart if still FAILED, through the herder's op queue. */
static void ar_fire(kc_timers_t *timers, void *opaque)
{
    ar_entry_t *e = opaque;
    kc_herder_t *h = e->h;
    kc_autorestart_t *ar = h->autorestart;
    char *log_name = kc_str_escape_log(e->name);
    kc_state_t st;
    char what[512];
    kc_op_t *op;

    KC_UNUSED(timers);
    pthread_mutex_lock(&ar->lock);
    e->timer = 0;
    e->next_wall_ms = 0;
    if (!kc_status_store_get(h->status, e->name, e->task, &st) ||
        st != KC_STATE_FAILED) {
        ar_report(e);
        pthread_mutex_unlock(&ar->lock);
        kc_free(log_name);
        return; /* restarted (or deleted) by someone else meanwhile */
    }
    e->attempts++;
    e->last_restart_ms = kc_clock_now_ms();
    ar_report(e);
    ar_what(e, log_name, what, sizeof(what));
    kc_free(log_name);
    if (e->max_attempts >= 0) {
        kc_log_info(KC_AR_LOGGER,
                    "Restarting FAILED %s automatically "
                    "(attempt %d of %d)",
                    what, e->attempts, (int)e->max_attempts);
    } else {
        kc_log_info(KC_AR_LOGGER,
                    "Restarting FAILED %s automatically "
                    "(attempt %d)",
                    what, e->attempts);
    }
    pthread_mutex_unlock(&ar->lock);
    if (e->task < 0) {
        op = kc_op_new(KC_OP_RESTART, e->name); /* the connector only */
    } else {
        op = kc_op_new(KC_OP_RESTART_TASK, e->name);
        op->task = e->task;
    }
    h->vt->post(h, op);
}

void kc_autorestart_failed(kc_herder_t *h, const char *name, int task)
{
    kc_autorestart_t *ar = h->autorestart;
    kc_hconn_t *c = kc_herder_find(h, name);
    const kc_config_t *wcfg = kc_worker_config(h->w);
    kc_autorestart_policy_t policy;
    kc_error_t err;
    ar_entry_t *e;
    int64_t now = kc_clock_now_ms();
    int64_t delay;
    char what[512];

    if (ar == NULL || c == NULL || h->timers == NULL || h->vt->post == NULL) {
        return;
    }
    if (kc_autorestart_policy_resolve(
            wcfg != NULL ? kc_config_props(wcfg) : NULL, c->config, &policy,
            NULL, &err) != KC_OK) {
        kc_log_warn(KC_AR_LOGGER, "no automatic restart of connector %s: %s",
                    c->log_name, err.msg);
        return;
    }
    if (!policy.enabled) {
        return;
    }
    pthread_mutex_lock(&ar->lock);
    e = ar_find(ar, name, task);
    if (e == NULL) {
        e = kc_calloc(1, sizeof(*e));
        e->h = h;
        e->name = kc_strdup(name);
        e->task = task;
        ar->entries =
            kc_realloc(ar->entries, (ar->count + 1) * sizeof(*ar->entries));
        ar->entries[ar->count++] = e;
    }
    ar_what(e, c->log_name, what, sizeof(what));
    e->max_attempts = policy.max_attempts;
    if (e->timer != 0) {
        pthread_mutex_unlock(&ar->lock);
        return; /* a restart is already due */
    }
    /* It ran long enough since the last restart: a fresh failure. */
    if (e->last_restart_ms != 0 &&
        now - e->last_restart_ms >= policy.reset_ms) {
        e->attempts = 0;
        e->gave_up = false;
    }
    if (policy.max_attempts >= 0 && e->attempts >= policy.max_attempts) {
        if (!e->gave_up) {
            kc_log_error(KC_AR_LOGGER,
                         "Giving up restarting FAILED %s automatically after "
                         "%d attempts (" KC_AR_MAX_ATTEMPTS "=%d); restart it "
                         "through the REST API",
                         what, e->attempts, (int)policy.max_attempts);
        }
        e->gave_up = true;
        ar_report(e);
        pthread_mutex_unlock(&ar->lock);
        return;
    }
    delay = kc_autorestart_delay_ms(&policy, e->attempts + 1);
    e->gave_up = false;
    e->next_wall_ms = kc_clock_wall_ms() + delay;
    e->timer = kc_timers_add(h->timers, now + delay, 0, ar_fire, e);
    ar_report(e);
    kc_log_info(KC_AR_LOGGER,
                "%s FAILED; automatic restart attempt %d in %lld ms", what,
                e->attempts + 1, (long long)delay);
    pthread_mutex_unlock(&ar->lock);
}

void kc_autorestart_forget(kc_herder_t *h, const char *name)
{
    kc_autorestart_t *ar = h->autorestart;
    size_t kept = 0;

    if (ar == NULL) {
        return;
    }
    pthread_mutex_lock(&ar->lock);
    for (size_t i = 0; i < ar->count; i++) {
        if (strcmp(ar->entries[i]->name, name) == 0) {
            ar_entry_free(ar->entries[i], h->timers);
        } else {
            ar->entries[kept++] = ar->entries[i];
        }
    }
    ar->count = kept;
    if (h->w != NULL) {
        kc_metrics_autorestart_forget(kc_worker_metrics(h->w), name);
    }
    pthread_mutex_unlock(&ar->lock);
}

/* "2026-12-05T03:12:23.456Z" */
static json_t *ar_time(int64_t wall_ms)
{
    char buf[64];
    struct tm tm;
    time_t secs = (time_t)(wall_ms / 1000);

    gmtime_r(&secs, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%03dZ",
             (int)(wall_ms % 1000));
    return json_string(buf);
}

/* @locks ar->lock held. */
static void ar_set(const ar_entry_t *e, json_t *obj)
{
    json_t *o;

    if (e == NULL || !json_is_object(obj)) {
        return;
    }
    o = json_object();
    json_object_set_new(o, "attempts", json_integer(e->attempts));
    json_object_set_new(o, "max_attempts", json_integer(e->max_attempts));
    json_object_set_new(o, "next_restart",
                        e->next_wall_ms != 0 ? ar_time(e->next_wall_ms)
                                             : json_null());
    json_object_set_new(o, "gave_up", json_boolean(e->gave_up));
    json_object_set_new(obj, "auto_restart", o);
}

void kc_autorestart_decorate(kc_herder_t *h, const char *name, json_t *status)
{
    kc_autorestart_t *ar = h->autorestart;
    json_t *tasks = json_object_get(status, "tasks");
    size_t i;
    json_t *t;

    if (ar == NULL || status == NULL) {
        return;
    }
    pthread_mutex_lock(&ar->lock);
    ar_set(ar_find(ar, name, -1), json_object_get(status, "connector"));
    json_array_foreach(tasks, i, t)
    {
        json_t *id = json_object_get(t, "id");

        if (json_is_integer(id)) {
            ar_set(ar_find(ar, name, (int)json_integer_value(id)), t);
        }
    }
    pthread_mutex_unlock(&ar->lock);
}

void kc_autorestart_decorate_task(kc_herder_t *h, const char *name, int task,
                                  json_t *status)
{
    kc_autorestart_t *ar = h->autorestart;

    if (ar == NULL || status == NULL) {
        return;
    }
    pthread_mutex_lock(&ar->lock);
    ar_set(ar_find(ar, name, task), status);
    pthread_mutex_unlock(&ar->lock);
}
