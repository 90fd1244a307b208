/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a schemaless map in java.util.HashMap order allocates nothing
 * per record once warm (src/data/kc_value_text.c's map order scratch):
 * this executable links with kc_malloc, kc_calloc and kc_realloc wrapped
 * (tests/CMakeLists.txt) and counts the calls the library makes.
 *
 * The expected text is what Apache Kafka 4.1.1's JsonConverter (schemas
 * off) writes, and String.valueOf prints, for the map it reads from
 * {"user":4,"order_id":8,"items":{"zeta":4,"alpha":5,"mid":3,"key10":5,
 * "key2":4,"Aa":2,"BB":2},"total":5,"currency":8} ("Aa" and "BB" share a
 * hash code, so a bucket holds two entries in insertion order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <pthread.h>

#include "converters/kc_converters.h"
#include "data/kc_value_text.h"
#include "transforms/kc_transform_util.h"

#define ROUNDS 100000

static const char *const JAVA_JSON =
    "{\"total\":5,\"currency\":8,\"user\":4,\"order_id\":8,\"items\":"
    "{\"zeta\":4,\"Aa\":2,\"BB\":2,\"key2\":4,\"alpha\":5,\"mid\":3,"
    "\"key10\":5}}";
static const char *const JAVA_TEXT =
    "{total=5, currency=8, user=4, order_id=8, items={zeta=4, Aa=2, BB=2, "
    "key2=4, alpha=5, mid=3, key10=5}}";

static size_t kc_alloc_calls;

void *__real_kc_malloc(size_t size);
void *__real_kc_calloc(size_t n, size_t size);
void *__real_kc_realloc(void *ptr, size_t size);
void *__wrap_kc_malloc(size_t size);
void *__wrap_kc_calloc(size_t n, size_t size);
void *__wrap_kc_realloc(void *ptr, size_t size);

void *__wrap_kc_malloc(size_t size)
{
    kc_alloc_calls++;
    return __real_kc_malloc(size);
}

void *__wrap_kc_calloc(size_t n, size_t size)
{
    kc_alloc_calls++;
    return __real_kc_calloc(n, size);
}

void *__wrap_kc_realloc(void *ptr, size_t size)
{
    kc_alloc_calls++;
    return __real_kc_realloc(ptr, size);
}

static void set_map(kc_arena_t *arena, kc_value_t *v, const char *const *keys,
                    size_t n)
{
    kc_value_set_map(arena, v, n);
    for (size_t i = 0; i < n; i++) {
        kc_value_set_string_ref(&v->u.map.keys[i], keys[i], strlen(keys[i]));
        kc_value_set_int(&v->u.map.values[i], KC_TYPE_INT64,
                         (int64_t)strlen(keys[i]));
    }
}

/* The map JsonConverter reads from the document above, in its order. */
static kc_value_t *order_map(kc_arena_t *arena)
{
    static const char *const outer[] = {"user", "order_id", "items", "total",
                                        "currency"};
    static const char *const inner[] = {"zeta", "alpha", "mid", "key10",
                                        "key2", "Aa",    "BB"};
    kc_value_t *v = kc_value_new(arena);

    set_map(arena, v, outer, 5);
    set_map(arena, &v->u.map.values[2], inner, 7);
    return v;
}

static void *json_converter(void)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err = {0};
    void *ctx = NULL;

    kc_props_set(props, "schemas.enable", "false");
    assert_int_equal(
        kc_json_converter_plugin.configure(&ctx, props, false, &err), KC_OK);
    kc_props_destroy(props);
    return ctx;
}

static void write_json(void *ctx, const kc_value_t *v, kc_buf_t *out)
{
    kc_error_t err = {0};
    bool is_null = true;

    kc_buf_reset(out);
    assert_int_equal(kc_json_converter_plugin.from_connect(
                         ctx, "t", NULL, NULL, v, out, &is_null, &err),
                     KC_OK);
    assert_false(is_null);
}

static void test_json_schemaless_map_allocates_nothing_after_warmup(void **st)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_value_t *v = order_map(arena);
    void *ctx = json_converter();
    kc_buf_t out;
    size_t before;

    (void)st;
    kc_buf_init(&out, 0);
    write_json(ctx, v, &out); /* warm-up: the scratch and out grow */
    assert_string_equal(kc_buf_cstr(&out), JAVA_JSON);
    before = kc_alloc_calls;
    for (int i = 0; i < ROUNDS; i++) {
        write_json(ctx, v, &out);
    }
    assert_int_equal(kc_alloc_calls - before, 0);
    assert_string_equal(kc_buf_cstr(&out), JAVA_JSON);
    kc_buf_release(&out);
    kc_json_converter_plugin.destroy(ctx);
    kc_arena_destroy(arena);
}

static void test_map_text_allocates_nothing_after_warmup(void **st)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_value_t *v = order_map(arena);
    kc_buf_t out;
    size_t before;

    (void)st;
    kc_buf_init(&out, 0);
    assert_int_equal(kc_value_text_append(&out, NULL, v), KC_OK);
    assert_string_equal(kc_buf_cstr(&out), JAVA_TEXT);
    before = kc_alloc_calls;
    for (int i = 0; i < 1000; i++) {
        kc_buf_reset(&out);
        assert_int_equal(kc_value_text_append(&out, NULL, v), KC_OK);
    }
    assert_int_equal(kc_alloc_calls - before, 0);
    assert_string_equal(kc_buf_cstr(&out), JAVA_TEXT);
    kc_buf_release(&out);
    kc_arena_destroy(arena);
}

/* The transforms' entry (a HashMap copied with `new HashMap<>(map)`). */
static void test_java_order_sized_allocates_nothing_after_warmup(void **st)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_value_t *v = order_map(arena);
    size_t order[5] = {0};
    size_t before;

    (void)st;
    assert_true(kc_value_map_java_order_sized(
        NULL, v, kc_java_hashmap_copy_table(5), order));
    before = kc_alloc_calls;
    for (int i = 0; i < 1000; i++) {
        assert_true(kc_value_map_java_order_sized(
            NULL, v, kc_java_hashmap_copy_table(5), order));
    }
    assert_int_equal(kc_alloc_calls - before, 0);
    /* total, currency, user, order_id, items */
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 4);
    assert_int_equal(order[2], 0);
    assert_int_equal(order[3], 1);
    assert_int_equal(order[4], 2);
    kc_arena_destroy(arena);
}

/*
 * InsertField's schemaless path: new HashMap<>(value), then a put. Java 25
 * prints {total=5, currency=8, user=4, order_id=8, items=5, ts=2} for it.
 */
static void transform_copy_put(kc_arena_t *arena, const kc_value_t *src,
                               kc_value_t *out)
{
    kc_tx_map_t map;
    kc_value_t ts;

    kc_value_set_int(&ts, KC_TYPE_INT64, 2);
    kc_tx_map_init(arena, &map, src->u.map.len + 1);
    kc_tx_map_copy(arena, &map, src);
    kc_tx_map_put(arena, &map, "ts", &ts);
    kc_tx_map_finish_hashmap(arena, &map,
                             kc_java_hashmap_copy_table(src->u.map.len), out);
}

static void test_transform_hashmap_allocates_nothing_after_warmup(void **st)
{
    static const char *const keys[] = {"user", "order_id", "items", "total",
                                       "currency"};
    static const char *const java[] = {"total",    "currency", "user",
                                       "order_id", "items",    "ts"};
    kc_arena_t *src_arena = kc_arena_new(0);
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t *src = kc_value_new(src_arena);
    kc_value_t out;
    size_t before;

    (void)st;
    set_map(src_arena, src, keys, 5);
    transform_copy_put(arena, src, &out); /* warm-up */
    before = kc_alloc_calls;
    for (int i = 0; i < 1000; i++) {
        kc_arena_reset(arena); /* as the runner resets its record arena */
        transform_copy_put(arena, src, &out);
    }
    assert_int_equal(kc_alloc_calls - before, 0);
    assert_int_equal(out.u.map.len, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(out.u.map.keys[i].u.str.len, strlen(java[i]));
        assert_memory_equal(out.u.map.keys[i].u.str.data, java[i],
                            strlen(java[i]));
    }
    kc_arena_destroy(arena);
    kc_arena_destroy(src_arena);
}

typedef struct thread_job {
    void *ctx;
    const kc_value_t *value;
    char json[256];
} thread_job_t;

static void *write_on_thread(void *arg)
{
    thread_job_t *job = arg;
    kc_buf_t out;

    kc_buf_init(&out, 0);
    write_json(job->ctx, job->value, &out);
    snprintf(job->json, sizeof(job->json), "%s", kc_buf_cstr(&out));
    kc_buf_release(&out);
    return NULL;
}

/*
 * A thread's scratch is its own and goes with it: under ASan's leak check
 * this fails if a finished thread's scratch is left behind.
 */
static void test_thread_scratch_is_freed_when_the_thread_ends(void **st)
{
    kc_arena_t *arena = kc_arena_new(0);
    thread_job_t job = {.ctx = json_converter(), .value = order_map(arena)};

    (void)st;
    for (int i = 0; i < 4; i++) {
        pthread_t t;

        job.json[0] = '\0';
        assert_int_equal(pthread_create(&t, NULL, write_on_thread, &job), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_string_equal(job.json, JAVA_JSON);
    }
    kc_json_converter_plugin.destroy(job.ctx);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_json_schemaless_map_allocates_nothing_after_warmup),
        cmocka_unit_test(test_map_text_allocates_nothing_after_warmup),
        cmocka_unit_test(test_java_order_sized_allocates_nothing_after_warmup),
        cmocka_unit_test(test_transform_hashmap_allocates_nothing_after_warmup),
        cmocka_unit_test(test_thread_scratch_is_freed_when_the_thread_ends),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
