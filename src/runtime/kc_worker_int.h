/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the worker's files share (kc_worker.c, kc_worker_clients.c,
 * kc_worker_tasks.c, kc_worker_topics.c, kc_worker_offsets.c): the worker
 * struct and the few helpers more than one of them calls. Private to
 * src/runtime/kc_worker*.c.
 */
#ifndef KC_RUNTIME_KC_WORKER_INT_H
#define KC_RUNTIME_KC_WORKER_INT_H

#include "kc_internal.h"

#include "runtime/kc_worker.h"

#include "config/kc_secrets.h"
#include "metrics/kc_metrics.h"
#include "runtime/kc_embedded_kafka.h"
#include "runtime/kc_task.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_str.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>

#define LOGGER "org.apache.kafka.connect.runtime.Worker"

struct kc_connector_ctx {
    kc_worker_t *worker;
    char *name;
    atomic_bool reconfigure;
    /* Set when the worker gave up waiting for the connector's thread: its
     * requests and failures then reach nobody (the worker may be gone). */
    atomic_bool abandoned;
    const struct kc_secrets *secrets; /* the wconn's, same lifetime */
};

/*
 * One connector instance. @locality herder thread, except the plugin call
 * a job runs on the connector's own thread (kc_worker_connector.c): while
 * a job runs, the herder touches neither ctx nor the plugin.
 */
typedef struct wconn {
    char *name;
    uint64_t version;   /* a new one per instance: stale results are dropped */
    kc_props_t *config; /* as given (provider references unresolved) */
    const struct kc_connector_plugin *plugin;
    bool is_sink;
    void *ctx;
    bool started; /* the herder committed a successful start */
    bool live;    /* the plugin's start returned OK: stop it when freed */
    struct kc_connector_ctx *cctx; /* stable address for the plugin */
    /* The provider values the plugin sees resolved: its log lines get
     * the references back (kc_log_set_filter around each call). */
    kc_secrets_t *secrets;
    /* The job thread (start or task_configs); job_lock guards the flags. */
    pthread_mutex_t job_lock;
    pthread_cond_t job_cond;
    bool job_thread; /* started and not joined yet */
    bool job_done;
    bool abandoned; /* the thread frees the instance when its call returns */
    pthread_t thread;
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
    kc_metrics_t *metrics; /* GET /metrics */
    kc_embedded_kafka_t *embedded;
    char *bootstrap;
    kc_offset_store_t *offsets;
    kc_connector_offsets_fn connector_offsets; /* distributed mode */
    void *connector_offsets_opaque;
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
    /* Connectors whose plugin call had not returned when stopped; their
     * thread counts itself out when it ends. */
    atomic_size_t abandoned_conns;
    uint64_t conn_versions; /* the last wconn version given out */
};

/* rd_kafka_conf_set, its refusal as an error naming @p key. */
bool kc_worker_set_conf(rd_kafka_conf_t *conf, const char *key,
                        const char *value, kc_error_t *err);

/* The running connector @p name (its slot in @p index), or NULL. */
wconn_t *kc_worker_find_conn(kc_worker_t *w, const char *name, size_t *index);

/* Free a connector instance (its plugin stopped if it started). */
void kc_worker_conn_free(wconn_t *c);

/* Whether the Principal override policy lets connectors set @p key. */
bool kc_worker_principal_allows(const char *key);

/* Stop and join the tasks of @p connector (NULL: all), @p id (< 0: all). */
void kc_worker_stop_matching(kc_worker_t *w, const char *connector, int id);

#endif
