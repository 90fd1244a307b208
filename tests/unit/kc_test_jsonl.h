/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the golden data files of one JSON value a line (tests/golden/
 * .../golden.jsonl). Included by test files only, after the cmocka
 * headers; static inline.
 */
#ifndef KC_TESTS_KC_TEST_JSONL_H
#define KC_TESTS_KC_TEST_JSONL_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* Every line of @p path parsed, as a JSON array (caller decrefs); fails
 * the test, naming the file and line, when the file is missing or a line
 * is not JSON. */
static inline json_t *kc_test_load_jsonl(const char *path)
{
    FILE *f = fopen(path, "r");
    json_t *all = json_array();
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;

    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);

        lineno++;
        if (c == NULL) {
            fail_msg("%s:%d: %s", path, lineno, jerr.text);
        }
        json_array_append_new(all, c);
    }
    free(line); /* getline's buffer comes from libc */
    fclose(f);
    return all;
}

#endif /* KC_TESTS_KC_TEST_JSONL_H */
