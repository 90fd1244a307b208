/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distributed herder's state, shared by its files (internal to
 * src/distributed/): kc_distributed_herder.c (the loop, assignment,
 * config changes, REST ops) and kc_distributed_leader.c (what passes
 * between followers and the leader: the session key, the internal
 * endpoints, task configs sent to the leader).
 */
#ifndef KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_INT_H
#define KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_INT_H

#include <pthread.h>

#include "distributed/kc_distributed_config.h"
#include "distributed/kc_group_member.h"
#include "runtime/kc_offset_store.h"
#include "distributed/kc_kafka_config_store.h"
#include "herder/kc_herder_core.h"
#include "rest/kc_rest_client.h"
#include "util/kc_opq.h"
#include "util/kc_timers.h"

#define KC_DH_LOGGER                                                           \
    "org.apache.kafka.connect.runtime.distributed.DistributedHerder"
/* kc_opq_op_t.kind of a config-topic change ("KDH\0"). */
#define KC_DH_OP_CHANGE 0x4b444800
/* ... and of a failed send of task configs to the leader. */
#define KC_DH_OP_RESEND 0x4b444801
/* Apache's wait before a task config send is tried again. */
#define KC_DH_RESEND_BACKOFF_MS 250
/* How long one send to the leader may take. */
#define KC_DH_SEND_TIMEOUT_MS 30000
/* Start-up reads and writes of the internal topics (Apache: 30 s). */
#define KC_DH_STORE_TIMEOUT_MS 30000

typedef struct kc_dh_change {
    kc_opq_op_t q;
    kc_config_change_kind_t kind;
    char *connector;
    bool include_tasks;
    bool only_failed;
} kc_dh_change_t;

/* A task id of the assignment. */
typedef struct kc_dh_task {
    char *connector;
    int task;
} kc_dh_task_t;

/* A connector the listener has seen, with its committed task count. */
typedef struct kc_dh_known {
    char *name;
    size_t ntasks;
    int own_restarts; /* restart records this worker wrote, not yet read */
} kc_dh_known_t;

typedef struct kc_dist_herder {
    kc_herder_t base; /* first: the core's part */
    kc_opq_t *ops;
    kc_timers_t *timers; /* @locality the herder thread */
    kc_props_t *props;   /* the worker's */
    kc_props_t *client;  /* Kafka client settings of the stores */
    kc_distributed_conf_t dc;
    char *url; /* advertised REST URL */
    kc_group_membership_t *member;

    pthread_mutex_t lock; /* started, stopping, leader_url, owners, failure */
    bool started;
    bool stopping;
    char *leader_url;
    /* the leader's view of who runs what (kc_group_assignment_t.owners) */
    kc_arena_t *owners_arena;
    kc_group_owner_t *owners;
    size_t nowners;
    char *failure; /* why the herder thread gave up (kc_dh_on_fatal) */
    void (*on_fatal)(void *opaque);
    void *on_fatal_opaque;
    pthread_t thread;

    /* @locality the herder thread (or start, before it runs) */
    bool leader;
    bool assigned; /* a join completed and nothing revoked everything */
    int64_t assigned_offset;
    char **conns;
    size_t nconns;
    kc_dh_task_t *tasks;
    size_t ntasks;
    kc_dh_known_t *known;
    size_t nknown;
    uint64_t key_timer; /* the leader's next session key rotation */

    /* Source connectors' own offsets topics (kc_dh_connector_offsets):
     * one layered store per topic, kept until the herder is freed. */
    pthread_mutex_t conn_offsets_lock;
    char **conn_offsets_topics;
    kc_offset_store_t **conn_offsets;
    size_t nconn_offsets;

    /* Task configs on their way to the leader (threads of their own). */
    kc_rest_client_t *rest;
    pthread_mutex_t sends_lock;
    pthread_cond_t sends_done;
    int sends;
    char **resend; /* connectors whose send failed, asked again later */
    size_t nresend;
    uint64_t resend_timer;
} kc_dist_herder_t;

/* A failed send of task configs, back on the herder's loop. */
typedef struct kc_dh_resend {
    kc_opq_op_t q;
    char *connector;
} kc_dh_resend_t;

/* ---- kc_distributed_leader.c ---- */
/**
 * @brief As Apache's leader under sessioned: write a session key when
 * there is none or it expired, and set a timer for the next one.
 */
void kc_dh_session_key_check(kc_dist_herder_t *dh);
/** @brief vt->internal_op: POST .../tasks and PUT .../fence. */
kc_err_t kc_dh_internal_op(kc_herder_t *h, kc_op_t *op);
/** @brief vt->put_tasks: the leader writes, a follower sends. */
void kc_dh_put_tasks(kc_herder_t *h, const char *name, kc_props_t *const *tasks,
                     size_t ntasks);
/** @brief Ask @p name for its task configs again after a backoff. */
void kc_dh_resend_later(kc_dist_herder_t *dh, const char *name);
void kc_dh_resend_destroy(kc_opq_op_t *q);
/** @brief Wait for the sends in flight (before the client goes). */
void kc_dh_sends_wait(kc_dist_herder_t *dh);

#endif /* KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_INT_H */
