/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compiled SimpleDateFormat pattern and the en_US symbols (internal to
 * kc_java_date_format.c, which compiles and formats, and
 * kc_java_date_parse.c, which parses).
 */
#ifndef KC_TRANSFORMS_KC_JAVA_DATE_PATTERN_H
#define KC_TRANSFORMS_KC_JAVA_DATE_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/kc_java_date_format.h"

/* One field (letter, count) or one run of literal text (letter 0). */
typedef struct kc_jtok {
    char letter;
    int count;
    size_t off; /* literal text in kc_jpat_t.text */
    size_t len;
    size_t uoff; /* the same as UTF-16 units in kc_jpat_t.u16 */
    size_t ulen;
} kc_jtok_t;

/* A compiled pattern: immutable, so tasks may share it. */
struct kc_java_date_pattern {
    kc_jtok_t *tok;
    size_t n;
    char *text;
    size_t text_len;
    uint16_t *u16;
};

typedef struct kc_java_date_pattern kc_jpat_t;

/* DateFormatSymbols for en_US: months from January, days from Sunday,
 * eras BC and AD, AM and PM. */
extern const char *const kc_jpat_months[12];
extern const char *const kc_jpat_days[7];
extern const char *const kc_jpat_eras[2];
extern const char *const kc_jpat_ampm[2];

/**
 * @brief UTF-16 code units of @p len bytes of UTF-8 into @p u (room for
 * @p len units); a byte that starts no character is U+FFFD, as Java
 * decodes it.
 * @returns the number of units written.
 */
size_t kc_jpat_utf16_of(const char *s, size_t len, uint16_t *u);

#endif /* KC_TRANSFORMS_KC_JAVA_DATE_PATTERN_H */
