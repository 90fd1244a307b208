/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core (see kc_herder_core.h): the connectors' lifecycle state
 * machine, status bookkeeping, KIP-745 restart plans, the connector ops
 * and their JSON views. It runs one op at a time, in whatever context the
 * herder implementation serves ops in.
 */
#include "kc_internal.h"

#include "herder/kc_herder_autorestart.h"
#include "distributed/kc_request_sig.h"
#include "herder/kc_herder_core.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

#include <strings.h>

/* ---- status ------------------------------------------------------------ */

static void kc_herder_on_status(void *opaque, const char *connector, int task,
                                kc_state_t state, const char *trace)
{
    kc_herder_t *h = opaque;

    /* The worker logs failures; this only records them. */
    kc_status_store_put(h->status, connector, task, state, kc_worker_id(h->w),
                        trace);
    /* Any thread: the herder's thread decides about a restart. */
    if (state == KC_STATE_FAILED && h->async && h->vt->post != NULL) {
        kc_op_t *op = kc_op_new(KC_OP_FAILED, connector);

        op->task = task;
        h->vt->post(h, op);
    }
}

bool kc_herder_runs(kc_herder_t *h, const char *name, int task)
{
    return h->vt->runs == NULL || h->vt->runs(h, name, task);
}

void kc_herder_put_status(kc_herder_t *h, const char *name, int task,
                          kc_state_t state, const char *trace)
{
    /* Another worker owns the status of what it runs. */
    if (!kc_herder_runs(h, name, task)) {
        return;
    }
    kc_status_store_put(h->status, name, task, state, kc_worker_id(h->w),
                        trace);
    if (state == KC_STATE_FAILED) {
        kc_autorestart_failed(h, name, task);
    }
}

/*
 * After a successful start: a worker that has not reported yet (or whose
 * last report predates this start) gets the state the target implies; a
 * FAILED it reported meanwhile stays.
 */
static void kc_herder_settle_status(kc_herder_t *h, const char *name, int task,
                                    kc_target_state_t target)
{
    kc_status_store_replace(
        h->status, name, task,
        KC_STATUS_ABSENT | KC_STATUS_IN(KC_STATE_UNASSIGNED) |
            KC_STATUS_IN(KC_STATE_RESTARTING),
        target == KC_TARGET_PAUSED ? KC_STATE_PAUSED : KC_STATE_RUNNING,
        kc_worker_id(h->w));
}

/* A FAILED entry is cleared before a new attempt so settle can apply. */
static void kc_herder_clear_failed(kc_herder_t *h, const char *name, int task)
{
    kc_status_store_replace(h->status, name, task,
                            KC_STATUS_IN(KC_STATE_FAILED), KC_STATE_UNASSIGNED,
                            kc_worker_id(h->w));
}

/* ---- lifecycle --------------------------------------------------------- */

static kc_secrets_t *kc_hconn_secrets(kc_herder_t *h, const kc_hconn_t *c)
{
    const kc_config_t *wcfg = kc_worker_config(h->w);

    return kc_secrets_new(c->config,
                          wcfg != NULL ? kc_config_props(wcfg) : NULL);
}

/*
 * Record a failure of @p c (task @p task, -1 for the connector) found by
 * the herder, and log it: its message may quote a resolved provider
 * value (a file name, a URL with a password), which neither the status
 * nor the log may show.
 */
static void kc_hconn_failed(kc_herder_t *h, const kc_hconn_t *c, int task,
                            const char *what, const char *reason)
{
    kc_secrets_t *sec = kc_hconn_secrets(h, c);
    char *clean = kc_secrets_scrub(sec, reason);
    const char *name = c->log_name;
    char *logged = kc_str_escape_log(clean);

    if (task < 0) {
        kc_log_error(kc_herder_logger(h), "could not %s connector \"%s\": %s",
                     what, name, logged);
    } else {
        kc_log_error(kc_herder_logger(h), "could not %s task %s-%d: %s", what,
                     name, task, logged);
    }
    kc_herder_put_status(h, c->name, task, KC_STATE_FAILED, clean);
    kc_free(logged);
    kc_free(clean);
    kc_secrets_destroy(sec);
}

/*
 * A connector thread's result (any thread): back to the herder's thread
 * as an op (kc_herder_on_connector_result). A herder that stopped
 * destroys it.
 */
static void kc_herder_on_result(void *opaque, kc_connector_result_t *res)
{
    kc_herder_t *h = opaque;
    kc_op_t *op =
        kc_op_new(KC_OP_CONNECTOR_RESULT, kc_connector_result_name(res));

    op->res = res;
    h->vt->post(h, op);
}

static kc_connector_done_fn kc_herder_job_fn(const kc_herder_t *h)
{
    return h->async ? kc_herder_on_result : NULL;
}

/* The connector's start came back (or ran inline): settle its status. */
static void kc_hconn_start_done(kc_herder_t *h, kc_hconn_t *c,
                                kc_connector_result_t *res)
{
    kc_error_t err;

    kc_error_clear(&err);
    if (kc_worker_connector_result(h->w, res, NULL, NULL, &err) == KC_AGAIN) {
        return; /* an instance stopped since: nothing to settle */
    }
    c->job = KC_HJOB_NONE;
    kc_herder_settle_status(h, c->name, -1, c->target);
    if (c->tasks_due) {
        bool force = c->tasks_force;

        c->tasks_due = false;
        c->tasks_force = false;
        kc_hconn_update_tasks(h, c, force);
    }
}

/* Start the connector instance as its target state says. */
void kc_hconn_start(kc_herder_t *h, kc_hconn_t *c)
{
    kc_connector_result_t *res = NULL;
    kc_error_t err;

    c->started = false;
    if (!kc_herder_runs(h, c->name, -1)) {
        return; /* another worker runs it */
    }
    if (c->target == KC_TARGET_STOPPED) {
        kc_herder_put_status(h, c->name, -1, KC_STATE_STOPPED, NULL);
        return;
    }
    kc_herder_clear_failed(h, c->name, -1);
    kc_error_clear(&err);
    if (kc_worker_start_connector_job(h->w, c->name, c->config, c->target,
                                      kc_herder_job_fn(h), h, &res,
                                      &err) != KC_OK) {
        kc_hconn_failed(h, c, -1, "start", err.msg);
        return;
    }
    c->started = true;
    c->job = KC_HJOB_START;
    if (res != NULL) {
        kc_hconn_start_done(h, c, res);
    }
}

/* Stop the instance; a job it still runs is forgotten (its result will
 * be stale). */
void kc_hconn_stop(kc_herder_t *h, kc_hconn_t *c)
{
    if (c->started) {
        kc_worker_stop_connector(h->w, c->name);
        c->started = false;
    }
    c->job = KC_HJOB_NONE;
    c->tasks_due = false;
    c->tasks_force = false;
}

void kc_hconn_start_task(kc_herder_t *h, kc_hconn_t *c, size_t i)
{
    kc_error_t err;

    if (!kc_herder_runs(h, c->name, (int)i)) {
        return; /* another worker runs it */
    }
    kc_herder_clear_failed(h, c->name, (int)i);
    kc_error_clear(&err);
    if (kc_worker_start_task(h->w, c->name, (int)i, c->config, c->tasks[i],
                             c->target, &err) != KC_OK) {
        kc_hconn_failed(h, c, (int)i, "start", err.msg);
    } else if (c->task_on != NULL) {
        c->task_on[i] = true;
    }
    /* The task's thread reports RUNNING (or PAUSED) once its start() has
     * returned, as Apache's WorkerTask does; until then it has no state,
     * so a start that fails is never shown RUNNING first. */
}

/*
 * Write the task configs of @p c to the config store. The memory store
 * cannot fail; a store that can will make this an error path.
 */
static void kc_hconn_save_tasks(kc_herder_t *h, const kc_hconn_t *c)
{
    kc_error_t err;

    if (h->vt->put_tasks != NULL) {
        h->vt->put_tasks(h, c->name, c->tasks, c->ntasks);
        return;
    }
    if (kc_config_store_put_tasks(h->configs, c->name, c->tasks, c->ntasks,
                                  &err) != KC_OK) {
        kc_log_error(kc_herder_logger(h),
                     "could not store the task configs of connector \"%s\": "
                     "%s",
                     c->log_name, err.msg);
    }
}

static void kc_hconn_save_target(kc_herder_t *h, const kc_hconn_t *c)
{
    kc_error_t err;

    if (kc_config_store_put_target(h->configs, c->name, c->target, &err) !=
        KC_OK) {
        kc_log_error(kc_herder_logger(h),
                     "could not store the target state of connector \"%s\": "
                     "%s",
                     c->log_name, err.msg);
    }
}

/* Stop every task and forget their configs (not stored) and status. */
void kc_hconn_remove_tasks(kc_herder_t *h, kc_hconn_t *c)
{
    if (c->ntasks > 0) {
        kc_worker_stop_tasks(h->w, c->name);
    }
    kc_tasks_free(c->tasks, c->ntasks);
    kc_free(c->task_on);
    c->task_on = NULL;
    c->tasks = NULL;
    c->ntasks = 0;
    kc_status_store_forget_tasks(h->status, c->name, -1);
}

/* What Apache's Worker adds to each task config. */
static void kc_hconn_decorate_task(const kc_hconn_t *c, kc_props_t *task)
{
    const kc_plugin_head_t *tp =
        c->plugin->source_task != NULL
            ? (const kc_plugin_head_t *)c->plugin->source_task
            : (const kc_plugin_head_t *)c->plugin->sink_task;

    if (tp != NULL && kc_props_get(task, "task.class") == NULL) {
        kc_props_set(task, "task.class", kc_plugin_class(tp));
    }
    if (c->kind == KC_PLUGIN_SINK) {
        static const char *const keys[] = {"topics", "topics.regex"};

        for (size_t i = 0; i < KC_ARRAY_LEN(keys); i++) {
            const char *v = kc_props_get(c->config, keys[i]);

            if (v != NULL && kc_props_get(task, keys[i]) == NULL) {
                kc_props_set(task, keys[i], v);
            }
        }
    }
}

/*
 * tasks.max and tasks.max.enforce through the connector table. The config
 * was validated when it was put, so binding fails only for a config the
 * table changed under it: then the defaults (1, enforced) hold.
 */
static void kc_hconn_tasks_max(const kc_hconn_t *c, long *max, bool *enforce)
{
    kc_connector_conf_t conf;
    kc_error_t err;

    *max = 1;
    *enforce = true;
    if (kc_connector_conf_bind(c->config, &conf, &err) == KC_OK) {
        *max = conf.tasks_max < 1 ? 1 : conf.tasks_max;
        *enforce = conf.tasks_max_enforce;
    }
    kc_connector_conf_release(&conf);
}

static void kc_hconn_tasks_done(kc_herder_t *h, kc_hconn_t *c,
                                kc_connector_result_t *res, bool force);

/*
 * Ask the connector for task configs; when they differ from the current
 * ones (or @p force), replace the tasks. As Apache's updateConnectorTasks.
 * While the connector's start still runs, this waits for it.
 */
void kc_hconn_update_tasks(kc_herder_t *h, kc_hconn_t *c, bool force)
{
    kc_connector_result_t *res = NULL;
    kc_error_t err;
    kc_state_t st;

    if (c->job != KC_HJOB_NONE) {
        c->tasks_due = true;
        c->tasks_force = c->tasks_force || force;
        return;
    }
    if (!c->started || c->target != KC_TARGET_STARTED) {
        return;
    }
    if (kc_status_store_get(h->status, c->name, -1, &st) &&
        st == KC_STATE_FAILED) {
        kc_log_info(kc_herder_logger(h),
                    "Skipping update of tasks for connector %s since it "
                    "has failed",
                    c->log_name);
        return;
    }
    kc_error_clear(&err);
    if (kc_worker_task_configs_job(h->w, c->name, kc_herder_job_fn(h), h, &res,
                                   &err) != KC_OK) {
        kc_hconn_failed(h, c, -1, "get the task configs of", err.msg);
        return;
    }
    c->job = KC_HJOB_TASK_CONFIGS;
    c->tasks_force = force;
    if (res != NULL) {
        kc_hconn_tasks_done(h, c, res, force);
    }
}

/* The connector's task configs came back (or ran inline). */
static void kc_hconn_tasks_done(kc_herder_t *h, kc_hconn_t *c,
                                kc_connector_result_t *res, bool force)
{
    kc_props_t **cfgs = NULL;
    size_t n = 0;
    kc_error_t err;
    bool changed = force;
    long max;
    bool enforce;
    kc_secrets_t *sec;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_worker_connector_result(h->w, res, &cfgs, &n, &err);
    if (rc == KC_AGAIN) {
        return; /* an instance stopped since */
    }
    c->job = KC_HJOB_NONE;
    c->tasks_force = false;
    if (rc != KC_OK) {
        kc_hconn_failed(h, c, -1, "get the task configs of", err.msg);
        return;
    }
    kc_hconn_tasks_max(c, &max, &enforce);
    if ((long)n > max) {
        char *msg = kc_asprintf(
            "The connector %s has generated %zu tasks, which is greater "
            "than %ld, the maximum number of tasks it is configured to "
            "create. This behaviour should be considered a bug and is "
            "disallowed. If necessary, it can be permitted by "
            "reconfiguring the connector with 'tasks.max.enforce' set to "
            "false; however, this option will be removed in a future "
            "release of Kafka Connect.",
            c->name, n, max);
        char *logged = kc_str_escape_log(msg);

        if (enforce) {
            kc_log_error(kc_herder_logger(h), "%s", logged);
            kc_hconn_remove_tasks(h, c);
            kc_hconn_save_tasks(h, c);
            kc_herder_put_status(h, c->name, -1, KC_STATE_FAILED, msg);
            kc_free(logged);
            kc_free(msg);
            kc_tasks_free(cfgs, n);
            return;
        }
        kc_log_warn(kc_herder_logger(h), "%s", logged);
        kc_free(logged);
        kc_free(msg);
    }
    sec = kc_hconn_secrets(h, c);
    for (size_t i = 0; i < n; i++) {
        kc_hconn_decorate_task(c, cfgs[i]);
        /* Stored and shown with the references; the worker resolves
         * them again when it starts the task. */
        kc_secrets_unresolve(sec, cfgs[i]);
    }
    kc_secrets_destroy(sec);
    if (n != c->ntasks) {
        changed = true;
    }
    for (size_t i = 0; !changed && i < n; i++) {
        changed = !kc_props_equal(cfgs[i], c->tasks[i]);
    }
    if (!changed) {
        kc_tasks_free(cfgs, n);
        return;
    }
    kc_hconn_remove_tasks(h, c);
    c->tasks = cfgs;
    c->ntasks = n;
    c->task_on = kc_calloc(n + 1, sizeof(*c->task_on));
    kc_hconn_save_tasks(h, c);
    for (size_t i = 0; i < n; i++) {
        kc_hconn_start_task(h, c, i);
    }
}

void kc_hconn_free(kc_hconn_t *c)
{
    /* Held ops were answered or moved (kc_herder_orphan_ops) before. */
    kc_free(c->task_on);
    kc_free(c->parked);
    kc_free(c->deferred);
    kc_tasks_free(c->tasks, c->ntasks);
    kc_props_destroy(c->config);
    kc_free(c->name);
    kc_free(c->log_name);
    kc_free(c);
}

/* ---- ops (run with exec_lock held) ------------------------------------ */

kc_err_t kc_not_found(kc_op_t *op)
{
    return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Connector %s not found",
                        op->name);
}

static kc_err_t kc_target_parse(const char *s, kc_target_state_t *t,
                                kc_error_t *err)
{
    if (strcasecmp(s, "RUNNING") == 0) {
        *t = KC_TARGET_STARTED;
    } else if (strcasecmp(s, "PAUSED") == 0) {
        *t = KC_TARGET_PAUSED;
    } else if (strcasecmp(s, "STOPPED") == 0) {
        *t = KC_TARGET_STOPPED;
    } else {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid initial state %s; valid values are "
                            "RUNNING, PAUSED and STOPPED",
                            s);
    }
    return KC_OK;
}

/* Create or replace @p name with @p props (taken on success). */
static kc_err_t kc_herder_apply_config(kc_herder_t *h, kc_op_t *op,
                                       kc_props_t *props,
                                       const kc_props_t *nulls,
                                       bool allow_replace,
                                       const char *initial_state)
{
    const struct kc_connector_plugin *p = NULL;
    kc_plugin_kind_t kind = KC_PLUGIN_SOURCE;
    kc_target_state_t target = KC_TARGET_STARTED;
    json_t *infos = NULL;
    char *text;
    kc_hconn_t *c;
    kc_err_t rc;

    if (initial_state != NULL &&
        kc_target_parse(initial_state, &target, &op->err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    rc = kc_herder_validate_props(h, props, nulls, &p, &kind, &infos, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    text = kc_infos_error_text(infos);
    json_decref(infos);
    if (text != NULL) {
        kc_error_set(&op->err, KC_ERR_INVALID, "%s", text);
        op->out = kc_error_body(400, text);
        kc_free(text);
        return KC_ERR_INVALID;
    }
    c = kc_herder_find(h, op->name);
    if (c != NULL && !allow_replace) {
        return kc_error_set(&op->err, KC_ERR_CONFLICT,
                            "Connector %s already exists", op->name);
    }
    if (c == NULL) {
        c = kc_calloc(1, sizeof(*c));
        c->name = kc_strdup(op->name);
        c->log_name = kc_str_escape_log(op->name);
        c->target = target;
        h->conns = kc_realloc(h->conns, (h->nconns + 1) * sizeof(*h->conns));
        h->conns[h->nconns++] = c;
        op->created = true;
    } else {
        bool changed = !kc_props_equal(c->config, props) || c->plugin != p;

        kc_log_info(kc_herder_logger(h), "Reconfiguring connector %s",
                    c->log_name);
        kc_hconn_stop(h, c);
        if (changed) {
            /* New connector config: the tasks restart with it even if
             * their task configs come out the same (they inherit the
             * converters, error handling, ...), and never overlap with
             * the new connector instance. */
            kc_hconn_remove_tasks(h, c);
        }
        kc_props_destroy(c->config);
    }
    c->config = props;
    c->plugin = p;
    c->kind = kind;
    if (kc_config_store_put_connector(h->configs, c->name, c->config, c->target,
                                      &op->err) != KC_OK) {
        kc_log_error(kc_herder_logger(h),
                     "could not store the config of connector \"%s\": %s",
                     c->log_name, op->err.msg);
        kc_error_clear(&op->err);
    }
    kc_hconn_save_tasks(h, c);
    kc_status_store_track(h->status, c->name, kc_kind_type(kind), p->version,
                          kc_task_version(p));
    kc_hconn_start(h, c);
    kc_hconn_update_tasks(h, c, false);
    op->out = kc_hconn_info(h, c);
    return KC_OK;
}

/* Check or inject "name", as Apache's checkAndPutConnectorConfigName. */
static kc_err_t kc_herder_put_name(kc_op_t *op, kc_props_t *props)
{
    const char *included = kc_props_get(props, "name");

    if (included == NULL) {
        kc_props_set(props, "name", op->name);
        return KC_OK;
    }
    if (strcmp(included, op->name) != 0) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector name configuration (%s) doesn't match "
                            "connector name in the URL (%s)",
                            included, op->name);
    }
    return KC_OK;
}

static kc_err_t kc_op_put(kc_herder_t *h, kc_op_t *op)
{
    kc_props_t *props = NULL;
    kc_props_t *nulls = NULL;
    kc_err_t rc;

    /* The one gate for REST and connector files: every other place
     * (status, offsets, JSON) takes a name for text. */
    if (!kc_utf8_valid(op->name, strlen(op->name))) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector name must be valid UTF-8");
    }

    rc = kc_json_to_props(op->in, &props, &nulls, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_herder_put_name(op, props);
    if (rc == KC_OK) {
        rc = kc_herder_apply_config(h, op, props, nulls, op->b1, op->str);
    }
    if (rc != KC_OK) {
        kc_props_destroy(props);
    }
    kc_props_destroy(nulls);
    return rc;
}

static kc_err_t kc_op_patch(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_props_t *props;
    const char *key;
    json_t *v;
    kc_err_t rc;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->in == NULL || !json_is_object(op->in)) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector configuration patch must be a JSON "
                            "object");
    }
    props = kc_props_copy(c->config);
    json_object_foreach(op->in, key, v)
    {
        if (json_is_null(v)) {
            kc_props_remove(props, key);
        } else if (json_is_string(v)) {
            kc_props_set(props, key, json_string_value(v));
        } else if (json_is_object(v) || json_is_array(v)) {
            kc_props_destroy(props);
            return kc_error_set(&op->err, KC_ERR_INVALID,
                                "Cannot deserialize value of type "
                                "`java.lang.String` from %s value (key "
                                "\"%s\")",
                                json_is_object(v) ? "Object" : "Array", key);
        } else {
            char *text = kc_json_scalar_text(v);

            kc_props_set(props, key, text);
            kc_free(text);
        }
    }
    rc = kc_herder_put_name(op, props);
    if (rc == KC_OK) {
        rc = kc_herder_apply_config(h, op, props, NULL, true, NULL);
    }
    if (rc != KC_OK) {
        kc_props_destroy(props);
    }
    return rc;
}

static kc_err_t kc_op_delete(kc_herder_t *h, kc_op_t *op)
{
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_t *c = h->conns[i];

        if (strcmp(c->name, op->name) != 0) {
            continue;
        }
        kc_hconn_remove_tasks(h, c);
        kc_hconn_stop(h, c);
        kc_herder_orphan_ops(h, c);
        kc_status_store_forget(h->status, c->name);
        kc_autorestart_forget(h, c->name);
        kc_config_store_remove_connector(h->configs, c->name, NULL);
        memmove(&h->conns[i], &h->conns[i + 1],
                (h->nconns - i - 1) * sizeof(*h->conns));
        h->nconns--;
        kc_log_info(kc_herder_logger(h), "Removed connector %s", c->log_name);
        kc_hconn_free(c);
        return KC_OK;
    }
    return kc_not_found(op);
}

/* Move connector and task statuses from @p from to @p to. */
void kc_herder_move_states(kc_herder_t *h, kc_hconn_t *c, kc_state_t from,
                           kc_state_t to)
{
    for (int t = -1; t < (int)c->ntasks; t++) {
        if (!kc_herder_runs(h, c->name, t)) {
            continue;
        }
        kc_status_store_replace(h->status, c->name, t, KC_STATUS_IN(from), to,
                                kc_worker_id(h->w));
    }
}

/* Pause or resume (@p to): a stopped connector starts in that state, a
 * running or paused one moves what runs here and its statuses over. */
static kc_err_t kc_op_target(kc_herder_t *h, kc_op_t *op, kc_target_state_t to)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    bool pause = to == KC_TARGET_PAUSED;
    kc_target_state_t prev;

    if (c == NULL) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown connector %s",
                            op->name);
    }
    prev = c->target;
    c->target = to;
    kc_hconn_save_target(h, c);
    if (prev == KC_TARGET_STOPPED) {
        kc_hconn_start(h, c);
    } else if (prev != to) {
        /* Its tasks may run here without the connector (distributed). */
        kc_worker_set_target(h->w, c->name, to);
        kc_herder_move_states(h, c, pause ? KC_STATE_RUNNING : KC_STATE_PAUSED,
                              pause ? KC_STATE_PAUSED : KC_STATE_RUNNING);
    }
    if (!pause) {
        kc_hconn_update_tasks(h, c, false);
    }
    return KC_OK;
}

static kc_err_t kc_op_stop(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);

    if (c == NULL) {
        return kc_not_found(op);
    }
    kc_hconn_remove_tasks(h, c);
    kc_hconn_stop(h, c);
    c->target = KC_TARGET_STOPPED;
    /* As Apache: a stopped connector's task configs are emptied. */
    kc_hconn_save_tasks(h, c);
    kc_hconn_save_target(h, c);
    kc_herder_put_status(h, c->name, -1, KC_STATE_STOPPED, NULL);
    kc_log_info(kc_herder_logger(h), "Stopped connector %s", c->log_name);
    return KC_OK;
}

static kc_err_t kc_op_restart(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    bool include_tasks = op->b1;
    bool only_failed = op->b2;
    json_t *plan = NULL;
    json_t *tasks;
    json_t *conn;
    bool restart_conn;
    bool *restart_task;

    if (c == NULL) {
        if (!include_tasks && !only_failed) {
            return kc_not_found(op);
        }
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown connector: %s",
                            op->name);
    }
    if (!include_tasks && !only_failed) {
        /* Apache's legacy restart: the connector instance only, 204. */
        kc_hconn_stop(h, c);
        kc_hconn_start(h, c);
        kc_hconn_update_tasks(h, c, false);
        return KC_OK;
    }
    if (kc_status_store_connector_json(h->status, c->name, &plan, NULL) !=
        KC_OK) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND,
                            "Status for connector %s not found", c->name);
    }
    /* KIP-745: the plan marks what restarts as RESTARTING. */
    conn = json_object_get(plan, "connector");
    restart_conn = !only_failed ||
                   strcmp(json_string_value(json_object_get(conn, "state")),
                          "FAILED") == 0;
    if (restart_conn) {
        json_object_set_new(conn, "state", json_string("RESTARTING"));
    }
    tasks = json_object_get(plan, "tasks");
    restart_task = kc_calloc(c->ntasks + 1, sizeof(*restart_task));
    for (size_t i = 0; i < json_array_size(tasks); i++) {
        json_t *t = json_array_get(tasks, i);
        json_int_t id = json_integer_value(json_object_get(t, "id"));
        const char *state = json_string_value(json_object_get(t, "state"));

        if (!include_tasks || id < 0 || (size_t)id >= c->ntasks) {
            continue;
        }
        if (!only_failed || strcmp(state, "FAILED") == 0) {
            restart_task[id] = true;
            json_object_set_new(t, "state", json_string("RESTARTING"));
        }
    }
    kc_log_info(kc_herder_logger(h),
                "Received restart request for connector %s (includeTasks=%s, "
                "onlyFailed=%s)",
                c->log_name, include_tasks ? "true" : "false",
                only_failed ? "true" : "false");
    if (restart_conn) {
        kc_hconn_stop(h, c);
        kc_herder_put_status(h, c->name, -1, KC_STATE_RESTARTING, NULL);
    }
    /* Together, under one graceful deadline (only this worker's run). */
    kc_worker_stop_task_set(h->w, c->name, restart_task, c->ntasks);
    for (size_t i = 0; i < c->ntasks; i++) {
        if (restart_task[i] && kc_herder_runs(h, c->name, (int)i)) {
            c->task_on[i] = false;
            kc_herder_put_status(h, c->name, (int)i, KC_STATE_RESTARTING, NULL);
        }
    }
    if (restart_conn) {
        kc_hconn_start(h, c);
    }
    for (size_t i = 0; i < c->ntasks; i++) {
        if (restart_task[i]) {
            kc_hconn_start_task(h, c, i);
        }
    }
    kc_free(restart_task);
    op->out = plan;
    return KC_OK;
}

static kc_err_t kc_op_restart_task(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_state_t st;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->task < 0 || (size_t)op->task >= c->ntasks) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Task %s-%d not found",
                            op->name, op->task);
    }
    if (!kc_herder_runs(h, c->name, op->task)) {
        /* Apache forwards it to the task's worker; kconnect does not
         * yet (docs/compat.md). */
        return kc_error_set(&op->err, KC_ERR_CONFLICT,
                            "Task %s-%d is not running in this worker",
                            op->name, op->task);
    }
    kc_worker_stop_task(h->w, c->name, op->task);
    c->task_on[op->task] = false;
    kc_herder_clear_failed(h, c->name, op->task);
    kc_hconn_start_task(h, c, (size_t)op->task);
    if (kc_status_store_get(h->status, c->name, op->task, &st) &&
        st == KC_STATE_FAILED) {
        return kc_error_set(&op->err, KC_ERR, "Failed to start task: %s-%d",
                            op->name, op->task);
    }
    return KC_OK;
}

/* Reconfigure @p name if it asked for it (kc_connector_request_...). */
static void kc_herder_reconfigure(kc_herder_t *h, const char *name)
{
    kc_hconn_t *c = kc_herder_find(h, name);

    /* As the 200 ms tick did before: only a started connector. */
    if (c != NULL && c->started && kc_worker_take_reconfigure(h->w, c->name)) {
        kc_log_info(kc_herder_logger(h),
                    "Connector %s requested a task reconfiguration",
                    c->log_name);
        kc_hconn_update_tasks(h, c, false);
    }
}

/* A connector thread's result: continue where its job left off. */
static void kc_herder_connector_result(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_connector_result_t *res = op->res;
    kc_connector_call_t call = kc_connector_result_call(res);

    op->res = NULL;
    if (c == NULL ||
        (call == KC_CONNECTOR_CALL_START ? c->job != KC_HJOB_START
                                         : c->job != KC_HJOB_TASK_CONFIGS)) {
        /* Superseded: deleted, stopped or replaced since it began. */
        kc_connector_result_free(res);
        return;
    }
    if (call == KC_CONNECTOR_CALL_START) {
        kc_hconn_start_done(h, c, res);
    } else {
        kc_hconn_tasks_done(h, c, res, c->tasks_force);
        if (c->job == KC_HJOB_NONE && c->tasks_due) {
            /* Asked for again while the answer was on its way. */
            c->tasks_due = false;
            kc_hconn_update_tasks(h, c, false);
        }
    }
}

kc_err_t kc_herder_execute(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c;

    switch (op->type) {
    case KC_OP_LIST:
        return kc_op_list(h, op);
    case KC_OP_INFO:
    case KC_OP_CONFIG:
    case KC_OP_TASKS:
        c = kc_herder_find(h, op->name);
        if (c == NULL) {
            return kc_not_found(op);
        }
        op->out = op->type == KC_OP_INFO     ? kc_hconn_info(h, c)
                  : op->type == KC_OP_CONFIG ? kc_hconn_config_json(h, c)
                                             : kc_hconn_tasks(h, c);
        return KC_OK;
    case KC_OP_PUT:
        return kc_op_put(h, op);
    case KC_OP_PATCH:
        return kc_op_patch(h, op);
    case KC_OP_DELETE:
        return kc_op_delete(h, op);
    case KC_OP_RESTART:
        return kc_op_restart(h, op);
    case KC_OP_RESTART_TASK:
        return kc_op_restart_task(h, op);
    case KC_OP_PAUSE:
        return kc_op_target(h, op, KC_TARGET_PAUSED);
    case KC_OP_RESUME:
        return kc_op_target(h, op, KC_TARGET_STARTED);
    case KC_OP_STOP:
        return kc_op_stop(h, op);
    case KC_OP_TOPICS:
        return kc_op_topics(h, op);
    case KC_OP_TOPICS_RESET:
        return kc_op_topics_reset(h, op);
    case KC_OP_OFFSETS:
    case KC_OP_ALTER_OFFSETS:
    case KC_OP_RESET_OFFSETS:
        return kc_op_offsets(h, op);
    case KC_OP_VALIDATE:
        return kc_op_validate(h, op);
    case KC_OP_PLUGIN_CONFIG:
        return kc_op_plugin_config(h, op);
    case KC_OP_PING:
        return KC_OK;
    case KC_OP_PUT_TASK_CONFIGS:
    case KC_OP_FENCE:
        if (h->vt->internal_op != NULL) {
            return h->vt->internal_op(h, op);
        }
        /* Apache's StandaloneHerder throws UnsupportedOperationException. */
        return kc_error_set(
            &op->err, KC_ERR,
            op->type == KC_OP_FENCE
                ? "Kafka Connect in standalone mode does not support "
                  "exactly-once source connectors."
                : "Kafka Connect in standalone mode does not support "
                  "externally setting task configurations.");
    case KC_OP_RECONFIGURE:
        kc_herder_reconfigure(h, op->name);
        return KC_OK;
    case KC_OP_CONNECTOR_RESULT:
        kc_herder_connector_result(h, op);
        return KC_OK;
    case KC_OP_FAILED:
        kc_autorestart_failed(h, op->name, op->task);
        return KC_OK;
    }
    return kc_error_set(&op->err, KC_ERR, "unknown herder op %d", op->type);
}

/* ---- the queue and the thread ------------------------------------------ */

void kc_op_destroy(kc_opq_op_t *qop)
{
    kc_op_t *op = (kc_op_t *)qop;

    kc_free(op->name);
    kc_free(op->str);
    json_decref(op->in);
    json_decref(op->out);
    kc_connector_result_free(op->res);
    kc_request_sig_destroy(op->sig);
    kc_free(op);
}

kc_err_t kc_herder_core_fence_without_eos(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (c->kind != KC_PLUGIN_SOURCE) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector %s is not a source connector", op->name);
    }
    /* No task count record is ever written without exactly-once support:
     * nothing to fence (Apache logs "Skipping zombie fencing round"). */
    return KC_OK;
}

kc_op_t *kc_op_new(kc_op_type_t type, const char *name)
{
    kc_op_t *op = kc_calloc(1, sizeof(*op));

    op->q.kind = (int)type;
    op->q.destroy = kc_op_destroy;
    op->type = type;
    op->name = name != NULL ? kc_strdup(name) : NULL;
    op->task = -1;
    return op;
}

/* ---- set-up and release ------------------------------------------------ */

void kc_herder_core_init(kc_herder_t *h, const kc_herder_vt_t *vt,
                         kc_worker_t *w, kc_status_store_t *status,
                         kc_config_store_t *configs)
{
    h->configs = configs;
    h->vt = vt;
    h->w = w;
    h->status = status;
    h->timeout_ms = KC_HERDER_TIMEOUT_MS;
    pthread_mutex_init(&h->exec_lock, NULL);
    h->autorestart = kc_autorestart_new();
    kc_worker_set_status_listener(w, kc_herder_on_status, h);
    /* Listed by GET /admin/loggers from the start, as Apache's herder
     * class (standalone or distributed, not both) is. */
    kc_log_register(kc_herder_logger(h));
}

void kc_herder_core_release(kc_herder_t *h)
{
    static const char stopping[] = "Herder is stopping; request not completed";
    int64_t deadline;

    /* As Apache's StandaloneHerder.stop: tasks first, then connectors. */
    pthread_mutex_lock(&h->exec_lock);
    for (size_t i = 0; i < h->nconns; i++) {
        kc_herder_orphan_ops(h, h->conns[i]);
    }
    for (size_t i = 0; i < h->norphans; i++) {
        kc_herder_refuse(h->orphans[i], stopping);
    }
    kc_free(h->orphans);
    h->orphans = NULL;
    h->norphans = 0;
    for (size_t i = 0; i < h->nconns; i++) {
        /* Shutting down changes nothing stored: no kc_hconn_save_*. */
        kc_hconn_remove_tasks(h, h->conns[i]);
    }
    /* One graceful deadline for every connector, as Apache's
     * stopAndAwaitConnectors: a start that never returns is abandoned. */
    deadline = kc_clock_now_ms() + KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS;
    for (size_t i = 0; i < h->nconns; i++) {
        if (h->conns[i]->started) {
            kc_worker_stop_connector_until(h->w, h->conns[i]->name, deadline);
        }
        kc_hconn_free(h->conns[i]);
    }
    kc_free(h->conns);
    h->conns = NULL;
    h->nconns = 0;
    pthread_mutex_unlock(&h->exec_lock);
    kc_worker_set_status_listener(h->w, NULL, NULL);
    kc_autorestart_destroy(h->autorestart, h->timers);
    h->autorestart = NULL;
    kc_status_store_destroy(h->status);
    h->status = NULL;
    kc_config_store_destroy(h->configs);
    h->configs = NULL;
    pthread_mutex_destroy(&h->exec_lock);
}
