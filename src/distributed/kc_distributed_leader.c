/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What passes between the distributed herder's followers and its leader
 * (see kc_distributed_herder_int.h): the session key the leader writes
 * under sessioned, the internal endpoints it serves (signature checked,
 * then leader-only), and the task configs a follower that runs a
 * connector sends it.
 */
#include "kc_internal.h"

#include "data/kc_base64.h"
#include "distributed/kc_distributed_herder_int.h"
#include "distributed/kc_kafka_config_store.h"
#include "distributed/kc_leader_client.h"
#include "distributed/kc_request_sig.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#include <sys/random.h>

/* ---- session key (sessioned: the leader writes it) ----------------------- */

static void kc_dh_key_fire(kc_timers_t *t, void *opaque)
{
    kc_dist_herder_t *dh = opaque;

    (void)t;
    dh->key_timer = 0;
    kc_dh_session_key_check(dh);
}

/*
 * As Apache's leader: write a new key when there is none or the last one
 * is older than inter.worker.key.ttl.ms, and come back when it expires.
 */
void kc_dh_session_key_check(kc_dist_herder_t *dh)
{
    kc_config_store_t *cs = dh->base.configs;
    json_t *key = kc_kafka_config_store_session_key(cs);
    int64_t now = kc_clock_now_ms();
    int64_t created = -1;
    int64_t ttl = dh->dc.inter_worker_key_ttl_ms;
    kc_error_t err;

    if (!dh->leader || dh->dc.protocol != KC_CONNECT_SESSIONED) {
        json_decref(key);
        return;
    }
    if (key != NULL) {
        created = (int64_t)json_integer_value(
            json_object_get(key, "creation-timestamp"));
    }
    json_decref(key);
    if (key == NULL || created + ttl <= now) {
        /* Java's KeyGenerator default for the HMACs is 32 bytes or more;
         * inter.worker.key.size (bits) overrides it. */
        size_t len = dh->dc.inter_worker_key_size > 0
                         ? (size_t)dh->dc.inter_worker_key_size / 8
                         : 32;
        uint8_t *bytes = kc_calloc(len + 1, 1);
        kc_buf_t b;

        kc_buf_init(&b, 0);
        if (getrandom(bytes, len, 0) != (ssize_t)len) {
            kc_log_error(KC_DH_LOGGER, "could not make a session key: %s",
                         strerror(errno));
        } else if (kc_base64_encode(bytes, len, &b) == KC_OK) {
            char *text = kc_strndup((const char *)b.data, b.len);

            if (kc_kafka_config_store_put_session_key(
                    cs, text, dh->dc.inter_worker_key_generation_algorithm, now,
                    &err) != KC_OK) {
                kc_log_error(KC_DH_LOGGER,
                             "could not write the session key: %s", err.msg);
            } else {
                created = now;
            }
            kc_free(text);
        }
        kc_buf_release(&b);
        kc_free(bytes);
    }
    if (dh->key_timer != 0) {
        kc_timers_cancel(dh->timers, dh->key_timer);
        dh->key_timer = 0;
    }
    if (created >= 0) {
        dh->key_timer =
            kc_timers_add(dh->timers, created + ttl, 0, kc_dh_key_fire, dh);
    }
}

/* ---- the internal endpoints (the leader's side) ----------------------------
 */

/* Under sessioned: the request must carry a valid signature. */
static kc_err_t kc_dh_verify(kc_dist_herder_t *dh, kc_op_t *op)
{
    json_t *rec;
    const char *b64;
    uint8_t *key = NULL;
    size_t key_len = 0;
    kc_err_t rc;

    if (dh->dc.protocol != KC_CONNECT_SESSIONED) {
        return KC_OK;
    }
    rec = kc_kafka_config_store_session_key(dh->base.configs);
    b64 = rec != NULL ? json_string_value(json_object_get(rec, "key")) : NULL;
    if (b64 != NULL &&
        kc_base64_decode_java(b64, &key, &key_len, &op->err) != KC_OK) {
        key = NULL;
    }
    kc_error_clear(&op->err);
    rc = kc_request_sig_verify(
        op->sig,
        (const char *const *)dh->dc.inter_worker_verification_algorithms.items,
        dh->dc.inter_worker_verification_algorithms.count, key, key_len,
        &op->err);
    kc_free(key);
    json_decref(rec);
    return rc;
}

/* POST /connectors/{c}/tasks: a follower's task configs, as a JSON array
 * of objects of strings. */
static kc_err_t kc_dh_task_configs_in(kc_op_t *op, kc_props_t ***out, size_t *n)
{
    kc_props_t **tasks;
    size_t count = json_array_size(op->in);

    if (!json_is_array(op->in)) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Task configs must be a JSON array of objects");
    }
    tasks = kc_calloc(count + 1, sizeof(*tasks));
    for (size_t i = 0; i < count; i++) {
        if (kc_json_to_props(json_array_get(op->in, i), &tasks[i], NULL,
                             &op->err) != KC_OK) {
            kc_tasks_free(tasks, i);
            return KC_ERR_INVALID;
        }
    }
    *out = tasks;
    *n = count;
    return KC_OK;
}

kc_err_t kc_dh_internal_op(kc_herder_t *h, kc_op_t *op)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    bool fence = op->type == KC_OP_FENCE;
    kc_props_t **tasks = NULL;
    size_t n = 0;
    kc_err_t rc = kc_dh_verify(dh, op);

    if (rc != KC_OK) {
        return rc;
    }
    if (!dh->leader) {
        rc = kc_error_set(&op->err, KC_ERR_CONFLICT, "%s",
                          fence ? "Only the leader may perform zombie "
                                  "fencing."
                                : "Only the leader may write task "
                                  "configurations.");
        op->err.flags |= KC_HERDER_F_NOT_LEADER;
        return rc;
    }
    if (kc_herder_find(h, op->name) == NULL) {
        return kc_not_found(op);
    }
    if (fence) {
        return kc_herder_core_fence_without_eos(h, op);
    }
    rc = kc_dh_task_configs_in(op, &tasks, &n);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_config_store_put_tasks(h->configs, op->name, tasks, n, &op->err);
    kc_tasks_free(tasks, n);
    return rc;
}

/* ---- task configs from a follower that runs the connector ------------------
 */

typedef struct kc_dh_send {
    kc_dist_herder_t *dh;
    char *leader_url;
    char *connector;
    json_t *tasks;
    char *algorithm;
    uint8_t *key;
    size_t key_len;
} kc_dh_send_t;

void kc_dh_resend_destroy(kc_opq_op_t *q)
{
    kc_dh_resend_t *r = (kc_dh_resend_t *)q;

    kc_free(r->connector);
    kc_free(r);
}

static void *kc_dh_send_main(void *arg)
{
    kc_dh_send_t *job = arg;
    kc_dist_herder_t *dh = job->dh;
    kc_leader_signer_t signer = {job->algorithm, job->key, job->key_len};
    kc_error_t err;

    kc_error_clear(&err);
    if (kc_leader_put_task_configs(dh->rest, job->leader_url, job->connector,
                                   job->tasks,
                                   job->key != NULL ? &signer : NULL,
                                   KC_DH_SEND_TIMEOUT_MS, &err) != KC_OK) {
        kc_dh_resend_t *r = kc_calloc(1, sizeof(*r));
        char *logged = kc_str_escape_log(job->connector);

        kc_log_error(KC_DH_LOGGER,
                     "Failed to reconfigure connector's tasks (%s), retrying "
                     "after backoff: %s",
                     logged, err.msg);
        kc_free(logged);
        r->q.kind = KC_DH_OP_RESEND;
        r->q.destroy = kc_dh_resend_destroy;
        r->connector = kc_strdup(job->connector);
        if (kc_opq_post(dh->ops, &r->q) != KC_OK) {
            kc_dh_resend_destroy(&r->q);
        }
    }
    kc_free(job->leader_url);
    kc_free(job->connector);
    json_decref(job->tasks);
    kc_free(job->algorithm);
    kc_free(job->key);
    kc_free(job);
    pthread_mutex_lock(&dh->sends_lock);
    dh->sends--;
    pthread_cond_broadcast(&dh->sends_done);
    pthread_mutex_unlock(&dh->sends_lock);
    return NULL;
}

/* The session key's bytes (sessioned), or NULL. */
static uint8_t *kc_dh_session_key(kc_dist_herder_t *dh, size_t *len)
{
    json_t *rec = kc_kafka_config_store_session_key(dh->base.configs);
    const char *b64 =
        rec != NULL ? json_string_value(json_object_get(rec, "key")) : NULL;
    uint8_t *key = NULL;
    kc_error_t err;

    if (b64 == NULL || kc_base64_decode_java(b64, &key, len, &err) != KC_OK) {
        key = NULL;
    }
    json_decref(rec);
    return key;
}

/*
 * The leader writes task configs itself; a follower that runs the
 * connector sends them to the leader's POST /connectors/{c}/tasks, on a
 * thread of its own (the call blocks), as Apache's reconfigureConnector.
 */
void kc_dh_put_tasks(kc_herder_t *h, const char *name, kc_props_t *const *tasks,
                     size_t ntasks)
{
    kc_dist_herder_t *dh = (kc_dist_herder_t *)h;
    kc_dh_send_t *job;
    pthread_t thread;
    kc_error_t err;

    if (dh->leader) {
        if (kc_config_store_put_tasks(h->configs, name, tasks, ntasks, &err) !=
            KC_OK) {
            kc_log_error(KC_DH_LOGGER,
                         "could not write the task configs of %s: %s", name,
                         err.msg);
        }
        return;
    }
    job = kc_calloc(1, sizeof(*job));
    job->dh = dh;
    pthread_mutex_lock(&dh->lock);
    job->leader_url = kc_strdup(dh->leader_url != NULL ? dh->leader_url : "");
    pthread_mutex_unlock(&dh->lock);
    job->connector = kc_strdup(name);
    job->tasks = json_array();
    for (size_t i = 0; i < ntasks; i++) {
        json_array_append_new(job->tasks, kc_props_json(tasks[i]));
    }
    if (dh->dc.protocol == KC_CONNECT_SESSIONED) {
        job->algorithm = kc_strdup(dh->dc.inter_worker_signature_algorithm);
        job->key = kc_dh_session_key(dh, &job->key_len);
    }
    pthread_mutex_lock(&dh->sends_lock);
    dh->sends++;
    pthread_mutex_unlock(&dh->sends_lock);
    if (pthread_create(&thread, NULL, kc_dh_send_main, job) != 0) {
        kc_log_error(KC_DH_LOGGER,
                     "could not start sending the task configs of %s", name);
        pthread_mutex_lock(&dh->sends_lock);
        dh->sends--;
        pthread_mutex_unlock(&dh->sends_lock);
        kc_free(job->leader_url);
        kc_free(job->connector);
        json_decref(job->tasks);
        kc_free(job->algorithm);
        kc_free(job->key);
        kc_free(job);
        kc_dh_resend_later(dh, name);
        return;
    }
    pthread_detach(thread);
}

/* The backoff is over: ask the connectors again (force: their configs
 * are the same ones that did not reach the leader). */
static void kc_dh_resend_fire(kc_timers_t *t, void *opaque)
{
    kc_dist_herder_t *dh = opaque;
    kc_herder_t *h = &dh->base;

    (void)t;
    dh->resend_timer = 0;
    pthread_mutex_lock(&h->exec_lock);
    for (size_t i = 0; i < dh->nresend; i++) {
        kc_hconn_t *c = kc_herder_find(h, dh->resend[i]);

        if (c != NULL && c->started) {
            kc_hconn_update_tasks(h, c, true);
        }
        kc_free(dh->resend[i]);
    }
    pthread_mutex_unlock(&h->exec_lock);
    dh->nresend = 0;
}

void kc_dh_resend_later(kc_dist_herder_t *dh, const char *name)
{
    for (size_t i = 0; i < dh->nresend; i++) {
        if (strcmp(dh->resend[i], name) == 0) {
            return;
        }
    }
    dh->resend =
        kc_realloc(dh->resend, (dh->nresend + 1) * sizeof(*dh->resend));
    dh->resend[dh->nresend++] = kc_strdup(name);
    if (dh->resend_timer == 0) {
        dh->resend_timer = kc_timers_add(
            dh->timers, kc_clock_now_ms() + KC_DH_RESEND_BACKOFF_MS, 0,
            kc_dh_resend_fire, dh);
    }
}

void kc_dh_sends_wait(kc_dist_herder_t *dh)
{
    pthread_mutex_lock(&dh->sends_lock);
    while (dh->sends > 0) {
        pthread_cond_wait(&dh->sends_done, &dh->sends_lock);
    }
    pthread_mutex_unlock(&dh->sends_lock);
}
