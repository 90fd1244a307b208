/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kc_herder_* calls (kc_herder.h) over any herder implementation:
 * each builds an op and hands it to the implementation's submit, then
 * copies the reply out. The read-only calls (status, plugins, server
 * info) answer here without waiting for the herder.
 */
#include "kc_internal.h"

#include "distributed/kc_request_sig.h"
#include "herder/kc_herder_autorestart.h"
#include "herder/kc_herder_core.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"

/* Apache's health check timeout. */
#define KC_HERDER_HEALTH_TIMEOUT_MS 10000

/*
 * Run @p op through the implementation and wait at most @p timeout_ms.
 * Takes @p op. Copies the outcome to @p out, @p created and @p err.
 */
static kc_err_t kc_herder_submit(kc_herder_t *h, kc_op_t *op,
                                 int64_t timeout_ms, json_t **out,
                                 bool *created, kc_error_t *err)
{
    kc_op_t *reply = NULL;
    kc_err_t rc;

    if (out != NULL) {
        *out = NULL;
    }
    rc = h->vt->submit(h, op, timeout_ms, &reply, err);
    if (rc != KC_OK) {
        return rc;
    }
    rc = reply->rc;
    if (rc != KC_OK && err != NULL) {
        *err = reply->err;
    }
    if (out != NULL) {
        *out = reply->out;
        reply->out = NULL;
    }
    if (created != NULL) {
        *created = reply->created;
    }
    kc_op_destroy(&reply->q);
    return rc;
}

static kc_err_t kc_herder_call(kc_herder_t *h, kc_op_t *op, json_t **out,
                               kc_error_t *err)
{
    return kc_herder_submit(h, op, h->timeout_ms, out, NULL, err);
}

kc_err_t kc_herder_start(kc_herder_t *h, kc_error_t *err)
{
    return h->vt->start(h, err);
}

void kc_herder_set_timeout(kc_herder_t *h, int64_t timeout_ms)
{
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : KC_HERDER_TIMEOUT_MS;
}

kc_worker_t *kc_herder_worker(kc_herder_t *h)
{
    return h->w;
}

void kc_herder_destroy(kc_herder_t *h)
{
    if (h == NULL) {
        return;
    }
    kc_log_info(kc_herder_logger(h), "Herder stopping");
    h->vt->stop(h);
    kc_herder_core_release(h);
    kc_log_info(kc_herder_logger(h), "Herder stopped");
    h->vt->free(h);
}

kc_err_t kc_herder_list(kc_herder_t *h, unsigned expand, json_t **out,
                        kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_LIST, NULL);

    op->flags = expand;
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_info(kc_herder_t *h, const char *name, json_t **out,
                        kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_INFO, name), out, err);
}

kc_err_t kc_herder_config(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_CONFIG, name), out, err);
}

kc_err_t kc_herder_put_config(kc_herder_t *h, const char *name, json_t *config,
                              bool allow_replace, const char *initial_state,
                              bool *created, json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_PUT, name);

    op->in = json_deep_copy(config);
    op->b1 = allow_replace;
    op->str = initial_state != NULL ? kc_strdup(initial_state) : NULL;
    return kc_herder_submit(h, op, h->timeout_ms, out, created, err);
}

kc_err_t kc_herder_patch_config(kc_herder_t *h, const char *name, json_t *patch,
                                json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_PATCH, name);

    op->in = json_deep_copy(patch);
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_put_task_configs(kc_herder_t *h, const char *name,
                                    json_t *tasks,
                                    const struct kc_request_sig *sig,
                                    kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_PUT_TASK_CONFIGS, name);

    op->in = json_deep_copy(tasks);
    op->sig = kc_request_sig_dup(sig);
    return kc_herder_call(h, op, NULL, err);
}

kc_err_t kc_herder_fence_zombies(kc_herder_t *h, const char *name,
                                 const struct kc_request_sig *sig,
                                 kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_FENCE, name);

    op->sig = kc_request_sig_dup(sig);
    return kc_herder_call(h, op, NULL, err);
}

kc_err_t kc_herder_delete(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_DELETE, name), NULL, err);
}

kc_err_t kc_herder_status(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    kc_err_t rc;

    /* Straight from the status store: answers while the herder is busy. */
    *out = NULL;
    rc = kc_status_store_connector_json(h->status, name, out, err);
    if (rc == KC_OK) {
        kc_autorestart_decorate(h, name, *out);
    }
    return rc;
}

kc_err_t kc_herder_tasks(kc_herder_t *h, const char *name, json_t **out,
                         kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TASKS, name), out, err);
}

kc_err_t kc_herder_task_status(kc_herder_t *h, const char *name, int task,
                               json_t **out, kc_error_t *err)
{
    kc_err_t rc;

    *out = NULL;
    rc = kc_status_store_task_json(h->status, name, task, out, err);
    if (rc == KC_OK) {
        kc_autorestart_decorate_task(h, name, task, *out);
    }
    return rc;
}

kc_err_t kc_herder_restart(kc_herder_t *h, const char *name, bool include_tasks,
                           bool only_failed, json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_RESTART, name);

    op->b1 = include_tasks;
    op->b2 = only_failed;
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_restart_task(kc_herder_t *h, const char *name, int task,
                                kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_RESTART_TASK, name);

    op->task = task;
    return kc_herder_call(h, op, NULL, err);
}

kc_err_t kc_herder_pause(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_PAUSE, name), NULL, err);
}

kc_err_t kc_herder_resume(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_RESUME, name), NULL, err);
}

kc_err_t kc_herder_stop(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_STOP, name), NULL, err);
}

kc_err_t kc_herder_topics(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TOPICS, name), out, err);
}

kc_err_t kc_herder_topics_reset(kc_herder_t *h, const char *name,
                                kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TOPICS_RESET, name), NULL, err);
}

/*
 * The herder thread only finds the connector and hands back its config;
 * the read (a broker round trip for a sink) runs on the caller's thread
 * within what is left of the request timeout, so a broker that does not
 * answer holds up this request only, never the herder and the other
 * routes.
 */
kc_err_t kc_herder_offsets(kc_herder_t *h, const char *name, json_t **out,
                           kc_error_t *err)
{
    int64_t start = kc_clock_now_ms();
    int64_t left;
    json_t *config = NULL;
    kc_props_t *props;
    const char *key;
    json_t *value;
    kc_err_t rc;

    rc = kc_herder_call(h, kc_op_new(KC_OP_OFFSETS, name), &config, err);
    if (rc != KC_OK) {
        if (out != NULL) {
            *out = config;
        } else {
            json_decref(config);
        }
        return rc;
    }
    props = kc_props_new();
    json_object_foreach(config, key, value)
    {
        kc_props_set(props, key, json_string_value(value));
    }
    json_decref(config);
    left = h->timeout_ms - (kc_clock_now_ms() - start);
    rc = kc_worker_offsets(h->w, name, props, left > 0 ? left : 1, out, err);
    kc_props_destroy(props);
    return rc;
}

kc_err_t kc_herder_alter_offsets(kc_herder_t *h, const char *name, json_t *body,
                                 json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_ALTER_OFFSETS, name);

    op->in = json_deep_copy(body);
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_reset_offsets(kc_herder_t *h, const char *name, json_t **out,
                                 kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_RESET_OFFSETS, name), out, err);
}

kc_err_t kc_herder_validate(kc_herder_t *h, const char *plugin, json_t *config,
                            json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_VALIDATE, plugin);

    op->in = json_deep_copy(config);
    return kc_herder_call(h, op, out, err);
}

static bool kc_version_shown(const char *version)
{
    return version != NULL && strcmp(version, "undefined") != 0;
}

static int kc_head_cmp(const void *a, const void *b)
{
    return strcmp(kc_plugin_class(*(const kc_plugin_head_t *const *)a),
                  kc_plugin_class(*(const kc_plugin_head_t *const *)b));
}

static const char *kc_plugin_type_name(kc_plugin_kind_t kind)
{
    switch (kind) {
    case KC_PLUGIN_SOURCE:
        return "source";
    case KC_PLUGIN_SINK:
        return "sink";
    case KC_PLUGIN_CONVERTER:
        return "converter";
    case KC_PLUGIN_HEADER_CONVERTER:
        return "header_converter";
    case KC_PLUGIN_TRANSFORM:
        return "transformation";
    case KC_PLUGIN_PREDICATE:
        return "predicate";
    default:
        return "unknown";
    }
}

kc_err_t kc_herder_plugins(kc_herder_t *h, bool connectors_only, json_t **out,
                           kc_error_t *err)
{
    /* The registry is read-only once the worker runs: no herder op. */
    kc_registry_t *reg = kc_worker_registry(h->w);
    json_t *arr = json_array();

    KC_UNUSED(err);
    for (size_t k = 0; k < KC_ARRAY_LEN(kc_plugin_order); k++) {
        kc_plugin_kind_t kind = kc_plugin_order[k];
        size_t n = kc_registry_count(reg, kind);
        const kc_plugin_head_t **heads;

        if (connectors_only && kind != KC_PLUGIN_SINK &&
            kind != KC_PLUGIN_SOURCE) {
            continue;
        }
        heads = kc_calloc(n + 1, sizeof(*heads));
        for (size_t i = 0; i < n; i++) {
            heads[i] = kc_registry_at(reg, kind, i);
        }
        qsort(heads, n, sizeof(*heads), kc_head_cmp);
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();

            json_object_set_new(o, "class",
                                json_string(kc_plugin_class(heads[i])));
            json_object_set_new(o, "type",
                                json_string(kc_plugin_type_name(kind)));
            if (kc_version_shown(heads[i]->version)) {
                json_object_set_new(o, "version",
                                    json_string(heads[i]->version));
            }
            json_array_append_new(arr, o);
        }
        kc_free(heads);
    }
    *out = arr;
    return KC_OK;
}

kc_err_t kc_herder_plugin_config(kc_herder_t *h, const char *plugin,
                                 json_t **out, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_PLUGIN_CONFIG, plugin), out, err);
}

kc_err_t kc_herder_server_info(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    json_t *o = json_object();
    const char *cluster = kc_worker_cluster_id(h->w);

    KC_UNUSED(err);
    /*
     * "version" is the Apache Kafka release whose API this reproduces, so
     * tools that gate features on it keep working; "commit" names us.
     */
    json_object_set_new(o, "version", json_string(KC_APACHE_VERSION));
    json_object_set_new(o, "commit", json_string("kconnect-" KC_VERSION_STR));
    json_object_set_new(o, "kafka_cluster_id",
                        cluster != NULL ? json_string(cluster) : json_null());
    *out = o;
    return KC_OK;
}

static json_t *kc_worker_status(const char *status, const char *message)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "message", json_string(message));
    return o;
}

kc_err_t kc_herder_health(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    int64_t timeout;
    kc_err_t rc;

    if (!h->vt->ready(h)) {
        *out = kc_worker_status("starting", "Worker is still starting up.");
        return kc_error_set(err, KC_AGAIN, "Worker is still starting up.");
    }
    timeout = h->timeout_ms < KC_HERDER_HEALTH_TIMEOUT_MS
                  ? h->timeout_ms
                  : KC_HERDER_HEALTH_TIMEOUT_MS;
    rc = kc_herder_submit(h, kc_op_new(KC_OP_PING, NULL), timeout, NULL, NULL,
                          err);
    if (rc != KC_OK) {
        *out = kc_worker_status("unhealthy",
                                "Worker was unable to handle this request "
                                "and may be unable to handle other "
                                "requests.");
        return kc_error_set(err, KC_ERR_TIMEOUT, "%s",
                            "Worker was unable to handle this request");
    }
    *out = kc_worker_status("healthy", "Worker has completed startup and is "
                                       "ready to handle requests.");
    return KC_OK;
}

char *kc_herder_leader_url(kc_herder_t *h)
{
    if (h == NULL || h->vt->leader_url == NULL) {
        return NULL;
    }
    return h->vt->leader_url(h);
}

char *kc_herder_owner_url(kc_herder_t *h, const char *name, int task)
{
    if (h == NULL || h->vt->owner_url == NULL || name == NULL) {
        return NULL;
    }
    return h->vt->owner_url(h, name, task);
}
