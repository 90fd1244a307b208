/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RegexRouter and TimestampRouter, as Apache's RegexRouterTest and
 * TimestampRouterTest. The Java regex layer itself is checked against
 * java.util.regex by test_java_regex.
 */
#include "kc_transform_test.h"

static const char *route(tx_fixture_t *fx, const char *regex,
                         const char *replacement, const char *topic)
{
    char *text = kc_asprintf("transforms=r\n"
                             "transforms.r.type=RegexRouter\n"
                             "transforms.r.regex=%s\n"
                             "transforms.r.replacement=%s\n",
                             regex, replacement);
    kc_record_t *rec = tx_record(fx, topic);

    tx_chain(fx, text);
    kc_free(text);
    tx_apply(fx, rec);
    return rec->topic;
}

static void test_regex_router(void **state)
{
    tx_fixture_t *fx = *state;

    /* Properties text: "\\\\" is one backslash after parsing. */
    assert_string_equal(route(fx, "(.*)", "prefix-$1", "orig"), "prefix-orig");
    assert_string_equal(route(fx, "(.*)", "$1-suffix", "orig"), "orig-suffix");
    assert_string_equal(route(fx, "(.*)", "\\\\$1", "orig"), "$1");
    assert_string_equal(route(fx, "([a-z]+)-(\\\\d+)", "$2_$1", "abc-123"),
                        "123_abc");
    assert_string_equal(route(fx, "(?:db)\\\\.(\\\\w+)", "x-$1", "db.users"),
                        "x-users");
    /* No full match: the topic is kept. */
    assert_string_equal(route(fx, "foo", "bar", "foobar"), "foobar");
    assert_string_equal(route(fx, "a.*", "z", "ba"), "ba");
}

static void test_regex_router_bad_regex(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=r\n"
                   "transforms.r.type=RegexRouter\n"
                   "transforms.r.regex=(abc\n"
                   "transforms.r.replacement=x\n",
                   &err);
    assert_non_null(strstr(err.msg, "\"transforms.r.regex\": Invalid value "
                                    "(abc for configuration "
                                    "transforms.r.regex"));
}

/* Values from Apache's RegexRouter (tests/golden/regex: lazy, named). */
static void test_regex_router_lazy_groups_capture_as_java(void **state)
{
    tx_fixture_t *fx = *state;

    assert_string_equal(route(fx, "(.*?)-(.*)", "$1", "a-b-c"), "a");
}

static void test_regex_router_named_groups_and_inline_flags(void **state)
{
    tx_fixture_t *fx = *state;

    assert_string_equal(route(fx, "(?i)(?<name>ORDERS)_(?<region>[A-Z]{2})",
                              "${region}.${name}", "orders_eu"),
                        "eu.orders");
    /* matches() first, then replaceFirst() finds "a" again: "Xb". */
    assert_string_equal(route(fx, "a|ab", "X", "ab"), "Xb");
}

static void test_timestamp_router(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "test");
    kc_record_t *none = tx_record(fx, "test");
    kc_error_t err = {0};

    /* 1483425001864 ms = 2017-01-03T06:30:01.864Z (Apache's test value). */
    tx_chain(fx, "transforms=ts\n"
                 "transforms.ts.type=org.apache.kafka.connect.transforms."
                 "TimestampRouter\n");
    rec->timestamp = 1483425001864LL;
    tx_apply(fx, rec);
    assert_string_equal(rec->topic, "test-20170103");

    tx_chain(fx, "transforms=ts\n"
                 "transforms.ts.type=TimestampRouter\n"
                 "transforms.ts.topic.format=${timestamp}_${topic}_x\n"
                 "transforms.ts.timestamp.format="
                 "yyyy-MM-dd'T'HH:mm:ss.SSS 'at' EEE MMM\n");
    rec->topic = "t";
    tx_apply(fx, rec);
    assert_string_equal(rec->topic, "2017-01-03T06:30:01.864 at Tue Jan_t_x");

    tx_apply_error(fx, none, &err);
    assert_non_null(strstr(err.msg, "Timestamp missing on record"));
}

static void test_timestamp_router_bad_format(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=ts\n"
                   "transforms.ts.type=TimestampRouter\n"
                   "transforms.ts.timestamp.format=yyyyq\n",
                   &err);
    assert_non_null(strstr(err.msg, "Illegal pattern character 'q'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_regex_router, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_regex_router_bad_regex, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(
            test_regex_router_lazy_groups_capture_as_java, tx_setup,
            tx_teardown),
        cmocka_unit_test_setup_teardown(
            test_regex_router_named_groups_and_inline_flags, tx_setup,
            tx_teardown),
        cmocka_unit_test_setup_teardown(test_timestamp_router, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_timestamp_router_bad_format,
                                        tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
