/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_props_t and the .properties reader, checked against the examples and
 * rules of java.util.Properties.load's documentation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

static kc_props_t *parse_ok(const char *text)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    kc_error_clear(&err);
    assert_int_equal(kc_props_parse(props, text, strlen(text), &err), KC_OK);
    return props;
}

static void assert_single(const char *text, const char *key, const char *value)
{
    kc_props_t *props = parse_ok(text);

    assert_int_equal(kc_props_count(props), 1);
    assert_string_equal(kc_props_key_at(props, 0), key);
    assert_string_equal(kc_props_value_at(props, 0), value);
    kc_props_destroy(props);
}

static void assert_parse_error(const char *text, const char *expect)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    kc_props_set(props, "existing", "1");
    assert_int_equal(kc_props_parse(props, text, strlen(text), &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg, expect);
    /* nothing of a bad text is applied */
    assert_int_equal(kc_props_count(props), 1);
    kc_props_destroy(props);
}

static void test_props_javadoc_separators(void **state)
{
    (void)state;
    assert_single("Truth = Beauty\n", "Truth", "Beauty");
    assert_single(" Truth:Beauty", "Truth", "Beauty");
    assert_single("Truth                    :Beauty\n", "Truth", "Beauty");
    assert_single("Truth Beauty", "Truth", "Beauty");
    assert_single("Truth\t=\t Beauty  ", "Truth", "Beauty  ");
    /* only the first separator counts; the rest is value */
    assert_single("a=b=c:d", "a", "b=c:d");
    assert_single("a b = c", "a", "b = c");
    /* a second separator after whitespace belongs to the separator */
    assert_single("a : =c", "a", "=c");
}

static void test_props_javadoc_continuation(void **state)
{
    (void)state;
    assert_single("fruits                           apple, banana, pear, \\\n"
                  "                                 cantaloupe, watermelon, "
                  "\\\n"
                  "                                 kiwi, mango\n",
                  "fruits",
                  "apple, banana, pear, cantaloupe, watermelon, kiwi, mango");
    /* a continued line starting with # is not a comment */
    assert_single("k=a\\\n  #b", "k", "a#b");
    /* an even number of backslashes is a literal backslash, no join */
    {
        kc_props_t *props = parse_ok("k=a\\\\\nnext=1\n");

        assert_string_equal(kc_props_get(props, "k"), "a\\");
        assert_string_equal(kc_props_get(props, "next"), "1");
        kc_props_destroy(props);
    }
    /* a trailing backslash at the end of the text is dropped */
    assert_single("k=abc\\", "k", "abc");
    /* a blank continuation line ends the logical line */
    {
        kc_props_t *props = parse_ok("k=a\\\n   \nnext=1");

        assert_int_equal(kc_props_count(props), 2);
        assert_string_equal(kc_props_get(props, "k"), "a");
        kc_props_destroy(props);
    }
}

/*
 * Corner cases where JDK 17's Properties.load was observed (differential
 * run) to behave in a surprising way; kconnect reads them the same.
 */
static void test_props_jdk_corner_cases(void **state)
{
    kc_props_t *props;

    (void)state;
    /* a continuation of an empty line may start a comment */
    props = parse_ok("\\\n#k=v\nreal=1\n");
    assert_int_equal(kc_props_count(props), 1);
    assert_string_equal(kc_props_get(props, "real"), "1");
    kc_props_destroy(props);
    /* a lone backslash line at the very end is an empty key */
    props = parse_ok("a=1\n\\\n");
    assert_int_equal(kc_props_count(props), 2);
    assert_string_equal(kc_props_get(props, "a"), "1");
    assert_string_equal(kc_props_get(props, ""), "");
    kc_props_destroy(props);
    /* ... but not when a CRLF ends it */
    props = parse_ok("a=1\n\\\r\n");
    assert_int_equal(kc_props_count(props), 1);
    kc_props_destroy(props);
    /* an empty text and only comments are fine */
    props = parse_ok("");
    assert_int_equal(kc_props_count(props), 0);
    kc_props_destroy(props);
    props = parse_ok("# only\n! comments");
    assert_int_equal(kc_props_count(props), 0);
    kc_props_destroy(props);
}

static void test_props_key_only(void **state)
{
    (void)state;
    assert_single("cheeses\n", "cheeses", "");
    assert_single("cheeses=", "cheeses", "");
    assert_single("=value", "", "value");
}

static void test_props_comments_and_blank(void **state)
{
    kc_props_t *props;

    (void)state;
    props = parse_ok("# a comment\n"
                     "   ! another one\n"
                     "\n"
                     "   \t\n"
                     "# a comment ending in a backslash \\\n"
                     "a=1\n"
                     "b=2 # not a comment\n");
    assert_int_equal(kc_props_count(props), 2);
    assert_string_equal(kc_props_key_at(props, 0), "a");
    assert_string_equal(kc_props_get(props, "a"), "1");
    assert_string_equal(kc_props_get(props, "b"), "2 # not a comment");
    kc_props_destroy(props);
}

static void test_props_escapes(void **state)
{
    (void)state;
    assert_single("\\:\\=", ":=", "");
    assert_single("key\\ with\\ spaces = v", "key with spaces", "v");
    assert_single("k=\\t\\n\\r\\f", "k", "\t\n\r\f");
    assert_single("k=\\q\\\\x", "k", "q\\x");
    assert_single("k=a\\=b\\:c", "k", "a=b:c");
    /* U+00E9 is C3 A9 in UTF-8; U+20AC is E2 82 AC */
    assert_single("k=caf\\u00e9 \\u20AC", "k", "caf\xC3\xA9 \xE2\x82\xAC");
    /* U+1F600 as a surrogate pair is F0 9F 98 80 */
    assert_single("k=\\uD83D\\uDE00", "k", "\xF0\x9F\x98\x80");
    /* raw UTF-8 passes through */
    assert_single("k=\xC3\xA9", "k", "\xC3\xA9");
}

static void test_props_line_endings(void **state)
{
    kc_props_t *props;

    (void)state;
    props = parse_ok("a=1\r\nb=2\rc=3\nd=4\\\r\n   5");
    assert_int_equal(kc_props_count(props), 4);
    assert_string_equal(kc_props_get(props, "a"), "1");
    assert_string_equal(kc_props_get(props, "b"), "2");
    assert_string_equal(kc_props_get(props, "c"), "3");
    assert_string_equal(kc_props_get(props, "d"), "45");
    kc_props_destroy(props);
}

static void test_props_last_duplicate_wins(void **state)
{
    kc_props_t *props;

    (void)state;
    props = parse_ok("a=1\nb=2\na=3\n");
    assert_int_equal(kc_props_count(props), 2);
    assert_string_equal(kc_props_get(props, "a"), "3");
    /* the key keeps its first position */
    assert_string_equal(kc_props_key_at(props, 0), "a");
    kc_props_destroy(props);
}

static void test_props_errors_name_line(void **state)
{
    (void)state;
    assert_parse_error("a=1\n# c\nb=\\u12G4\n",
                       "line 3: malformed \\uxxxx encoding");
    assert_parse_error("a=1\r\nb=\\u12", "line 2: malformed \\uxxxx encoding");
    /* the bad escape is on the third physical line of a continued line */
    assert_parse_error("x=1\nk=a\\\n b\\\n  \\uZZZZ\n",
                       "line 4: malformed \\uxxxx encoding");
    assert_parse_error("k=\\uD83D", "line 1: unpaired surrogate \\uD83D");
    assert_parse_error("k=\\uDE00x", "line 1: unpaired surrogate \\uDE00");
    assert_parse_error("k=\\u0000", "line 1: \\u0000 is not supported");
    {
        const char text[] = "a=1\nb=\0x\n";
        kc_props_t *props = kc_props_new();
        kc_error_t err;

        assert_int_equal(kc_props_parse(props, text, sizeof(text) - 1, &err),
                         KC_ERR_INVALID);
        assert_string_equal(err.msg, "line 2: contains a NUL byte");
        kc_props_destroy(props);
    }
}

static void test_props_parse_adds_to_existing(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    (void)state;
    kc_props_set(props, "a", "old");
    kc_props_set(props, "keep", "1");
    assert_int_equal(kc_props_parse(props, "a=new\nb=2", 9, &err), KC_OK);
    assert_int_equal(kc_props_count(props), 3);
    assert_string_equal(kc_props_get(props, "a"), "new");
    assert_string_equal(kc_props_get(props, "keep"), "1");
    kc_props_destroy(props);
}

static void test_props_map_operations(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_props_t *copy;
    kc_props_t *sub;
    kc_props_t *other = kc_props_new();

    (void)state;
    assert_null(kc_props_get(props, "a"));
    kc_props_set(props, "a", "1");
    kc_props_set(props, "producer.acks", "all");
    kc_props_set(props, "b", "2");
    kc_props_set(props, "producer.linger.ms", "5");
    kc_props_set(props, "a", "10");
    assert_int_equal(kc_props_count(props), 4);
    assert_string_equal(kc_props_key_at(props, 0), "a");
    assert_string_equal(kc_props_value_at(props, 0), "10");
    assert_string_equal(kc_props_key_at(props, 2), "b");

    sub = kc_props_with_prefix(props, "producer.");
    assert_int_equal(kc_props_count(sub), 2);
    assert_string_equal(kc_props_get(sub, "acks"), "all");
    assert_string_equal(kc_props_get(sub, "linger.ms"), "5");

    copy = kc_props_copy(props);
    assert_true(kc_props_equal(props, copy));
    assert_true(kc_props_remove(copy, "b"));
    assert_false(kc_props_remove(copy, "b"));
    assert_false(kc_props_equal(props, copy));
    assert_int_equal(kc_props_count(copy), 3);
    assert_string_equal(kc_props_key_at(copy, 2), "producer.linger.ms");
    assert_string_equal(kc_props_get(props, "b"), "2");

    /* same entries in another order are equal; another value is not */
    kc_props_set(other, "y", "2");
    kc_props_set(other, "x", "1");
    kc_props_set(sub, "x", "1");
    kc_props_remove(sub, "acks");
    kc_props_remove(sub, "linger.ms");
    kc_props_set(sub, "y", "2");
    assert_true(kc_props_equal(sub, other));
    kc_props_set(other, "y", "3");
    assert_false(kc_props_equal(sub, other));

    kc_props_destroy(NULL);
    kc_props_destroy(props);
    kc_props_destroy(copy);
    kc_props_destroy(sub);
    kc_props_destroy(other);
}

static void test_props_load_file(void **state)
{
    char path[] = "/tmp/kc_test_props_XXXXXX";
    int fd = mkstemp(path);
    const char text[] = "name=local-file-source\n"
                        "connector.class=FileStreamSource\n"
                        "bad=\\u00\n";
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    char expect[256];
    size_t good;

    (void)state;
    assert_true(fd >= 0);
    /* first the two good lines only */
    good = (size_t)(strstr(text, "bad=") - text);
    assert_int_equal(write(fd, text, good), (ssize_t)good);
    close(fd);
    assert_int_equal(kc_props_load_file(props, path, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "connector.class"),
                        "FileStreamSource");
    assert_int_equal(kc_props_count(props), 2);

    /* a UTF-8 byte order mark is not part of the first key */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd,
                           "\xEF\xBB\xBF"
                           "bom=1\n",
                           9),
                     9);
    close(fd);
    assert_int_equal(kc_props_load_file(props, path, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "bom"), "1");

    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1),
                     (ssize_t)(sizeof(text) - 1));
    close(fd);
    assert_int_equal(kc_props_load_file(props, path, &err), KC_ERR_INVALID);
    snprintf(expect, sizeof(expect),
             "could not parse \"%s\": line 3: malformed \\uxxxx encoding",
             path);
    assert_string_equal(err.msg, expect);
    unlink(path);

    assert_int_equal(kc_props_load_file(props, path, &err), KC_ERR_NOT_FOUND);
    snprintf(expect, sizeof(expect),
             "could not read \"%s\": No such file or directory", path);
    assert_string_equal(err.msg, expect);
    kc_props_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_props_javadoc_separators),
        cmocka_unit_test(test_props_javadoc_continuation),
        cmocka_unit_test(test_props_jdk_corner_cases),
        cmocka_unit_test(test_props_key_only),
        cmocka_unit_test(test_props_comments_and_blank),
        cmocka_unit_test(test_props_escapes),
        cmocka_unit_test(test_props_line_endings),
        cmocka_unit_test(test_props_last_duplicate_wins),
        cmocka_unit_test(test_props_errors_name_line),
        cmocka_unit_test(test_props_parse_adds_to_existing),
        cmocka_unit_test(test_props_map_operations),
        cmocka_unit_test(test_props_load_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
