/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A task of the worker: the state its thread shares with the herder
 * thread, and the worker services the source and sink runners use.
 */
#ifndef KC_RUNTIME_KC_TASK_H
#define KC_RUNTIME_KC_TASK_H

#include "runtime/kc_worker.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>

#include "runtime/kc_offset_store.h"
#include "runtime/kc_worker_config.h"

typedef struct kc_task kc_task_t;

/* Reads a source partition's committed offset (kc_source_offset_get). */
typedef kc_err_t (*kc_source_offset_fn)(kc_source_task_ctx_t *tctx,
                                        const kc_value_t *partition,
                                        kc_arena_t *arena, kc_value_t *offset);

struct kc_source_task_ctx {
    kc_task_t *task;
    /*
     * NULL in the runtime's contexts (the worker's offset store answers).
     * A unit test runs a source task without a worker through a fake
     * context: task NULL, its own offset_get.
     */
    kc_source_offset_fn offset_get;
};

struct kc_sink_task_ctx {
    kc_task_t *task;
    /* kc_sink_task_ctx_timeout(): ms, -1 = not set; read after each put */
    atomic_llong timeout_ms;
};

/*
 * @locality created and joined by the herder thread; run by its own thread.
 * @locks `lock` guards `target`; `stopping` is atomic.
 */
struct kc_task {
    kc_worker_t *worker;
    char *connector;
    int id;
    char *label;   /* "<connector>-<id>", for client ids */
    char *logname; /* "WorkerSourceTask{id=<label>}", as Apache logs it */
    kc_props_t *connector_config;
    kc_props_t *task_config;
    struct kc_secrets *secrets; /* resolved provider values, to hide */
    const struct kc_connector_plugin *plugin;
    bool is_sink;
    struct kc_source_task_ctx source_ctx;
    struct kc_sink_task_ctx sink_ctx;
    void *sink_runner; /* the sink runner's state, for kc_sink_report */
    struct kc_task_metrics *metrics; /* its metric groups, or NULL */

    pthread_t thread;
    bool started;
    /* Did not stop in time: never freed; as Apache's cancelled task it
     * then writes no status and commits no offsets (another worker may
     * run it already). */
    atomic_bool abandoned;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    kc_target_state_t target;
    atomic_bool stopping;
    atomic_bool done;
};

/**
 * @brief @p text with the config-provider values this task resolved put
 * back as references, for a status trace or log line. Caller frees.
 */
char *kc_task_scrub(const kc_task_t *task, const char *text);
/** @brief Report a state change through the worker's status listener. */
void kc_worker_report(kc_worker_t *w, const char *connector, int task,
                      kc_state_t state, const char *trace);
/** @brief The resolved worker properties. */
const kc_props_t *kc_worker_props(const kc_worker_t *w);
/** @brief The embedded Kafka, or NULL when bootstrap.servers is real. */
struct kc_embedded_kafka *kc_worker_embedded(kc_worker_t *w);
/** @brief The worker's source offset store. */
kc_offset_store_t *kc_worker_offset_store(kc_worker_t *w);
/**
 * @brief The offset store of the source connector configured by
 * @p connector_config: the one kc_worker_set_connector_offsets makes for
 * its offsets.storage.topic when it sets one (as Apache's
 * connectorOffsetsTopicsPermitted: distributed mode only), else the
 * worker's. NULL with @p err set when the connector's cannot be used.
 */
kc_offset_store_t *
kc_worker_offset_store_for(kc_worker_t *w, const kc_props_t *connector_config,
                           kc_error_t *err);
/** @brief Note that @p connector used @p topic (active topics). */
void kc_worker_topic_used(kc_worker_t *w, const char *connector,
                          const char *topic);
/* A sink consumer's queued.max.messages.kbytes default, per partition:
 * a quarter of librdkafka's. Apache's consumer holds about one 1 MiB
 * max.partition.fetch.bytes per partition, but librdkafka < 2.1 fetches
 * again only when kc_fetch_waker wakes it, and at 2 MiB (8 MiB) the
 * jdbc-sink bench moved about half (two thirds) of the rows/s. */
#define KC_SINK_CONSUMER_QUEUE_KBYTES "16384"

/**
 * @brief A librdkafka config for a client of @p task: bootstrap servers,
 * Apache's defaults for that client, the worker's producer./consumer./
 * admin. settings, then the connector's *.override. settings.
 */
rd_kafka_conf_t *kc_worker_client_conf(kc_worker_t *w, kc_client_kind_t kind,
                                       const kc_props_t *connector_config,
                                       const char *client_id, kc_error_t *err);
/**
 * @brief Make sure @p topic exists before a source first writes to it, as
 * Apache's topic creation (KIP-158) does when the connector has
 * topic.creation.* settings; in the embedded Kafka, with 1 partition
 * unless configured. @p rk is the task's producer.
 */
kc_err_t kc_worker_ensure_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const kc_props_t *connector_config,
                                const char *topic, kc_error_t *err);

/**
 * @brief Create @p topic through @p rk's admin API (in the embedded Kafka
 * directly); an existing topic is fine. @p topic_config (may be NULL) holds
 * topic-level settings such as cleanup.policy.
 */
kc_err_t kc_worker_create_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const char *topic, int partitions, int rf,
                                const kc_props_t *topic_config,
                                kc_error_t *err);

/* The task threads (argument: kc_task_t *). */
void *kc_source_task_run(void *arg);
void *kc_sink_task_run(void *arg);

/**
 * @brief Sleep up to @p ms (monotonic clock), waking early when the task
 * is told to stop.
 */
void kc_task_sleep(kc_task_t *task, int64_t ms);
/** @brief The task's target state. */
kc_target_state_t kc_task_target(kc_task_t *task);

#endif /* KC_RUNTIME_KC_TASK_H */
