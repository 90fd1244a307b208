/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The memory config store (see kc_config_store.h): what standalone mode
 * keeps between requests and forgets on exit, as Apache's
 * MemoryConfigBackingStore.
 */
#include "kc_internal.h"

#include "herder/kc_config_store.h"

#include <pthread.h>

typedef struct kc_mem_config {
    char *name;
    kc_props_t *config;
    kc_target_state_t target;
    kc_props_t **tasks;
    size_t ntasks;
} kc_mem_config_t;

typedef struct kc_mem_config_store {
    kc_config_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    kc_mem_config_t **conns;
    size_t nconns;
} kc_mem_config_store_t;

static void kc_mem_config_tasks_free(kc_mem_config_t *e)
{
    for (size_t i = 0; i < e->ntasks; i++) {
        kc_props_destroy(e->tasks[i]);
    }
    kc_free(e->tasks);
    e->tasks = NULL;
    e->ntasks = 0;
}

static void kc_mem_config_free(kc_mem_config_t *e)
{
    kc_mem_config_tasks_free(e);
    kc_props_destroy(e->config);
    kc_free(e->name);
    kc_free(e);
}

/* @locks the caller holds st->lock. */
static size_t kc_mem_config_find(kc_mem_config_store_t *st, const char *name)
{
    size_t i;

    for (i = 0; i < st->nconns; i++) {
        if (strcmp(st->conns[i]->name, name) == 0) {
            break;
        }
    }
    return i;
}

static kc_err_t kc_mem_config_unknown(const char *name, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_NOT_FOUND, "Connector %s not found", name);
}

/* Take st->lock and find @p name: KC_OK with the lock held and *idx
 * set, or the lock released and "not found" in @p err (may be NULL). */
static kc_err_t kc_mem_config_lock_find(kc_mem_config_store_t *st,
                                        const char *name, size_t *idx,
                                        kc_error_t *err)
{
    pthread_mutex_lock(&st->lock);
    *idx = kc_mem_config_find(st, name);
    if (*idx == st->nconns) {
        pthread_mutex_unlock(&st->lock);
        return kc_mem_config_unknown(name, err);
    }
    return KC_OK;
}

static void kc_mem_config_destroy(kc_config_store_t *base)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;

    for (size_t i = 0; i < st->nconns; i++) {
        kc_mem_config_free(st->conns[i]);
    }
    kc_free(st->conns);
    pthread_mutex_destroy(&st->lock);
    kc_free(st);
}

static kc_err_t kc_mem_config_put_connector(kc_config_store_t *base,
                                            const char *name,
                                            const kc_props_t *config,
                                            kc_target_state_t target,
                                            kc_error_t *err)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    kc_mem_config_t *e;
    size_t i;

    KC_UNUSED(err);
    pthread_mutex_lock(&st->lock);
    i = kc_mem_config_find(st, name);
    if (i == st->nconns) {
        e = kc_calloc(1, sizeof(*e));
        e->name = kc_strdup(name);
        st->conns =
            kc_realloc(st->conns, (st->nconns + 1) * sizeof(*st->conns));
        st->conns[st->nconns++] = e;
    } else {
        e = st->conns[i];
        kc_props_destroy(e->config);
    }
    e->config = kc_props_copy(config);
    e->target = target;
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static kc_err_t kc_mem_config_remove_connector(kc_config_store_t *base,
                                               const char *name,
                                               kc_error_t *err)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    size_t i;
    kc_err_t rc = kc_mem_config_lock_find(st, name, &i, err);

    if (rc != KC_OK) {
        return rc;
    }
    kc_mem_config_free(st->conns[i]);
    memmove(&st->conns[i], &st->conns[i + 1],
            (st->nconns - i - 1) * sizeof(*st->conns));
    st->nconns--;
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static kc_err_t kc_mem_config_put_target(kc_config_store_t *base,
                                         const char *name,
                                         kc_target_state_t target,
                                         kc_error_t *err)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    size_t i;
    kc_err_t rc = kc_mem_config_lock_find(st, name, &i, err);

    if (rc != KC_OK) {
        return rc;
    }
    st->conns[i]->target = target;
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static kc_err_t kc_mem_config_put_tasks(kc_config_store_t *base,
                                        const char *name,
                                        kc_props_t *const *tasks, size_t ntasks,
                                        kc_error_t *err)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    kc_mem_config_t *e;
    size_t i;
    kc_err_t rc = kc_mem_config_lock_find(st, name, &i, err);

    if (rc != KC_OK) {
        return rc;
    }
    e = st->conns[i];
    kc_mem_config_tasks_free(e);
    if (ntasks > 0) {
        e->tasks = kc_calloc(ntasks, sizeof(*e->tasks));
        for (size_t t = 0; t < ntasks; t++) {
            e->tasks[t] = kc_props_copy(tasks[t]);
        }
        e->ntasks = ntasks;
    }
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static kc_err_t kc_mem_config_config(kc_config_store_t *base, const char *name,
                                     kc_props_t **out)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    size_t i;

    *out = NULL;
    pthread_mutex_lock(&st->lock);
    i = kc_mem_config_find(st, name);
    if (i < st->nconns) {
        *out = kc_props_copy(st->conns[i]->config);
    }
    pthread_mutex_unlock(&st->lock);
    return *out != NULL ? KC_OK : KC_ERR_NOT_FOUND;
}

static kc_err_t kc_mem_config_tasks(kc_config_store_t *base, const char *name,
                                    kc_props_t ***tasks, size_t *ntasks)
{
    kc_mem_config_store_t *st = (kc_mem_config_store_t *)base;
    kc_mem_config_t *e;
    size_t i;

    *tasks = NULL;
    *ntasks = 0;
    if (kc_mem_config_lock_find(st, name, &i, NULL) != KC_OK) {
        return KC_ERR_NOT_FOUND;
    }
    e = st->conns[i];
    *tasks = kc_calloc(e->ntasks + 1, sizeof(**tasks));
    for (size_t t = 0; t < e->ntasks; t++) {
        (*tasks)[t] = kc_props_copy(e->tasks[t]);
    }
    *ntasks = e->ntasks;
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static const kc_config_store_vt_t kc_mem_config_vt = {
    .destroy = kc_mem_config_destroy,
    .put_connector = kc_mem_config_put_connector,
    .remove_connector = kc_mem_config_remove_connector,
    .put_target = kc_mem_config_put_target,
    .put_tasks = kc_mem_config_put_tasks,
    .config = kc_mem_config_config,
    .tasks = kc_mem_config_tasks,
};

kc_config_store_t *kc_config_store_new(void)
{
    kc_mem_config_store_t *st = kc_calloc(1, sizeof(*st));

    st->base.vt = &kc_mem_config_vt;
    pthread_mutex_init(&st->lock, NULL);
    return &st->base;
}
