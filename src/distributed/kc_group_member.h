/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Connect worker's membership in its group, as Apache's WorkerCoordinator
 * and WorkerGroupMember keep it, as an event-driven state machine on the
 * owner's loop (the distributed herder's thread): find the coordinator,
 * join with protocol type "connect" offering the subprotocols
 * connect.protocol allows, run the assignor when leading, sync, hand the
 * assignment and revocations to callbacks, heartbeat, rejoin when the
 * coordinator asks, find the coordinator again when it moves, leave on
 * stop, and stop all work once the coordinator was out of reach for a
 * whole session.
 *
 * The wire client (kc_group_wire.h) is blocking, so each member has one
 * I/O thread that runs one request at a time and posts its result to the
 * owner's kc_opq as an op of kind KC_GROUP_MEMBER_OP; the owner passes
 * those ops to kc_group_member_handle_op and runs its kc_timers. All state
 * and every callback live on the owner's thread; the loop never blocks
 * on the network (only kc_group_member_stop waits for the LeaveGroup).
 * The owner may block in its own work (a callback stopping tasks): then
 * the I/O thread heartbeats by itself, as Apache's heartbeat thread,
 * with the generation the owner last published, so the session lives on.
 */
#ifndef KC_DISTRIBUTED_KC_GROUP_MEMBER_H
#define KC_DISTRIBUTED_KC_GROUP_MEMBER_H

#include <stdbool.h>
#include <stdint.h>

#include <kconnect/common.h>
#include <kconnect/config.h>

#include "distributed/kc_assignor.h"
#include "distributed/kc_connect_protocol.h"
#include "util/kc_opq.h"
#include "util/kc_timers.h"

/* kc_opq_op_t.kind of the member's result ops ("KGM\0"). */
#define KC_GROUP_MEMBER_OP 0x4b474d00

/** @brief Work a worker runs: connectors and tasks. */
typedef struct kc_group_work {
    const char *const *connectors;
    size_t n_connectors;
    const kc_connect_task_id_t *tasks;
    size_t n_tasks;
} kc_group_work_t;

/** @brief Who runs a connector (@c task -1) or task: its REST URL. */
typedef struct kc_group_owner {
    const char *connector;
    int32_t task;
    const char *url;
} kc_group_owner_t;

/** @brief A completed join, as onAssigned sees it. */
typedef struct kc_group_assignment {
    int32_t generation;
    const char *member_id;
    const char *leader;     /* member id of the leader */
    const char *leader_url; /* its REST URL */
    bool is_leader;
    size_t n_members; /* the group's size; the leader's view only, else 0 */
    kc_connect_protocol_t protocol; /* the subprotocol the group chose */
    int16_t error;                  /* KC_CONNECT_CONFIG_MISMATCH: rejoin */
    int64_t config_offset;
    int32_t delay;         /* ms; the member rejoins by itself after it */
    kc_group_work_t all;   /* everything this worker runs from now on */
    kc_group_work_t added; /* what this round assigned */
    /* The leader's view of every member's work after this round (Apache's
     * LeaderState, which ownerUrl reads); none on a follower. */
    const kc_group_owner_t *owners;
    size_t n_owners;
} kc_group_assignment_t;

typedef struct kc_group_member_cbs {
    void *opaque;
    /** @brief The config topic offset this worker has read (metadata). */
    int64_t (*config_offset)(void *opaque);
    /**
     * @brief The leader's config snapshot; with @p refresh the owner reads
     * the config topic to its end first (Apache's configFreshSnapshot).
     * Strings may live in @p arena. Non-KC_OK: the member rejoins later.
     */
    kc_err_t (*config_snapshot)(void *opaque, bool refresh, kc_arena_t *arena,
                                kc_assign_config_t *out);
    /**
     * @brief Stop @p work now. @p lost: the coordinator was out of reach for
     * session.timeout.ms and the worker's session may be gone, so it stops
     * everything before another worker could start the same work.
     */
    void (*on_revoked)(void *opaque, const kc_group_work_t *work, bool lost);
    /** @brief A join completed; start what is in @p a->all and not running. */
    void (*on_assigned)(void *opaque, const kc_group_assignment_t *a);
    /**
     * @brief Optional. The member gave up for good (an error Apache's
     * AbstractCoordinator does not retry: kc_group_member_error_fatal, or
     * a refused authentication); @p why names it. The member does nothing
     * more until kc_group_member_stop.
     */
    void (*on_fatal)(void *opaque, const char *why);
} kc_group_member_cbs_t;

typedef struct kc_group_member_conf {
    const char *bootstrap; /* host:port[,host:port...] */
    /* The worker's Kafka security keys (security.protocol, ssl.*, sasl.*,
     * as kc_worker_admin_base_props gives them; kc_group_security.h);
     * NULL: PLAINTEXT. Read by kc_group_member_new, not kept. */
    const kc_props_t *security;
    const char *group_id;
    const char *client_id;
    const char *rest_url; /* advertised in the metadata */
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;
    int32_t heartbeat_interval_ms;
    int32_t scheduled_rebalance_max_delay_ms;
    int32_t retry_backoff_ms;       /* 0: 100 */
    kc_connect_protocol_t protocol; /* connect.protocol */
} kc_group_member_conf_t;

typedef struct kc_group_membership kc_group_membership_t;

/**
 * @brief A member (not started) whose results go to @p loopq and whose
 * timers run on @p timers, both the owner's (borrowed; they outlive the
 * member). Strings of @p conf are copied.
 */
kc_group_membership_t *kc_group_member_new(const kc_group_member_conf_t *conf,
                                           const kc_group_member_cbs_t *cbs,
                                           kc_opq_t *loopq, kc_timers_t *timers,
                                           kc_error_t *err);

/** @brief Start: find the coordinator and join. Owner's thread. */
kc_err_t kc_group_member_start(kc_group_membership_t *m, kc_error_t *err);

/**
 * @brief Serve @p op if it is one of the member's results (kind
 * KC_GROUP_MEMBER_OP; taken). @returns false for any other op.
 */
bool kc_group_member_handle_op(kc_opq_op_t *op);

/** @brief Rejoin as soon as possible (Apache's requestRejoin). */
void kc_group_member_request_rejoin(kc_group_membership_t *m);

/**
 * @brief Leave the group (LeaveGroup, waiting for the request in flight
 * first) and stop the I/O thread. The owner stops its work itself.
 */
void kc_group_member_stop(kc_group_membership_t *m);

/**
 * @brief Free @p m. Without kc_group_member_stop first the member vanishes
 * as a crashed worker would: no LeaveGroup, the group notices only after
 * session.timeout.ms. NULL is a no-op.
 */
void kc_group_member_destroy(kc_group_membership_t *m);

/** @brief The member id ("" before the first join). */
const char *kc_group_member_id(const kc_group_membership_t *m);
/** @brief The generation of the last completed join, or -1. */
int32_t kc_group_member_generation(const kc_group_membership_t *m);
/** @brief True between a completed join and the next rebalance. */
bool kc_group_member_stable(const kc_group_membership_t *m);
/** @brief Heartbeats the coordinator answered without error. */
int64_t kc_group_member_heartbeats(const kc_group_membership_t *m);
/** @brief How often the coordinator was lost and looked for again. */
int kc_group_member_rediscoveries(const kc_group_membership_t *m);
/**
 * @brief Whether Apache's AbstractCoordinator gives up (its exception
 * ends the herder thread) on Kafka error @p code in the answer to @p api
 * (KC_API_JOIN_GROUP or KC_API_SYNC_GROUP), rather than rejoining or
 * looking for the coordinator again; false for KC_KERR_NONE and any
 * other api (a failed Heartbeat is retried).
 */
bool kc_group_member_error_fatal(int api, int16_t code);

/**
 * @brief The message of such a fatal error for group @p group into
 * @p buf: Apache's exception text where it has one of its own (e.g.
 * "Not authorized to access group: g"), else the api, the error's name
 * and librdkafka's description of it.
 */
void kc_group_member_error_text(int api, int16_t code, const char *group,
                                char *buf, size_t size);

/** @brief Why the member gave up (on_fatal's text), NULL while it has not. */
const char *kc_group_member_failure(const kc_group_membership_t *m);

/** @brief True if the last completed join made this worker the leader. */
bool kc_group_member_is_leader(const kc_group_membership_t *m);

#endif /* KC_DISTRIBUTED_KC_GROUP_MEMBER_H */
