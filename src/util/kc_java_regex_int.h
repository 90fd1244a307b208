/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of the Java-regex translation share
 * (kc_java_regex_translate.c: the reader, groups and flags;
 * kc_java_regex_escape.c: escapes and \p{...} properties;
 * kc_java_regex_class.c: character classes; kc_java_regex.c: compile,
 * match and replace): the translator's state and the helpers more than
 * one of them calls. Private to src/util/kc_java_regex*.c.
 */
#ifndef KC_UTIL_KC_JAVA_REGEX_INT_H
#define KC_UTIL_KC_JAVA_REGEX_INT_H

#include "kc_internal.h"

#define KC_RE_MAX_DEPTH 256
#define KC_RE_MAX_NAMES 64

/* Java's Pattern flags that change how the pattern is read. */
#define KC_RE_I  0x1u  /* CASE_INSENSITIVE */
#define KC_RE_M  0x2u  /* MULTILINE */
#define KC_RE_S  0x4u  /* DOTALL */
#define KC_RE_X  0x8u  /* COMMENTS */
#define KC_RE_U  0x10u /* UNICODE_CASE */
#define KC_RE_D  0x20u /* UNIX_LINES */
#define KC_RE_UC 0x40u /* UNICODE_CHARACTER_CLASS, (?U) */

/* A construct Java accepts but kconnect cannot match the same way. */
#define KC_RE_UNSUPPORTED " is not supported by kconnect"

struct kc_re_cls;

typedef struct kc_re_tr {
    struct kc_re_cls *cls; /* the class being read, or NULL */
    const char *display;   /* the pattern as written, for messages */
    const char *pat;       /* the pattern with \Q..\E rewritten */
    size_t len;
    size_t pos;
    kc_buf_t *out;
    kc_error_t *err;
    unsigned flags;
    unsigned stack[KC_RE_MAX_DEPTH];
    /* per open group: 'b' look-behind, 'a' look-ahead, 0 other; and
     * whether a look-behind holds a back-reference (Java refuses it) */
    char kind[KC_RE_MAX_DEPTH];
    bool lb_ref[KC_RE_MAX_DEPTH];
    size_t depth;
    size_t groups;       /* capturing groups opened so far */
    size_t total_groups; /* all of them (known on the second pass) */
    char *names[KC_RE_MAX_NAMES];
    size_t name_group[KC_RE_MAX_NAMES]; /* the group number of each */
    size_t nnames;
    bool atom; /* something a quantifier may follow was just emitted */
    /* The first construct refused, reported only if Java finds no error
     * in the rest of the pattern (Java's error wins). */
    char refused[512];
} kc_re_tr_t;

/* Java's ASCII-only case folding ((?i) without (?u)) is in effect. */
bool kc_re_ascii_ci(const kc_re_tr_t *tr);
bool kc_re_is_alpha(uint32_t c);
bool kc_re_is_digit(uint32_t c);
/* The value of hex digit @p c, or -1. */
int kc_re_hex(int c);
/* The byte @p ahead bytes after tr->pos, or -1 past the end. */
int kc_re_peek(const kc_re_tr_t *tr, size_t ahead);
/* Java's COMMENTS mode: white space and # to the end of the line. */
void kc_re_skip_comments(kc_re_tr_t *tr);
/* Decode the UTF-8 character at tr->pos. */
kc_err_t kc_re_next_cp(kc_re_tr_t *tr, uint32_t *cp);

/* A PatternSyntaxException with Java's message, index at byte @p at. */
kc_err_t kc_re_fail(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
    KC_PRINTF(3, 4);
/* Note a construct kconnect refuses and go on reading (see refused). */
kc_err_t kc_re_refuse(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
    KC_PRINTF(3, 4);

/* One literal character outside a class. */
void kc_re_emit_char(kc_re_tr_t *tr, uint32_t c);
/* One character (or range lo-hi) inside a class. */
void kc_re_emit_class_range(kc_re_tr_t *tr, uint32_t lo, uint32_t hi);
/* `$` (@p multiline) and \Z (never multi-line), with Java's terminators. */
void kc_re_emit_dollar(kc_re_tr_t *tr, bool multiline);
/* A back-reference was emitted (look-behinds holding one are refused). */
void kc_re_note_backref(kc_re_tr_t *tr);

/* kc_java_regex_escape.c */
/* An escape outside a class (tr->pos at the character after '\'). */
kc_err_t kc_re_escape(kc_re_tr_t *tr);
/* One class item that is a single character, or KC_DECLINED. */
kc_err_t kc_re_class_char(kc_re_tr_t *tr, uint32_t *cp);
/* \p or \P after the backslash (tr->pos at the 'p'). */
kc_err_t kc_re_emit_property(kc_re_tr_t *tr, bool in_class);
/* The class body of \d, \s or \w (either case) under (?U). */
const char *kc_re_unicode_class(int c);
/* \g{group} matched with Java's ASCII-only case folding. */
kc_err_t kc_re_backref_ci(kc_re_tr_t *tr, size_t at, size_t group);

/* kc_java_regex_class.c */
/* A character class (tr->pos after the '['). */
kc_err_t kc_re_class(kc_re_tr_t *tr);
/* Add @p alt as an alternative of the class being read. */
void kc_re_class_alt(kc_re_tr_t *tr, const char *alt);
/* Send the next class output to the class's bits (see kc_re_cls_t). */
void kc_re_class_bits(kc_re_tr_t *tr, kc_buf_t **saved);

/*
 * One translation pass of @p pattern into @p out; the first (@p total
 * SIZE_MAX) only counts the capturing groups, returned in @p groups.
 */
kc_err_t kc_re_pass(const char *pattern, size_t total, kc_buf_t *out,
                    size_t *groups, kc_error_t *err);

#endif /* KC_UTIL_KC_JAVA_REGEX_INT_H */
