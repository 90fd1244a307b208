/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bringing one connector of the core in line with the config store and
 * with what this worker is assigned (kc_herder_core_sync), for a herder
 * whose store changes under it: the distributed herder, where the leader
 * writes and every worker reads the config topic and runs only its share.
 */
#include "kc_internal.h"

#include "herder/kc_herder_autorestart.h"
#include "herder/kc_herder_core.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

static void kc_sync_remove(kc_herder_t *h, const char *name)
{
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_t *c = h->conns[i];

        if (strcmp(c->name, name) != 0) {
            continue;
        }
        kc_hconn_remove_tasks(h, c);
        kc_hconn_stop(h, c);
        kc_herder_orphan_ops(h, c);
        kc_autorestart_forget(h, c->name);
        memmove(&h->conns[i], &h->conns[i + 1],
                (h->nconns - i - 1) * sizeof(*h->conns));
        h->nconns--;
        kc_log_info(kc_herder_logger(h), "Removed connector %s", c->log_name);
        kc_hconn_free(c);
        return;
    }
}

static kc_hconn_t *kc_sync_add(kc_herder_t *h, const char *name,
                               kc_props_t *config)
{
    const char *cls = kc_props_get(config, "connector.class");
    const struct kc_connector_plugin *p;
    kc_plugin_kind_t kind = KC_PLUGIN_SOURCE;
    kc_error_t err;
    kc_hconn_t *c;

    kc_error_clear(&err);
    p = cls != NULL ? kc_herder_plugin(h, cls, &kind, &err) : NULL;
    if (p == NULL) {
        /* Another worker (a Java one, or one with other plugins) wrote a
         * config this worker cannot run: it shows no such connector. */
        char *logged = kc_str_escape_log(name);

        kc_log_error(kc_herder_logger(h),
                     "connector \"%s\" in the config topic names no plugin "
                     "this worker has (%s): ignored",
                     logged, cls != NULL ? err.msg : "no connector.class");
        kc_free(logged);
        kc_props_destroy(config);
        return NULL;
    }
    c = kc_calloc(1, sizeof(*c));
    c->name = kc_strdup(name);
    c->log_name = kc_str_escape_log(name);
    c->config = config;
    c->plugin = p;
    c->kind = kind;
    c->target = KC_TARGET_STARTED;
    h->conns = kc_realloc(h->conns, (h->nconns + 1) * sizeof(*h->conns));
    h->conns[h->nconns++] = c;
    kc_status_store_track(h->status, c->name, kc_kind_type(kind), p->version,
                          kc_task_version(p));
    return c;
}

static bool kc_sync_tasks_equal(kc_props_t *const *a, size_t na,
                                kc_props_t *const *b, size_t nb)
{
    if (na != nb) {
        return false;
    }
    for (size_t i = 0; i < na; i++) {
        if (!kc_props_equal(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

/* Apply a new target state to what runs here; STOPPED is reported by
 * kc_sync_report_stopped. */
static void kc_sync_target(kc_herder_t *h, kc_hconn_t *c,
                           kc_target_state_t target)
{
    kc_target_state_t prev = c->target;

    c->target = target;
    if (target == KC_TARGET_STOPPED) {
        kc_hconn_remove_tasks(h, c);
        kc_hconn_stop(h, c);
        return;
    }
    if (prev == KC_TARGET_STOPPED) {
        return; /* started below, with the new target */
    }
    /* The connector or only some of its tasks may run here. */
    kc_worker_set_target(h->w, c->name, target);
    if (target == KC_TARGET_PAUSED) {
        kc_herder_move_states(h, c, KC_STATE_RUNNING, KC_STATE_PAUSED);
    } else {
        kc_herder_move_states(h, c, KC_STATE_PAUSED, KC_STATE_RUNNING);
    }
}

/*
 * The one place a sync writes STOPPED: when the target has just become
 * STOPPED, and when a stopped connector is newly assigned here, as
 * Apache's worker reports it when it starts one in that state (the
 * STOPPED written when the target changed may have come from nobody,
 * the connector being nobody's during an eager rebalance).
 */
static void kc_sync_report_stopped(kc_herder_t *h, kc_hconn_t *c,
                                   bool stopped_now)
{
    if (c->target != KC_TARGET_STOPPED) {
        return;
    }
    if (stopped_now || (kc_herder_runs(h, c->name, -1) && !c->assigned)) {
        kc_herder_put_status(h, c->name, -1, KC_STATE_STOPPED, NULL);
    }
}

bool kc_herder_core_sync(kc_herder_t *h, const char *name)
{
    kc_props_t *config = NULL;
    kc_props_t **tasks = NULL;
    size_t ntasks = 0;
    kc_target_state_t target = KC_TARGET_STARTED;
    kc_hconn_t *c = kc_herder_find(h, name);
    size_t before = c != NULL ? c->ntasks : 0;
    bool stopped_now = false;
    bool want;

    if (kc_config_store_config(h->configs, name, &config) != KC_OK) {
        if (c != NULL) {
            kc_sync_remove(h, name);
        }
        return before > 0;
    }
    if (c == NULL) {
        c = kc_sync_add(h, name, config);
        if (c == NULL) {
            return false;
        }
    } else if (!kc_props_equal(c->config, config)) {
        /* A new config: the instance and its tasks restart with it. */
        kc_log_info(kc_herder_logger(h), "Reconfiguring connector %s",
                    c->log_name);
        kc_hconn_remove_tasks(h, c);
        kc_hconn_stop(h, c);
        kc_props_destroy(c->config);
        c->config = config;
    } else {
        kc_props_destroy(config);
    }
    if (h->vt->target != NULL) {
        target = h->vt->target(h, name);
    }
    if (target != c->target) {
        stopped_now = target == KC_TARGET_STOPPED;
        kc_sync_target(h, c, target);
    }
    if (kc_config_store_tasks(h->configs, name, &tasks, &ntasks) == KC_OK &&
        !kc_sync_tasks_equal(tasks, ntasks, c->tasks, c->ntasks)) {
        kc_hconn_remove_tasks(h, c);
        c->tasks = tasks;
        c->ntasks = ntasks;
        c->task_on = kc_calloc(ntasks + 1, sizeof(*c->task_on));
        tasks = NULL;
        ntasks = 0;
    }
    kc_tasks_free(tasks, ntasks);
    kc_sync_report_stopped(h, c, stopped_now);
    c->assigned = kc_herder_runs(h, name, -1);
    /* Run exactly this worker's share. */
    want = c->assigned && c->target != KC_TARGET_STOPPED;
    if (want && !c->started) {
        kc_hconn_start(h, c);
        kc_hconn_update_tasks(h, c, false);
    } else if (!want && c->started) {
        kc_hconn_stop(h, c);
    }
    for (size_t i = 0; i < c->ntasks; i++) {
        want =
            kc_herder_runs(h, name, (int)i) && c->target != KC_TARGET_STOPPED;
        if (want && !c->task_on[i]) {
            kc_hconn_start_task(h, c, i);
        } else if (!want && c->task_on[i]) {
            kc_worker_stop_task(h->w, c->name, (int)i);
            c->task_on[i] = false;
        }
    }
    return c->ntasks != before;
}
