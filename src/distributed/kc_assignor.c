/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect's leader assignors, step for step as Apache Kafka Connect 4.1's
 * EagerAssignor and IncrementalCooperativeAssignor compute them. Where
 * Apache's result depends on the iteration order of a java.util.HashMap
 * or HashSet (which worker keeps the extra task when the count does not
 * divide, which lost task goes to which newcomer, in which order revoked
 * work is written), this file reproduces that order: buckets of the
 * String/ConnectorTaskId hash, then insertion order.
 *
 * A set is an array in insertion order (like Java's LinkedHashSet) with
 * an open-addressing index for membership: a leader of tens of thousands
 * of tasks must assign well inside rebalance.timeout.ms, as Apache's
 * HashSets do. No Debian library already linked has a hash set of
 * (string, int) keys that keeps insertion order and lives in an arena, so
 * the index is this file's own (a few lines of linear probing).
 */
#include "kc_internal.h"

#include <math.h>
#include <string.h>

#include "data/kc_value_text.h"
#include "distributed/kc_assignor.h"

/* ---- ordered sets of connectors and tasks */

typedef kc_connect_task_id_t kc_id_t;

/* An ordered set (or, where Java has a List, an ordered list). @c slot
 * indexes @c v: each slot 0 (empty) or 1 + a position in @c v; twice as
 * many slots as @c cap, so probes stay short. */
typedef struct kc_ids {
    kc_id_t *v;
    size_t n;
    size_t cap;
    uint32_t *slot;
    size_t n_slots; /* a power of two */
} kc_ids_t;

/* Connectors (task -1) and tasks, as Apache's ConnectorsAndTasks. */
typedef struct kc_cat {
    kc_ids_t c;
    kc_ids_t t;
} kc_cat_t;

static bool kc_id_eq(const kc_id_t *a, const kc_id_t *b)
{
    return a->task == b->task && strcmp(a->connector, b->connector) == 0;
}

/* Java's String.compareTo over UTF-8 text: code point order, except that
 * UTF-16 puts supplementary characters (surrogates) before U+E000..FFFF. */
static int kc_java_strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != 0 && *x == *y) {
        x++;
        y++;
    }
    if (*x == *y) {
        return 0;
    }
    /* At the first differing byte: a 4-byte lead (F0..F4) is a surrogate
     * pair in UTF-16, a 3-byte lead EE/EF is U+E000..U+FFFF. Only when
     * these meet does UTF-16 order differ from byte order. */
    if (*x >= 0xf0 && (*y == 0xee || *y == 0xef)) {
        return -1;
    }
    if (*y >= 0xf0 && (*x == 0xee || *x == 0xef)) {
        return 1;
    }
    return *x < *y ? -1 : 1;
}

/* ConnectorTaskId.compareTo; a connector (task -1) sorts as its name. */
static int kc_id_cmp(const kc_id_t *a, const kc_id_t *b)
{
    int c = kc_java_strcmp(a->connector, b->connector);

    if (c != 0) {
        return c;
    }
    return a->task < b->task ? -1 : a->task > b->task;
}

/* String.hashCode of a connector, ConnectorTaskId.hashCode of a task. */
static uint32_t kc_id_hash(const kc_id_t *id)
{
    uint32_t h = (uint32_t)kc_value_text_string_hash(id->connector,
                                                     strlen(id->connector));

    if (id->task != KC_CONNECT_CONNECTOR_TASK) {
        h = 31u * h + (uint32_t)id->task;
    }
    return h;
}

/* The index's slot to start probing at (the Java hash spread by a
 * multiplicative mix: Java's hashes of similar names differ in few bits). */
static size_t kc_ids_home(const kc_ids_t *l, const kc_id_t *id)
{
    uint32_t h = kc_id_hash(id) * 0x9e3779b1u;

    return (size_t)(h ^ (h >> 15)) & (l->n_slots - 1);
}

static void kc_ids_index_put(kc_ids_t *l, size_t i)
{
    size_t s = kc_ids_home(l, &l->v[i]);

    while (l->slot[s] != 0) {
        s = (s + 1) & (l->n_slots - 1);
    }
    l->slot[s] = (uint32_t)(i + 1);
}

/* Rebuilds the index after @c v was reordered or shortened. */
static void kc_ids_reindex(kc_ids_t *l)
{
    if (l->slot == NULL) {
        return;
    }
    memset(l->slot, 0, l->n_slots * sizeof(*l->slot));
    for (size_t i = 0; i < l->n; i++) {
        kc_ids_index_put(l, i);
    }
}

static bool kc_ids_has(const kc_ids_t *l, const kc_id_t *id)
{
    size_t s;

    if (l->n == 0) {
        return false;
    }
    for (s = kc_ids_home(l, id); l->slot[s] != 0;
         s = (s + 1) & (l->n_slots - 1)) {
        if (kc_id_eq(&l->v[l->slot[s] - 1], id)) {
            return true;
        }
    }
    return false;
}

static void kc_ids_push(kc_arena_t *arena, kc_ids_t *l, const kc_id_t *id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        kc_id_t *v = kc_arena_alloc(arena, cap * sizeof(*v));

        if (l->n > 0) {
            memcpy(v, l->v, l->n * sizeof(*v));
        }
        l->v = v;
        l->cap = cap;
        l->n_slots = cap * 2;
        l->slot = kc_arena_alloc(arena, l->n_slots * sizeof(*l->slot));
        kc_ids_reindex(l);
    }
    l->v[l->n++] = *id;
    kc_ids_index_put(l, l->n - 1);
}

/* Empties @p l, keeping its storage. */
static void kc_ids_clear(kc_ids_t *l)
{
    l->n = 0;
    kc_ids_reindex(l);
}

/* LinkedHashSet.add */
static void kc_ids_add(kc_arena_t *arena, kc_ids_t *l, const kc_id_t *id)
{
    if (!kc_ids_has(l, id)) {
        kc_ids_push(arena, l, id);
    }
}

static void kc_ids_add_all(kc_arena_t *arena, kc_ids_t *l, const kc_ids_t *src)
{
    for (size_t i = 0; i < src->n; i++) {
        kc_ids_add(arena, l, &src->v[i]);
    }
}

/* Collection.removeAll: order of the rest kept. */
static void kc_ids_remove_all(kc_ids_t *l, const kc_ids_t *rm)
{
    size_t k = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (!kc_ids_has(rm, &l->v[i])) {
            l->v[k++] = l->v[i];
        }
    }
    if (k != l->n) {
        l->n = k;
        kc_ids_reindex(l);
    }
}

static kc_ids_t kc_ids_copy(kc_arena_t *arena, const kc_ids_t *src)
{
    kc_ids_t l = {0};

    kc_ids_add_all(arena, &l, src);
    return l;
}

static void kc_cat_add_all(kc_arena_t *arena, kc_cat_t *d, const kc_cat_t *s)
{
    kc_ids_add_all(arena, &d->c, &s->c);
    kc_ids_add_all(arena, &d->t, &s->t);
}

static void kc_cat_remove_all(kc_cat_t *d, const kc_cat_t *rm)
{
    kc_ids_remove_all(&d->c, &rm->c);
    kc_ids_remove_all(&d->t, &rm->t);
}

static bool kc_cat_empty(const kc_cat_t *c)
{
    return c->c.n == 0 && c->t.n == 0;
}

static int kc_id_qcmp(const void *a, const void *b)
{
    return kc_id_cmp(a, b);
}

/* new TreeSet<>(base) minus each of subs: sorted. */
static kc_ids_t kc_ids_sorted_diff(kc_arena_t *arena, const kc_ids_t *base,
                                   const kc_ids_t *sub1, const kc_ids_t *sub2)
{
    kc_ids_t l = {0};

    for (size_t i = 0; i < base->n; i++) {
        if ((sub1 == NULL || !kc_ids_has(sub1, &base->v[i])) &&
            (sub2 == NULL || !kc_ids_has(sub2, &base->v[i]))) {
            kc_ids_add(arena, &l, &base->v[i]);
        }
    }
    if (l.n > 1) {
        qsort(l.v, l.n, sizeof(*l.v), kc_id_qcmp);
        kc_ids_reindex(&l);
    }
    return l;
}

static kc_cat_t kc_cat_sorted_diff(kc_arena_t *arena, const kc_cat_t *base,
                                   const kc_cat_t *sub1, const kc_cat_t *sub2)
{
    kc_cat_t r;

    r.c = kc_ids_sorted_diff(arena, &base->c, sub1 ? &sub1->c : NULL,
                             sub2 ? &sub2->c : NULL);
    r.t = kc_ids_sorted_diff(arena, &base->t, sub1 ? &sub1->t : NULL,
                             sub2 ? &sub2->t : NULL);
    return r;
}

/* ---- Java hash table iteration order */

/* Table size of a HashMap/HashSet filled by n put/add calls from the
 * default 16 slots: it doubles once the size passes 3/4 of the table. */
static size_t kc_java_grown_table(size_t n)
{
    size_t cap = 16;

    while (n > cap / 4 * 3) {
        cap <<= 1;
    }
    return cap;
}

/* Table size of new HashSet<>(collection of n) (JDK 19+, see
 * kc_connect_protocol.c). */
static size_t kc_java_copied_table(size_t n)
{
    size_t want;
    size_t cap = 1;

    if (n < 12) {
        n = 12;
    }
    want = (n * 4 + 2) / 3;
    while (cap < want) {
        cap <<= 1;
    }
    return cap;
}

static size_t kc_java_bucket(uint32_t h, size_t cap)
{
    h ^= h >> 16;
    return h & (cap - 1);
}

/* The positions of @p n entries with Java hashes @p h in the order a
 * Java hash table of @p cap slots filled in that order iterates them: by
 * bucket, then in insertion order (a stable counting sort by bucket).
 * (Buckets of 8+ entries become trees in Java; a cluster's names do not
 * collide so.) */
static size_t *kc_java_order(kc_arena_t *arena, const uint32_t *h, size_t n,
                             size_t cap)
{
    size_t *start = kc_arena_calloc(arena, cap + 1, sizeof(*start));
    size_t *bucket = kc_arena_alloc(arena, (n + 1) * sizeof(*bucket));
    size_t *perm = kc_arena_alloc(arena, (n + 1) * sizeof(*perm));

    for (size_t i = 0; i < n; i++) {
        bucket[i] = kc_java_bucket(h[i], cap);
        start[bucket[i] + 1]++;
    }
    for (size_t b = 0; b < cap; b++) {
        start[b + 1] += start[b];
    }
    for (size_t i = 0; i < n; i++) {
        perm[start[bucket[i]]++] = i;
    }
    return perm;
}

/* Reorders @p l as a Java hash table of @p cap slots filled in @p l's
 * order iterates it. */
static void kc_ids_java_order(kc_arena_t *arena, kc_ids_t *l, size_t cap)
{
    uint32_t *h;
    size_t *perm;
    kc_id_t *v;

    if (l->n < 2) {
        return;
    }
    h = kc_arena_alloc(arena, l->n * sizeof(*h));
    for (size_t i = 0; i < l->n; i++) {
        h[i] = kc_id_hash(&l->v[i]);
    }
    perm = kc_java_order(arena, h, l->n, cap);
    v = kc_arena_alloc(arena, l->cap * sizeof(*v));
    for (size_t i = 0; i < l->n; i++) {
        v[i] = l->v[perm[i]];
    }
    l->v = v;
    kc_ids_reindex(l);
}

/* ---- members */

typedef struct kc_wl {
    const char *id;
    size_t index;     /* in the caller's member array */
    kc_cat_t held;    /* what the member's metadata says it runs */
    kc_cat_t current; /* held minus deleted */
    kc_cat_t next;    /* WorkerLoad of the next assignment */
    kc_cat_t revoke;  /* toRevoke */
} kc_wl_t;

static int kc_wl_cmp_id(const void *a, const void *b)
{
    const kc_wl_t *const *x = a;
    const kc_wl_t *const *y = b;

    return kc_java_strcmp((*x)->id, (*y)->id);
}

/* What a member runs, as Apache reads its metadata's assignment: the
 * connectors (task -1 entries) and the tasks, each in wire order. */
static void kc_wl_held(kc_arena_t *arena, kc_wl_t *w,
                       const kc_connect_metadata_t *md)
{
    const kc_connect_assignment_t *a = md->assignment;

    if (a == NULL) {
        return;
    }
    for (size_t i = 0; i < a->n_assigned; i++) {
        const kc_connect_entry_t *e = &a->assigned[i];

        for (size_t j = 0; j < e->n_tasks; j++) {
            kc_id_t id = {e->connector, e->tasks[j]};

            kc_ids_add(arena,
                       id.task == KC_CONNECT_CONNECTOR_TASK ? &w->held.c
                                                            : &w->held.t,
                       &id);
        }
    }
}

/* The members in the iteration order of the HashMap Apache keys them by
 * (memberConfigs, filled in JoinGroup order). */
static kc_wl_t **kc_wl_map_order(kc_arena_t *arena, kc_wl_t *w, size_t n)
{
    kc_wl_t **v = kc_arena_calloc(arena, n + 1, sizeof(*v));
    uint32_t *h = kc_arena_alloc(arena, (n + 1) * sizeof(*h));
    size_t *perm;

    for (size_t i = 0; i < n; i++) {
        kc_id_t id = {w[i].id, KC_CONNECT_CONNECTOR_TASK};

        h[i] = kc_id_hash(&id);
    }
    perm = kc_java_order(arena, h, n, kc_java_grown_table(n));
    for (size_t i = 0; i < n; i++) {
        v[i] = &w[perm[i]];
    }
    return v;
}

int64_t kc_assign_max_offset(const kc_assign_member_t *members, size_t n)
{
    int64_t max = INT64_MIN;

    for (size_t i = 0; i < n; i++) {
        if (members[i].md->config_offset > max) {
            max = members[i].md->config_offset;
        }
    }
    return max;
}

/* Apache's ensureLeaderConfig: the offset to assign at, or false for a
 * CONFIG_MISMATCH round. */
static bool kc_assign_leader_offset(const kc_assign_config_t *config,
                                    int64_t max, int64_t *offset)
{
    if (config->offset < max) {
        return false;
    }
    *offset = config->refreshed ? config->offset : max;
    return true;
}

static const char *kc_assign_leader_url(const kc_assign_member_t *members,
                                        size_t n, const char *leader)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(members[i].id, leader) == 0) {
            return members[i].md->url;
        }
    }
    return "";
}

/* The names of @p l, copied into @p arena: a name may come from the
 * assignor's state, which the round replaces. */
static const char **kc_ids_names(kc_arena_t *arena, const kc_ids_t *l)
{
    const char **v = kc_arena_calloc(arena, l->n + 1, sizeof(*v));

    for (size_t i = 0; i < l->n; i++) {
        v[i] = kc_arena_strdup(arena, l->v[i].connector);
    }
    return v;
}

/* A copy of @p l with its names in @p arena (NUL-entry terminated). */
static kc_id_t *kc_ids_out(kc_arena_t *arena, const kc_ids_t *l)
{
    kc_id_t *v = kc_arena_calloc(arena, l->n + 1, sizeof(*v));

    for (size_t i = 0; i < l->n; i++) {
        v[i].connector = kc_arena_strdup(arena, l->v[i].connector);
        v[i].task = l->v[i].task;
    }
    return v;
}

/* Fills @p r with an assignment of the given lists, written as Apache
 * writes them (assigned connectors in HashSet order, revoked in order). */
static void kc_assign_fill(kc_arena_t *arena, kc_assign_result_t *r,
                           int16_t version, int16_t error, const char *leader,
                           const char *leader_url, int64_t offset,
                           const kc_cat_t *assigned, const kc_cat_t *revoked,
                           int32_t delay, const kc_cat_t *all)
{
    kc_connect_assignment_t *a = &r->assignment;
    static const kc_cat_t none;

    if (assigned == NULL) {
        assigned = &none;
    }
    if (revoked == NULL) {
        revoked = &none;
    }
    if (all == NULL) {
        all = &none;
    }
    a->version = version;
    a->error = error;
    a->leader = leader;
    a->leader_url = leader_url;
    a->config_offset = offset;
    a->assigned = kc_connect_entries_build(
        arena, kc_ids_names(arena, &assigned->c), assigned->c.n,
        kc_ids_out(arena, &assigned->t), assigned->t.n, false, &a->n_assigned);
    a->revoked = kc_connect_entries_build(
        arena, kc_ids_names(arena, &revoked->c), revoked->c.n,
        kc_ids_out(arena, &revoked->t), revoked->t.n, true, &a->n_revoked);
    a->delay = delay;
    r->all_connectors = kc_ids_names(arena, &all->c);
    r->n_all_connectors = all->c.n;
    r->all_tasks = kc_ids_out(arena, &all->t);
    r->n_all_tasks = all->t.n;
}

static int kc_assign_connector_cmp(const void *a, const void *b)
{
    const kc_assign_connector_t *x = a;
    const kc_assign_connector_t *y = b;

    return kc_java_strcmp(x->name, y->name);
}

/* The configured connectors (sorted; their names are distinct) and their
 * tasks. */
static kc_cat_t kc_assign_configured(kc_arena_t *arena,
                                     const kc_assign_config_t *config)
{
    kc_cat_t r = {0};
    kc_assign_connector_t *sorted;

    if (config->n_connectors == 0) {
        return r;
    }
    sorted = kc_arena_memdup(arena, config->connectors,
                             config->n_connectors * sizeof(*sorted));
    if (config->n_connectors > 1) {
        qsort(sorted, config->n_connectors, sizeof(*sorted),
              kc_assign_connector_cmp);
    }
    for (size_t i = 0; i < config->n_connectors; i++) {
        kc_id_t id = {sorted[i].name, KC_CONNECT_CONNECTOR_TASK};

        kc_ids_push(arena, &r.c, &id);
        for (int32_t t = 0; t < sorted[i].tasks; t++) {
            kc_id_t task = {sorted[i].name, t};

            kc_ids_push(arena, &r.t, &task);
        }
    }
    return r;
}

/* The start of a round of either assignor: a result and a load per
 * member (with what the member runs when @p held), the leader's URL and
 * the offset to assign at. False for a CONFIG_MISMATCH round, every
 * result then saying so in @p version. */
static bool kc_assign_begin(kc_arena_t *arena, const char *leader,
                            const kc_assign_member_t *members, size_t n,
                            const kc_assign_config_t *config, int16_t version,
                            bool held, kc_assign_result_t **res, kc_wl_t **w,
                            const char **leader_url, int64_t *offset)
{
    int64_t max = kc_assign_max_offset(members, n);

    *res = kc_arena_calloc(arena, n + 1, sizeof(**res));
    *w = kc_arena_calloc(arena, n + 1, sizeof(**w));
    *leader_url = kc_assign_leader_url(members, n, leader);
    for (size_t i = 0; i < n; i++) {
        (*w)[i].id = members[i].id;
        (*w)[i].index = i;
        (*res)[i].member = members[i].id;
        if (held) {
            kc_wl_held(arena, &(*w)[i], members[i].md);
        }
    }
    if (!kc_assign_leader_offset(config, max, offset)) {
        for (size_t i = 0; i < n; i++) {
            kc_assign_fill(arena, &(*res)[i], version,
                           KC_CONNECT_CONFIG_MISMATCH, leader, *leader_url, max,
                           NULL, NULL, 0, NULL);
        }
        return false;
    }
    return true;
}

/* ---- eager */

kc_assign_result_t *kc_assign_eager(kc_arena_t *arena, const char *leader,
                                    const kc_assign_member_t *members, size_t n,
                                    const kc_assign_config_t *config)
{
    kc_assign_result_t *res;
    kc_wl_t *w;
    kc_wl_t **sorted;
    const char *leader_url;
    int64_t offset;
    kc_cat_t configured;
    size_t next = 0;

    if (!kc_assign_begin(arena, leader, members, n, config, 0, false, &res, &w,
                         &leader_url, &offset)) {
        return res;
    }
    sorted = kc_arena_calloc(arena, n + 1, sizeof(*sorted));
    for (size_t i = 0; i < n; i++) {
        sorted[i] = &w[i];
    }
    configured = kc_assign_configured(arena, config);
    if (n > 1) {
        qsort(sorted, n, sizeof(*sorted), kc_wl_cmp_id);
    }
    /* connectors first, then tasks, one circular pass over the members:
     * dealing both together would give the connectors to the even
     * members and the tasks to the odd ones in an even cluster */
    for (size_t i = 0; i < configured.c.n && n > 0; i++) {
        kc_ids_push(arena, &sorted[next++ % n]->next.c, &configured.c.v[i]);
    }
    for (size_t i = 0; i < configured.t.n && n > 0; i++) {
        kc_ids_push(arena, &sorted[next++ % n]->next.t, &configured.t.v[i]);
    }
    for (size_t i = 0; i < n; i++) {
        kc_assign_fill(arena, &res[i], 0, KC_CONNECT_NO_ERROR, leader,
                       leader_url, offset, &w[i].next, NULL, 0, &w[i].next);
    }
    return res;
}

/* ---- incremental cooperative */

struct kc_assignor {
    int32_t max_delay;
    kc_arena_t *arena;   /* the state below; renewed each round */
    kc_cat_t previous;   /* previousAssignment */
    kc_cat_t revocation; /* previousRevocation */
    bool revoked_in_previous;
    kc_ids_t candidates; /* candidateWorkersForReassignment (task -1) */
    int64_t scheduled;
    int32_t delay;
    int32_t previous_gen;
    kc_ids_t previous_members; /* task -1 */
    int64_t successive_revocations;
};

kc_assignor_t *kc_assignor_new(int32_t max_delay_ms)
{
    kc_assignor_t *a = kc_calloc(1, sizeof(*a));

    a->max_delay = max_delay_ms;
    a->arena = kc_arena_new(4096);
    a->previous_gen = -1;
    return a;
}

void kc_assignor_destroy(kc_assignor_t *a)
{
    if (a == NULL) {
        return;
    }
    kc_arena_destroy(a->arena);
    kc_free(a);
}

int32_t kc_assignor_delay(const kc_assignor_t *a)
{
    return a->delay;
}

/* The delay before the n-th successive revoking rebalance: Apache's
 * ExponentialBackoff(1, 40, max delay, no jitter), 0 when the max is 0. */
static int32_t kc_assignor_backoff(const kc_assignor_t *a, int64_t attempts)
{
    double max = (double)a->max_delay;
    double initial = a->max_delay == 0 ? 0 : 1;
    double exp_max;
    double e;
    int64_t v;

    if (initial > max) {
        initial = max;
    }
    exp_max =
        max > initial ? log(max / (initial > 1 ? initial : 1)) / log(40) : 0;
    if (exp_max == 0) {
        return (int32_t)initial;
    }
    e = (double)attempts < exp_max ? (double)attempts : exp_max;
    v = (int64_t)(initial * pow(40, e));
    return (int32_t)(v < a->max_delay ? v : a->max_delay);
}

/* Copies a list into the assignor's next state arena (names too). */
static kc_ids_t kc_ids_keep(kc_arena_t *arena, const kc_ids_t *l)
{
    kc_ids_t r = {0};

    for (size_t i = 0; i < l->n; i++) {
        kc_id_t id = {kc_arena_strdup(arena, l->v[i].connector), l->v[i].task};

        kc_ids_push(arena, &r, &id);
    }
    return r;
}

/* Per member: its connectors and tasks that are also in @p set, in the
 * order of a HashSet copy of the member's (Apache's intersection()). */
static void kc_assignor_intersection(kc_arena_t *arena, const kc_wl_t *w,
                                     const kc_cat_t *set, kc_cat_t *out)
{
    kc_ids_t c = kc_ids_copy(arena, &w->held.c);
    kc_ids_t t = kc_ids_copy(arena, &w->held.t);

    *out = (kc_cat_t){0};
    kc_ids_java_order(arena, &c, kc_java_copied_table(c.n));
    kc_ids_java_order(arena, &t, kc_java_copied_table(t.n));
    for (size_t i = 0; i < c.n; i++) {
        if (kc_ids_has(&set->c, &c.v[i])) {
            kc_ids_push(arena, &out->c, &c.v[i]);
        }
    }
    for (size_t i = 0; i < t.n; i++) {
        if (kc_ids_has(&set->t, &t.v[i])) {
            kc_ids_push(arena, &out->t, &t.v[i]);
        }
    }
}

static void kc_assignor_reset_delay(kc_assignor_t *a)
{
    kc_ids_clear(&a->candidates);
    a->scheduled = 0;
    a->delay = 0;
}

/* Apache's handleLostAssignments: give lost work away now (to the
 * workers that came up empty while it waited, or as new work), or start
 * or continue the scheduled delay. @p arena holds the round's lists. */
static void kc_assignor_lost(kc_assignor_t *a, kc_arena_t *arena,
                             const kc_cat_t *lost, kc_cat_t *reassign,
                             kc_wl_t **order, size_t n, int64_t now)
{
    bool all_back = true;

    if (kc_cat_empty(lost) && !a->revoked_in_previous) {
        kc_assignor_reset_delay(a);
        return;
    }
    for (size_t i = 0; i < a->previous_members.n && all_back; i++) {
        bool found = false;

        for (size_t j = 0; j < n && !found; j++) {
            found =
                strcmp(order[j]->id, a->previous_members.v[i].connector) == 0;
        }
        all_back = found;
    }
    if ((a->scheduled <= 0 && all_back) || a->max_delay == 0) {
        kc_cat_add_all(arena, reassign, lost);
        return;
    }
    if (a->scheduled > 0 && now >= a->scheduled) {
        kc_wl_t **cand =
            kc_arena_calloc(arena, a->candidates.n + 1, sizeof(*cand));
        size_t k = 0;

        for (size_t i = 0; i < a->candidates.n; i++) {
            for (size_t j = 0; j < n; j++) {
                if (strcmp(order[j]->id, a->candidates.v[i].connector) == 0) {
                    cand[k++] = order[j];
                    break;
                }
            }
        }
        if (k > 0) {
            for (size_t i = 0; i < lost->c.n; i++) {
                kc_ids_add(arena, &cand[i % k]->next.c, &lost->c.v[i]);
            }
            for (size_t i = 0; i < lost->t.n; i++) {
                kc_ids_add(arena, &cand[i % k]->next.t, &lost->t.v[i]);
            }
        } else {
            kc_cat_add_all(arena, reassign, lost);
        }
        kc_assignor_reset_delay(a);
        a->revoked_in_previous = false;
        return;
    }
    /* the members with nothing to run, in the order of the HashSet
     * Collectors.toSet() builds, become candidates for the lost work */
    {
        kc_ids_t empty = {0};

        for (size_t i = 0; i < n; i++) {
            if (kc_cat_empty(&order[i]->next)) {
                kc_id_t id = {order[i]->id, KC_CONNECT_CONNECTOR_TASK};

                kc_ids_push(arena, &empty, &id);
            }
        }
        kc_ids_java_order(arena, &empty, kc_java_grown_table(empty.n));
        kc_ids_add_all(a->arena, &a->candidates, &empty);
    }
    if (now < a->scheduled) {
        int64_t diff = a->scheduled - now;

        a->delay =
            diff > 0 ? (int32_t)(diff < a->max_delay ? diff : a->max_delay) : 0;
    } else {
        a->delay = a->max_delay;
    }
    a->scheduled = now + a->delay;
}

/* Apache's loadBalancingRevocations for one kind (connectors or tasks):
 * which of each member's work to revoke so that no member runs more than
 * a balanced share; the first members in map order keep the extras. */
static bool kc_assignor_balance(kc_arena_t *arena, size_t total,
                                kc_wl_t **order, size_t n, bool tasks,
                                kc_cat_t *out)
{
    size_t min = total / n;
    size_t extra = total % n;
    size_t at_min = 0;
    size_t at_extra = 0;
    size_t given = 0;
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        size_t size = tasks ? order[i]->next.t.n : order[i]->next.c.n;

        at_min += size == min;
        at_extra += size == min + 1;
    }
    if (at_extra == extra && at_min + at_extra == n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const kc_ids_t *held = tasks ? &order[i]->next.t : &order[i]->next.c;
        kc_ids_t *rev = tasks ? &out[i].t : &out[i].c;
        size_t max;

        if (held->n <= min) {
            continue;
        }
        if (given < extra) {
            given++;
            if (held->n == min + 1) {
                continue;
            }
            max = min + 1;
        } else {
            max = min;
        }
        for (size_t k = 0; held->n - k > max; k++) {
            kc_ids_push(arena, rev, &held->v[k]);
        }
        any = true;
    }
    return any;
}

/* The list of a member's next assignment dealt by kc_assignor_deal. */
static const kc_ids_t *kc_wl_next(const kc_wl_t *w, bool tasks)
{
    return tasks ? &w->next.t : &w->next.c;
}

/* qsort_r comparator: by the number of connectors or (@p tasks points to
 * true) tasks, then by id (Apache's WorkerLoad comparators). */
static int kc_wl_cmp_load(const void *a, const void *b, void *tasks)
{
    const kc_wl_t *const *x = a;
    const kc_wl_t *const *y = b;
    size_t nx = kc_wl_next(*x, *(const bool *)tasks)->n;
    size_t ny = kc_wl_next(*y, *(const bool *)tasks)->n;

    if (nx != ny) {
        return nx < ny ? -1 : 1;
    }
    return kc_java_strcmp((*x)->id, (*y)->id);
}

/* Apache's assignConnectors/assignTasks: sort the members by load (then
 * id), and deal the work round-robin over those as loaded as the least
 * loaded member, widening the circle as that member fills up. */
static void kc_assignor_deal(kc_arena_t *arena, kc_wl_t **order, size_t n,
                             const kc_ids_t *work, bool tasks)
{
    kc_wl_t *first;
    size_t k = 0;

    qsort_r(order, n, sizeof(*order), kc_wl_cmp_load, &tasks);
    first = order[0];
    while (k < work->n) {
        size_t first_load = kc_wl_next(first, tasks)->n;
        size_t up_to = n;

        for (size_t i = 0; i < n; i++) {
            size_t load = kc_wl_next(order[i], tasks)->n;

            if (load > first_load) {
                up_to = i;
                break;
            }
        }
        for (size_t i = 0; i < up_to && k < work->n; i++) {
            kc_ids_add(arena, tasks ? &order[i]->next.t : &order[i]->next.c,
                       &work->v[k++]);
        }
    }
}

/* Connectors and tasks that more than one member runs. */
static kc_cat_t kc_assignor_duplicated(kc_arena_t *arena, const kc_wl_t *w,
                                       size_t n)
{
    kc_cat_t seen = {0};
    kc_cat_t dup = {0};

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < w[i].held.c.n; j++) {
            if (kc_ids_has(&seen.c, &w[i].held.c.v[j])) {
                kc_ids_add(arena, &dup.c, &w[i].held.c.v[j]);
            }
            kc_ids_add(arena, &seen.c, &w[i].held.c.v[j]);
        }
        for (size_t j = 0; j < w[i].held.t.n; j++) {
            if (kc_ids_has(&seen.t, &w[i].held.t.v[j])) {
                kc_ids_add(arena, &dup.t, &w[i].held.t.v[j]);
            }
            kc_ids_add(arena, &seen.t, &w[i].held.t.v[j]);
        }
    }
    return dup;
}

static bool kc_cat_intersects(const kc_cat_t *a, const kc_cat_t *b)
{
    for (size_t i = 0; i < a->c.n; i++) {
        if (kc_ids_has(&b->c, &a->c.v[i])) {
            return true;
        }
    }
    for (size_t i = 0; i < a->t.n; i++) {
        if (kc_ids_has(&b->t, &a->t.v[i])) {
            return true;
        }
    }
    return false;
}

/* Moves the state that outlives the round into a fresh arena. */
static void kc_assignor_keep(kc_assignor_t *a)
{
    kc_arena_t *arena = kc_arena_new(4096);

    a->previous.c = kc_ids_keep(arena, &a->previous.c);
    a->previous.t = kc_ids_keep(arena, &a->previous.t);
    a->revocation.c = kc_ids_keep(arena, &a->revocation.c);
    a->revocation.t = kc_ids_keep(arena, &a->revocation.t);
    a->candidates = kc_ids_keep(arena, &a->candidates);
    a->previous_members = kc_ids_keep(arena, &a->previous_members);
    kc_arena_destroy(a->arena);
    a->arena = arena;
}

kc_assign_result_t *
kc_assignor_assign(kc_assignor_t *a, kc_arena_t *arena,
                   kc_connect_protocol_t proto, const char *leader,
                   const kc_assign_member_t *members, size_t n,
                   const kc_assign_config_t *config, int32_t last_completed_gen,
                   int32_t gen, int64_t now_ms)
{
    kc_assign_result_t *res;
    kc_wl_t *w;
    kc_cat_t *lb;
    const char *leader_url;
    int16_t version = proto == KC_CONNECT_SESSIONED ? 2 : 1;
    kc_arena_t *st = a->arena; /* state lives here until kc_assignor_keep */
    kc_cat_t configured, active = {0}, deleted, duplicated, lost, created;
    kc_cat_t reassign = {0}, assign = {0};
    kc_wl_t **order;
    int64_t offset;
    bool any_lb = false;

    if (!kc_assign_begin(arena, leader, members, n, config, version, true, &res,
                         &w, &leader_url, &offset)) {
        return res;
    }
    lb = kc_arena_calloc(arena, n + 1, sizeof(*lb));
    order = kc_wl_map_order(arena, w, n);

    if (a->previous_gen != last_completed_gen) {
        /* the previous round's assignment never reached the members */
        a->previous = (kc_cat_t){0};
    }
    configured = kc_assign_configured(arena, config);
    for (size_t i = 0; i < n; i++) {
        kc_cat_add_all(arena, &active, &order[i]->held);
    }
    if (!kc_cat_empty(&a->revocation)) {
        if (kc_cat_intersects(&a->revocation, &active)) {
            /* a revocation did not take: start from what runs */
            a->previous = (kc_cat_t){0};
            kc_cat_add_all(st, &a->previous, &active);
        }
        a->revocation = (kc_cat_t){0};
    }
    deleted = kc_cat_sorted_diff(arena, &a->previous, &configured, NULL);
    duplicated = kc_assignor_duplicated(arena, w, n);
    lost = kc_cat_sorted_diff(arena, &a->previous, &active, &deleted);
    created = kc_cat_sorted_diff(arena, &configured, &a->previous, &active);

    for (size_t i = 0; i < n; i++) {
        kc_wl_t *m = order[i];
        kc_cat_t del, dup;

        m->current.c = kc_ids_copy(arena, &m->held.c);
        m->current.t = kc_ids_copy(arena, &m->held.t);
        kc_cat_remove_all(&m->current, &deleted);
        kc_assignor_intersection(arena, m, &deleted, &del);
        kc_assignor_intersection(arena, m, &duplicated, &dup);
        kc_cat_add_all(arena, &m->revoke, &del);
        kc_cat_add_all(arena, &m->revoke, &dup);
        m->next.c = kc_ids_copy(arena, &m->held.c);
        m->next.t = kc_ids_copy(arena, &m->held.t);
        kc_cat_remove_all(&m->next, &del);
        kc_cat_remove_all(&m->next, &dup);
    }

    kc_assignor_lost(a, arena, &lost, &reassign, order, n, now_ms);

    if (a->delay == 0) {
        /* no delayed rebalance running: revoke what unbalances the group */
        bool all_empty = true;

        for (size_t i = 0; i < n; i++) {
            all_empty = all_empty && kc_cat_empty(&order[i]->next);
        }
        if (!all_empty && !kc_cat_empty(&configured)) {
            bool c =
                kc_assignor_balance(arena, configured.c.n, order, n, false, lb);
            bool t =
                kc_assignor_balance(arena, configured.t.n, order, n, true, lb);

            any_lb = c || t;
        }
        if (a->revoked_in_previous && any_lb) {
            a->successive_revocations++;
            a->delay = kc_assignor_backoff(a, a->successive_revocations);
            if (a->delay != 0) {
                a->scheduled = now_ms + a->delay;
            } else {
                for (size_t i = 0; i < n; i++) {
                    kc_cat_add_all(arena, &order[i]->revoke, &lb[i]);
                    kc_cat_remove_all(&order[i]->next, &lb[i]);
                }
            }
        } else if (any_lb) {
            for (size_t i = 0; i < n; i++) {
                kc_cat_add_all(arena, &order[i]->revoke, &lb[i]);
                kc_cat_remove_all(&order[i]->next, &lb[i]);
            }
            a->revoked_in_previous = true;
        } else if (a->revoked_in_previous) {
            /* converged: reset the backoff clock */
            a->revoked_in_previous = false;
            a->successive_revocations = 0;
        }
    } else {
        a->revoked_in_previous = false;
    }

    kc_cat_add_all(arena, &assign, &created);
    kc_cat_add_all(arena, &assign, &reassign);
    {
        /* dealing sorts the list; the map order stays for the results */
        kc_wl_t **deal = kc_arena_memdup(arena, order, n * sizeof(*order));

        kc_assignor_deal(arena, deal, n, &assign.c, false);
        kc_assignor_deal(arena, deal, n, &assign.t, true);
    }

    /* the next round's view: what runs after this one, lost work included
     * (it is still someone's until the delay runs out) */
    {
        kc_cat_t prev = {0};

        for (size_t i = 0; i < n; i++) {
            kc_cat_add_all(st, &prev, &order[i]->next);
        }
        for (size_t i = 0; i < n; i++) {
            kc_cat_remove_all(&prev, &order[i]->revoke);
            kc_cat_add_all(st, &a->revocation, &order[i]->revoke);
        }
        kc_cat_add_all(st, &prev, &lost);
        a->previous = prev;
    }
    a->previous_gen = gen;
    a->previous_members = (kc_ids_t){0};
    for (size_t i = 0; i < n; i++) {
        kc_id_t id = {order[i]->id, KC_CONNECT_CONNECTOR_TASK};

        kc_ids_push(st, &a->previous_members, &id);
    }

    for (size_t i = 0; i < n; i++) {
        kc_wl_t *m = &w[i];
        kc_cat_t started = {0};
        kc_cat_t all = {0};

        started.c = kc_ids_copy(arena, &m->next.c);
        started.t = kc_ids_copy(arena, &m->next.t);
        kc_cat_remove_all(&started, &m->current);
        all.c = kc_ids_copy(arena, &m->next.c);
        all.t = kc_ids_copy(arena, &m->next.t);
        kc_cat_remove_all(&all, &m->revoke);
        kc_assign_fill(arena, &res[i], version, KC_CONNECT_NO_ERROR, leader,
                       leader_url, offset, &started, &m->revoke, a->delay,
                       &all);
    }
    kc_assignor_keep(a);
    return res;
}
