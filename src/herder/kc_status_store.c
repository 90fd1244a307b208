/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "herder/kc_status_store.h"

#include <pthread.h>

typedef struct kc_status {
    int id; /* task number, or -1 for the connector */
    kc_state_t state;
    char *worker_id;
    char *trace;
} kc_status_t;

typedef struct kc_status_conn {
    char *name;
    char *type;
    char *connector_version;
    char *task_version;
    bool has_connector;
    kc_status_t connector;
    kc_status_t *tasks;
    size_t ntasks;
} kc_status_conn_t;

typedef struct kc_mem_status_store {
    kc_status_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    kc_status_conn_t **conns;
    size_t nconns;
} kc_mem_status_store_t;

static void kc_status_release(kc_status_t *s)
{
    kc_free(s->worker_id);
    kc_free(s->trace);
    s->worker_id = NULL;
    s->trace = NULL;
}

static void kc_status_conn_free(kc_status_conn_t *c)
{
    kc_status_release(&c->connector);
    for (size_t i = 0; i < c->ntasks; i++) {
        kc_status_release(&c->tasks[i]);
    }
    kc_free(c->tasks);
    kc_free(c->name);
    kc_free(c->type);
    kc_free(c->connector_version);
    kc_free(c->task_version);
    kc_free(c);
}

static void kc_mem_status_destroy(kc_status_store_t *base)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    for (size_t i = 0; i < st->nconns; i++) {
        kc_status_conn_free(st->conns[i]);
    }
    kc_free(st->conns);
    pthread_mutex_destroy(&st->lock);
    kc_free(st);
}

/* Caller holds the lock. */
static kc_status_conn_t *kc_status_find(kc_mem_status_store_t *st,
                                        const char *name, size_t *idx)
{
    for (size_t i = 0; i < st->nconns; i++) {
        if (strcmp(st->conns[i]->name, name) == 0) {
            if (idx != NULL) {
                *idx = i;
            }
            return st->conns[i];
        }
    }
    return NULL;
}

static char *kc_strdup_or_null(const char *s)
{
    return s != NULL ? kc_strdup(s) : NULL;
}

static void kc_mem_status_track(kc_status_store_t *base, const char *name,
                                const char *type, const char *connector_version,
                                const char *task_version)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c == NULL) {
        c = kc_calloc(1, sizeof(*c));
        c->name = kc_strdup(name);
        c->connector.id = -1;
        st->conns =
            kc_realloc(st->conns, (st->nconns + 1) * sizeof(*st->conns));
        st->conns[st->nconns++] = c;
    }
    kc_free(c->type);
    kc_free(c->connector_version);
    kc_free(c->task_version);
    c->type = kc_strdup(type != NULL ? type : "unknown");
    c->connector_version = kc_strdup_or_null(connector_version);
    c->task_version = kc_strdup_or_null(task_version);
    pthread_mutex_unlock(&st->lock);
}

static void kc_mem_status_forget(kc_status_store_t *base, const char *name)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    size_t idx;
    kc_status_conn_t *c;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, &idx);
    if (c != NULL) {
        kc_status_conn_free(c);
        memmove(&st->conns[idx], &st->conns[idx + 1],
                (st->nconns - idx - 1) * sizeof(*st->conns));
        st->nconns--;
    }
    pthread_mutex_unlock(&st->lock);
}

/* Caller holds the lock. */
static void kc_status_remove_task(kc_status_conn_t *c, size_t i)
{
    kc_status_release(&c->tasks[i]);
    memmove(&c->tasks[i], &c->tasks[i + 1],
            (c->ntasks - i - 1) * sizeof(*c->tasks));
    c->ntasks--;
}

static void kc_mem_status_forget_tasks(kc_status_store_t *base,
                                       const char *name, int task)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c != NULL) {
        for (size_t i = c->ntasks; i-- > 0;) {
            if (task < 0 || c->tasks[i].id == task) {
                kc_status_remove_task(c, i);
            }
        }
    }
    pthread_mutex_unlock(&st->lock);
}

static void kc_status_set(kc_status_t *s, kc_state_t state,
                          const char *worker_id, const char *trace,
                          bool is_task)
{
    kc_free(s->worker_id);
    kc_free(s->trace);
    s->state = state;
    s->worker_id = kc_strdup(worker_id != NULL ? worker_id : "");
    /* A running or paused task may carry one too: a problem it keeps
     * retrying, such as an offsets file it cannot write (Apache's
     * TaskState trace is nullable whatever the state). */
    s->trace = trace != NULL && *trace != '\0' &&
                       (state == KC_STATE_FAILED ||
                        (is_task && (state == KC_STATE_RUNNING ||
                                     state == KC_STATE_PAUSED)))
                   ? kc_strdup(trace)
                   : NULL;
}

/* Caller holds the lock. */
static void kc_status_put_locked(kc_mem_status_store_t *st, const char *name,
                                 int task, kc_state_t state,
                                 const char *worker_id, const char *trace)
{
    kc_status_conn_t *c = kc_status_find(st, name, NULL);

    if (c == NULL) {
        return;
    }
    if (task < 0) {
        if (state == KC_STATE_DESTROYED) {
            kc_status_release(&c->connector);
            c->has_connector = false;
        } else {
            kc_status_set(&c->connector, state, worker_id, trace, false);
            c->has_connector = true;
        }
        return;
    }
    for (size_t i = 0; i < c->ntasks; i++) {
        if (c->tasks[i].id == task) {
            if (state == KC_STATE_DESTROYED) {
                kc_status_remove_task(c, i);
            } else {
                kc_status_set(&c->tasks[i], state, worker_id, trace, true);
            }
            return;
        }
    }
    if (state != KC_STATE_DESTROYED) {
        size_t pos = 0;

        /* Kept sorted by id: status lists tasks in id order. */
        while (pos < c->ntasks && c->tasks[pos].id < task) {
            pos++;
        }
        c->tasks = kc_realloc(c->tasks, (c->ntasks + 1) * sizeof(*c->tasks));
        memmove(&c->tasks[pos + 1], &c->tasks[pos],
                (c->ntasks - pos) * sizeof(*c->tasks));
        memset(&c->tasks[pos], 0, sizeof(c->tasks[pos]));
        c->tasks[pos].id = task;
        kc_status_set(&c->tasks[pos], state, worker_id, trace, true);
        c->ntasks++;
    }
}

static void kc_mem_status_put(kc_status_store_t *base, const char *name,
                              int task, kc_state_t state, const char *worker_id,
                              const char *trace)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    pthread_mutex_lock(&st->lock);
    kc_status_put_locked(st, name, task, state, worker_id, trace);
    pthread_mutex_unlock(&st->lock);
}

static bool kc_mem_status_replace(kc_status_store_t *base, const char *name,
                                  int task, unsigned from, kc_state_t to,
                                  const char *worker_id)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;
    bool absent = true;
    kc_state_t cur = KC_STATE_UNASSIGNED;
    bool done = false;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c == NULL) {
        pthread_mutex_unlock(&st->lock);
        return false;
    }
    if (task < 0) {
        absent = !c->has_connector;
        cur = c->connector.state;
    } else {
        for (size_t i = 0; i < c->ntasks; i++) {
            if (c->tasks[i].id == task) {
                absent = false;
                cur = c->tasks[i].state;
            }
        }
    }
    if ((absent && (from & KC_STATUS_ABSENT)) ||
        (!absent && (from & KC_STATUS_IN(cur)))) {
        kc_status_put_locked(st, name, task, to, worker_id, NULL);
        done = true;
    }
    pthread_mutex_unlock(&st->lock);
    return done;
}

static bool kc_mem_status_get(kc_status_store_t *base, const char *name,
                              int task, kc_state_t *state)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;
    bool found = false;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c != NULL && task < 0) {
        found = c->has_connector;
        if (found) {
            *state = c->connector.state;
        }
    } else if (c != NULL) {
        for (size_t i = 0; i < c->ntasks; i++) {
            if (c->tasks[i].id == task) {
                *state = c->tasks[i].state;
                found = true;
                break;
            }
        }
    }
    pthread_mutex_unlock(&st->lock);
    return found;
}

/* {state, worker_id[, version][, trace]}, in Apache's key order. */
static json_t *kc_status_json(const kc_status_t *s, const char *version,
                              bool with_id)
{
    json_t *o = json_object();

    if (with_id) {
        json_object_set_new(o, "id", json_integer(s->id));
    }
    json_object_set_new(o, "state", json_string(kc_state_name(s->state)));
    json_object_set_new(o, "worker_id", json_string(s->worker_id));
    if (version != NULL) {
        json_object_set_new(o, "version", json_string(version));
    }
    if (s->trace != NULL) {
        json_object_set_new(o, "trace", json_string(s->trace));
    }
    return o;
}

static kc_err_t kc_mem_status_connector_json(kc_status_store_t *base,
                                             const char *name, json_t **out,
                                             kc_error_t *err)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;
    json_t *o;
    json_t *tasks;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c == NULL || !c->has_connector) {
        pthread_mutex_unlock(&st->lock);
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "No status found for connector %s", name);
    }
    o = json_object();
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(
        o, "connector",
        kc_status_json(&c->connector, c->connector_version, false));
    tasks = json_array();
    for (size_t i = 0; i < c->ntasks; i++) {
        json_array_append_new(
            tasks, kc_status_json(&c->tasks[i], c->task_version, true));
    }
    json_object_set_new(o, "tasks", tasks);
    json_object_set_new(o, "type", json_string(c->type));
    pthread_mutex_unlock(&st->lock);
    *out = o;
    return KC_OK;
}

static kc_err_t kc_mem_status_task_json(kc_status_store_t *base,
                                        const char *name, int task,
                                        json_t **out, kc_error_t *err)
{
    kc_mem_status_store_t *st = (kc_mem_status_store_t *)base;

    kc_status_conn_t *c;

    pthread_mutex_lock(&st->lock);
    c = kc_status_find(st, name, NULL);
    if (c != NULL) {
        for (size_t i = 0; i < c->ntasks; i++) {
            if (c->tasks[i].id == task) {
                *out = kc_status_json(&c->tasks[i], c->task_version, true);
                pthread_mutex_unlock(&st->lock);
                return KC_OK;
            }
        }
    }
    pthread_mutex_unlock(&st->lock);
    return kc_error_set(err, KC_ERR_NOT_FOUND, "No status found for task %s-%d",
                        name, task);
}

static const kc_status_store_vt_t kc_mem_status_vt = {
    .destroy = kc_mem_status_destroy,
    .track = kc_mem_status_track,
    .forget = kc_mem_status_forget,
    .forget_tasks = kc_mem_status_forget_tasks,
    .put = kc_mem_status_put,
    .replace = kc_mem_status_replace,
    .get = kc_mem_status_get,
    .connector_json = kc_mem_status_connector_json,
    .task_json = kc_mem_status_task_json,
};

kc_status_store_t *kc_status_store_new(void)
{
    kc_mem_status_store_t *st = kc_calloc(1, sizeof(*st));

    st->base.vt = &kc_mem_status_vt;
    pthread_mutex_init(&st->lock, NULL);
    return &st->base;
}
