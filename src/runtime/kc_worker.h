/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker: runs connector instances and task threads for the herder.
 *
 * @locality every kc_worker_* call except kc_worker_new/destroy and the
 * getters is made from the herder thread only. Task threads report state
 * changes through the status callback, from their own threads.
 */
#ifndef KC_RUNTIME_KC_WORKER_H
#define KC_RUNTIME_KC_WORKER_H

#include <kconnect/plugin.h>

#include <jansson.h>

#include "plugins/kc_registry.h"
#include "runtime/kc_worker_config.h"

typedef struct kc_worker kc_worker_t;
struct kc_offset_store;

/* Connector and task states, as shown by the REST status endpoints. */
typedef enum kc_state {
    KC_STATE_UNASSIGNED = 0,
    KC_STATE_RUNNING,
    KC_STATE_PAUSED,
    KC_STATE_STOPPED,
    KC_STATE_FAILED,
    KC_STATE_RESTARTING,
    KC_STATE_DESTROYED
} kc_state_t;

/* What the user asked for (config topic target state in Apache). */
typedef enum kc_target_state {
    KC_TARGET_STARTED = 0,
    KC_TARGET_PAUSED,
    KC_TARGET_STOPPED
} kc_target_state_t;

/** @brief "RUNNING", "FAILED", ... */
const char *kc_state_name(kc_state_t state);

/*
 * State change of a connector (@p task == -1) or a task. @p trace is the
 * error text for FAILED (borrowed, may be NULL). Called from any thread.
 */
typedef void (*kc_status_fn)(void *opaque, const char *connector, int task,
                             kc_state_t state, const char *trace);

/**
 * @brief Validate the worker config (keys as Apache's standalone worker),
 * resolve config providers, start the embedded Kafka if bootstrap.servers
 * asks for it, open the offset store. @p reg is borrowed.
 * Errors list every bad key.
 */
kc_worker_t *kc_worker_new(const kc_props_t *worker_props, kc_registry_t *reg,
                           kc_error_t *err);
/**
 * @brief kc_worker_new on the worker keys @p defs (a NULL-terminated
 * list; kc_worker_new passes standalone's): distributed mode passes its
 * own, whose offset store the herder sets (kc_worker_set_offset_store).
 */
kc_worker_t *kc_worker_new_with(const kc_props_t *worker_props,
                                kc_registry_t *reg,
                                const kc_config_def_t *const *defs,
                                kc_error_t *err);
/**
 * @brief Put @p store (taken) where the offset store kc_worker_new opened
 * stands, which is destroyed: another kc_offset_store_vt_t
 * implementation (a Kafka-topic store, a test's fake). Before any
 * connector starts.
 */
void kc_worker_set_offset_store(kc_worker_t *w, struct kc_offset_store *store);
/*
 * Distributed mode: the offset store of a source connector with its own
 * offsets.storage.topic (KIP-618), made (and kept) by the herder on first
 * use; NULL with @p err set when that topic cannot be used.
 */
typedef struct kc_offset_store *(*kc_connector_offsets_fn)(void *opaque,
                                                           const char *topic,
                                                           kc_error_t *err);
/** @brief Set the maker of connector offset stores (before any start). */
void kc_worker_set_connector_offsets(kc_worker_t *w, kc_connector_offsets_fn fn,
                                     void *opaque);
/** @brief Set the status callback (the herder does, before any start). */
void kc_worker_set_status_listener(kc_worker_t *w, kc_status_fn fn,
                                   void *opaque);
/*
 * A connector called kc_connector_request_reconfigure (from any thread,
 * the herder's included): the listener must not block nor call back into
 * the worker; kc_worker_take_reconfigure tells whether it is still due.
 */
typedef void (*kc_reconfigure_fn)(void *opaque, const char *connector);

/** @brief Set the reconfigure callback (the herder does, before start). */
void kc_worker_set_reconfigure_listener(kc_worker_t *w, kc_reconfigure_fn fn,
                                        void *opaque);
/** @brief Stops every task and connector (graceful), frees; NULL no-op. */
void kc_worker_destroy(kc_worker_t *w);

const kc_config_t *kc_worker_config(const kc_worker_t *w);
/** @brief The worker keys the runtime reads, typed (kc_worker_config.h). */
const kc_worker_conf_t *kc_worker_conf(const kc_worker_t *w);
kc_registry_t *kc_worker_registry(const kc_worker_t *w);
/** @brief The worker's metrics registry (GET /metrics); never NULL. */
struct kc_metrics *kc_worker_metrics(kc_worker_t *w);
/** @brief "host:port" of this worker's REST listener, as Apache's worker_id. */
const char *kc_worker_id(const kc_worker_t *w);
void kc_worker_set_id(kc_worker_t *w, const char *id);
/** @brief Kafka cluster id (fetched at start), or NULL if unknown. */
const char *kc_worker_cluster_id(kc_worker_t *w);
/** @brief The bootstrap servers actually used (the embedded cluster's). */
const char *kc_worker_bootstrap(const kc_worker_t *w);

/**
 * @brief The config tables a connector of @p plugin is validated against:
 * the common connector keys (name, connector.class, tasks.max, converters,
 * transforms, errors.*, topics/topics.regex for sinks, topic.creation.* for
 * sources, ...) plus the plugin's own table. NULL-terminated array of
 * tables, static or owned by the worker.
 */
const kc_config_def_t *const *
kc_worker_connector_defs(kc_worker_t *w,
                         const struct kc_connector_plugin *plugin);

/**
 * @brief Cross-key checks beyond the key tables (added by the runtime):
 * a sink needs exactly one of topics/topics.regex, each alias in
 * transforms/predicates needs a known type, topic.creation.* needs its
 * default keys; then the plugin's own validate(). Adds to @p result.
 */
void kc_worker_connector_check(kc_worker_t *w,
                               const struct kc_connector_plugin *plugin,
                               const kc_props_t *config,
                               kc_config_result_t *result);

/**
 * @brief Whether a sink (@p sink) or source connector with @p config gets a
 * client of @p kind, as Apache's AbstractHerder.connectorUses*: a source
 * its producer, and an admin client when a topic.creation.* key is set; a
 * sink its consumer, and a producer and admin client for a non-blank
 * errors.deadletterqueue.topic.name. Only those clients' override keys are
 * checked and listed.
 */
bool kc_worker_client_used(const kc_props_t *config, bool sink,
                           kc_client_kind_t kind);

/**
 * @brief The connector.client.config.override.policy (@p policy: None,
 * Principal or All, any case) error for overriding client key @p key (no
 * prefix), Apache's text; NULL when the policy allows it. Caller frees.
 */
char *kc_worker_override_refusal(const char *policy, const char *key);

/**
 * @brief Create and start the connector instance @p name with @p config
 * (copied). A failing plugin start is not an error here: the connector is
 * reported FAILED through the status callback and KC_OK is returned; an
 * unknown plugin or invalid config is an error.
 */
kc_err_t kc_worker_start_connector(kc_worker_t *w, const char *name,
                                   const kc_props_t *config,
                                   kc_target_state_t target, kc_error_t *err);
/**
 * @brief Stop the instance (plugin stop); no-op if not running. A job
 * still running is waited for KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS at most.
 */
void kc_worker_stop_connector(kc_worker_t *w, const char *name);
/** @brief Task configs from the running connector (caller owns them). */
kc_err_t kc_worker_task_configs(kc_worker_t *w, const char *name,
                                kc_props_t ***configs, size_t *count,
                                kc_error_t *err);

/*
 * A connector's start and task_configs may block (a database listing its
 * tables): the herder does not make them on its own thread. The _job
 * calls below do the herder-side part (checks, the instance), then run the
 * plugin call on the connector's own thread, which hands the result to
 * @p fn (from that thread); the herder commits it on its thread with
 * kc_worker_connector_result. A result of an instance stopped or replaced
 * meanwhile is refused there (its version is gone). Without @p fn the
 * call runs on the calling thread and the result comes back in *res.
 */
typedef struct kc_connector_result kc_connector_result_t;
typedef enum kc_connector_call {
    KC_CONNECTOR_CALL_START,
    KC_CONNECTOR_CALL_TASK_CONFIGS
} kc_connector_call_t;
/* @p res is taken. Called on the connector's thread. */
typedef void (*kc_connector_done_fn)(void *opaque, kc_connector_result_t *res);

/* Apache's Worker.CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS. */
#define KC_CONNECTOR_GRACEFUL_SHUTDOWN_MS 5000

/**
 * @brief As kc_worker_start_connector, with the plugin's start run as a
 * job (see above). KC_OK: the instance exists and its start runs (or ran:
 * *res, when @p fn is NULL); the target STOPPED starts no job.
 */
kc_err_t kc_worker_start_connector_job(kc_worker_t *w, const char *name,
                                       const kc_props_t *config,
                                       kc_target_state_t target,
                                       kc_connector_done_fn fn, void *opaque,
                                       kc_connector_result_t **res,
                                       kc_error_t *err);
/**
 * @brief Ask the running connector @p name for task configs, as a job.
 */
kc_err_t kc_worker_task_configs_job(kc_worker_t *w, const char *name,
                                    kc_connector_done_fn fn, void *opaque,
                                    kc_connector_result_t **res,
                                    kc_error_t *err);
/**
 * @brief Commit @p res (taken) on the herder thread: a start marks the
 * instance started and reports RUNNING/PAUSED, or FAILED with the
 * plugin's error (KC_OK either way, as kc_worker_start_connector); task
 * configs come back in @p configs/@p count (caller owns) or as the error.
 * @returns KC_AGAIN, and nothing else happens, when @p res is stale: its
 * instance was stopped or replaced since the job started.
 */
kc_err_t kc_worker_connector_result(kc_worker_t *w, kc_connector_result_t *res,
                                    kc_props_t ***configs, size_t *count,
                                    kc_error_t *err);
/** @brief The connector a result is for. */
const char *kc_connector_result_name(const kc_connector_result_t *res);
/** @brief Which call a result is the answer of. */
kc_connector_call_t kc_connector_result_call(const kc_connector_result_t *res);
/** @brief Free an uncommitted result; NULL no-op. */
void kc_connector_result_free(kc_connector_result_t *res);
/**
 * @brief Stop the instance as kc_worker_stop_connector, waiting for a job
 * still running at most until @p deadline_ms (kc_clock_now_ms); past it
 * the instance is abandoned with an ERROR line: its thread stops and
 * frees it if the plugin call ever returns.
 */
void kc_worker_stop_connector_until(kc_worker_t *w, const char *name,
                                    int64_t deadline_ms);

/**
 * @brief True (and clears the flag) if the connector called
 * kc_connector_request_reconfigure since the last call.
 */
bool kc_worker_take_reconfigure(kc_worker_t *w, const char *name);

/**
 * @brief Start task @p task of @p connector on its own thread. @p
 * connector_config and @p task_config are copied. The task starts RUNNING
 * or PAUSED per @p target and reports through the status callback.
 */
kc_err_t kc_worker_start_task(kc_worker_t *w, const char *connector, int task,
                              const kc_props_t *connector_config,
                              const kc_props_t *task_config,
                              kc_target_state_t target, kc_error_t *err);
/**
 * @brief Stop every task of @p connector: signal, wait up to
 * task.shutdown.graceful.timeout.ms, flush offsets; then join.
 */
void kc_worker_stop_tasks(kc_worker_t *w, const char *connector);
/**
 * @brief Stop the tasks @p i of @p connector with @p set[i] (@p n
 * entries) together: one graceful deadline for all of them.
 */
void kc_worker_stop_task_set(kc_worker_t *w, const char *connector,
                             const bool *set, size_t n);
/**
 * @brief Stop together (one graceful deadline) every task for which
 * @p keep returns false: a revocation's share of the running tasks.
 */
void kc_worker_stop_unkept(kc_worker_t *w,
                           bool (*keep)(void *opaque, const char *connector,
                                        int task),
                           void *opaque);
/** @brief Stop one task (for a task restart). */
void kc_worker_stop_task(kc_worker_t *w, const char *connector, int task);
/** @brief Pause or resume the running tasks and connector of @p connector. */
void kc_worker_set_target(kc_worker_t *w, const char *connector,
                          kc_target_state_t target);

/*
 * Offsets of a connector, in the REST shapes:
 * {"offsets":[{"partition":{...},"offset":{...}}]}. For sources the
 * partition/offset maps from the offset store; for sinks
 * {"kafka_topic","kafka_partition"} / {"kafka_offset"} of group
 * connect-<name>. Alter/reset only for a stopped connector (the herder
 * checks the state). @p body is the PATCH body.
 *
 * kc_worker_offsets may be called from any thread. A sink's read from
 * the broker takes at most @p timeout_ms (<= 0: no caller bound) and at
 * most the worker's admin.default.api.timeout.ms (60000 by default, as
 * Java's admin client); then KC_ERR_TIMEOUT with a message naming the
 * brokers and the bound.
 */
kc_err_t kc_worker_offsets(kc_worker_t *w, const char *connector,
                           const kc_props_t *config, int64_t timeout_ms,
                           json_t **out, kc_error_t *err);
kc_err_t kc_worker_alter_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, json_t *body,
                                 kc_error_t *err);
kc_err_t kc_worker_reset_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, kc_error_t *err);

/* Active topics (KIP-558): {"<name>":{"topics":[...]}}; reset clears. */
kc_err_t kc_worker_topics(kc_worker_t *w, const char *connector, json_t **out,
                          kc_error_t *err);
void kc_worker_topics_reset(kc_worker_t *w, const char *connector);

#endif /* KC_RUNTIME_KC_WORKER_H */
