#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write tests/golden/pipeline_cases.jsonl (format: GenPipelineGolden.java).

Each case runs one step of Apache's pipeline (JsonConverter in, a
transform, JsonConverter out) in Java; tests/unit/test_pipeline_golden.c
runs the same step in kconnect and compares bytes, text and error texts.
"""
import json
import sys

T = "org.apache.kafka.connect.transforms."
DEC = "org.apache.kafka.connect.data.Decimal"
cases = []


def tx(cid, cls, props, inp, schemas=True, write=None):
    c = {"id": cid, "kind": "transform", "class": T + cls, "props": props,
         "schemas": schemas, "input": inp}
    if write:
        c["write"] = write
    cases.append(c)


def conv(cid, config, inp, write=None):
    c = {"id": cid, "kind": "convert", "config": config, "input": inp}
    if write:
        c["write"] = write
    cases.append(c)


def env(schema, payload):
    return json.dumps({"schema": schema, "payload": payload},
                      separators=(",", ":"))


# ---- Flatten on schemaless maps: Java's order through the pipeline ----
nested = ('{"z":1,"a":{"y":2,"b":3,"c":{"q":1,"e":2}},"m":4,"b":5,'
          '"zz":6,"aa":7}')
tx("flatten_nested_order", "Flatten$Value", {}, nested, schemas=False)
tx("flatten_nested_order_delim", "Flatten$Value", {"delimiter": "_"}, nested,
   schemas=False)
many = "{" + ",".join('"key%d":{"v%d":%d,"a":[1,2],"n":null}' % (i, i, i)
                      for i in range(14)) + "}"
tx("flatten_resized_table", "Flatten$Value", {}, many, schemas=False)
tx("flatten_deep_mixed", "Flatten$Value", {},
   '{"outer":{"x":"s","inner":{"t":true,"f":1.5,"deeper":{"k":"v"}}},'
   '"Aa":1,"BB":2,"list":[{"a":1}],"e":{}}', schemas=False)

# ---- MaskField on Decimal: BigDecimal.ZERO, replacement's own scale ----
dec2 = {"type": "bytes", "name": DEC, "version": 1,
        "parameters": {"scale": "2"}, "optional": False}
st = {"type": "struct", "optional": False,
      "fields": [dict(dec2, field="d"),
                 {"type": "string", "optional": False, "field": "s"}]}
dec_in = env(st, {"d": "BNI=", "s": "x"})  # 12.34
num = {"decimal.format": "NUMERIC"}
tx("mask_decimal_zero_numeric", "MaskField$Value", {"fields": "d"}, dec_in,
   write=num)
tx("mask_decimal_zero_base64", "MaskField$Value", {"fields": "d"}, dec_in)
for r, tag in (("42", "int"), ("4.5", "frac"), ("1e3", "exp"),
               ("-0.500", "scale3")):
    tx("mask_decimal_replacement_" + tag, "MaskField$Value",
       {"fields": "d", "replacement": r}, dec_in, write=num)
tx("mask_decimal_replacement_same_scale", "MaskField$Value",
   {"fields": "d", "replacement": "1.25"}, dec_in)

# ---- Decimal from a JSON number: the number's own scale ----
for p, tag in (("1.5", "fewer_digits"), ("1E+3", "exponent"),
               ("1e3", "exponent_lower"), ("12.345", "more_digits"),
               ("12", "integer"), ("1.50", "same_scale"),
               ("-0.0", "negative_zero"), ("123456789012345678901234.5678",
                                           "big")):
    inp = env(dec2, json.loads(p) if False else None).replace("null", p)
    conv("decimal_number_" + tag + "_numeric",
         {"decimal.format": "NUMERIC"}, inp)
    conv("decimal_number_" + tag + "_base64", {}, inp)
for p, tag in (("1E+2147483647", "max_exponent"),
               ("1E-2147483647", "min_exponent"), ("-0.000", "negative_zero3"),
               ("1e0", "e0"), ("123.456e-3", "fraction_exponent"),
               ("-12.5E+7", "negative_exponent_form"), ("0E+5", "zero_exp"),
               ("1E-2147483649", "scale_out_of_int")):
    conv("decimal_number_" + tag + "_numeric", {"decimal.format": "NUMERIC"},
         env(dec2, None).replace("null", p))
conv("error_decimal_bad_base64", {}, env(dec2, "@@@"))
dstruct = {"type": "struct", "optional": False,
           "fields": [dict(dec2, field="d")]}
conv("decimal_number_in_struct_numeric", {"decimal.format": "NUMERIC"},
     env(dstruct, {"d": 0}).replace('"d":0', '"d":7.1'))

# ---- Header converter JsonConverter with schemaless maps/arrays ----
for lit, tag in (('{"a":1,"b":"x"}', "map_mixed_values"),
                 ('{"a":1,"b":2}', "map_same_values"),
                 ('[1,"x"]', "array_mixed_items"), ('[1,2]', "array_int8"),
                 ('[]', "array_empty"),
                 ('{"a":[1,"x"],"b":{"c":true}}', "map_nested_mixed"),
                 ('[{"a":1},{"b":"x"}]', "array_of_maps"),
                 ('{"zz":1,"b":2,"aa":3,"a":4}', "map_order"),
                 ('{"k9":{"z":1,"y":2},"k1":[{"q":true,"c":false}]}',
                  "nested_map_order")):
    cases.append({"id": "header_" + tag, "kind": "header", "literal": lit})

# ---- Error texts: converters ----
conv("error_json_syntax_schemas", {}, '{"a":')
conv("error_json_syntax_schemaless", {"schemas.enable": "false"}, "not json")
conv("error_json_trailing_garbage", {"schemas.enable": "false"}, '{"a":1} }')
conv("error_json_no_envelope", {}, '{"a":1}')
conv("error_json_envelope_extra_field", {},
     '{"schema":null,"payload":1,"x":2}')
conv("error_json_unknown_schema_type", {},
     '{"schema":{"type":"nope"},"payload":1}')
conv("error_json_required_null", {},
     '{"schema":{"type":"int32","optional":false},"payload":null}')
conv("error_json_struct_not_object", {},
     env({"type": "struct", "optional": False,
          "fields": [{"type": "int32", "optional": False, "field": "a"}]},
         [1]))
conv("error_json_array_not_array", {},
     env({"type": "array", "items": {"type": "int32"}, "optional": False},
         {"a": 1}))
conv("error_json_map_string_keys_not_object", {},
     env({"type": "map", "keys": {"type": "string"},
          "values": {"type": "int32"}, "optional": False}, [1]))
conv("error_json_bad_base64", {},
     env({"type": "bytes", "optional": False}, "@@@"))
conv("error_json_schema_not_object", {}, '{"schema":5,"payload":1}')

# ---- Error texts: transforms ----
person = {"type": "struct", "optional": False, "fields": [
    {"type": "int32", "optional": False, "field": "id"},
    {"type": "string", "optional": True, "field": "name"}]}
pin = env(person, {"id": 7, "name": "ann"})
tx("error_extract_field_unknown", "ExtractField$Value", {"field": "nope"},
   pin)
tx("error_extract_field_not_struct", "ExtractField$Value", {"field": "a"},
   env({"type": "string", "optional": False}, "x"))
tx("error_extract_field_schemaless_not_map", "ExtractField$Value",
   {"field": "a"}, '"x"', schemas=False)
tx("error_value_to_key_missing", "ValueToKey", {"fields": "nope"}, pin)
tx("error_value_to_key_schemaless_not_map", "ValueToKey", {"fields": "a"},
   "[1]", schemas=False)
tx("error_insert_field_not_struct", "InsertField$Value",
   {"static.field": "f", "static.value": "v"},
   env({"type": "int32", "optional": False}, 1))
tx("error_insert_field_schemaless_not_map", "InsertField$Value",
   {"static.field": "f", "static.value": "v"}, '"x"', schemas=False)
tx("error_replace_field_not_struct", "ReplaceField$Value",
   {"exclude": "a"}, env({"type": "string", "optional": False}, "x"))
tx("error_hoist_none", "HoistField$Value", {"field": "f"}, pin)
tx("error_flatten_not_struct", "Flatten$Value", {},
   env({"type": "string", "optional": False}, "x"))
tx("error_flatten_schemaless_not_map", "Flatten$Value", {}, "[1]",
   schemas=False)
tx("error_mask_field_not_struct", "MaskField$Value", {"fields": "a"},
   env({"type": "string", "optional": False}, "x"))
tx("error_mask_field_bad_replacement", "MaskField$Value",
   {"fields": "id", "replacement": "abc"}, pin)
tx("error_cast_string_to_int", "Cast$Value", {"spec": "int32"},
   env({"type": "string", "optional": False}, "abc"))
tx("error_cast_schemaless_string_to_int", "Cast$Value", {"spec": "int32"},
   '"abc"', schemas=False)
tx("error_cast_field_string_to_int", "Cast$Value", {"spec": "name:int32"},
   pin)
tx("error_cast_unsupported_type", "Cast$Value", {"spec": "int32"},
   env({"type": "array", "items": {"type": "int32"}, "optional": False},
       [1]))
tx("error_cast_struct_whole", "Cast$Value", {"spec": "int64"}, pin)
tx("error_timestamp_converter_parse", "TimestampConverter$Value",
   {"target.type": "Timestamp", "format": "yyyy-MM-dd"},
   env({"type": "string", "optional": False}, "not a date"))
tx("error_timestamp_converter_missing_field", "TimestampConverter$Value",
   {"target.type": "unix", "field": "nope"}, pin)
tx("error_set_schema_metadata_schemaless", "SetSchemaMetadata$Value",
   {"schema.name": "n"}, '{"a":1}', schemas=False)
tx("error_header_from_missing", "HeaderFrom$Value",
   {"fields": "nope", "headers": "h", "operation": "copy"}, pin)
tx("error_timestamp_router_no_timestamp", "TimestampRouter", {}, pin)

# ---- more transform failures ----
tx("error_extract_field_key_side_not_struct", "ExtractField$Key",
   {"field": "a"}, pin)  # the key is null: passes through
tx("error_replace_field_schemaless_not_map", "ReplaceField$Value",
   {"exclude": "a"}, '"x"', schemas=False)
tx("error_replace_field_rename_missing", "ReplaceField$Value",
   {"renames": "nope:x"}, pin)
tx("error_hoist_schemaless", "HoistField$Value", {"field": "f"}, '"x"',
   schemas=False)
tx("error_value_to_key_not_struct", "ValueToKey", {"fields": "a"},
   env({"type": "string", "optional": False}, "x"))
tx("error_value_to_key_schemaless_missing", "ValueToKey", {"fields": "a"},
   '{"b":1}', schemas=False)
tx("error_mask_field_missing", "MaskField$Value", {"fields": "nope"}, pin)
tx("error_mask_field_schemaless_not_map", "MaskField$Value",
   {"fields": "a"}, '"x"', schemas=False)
tx("error_mask_field_struct_field", "MaskField$Value", {"fields": "s"},
   env({"type": "struct", "optional": False, "fields": [
       dict(person, field="s")]}, {"s": {"id": 1, "name": "x"}}))
tx("error_mask_field_custom_bytes", "MaskField$Value",
   {"fields": "b", "replacement": "x"},
   env({"type": "struct", "optional": False, "fields": [
       {"type": "bytes", "optional": False, "field": "b"}]}, {"b": "AQ=="}))
tx("error_cast_to_int_float_text", "Cast$Value", {"spec": "int32"},
   env({"type": "string", "optional": False}, "1.5"))
tx("error_cast_to_boolean_text", "Cast$Value", {"spec": "boolean"},
   env({"type": "string", "optional": False}, "yes"))
tx("error_cast_map_field", "Cast$Value", {"spec": "m:string"},
   env({"type": "struct", "optional": False, "fields": [
       {"type": "map", "keys": {"type": "string"},
        "values": {"type": "int32"}, "optional": False, "field": "m"}]},
       {"m": {"a": 1}}))
tx("error_cast_schemaless_map_whole", "Cast$Value", {"spec": "string"},
   '{"a":1}', schemas=False)
tx("error_cast_schemaless_field_missing_ok", "Cast$Value",
   {"spec": "nope:int32"}, '{"a":"1"}', schemas=False)
tx("error_cast_bytes_to_int", "Cast$Value", {"spec": "int32"},
   env({"type": "bytes", "optional": False}, "AQ=="))
tx("error_timestamp_converter_schemaless_parse", "TimestampConverter$Value",
   {"target.type": "Timestamp", "format": "yyyy-MM-dd"}, '"nope"',
   schemas=False)
tx("error_timestamp_converter_wrong_type", "TimestampConverter$Value",
   {"target.type": "string", "format": "yyyy"},
   env({"type": "boolean", "optional": False}, True))
tx("error_timestamp_converter_schemaless_wrong_type",
   "TimestampConverter$Value", {"target.type": "string", "format": "yyyy"},
   "true", schemas=False)
tx("error_timestamp_converter_field_not_struct", "TimestampConverter$Value",
   {"target.type": "unix", "field": "ts"},
   env({"type": "string", "optional": False}, "x"))
tx("error_timestamp_converter_schemaless_field_not_map",
   "TimestampConverter$Value", {"target.type": "unix", "field": "ts"},
   '"x"', schemas=False)
tx("error_flatten_schemaless_struct_in_map", "Flatten$Value", {},
   '{"a":1}', schemas=False)
tx("error_insert_field_key_schemaless", "InsertField$Key",
   {"static.field": "f", "static.value": "v"}, pin)
tx("error_extract_field_schemaless_missing", "ExtractField$Value",
   {"field": "nope"}, '{"a":1}', schemas=False)
tx("error_set_schema_metadata_struct_ok", "SetSchemaMetadata$Value",
   {"schema.name": "n", "schema.version": "3"}, pin)
tx("error_drop_headers_ok", "DropHeaders", {"headers": "h"}, pin)
tx("error_regex_router_ok", "RegexRouter",
   {"regex": "(.*)", "replacement": "x-$1"}, pin)

# ---- other converters writing what a transform or JsonConverter made ----
BA = "org.apache.kafka.connect.converters.ByteArrayConverter"
SC = "org.apache.kafka.connect.storage.StringConverter"


def conv_out(cid, out, inp, schemas=True):
    cases.append({"id": cid, "kind": "convert",
                  "config": {"schemas.enable": str(schemas).lower()},
                  "input": inp, "out_converter": out})


conv_out("error_bytearray_string_schema", BA,
         env({"type": "string", "optional": False}, "x"))
conv_out("error_bytearray_schemaless_string", BA, '"x"', schemas=False)
conv_out("error_bytearray_schemaless_map", BA, '{"a":1}', schemas=False)
conv_out("bytearray_bytes", BA, env({"type": "bytes", "optional": False},
                                    "YWJj"))
conv_out("string_converter_struct", SC, pin)
conv_out("string_converter_schemaless_map", SC,
         '{"b":1,"a":[1,{"z":null}],"c":"x"}', schemas=False)
SH = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
conv_out("simple_header_hashmap_order", SH,
         '{"zz":6,"aa":7,"a":{"y":2,"b":3},"m":4,"b":5}', schemas=False)
conv_out("simple_header_decimal_own_scale", SH,
         env(dec2, None).replace("null", "1E+3"))
conv_out("string_converter_decimal_own_scale", SC,
         env(dec2, None).replace("null", "1E+3"))

# ---- Cast of Decimals (their own scale, Java's BigDecimal texts) ----
dec7 = dict(dec2, parameters={"scale": "7"})
for spec in ("string", "float64", "int32", "int64", "boolean"):
    tx("cast_decimal_small_to_" + spec, "Cast$Value", {"spec": spec},
       env(dec7, "AQ=="))  # 1E-7
    tx("cast_decimal_own_scale_to_" + spec, "Cast$Value", {"spec": spec},
       env(dec2, None).replace("null", "1E+3"))
tx("cast_decimal_field_to_string", "Cast$Value", {"spec": "d:string"},
   env(st, {"d": "BNI=", "s": "x"}))

# ---- map order on the way out: Java's HashMaps write in hash order ----
conv("map_order_schemaless_passthrough", {"schemas.enable": "false"},
     '{"zz":6,"aa":7,"a":{"y":2,"b":3,"c":{"q":1,"e":2}},"m":4,"b":5,'
     '"list":[{"k2":1,"k1":2}]}')
conv("map_order_schema_passthrough", {},
     env({"type": "map", "keys": {"type": "string", "optional": False},
          "values": {"type": "int32", "optional": False},
          "optional": False}, None).replace(
         "null", '{"zz":6,"aa":7,"m":4,"b":5,"a":1}'))
conv("map_order_int_keys", {},
     env({"type": "map", "keys": {"type": "int32", "optional": False},
          "values": {"type": "string", "optional": False},
          "optional": False}, None).replace(
         "null", '[[40,"a"],[3,"b"],[17,"c"],[-1,"d"]]'))


def chain(cid, steps, inp, schemas=False, write=None):
    c = {"id": cid, "kind": "transform",
         "chain": [[T + cls, props] for cls, props in steps],
         "schemas": schemas, "input": inp}
    if write:
        c["write"] = write
    cases.append(c)


chain("map_order_hoist_insert", [
    ("HoistField$Value", {"field": "line"}),
    ("InsertField$Value", {"static.field": "src", "static.value": "file",
                           "topic.field": "t"})], '"hello"')
chain("map_order_insert_replace", [
    ("InsertField$Value", {"static.field": "a", "static.value": "x"}),
    ("ReplaceField$Value", {"renames": "zz:b1,m:aa2"})],
    '{"zz":6,"aa":7,"m":4}')
chain("map_order_mask_cast", [
    ("MaskField$Value", {"fields": "m"}),
    ("Cast$Value", {"spec": "zz:string"})], '{"zz":6,"aa":7,"m":4,"q":1}')
chain("map_order_value_to_key_flatten", [
    ("Flatten$Value", {}), ("InsertField$Value",
                            {"static.field": "new", "static.value": "v"})],
    '{"zz":{"b":1,"a":2},"aa":7}')

with open(sys.argv[1], "w") as f:
    for c in cases:
        f.write(json.dumps(c, sort_keys=True) + "\n")
