/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixture the file connector tests share: a fresh directory with the
 * path of the one file a test reads or writes, the task under test and
 * a batch. Included after <cmocka.h> by one test file each.
 */
#ifndef KC_TESTS_TEST_FILE_FIXTURE_H
#define KC_TESTS_TEST_FILE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kc_internal.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    void *task;
    kc_batch_t batch;
} fixture_t;

/* @p dir_template ends in XXXXXX (mkdtemp); @p file is the name in it. */
static fixture_t *file_fixture_new(const char *dir_template, const char *file)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "%s", dir_template);
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, file);
    kc_batch_init(&f->batch);
    return f;
}

/* @p stop is the task plugin's: the task a test left running ends here. */
static void file_fixture_free(fixture_t *f, void (*stop)(void *task))
{
    if (f->task != NULL) {
        stop(f->task);
    }
    kc_batch_release(&f->batch);
    unlink(f->path);
    rmdir(f->dir);
    kc_free(f);
}

#endif
