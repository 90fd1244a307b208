/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <stdarg.h>

#define KC_ARENA_ALIGN         16
#define KC_ARENA_DEFAULT_BLOCK (64 * 1024)

typedef struct kc_arena_block {
    struct kc_arena_block *next;
    size_t size;
    size_t used;
    /* Payload follows, aligned. */
} kc_arena_block_t;

typedef struct kc_arena_cleanup {
    struct kc_arena_cleanup *next;
    void (*fn)(void *);
    void *arg;
} kc_arena_cleanup_t;

/* Spare blocks kept across resets, so a steady batch size never goes back
 * to the allocator (bounded: a one-off huge batch is given back). */
#define KC_ARENA_MAX_SPARE_BYTES (8u * 1024 * 1024)

struct kc_arena {
    kc_arena_block_t *head;  /* current block; first block is kept on reset */
    kc_arena_block_t *spare; /* standard-size blocks freed by reset */
    size_t spare_bytes;
    size_t block_size;
    size_t used;
    kc_arena_cleanup_t *cleanups;
};

#define KC_BLOCK_HDR                                                           \
    ((sizeof(kc_arena_block_t) + KC_ARENA_ALIGN - 1) &                         \
     ~(size_t)(KC_ARENA_ALIGN - 1))

static kc_arena_block_t *kc_arena_block_new(size_t size)
{
    kc_arena_block_t *b = kc_malloc(KC_BLOCK_HDR + size);

    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

kc_arena_t *kc_arena_new(size_t block_size)
{
    kc_arena_t *arena = kc_calloc(1, sizeof(*arena));

    arena->block_size = block_size ? block_size : KC_ARENA_DEFAULT_BLOCK;
    arena->head = kc_arena_block_new(arena->block_size);
    return arena;
}

static void kc_arena_run_cleanups(kc_arena_t *arena)
{
    while (arena->cleanups != NULL) {
        kc_arena_cleanup_t *c = arena->cleanups;

        /* Unlink first: a cleanup may not touch the list. */
        arena->cleanups = c->next;
        c->fn(c->arg);
    }
}

void kc_arena_reset(kc_arena_t *arena)
{
    kc_arena_block_t *b;

    kc_arena_run_cleanups(arena);
    /* Keep the last block in the chain (the first one allocated, of the
     * configured size) in use; standard-size blocks go to the spare list. */
    b = arena->head;
    while (b->next != NULL) {
        kc_arena_block_t *next = b->next;

        if (b->size == arena->block_size &&
            arena->spare_bytes + b->size <= KC_ARENA_MAX_SPARE_BYTES) {
            b->next = arena->spare;
            arena->spare = b;
            arena->spare_bytes += b->size;
        } else {
            kc_free(b);
        }
        b = next;
    }
    b->used = 0;
    arena->head = b;
    arena->used = 0;
}

void kc_arena_destroy(kc_arena_t *arena)
{
    kc_arena_block_t *b;

    if (arena == NULL) {
        return;
    }
    kc_arena_run_cleanups(arena);
    for (int list = 0; list < 2; list++) {
        b = list == 0 ? arena->head : arena->spare;
        while (b != NULL) {
            kc_arena_block_t *next = b->next;

            kc_free(b);
            b = next;
        }
    }
    kc_free(arena);
}

void *kc_arena_alloc(kc_arena_t *arena, size_t size)
{
    kc_arena_block_t *b = arena->head;
    size_t asize = (size + KC_ARENA_ALIGN - 1) & ~(size_t)(KC_ARENA_ALIGN - 1);
    void *p;

    if (asize == 0) {
        asize = KC_ARENA_ALIGN;
    }
    if (b->size - b->used < asize) {
        kc_arena_block_t *nb;

        if (asize <= arena->block_size && arena->spare != NULL) {
            nb = arena->spare;
            arena->spare = nb->next;
            arena->spare_bytes -= nb->size;
            nb->used = 0;
        } else {
            nb = kc_arena_block_new(
                asize > arena->block_size ? asize : arena->block_size);
        }
        nb->next = b;
        arena->head = nb;
        b = nb;
    }
    p = (char *)b + KC_BLOCK_HDR + b->used;
    b->used += asize;
    arena->used += asize;
    return p;
}

void *kc_arena_calloc(kc_arena_t *arena, size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size) {
        fprintf(stderr, "kconnect: arena allocation overflow\n");
        abort();
    }
    p = kc_arena_alloc(arena, n * size);
    memset(p, 0, n * size);
    return p;
}

char *kc_arena_strdup(kc_arena_t *arena, const char *s)
{
    return kc_arena_strndup(arena, s, strlen(s));
}

char *kc_arena_strndup(kc_arena_t *arena, const char *s, size_t n)
{
    char *p = kc_arena_alloc(arena, n + 1);

    if (n > 0) {
        memcpy(p, s, n);
    }
    p[n] = '\0';
    return p;
}

void *kc_arena_memdup(kc_arena_t *arena, const void *src, size_t n)
{
    void *p = kc_arena_alloc(arena, n);

    if (n > 0) {
        memcpy(p, src, n);
    }
    return p;
}

char *kc_arena_sprintf(kc_arena_t *arena, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
    }
    p = kc_arena_alloc(arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void kc_arena_on_reset(kc_arena_t *arena, void (*fn)(void *), void *arg)
{
    kc_arena_cleanup_t *c = kc_arena_alloc(arena, sizeof(*c));

    c->fn = fn;
    c->arg = arg;
    c->next = arena->cleanups;
    arena->cleanups = c;
}

size_t kc_arena_used(const kc_arena_t *arena)
{
    return arena->used;
}
