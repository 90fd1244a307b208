/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder: the one owner of connector and task state. The REST API and
 * the CLI talk to it only through these calls; each is thread-safe (it
 * posts an op to the herder thread and waits for the reply, at most
 * @p timeout_ms, then returns KC_ERR_TIMEOUT).
 *
 * Results are JSON documents (jansson) in exactly the shape Apache Kafka
 * Connect's REST API returns, owned by the caller (json_decref). Errors use
 * kc_error_t; the REST layer maps codes to HTTP statuses:
 *   KC_ERR_NOT_FOUND -> 404, KC_ERR_CONFLICT -> 409, KC_ERR_INVALID -> 400,
 *   KC_ERR_TIMEOUT -> 500 (Apache: request timed out), others -> 500.
 * kc_error_t holds at most 511 characters: when a call that has an @p out
 * parameter fails, *out may be set to Apache's error body
 * {"error_code":N,"message":"..."} with the full message (e.g. every
 * validation error); the caller owns it then, else *out is left NULL.
 *
 * kc_herder_status, kc_herder_task_status, kc_herder_plugins and
 * kc_herder_server_info do not wait for the herder thread: they read the
 * status store (which task threads update) or read-only data, so they
 * answer while the herder is busy (e.g. stopping slow tasks).
 *
 * Before kc_herder_start the calls run on the caller's thread (serialised),
 * so the CLI can create connectors first; worker_id in status is
 * kc_worker_id at the time of each report, so give the worker its id (the
 * REST server does, when it binds) before connectors start.
 */
#ifndef KC_HERDER_KC_HERDER_H
#define KC_HERDER_KC_HERDER_H

#include <kconnect/common.h>

#include <jansson.h>

#include "runtime/kc_worker.h"

typedef struct kc_herder kc_herder_t;

/**
 * @brief A standalone herder over @p w (borrowed; it must outlive the
 * herder). It installs itself as @p w's status and reconfigure listener.
 * NULL (and @p err filled) if its op queue cannot be made.
 */
kc_herder_t *kc_standalone_herder_new(kc_worker_t *w, kc_error_t *err);
/** @brief Start the herder thread. */
kc_err_t kc_herder_start(kc_herder_t *h, kc_error_t *err);
/**
 * @brief How long each kc_herder_* call waits for the herder thread
 * (default 90000 ms, as Apache's REST request timeout).
 */
void kc_herder_set_timeout(kc_herder_t *h, int64_t timeout_ms);
/** @brief The worker the herder drives (borrowed). */
kc_worker_t *kc_herder_worker(kc_herder_t *h);
/**
 * @brief Stop every connector and task gracefully (offsets flushed), stop
 * the thread, free. NULL is a no-op.
 */
void kc_herder_destroy(kc_herder_t *h);

/* GET /connectors: array of names. With expand: the {name: {status, info}}
 * object Apache returns for ?expand=status / ?expand=info (flags may be
 * combined). */
#define KC_HERDER_EXPAND_STATUS (1u << 0)
#define KC_HERDER_EXPAND_INFO   (1u << 1)
kc_err_t kc_herder_list(kc_herder_t *h, unsigned expand, json_t **out,
                        kc_error_t *err);

/* GET /connectors/{name}: {name, config, tasks:[{connector,task}], type} */
kc_err_t kc_herder_info(kc_herder_t *h, const char *name, json_t **out,
                        kc_error_t *err);
/* GET /connectors/{name}/config: the config object. */
kc_err_t kc_herder_config(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err);
/*
 * POST /connectors (allow_replace false: KC_ERR_CONFLICT if it exists) and
 * PUT /connectors/{name}/config (allow_replace true). @p config is a JSON
 * object of strings (borrowed). *created says whether it is new (201 vs
 * 200). *out is the connector info. @p initial_state may be NULL, "RUNNING",
 * "PAUSED" or "STOPPED" (POST body's initial_state).
 */
kc_err_t kc_herder_put_config(kc_herder_t *h, const char *name, json_t *config,
                              bool allow_replace, const char *initial_state,
                              bool *created, json_t **out, kc_error_t *err);
/* PATCH /connectors/{name}/config: merge (null value removes a key). */
kc_err_t kc_herder_patch_config(kc_herder_t *h, const char *name, json_t *patch,
                                json_t **out, kc_error_t *err);
/* DELETE /connectors/{name} */
kc_err_t kc_herder_delete(kc_herder_t *h, const char *name, kc_error_t *err);
/* GET /connectors/{name}/status */
kc_err_t kc_herder_status(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err);
/* GET /connectors/{name}/tasks: [{id:{connector,task}, config:{...}}] */
kc_err_t kc_herder_tasks(kc_herder_t *h, const char *name, json_t **out,
                         kc_error_t *err);
/* GET /connectors/{name}/tasks/{id}/status: {id, state, worker_id[, trace]} */
kc_err_t kc_herder_task_status(kc_herder_t *h, const char *name, int task,
                               json_t **out, kc_error_t *err);
/*
 * POST /connectors/{name}/restart. *out is NULL when Apache answers 204
 * (plain connector-only restart), else the status after the restart plan
 * was applied (202 Accepted).
 */
kc_err_t kc_herder_restart(kc_herder_t *h, const char *name, bool include_tasks,
                           bool only_failed, json_t **out, kc_error_t *err);
/* POST /connectors/{name}/tasks/{id}/restart */
kc_err_t kc_herder_restart_task(kc_herder_t *h, const char *name, int task,
                                kc_error_t *err);
/* PUT .../pause, .../resume, .../stop */
kc_err_t kc_herder_pause(kc_herder_t *h, const char *name, kc_error_t *err);
kc_err_t kc_herder_resume(kc_herder_t *h, const char *name, kc_error_t *err);
kc_err_t kc_herder_stop(kc_herder_t *h, const char *name, kc_error_t *err);
/*
 * GET .../topics: {"<name>":{"topics":[...]}} (empty for an unknown
 * connector, as Apache); PUT .../topics/reset. KC_ERR_UNSUPPORTED (HTTP
 * 403) when topic.tracking.enable / topic.tracking.allow.reset is false.
 */
kc_err_t kc_herder_topics(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err);
kc_err_t kc_herder_topics_reset(kc_herder_t *h, const char *name,
                                kc_error_t *err);
/*
 * GET .../offsets: {"offsets":[{"partition":{..},"offset":{..}}]}. Only
 * the lookup waits for the herder thread; the read (a broker round trip
 * for a sink, see kc_worker_offsets) runs on the caller's thread.
 * PATCH .../offsets with body {"offsets":[...]} and DELETE .../offsets:
 * only for a STOPPED connector (else KC_ERR_CONFLICT, HTTP 400 in Apache
 * for "not stopped" — see the REST layer); *out is {"message": "..."}.
 */
kc_err_t kc_herder_offsets(kc_herder_t *h, const char *name, json_t **out,
                           kc_error_t *err);
kc_err_t kc_herder_alter_offsets(kc_herder_t *h, const char *name, json_t *body,
                                 json_t **out, kc_error_t *err);
kc_err_t kc_herder_reset_offsets(kc_herder_t *h, const char *name, json_t **out,
                                 kc_error_t *err);
/*
 * PUT /connector-plugins/{plugin}/config/validate: the ConfigInfos object
 * {name, error_count, groups, configs:[{definition:{...}, value:{...}}]}.
 */
kc_err_t kc_herder_validate(kc_herder_t *h, const char *plugin, json_t *config,
                            json_t **out, kc_error_t *err);
/* GET /connector-plugins[?connectorsOnly=]: [{class, type, version}] */
kc_err_t kc_herder_plugins(kc_herder_t *h, bool connectors_only, json_t **out,
                           kc_error_t *err);
/* GET /connector-plugins/{plugin}/config: [{name,type,required,...}] */
kc_err_t kc_herder_plugin_config(kc_herder_t *h, const char *plugin,
                                 json_t **out, kc_error_t *err);
/* GET /: {version, commit, kafka_cluster_id} */
kc_err_t kc_herder_server_info(kc_herder_t *h, json_t **out, kc_error_t *err);
/*
 * GET /health: KC_OK and {"status":"healthy",...} when the herder thread
 * answers within 10 s; KC_AGAIN and {"status":"starting"} (HTTP 503)
 * before kc_herder_start; KC_ERR_TIMEOUT and {"status":"unhealthy"} (500)
 * when it does not answer. *out is set in all three cases.
 */
kc_err_t kc_herder_health(kc_herder_t *h, json_t **out, kc_error_t *err);

/*
 * Distributed mode: how a herder says a request must be served elsewhere.
 * An op that fails with KC_ERR_CONFLICT may carry one of these in
 * kc_error_t.flags (bits above common.h's KC_ERROR_F_*):
 *  - KC_HERDER_F_NOT_LEADER: only the leader may do this (Apache's
 *    NotLeaderException); the REST layer forwards the request to
 *    kc_herder_leader_url() unless it was itself forwarded (forward=false);
 *  - KC_HERDER_F_REBALANCING: a rebalance is under way or the worker's
 *    config view is stale (Apache's RebalanceNeededException); 409;
 *  - KC_HERDER_F_NOT_ASSIGNED: the leader does not run the task the
 *    request is about (Apache's NotAssignedException); the REST layer
 *    forwards it to kc_herder_owner_url() by the same rules.
 * The standalone herder never sets them.
 */
#define KC_HERDER_F_NOT_LEADER   0x100u
#define KC_HERDER_F_REBALANCING  0x200u
#define KC_HERDER_F_NOT_ASSIGNED 0x400u

/*
 * The internal endpoints between workers (Apache's InternalClusterResource).
 * @p sig is the request's signature (kc_request_sig.h; NULL: unsigned),
 * borrowed and copied. The standalone herder refuses both as Apache's
 * StandaloneHerder does: KC_ERR (HTTP 500) "Kafka Connect in standalone
 * mode does not support ...". A distributed herder (kc_herder_vt_t
 * .internal_op) verifies @p sig first (kc_request_sig_verify: KC_ERR_INVALID
 * 400, KC_AGAIN 503, KC_ERR_UNSUPPORTED 403), then answers
 * KC_ERR_CONFLICT + KC_HERDER_F_NOT_LEADER (the REST layer forwards),
 * KC_ERR_NOT_FOUND, KC_ERR_INVALID, or KC_OK (HTTP 204).
 *
 * POST /connectors/{name}/tasks: @p tasks is a JSON array of objects of
 * strings (borrowed), the connector's new task configs.
 */
struct kc_request_sig;
kc_err_t kc_herder_put_task_configs(kc_herder_t *h, const char *name,
                                    json_t *tasks,
                                    const struct kc_request_sig *sig,
                                    kc_error_t *err);
/* PUT /connectors/{name}/fence: a round of zombie fencing (exactly-once
 * source support, a later issue; see kc_herder_core_fence_without_eos). */
kc_err_t kc_herder_fence_zombies(kc_herder_t *h, const char *name,
                                 const struct kc_request_sig *sig,
                                 kc_error_t *err);

/**
 * @brief The leader's REST URL as the group last announced it (e.g.
 * "http://10.0.0.1:8083/"), for forwarding; NULL when unknown or in
 * standalone mode. Caller frees with kc_free. Any thread.
 */
char *kc_herder_leader_url(kc_herder_t *h);

/**
 * @brief On the leader, the REST URL of the worker that runs connector
 * @p name (@p task -1) or its task @p task, as the leader's last
 * assignment says (Apache's ownerUrl); NULL when unknown, on a follower
 * or in standalone mode. Caller frees with kc_free. Any thread.
 */
char *kc_herder_owner_url(kc_herder_t *h, const char *name, int task);

#endif /* KC_HERDER_KC_HERDER_H */
