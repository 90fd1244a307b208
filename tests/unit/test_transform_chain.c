/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transform chain: Apache's transforms/predicates config syntax,
 * predicate and negate semantics (TransformationStage: apply when
 * negate XOR test), Filter, error messages naming alias and key, REST
 * validation issues, and the registered class names.
 */
#include "kc_transform_test.h"

static void test_registered_names(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const transforms[] = {
        "org.apache.kafka.connect.transforms.InsertField$Value",
        "org.apache.kafka.connect.transforms.InsertField$Key",
        "org.apache.kafka.connect.transforms.ValueToKey",
        "org.apache.kafka.connect.transforms.ExtractField$Key",
        "org.apache.kafka.connect.transforms.ReplaceField$Value",
        "org.apache.kafka.connect.transforms.MaskField$Value",
        "org.apache.kafka.connect.transforms.HoistField$Value",
        "org.apache.kafka.connect.transforms.Cast$Value",
        "org.apache.kafka.connect.transforms.RegexRouter",
        "org.apache.kafka.connect.transforms.TimestampRouter",
        "org.apache.kafka.connect.transforms.Filter",
        "org.apache.kafka.connect.transforms.DropHeaders",
        "org.apache.kafka.connect.transforms.InsertHeader",
        "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
        "org.apache.kafka.connect.transforms.Flatten$Value",
        "org.apache.kafka.connect.transforms.HeaderFrom$Key",
        "org.apache.kafka.connect.transforms.TimestampConverter$Value",
        "ValueToKey",
        "RegexRouter",
        "Cast$Key",
    };
    static const char *const predicates[] = {
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        "TopicNameMatches",
    };

    for (size_t i = 0; i < sizeof(transforms) / sizeof(*transforms); i++) {
        if (kc_registry_find(fx->reg, KC_PLUGIN_TRANSFORM, transforms[i]) ==
            NULL) {
            fail_msg("transform %s not registered", transforms[i]);
        }
    }
    for (size_t i = 0; i < sizeof(predicates) / sizeof(*predicates); i++) {
        if (kc_registry_find(fx->reg, KC_PLUGIN_PREDICATE, predicates[i]) ==
            NULL) {
            fail_msg("predicate %s not registered", predicates[i]);
        }
    }
    /* A predicate is not a transform. */
    assert_null(
        kc_registry_find(fx->reg, KC_PLUGIN_TRANSFORM, "TopicNameMatches"));
}

static void test_empty_chain(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "orders");

    tx_chain(fx, "name=c\n");
    assert_int_equal(kc_transform_chain_len(fx->chain), 0);
    rec->value = tx_str("v");
    assert_false(tx_apply(fx, rec));
    assert_string_equal(rec->topic, "orders");
    tx_assert_str(&rec->value, "v");
}

static void test_order(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "db.orders");
    static const char *const keys[] = {"id"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT32, 7)};

    /* Route first, then insert the (new) topic into the value. */
    tx_chain(fx, "transforms=route,ins\n"
                 "transforms.route.type=org.apache.kafka.connect.transforms."
                 "RegexRouter\n"
                 "transforms.route.regex=db\\\\.(.*)\n"
                 "transforms.route.replacement=copy-$1\n"
                 "transforms.ins.type=InsertField$Value\n"
                 "transforms.ins.topic.field=t\n");
    assert_int_equal(kc_transform_chain_len(fx->chain), 2);
    rec->value = tx_map(fx, 1, keys, vals);
    assert_false(tx_apply(fx, rec));
    assert_string_equal(rec->topic, "copy-orders");
    tx_assert_str(tx_get(&rec->value, "t"), "copy-orders");
    tx_assert_int(tx_get(&rec->value, "id"), KC_TYPE_INT32, 7);
}

static void test_filter_with_topic_predicate(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *a = tx_record(fx, "logs-debug");
    kc_record_t *b = tx_record(fx, "orders");

    tx_chain(fx, "transforms=drop\n"
                 "transforms.drop.type=org.apache.kafka.connect.transforms."
                 "Filter\n"
                 "transforms.drop.predicate=isLog\n"
                 "predicates=isLog\n"
                 "predicates.isLog.type=org.apache.kafka.connect.transforms."
                 "predicates.TopicNameMatches\n"
                 "predicates.isLog.pattern=logs-.*\n");
    assert_true(tx_apply(fx, a));
    assert_false(tx_apply(fx, b));
}

static void test_negate(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *a = tx_record(fx, "logs-debug");
    kc_record_t *b = tx_record(fx, "orders");

    tx_chain(fx, "transforms=keep\n"
                 "transforms.keep.type=Filter\n"
                 "transforms.keep.predicate=isLog\n"
                 "transforms.keep.negate=true\n"
                 "predicates=isLog\n"
                 "predicates.isLog.type=TopicNameMatches\n"
                 "predicates.isLog.pattern=logs-.*\n");
    /* negate: the filter runs on records that do NOT match. */
    assert_false(tx_apply(fx, a));
    assert_true(tx_apply(fx, b));
}

static void test_tombstone_predicate(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *tomb = tx_record(fx, "t");
    kc_record_t *live = tx_record(fx, "t");

    live->value = tx_str("x");
    tx_chain(fx, "transforms=f\n"
                 "transforms.f.type=Filter\n"
                 "transforms.f.predicate=tomb\n"
                 "predicates=tomb\n"
                 "predicates.tomb.type=RecordIsTombstone\n");
    assert_true(tx_apply(fx, tomb));
    assert_false(tx_apply(fx, live));
}

static void test_header_predicate(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *with = tx_record(fx, "t");
    kc_record_t *without = tx_record(fx, "t");
    kc_value_t v = tx_str("1");

    kc_record_add_header(fx->arena, with, "trace", NULL, &v);
    kc_record_add_header(fx->arena, without, "other", NULL, &v);
    tx_chain(fx, "transforms=f\n"
                 "transforms.f.type=Filter\n"
                 "transforms.f.predicate=h\n"
                 "predicates=h\n"
                 "predicates.h.type=HasHeaderKey\n"
                 "predicates.h.name=trace\n");
    assert_true(tx_apply(fx, with));
    assert_false(tx_apply(fx, without));
}

static void test_stop_after_drop(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    /* After Filter drops, later stages do not run (no route to "x"). */
    tx_chain(fx, "transforms=f,r\n"
                 "transforms.f.type=Filter\n"
                 "transforms.r.type=RegexRouter\n"
                 "transforms.r.regex=.*\n"
                 "transforms.r.replacement=x\n");
    assert_true(tx_apply(fx, rec));
    assert_string_equal(rec->topic, "t");
}

static void test_config_errors(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    assert_non_null(strstr(tx_chain_error(fx, "transforms=a\n", &err),
                           "Missing required configuration "
                           "\"transforms.a.type\" which has no default "
                           "value."));
    assert_non_null(strstr(tx_chain_error(fx,
                                          "transforms=a\n"
                                          "transforms.a.type=com.x.Nope\n",
                                          &err),
                           "Invalid value com.x.Nope for configuration "
                           "transforms.a.type: Class com.x.Nope could not be "
                           "found."));
    assert_non_null(strstr(tx_chain_error(fx,
                                          "transforms=a,a\n"
                                          "transforms.a.type=Filter\n",
                                          &err),
                           "Duplicate alias provided."));
    assert_non_null(strstr(tx_chain_error(fx,
                                          "transforms=a\n"
                                          "transforms.a.type=Filter\n"
                                          "transforms.a.negate=true\n",
                                          &err),
                           "Config 'transforms.a.negate' was provided but "
                           "there is no config 'transforms.a.predicate' "
                           "defining a predicate to be negated."));
    assert_non_null(strstr(tx_chain_error(fx,
                                          "transforms=a\n"
                                          "transforms.a.type=Filter\n"
                                          "transforms.a.predicate=p\n",
                                          &err),
                           "transforms.a.predicate"));
    /* A listed predicate is checked even when no transform uses it. */
    assert_non_null(strstr(tx_chain_error(fx,
                                          "predicates=p\n"
                                          "predicates.p.type=com.x.Nope\n",
                                          &err),
                           "predicates.p.type"));
    /* A transform's own key is named with its full prefix. */
    tx_chain_error(fx,
                   "transforms=r\n"
                   "transforms.r.type=RegexRouter\n"
                   "transforms.r.replacement=x\n",
                   &err);
    assert_non_null(strstr(err.msg, "transform \"r\""));
    assert_non_null(strstr(err.msg, "\"transforms.r.regex\": Missing "
                                    "required configuration "
                                    "\"transforms.r.regex\""));
    /* A configure-time error of the transform names the alias. */
    tx_chain_error(fx,
                   "transforms=i\n"
                   "transforms.i.type=InsertField$Value\n",
                   &err);
    assert_non_null(strstr(err.msg, "could not configure transform \"i\": "
                                    "No field insertion configured"));
    /* And a predicate's. */
    tx_chain_error(fx,
                   "transforms=f\n"
                   "transforms.f.type=Filter\n"
                   "transforms.f.predicate=p\n"
                   "predicates=p\n"
                   "predicates.p.type=TopicNameMatches\n",
                   &err);
    assert_non_null(strstr(err.msg, "predicate \"p\""));
    assert_non_null(strstr(err.msg, "predicates.p.pattern"));
}

static void test_apply_error_names_alias(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    rec->value = tx_str("not a map");
    tx_chain(fx, "transforms=vk\n"
                 "transforms.vk.type=ValueToKey\n"
                 "transforms.vk.fields=id\n");
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg,
                        "Only Map objects supported "
                        "in absence of schema for [copying fields from value "
                        "to key], found: java.lang.String");
}

/* The failing alias is a field of the error, for the error handler. */
static void test_apply_error_sets_origin_to_the_alias(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    rec->value = tx_str("not a map");
    tx_chain(fx, "transforms=ok,vk\n"
                 "transforms.ok.type=InsertHeader\n"
                 "transforms.ok.header=h\n"
                 "transforms.ok.value.literal=x\n"
                 "transforms.vk.type=ValueToKey\n"
                 "transforms.vk.fields=id\n");
    tx_apply_error(fx, rec, &err);
    assert_string_equal(kc_error_origin(&err), "vk");
}

static void test_validate(void **state)
{
    tx_fixture_t *fx = *state;
    kc_config_result_t result = {0};
    kc_props_t *props = tx_props("transforms=a,b,c\n"
                                 "transforms.a.type=com.x.Nope\n"
                                 "transforms.b.type=ValueToKey\n"
                                 "transforms.c.type=Filter\n"
                                 "transforms.c.predicate=p\n"
                                 "predicates=p\n"
                                 "predicates.p.type=TopicNameMatches\n"
                                 "predicates.p.pattern=[\n");

    kc_transform_chain_validate(fx->reg, props, &result);
    assert_int_equal(result.count, 3);
    assert_non_null(kc_config_result_first(&result, "transforms.a.type"));
    assert_non_null(
        strstr(kc_config_result_first(&result, "transforms.b.fields"),
               "Missing required configuration "
               "\"transforms.b.fields\""));
    assert_non_null(
        strstr(kc_config_result_first(&result, "predicates.p.pattern"),
               "Invalid value [ for configuration "
               "predicates.p.pattern"));
    kc_config_result_release(&result);
    kc_props_destroy(props);

    props = tx_props("transforms=b\n"
                     "transforms.b.type=ValueToKey\n"
                     "transforms.b.fields=id\n");
    kc_transform_chain_validate(fx->reg, props, &result);
    assert_int_equal(result.count, 0);
    kc_config_result_release(&result);
    kc_props_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registered_names, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_chain, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_order, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_filter_with_topic_predicate,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_negate, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tombstone_predicate, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_header_predicate, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_stop_after_drop, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_config_errors, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_apply_error_names_alias, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(
            test_apply_error_sets_origin_to_the_alias, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_validate, tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
