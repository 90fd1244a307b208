/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The group leader's assignment of connectors and tasks to workers, as
 * Apache Kafka Connect 4.1's EagerAssignor ("default" protocol) and
 * IncrementalCooperativeAssignor ("compatible"/"sessioned", KIP-415)
 * compute it. Same inputs give the same assignment as Apache, so a leader
 * of either kind gives a mixed cluster the same plan (checked against
 * Apache's own classes: tests/golden/assignor).
 *
 * Pure functions over the JoinGroup members, the leader's config snapshot
 * and the clock; no I/O, no logging. The incremental assignor keeps state
 * between rounds (the previous assignment, the scheduled rebalance for
 * lost work), as Apache's does: one kc_assignor_t per worker, used only
 * while it leads.
 */
#ifndef KC_DISTRIBUTED_KC_ASSIGNOR_H
#define KC_DISTRIBUTED_KC_ASSIGNOR_H

#include <stdbool.h>
#include <stdint.h>

#include <kconnect/common.h>

#include "distributed/kc_connect_protocol.h"

/** @brief One member of the group as JoinGroup's response lists it. */
typedef struct kc_assign_member {
    const char *id;                  /* member id */
    const kc_connect_metadata_t *md; /* its decoded metadata */
} kc_assign_member_t;

/** @brief One configured connector of the leader's config snapshot. */
typedef struct kc_assign_connector {
    const char *name;
    int32_t tasks; /* task count in the snapshot; 0 while inconsistent */
} kc_assign_connector_t;

/**
 * @brief The leader's view of the config topic. Before calling, a leader
 * whose snapshot is behind kc_assign_max_offset() reads the config topic
 * to its end and passes that snapshot with @c refreshed set (Apache's
 * configFreshSnapshot); still behind, the assignment is CONFIG_MISMATCH.
 */
typedef struct kc_assign_config {
    int64_t offset;
    bool refreshed;
    const kc_assign_connector_t *connectors; /* any order, names distinct */
    size_t n_connectors;
} kc_assign_config_t;

/** @brief What the leader hands one member. */
typedef struct kc_assign_result {
    const char *member;
    kc_connect_assignment_t assignment; /* encode with the protocol's version */
    /* the leader's view after this round: everything the member runs once
     * it applied the assignment (Apache's LeaderState) */
    const char *const *all_connectors;
    size_t n_all_connectors;
    const kc_connect_task_id_t *all_tasks;
    size_t n_all_tasks;
} kc_assign_result_t;

/** @brief The highest config offset any member reported. */
int64_t kc_assign_max_offset(const kc_assign_member_t *members, size_t n);

/**
 * @brief Eager assignment: every member revokes everything, connectors
 * then tasks are dealt round-robin over the members sorted by id, each in
 * sorted order. @p leader must be one of @p members.
 * @returns an array of @p n results aligned with @p members, in @p arena.
 */
kc_assign_result_t *kc_assign_eager(kc_arena_t *arena, const char *leader,
                                    const kc_assign_member_t *members, size_t n,
                                    const kc_assign_config_t *config);

typedef struct kc_assignor kc_assignor_t;

/**
 * @brief An incremental cooperative assignor whose lost work waits
 * @p max_delay_ms (scheduled.rebalance.max.delay.ms) for its worker.
 */
kc_assignor_t *kc_assignor_new(int32_t max_delay_ms);

/** @brief Frees @p a; NULL is a no-op. */
void kc_assignor_destroy(kc_assignor_t *a);

/**
 * @brief One incremental cooperative round (KIP-415): revoke deleted,
 * duplicated and (when no delay is running) load-balancing work, hold lost
 * work for the scheduled delay, then deal new and released work to the
 * least loaded members.
 *
 * @param proto KC_CONNECT_COMPATIBLE or KC_CONNECT_SESSIONED: the header
 *        version of the results
 * @param members in the order of the JoinGroup response
 * @param last_completed_gen the generation of the last completed join of
 *        this worker (Apache's lastCompletedGenerationId)
 * @param gen the generation being assigned
 * @param now_ms the wall clock, as Apache's Time.milliseconds()
 * @returns @p n results aligned with @p members, in @p arena.
 */
kc_assign_result_t *
kc_assignor_assign(kc_assignor_t *a, kc_arena_t *arena,
                   kc_connect_protocol_t proto, const char *leader,
                   const kc_assign_member_t *members, size_t n,
                   const kc_assign_config_t *config, int32_t last_completed_gen,
                   int32_t gen, int64_t now_ms);

/** @brief The delay of the last round (ms until lost work is given away). */
int32_t kc_assignor_delay(const kc_assignor_t *a);

#endif /* KC_DISTRIBUTED_KC_ASSIGNOR_H */
