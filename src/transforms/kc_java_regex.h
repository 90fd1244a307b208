/*
 * Java regular expressions (java.util.regex) for RegexRouter and
 * TopicNameMatches, on top of POSIX extended regexes: the common Java
 * syntax is translated (\d \D \w \W \s \S, non-capturing (?:...), lazy
 * quantifiers read as greedy), patterns match the whole input as
 * Matcher.matches(), and replacements expand $n and \x as
 * Matcher.replaceFirst. Look-around, back-references, named groups and
 * possessive quantifiers are rejected at compile time with a clear error.
 */
#ifndef KC_TRANSFORMS_KC_JAVA_REGEX_H
#define KC_TRANSFORMS_KC_JAVA_REGEX_H

#include <kconnect/common.h>

typedef struct kc_java_regex kc_java_regex_t;

/**
 * @brief Compile @p pattern. On failure returns NULL with a message
 * naming the pattern and what is unsupported or wrong.
 */
kc_java_regex_t *kc_java_regex_new(const char *pattern, kc_error_t *err);
/** @brief NULL is a no-op. */
void kc_java_regex_destroy(kc_java_regex_t *re);
/**
 * @brief True if the pattern had a lazy quantifier (*? +? ?? {n,m}?):
 * whole-input matching is unaffected, but groups would capture as much as
 * possible instead of as little, so callers that expand groups must
 * refuse such a pattern.
 */
bool kc_java_regex_is_lazy(const kc_java_regex_t *re);
/** @brief True if the whole of @p s matches (Matcher.matches()). */
bool kc_java_regex_matches(const kc_java_regex_t *re, const char *s);
/**
 * @brief If the whole of @p s matches, append @p replacement with its
 * group references expanded to @p out and return KC_OK; KC_DECLINED when
 * it does not match; KC_ERR_INVALID for a bad group reference.
 */
kc_err_t kc_java_regex_replace(const kc_java_regex_t *re, const char *s,
                               const char *replacement, kc_buf_t *out,
                               kc_error_t *err);

#endif /* KC_TRANSFORMS_KC_JAVA_REGEX_H */
