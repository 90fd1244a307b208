/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Java regex layer (src/util/kc_java_regex.c):
 * pattern, subject and replacement separated by NUL bytes. A pattern comes
 * from a connector config (REST), so the translation must never crash,
 * hang or leak whatever it is given; whatever compiles must match, and
 * a whole match (matches()) implies find() finds one.
 */
#include "kc_internal.h"

#include "util/kc_java_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = kc_malloc(size + 3);
    const char *pattern = copy;
    const char *subject;
    const char *replacement;
    kc_java_regex_t *re;
    kc_error_t err = {0};

    memcpy(copy, data, size);
    copy[size] = copy[size + 1] = copy[size + 2] = '\0';
    /* The three trailing NULs keep both inside the copy. */
    subject = pattern + strlen(pattern) + 1;
    replacement = subject + strlen(subject) + 1;
    re = kc_java_regex_new(pattern, &err);
    if (re != NULL) {
        kc_err_t whole = kc_java_regex_matches(re, subject, &err);
        kc_err_t any = kc_java_regex_find(re, subject, &err);
        kc_buf_t out;

        if (whole == KC_OK && any == KC_DECLINED) {
            fprintf(stderr, "matches() but no find() for /%s/ on \"%s\"\n",
                    pattern, subject);
            abort();
        }
        kc_buf_init(&out, 0);
        kc_java_regex_replace_first(re, subject, replacement, &out, &err);
        kc_buf_release(&out);
        kc_java_regex_destroy(re);
    }
    kc_free(copy);
    return 0;
}
