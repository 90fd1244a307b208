/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config store: each connector's config, target state and task
 * configs, as Apache's ConfigBackingStore keeps them. An interface: the
 * herder core writes every durable change through it and serves the
 * config views (GET /connectors/{name}, .../config, .../tasks) from it;
 * kc_config_store_new makes the memory store of standalone mode (as
 * Apache's MemoryConfigBackingStore), and a Kafka-topic store for
 * distributed mode will implement the same kc_config_store_vt_t.
 *
 * The core keeps the running side (plugin, started instance) itself; the
 * store only holds what a restart or another worker must see.
 *
 * @locks every implementation is thread-safe (the memory store has its
 * own mutex); the core calls it from its op context only.
 */
#ifndef KC_HERDER_KC_CONFIG_STORE_H
#define KC_HERDER_KC_CONFIG_STORE_H

#include <kconnect/common.h>

#include "runtime/kc_worker.h"

typedef struct kc_config_store kc_config_store_t;

/**
 * A config store implementation: each member does what the
 * kc_config_store_* call of the same name documents. All are required.
 */
typedef struct kc_config_store_vt {
    void (*destroy)(kc_config_store_t *cs);
    kc_err_t (*put_connector)(kc_config_store_t *cs, const char *name,
                              const kc_props_t *config,
                              kc_target_state_t target, kc_error_t *err);
    kc_err_t (*remove_connector)(kc_config_store_t *cs, const char *name,
                                 kc_error_t *err);
    kc_err_t (*put_target)(kc_config_store_t *cs, const char *name,
                           kc_target_state_t target, kc_error_t *err);
    kc_err_t (*put_tasks)(kc_config_store_t *cs, const char *name,
                          kc_props_t *const *tasks, size_t ntasks,
                          kc_error_t *err);
    kc_err_t (*config)(kc_config_store_t *cs, const char *name,
                       kc_props_t **out);
    kc_err_t (*tasks)(kc_config_store_t *cs, const char *name,
                      kc_props_t ***tasks, size_t *ntasks);
} kc_config_store_vt_t;

/* An implementation embeds this first. */
struct kc_config_store {
    const kc_config_store_vt_t *vt;
};

/** @brief The memory config store (standalone mode). */
kc_config_store_t *kc_config_store_new(void);

/** @brief Free everything; NULL is a no-op. */
static inline void kc_config_store_destroy(kc_config_store_t *cs)
{
    if (cs != NULL) {
        cs->vt->destroy(cs);
    }
}

/**
 * @brief Create or replace connector @p name with @p config (copied) and
 * @p target; its task configs are kept (a new one has none).
 */
static inline kc_err_t kc_config_store_put_connector(kc_config_store_t *cs,
                                                     const char *name,
                                                     const kc_props_t *config,
                                                     kc_target_state_t target,
                                                     kc_error_t *err)
{
    return cs->vt->put_connector(cs, name, config, target, err);
}

/** @brief Remove @p name, its target state and task configs. */
static inline kc_err_t kc_config_store_remove_connector(kc_config_store_t *cs,
                                                        const char *name,
                                                        kc_error_t *err)
{
    return cs->vt->remove_connector(cs, name, err);
}

/** @brief Set the target state of @p name (KC_ERR_NOT_FOUND if unknown). */
static inline kc_err_t kc_config_store_put_target(kc_config_store_t *cs,
                                                  const char *name,
                                                  kc_target_state_t target,
                                                  kc_error_t *err)
{
    return cs->vt->put_target(cs, name, target, err);
}

/**
 * @brief Replace the task configs of @p name with copies of @p tasks
 * (@p ntasks 0: none, as Apache writes for a stopped connector).
 */
static inline kc_err_t kc_config_store_put_tasks(kc_config_store_t *cs,
                                                 const char *name,
                                                 kc_props_t *const *tasks,
                                                 size_t ntasks, kc_error_t *err)
{
    return cs->vt->put_tasks(cs, name, tasks, ntasks, err);
}

/**
 * @brief A copy of the config of @p name in *out (caller destroys);
 * KC_ERR_NOT_FOUND when there is none.
 */
static inline kc_err_t kc_config_store_config(kc_config_store_t *cs,
                                              const char *name,
                                              kc_props_t **out)
{
    return cs->vt->config(cs, name, out);
}

/**
 * @brief Copies of the task configs of @p name: *tasks is an array of
 * *ntasks props (each and the array freed by the caller, kc_props_destroy
 * and kc_free); KC_ERR_NOT_FOUND when @p name is unknown.
 */
static inline kc_err_t kc_config_store_tasks(kc_config_store_t *cs,
                                             const char *name,
                                             kc_props_t ***tasks,
                                             size_t *ntasks)
{
    return cs->vt->tasks(cs, name, tasks, ntasks);
}

#endif /* KC_HERDER_KC_CONFIG_STORE_H */
