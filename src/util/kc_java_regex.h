/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java regular expressions (java.util.regex.Pattern) on PCRE2: a thin
 * translation layer turns Java's syntax into a PCRE2 pattern with the same
 * meaning, refusing with a clear error the few constructs PCRE2 cannot
 * express the Java way, and the replacement text of Matcher.replaceFirst
 * ($n, ${name}, \x) is expanded here. Used by RegexRouter,
 * TopicNameMatches, the sink's topics.regex, topic.creation include/exclude
 * and EnvVarConfigProvider's allowlist.pattern.
 */
#ifndef KC_UTIL_KC_JAVA_REGEX_H
#define KC_UTIL_KC_JAVA_REGEX_H

#include <kconnect/common.h>

typedef struct kc_java_regex kc_java_regex_t;

/**
 * @brief Compile the Java regex @p pattern (UTF-8).
 * @returns the compiled regex, or NULL with @p err holding Java's
 * PatternSyntaxException message (description, "near index N", the
 * pattern and a caret line) for a pattern Java rejects, or a message
 * naming the construct kconnect cannot match as Java does.
 * @locks matching takes the regex's own mutex (it keeps one match buffer).
 */
kc_java_regex_t *kc_java_regex_new(const char *pattern, kc_error_t *err);
/** @brief NULL is a no-op. */
void kc_java_regex_destroy(kc_java_regex_t *re);
/** @brief The number of capturing groups (Matcher.groupCount()). */
size_t kc_java_regex_groups(const kc_java_regex_t *re);
/**
 * @brief Matcher.matches(): whether the whole of @p s matches.
 * @returns KC_OK on a match, KC_DECLINED when there is none, an error
 * (e.g. PCRE2's backtracking limit) in @p err otherwise.
 */
kc_err_t kc_java_regex_matches(kc_java_regex_t *re, const char *s,
                               kc_error_t *err);
/** @brief Matcher.find() from the start: whether any part of @p s matches.
 * Returns as kc_java_regex_matches. */
kc_err_t kc_java_regex_find(kc_java_regex_t *re, const char *s,
                            kc_error_t *err);
/**
 * @brief Matcher.replaceFirst(@p replacement) on @p s, appended to @p out:
 * the first match found is replaced by @p replacement with $n, ${name} and
 * \x expanded; without a match @p s is appended unchanged.
 * @returns KC_OK, or KC_ERR_INVALID with Java's message for a bad
 * replacement ("No group 3", "No group with name {x}", ...).
 */
kc_err_t kc_java_regex_replace_first(kc_java_regex_t *re, const char *s,
                                     const char *replacement, kc_buf_t *out,
                                     kc_error_t *err);

#endif /* KC_UTIL_KC_JAVA_REGEX_H */
