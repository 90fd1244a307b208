/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The task-runner core driven by a fake kind of task on the test's own
 * thread: proves the kc_task_runner_ops_t interface carries a whole task
 * (start, loop, pause/resume, commit timer, failure, stop) without the
 * source or sink runner.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_test_runner.h"

#include "runtime/kc_task_runner.h"
#include "util/kc_clock.h"

/* What the fake kind saw; the runner state itself is freed by the core. */
static struct {
    kc_err_t start_rc;
    int starts;
    int iterations;
    int commits;
    int pauses;
    int resumes;
    int finishes;
    int releases;
    bool saw_paused;      /* an iteration ran with core.paused set */
    int fail_at;          /* iterate fails the task here, -1 = never */
    bool pause_once;      /* iteration 1 pauses the connector */
    bool wait_for_commit; /* stop only after the commit timer fired */
} F;

typedef struct fake_runner {
    kc_task_runner_t core;
    int own; /* proves `size`: the kind's part follows the core */
} fake_runner_t;

static void set_target(kc_task_t *task, kc_target_state_t target)
{
    pthread_mutex_lock(&task->lock);
    task->target = target;
    pthread_mutex_unlock(&task->lock);
}

static kc_err_t fake_start(void *self, kc_error_t *err)
{
    fake_runner_t *fr = self;

    F.starts++;
    fr->own = 42;
    if (F.start_rc != KC_OK) {
        return kc_error_set(err, F.start_rc, "could not start fake task: boom");
    }
    return KC_OK;
}

static void fake_iterate(void *self)
{
    fake_runner_t *fr = self;
    kc_task_t *task = fr->core.task;

    assert_int_equal(fr->own, 42);
    F.iterations++;
    if (fr->core.paused) {
        F.saw_paused = true;
        set_target(task, KC_TARGET_STARTED);
        return;
    }
    if (F.pause_once && F.iterations == 1) {
        set_target(task, KC_TARGET_PAUSED);
        return;
    }
    if (F.fail_at == F.iterations) {
        kc_task_runner_fail(&fr->core, "org.example.FakeException: it broke");
        kc_task_runner_fail(&fr->core, "a second failure is not kept");
        return;
    }
    /* Bounded so a core that never commits fails instead of hanging. */
    if ((F.wait_for_commit && F.commits == 0 && F.iterations < 1000) ||
        F.iterations < 3) {
        kc_task_sleep(task, 10);
        return;
    }
    atomic_store(&task->stopping, true);
}

static void fake_commit(void *self)
{
    KC_UNUSED(self);
    F.commits++;
}

static void fake_paused(void *self, bool paused)
{
    fake_runner_t *fr = self;

    assert_true(fr->core.paused == paused);
    if (paused) {
        F.pauses++;
    } else {
        F.resumes++;
    }
}

static void fake_finish(void *self)
{
    KC_UNUSED(self);
    F.finishes++;
}

static void fake_release(void *self)
{
    KC_UNUSED(self);
    F.releases++;
}

static const kc_task_runner_ops_t fake_ops = {
    .logger = "org.apache.kafka.connect.runtime.WorkerTask",
    .kind = "Fake",
    .size = sizeof(fake_runner_t),
    .start = fake_start,
    .iterate = fake_iterate,
    .commit = fake_commit,
    .paused = fake_paused,
    .finish = fake_finish,
    .release = fake_release,
};

typedef struct fixture {
    kc_registry_t *reg;
    kc_worker_t *w;
    kc_task_t task;
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = kc_calloc(1, sizeof(*fx));

    runner_setup(state);
    memset(&F, 0, sizeof(F));
    F.fail_at = -1;
    fx->reg = test_registry();
    fx->w = new_worker(fx->reg);
    fx->task.worker = fx->w;
    fx->task.connector = kc_strdup("fake");
    fx->task.label = kc_strdup("fake-0");
    fx->task.logname = kc_strdup("WorkerTask{id=fake-0}");
    fx->task.connector_config = kc_props_new();
    fx->task.task_config = kc_props_new();
    pthread_mutex_init(&fx->task.lock, NULL);
    kc_clock_cond_init(&fx->task.cond);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;

    kc_free(fx->task.connector);
    kc_free(fx->task.label);
    kc_free(fx->task.logname);
    kc_props_destroy(fx->task.connector_config);
    kc_props_destroy(fx->task.task_config);
    pthread_mutex_destroy(&fx->task.lock);
    pthread_cond_destroy(&fx->task.cond);
    kc_worker_destroy(fx->w);
    kc_registry_destroy(fx->reg);
    kc_free(fx);
    return runner_teardown(state);
}

static void test_failed_start_reports_failed_and_releases(void **state)
{
    fixture_t *fx = *state;

    F.start_rc = KC_ERR_INVALID;
    kc_task_runner_run(&fx->task, &fake_ops);
    assert_int_equal(F.starts, 1);
    assert_int_equal(F.iterations, 0);
    assert_int_equal(F.finishes, 0);
    assert_int_equal(F.releases, 1);
    assert_int_equal(task_state(), KC_STATE_FAILED);
    assert_non_null(strstr(T.trace, "could not start fake task: boom"));
    assert_true(atomic_load(&fx->task.done));
}

static void test_run_reports_running_then_unassigned_after_stop(void **state)
{
    fixture_t *fx = *state;

    F.wait_for_commit = true;
    kc_task_runner_run(&fx->task, &fake_ops);
    /* offset.flush.interval.ms=100 in the test worker props */
    assert_true(F.commits >= 1);
    assert_int_equal(F.finishes, 1);
    assert_int_equal(F.releases, 1);
    assert_int_equal(F.pauses, 0);
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_true(atomic_load(&fx->task.done));
}

static void test_target_change_pauses_and_resumes_with_reports(void **state)
{
    fixture_t *fx = *state;
    int reports_before;

    F.pause_once = true;
    pthread_mutex_lock(&T.lock);
    reports_before = T.reports;
    pthread_mutex_unlock(&T.lock);
    kc_task_runner_run(&fx->task, &fake_ops);
    assert_true(F.saw_paused);
    assert_int_equal(F.pauses, 1);
    assert_int_equal(F.resumes, 1);
    /* RUNNING, PAUSED, RUNNING, UNASSIGNED */
    assert_int_equal(T.reports - reports_before, 4);
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
}

static void test_failure_ends_loop_with_first_trace(void **state)
{
    fixture_t *fx = *state;

    F.fail_at = 2;
    kc_task_runner_run(&fx->task, &fake_ops);
    assert_int_equal(F.iterations, 2);
    assert_int_equal(F.finishes, 1);
    assert_int_equal(F.releases, 1);
    assert_int_equal(task_state(), KC_STATE_FAILED);
    assert_non_null(strstr(T.trace, "org.example.FakeException: it broke"));
    assert_null(strstr(T.trace, "second failure"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_failed_start_reports_failed_and_releases, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_run_reports_running_then_unassigned_after_stop, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_target_change_pauses_and_resumes_with_reports, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_failure_ends_loop_with_first_trace,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
