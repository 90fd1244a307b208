/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker: creation, connector instances and teardown. Its Kafka
 * clients' settings, task threads, active topics and topic creation, and
 * offsets for REST live in kc_worker_clients.c, kc_worker_tasks.c,
 * kc_worker_topics.c and kc_worker_offsets.c (kc_worker_int.h).
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

const char *kc_state_name(kc_state_t state)
{
    static const char *const names[] = {"UNASSIGNED", "RUNNING", "PAUSED",
                                        "STOPPED",    "FAILED",  "RESTARTING",
                                        "DESTROYED"};

    return (size_t)state < KC_ARRAY_LEN(names) ? names[state] : "UNKNOWN";
}

static bool is_embedded(const char *bootstrap)
{
    char *copy = kc_strdup(bootstrap != NULL ? bootstrap : "");
    bool yes = kc_str_eq_nocase(kc_str_trim(copy), KC_EMBEDDED_BOOTSTRAP);

    kc_free(copy);
    return yes;
}

/* The metrics registry, for the worker's metrics.* keys. */
static kc_err_t kc_worker_metrics_open(kc_worker_t *w, kc_error_t *err)
{
    kc_stat_config_t cfg = {
        .window_ms = kc_config_long(w->config, "metrics.sample.window.ms"),
        .samples = kc_config_int(w->config, "metrics.num.samples")};
    const char *naming = kc_props_get(w->props, "metrics.prometheus.naming");
    kc_metrics_scheme_t scheme;

    if (kc_metrics_scheme_parse(naming, &scheme) != KC_OK) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid value %s for configuration "
                            "metrics.prometheus.naming: must be one of "
                            "strimzi, jmx, strimzi-reporter",
                            naming);
    }
    w->metrics = kc_metrics_new(&cfg, scheme);
    return KC_OK;
}

kc_metrics_t *kc_worker_metrics(kc_worker_t *w)
{
    return w->metrics;
}

/* Served on librdkafka's background thread: nobody polls the admin. */
static void admin_event_cb(rd_kafka_t *rk, rd_kafka_event_t *ev, void *opaque)
{
    KC_UNUSED(rk);
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_STATS) {
        const char *json = rd_kafka_event_stats(ev);

        kc_metrics_admin_stats(opaque, json, strlen(json));
    }
    rd_kafka_event_destroy(ev);
}

/*
 * The worker's admin client reports its statistics (its connection count
 * is on the Strimzi dashboard) every metrics.client.statistics.interval.ms
 * unless admin.statistics.interval.ms says otherwise.
 */
static void admin_stats_conf(kc_worker_t *w, rd_kafka_conf_t *conf)
{
    int64_t ms =
        kc_config_long(w->config, "metrics.client.statistics.interval.ms");
    char cur[32];
    size_t n = sizeof(cur);
    char val[32];

    if (rd_kafka_conf_get(conf, "statistics.interval.ms", cur, &n) !=
            RD_KAFKA_CONF_OK ||
        strcmp(cur, "0") != 0) {
        return; /* set by the user: their events, not ours */
    }
    if (ms <= 0) {
        return;
    }
    snprintf(val, sizeof(val), "%lld", (long long)ms);
    rd_kafka_conf_set(conf, "statistics.interval.ms", val, NULL, 0);
    rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_STATS);
    rd_kafka_conf_set_background_event_cb(conf, admin_event_cb);
    rd_kafka_conf_set_opaque(conf, w->metrics);
}

kc_worker_t *kc_worker_new(const kc_props_t *worker_props, kc_registry_t *reg,
                           kc_error_t *err)
{
    return kc_worker_new_with(worker_props, reg, kc_worker_config_defs(), err);
}

kc_worker_t *kc_worker_new_with(const kc_props_t *worker_props,
                                kc_registry_t *reg,
                                const kc_config_def_t *const *defs,
                                kc_error_t *err)
{
    kc_worker_t *w = kc_calloc(1, sizeof(*w));
    kc_config_result_t result = {0};
    const char *bootstrap;
    rd_kafka_conf_t *conf;
    char errstr[512];

    pthread_mutex_init(&w->topics_lock, NULL);
    pthread_mutex_init(&w->reader_lock, NULL);
    w->reg = reg;
    w->props = kc_props_copy(worker_props);
    if (kc_props_resolve(w->props, w->props, err) != KC_OK) {
        kc_error_prefix(err, "could not resolve the worker config");
        goto fail;
    }
    if (kc_worker_config_check_with(reg, defs, w->props, &result) != KC_OK) {
        kc_config_result_to_error(&result, err);
        kc_config_result_release(&result);
        goto fail;
    }
    kc_config_result_release(&result);
    w->config = kc_config_new(defs, w->props, err);
    if (w->config == NULL ||
        (defs == kc_worker_config_defs()
             ? kc_worker_conf_bind(w->props, &w->conf, err)
             : kc_worker_conf_bind_common(w->props, &w->conf, err)) != KC_OK) {
        goto fail;
    }
    if (kc_worker_metrics_open(w, err) != KC_OK) {
        goto fail;
    }
    bootstrap = kc_props_get(w->props, "bootstrap.servers");
    if (bootstrap == NULL) {
        bootstrap = "localhost:9092";
    }
    if (is_embedded(bootstrap)) {
        w->embedded = kc_embedded_kafka_start(1, err);
        if (w->embedded == NULL) {
            goto fail;
        }
        w->bootstrap = kc_strdup(kc_embedded_kafka_bootstraps(w->embedded));
        kc_log_info(LOGGER,
                    "embedded Kafka cluster (in memory, for trying kconnect "
                    "out) listening on %s",
                    w->bootstrap);
        fprintf(stderr,
                "kconnect: embedded Kafka listening on %s "
                "(e.g. kcat -b %s -L)\n",
                w->bootstrap, w->bootstrap);
        fflush(stderr);
    } else {
        w->bootstrap = kc_strdup(bootstrap);
    }
    w->offsets =
        kc_offset_store_open(w->conf.offset_storage_file_filename, err);
    if (w->offsets == NULL) {
        goto fail;
    }
    conf = kc_worker_client_conf(w, KC_CLIENT_ADMIN, NULL,
                                 "connect-worker-admin", err);
    if (conf == NULL) {
        goto fail;
    }
    admin_stats_conf(w, conf);
    w->admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (w->admin == NULL) {
        rd_kafka_conf_destroy(conf);
        kc_error_set(err, KC_ERR_KAFKA, "could not create a Kafka client: %s",
                     errstr);
        goto fail;
    }
    {
        /* Its statistics (admin_stats_conf) go to the background thread. */
        rd_kafka_queue_t *bg = rd_kafka_queue_get_background(w->admin);

        if (bg != NULL) {
            rd_kafka_queue_t *main_q = rd_kafka_queue_get_main(w->admin);

            rd_kafka_queue_forward(main_q, bg);
            rd_kafka_queue_destroy(main_q);
            rd_kafka_queue_destroy(bg);
        }
    }
    {
        char *cid = rd_kafka_clusterid(w->admin, 15000);

        if (cid != NULL) {
            w->cluster_id = kc_strdup(cid);
            rd_kafka_mem_free(w->admin, cid);
            kc_log_info(LOGGER, "Kafka cluster ID: %s", w->cluster_id);
        } else {
            kc_log_warn(LOGGER,
                        "could not fetch the Kafka cluster id from %s; is "
                        "Kafka running?",
                        w->bootstrap);
        }
    }
    return w;
fail:
    kc_worker_destroy(w);
    return NULL;
}

void kc_worker_set_status_listener(kc_worker_t *w, kc_status_fn fn,
                                   void *opaque)
{
    w->status_fn = fn;
    w->status_opaque = opaque;
}

void kc_worker_set_reconfigure_listener(kc_worker_t *w, kc_reconfigure_fn fn,
                                        void *opaque)
{
    w->reconfigure_fn = fn;
    w->reconfigure_opaque = opaque;
}

void kc_worker_report(kc_worker_t *w, const char *connector, int task,
                      kc_state_t state, const char *trace)
{
    if (task < 0 && kc_log_enabled(KC_LOG_INFO, LOGGER)) {
        char *safe = kc_str_escape_log(connector);

        kc_log_info(LOGGER, "connector %s is %s", safe, kc_state_name(state));
        kc_free(safe);
    }
    if (w->metrics != NULL) {
        kc_metrics_state(w->metrics, connector, task, state);
    }
    if (w->status_fn != NULL) {
        w->status_fn(w->status_opaque, connector, task, state, trace);
    }
}

const kc_config_t *kc_worker_config(const kc_worker_t *w)
{
    return w->config;
}

const kc_worker_conf_t *kc_worker_conf(const kc_worker_t *w)
{
    return &w->conf;
}

const kc_props_t *kc_worker_props(const kc_worker_t *w)
{
    return w->props;
}

kc_registry_t *kc_worker_registry(const kc_worker_t *w)
{
    return w->reg;
}

struct kc_embedded_kafka *kc_worker_embedded(kc_worker_t *w)
{
    return w->embedded;
}

kc_offset_store_t *kc_worker_offset_store(kc_worker_t *w)
{
    return w->offsets;
}

void kc_worker_set_connector_offsets(kc_worker_t *w, kc_connector_offsets_fn fn,
                                     void *opaque)
{
    w->connector_offsets = fn;
    w->connector_offsets_opaque = opaque;
}

kc_offset_store_t *
kc_worker_offset_store_for(kc_worker_t *w, const kc_props_t *connector_config,
                           kc_error_t *err)
{
    const char *topic =
        connector_config != NULL
            ? kc_props_get(connector_config, "offsets.storage.topic")
            : NULL;

    if (topic == NULL || *topic == '\0' || w->connector_offsets == NULL) {
        return w->offsets;
    }
    return w->connector_offsets(w->connector_offsets_opaque, topic, err);
}

void kc_worker_set_offset_store(kc_worker_t *w, kc_offset_store_t *store)
{
    kc_offset_store_destroy(w->offsets);
    w->offsets = store;
}

const char *kc_worker_id(const kc_worker_t *w)
{
    return w->id != NULL ? w->id : "localhost:8083";
}

void kc_worker_set_id(kc_worker_t *w, const char *id)
{
    kc_free(w->id);
    w->id = kc_strdup(id);
}

const char *kc_worker_cluster_id(kc_worker_t *w)
{
    return w->cluster_id;
}

const char *kc_worker_bootstrap(const kc_worker_t *w)
{
    return w->bootstrap;
}

/* ---- connectors ----------------------------------------------------- */

wconn_t *kc_worker_find_conn(kc_worker_t *w, const char *name, size_t *index)
{
    for (size_t i = 0; i < w->nconns; i++) {
        if (strcmp(w->conns[i]->name, name) == 0) {
            if (index != NULL) {
                *index = i;
            }
            return w->conns[i];
        }
    }
    return NULL;
}

const kc_config_def_t *const *
kc_worker_connector_defs(kc_worker_t *w,
                         const struct kc_connector_plugin *plugin)
{
    defs_cache_t *d;

    for (size_t i = 0; i < w->ndefs; i++) {
        if (w->defs[i].plugin == plugin) {
            return w->defs[i].defs;
        }
    }
    w->defs = kc_realloc(w->defs, (w->ndefs + 1) * sizeof(*w->defs));
    d = &w->defs[w->ndefs++];
    memset(d, 0, sizeof(*d));
    d->plugin = plugin;
    d->defs[0] = kc_connector_common_def();
    d->defs[1] = plugin->sink_task != NULL ? kc_sink_connector_def()
                                           : kc_source_connector_def();
    d->defs[2] = plugin->config_def; /* may be NULL: ends the list */
    d->defs[3] = NULL;
    return d->defs;
}

void kc_worker_connector_check(kc_worker_t *w,
                               const struct kc_connector_plugin *plugin,
                               const kc_props_t *config,
                               kc_config_result_t *result)
{
    kc_connector_config_check(w->reg, config, plugin->sink_task != NULL,
                              result);
    kc_connector_plugins_check(w->reg, plugin, config, w->props, result);
    {
        /*
         * Apache's connector.client.config.override.policy check, on the
         * override keys of the clients the connector gets (validate lists
         * the same errors on each key's own entry).
         */
        static const char *const prefixes[] = {
            "producer.override.", "consumer.override.", "admin.override."};
        const char *policy = w->conf.connector_client_config_override_policy;
        bool sink = plugin->sink_task != NULL;

        for (size_t i = 0; i < kc_props_count(config); i++) {
            const char *key = kc_props_key_at(config, i);

            for (size_t p = 0; p < KC_ARRAY_LEN(prefixes); p++) {
                char *refusal;

                if (!kc_str_starts_with(key, prefixes[p]) ||
                    !kc_worker_client_used(config, sink, (kc_client_kind_t)p)) {
                    continue;
                }
                refusal = kc_worker_override_refusal(policy,
                                                     key + strlen(prefixes[p]));
                if (refusal != NULL) {
                    kc_worker_config_issue(result, key, "%s", refusal);
                    kc_free(refusal);
                }
            }
        }
    }
    if (plugin->validate != NULL) {
        plugin->validate(config, result);
    }
}

void kc_worker_destroy(kc_worker_t *w)
{
    kc_error_t err;

    if (w == NULL) {
        return;
    }
    if (w->ntasks > 0) {
        kc_worker_stop_matching(w, NULL, -1);
    }
    {
        /* As Apache's stopAndAwaitConnectors: one deadline for all. */
        int64_t deadline =
            kc_clock_now_ms() + KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS;

        while (w->nconns > 0) {
            kc_worker_stop_connector_until(w, w->conns[0]->name, deadline);
        }
    }
    if (w->offsets != NULL &&
        kc_offset_store_flush(w->offsets, &err) != KC_OK) {
        kc_log_error(LOGGER, "could not flush offsets: %s", err.msg);
    }
    if (w->abandoned > 0 || atomic_load(&w->abandoned_conns) > 0) {
        /*
         * A task thread still runs and may use the store, the clients and
         * the config: keep them (the process is about to exit anyway).
         */
        if (w->abandoned > 0) {
            kc_log_error(LOGGER,
                         "%zu task(s) did not stop within "
                         "task.shutdown.graceful.timeout.ms; not freeing the "
                         "worker",
                         w->abandoned);
        } else {
            kc_log_error(LOGGER,
                         "%zu connector(s) did not stop in time; not "
                         "freeing the worker",
                         atomic_load(&w->abandoned_conns));
        }
        return;
    }
    if (w->admin != NULL) {
        rd_kafka_destroy(w->admin);
    }
    if (w->reader != NULL) {
        rd_kafka_destroy(w->reader);
    }
    kc_offset_store_destroy(w->offsets);
    kc_embedded_kafka_destroy(w->embedded);
    for (size_t i = 0; i < w->ntopics; i++) {
        kc_free(w->topics[i].connector);
        kc_strlist_release(&w->topics[i].topics);
    }
    kc_free(w->topics);
    kc_free(w->tasks);
    kc_free(w->conns);
    kc_free(w->defs);
    kc_config_destroy(w->config);
    kc_worker_conf_release(&w->conf);
    kc_props_destroy(w->props);
    kc_free(w->bootstrap);
    kc_free(w->id);
    kc_free(w->cluster_id);
    kc_metrics_destroy(w->metrics);
    pthread_mutex_destroy(&w->topics_lock);
    pthread_mutex_destroy(&w->reader_lock);
    kc_free(w);
}
