/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector instances: create, start, task configs, stop. The plugin's
 * start and task_configs may block (a JDBC connector listing tables, a
 * slow database), so for the herder they run as jobs on the connector's
 * own thread (one at a time per instance, as Apache's WorkerConnector has
 * its own executor thread) and the result comes back to the herder, which
 * commits it on its thread (kc_worker_connector_result). A result carries
 * the version of the instance it was made for: one whose instance was
 * stopped or replaced meanwhile is refused. Stopping waits for a running
 * job at most Apache's connector graceful timeout (5 s), then abandons
 * the instance to its thread, which stops and frees it if the call ever
 * returns.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

struct kc_connector_result {
    char *name;
    uint64_t version;
    kc_connector_call_t call;
    kc_target_state_t target; /* start: the state to report */
    int tasks_max;            /* task configs: the bound asked for */
    bool enforce;             /* task configs: tasks.max.enforce */
    kc_err_t rc;
    kc_error_t err;
    kc_props_t **configs;
    size_t count;
};

typedef struct conn_job {
    wconn_t *c;
    kc_props_t *resolved; /* start: the config the plugin sees */
    kc_connector_done_fn fn;
    void *opaque;
    kc_connector_result_t *res;
} conn_job_t;

static void tasks_free(kc_props_t **configs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        kc_props_destroy(configs[i]);
    }
    kc_free(configs);
}

void kc_connector_result_free(kc_connector_result_t *res)
{
    if (res == NULL) {
        return;
    }
    tasks_free(res->configs, res->count);
    kc_free(res->name);
    kc_free(res);
}

const char *kc_connector_result_name(const kc_connector_result_t *res)
{
    return res->name;
}

kc_connector_call_t kc_connector_result_call(const kc_connector_result_t *res)
{
    return res->call;
}

/* The plugin call itself: the only part that runs off the herder thread. */
static void conn_job_run(conn_job_t *job)
{
    wconn_t *c = job->c;
    kc_connector_result_t *res = job->res;

    kc_error_clear(&res->err);
    kc_log_set_filter(kc_secrets_log_filter, c->secrets);
    if (res->call == KC_CONNECTOR_CALL_START) {
        res->rc = c->plugin->start(&c->ctx, job->resolved, c->cctx, &res->err);
        c->live = res->rc == KC_OK;
    } else {
        res->rc = c->plugin->task_configs(c->ctx, res->tasks_max, &res->configs,
                                          &res->count, &res->err);
        if (res->rc != KC_OK) {
            tasks_free(res->configs, res->count);
            res->configs = NULL;
            res->count = 0;
        }
    }
    kc_log_set_filter(NULL, NULL);
}

static void conn_job_free(conn_job_t *job)
{
    kc_props_destroy(job->resolved);
    kc_free(job);
}

static void *conn_job_main(void *arg)
{
    conn_job_t *job = arg;
    wconn_t *c = job->c;
    kc_connector_result_t *res = job->res;
    bool abandoned;

    kc_log_set_context(NULL);
    conn_job_run(job);
    pthread_mutex_lock(&c->job_lock);
    c->job_done = true;
    abandoned = c->abandoned;
    pthread_cond_broadcast(&c->job_cond);
    pthread_mutex_unlock(&c->job_lock);
    if (abandoned) {
        kc_worker_t *w = c->cctx->worker;

        /* Nobody waits for it any more: the instance is this thread's.
         * Its last use of the worker is counting itself out: freeing the
         * instance needs only the instance. */
        kc_connector_result_free(res);
        conn_job_free(job);
        atomic_fetch_sub(&w->abandoned_conns, 1);
        kc_worker_conn_free(c);
        return NULL;
    }
    /* From here on the herder may stop and free c: do not touch it. */
    job->fn(job->opaque, res);
    conn_job_free(job);
    return NULL;
}

/* Join the thread of the previous job (done: its result came back). */
static void conn_job_join(wconn_t *c)
{
    if (c->job_thread) {
        pthread_join(c->thread, NULL);
        c->job_thread = false;
    }
}

/*
 * Run @p job: on the connector's thread when it has a done function,
 * else here (the result in *@p res). Takes @p job.
 */
static kc_err_t conn_job_start(conn_job_t *job, kc_connector_result_t **res,
                               kc_error_t *err)
{
    wconn_t *c = job->c;
    int rc;

    *res = NULL;
    conn_job_join(c);
    if (job->fn == NULL) {
        conn_job_run(job);
        *res = job->res;
        conn_job_free(job);
        return KC_OK;
    }
    c->job_done = false;
    rc = pthread_create(&c->thread, NULL, conn_job_main, job);
    if (rc != 0) {
        kc_connector_result_free(job->res);
        conn_job_free(job);
        return kc_error_set(err, KC_ERR,
                            "could not start a thread for connector %s: %s",
                            c->name, strerror(rc));
    }
    c->job_thread = true;
    return KC_OK;
}

static conn_job_t *conn_job_new(wconn_t *c, kc_connector_call_t call,
                                kc_connector_done_fn fn, void *opaque)
{
    conn_job_t *job = kc_calloc(1, sizeof(*job));

    job->c = c;
    job->fn = fn;
    job->opaque = opaque;
    job->res = kc_calloc(1, sizeof(*job->res));
    job->res->name = kc_strdup(c->name);
    job->res->version = c->version;
    job->res->call = call;
    return job;
}

void kc_worker_conn_free(wconn_t *c)
{
    if (c == NULL) {
        return;
    }
    if (c->live && c->plugin->stop != NULL) {
        kc_log_set_filter(kc_secrets_log_filter, c->secrets);
        c->plugin->stop(c->ctx);
        kc_log_set_filter(NULL, NULL);
    }
    pthread_mutex_destroy(&c->job_lock);
    pthread_cond_destroy(&c->job_cond);
    kc_secrets_destroy(c->secrets);
    kc_props_destroy(c->config);
    kc_free(c->cctx->name);
    kc_free(c->cctx);
    kc_free(c->name);
    kc_free(c);
}

kc_err_t kc_worker_start_connector_job(kc_worker_t *w, const char *name,
                                       const kc_props_t *config,
                                       kc_target_state_t target,
                                       kc_connector_done_fn fn, void *opaque,
                                       kc_connector_result_t **res,
                                       kc_error_t *err)
{
    const char *cls = kc_props_get(config, "connector.class");
    const struct kc_connector_plugin *plugin;
    kc_config_result_t result = {0};
    kc_props_t *resolved;
    conn_job_t *job;
    wconn_t *c;
    char *safe;

    *res = NULL;
    if (kc_worker_find_conn(w, name, NULL) != NULL) {
        return kc_error_set(err, KC_ERR_CONFLICT, "Connector %s already exists",
                            name);
    }
    plugin = cls != NULL ? kc_registry_find_connector(w->reg, cls, NULL) : NULL;
    if (plugin == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "Failed to find any class that implements "
                            "Connector and which name matches %s",
                            cls != NULL ? cls : "null");
    }
    resolved = kc_props_copy(config);
    if (kc_props_resolve(resolved, w->props, err) != KC_OK) {
        kc_props_destroy(resolved);
        kc_error_prefix(err,
                        "could not resolve the config of connector "
                        "\"%s\"",
                        name);
        return err->code;
    }
    kc_config_validate(kc_worker_connector_defs(w, plugin), resolved, &result);
    kc_worker_connector_check(w, plugin, resolved, &result);
    if (result.count > 0) {
        kc_config_result_to_error(&result, err);
        kc_config_result_release(&result);
        kc_props_destroy(resolved);
        return KC_ERR_INVALID;
    }
    kc_config_result_release(&result);

    c = kc_calloc(1, sizeof(*c));
    c->name = kc_strdup(name);
    c->version = ++w->conn_versions;
    c->config = kc_props_copy(config);
    c->secrets = kc_secrets_new(config, w->props);
    c->plugin = plugin;
    c->is_sink = plugin->sink_task != NULL;
    c->cctx = kc_calloc(1, sizeof(*c->cctx));
    c->cctx->worker = w;
    c->cctx->name = kc_strdup(name);
    c->cctx->secrets = c->secrets;
    atomic_init(&c->cctx->reconfigure, false);
    atomic_init(&c->cctx->abandoned, false);
    pthread_mutex_init(&c->job_lock, NULL);
    kc_clock_cond_init(&c->job_cond);
    w->conns = kc_realloc(w->conns, (w->nconns + 1) * sizeof(*w->conns));
    w->conns[w->nconns++] = c;
    kc_metrics_connector_add(
        w->metrics, name, c->is_sink,
        plugin->class_name != NULL ? plugin->class_name : cls, plugin->version);

    if (target == KC_TARGET_STOPPED) {
        kc_props_destroy(resolved);
        kc_worker_report(w, name, -1, KC_STATE_STOPPED, NULL);
        return KC_OK;
    }
    safe = kc_str_escape_log(name);
    kc_log_info(LOGGER, "Creating connector %s of type %s", safe, cls);
    kc_free(safe);
    job = conn_job_new(c, KC_CONNECTOR_CALL_START, fn, opaque);
    job->resolved = resolved;
    job->res->target = target;
    return conn_job_start(job, res, err);
}

kc_err_t kc_worker_task_configs_job(kc_worker_t *w, const char *name,
                                    kc_connector_done_fn fn, void *opaque,
                                    kc_connector_result_t **res,
                                    kc_error_t *err)
{
    wconn_t *c = kc_worker_find_conn(w, name, NULL);
    kc_connector_conf_t conf;
    conn_job_t *job;

    *res = NULL;
    if (c == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND, "Connector %s not found",
                            name);
    }
    if (!c->started) {
        return kc_error_set(err, KC_ERR_CONFLICT, "connector %s is not running",
                            name);
    }
    if (kc_connector_conf_bind(c->config, &conf, err) != KC_OK) {
        return err->code;
    }
    job = conn_job_new(c, KC_CONNECTOR_CALL_TASK_CONFIGS, fn, opaque);
    job->res->tasks_max = conf.tasks_max;
    job->res->enforce = conf.tasks_max_enforce;
    kc_connector_conf_release(&conf);
    return conn_job_start(job, res, err);
}

static kc_err_t commit_start(kc_worker_t *w, wconn_t *c,
                             kc_connector_result_t *res)
{
    if (res->rc != KC_OK) {
        /* The plugin saw resolved values; its message may quote one. */
        char *why = kc_secrets_scrub(
            c->secrets,
            res->err.msg[0] ? res->err.msg : "connector start failed");
        char *safe = kc_str_escape_log(c->name);

        kc_log_error(LOGGER, "could not start connector %s: %s", safe, why);
        kc_worker_report(w, c->name, -1, KC_STATE_FAILED, why);
        kc_free(safe);
        kc_free(why);
    } else {
        c->started = true;
        kc_worker_report(w, c->name, -1,
                         res->target == KC_TARGET_PAUSED ? KC_STATE_PAUSED
                                                         : KC_STATE_RUNNING,
                         NULL);
    }
    return KC_OK;
}

static kc_err_t commit_task_configs(kc_connector_result_t *res,
                                    kc_props_t ***configs, size_t *count,
                                    kc_error_t *err)
{
    if (res->rc != KC_OK) {
        *err = res->err;
        if (err->code == KC_OK) {
            err->code = res->rc;
        }
        return res->rc;
    }
    if ((int)res->count > res->tasks_max && res->enforce) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "The connector %s has generated %zu tasks, which "
                            "is greater than %d, the maximum number of tasks "
                            "it is configured to create.",
                            res->name, res->count, res->tasks_max);
    }
    *configs = res->configs;
    *count = res->count;
    res->configs = NULL;
    res->count = 0;
    return KC_OK;
}

kc_err_t kc_worker_connector_result(kc_worker_t *w, kc_connector_result_t *res,
                                    kc_props_t ***configs, size_t *count,
                                    kc_error_t *err)
{
    wconn_t *c = kc_worker_find_conn(w, res->name, NULL);
    kc_err_t rc;

    if (configs != NULL) {
        *configs = NULL;
        *count = 0;
    }
    if (c == NULL || c->version != res->version) {
        kc_connector_result_free(res);
        return KC_AGAIN;
    }
    /* The thread handed the result over: it has ended or is ending. */
    conn_job_join(c);
    if (res->call == KC_CONNECTOR_CALL_START) {
        rc = commit_start(w, c, res);
    } else if (configs == NULL) {
        rc = kc_error_set(err, KC_ERR, "task configs of connector %s unread",
                          res->name);
    } else {
        rc = commit_task_configs(res, configs, count, err);
    }
    kc_connector_result_free(res);
    return rc;
}

kc_err_t kc_worker_start_connector(kc_worker_t *w, const char *name,
                                   const kc_props_t *config,
                                   kc_target_state_t target, kc_error_t *err)
{
    kc_connector_result_t *res = NULL;
    kc_err_t rc = kc_worker_start_connector_job(w, name, config, target, NULL,
                                                NULL, &res, err);

    if (rc != KC_OK || res == NULL) {
        return rc;
    }
    return kc_worker_connector_result(w, res, NULL, NULL, err);
}

kc_err_t kc_worker_task_configs(kc_worker_t *w, const char *name,
                                kc_props_t ***configs, size_t *count,
                                kc_error_t *err)
{
    kc_connector_result_t *res = NULL;
    kc_err_t rc;

    *configs = NULL;
    *count = 0;
    rc = kc_worker_task_configs_job(w, name, NULL, NULL, &res, err);
    if (rc != KC_OK) {
        return rc;
    }
    return kc_worker_connector_result(w, res, configs, count, err);
}

void kc_worker_stop_connector_until(kc_worker_t *w, const char *name,
                                    int64_t deadline_ms)
{
    size_t i;
    wconn_t *c = kc_worker_find_conn(w, name, &i);
    bool done;

    if (c == NULL) {
        return;
    }
    if (kc_log_enabled(KC_LOG_INFO, LOGGER)) {
        char *safe = kc_str_escape_log(name);

        kc_log_info(LOGGER, "Stopping connector %s", safe);
        kc_free(safe);
    }
    w->conns[i] = w->conns[--w->nconns];
    kc_metrics_connector_remove(w->metrics, name);
    if (!c->job_thread) {
        kc_worker_conn_free(c);
        return;
    }
    pthread_mutex_lock(&c->job_lock);
    while (!c->job_done && kc_clock_cond_wait_until(&c->job_cond, &c->job_lock,
                                                    deadline_ms) != ETIMEDOUT) {
    }
    done = c->job_done;
    if (!done) {
        /* Everything read from c before the unlock: from then on its
         * thread may free it at any time. */
        pthread_t thread = c->thread;
        const char *call = c->started ? "task_configs" : "start";
        char *safe = kc_str_escape_log(c->name);

        c->abandoned = true;
        atomic_store(&c->cctx->abandoned, true);
        atomic_fetch_add(&w->abandoned_conns, 1);
        pthread_mutex_unlock(&c->job_lock);
        pthread_detach(thread);
        kc_log_error(LOGGER,
                     "could not stop connector %s: its %s call has not "
                     "returned within %d ms; it is abandoned and may still "
                     "hold external resources (restarting the worker "
                     "releases them)",
                     safe, call, KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS);
        kc_free(safe);
        return;
    }
    pthread_mutex_unlock(&c->job_lock);
    conn_job_join(c);
    kc_worker_conn_free(c);
}

void kc_worker_stop_connector(kc_worker_t *w, const char *name)
{
    kc_worker_stop_connector_until(
        w, name, kc_clock_now_ms() + KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS);
}

bool kc_worker_take_reconfigure(kc_worker_t *w, const char *name)
{
    wconn_t *c = kc_worker_find_conn(w, name, NULL);

    return c != NULL && atomic_exchange(&c->cctx->reconfigure, false);
}

void kc_connector_request_reconfigure(kc_connector_ctx_t *cctx)
{
    kc_worker_t *w = cctx->worker;

    if (atomic_load(&cctx->abandoned)) {
        return;
    }
    atomic_store(&cctx->reconfigure, true);
    if (w->reconfigure_fn != NULL) {
        w->reconfigure_fn(w->reconfigure_opaque, cctx->name);
    }
}

void kc_connector_raise_error(kc_connector_ctx_t *cctx, const kc_error_t *error)
{
    char *why;

    if (atomic_load(&cctx->abandoned)) {
        return;
    }
    /* The connector saw resolved values; its message may quote one. */
    why = kc_secrets_scrub(cctx->secrets,
                           error != NULL ? error->msg : "connector failed");
    kc_worker_report(cctx->worker, cctx->name, -1, KC_STATE_FAILED, why);
    kc_free(why);
}

const char *kc_connector_ctx_name(const kc_connector_ctx_t *cctx)
{
    return cctx->name;
}
