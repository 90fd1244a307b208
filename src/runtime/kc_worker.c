/*
 * The worker: connector instances, task threads, the offset store, the
 * Kafka clients' settings and the embedded Kafka.
 */
#include "kc_internal.h"

#include "runtime/kc_worker.h"

#include "config/kc_secrets.h"
#include "data/kc_value_json.h"
#include "runtime/kc_embedded_kafka.h"
#include "runtime/kc_fetch_waker.h"
#include "runtime/kc_task.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_log.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

#include <regex.h>
#include <syslog.h>
#include <time.h>

#define LOGGER "org.apache.kafka.connect.runtime.Worker"

struct kc_connector_ctx {
    kc_worker_t *worker;
    char *name;
    atomic_bool reconfigure;
    const struct kc_secrets *secrets; /* the wconn's, same lifetime */
};

/* One connector instance. @locality herder thread. */
typedef struct wconn {
    char *name;
    kc_props_t *config; /* as given (provider references unresolved) */
    const struct kc_connector_plugin *plugin;
    bool is_sink;
    void *ctx;
    bool started;
    struct kc_connector_ctx *cctx; /* stable address for the plugin */
    /* The provider values the plugin sees resolved: its log lines get
     * the references back (kc_log_set_filter around each call). */
    kc_secrets_t *secrets;
} wconn_t;

typedef struct wtopics {
    char *connector;
    kc_strlist_t topics;
} wtopics_t;

typedef struct defs_cache {
    const struct kc_connector_plugin *plugin;
    const kc_config_def_t *defs[4];
} defs_cache_t;

struct kc_worker {
    kc_props_t *props;
    kc_config_t *config;
    kc_worker_conf_t conf; /* the keys the worker reads, typed */
    kc_registry_t *reg;
    kc_embedded_kafka_t *embedded;
    char *bootstrap;
    kc_offset_store_t *offsets;
    rd_kafka_t *admin; /* metadata, cluster id, group offsets */
    pthread_mutex_t reader_lock;
    rd_kafka_t *reader; /* reads group offsets; made on first use */
    char *id;
    char *cluster_id;
    kc_status_fn status_fn;
    void *status_opaque;
    kc_reconfigure_fn reconfigure_fn;
    void *reconfigure_opaque;

    wconn_t **conns;
    size_t nconns;
    kc_task_t **tasks;
    size_t ntasks;
    defs_cache_t *defs;
    size_t ndefs;

    pthread_mutex_t topics_lock;
    wtopics_t *topics;
    size_t ntopics;
    size_t abandoned; /* tasks that outlived their graceful stop */
};

const char *kc_state_name(kc_state_t state)
{
    static const char *const names[] = {"UNASSIGNED", "RUNNING", "PAUSED",
                                        "STOPPED",    "FAILED",  "RESTARTING",
                                        "DESTROYED"};

    return (size_t)state < KC_ARRAY_LEN(names) ? names[state] : "UNKNOWN";
}

/* ---- librdkafka clients ------------------------------------------- */

static void rk_log_cb(const rd_kafka_t *rk, int level, const char *fac,
                      const char *buf)
{
    kc_log_level_t lvl = level <= LOG_ERR       ? KC_LOG_ERROR
                         : level == LOG_WARNING ? KC_LOG_WARN
                         : level <= LOG_INFO    ? KC_LOG_INFO
                                                : KC_LOG_DEBUG;

    if (kc_log_enabled(lvl, "org.apache.kafka.clients")) {
        /* Client ids carry connector names, which REST clients choose. */
        char *safe = kc_str_escape_log(rd_kafka_name(rk));
        char *text = kc_str_escape_log(buf);

        kc_log_write(lvl, "org.apache.kafka.clients", "[%s] %s: %s", safe, fac,
                     text);
        kc_free(text);
        kc_free(safe);
    }
}

static bool set_conf(rd_kafka_conf_t *conf, const char *key, const char *value,
                     kc_error_t *err)
{
    char errstr[256];

    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
        kc_error_set(err, KC_ERR_INVALID, "invalid config \"%s\": %s", key,
                     errstr);
        return false;
    }
    return true;
}

/* Settings the Principal policy lets connectors override. */
static bool principal_allows(const char *key)
{
    return strcmp(key, "sasl.jaas.config") == 0 ||
           strcmp(key, "sasl.mechanism") == 0 ||
           strcmp(key, "security.protocol") == 0;
}

rd_kafka_conf_t *kc_worker_client_conf(kc_worker_t *w, kc_client_kind_t kind,
                                       const kc_props_t *connector_config,
                                       const char *client_id, kc_error_t *err)
{
    static const char *const prefixes[] = {"producer.", "consumer.", "admin."};
    static const char *const overrides[] = {
        "producer.override.", "consumer.override.", "admin.override."};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_props_t *sub;
    bool ok = true;

    rd_kafka_conf_set_log_cb(conf, rk_log_cb);
    ok = ok && set_conf(conf, "bootstrap.servers", w->bootstrap, err);
    if (client_id != NULL) {
        ok = ok && set_conf(conf, "client.id", client_id, err);
    }
    if (kind == KC_CLIENT_PRODUCER) {
        /* Apache's Worker.baseProducerConfigs: ordered, no loss. Unlike
         * Apache (false, for brokers older than 2.8 with ACLs), the
         * producer is idempotent unless told otherwise: a broker restart
         * then leaves no duplicates (docs/architecture.md). */
        ok = ok && set_conf(conf, "acks", "all", err);
        ok = ok &&
             set_conf(conf, "max.in.flight.requests.per.connection", "1", err);
        ok = ok && set_conf(conf, "enable.idempotence", "true", err);
        ok = ok && set_conf(conf, "message.timeout.ms", "2147483647", err);
    } else if (kind == KC_CLIENT_CONSUMER && connector_config != NULL) {
        char *group = kc_asprintf("connect-%s",
                                  kc_props_get(connector_config, "name")
                                      ? kc_props_get(connector_config, "name")
                                      : "");

        ok = ok && set_conf(conf, "group.id", group, err);
        ok = ok && set_conf(conf, "enable.auto.commit", "false", err);
        ok = ok && set_conf(conf, "enable.auto.offset.store", "false", err);
        ok = ok && set_conf(conf, "auto.offset.reset", "earliest", err);
        kc_free(group);
        /* librdkafka >= 2.1 pauses a full fetch queue for this long (1 s by
         * default), which idles a consumer that just caught up; older
         * versions lack the key and get kc_fetch_waker instead. The
         * worker's and connector's settings below still win. */
        if (!kc_fetch_waker_needed()) {
            char period[16];

            snprintf(period, sizeof(period), "%d", KC_FETCH_WAKER_PERIOD_MS);
            ok = ok && set_conf(conf, "fetch.queue.backoff.ms", period, err);
        }
    }
    if (ok && kind == KC_CLIENT_ADMIN) {
        /* Apache's admin clients start from the worker's own settings. */
        sub = kc_worker_admin_base_props(w->props);
        ok = kc_client_conf_apply(conf, kind, sub, "", NULL, err) == KC_OK;
        kc_props_destroy(sub);
    }
    if (ok) {
        sub = kc_props_with_prefix(w->props, prefixes[kind]);
        ok = kc_client_conf_apply(conf, kind, sub, prefixes[kind], NULL, err) ==
             KC_OK;
        kc_props_destroy(sub);
    }
    if (ok && connector_config != NULL) {
        const char *policy = w->conf.connector_client_config_override_policy;

        sub = kc_props_with_prefix(connector_config, overrides[kind]);
        for (size_t i = 0; ok && i < kc_props_count(sub); i++) {
            const char *key = kc_props_key_at(sub, i);

            if (kc_str_eq_nocase(policy, "None") ||
                (kc_str_eq_nocase(policy, "Principal") &&
                 !principal_allows(key))) {
                kc_error_set(err, KC_ERR_INVALID,
                             "invalid config \"%s%s\": the worker's "
                             "connector.client.config.override.policy (%s) "
                             "does not allow it",
                             overrides[kind], key, policy);
                ok = false;
            }
        }
        ok = ok && kc_client_conf_apply(conf, kind, sub, overrides[kind], NULL,
                                        err) == KC_OK;
        kc_props_destroy(sub);
    }
    if (ok && kind == KC_CLIENT_PRODUCER) {
        ok = kc_producer_idempotence_check(conf, w->props, connector_config,
                                           true, NULL, 0, err) == KC_OK;
    }
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

/* ---- creation ------------------------------------------------------- */

static bool is_embedded(const char *bootstrap)
{
    char *copy = kc_strdup(bootstrap != NULL ? bootstrap : "");
    bool yes = kc_str_eq_nocase(kc_str_trim(copy), KC_EMBEDDED_BOOTSTRAP);

    kc_free(copy);
    return yes;
}

kc_worker_t *kc_worker_new(const kc_props_t *worker_props, kc_registry_t *reg,
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
    if (kc_worker_config_check(reg, w->props, &result) != KC_OK) {
        kc_config_result_to_error(&result, err);
        kc_config_result_release(&result);
        goto fail;
    }
    kc_config_result_release(&result);
    w->config = kc_config_new(kc_worker_config_defs(), w->props, err);
    if (w->config == NULL ||
        kc_worker_conf_bind(w->props, &w->conf, err) != KC_OK) {
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
    w->admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (w->admin == NULL) {
        rd_kafka_conf_destroy(conf);
        kc_error_set(err, KC_ERR_KAFKA, "could not create a Kafka client: %s",
                     errstr);
        goto fail;
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

static wconn_t *find_conn(kc_worker_t *w, const char *name, size_t *index)
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
    {
        /* Apache's connector.client.config.override.policy check. */
        static const char *const prefixes[] = {
            "producer.override.", "consumer.override.", "admin.override."};
        const char *policy = w->conf.connector_client_config_override_policy;

        for (size_t i = 0; i < kc_props_count(config); i++) {
            const char *key = kc_props_key_at(config, i);

            for (size_t p = 0; p < KC_ARRAY_LEN(prefixes); p++) {
                const char *name = key + strlen(prefixes[p]);

                if (!kc_str_starts_with(key, prefixes[p])) {
                    continue;
                }
                if (kc_str_eq_nocase(policy, "None") ||
                    (kc_str_eq_nocase(policy, "Principal") &&
                     !principal_allows(name))) {
                    kc_worker_config_issue(
                        result, key,
                        "The '%s' policy does not allow '%s' to be "
                        "overridden in the connector configuration.",
                        policy, name);
                }
            }
        }
    }
    if (plugin->validate != NULL) {
        plugin->validate(config, result);
    }
}

static void conn_free(wconn_t *c)
{
    if (c == NULL) {
        return;
    }
    if (c->started && c->plugin->stop != NULL) {
        kc_log_set_filter(kc_secrets_log_filter, c->secrets);
        c->plugin->stop(c->ctx);
        kc_log_set_filter(NULL, NULL);
    }
    kc_secrets_destroy(c->secrets);
    kc_props_destroy(c->config);
    kc_free(c->cctx->name);
    kc_free(c->cctx);
    kc_free(c->name);
    kc_free(c);
}

kc_err_t kc_worker_start_connector(kc_worker_t *w, const char *name,
                                   const kc_props_t *config,
                                   kc_target_state_t target, kc_error_t *err)
{
    const char *cls = kc_props_get(config, "connector.class");
    const struct kc_connector_plugin *plugin;
    kc_config_result_t result = {0};
    kc_props_t *resolved;
    wconn_t *c;
    char *safe;
    kc_err_t rc;

    if (find_conn(w, name, NULL) != NULL) {
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
    c->config = kc_props_copy(config);
    c->secrets = kc_secrets_new(config, w->props);
    c->plugin = plugin;
    c->is_sink = plugin->sink_task != NULL;
    c->cctx = kc_calloc(1, sizeof(*c->cctx));
    c->cctx->worker = w;
    c->cctx->name = kc_strdup(name);
    c->cctx->secrets = c->secrets;
    atomic_init(&c->cctx->reconfigure, false);
    w->conns = kc_realloc(w->conns, (w->nconns + 1) * sizeof(*w->conns));
    w->conns[w->nconns++] = c;

    if (target == KC_TARGET_STOPPED) {
        kc_props_destroy(resolved);
        kc_worker_report(w, name, -1, KC_STATE_STOPPED, NULL);
        return KC_OK;
    }
    safe = kc_str_escape_log(name);
    kc_log_info(LOGGER, "Creating connector %s of type %s", safe, cls);
    {
        kc_error_t perr;

        kc_error_clear(&perr);
        kc_log_set_filter(kc_secrets_log_filter, c->secrets);
        rc = plugin->start(&c->ctx, resolved, c->cctx, &perr);
        kc_log_set_filter(NULL, NULL);
        if (rc != KC_OK) {
            /* The plugin saw resolved values; its message may quote one. */
            char *why = kc_secrets_scrub(
                c->secrets, perr.msg[0] ? perr.msg : "connector start failed");

            kc_log_error(LOGGER, "could not start connector %s: %s", safe, why);
            kc_worker_report(w, name, -1, KC_STATE_FAILED, why);
            kc_free(why);
        } else {
            c->started = true;
            kc_worker_report(w, name, -1,
                             target == KC_TARGET_PAUSED ? KC_STATE_PAUSED
                                                        : KC_STATE_RUNNING,
                             NULL);
        }
    }
    kc_free(safe);
    kc_props_destroy(resolved);
    return KC_OK;
}

void kc_worker_stop_connector(kc_worker_t *w, const char *name)
{
    size_t i;
    wconn_t *c = find_conn(w, name, &i);

    if (c == NULL) {
        return;
    }
    if (kc_log_enabled(KC_LOG_INFO, LOGGER)) {
        char *safe = kc_str_escape_log(name);

        kc_log_info(LOGGER, "Stopping connector %s", safe);
        kc_free(safe);
    }
    w->conns[i] = w->conns[--w->nconns];
    conn_free(c);
}

kc_err_t kc_worker_task_configs(kc_worker_t *w, const char *name,
                                kc_props_t ***configs, size_t *count,
                                kc_error_t *err)
{
    wconn_t *c = find_conn(w, name, NULL);
    kc_connector_conf_t conf;
    int tasks_max;
    bool enforce;
    kc_err_t rc;

    *configs = NULL;
    *count = 0;
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
    tasks_max = conf.tasks_max;
    enforce = conf.tasks_max_enforce;
    kc_connector_conf_release(&conf);
    kc_log_set_filter(kc_secrets_log_filter, c->secrets);
    rc = c->plugin->task_configs(c->ctx, tasks_max, configs, count, err);
    kc_log_set_filter(NULL, NULL);
    if (rc != KC_OK) {
        return rc;
    }
    if ((int)*count > tasks_max && enforce) {
        for (size_t i = 0; i < *count; i++) {
            kc_props_destroy((*configs)[i]);
        }
        kc_free(*configs);
        *configs = NULL;
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "The connector %s has generated %zu tasks, which "
                          "is greater than %d, the maximum number of tasks "
                          "it is configured to create.",
                          name, *count, tasks_max);
        *count = 0;
        return rc;
    }
    return KC_OK;
}

bool kc_worker_take_reconfigure(kc_worker_t *w, const char *name)
{
    wconn_t *c = find_conn(w, name, NULL);

    return c != NULL && atomic_exchange(&c->cctx->reconfigure, false);
}

void kc_connector_request_reconfigure(kc_connector_ctx_t *cctx)
{
    kc_worker_t *w = cctx->worker;

    atomic_store(&cctx->reconfigure, true);
    if (w->reconfigure_fn != NULL) {
        w->reconfigure_fn(w->reconfigure_opaque, cctx->name);
    }
}

void kc_connector_raise_error(kc_connector_ctx_t *cctx, const kc_error_t *error)
{
    /* The connector saw resolved values; its message may quote one. */
    char *why = kc_secrets_scrub(
        cctx->secrets, error != NULL ? error->msg : "connector failed");

    kc_worker_report(cctx->worker, cctx->name, -1, KC_STATE_FAILED, why);
    kc_free(why);
}

const char *kc_connector_ctx_name(const kc_connector_ctx_t *cctx)
{
    return cctx->name;
}

/* ---- tasks ---------------------------------------------------------- */

char *kc_task_scrub(const kc_task_t *task, const char *text)
{
    return kc_secrets_scrub(task->secrets, text);
}

static void task_free(kc_task_t *task)
{
    kc_free(task->connector);
    kc_free(task->label);
    kc_free(task->logname);
    kc_props_destroy(task->connector_config);
    kc_props_destroy(task->task_config);
    kc_secrets_destroy(task->secrets);
    pthread_mutex_destroy(&task->lock);
    pthread_cond_destroy(&task->cond);
    kc_free(task);
}

kc_err_t kc_worker_start_task(kc_worker_t *w, const char *connector, int task,
                              const kc_props_t *connector_config,
                              const kc_props_t *task_config,
                              kc_target_state_t target, kc_error_t *err)
{
    const char *cls = kc_props_get(connector_config, "connector.class");
    const struct kc_connector_plugin *plugin =
        cls != NULL ? kc_registry_find_connector(w->reg, cls, NULL) : NULL;
    kc_task_t *t;
    int rc;

    for (size_t i = 0; i < w->ntasks; i++) {
        if (strcmp(w->tasks[i]->connector, connector) == 0 &&
            w->tasks[i]->id == task) {
            return kc_error_set(err, KC_ERR_CONFLICT,
                                "task %s-%d is already running", connector,
                                task);
        }
    }
    if (plugin == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "Failed to find any class that implements "
                            "Connector and which name matches %s",
                            cls != NULL ? cls : "null");
    }
    t = kc_calloc(1, sizeof(*t));
    t->worker = w;
    t->connector = kc_strdup(connector);
    t->id = task;
    t->label = kc_asprintf("%s-%d", connector, task);
    {
        char *safe = kc_str_escape_log(t->label);

        t->logname = kc_asprintf("%s{id=%s}",
                                 plugin->sink_task != NULL ? "WorkerSinkTask"
                                                           : "WorkerSourceTask",
                                 safe);
        kc_free(safe);
    }
    t->connector_config = kc_props_copy(connector_config);
    t->task_config = kc_props_copy(task_config);
    {
        kc_props_t *both = kc_props_copy(connector_config);

        for (size_t i = 0; i < kc_props_count(task_config); i++) {
            kc_props_set(both, kc_props_key_at(task_config, i),
                         kc_props_value_at(task_config, i));
        }
        t->secrets = kc_secrets_new(both, w->props);
        kc_props_destroy(both);
    }
    if (kc_props_resolve(t->connector_config, w->props, err) != KC_OK ||
        kc_props_resolve(t->task_config, w->props, err) != KC_OK) {
        kc_error_prefix(err, "could not resolve the config of task %s",
                        t->label);
        rc = err->code;
        pthread_mutex_init(&t->lock, NULL);
        kc_clock_cond_init(&t->cond);
        task_free(t);
        return rc;
    }
    t->plugin = plugin;
    t->is_sink = plugin->sink_task != NULL;
    t->source_ctx.task = t;
    t->sink_ctx.task = t;
    atomic_init(&t->sink_ctx.timeout_ms, -1);
    t->target = target;
    atomic_init(&t->stopping, false);
    atomic_init(&t->done, false);
    pthread_mutex_init(&t->lock, NULL);
    /* kc_task_sleep waits on it: the monotonic clock. */
    kc_clock_cond_init(&t->cond);
    if (kc_log_enabled(KC_LOG_INFO, LOGGER)) {
        char *safe = kc_str_escape_log(t->label);

        kc_log_info(LOGGER, "Creating task %s", safe);
        kc_free(safe);
    }
    rc = pthread_create(&t->thread, NULL,
                        t->is_sink ? kc_sink_task_run : kc_source_task_run, t);
    if (rc != 0) {
        task_free(t);
        return kc_error_set(err, KC_ERR,
                            "could not start a thread for task "
                            "%s-%d: %s",
                            connector, task, strerror(rc));
    }
    t->started = true;
    w->tasks = kc_realloc(w->tasks, (w->ntasks + 1) * sizeof(*w->tasks));
    w->tasks[w->ntasks++] = t;
    return KC_OK;
}

void kc_task_sleep(kc_task_t *task, int64_t ms)
{
    int64_t deadline = kc_clock_now_ms() + ms;

    pthread_mutex_lock(&task->lock);
    /* One wait: a stop or a new target state (broadcast) ends it early. */
    if (!atomic_load(&task->stopping)) {
        kc_clock_cond_wait_until(&task->cond, &task->lock, deadline);
    }
    pthread_mutex_unlock(&task->lock);
}

kc_target_state_t kc_task_target(kc_task_t *task)
{
    kc_target_state_t t;

    pthread_mutex_lock(&task->lock);
    t = task->target;
    pthread_mutex_unlock(&task->lock);
    return t;
}

static void task_signal_stop(kc_task_t *t)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->stopping, true);
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

/* Join by @p deadline (CLOCK_MONOTONIC); abandon the task if it is late. */
static void task_join(kc_task_t *t, const struct timespec *deadline)
{
    int rc = pthread_clockjoin_np(t->thread, NULL, CLOCK_MONOTONIC, deadline);

    if (rc == 0) {
        task_free(t);
        return;
    }
    kc_log_error(LOGGER,
                 "Graceful stop of task %s failed: it did not stop within "
                 "task.shutdown.graceful.timeout.ms",
                 t->logname);
    t->abandoned = true;
    t->worker->abandoned++;
    pthread_detach(t->thread);
    /* It may still use its own memory: never freed (leaked on purpose). */
}

static void stop_matching(kc_worker_t *w, const char *connector, int id)
{
    struct timespec deadline;
    int64_t ms = w->conf.task_shutdown_graceful_timeout_ms;
    kc_task_t **victims = kc_calloc(w->ntasks + 1, sizeof(*victims));
    size_t n = 0;

    for (size_t i = 0; i < w->ntasks;) {
        kc_task_t *t = w->tasks[i];

        if ((connector == NULL || strcmp(t->connector, connector) == 0) &&
            (id < 0 || t->id == id)) {
            victims[n++] = t;
            task_signal_stop(t);
            w->tasks[i] = w->tasks[--w->ntasks];
        } else {
            i++;
        }
    }
    deadline = kc_clock_deadline_ts(ms);
    for (size_t i = 0; i < n; i++) {
        task_join(victims[i], &deadline);
    }
    kc_free(victims);
}

void kc_worker_stop_tasks(kc_worker_t *w, const char *connector)
{
    stop_matching(w, connector, -1);
}

void kc_worker_stop_task(kc_worker_t *w, const char *connector, int task)
{
    stop_matching(w, connector, task);
}

void kc_worker_set_target(kc_worker_t *w, const char *connector,
                          kc_target_state_t target)
{
    wconn_t *c = find_conn(w, connector, NULL);

    for (size_t i = 0; i < w->ntasks; i++) {
        kc_task_t *t = w->tasks[i];

        if (strcmp(t->connector, connector) == 0) {
            pthread_mutex_lock(&t->lock);
            t->target = target;
            pthread_cond_broadcast(&t->cond);
            pthread_mutex_unlock(&t->lock);
        }
    }
    if (c != NULL && c->started && target != KC_TARGET_STOPPED) {
        kc_worker_report(w, connector, -1,
                         target == KC_TARGET_PAUSED ? KC_STATE_PAUSED
                                                    : KC_STATE_RUNNING,
                         NULL);
    }
}

/* ---- topics --------------------------------------------------------- */

void kc_worker_topic_used(kc_worker_t *w, const char *connector,
                          const char *topic)
{
    wtopics_t *entry = NULL;

    if (!w->conf.topic_tracking_enable) {
        return;
    }
    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            entry = &w->topics[i];
        }
    }
    if (entry == NULL) {
        w->topics =
            kc_realloc(w->topics, (w->ntopics + 1) * sizeof(*w->topics));
        entry = &w->topics[w->ntopics++];
        memset(entry, 0, sizeof(*entry));
        entry->connector = kc_strdup(connector);
    }
    for (size_t i = 0; i < entry->topics.count; i++) {
        if (strcmp(entry->topics.items[i], topic) == 0) {
            pthread_mutex_unlock(&w->topics_lock);
            return;
        }
    }
    kc_strlist_push(&entry->topics, topic);
    pthread_mutex_unlock(&w->topics_lock);
}

kc_err_t kc_worker_topics(kc_worker_t *w, const char *connector, json_t **out,
                          kc_error_t *err)
{
    json_t *list = json_array();

    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            for (size_t j = 0; j < w->topics[i].topics.count; j++) {
                json_array_append_new(
                    list, json_string(w->topics[i].topics.items[j]));
            }
        }
    }
    pthread_mutex_unlock(&w->topics_lock);
    *out = json_pack("{s{so}}", connector, "topics", list);
    return KC_OK;
}

void kc_worker_topics_reset(kc_worker_t *w, const char *connector)
{
    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            kc_strlist_release(&w->topics[i].topics);
        }
    }
    pthread_mutex_unlock(&w->topics_lock);
}

/* The topic.creation group whose include/exclude patterns match @p topic. */
static char *creation_group(const kc_props_t *cc, const char *topic)
{
    kc_strlist_t groups = {0};
    const char *list = kc_props_get(cc, "topic.creation.groups");
    char *found = NULL;

    if (list != NULL) {
        kc_str_split_comma(list, &groups);
    }
    for (size_t g = 0; g < groups.count && found == NULL; g++) {
        static const char *const kinds[] = {"include", "exclude"};
        bool match[2] = {false, false};

        for (size_t k = 0; k < 2; k++) {
            char *key =
                kc_asprintf("topic.creation.%s.%s", groups.items[g], kinds[k]);
            kc_strlist_t pats = {0};

            kc_str_split_comma(
                kc_props_get(cc, key) ? kc_props_get(cc, key) : "", &pats);
            for (size_t p = 0; p < pats.count && !match[k]; p++) {
                char *anchored = kc_asprintf("^(%s)$", pats.items[p]);
                regex_t re;

                if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
                    match[k] = regexec(&re, topic, 0, NULL, 0) == 0;
                    regfree(&re);
                }
                kc_free(anchored);
            }
            kc_strlist_release(&pats);
            kc_free(key);
        }
        if (match[0] && !match[1]) {
            found = kc_strdup(groups.items[g]);
        }
    }
    kc_strlist_release(&groups);
    return found != NULL ? found : kc_strdup("default");
}

static const char *group_setting(const kc_props_t *cc, const char *group,
                                 const char *name)
{
    char *key = kc_asprintf("topic.creation.%s.%s", group, name);
    const char *v = kc_props_get(cc, key);

    kc_free(key);
    if (v == NULL && strcmp(group, "default") != 0) {
        key = kc_asprintf("topic.creation.default.%s", name);
        v = kc_props_get(cc, key);
        kc_free(key);
    }
    return v;
}

static bool topic_exists(rd_kafka_t *rk, const char *topic)
{
    const struct rd_kafka_metadata *md = NULL;
    bool found = false;

    if (rd_kafka_metadata(rk, 1, NULL, &md, 10000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
    }
    for (int i = 0; i < md->topic_cnt; i++) {
        if (strcmp(md->topics[i].topic, topic) == 0 &&
            md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            found = true;
        }
    }
    rd_kafka_metadata_destroy(md);
    return found;
}

kc_err_t kc_worker_create_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const char *topic, int partitions, int rf,
                                const kc_props_t *topic_config, kc_error_t *err)
{
    char errstr[512];
    rd_kafka_NewTopic_t *nt;
    rd_kafka_queue_t *q;
    rd_kafka_event_t *ev;
    kc_err_t rc = KC_OK;

    if (w->embedded != NULL) {
        return kc_embedded_kafka_create_topic(
            w->embedded, topic, partitions > 0 ? partitions : 1, err);
    }
    nt = rd_kafka_NewTopic_new(topic, partitions, rf, errstr, sizeof(errstr));
    if (nt == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not create topic \"%s\": %s", topic, errstr);
    }
    for (size_t i = 0; topic_config != NULL && i < kc_props_count(topic_config);
         i++) {
        rd_kafka_NewTopic_set_config(nt, kc_props_key_at(topic_config, i),
                                     kc_props_value_at(topic_config, i));
    }
    q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    ev = rd_kafka_queue_poll(q, 30000);
    if (ev == NULL) {
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "could not create topic \"%s\": timed out", topic);
    } else {
        const rd_kafka_CreateTopics_result_t *res =
            rd_kafka_event_CreateTopics_result(ev);
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr =
            res != NULL ? rd_kafka_CreateTopics_result_topics(res, &cnt) : NULL;
        rd_kafka_resp_err_t terr =
            rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR
                ? rd_kafka_event_error(ev)
                : (cnt > 0 ? rd_kafka_topic_result_error(tr[0])
                           : RD_KAFKA_RESP_ERR_NO_ERROR);

        if (terr == RD_KAFKA_RESP_ERR_NO_ERROR) {
            kc_log_info(LOGGER,
                        "Created topic (name=%s, numPartitions=%d, "
                        "replicationFactor=%d) on brokers at %s",
                        topic, partitions, rf, w->bootstrap);
        } else if (terr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            rc = kc_error_set(
                err, KC_ERR_KAFKA, "could not create topic \"%s\": %s", topic,
                cnt > 0 && rd_kafka_topic_result_error_string(tr[0]) != NULL
                    ? rd_kafka_topic_result_error_string(tr[0])
                    : rd_kafka_err2str(terr));
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

kc_err_t kc_worker_ensure_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const kc_props_t *cc, const char *topic,
                                kc_error_t *err)
{
    bool configured =
        kc_props_get(cc, "topic.creation.default.replication.factor") != NULL &&
        w->conf.topic_creation_enable;
    const char *text;
    char *group;
    char *prefix;
    kc_props_t *sub;
    int partitions;
    int rf;
    kc_err_t rc;

    if (w->embedded != NULL && !configured) {
        /* Like a real broker's auto-creation: one partition. */
        return kc_embedded_kafka_create_topic(w->embedded, topic, 1, err);
    }
    if (!configured || (w->embedded == NULL && topic_exists(rk, topic))) {
        return KC_OK; /* the broker's auto-creation applies, as in Apache */
    }
    group = creation_group(cc, topic);
    text = group_setting(cc, group, "partitions");
    partitions = text != NULL ? atoi(text) : -1;
    text = group_setting(cc, group, "replication.factor");
    rf = text != NULL ? atoi(text) : -1;
    /* Every other topic.creation.<group>.<x> is a topic config. */
    prefix = kc_asprintf("topic.creation.%s.", group);
    sub = kc_props_with_prefix(cc, prefix);
    kc_props_remove(sub, "partitions");
    kc_props_remove(sub, "replication.factor");
    kc_props_remove(sub, "include");
    kc_props_remove(sub, "exclude");
    rc = kc_worker_create_topic(w, rk, topic, partitions, rf, sub, err);
    kc_props_destroy(sub);
    kc_free(prefix);
    kc_free(group);
    return rc;
}

/* ---- offsets -------------------------------------------------------- */

static bool is_sink_config(kc_worker_t *w, const kc_props_t *config)
{
    const char *cls = kc_props_get(config, "connector.class");
    kc_plugin_kind_t kind = KC_PLUGIN_SOURCE;

    return cls != NULL &&
           kc_registry_find_connector(w->reg, cls, &kind) != NULL &&
           kind == KC_PLUGIN_SINK;
}

/* Java AdminClientConfig's default.api.timeout.ms. */
#define KC_ADMIN_API_TIMEOUT_MS 60000

/*
 * How long one admin call may take: the worker's
 * admin.default.api.timeout.ms, never past @p timeout_ms (> 0).
 */
static int64_t admin_call_timeout(kc_worker_t *w, int64_t timeout_ms,
                                  const char **what)
{
    const char *text = kc_props_get(w->props, "admin.default.api.timeout.ms");
    int64_t ms = text != NULL ? atoll(text) : KC_ADMIN_API_TIMEOUT_MS;

    *what = "admin.default.api.timeout.ms";
    if (timeout_ms > 0 && timeout_ms < ms) {
        ms = timeout_ms;
        *what = "the REST request timeout";
    }
    return ms > 0 ? ms : 1;
}

/*
 * The client that lists group offsets. librdkafka (2.0.2 here; still open
 * upstream as confluentinc/librdkafka#5040) crashes when an OffsetFetch
 * of ListConsumerGroupOffsets is answered "not coordinator" on a client
 * without a consumer group of its own (a fresh broker answers so): it
 * asks that group to look up its coordinator again. A consumer client
 * with a group.id it never joins has one.
 */
static rd_kafka_t *offsets_reader(kc_worker_t *w, kc_error_t *err)
{
    rd_kafka_t *rk;

    pthread_mutex_lock(&w->reader_lock);
    if (w->reader == NULL) {
        char errstr[256];
        rd_kafka_conf_t *conf = kc_worker_client_conf(
            w, KC_CLIENT_ADMIN, NULL, "connect-worker-offsets-reader", err);

        if (conf != NULL &&
            (!set_conf(conf, "group.id", "connect-worker-offsets-reader",
                       err) ||
             !set_conf(conf, "enable.auto.commit", "false", err))) {
            rd_kafka_conf_destroy(conf);
            conf = NULL;
        }
        if (conf != NULL) {
            w->reader =
                rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
            if (w->reader == NULL) {
                rd_kafka_conf_destroy(conf);
                kc_error_set(err, KC_ERR_KAFKA,
                             "could not create a Kafka client: %s", errstr);
            }
        }
    }
    rk = w->reader;
    pthread_mutex_unlock(&w->reader_lock);
    return rk;
}

/* {"partition":{..},"offset":{..}} of each committed partition. */
static json_t *group_offsets_json(rd_kafka_event_t *ev)
{
    json_t *arr = json_array();
    size_t cnt = 0;
    const rd_kafka_group_result_t **groups =
        rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);

    for (size_t g = 0; g < cnt; g++) {
        const rd_kafka_topic_partition_list_t *parts =
            rd_kafka_group_result_partitions(groups[g]);

        for (int i = 0; parts != NULL && i < parts->cnt; i++) {
            const rd_kafka_topic_partition_t *tp = &parts->elems[i];

            if (tp->offset < 0) {
                continue;
            }
            json_array_append_new(
                arr,
                json_pack("{s{sssi}s{sI}}", "partition", "kafka_topic",
                          tp->topic, "kafka_partition", (int)tp->partition,
                          "offset", "kafka_offset", (json_int_t)tp->offset));
        }
    }
    return arr;
}

/* One ListConsumerGroupOffsets of @p group that librdkafka ends after
 * @p ms: its result event, or NULL when none came. */
static rd_kafka_event_t *list_group_offsets(rd_kafka_t *rk, const char *group,
                                            int64_t ms)
{
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(
        rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    rd_kafka_event_t *ev;
    char errstr[256];

    rd_kafka_AdminOptions_set_request_timeout(opts, (int)ms, errstr,
                                              sizeof(errstr));
    rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, opts, q);
    /* The extra second only covers the hand-over of librdkafka's answer. */
    ev = rd_kafka_queue_poll(q, (int)ms + 1000);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    rd_kafka_queue_destroy(q);
    return ev;
}

/* The error of a ListConsumerGroupOffsets result: the request's, else
 * the group's. */
static rd_kafka_resp_err_t group_offsets_error(rd_kafka_event_t *ev,
                                               const char **msg)
{
    size_t cnt = 0;
    const rd_kafka_group_result_t **groups;
    const rd_kafka_error_t *e;

    *msg = rd_kafka_event_error_string(ev);
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return rd_kafka_event_error(ev);
    }
    groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);
    e = cnt > 0 ? rd_kafka_group_result_error(groups[0]) : NULL;
    if (e == NULL) {
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    *msg = rd_kafka_error_string(e);
    return rd_kafka_error_code(e);
}

/* A broker that is loading or moving the group: Java's admin retries. */
static bool coordinator_busy(rd_kafka_resp_err_t code)
{
    return code == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           code == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           code == RD_KAFKA_RESP_ERR_NOT_COORDINATOR;
}

static kc_err_t sink_offsets(kc_worker_t *w, const char *connector,
                             int64_t timeout_ms, json_t **out, kc_error_t *err)
{
    char *group = kc_asprintf("connect-%s", connector);
    const char *what = NULL;
    int64_t bound = admin_call_timeout(w, timeout_ms, &what);
    int64_t deadline = kc_clock_now_ms() + bound;
    rd_kafka_t *rk = offsets_reader(w, err);
    rd_kafka_event_t *ev = NULL;
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR__TIMED_OUT;
    const char *msg = NULL;
    kc_err_t rc = KC_OK;

    if (rk == NULL) {
        kc_free(group);
        return err->code;
    }
    for (;;) {
        int64_t left = deadline - kc_clock_now_ms();

        if (left <= 0) {
            break;
        }
        ev = list_group_offsets(rk, group, left);
        if (ev == NULL) {
            break;
        }
        code = group_offsets_error(ev, &msg);
        if (!coordinator_busy(code) || kc_clock_now_ms() + 200 >= deadline) {
            break;
        }
        rd_kafka_event_destroy(ev);
        ev = NULL;
        code = RD_KAFKA_RESP_ERR__TIMED_OUT;
        kc_clock_sleep_ms(200);
    }
    if (ev == NULL || code == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        /* Apache: ConnectException "Failed to retrieve consumer group
         * offsets for sink connector <name>", with the cause. */
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "Failed to retrieve consumer group offsets for "
                          "sink connector %s: the Kafka cluster at %s did "
                          "not answer within %lld ms (%s)",
                          connector, w->bootstrap, (long long)bound, what);
    } else if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rc = kc_error_set(err, KC_ERR_KAFKA,
                          "Failed to retrieve consumer group offsets for "
                          "sink connector %s: could not read the offsets of "
                          "consumer group \"%s\" from %s: %s",
                          connector, group, w->bootstrap, msg);
    }
    if (ev != NULL) {
        if (rc == KC_OK) {
            *out = json_pack("{so}", "offsets", group_offsets_json(ev));
        }
        rd_kafka_event_destroy(ev);
    }
    kc_free(group);
    return rc;
}

kc_err_t kc_worker_offsets(kc_worker_t *w, const char *connector,
                           const kc_props_t *config, int64_t timeout_ms,
                           json_t **out, kc_error_t *err)
{
    json_t *arr = NULL;

    if (is_sink_config(w, config)) {
        return sink_offsets(w, connector, timeout_ms, out, err);
    }
    kc_offset_store_list(w->offsets, connector, &arr);
    *out = json_pack("{so}", "offsets", arr);
    return KC_OK;
}

/* Wait for one admin result; fills @p err from the event's error. */
static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q, const char *what,
                                    kc_error_t *err)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);

    if (ev == NULL) {
        kc_error_set(err, KC_ERR_TIMEOUT, "could not %s: timed out", what);
        return NULL;
    }
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_error_set(err, KC_ERR_KAFKA, "could not %s: %s", what,
                     rd_kafka_event_error_string(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

/* The first partition error of a group result, or NULL. */
static const char *group_result_error(const rd_kafka_group_result_t *g)
{
    const rd_kafka_error_t *e = rd_kafka_group_result_error(g);
    const rd_kafka_topic_partition_list_t *parts =
        rd_kafka_group_result_partitions(g);

    if (e != NULL) {
        return rd_kafka_error_string(e);
    }
    for (int i = 0; parts != NULL && i < parts->cnt; i++) {
        if (parts->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return rd_kafka_err2str(parts->elems[i].err);
        }
    }
    return NULL;
}

static kc_err_t sink_alter(kc_worker_t *w, const char *connector,
                           json_t *offsets, kc_error_t *err)
{
    char *group = kc_asprintf("connect-%s", connector);
    rd_kafka_topic_partition_list_t *set = rd_kafka_topic_partition_list_new(4);
    rd_kafka_topic_partition_list_t *del = rd_kafka_topic_partition_list_new(4);
    rd_kafka_queue_t *q = rd_kafka_queue_new(w->admin);
    kc_err_t rc = KC_OK;
    size_t i;
    json_t *item;

    json_array_foreach(offsets, i, item)
    {
        json_t *part = json_object_get(item, "partition");
        json_t *topic = json_object_get(part, "kafka_topic");
        json_t *pnum = json_object_get(part, "kafka_partition");
        json_t *off = json_object_get(item, "offset");
        json_t *onum = json_object_get(off, "kafka_offset");

        if (!json_is_string(topic) || !json_is_integer(pnum) ||
            json_integer_value(pnum) < 0) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Partitions of sink connectors need a "
                              "\"kafka_topic\" string and a non-negative "
                              "\"kafka_partition\" integer");
            goto out;
        }
        if (off == NULL || json_is_null(off)) {
            rd_kafka_topic_partition_list_add(
                del, json_string_value(topic),
                (int32_t)json_integer_value(pnum));
        } else if (!json_is_integer(onum) || json_integer_value(onum) < 0) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Offsets of sink connectors need a "
                              "non-negative \"kafka_offset\" integer");
            goto out;
        } else {
            rd_kafka_topic_partition_list_add(set, json_string_value(topic),
                                              (int32_t)json_integer_value(pnum))
                ->offset = json_integer_value(onum);
        }
    }
    if (set->cnt > 0) {
        rd_kafka_AlterConsumerGroupOffsets_t *req =
            rd_kafka_AlterConsumerGroupOffsets_new(group, set);
        rd_kafka_event_t *ev;

        rd_kafka_AlterConsumerGroupOffsets(w->admin, &req, 1, NULL, q);
        rd_kafka_AlterConsumerGroupOffsets_destroy(req);
        ev = admin_wait(q, "alter the consumer group offsets", err);
        if (ev == NULL) {
            rc = err->code;
            goto out;
        }
        {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_AlterConsumerGroupOffsets_result_groups(
                    rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &cnt);
            const char *msg = cnt > 0 ? group_result_error(res[0]) : NULL;

            if (msg != NULL) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not alter the offsets of consumer "
                                  "group \"%s\": %s",
                                  group, msg);
            }
        }
        rd_kafka_event_destroy(ev);
    }
    if (rc == KC_OK && del->cnt > 0) {
        rd_kafka_DeleteConsumerGroupOffsets_t *req =
            rd_kafka_DeleteConsumerGroupOffsets_new(group, del);
        rd_kafka_event_t *ev;

        rd_kafka_DeleteConsumerGroupOffsets(w->admin, &req, 1, NULL, q);
        rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
        ev = admin_wait(q, "reset the consumer group offsets", err);
        if (ev == NULL) {
            rc = err->code;
            goto out;
        }
        {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_DeleteConsumerGroupOffsets_result_groups(
                    rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &cnt);
            const char *msg = cnt > 0 ? group_result_error(res[0]) : NULL;

            if (msg != NULL) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not reset the offsets of consumer "
                                  "group \"%s\": %s",
                                  group, msg);
            }
        }
        rd_kafka_event_destroy(ev);
    }
out:
    rd_kafka_topic_partition_list_destroy(set);
    rd_kafka_topic_partition_list_destroy(del);
    rd_kafka_queue_destroy(q);
    kc_free(group);
    return rc;
}

kc_err_t kc_worker_alter_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, json_t *body,
                                 kc_error_t *err)
{
    json_t *offsets = json_object_get(body, "offsets");
    size_t i;
    json_t *item;

    if (!json_is_array(offsets) || json_array_size(offsets) == 0) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Partitions / offsets need to be provided for "
                            "an alter offsets request");
    }
    json_array_foreach(offsets, i, item)
    {
        json_t *part = json_object_get(item, "partition");
        json_t *off = json_object_get(item, "offset");

        if (!json_is_object(part) || json_object_size(part) == 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Partitions cannot be null or empty");
        }
        if (off != NULL && !json_is_null(off) && !json_is_object(off)) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "offset of partition %zu must be an object "
                                "or null",
                                i);
        }
    }
    if (is_sink_config(w, config)) {
        return sink_alter(w, connector, offsets, err);
    }
    json_array_foreach(offsets, i, item)
    {
        if (kc_offset_store_put(
                w->offsets, connector, json_object_get(item, "partition"),
                json_object_get(item, "offset"), err) != KC_OK) {
            return err->code;
        }
    }
    return kc_offset_store_flush(w->offsets, err);
}

kc_err_t kc_worker_reset_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, kc_error_t *err)
{
    if (is_sink_config(w, config)) {
        /* Apache deletes the connector's consumer group. */
        char *group = kc_asprintf("connect-%s", connector);
        rd_kafka_DeleteGroup_t *req = rd_kafka_DeleteGroup_new(group);
        rd_kafka_queue_t *q = rd_kafka_queue_new(w->admin);
        rd_kafka_event_t *ev;
        kc_err_t rc = KC_OK;

        rd_kafka_DeleteGroups(w->admin, &req, 1, NULL, q);
        rd_kafka_DeleteGroup_destroy(req);
        ev = admin_wait(q, "delete the consumer group", err);
        if (ev == NULL) {
            rc = err->code;
        } else {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_DeleteGroups_result_groups(
                    rd_kafka_event_DeleteGroups_result(ev), &cnt);
            const rd_kafka_error_t *e =
                cnt > 0 ? rd_kafka_group_result_error(res[0]) : NULL;

            if (e != NULL && rd_kafka_error_code(e) !=
                                 RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not delete consumer group \"%s\": "
                                  "%s",
                                  group, rd_kafka_error_string(e));
            }
            rd_kafka_event_destroy(ev);
        }
        rd_kafka_queue_destroy(q);
        kc_free(group);
        return rc;
    }
    kc_offset_store_reset(w->offsets, connector);
    return kc_offset_store_flush(w->offsets, err);
}

/* ---- teardown ------------------------------------------------------- */

void kc_worker_destroy(kc_worker_t *w)
{
    kc_error_t err;

    if (w == NULL) {
        return;
    }
    if (w->ntasks > 0) {
        stop_matching(w, NULL, -1);
    }
    while (w->nconns > 0) {
        kc_worker_stop_connector(w, w->conns[0]->name);
    }
    if (w->offsets != NULL &&
        kc_offset_store_flush(w->offsets, &err) != KC_OK) {
        kc_log_error(LOGGER, "could not flush offsets: %s", err.msg);
    }
    if (w->abandoned > 0) {
        /*
         * A task thread still runs and may use the store, the clients and
         * the config: keep them (the process is about to exit anyway).
         */
        kc_log_error(LOGGER,
                     "%zu task(s) did not stop within "
                     "task.shutdown.graceful.timeout.ms; not freeing the "
                     "worker",
                     w->abandoned);
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
    pthread_mutex_destroy(&w->topics_lock);
    pthread_mutex_destroy(&w->reader_lock);
    kc_free(w);
}
