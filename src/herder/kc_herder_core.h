/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core: what every herder shares, as Apache's AbstractHerder
 * is shared by StandaloneHerder and DistributedHerder. The core owns the
 * connectors' configs, target states and task configs, runs the lifecycle
 * state machine, validates configs (config providers included), builds
 * the JSON views and applies KIP-745 restart plans; it executes one op at
 * a time (kc_herder_core_run_op).
 *
 * A herder implementation (standalone now, distributed next) embeds a
 * kc_herder_t as its first member and supplies a kc_herder_vt_t: where and
 * when ops run (its thread and queue), how it starts and stops. The public
 * kc_herder_* calls (kc_herder.h) build an op and hand it to vt->submit.
 *
 * Internal to src/herder/ and its unit tests.
 */
#ifndef KC_HERDER_KC_HERDER_CORE_H
#define KC_HERDER_KC_HERDER_CORE_H

#include <kconnect/common.h>

#include <jansson.h>
#include <pthread.h>

#include "config/kc_secrets.h"
#include "herder/kc_config_store.h"
#include "herder/kc_herder.h"
#include "herder/kc_status_store.h"
#include "runtime/kc_worker.h"
#include "util/kc_opq.h"

#define KC_HERDER_LOGGER                                                       \
    "org.apache.kafka.connect.runtime.standalone.StandaloneHerder"
/* Apache's REST request timeout: how long a kc_herder_* call waits. */
#define KC_HERDER_TIMEOUT_MS 90000

struct kc_op;

/* The plugin call a connector runs on its own thread (one at a time). */
typedef enum kc_hjob {
    KC_HJOB_NONE = 0,
    KC_HJOB_START,
    KC_HJOB_TASK_CONFIGS
} kc_hjob_t;

typedef struct kc_hconn {
    char *name;
    char *log_name; /* name with control characters escaped, for logs */
    kc_props_t *config;
    const struct kc_connector_plugin *plugin;
    kc_plugin_kind_t kind;
    kc_target_state_t target;
    bool started;  /* the instance runs (or is paused) in the worker */
    bool assigned; /* the connector was this worker's at the last sync */
    kc_props_t **tasks;
    size_t ntasks;
    /* While a job runs (async herders only) the connector is busy: ops
     * that change it wait in deferred and run, in order, once it is done;
     * ops that started work on it wait in parked for their answer. */
    kc_hjob_t job;
    bool *task_on;    /* ntasks entries: task i runs in this worker */
    bool tasks_due;   /* update the tasks once the start is done */
    bool tasks_force; /* ... even if their configs did not change */
    struct kc_op **parked;
    size_t nparked;
    struct kc_op **deferred;
    size_t ndeferred;
} kc_hconn_t;

typedef enum kc_op_type {
    KC_OP_LIST,
    KC_OP_INFO,
    KC_OP_CONFIG,
    KC_OP_PUT,
    KC_OP_PATCH,
    KC_OP_DELETE,
    KC_OP_TASKS,
    KC_OP_RESTART,
    KC_OP_RESTART_TASK,
    KC_OP_PAUSE,
    KC_OP_RESUME,
    KC_OP_STOP,
    KC_OP_TOPICS,
    KC_OP_TOPICS_RESET,
    KC_OP_OFFSETS,
    KC_OP_ALTER_OFFSETS,
    KC_OP_RESET_OFFSETS,
    KC_OP_VALIDATE,
    KC_OP_PLUGIN_CONFIG,
    KC_OP_PING,
    KC_OP_PUT_TASK_CONFIGS, /* internal: a follower's task configs */
    KC_OP_FENCE,            /* internal: zombie fencing */
    KC_OP_RECONFIGURE,      /* posted by the worker; nobody waits for it */
    KC_OP_CONNECTOR_RESULT, /* a connector thread's result; nobody waits */
    KC_OP_FAILED /* a task thread reported FAILED (auto restart); nobody waits
                  */
} kc_op_type_t;

/*
 * A request and, once served, its reply. The queue hands it from the
 * caller to the herder thread and back (kc_opq_call); a caller that timed
 * out has left, and the reply is then destroyed, never read.
 */
typedef struct kc_op {
    kc_opq_op_t q; /* first: the queue's head of the op */
    kc_op_type_t type;
    char *name;
    int task;
    unsigned flags;
    bool b1;
    bool b2;
    char *str;
    json_t *in;
    kc_connector_result_t *res; /* KC_OP_CONNECTOR_RESULT */
    struct kc_request_sig *sig; /* KC_OP_PUT_TASK_CONFIGS, KC_OP_FENCE */
    bool rerun; /* held for a connector deleted since: run it again */
    /* reply */
    kc_err_t rc;
    kc_error_t err;
    json_t *out;
    bool created;
} kc_op_t;

/**
 * How a herder serves ops. Every member is required unless it says
 * optional.
 */
typedef struct kc_herder_vt {
    /**
     * @brief Run @p op through kc_herder_core_run_op in the herder's
     * context and wait at most @p timeout_ms. Takes @p op. KC_OK: *reply
     * is the served op (the caller destroys it); else @p err says why the
     * op was not served (it is gone).
     */
    kc_err_t (*submit)(kc_herder_t *h, kc_op_t *op, int64_t timeout_ms,
                       kc_op_t **reply, kc_error_t *err);
    /** @brief Start serving from the herder's own thread(s). */
    kc_err_t (*start)(kc_herder_t *h, kc_error_t *err);
    /** @brief Started and not stopping (GET /health). */
    bool (*ready)(kc_herder_t *h);
    /**
     * @brief Stop serving: answer what is queued, join the thread(s). The
     * core then stops every connector (kc_herder_core_release).
     */
    void (*stop)(kc_herder_t *h);
    /** @brief Free the implementation, @p h included. */
    void (*free)(kc_herder_t *h);
    /**
     * @brief Optional. Queue @p op (taken) to run on the herder's thread
     * later, nobody waiting for it; called from any thread. A herder with
     * post sets kc_herder_t.async once it serves ops from kc_opq_call: the
     * core then runs connector start/task_configs on the connectors' own
     * threads, posts their results back, and may hold an op and answer it
     * later (kc_opq_reply). Without post they run on the herder's thread.
     */
    kc_err_t (*post)(kc_herder_t *h, kc_op_t *op);
    /**
     * @brief Optional (NULL: standalone). The leader's REST URL, as
     * kc_herder_leader_url documents it; called from any thread.
     */
    char *(*leader_url)(kc_herder_t *h);
    /** @brief Optional: kc_herder_owner_url; any thread. */
    char *(*owner_url)(kc_herder_t *h, const char *name, int task);
    /**
     * @brief Optional (NULL: this worker runs everything, standalone).
     * Whether this worker's assignment holds connector @p name (@p task
     * -1) or its task @p task; the core starts nothing else and writes
     * no status for it. @locality the herder's thread.
     */
    bool (*runs)(kc_herder_t *h, const char *name, int task);
    /**
     * @brief Optional (needed with runs): the stored target state of
     * @p name, for kc_herder_core_sync. @locality the herder's thread.
     */
    kc_target_state_t (*target)(kc_herder_t *h, const char *name);
    /**
     * @brief Optional (NULL: refuse them as Apache's StandaloneHerder).
     * Serve KC_OP_PUT_TASK_CONFIGS (op->name, op->in: the task configs,
     * op->sig) or KC_OP_FENCE (op->name, op->sig) on the herder's thread
     * (exec_lock held) and return the op's result code (op->err set), as
     * kc_herder_put_task_configs documents.
     */
    kc_err_t (*internal_op)(kc_herder_t *h, kc_op_t *op);
    /**
     * @brief Optional (NULL: write them to the config store). Have the
     * task configs of @p name stored (@p tasks borrowed for the call):
     * a distributed follower sends them to the leader.
     * @locality the herder's thread (exec_lock held).
     */
    void (*put_tasks)(kc_herder_t *h, const char *name,
                      kc_props_t *const *tasks, size_t ntasks);
    /**
     * @brief Optional (NULL: KC_HERDER_LOGGER, StandaloneHerder's). The
     * Apache logger name the core's lines carry, so that a distributed
     * worker's read as DistributedHerder's (and its log levels apply).
     */
    const char *logger;
} kc_herder_vt_t;

/* The shared part; an implementation embeds it first. */
struct kc_herder {
    const kc_herder_vt_t *vt;
    kc_worker_t *w;
    kc_status_store_t *status;
    kc_config_store_t *configs;
    int64_t timeout_ms;

    /* Serialises op execution (the thread, or callers before start). */
    pthread_mutex_t exec_lock;
    /* Owned by whoever holds exec_lock. */
    kc_hconn_t **conns;
    size_t nconns;
    bool async; /* see kc_herder_vt_t.post */
    /* Held ops whose connector went away: answered before the next op. */
    kc_op_t **orphans;
    size_t norphans;
    /* The implementation's timers (may be NULL: no automatic restarts);
     * @locality the herder's thread. */
    struct kc_timers *timers;
    struct kc_autorestart *autorestart; /* kc_herder_autorestart.h */
};

/**
 * @brief Set up the core of @p h over @p w (borrowed) with status store
 * @p status and config store @p configs (both taken). Installs the status
 * listener on @p w.
 */
void kc_herder_core_init(kc_herder_t *h, const kc_herder_vt_t *vt,
                         kc_worker_t *w, kc_status_store_t *status,
                         kc_config_store_t *configs);
/**
 * @brief Stop every task and connector (as Apache's StandaloneHerder.stop:
 * tasks first), remove the status listener, free the core's state. The
 * implementation has stopped serving ops.
 */
void kc_herder_core_release(kc_herder_t *h);
/**
 * @brief Execute @p op under exec_lock and fill its reply (rc, err, out).
 * @returns true; false when an async core holds @p op (it waits for a
 * connector's thread) and answers it later with kc_opq_reply.
 * @locality the herder's thread, or a caller before the herder starts.
 */
bool kc_herder_core_run_op(kc_herder_t *h, kc_op_t *op);
/**
 * @brief Switch the core to async (see kc_herder_vt_t.post).
 */
void kc_herder_core_set_async(kc_herder_t *h, bool async);

/**
 * @brief Apache's DistributedHerder's zombie fencing for a connector when
 * exactly-once source support is off (nothing to fence): @p op->name
 * unknown -> KC_ERR_NOT_FOUND, not a source connector -> KC_ERR_INVALID
 * "Connector x is not a source connector", else KC_OK. For a distributed
 * herder's internal_op, after its signature and leader checks.
 * @locality exec_lock held.
 */
kc_err_t kc_herder_core_fence_without_eos(kc_herder_t *h, kc_op_t *op);

/** @brief The logger name of @p h's core lines (kc_herder_vt_t.logger). */
static inline const char *kc_herder_logger(const kc_herder_t *h)
{
    return h->vt->logger != NULL ? h->vt->logger : KC_HERDER_LOGGER;
}

/** @brief A new op of @p type for connector or plugin @p name (may be NULL). */
kc_op_t *kc_op_new(kc_op_type_t type, const char *name);
/** @brief The op's destroy hook (kc_opq_op_t.destroy). */
void kc_op_destroy(kc_opq_op_t *qop);

/* ---- shared by the core's files (kc_herder_validate.c) ------------------ */

kc_hconn_t *kc_herder_find(kc_herder_t *h, const char *name);
const char *kc_kind_type(kc_plugin_kind_t kind);
const char *kc_plugin_class(const kc_plugin_head_t *p);
const char *kc_task_version(const struct kc_connector_plugin *p);
void kc_tasks_free(kc_props_t **tasks, size_t n);
/** @brief The props as a JSON object of strings (caller owns). */
json_t *kc_props_json(const kc_props_t *props);
/** @brief Java's Map.toString of @p props (caller frees). */
char *kc_props_java_string(const kc_props_t *props);
/**
 * @brief A JSON config object as props; keys with a null value go to
 * *nulls (may be NULL).
 */
kc_err_t kc_json_to_props(json_t *config, kc_props_t **out, kc_props_t **nulls,
                          kc_error_t *err);
/** @brief A JSON scalar's text (a string's value), caller frees. */
char *kc_json_scalar_text(const json_t *v);
/* Plugin kinds in the order GET /connector-plugins lists them. */
#define KC_HERDER_NPLUGIN_KINDS 6
extern const kc_plugin_kind_t kc_plugin_order[KC_HERDER_NPLUGIN_KINDS];
/** @brief Apache's error body {"error_code":N,"message":"..."}. */
json_t *kc_error_body(int code, const char *message);
const struct kc_connector_plugin *kc_herder_plugin(kc_herder_t *h,
                                                   const char *cls,
                                                   kc_plugin_kind_t *kind,
                                                   kc_error_t *err);
kc_err_t kc_herder_validate_props(kc_herder_t *h, const kc_props_t *raw,
                                  const kc_props_t *nulls,
                                  const struct kc_connector_plugin **plugin,
                                  kc_plugin_kind_t *kind, json_t **out,
                                  kc_error_t *err);
char *kc_infos_error_text(json_t *infos);
kc_err_t kc_op_validate(kc_herder_t *h, kc_op_t *op);
/* ---- shared by the core's files (kc_herder_offsets.c) ------------------- */
/** @brief "Connector x not found" (KC_ERR_NOT_FOUND) in @p op. */
kc_err_t kc_not_found(kc_op_t *op);
/** @brief The stored config of @p c as JSON (caller owns). */
json_t *kc_hconn_config_json(kc_herder_t *h, const kc_hconn_t *c);
kc_err_t kc_op_topics(kc_herder_t *h, kc_op_t *op);
/* ---- shared by the core's files (kc_herder_views.c) --------------------- */
/** @brief GET /connectors/{name}: name, config, tasks, type (caller owns). */
json_t *kc_hconn_info(kc_herder_t *h, const kc_hconn_t *c);
/** @brief GET /connectors/{name}/tasks (caller owns). */
json_t *kc_hconn_tasks(kc_herder_t *h, const kc_hconn_t *c);
kc_err_t kc_op_list(kc_herder_t *h, kc_op_t *op);
/* ---- shared by the core's files (kc_herder_held.c) ---------------------- */
/** @brief Execute @p op (exec_lock held); its result code. */
kc_err_t kc_herder_execute(kc_herder_t *h, kc_op_t *op);
/** @brief Move the held ops of @p c (being deleted) to h->orphans. */
void kc_herder_orphan_ops(kc_herder_t *h, kc_hconn_t *c);
/** @brief Answer a held op with error @p msg, unserved. */
void kc_herder_refuse(kc_op_t *op, const char *msg);
kc_err_t kc_op_topics_reset(kc_herder_t *h, kc_op_t *op);
kc_err_t kc_op_offsets(kc_herder_t *h, kc_op_t *op);
kc_err_t kc_op_plugin_config(kc_herder_t *h, kc_op_t *op);
/* ---- shared by the core's files (kc_herder_sync.c) ---------------------- */
void kc_herder_put_status(kc_herder_t *h, const char *name, int task,
                          kc_state_t state, const char *trace);
void kc_herder_move_states(kc_herder_t *h, kc_hconn_t *c, kc_state_t from,
                           kc_state_t to);
void kc_hconn_start(kc_herder_t *h, kc_hconn_t *c);
void kc_hconn_stop(kc_herder_t *h, kc_hconn_t *c);
void kc_hconn_start_task(kc_herder_t *h, kc_hconn_t *c, size_t i);
/** @brief Stop every task of @p c here and forget their configs. */
void kc_hconn_remove_tasks(kc_herder_t *h, kc_hconn_t *c);
void kc_hconn_update_tasks(kc_herder_t *h, kc_hconn_t *c, bool force);
void kc_hconn_free(kc_hconn_t *c);
/* ---- for a herder that is told of changes (kc_herder_sync.c) ------------ */
/** @brief Whether this worker runs @p name / @p task (vt->runs). */
bool kc_herder_runs(kc_herder_t *h, const char *name, int task);
/**
 * @brief Make connector @p name in the core what the config store says
 * (config, target state, task configs; gone when it has none) and run
 * exactly what this worker is assigned of it (vt->runs): start what is
 * assigned and not running, stop what runs and is not. As Apache's
 * DistributedHerder applies config-topic updates and assignments.
 * @returns true when its task count changed (a rebalance is due).
 * @locality the herder's thread (exec_lock held by the caller).
 */
bool kc_herder_core_sync(kc_herder_t *h, const char *name);

#endif /* KC_HERDER_KC_HERDER_CORE_H */
