/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The status store: the last reported state of every connector and task,
 * as GET /connectors/{name}/status shows it. An interface (as Apache's
 * StatusBackingStore): kc_status_store_new makes the memory store the
 * standalone herder uses; a Kafka-topic store for distributed mode will
 * implement the same kc_status_store_vt_t. The kc_status_store_* calls
 * below dispatch through it.
 *
 * Every implementation is thread-safe (the memory store @locks its own
 * mutex): task threads report through the worker's status callback while
 * REST threads read. Reads never wait for the herder thread, so status
 * stays available while the herder is busy (as Apache serves status from
 * its status store).
 */
#ifndef KC_HERDER_KC_STATUS_STORE_H
#define KC_HERDER_KC_STATUS_STORE_H

#include <kconnect/common.h>

#include <jansson.h>

#include "runtime/kc_worker.h"

typedef struct kc_status_store kc_status_store_t;

/* kc_status_store_replace: the entry has no status yet. */
#define KC_STATUS_ABSENT    (1u << 31)
#define KC_STATUS_IN(state) (1u << (state))

/**
 * A status store implementation: each member does what the
 * kc_status_store_* call of the same name documents. All are required.
 */
typedef struct kc_status_store_vt {
    void (*destroy)(kc_status_store_t *st);
    void (*track)(kc_status_store_t *st, const char *name, const char *type,
                  const char *connector_version, const char *task_version);
    void (*forget)(kc_status_store_t *st, const char *name);
    void (*forget_tasks)(kc_status_store_t *st, const char *name, int task);
    void (*put)(kc_status_store_t *st, const char *name, int task,
                kc_state_t state, const char *worker_id, const char *trace);
    bool (*replace)(kc_status_store_t *st, const char *name, int task,
                    unsigned from, kc_state_t to, const char *worker_id);
    bool (*get)(kc_status_store_t *st, const char *name, int task,
                kc_state_t *state);
    kc_err_t (*connector_json)(kc_status_store_t *st, const char *name,
                               json_t **out, kc_error_t *err);
    kc_err_t (*task_json)(kc_status_store_t *st, const char *name, int task,
                          json_t **out, kc_error_t *err);
} kc_status_store_vt_t;

/* An implementation embeds this first. */
struct kc_status_store {
    const kc_status_store_vt_t *vt;
};

/** @brief The memory status store (standalone mode). */
kc_status_store_t *kc_status_store_new(void);

/** @brief Free everything; NULL is a no-op. */
static inline void kc_status_store_destroy(kc_status_store_t *st)
{
    if (st != NULL) {
        st->vt->destroy(st);
    }
}

/**
 * @brief Start tracking connector @p name (no status yet: reads answer
 * "No status found"). @p type is "source", "sink" or "unknown"; the
 * versions (may be NULL) are shown as "version" in status. Reports for
 * connectors that are not tracked are ignored, so a late report from a
 * stopped task cannot bring a deleted connector back.
 */
static inline void kc_status_store_track(kc_status_store_t *st,
                                         const char *name, const char *type,
                                         const char *connector_version,
                                         const char *task_version)
{
    st->vt->track(st, name, type, connector_version, task_version);
}
/** @brief Forget @p name and its tasks (connector deleted). */
static inline void kc_status_store_forget(kc_status_store_t *st,
                                          const char *name)
{
    st->vt->forget(st, name);
}
/** @brief Forget task @p task of @p name, or every task when @p task < 0. */
static inline void kc_status_store_forget_tasks(kc_status_store_t *st,
                                                const char *name, int task)
{
    st->vt->forget_tasks(st, name, task);
}

/**
 * @brief Record a state: @p task -1 for the connector. @p trace (may be
 * NULL) is copied: FAILED's cause, or for a RUNNING/PAUSED task a problem
 * it keeps retrying (an offsets file it cannot write); other states drop
 * it. DESTROYED removes the entry.
 */
static inline void kc_status_store_put(kc_status_store_t *st, const char *name,
                                       int task, kc_state_t state,
                                       const char *worker_id, const char *trace)
{
    st->vt->put(st, name, task, state, worker_id, trace);
}
/**
 * @brief Set the state of the connector (@p task -1) or a task to @p to,
 * atomically, only if its current state is in @p from (a KC_STATUS_IN /
 * KC_STATUS_ABSENT mask): a report from a task thread is never lost to a
 * change the herder computed from an older state. @returns true if set.
 */
static inline bool kc_status_store_replace(kc_status_store_t *st,
                                           const char *name, int task,
                                           unsigned from, kc_state_t to,
                                           const char *worker_id)
{
    return st->vt->replace(st, name, task, from, to, worker_id);
}
/**
 * @brief The state of the connector (@p task -1) or a task. @returns false
 * when there is no status for it.
 */
static inline bool kc_status_store_get(kc_status_store_t *st, const char *name,
                                       int task, kc_state_t *state)
{
    return st->vt->get(st, name, task, state);
}

/**
 * @brief ConnectorStateInfo JSON (caller owns): {name, connector, tasks,
 * type}, tasks sorted by id. KC_ERR_NOT_FOUND "No status found for
 * connector x" when there is none.
 */
static inline kc_err_t kc_status_store_connector_json(kc_status_store_t *st,
                                                      const char *name,
                                                      json_t **out,
                                                      kc_error_t *err)
{
    return st->vt->connector_json(st, name, out, err);
}
/** @brief TaskState JSON {id, state, worker_id[, trace]} (caller owns). */
static inline kc_err_t kc_status_store_task_json(kc_status_store_t *st,
                                                 const char *name, int task,
                                                 json_t **out, kc_error_t *err)
{
    return st->vt->task_json(st, name, task, out, err);
}

#endif /* KC_HERDER_KC_STATUS_STORE_H */
