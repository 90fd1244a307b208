#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write json_converter_cases.jsonl: the inputs of the JsonConverter golden
test. Each line: {"id", "config", "schema", "value"} in a small
description both GenJsonGolden.java and tests/unit/test_json_golden.c
rebuild with their own APIs.

Schema: null, or {"type": "INT8".."STRUCT", "optional", "name", "version",
"doc", "params": [[k, v]...], "default": <value>, "items", "key", "value",
"fields": [[name, <schema>]...]}.
Value: ["null"], ["i8"|"i16"|"i32"|"i64", "<decimal>"], ["f32", "<hex bits>"],
["f64", "<hex bits>"], ["bool", b], ["str", "<base64 utf-8>"],
["bytes", "<base64>"], ["dec", "<base64 unscaled>", scale], ["arr", [...]],
["map", [[k, v]...]], ["struct", [<field values>...]]. Logical types take
their base representation (Date: days as i32, Time: ms as i32,
Timestamp: ms as i64).
"""
import base64
import json
import struct
import sys


def b64(b):
    return base64.b64encode(b).decode()


def s(text):
    return ["str", b64(text.encode("utf-8"))]


def i8(v):
    return ["i8", str(v)]


def i16(v):
    return ["i16", str(v)]


def i32(v):
    return ["i32", str(v)]


def i64(v):
    return ["i64", str(v)]


def f32(v):
    return ["f32", struct.pack(">f", v).hex()]


def f32bits(h):
    return ["f32", h]


def f64(v):
    return ["f64", struct.pack(">d", v).hex()]


def f64bits(h):
    return ["f64", h]


def bl(v):
    return ["bool", v]


def by(b):
    return ["bytes", b64(b)]


NULL = ["null"]


def unscaled(n):
    # Minimal two's complement, as BigInteger.toByteArray().
    length = (n if n >= 0 else ~n).bit_length() // 8 + 1
    return n.to_bytes(length, "big", signed=True)


def dec(n, scale):
    return ["dec", b64(unscaled(n)), scale]


def arr(*items):
    return ["arr", list(items)]


def mp(*pairs):
    return ["map", [list(p) for p in pairs]]


def st(*vals):
    return ["struct", list(vals)]


def sch(t, optional=False, **kw):
    d = {"type": t, "optional": optional}
    d.update(kw)
    return d


def decimal_schema(scale, optional=False, **kw):
    return sch("BYTES", optional, name="org.apache.kafka.connect.data.Decimal",
               version=1, params=[["scale", str(scale)]], **kw)


def date_schema(optional=False, **kw):
    return sch("INT32", optional, name="org.apache.kafka.connect.data.Date",
               version=1, **kw)


def time_schema(optional=False, **kw):
    return sch("INT32", optional, name="org.apache.kafka.connect.data.Time",
               version=1, **kw)


def ts_schema(optional=False, **kw):
    return sch("INT64", optional,
               name="org.apache.kafka.connect.data.Timestamp", version=1, **kw)


cases = []


def case(cid, schema, value, **config):
    cfg = {k.replace("_", "."): v for k, v in config.items()}
    cases.append({"id": cid, "config": cfg, "schema": schema, "value": value})


# Integers.
for t, f, lo, hi in [("INT8", i8, -128, 127), ("INT16", i16, -32768, 32767),
                     ("INT32", i32, -2**31, 2**31 - 1),
                     ("INT64", i64, -2**63, 2**63 - 1)]:
    for name, v in [("min", lo), ("max", hi), ("zero", 0), ("neg1", -1),
                    ("42", 42)]:
        case(f"{t.lower()}_{name}", sch(t), f(v))
    case(f"{t.lower()}_optional_null", sch(t, True), NULL)

# Floats.
F64 = [("one", 1.0), ("tenth", 0.1), ("1e10", 1e10), ("1e7", 1e7),
       ("9999999", 9999999.0), ("1e-3", 1e-3), ("9.99e-4", 9.99e-4),
       ("1e-7", 1e-7), ("1e20", 1e20), ("1e21", 1e21), ("1e22", 1e22),
       ("1e23", 1e23), ("neg", -123.456), ("pi", 3.141592653589793),
       ("third", 1 / 3), ("max", sys.float_info.max),
       ("min_normal", sys.float_info.min), ("big_int", 2.0**53),
       ("123456789.125", 123456789.125), ("0.5", 0.5), ("100", 100.0),
       ("1234567.0", 1234567.0), ("12345678.0", 12345678.0),
       ("2.82879384806159e17", 2.82879384806159e17),
       ("1.0e-5", 1.0e-5), ("5e-324", 5e-324), ("4.35", 4.35),
       ("0.001234", 0.001234), ("123e-20", 123e-20)]
for name, v in F64:
    case(f"float64_{name}", sch("FLOAT64"), f64(v))
case("float64_neg_zero", sch("FLOAT64"), f64(-0.0))
case("float64_zero", sch("FLOAT64"), f64(0.0))
case("float64_nan", sch("FLOAT64"), f64(float("nan")))
case("float64_inf", sch("FLOAT64"), f64(float("inf")))
case("float64_neg_inf", sch("FLOAT64"), f64(float("-inf")))
F32 = [("one", 1.0), ("tenth", 0.1), ("1e10", 1e10), ("1e-7", 1e-7),
       ("1e20", 1e20), ("neg", -123.456), ("pi", 3.14159265),
       ("third", 1 / 3), ("1e7", 1e7), ("0.001", 0.001), ("16777216", 2.0**24),
       ("1.17549435e-38", 1.17549435e-38), ("3.4028235e38", 3.4028235e38)]
for name, v in F32:
    case(f"float32_{name}", sch("FLOAT32"), f32(v))
case("float32_min_subnormal", sch("FLOAT32"), f32bits("00000001"))
case("float32_neg_zero", sch("FLOAT32"), f32(-0.0))
case("float32_nan", sch("FLOAT32"), f32(float("nan")))
case("float32_inf", sch("FLOAT32"), f32(float("inf")))
case("float32_neg_inf", sch("FLOAT32"), f32(float("-inf")))

# Booleans, strings, bytes.
case("boolean_true", sch("BOOLEAN"), bl(True))
case("boolean_false", sch("BOOLEAN"), bl(False))
case("string_empty", sch("STRING"), s(""))
case("string_ascii", sch("STRING"), s("hello world"))
case("string_unicode", sch("STRING"), s("h\u00e9llo \u4e16\u754c \U0001F600"))
case("string_escapes", sch("STRING"),
     s("q\"b\\s/ n\n t\t r\r b\b f\f"))
case("string_controls", sch("STRING"),
     s("".join(chr(c) for c in range(0, 32)) + "\x7f"))
case("string_line_sep", sch("STRING"), s("a\u2028b\u2029c"))
case("string_optional_null", sch("STRING", True), NULL)
case("bytes_empty", sch("BYTES"), by(b""))
case("bytes_one", sch("BYTES"), by(b"\x00"))
case("bytes_two", sch("BYTES"), by(b"\xff\xfe"))
case("bytes_three", sch("BYTES"), by(b"abc"))
case("bytes_all", sch("BYTES"), by(bytes(range(256))))

# Schema metadata.
case("schema_name_version_doc",
     sch("STRING", name="com.example.Name", version=3, doc="a \"doc\""),
     s("x"))
case("schema_params", sch("INT32", params=[["b", "2"], ["a", "1"],
                                           ["c", "\u00e9"]]), i32(7))
case("schema_default_int", sch("INT32", default=i32(5)), i32(6))
case("schema_default_used", sch("INT32", True, default=i32(5)), NULL)
case("schema_default_not_used", sch("INT32", True, default=i32(5)), NULL,
     replace_null_with_default="false")
case("schema_default_string", sch("STRING", True, default=s("dflt")), s("v"))

# Logical types.
case("decimal_base64", decimal_schema(4), dec(102345, 4))
case("decimal_base64_neg", decimal_schema(2), dec(-12345, 2))
case("decimal_base64_big", decimal_schema(10),
     dec(123456789012345678901234567890123, 10))
case("decimal_base64_zero", decimal_schema(3), dec(0, 3))
case("decimal_base64_neg128", decimal_schema(0), dec(-128, 0))
case("decimal_base64_128", decimal_schema(0), dec(128, 0))
case("decimal_numeric", decimal_schema(4), dec(102345, 4),
     decimal_format="NUMERIC")
case("decimal_numeric_neg", decimal_schema(2), dec(-12345, 2),
     decimal_format="numeric")
case("decimal_numeric_big", decimal_schema(10),
     dec(-123456789012345678901234567890123, 10), decimal_format="NUMERIC")
case("decimal_numeric_small", decimal_schema(10), dec(12, 10),
     decimal_format="NUMERIC")
case("decimal_numeric_frac", decimal_schema(5), dec(1, 5),
     decimal_format="NUMERIC")
case("decimal_numeric_zero_scale7", decimal_schema(7), dec(0, 7),
     decimal_format="NUMERIC")
case("decimal_numeric_scale0", decimal_schema(0), dec(987654321, 0),
     decimal_format="NUMERIC")
case("decimal_numeric_neg_scale", decimal_schema(-3), dec(42, -3),
     decimal_format="NUMERIC")
case("decimal_optional_null", decimal_schema(2, True), NULL)
case("decimal_default", decimal_schema(2, True, default=dec(150, 2)), NULL)
case("date", date_schema(), i32(19000))
case("date_neg", date_schema(), i32(-1))
case("time", time_schema(), i32(45296789))
case("time_zero", time_schema(), i32(0))
case("timestamp", ts_schema(), i64(1700000000123))
case("timestamp_neg", ts_schema(), i64(-86400001))
case("timestamp_optional_null", ts_schema(True), NULL)

# Arrays and maps.
case("array_int32", sch("ARRAY", items=sch("INT32")),
     arr(i32(1), i32(2), i32(3)))
case("array_empty", sch("ARRAY", items=sch("STRING")), arr())
case("array_optional_items", sch("ARRAY", items=sch("STRING", True)),
     arr(s("a"), NULL, s("c")))
case("array_of_arrays", sch("ARRAY", items=sch("ARRAY", items=sch("INT64"))),
     arr(arr(i64(1)), arr(), arr(i64(2), i64(3))))
case("map_string_keys", sch("MAP", key=sch("STRING"), value=sch("INT32")),
     mp((s("a"), i32(1)), (s("b"), i32(2))))
case("map_int_keys", sch("MAP", key=sch("INT32"), value=sch("STRING")),
     mp((i32(1), s("one")), (i32(2), s("two"))))
case("map_empty_string_keys",
     sch("MAP", key=sch("STRING"), value=sch("STRING")), mp())
case("map_empty_int_keys", sch("MAP", key=sch("INT8"), value=sch("STRING")),
     mp())
case("map_struct_values",
     sch("MAP", key=sch("STRING"),
         value=sch("STRUCT", fields=[["x", sch("INT32")]])),
     mp((s("k"), st(i32(9)))))
case("map_optional", sch("MAP", True, key=sch("STRING"), value=sch("BOOLEAN")),
     NULL)

# Structs.
PERSON = sch("STRUCT", name="com.example.Person", fields=[
    ["id", sch("INT64")],
    ["name", sch("STRING", True)],
    ["score", sch("FLOAT64", True)],
    ["tags", sch("ARRAY", True, items=sch("STRING"))],
])
case("struct_simple", PERSON,
     st(i64(7), s("Ann"), f64(9.5), arr(s("x"), s("y"))))
case("struct_nulls", PERSON, st(i64(8), NULL, NULL, NULL))
ADDRESS = sch("STRUCT", True, name="Address", fields=[
    ["street", sch("STRING")], ["zip", sch("INT32", True, default=i32(0))]])
NESTED = sch("STRUCT", fields=[
    ["name", sch("STRING")],
    ["address", ADDRESS],
    ["when", ts_schema(True)],
    ["amount", decimal_schema(2, True)],
    ["born", date_schema(True)],
    ["attrs", sch("MAP", True, key=sch("STRING"), value=sch("STRING", True))],
])
case("struct_nested", NESTED,
     st(s("Bob"), st(s("Main St"), i32(12345)), i64(1600000000000),
        dec(-995, 2), i32(365), mp((s("k1"), s("v1")), (s("k2"), NULL))))
case("struct_nested_nulls", NESTED,
     st(s("Bob"), st(s("Side St"), NULL), NULL, NULL, NULL, NULL))
case("struct_nested_nulls_no_replace", NESTED,
     st(s("Bob"), st(s("Side St"), NULL), NULL, NULL, NULL, NULL),
     replace_null_with_default="false")
case("struct_nested_numeric", NESTED,
     st(s("Bob"), NULL, NULL, dec(123456, 2), NULL, NULL),
     decimal_format="NUMERIC")
case("struct_all_primitives", sch("STRUCT", fields=[
    ["a", sch("INT8")], ["b", sch("INT16")], ["c", sch("INT32")],
    ["d", sch("INT64")], ["e", sch("FLOAT32")], ["f", sch("FLOAT64")],
    ["g", sch("BOOLEAN")], ["h", sch("STRING")], ["i", sch("BYTES")]]),
    st(i8(-1), i16(300), i32(70000), i64(5000000000), f32(1.5), f64(2.25),
       bl(True), s("s"), by(b"\x01\x02")))
# Field names that need escaping, one longer than 16 bytes, one non-ASCII:
# written twice by the C test (the second time from its keys cache).
case("struct_escaped_field_names", sch("STRUCT", fields=[
    ["quo\"te", sch("INT32")], ["back\\slash", sch("INT32")],
    ["ctl\x01\n", sch("INT32")], ["caf\u00e9 \U0001F600", sch("INT32")],
    ["a_field_name_longer_than_16", sch("INT32")]]),
    st(i32(1), i32(2), i32(3), i32(4), i32(5)))
case("struct_empty", sch("STRUCT", fields=[]), st())
case("struct_field_docs", sch("STRUCT", doc="outer", fields=[
    ["f", sch("STRING", doc="inner", name="n", version=2,
              params=[["p", "q"]])]]), st(s("v")))

# schemas.enable=false.
case("noschema_struct", PERSON, st(i64(7), s("Ann"), NULL, arr(s("x"))),
     schemas_enable="false")
case("noschema_int32", sch("INT32"), i32(5), schemas_enable="false")
case("noschema_decimal", decimal_schema(2), dec(12345, 2),
     schemas_enable="false")
case("noschema_decimal_numeric", decimal_schema(2), dec(12345, 2),
     schemas_enable="false", decimal_format="NUMERIC")
case("noschema_null_optional", sch("STRING", True), NULL,
     schemas_enable="false")

# Schemaless values (schema null).
case("schemaless_int64", None, i64(12), schemas_enable="false")
case("schemaless_int32", None, i32(12), schemas_enable="false")
case("schemaless_string", None, s("text"), schemas_enable="false")
case("schemaless_double", None, f64(1.5), schemas_enable="false")
case("schemaless_bool", None, bl(False), schemas_enable="false")
case("schemaless_bytes", None, by(b"hi"), schemas_enable="false")
case("schemaless_map", None,
     mp((s("a"), i64(1)), (s("b"), arr(bl(True), NULL, s("x"))),
        (s("c"), mp((s("d"), f64(0.25))))), schemas_enable="false")
case("schemaless_map_int_keys", None, mp((i32(1), s("a")), (i32(2), s("b"))),
     schemas_enable="false")
case("schemaless_array", None, arr(i64(1), s("two"), NULL, f64(3.5)),
     schemas_enable="false")
case("schemaless_with_envelope", None, mp((s("k"), s("v"))))
case("schemaless_int64_envelope", None, i64(-5))
case("schemaless_null_in_envelope", None, arr(NULL))
case("tombstone", None, NULL)
case("tombstone_noschema", None, NULL, schemas_enable="false")

# Errors Apache raises.
case("error_required_null", sch("INT32"), NULL)
case("error_struct_required_field_null", sch("STRUCT", fields=[
    ["a", sch("STRING")]]), st(NULL))

with open(sys.argv[1] if len(sys.argv) > 1 else "json_converter_cases.jsonl",
          "w") as out:
    for c in cases:
        out.write(json.dumps(c, ensure_ascii=True, sort_keys=False) + "\n")
print(f"{len(cases)} cases", file=sys.stderr)


# ---- read cases: JSON text in, Apache's schema and value out ------------

read_cases = []


def rcase(cid, text, **config):
    cfg = {k.replace("_", "."): v for k, v in config.items()}
    read_cases.append({"id": cid, "config": cfg, "input": text})


def env(schema, payload):
    return '{"schema":%s,"payload":%s}' % (schema, payload)


I32 = '{"type":"int32","optional":false}'
rcase("r_int8", env('{"type":"int8","optional":false}', "-7"))
rcase("r_int16", env('{"type":"int16","optional":false}', "300"))
rcase("r_int32", env(I32, "70000"))
rcase("r_int32_integral_float", env(I32, "12.0"))
rcase("r_int64_max", env('{"type":"int64","optional":false}',
                         "9223372036854775807"))
rcase("r_float", env('{"type":"float","optional":false}', "0.1"))
rcase("r_double", env('{"type":"double","optional":false}', "1.5e300"))
rcase("r_double_from_int", env('{"type":"double","optional":false}', "3"))
rcase("r_double_overflow", env('{"type":"double","optional":false}',
                               "1e400"))
rcase("r_double_neg_zero", env('{"type":"double","optional":false}', "-0.0"))
rcase("r_float_neg_zero", env('{"type":"float","optional":false}', "-0.0"))
rcase("r_nl_neg_zero", "-0.0", schemas_enable="false")
rcase("r_boolean", env('{"type":"boolean","optional":false}', "true"))
rcase("r_string", env('{"type":"string","optional":false}',
                      '"a\\u00e9\\n\\ud83d\\ude00"'))
rcase("r_bytes", env('{"type":"bytes","optional":false}', '"AAEC"'))
rcase("r_leading_zeros", env(I32, "007"))
rcase("r_whitespace", ' \n {"payload" : 5 , "schema" : %s } \t' % I32)
rcase("r_optional_string_true",
      env('{"type":"int32","optional":"true"}', "1"))
rcase("r_optional_missing", env('{"type":"int32"}', "1"))
rcase("r_meta", env('{"type":"int32","optional":true,"name":"n","version":3,'
                    '"doc":"d","parameters":{"k":"v","a":"b"}}', "1"))
rcase("r_meta_ignored", env('{"type":"int32","optional":true,"name":5,'
                            '"version":1.5,"doc":false}', "1"))
rcase("r_params_not_string",
      env('{"type":"int32","parameters":{"k":1}}', "1"))
rcase("r_default_used", env('{"type":"int32","optional":true,"default":5}',
                            "null"))
rcase("r_default_not_used",
      env('{"type":"int32","optional":true,"default":5}', "null"),
      replace_null_with_default="false")
rcase("r_null_required", env(I32, "null"))
rcase("r_no_type", env('{"optional":false}', "1"))
rcase("r_unknown_type", env('{"type":"int128"}', "1"))
rcase("r_array", env('{"type":"array","items":{"type":"int64","optional":'
                     'true},"optional":false}', "[1,null,3]"))
rcase("r_array_no_items", env('{"type":"array","optional":false}', "[1]"))
rcase("r_map_string", env('{"type":"map","keys":{"type":"string"},'
                          '"values":{"type":"int32"}}', '{"b":1,"a":2}'))
rcase("r_map_int_keys", env('{"type":"map","keys":{"type":"int32"},'
                            '"values":{"type":"string"}}',
                            '[[1,"x"],[2,"y"]]'))
rcase("r_map_bad_pair", env('{"type":"map","keys":{"type":"int32"},'
                            '"values":{"type":"string"}}', '[[1]]'))
rcase("r_map_no_keys", env('{"type":"map","values":{"type":"string"}}',
                           "{}"))
STRUCT = ('{"type":"struct","fields":[{"type":"int32","optional":false,'
          '"field":"a"},{"type":"string","optional":true,"field":"b"},'
          '{"type":"int64","optional":true,"default":42,"field":"c"}],'
          '"optional":false,"name":"S"}')
rcase("r_struct", env(STRUCT, '{"a":1,"b":"x","c":7}'))
rcase("r_struct_missing_fields", env(STRUCT, '{"a":1}'))
rcase("r_struct_extra_fields", env(STRUCT, '{"z":0,"a":1,"y":[1]}'))
rcase("r_struct_missing_required", env(STRUCT, '{"b":"x"}'))
rcase("r_struct_not_object", env(STRUCT, "[1]"))
rcase("r_struct_no_field_name", env('{"type":"struct","fields":[{"type":'
                                    '"int32"}]}', "{}"))
DEC = ('{"type":"bytes","optional":false,"name":'
       '"org.apache.kafka.connect.data.Decimal","version":1,'
       '"parameters":{"scale":"4"}}')
rcase("r_decimal_base64", env(DEC, '"AY/J"'))
rcase("r_decimal_number", env(DEC, "10.2345"))
rcase("r_decimal_number_short", env(DEC, "-10.5"))
rcase("r_decimal_number_int", env(DEC, "12"))
rcase("r_decimal_bad", env(DEC, "true"))
DATE = ('{"type":"int32","optional":false,"name":'
        '"org.apache.kafka.connect.data.Date","version":1}')
rcase("r_date", env(DATE, "19000"))
rcase("r_date_not_int", env(DATE, '"2020-01-01"'))
rcase("r_time", env('{"type":"int32","optional":false,"name":'
                    '"org.apache.kafka.connect.data.Time","version":1}',
                    "45296789"))
rcase("r_timestamp", env('{"type":"int64","optional":false,"name":'
                         '"org.apache.kafka.connect.data.Timestamp",'
                         '"version":1}', "1700000000123"))
rcase("r_timestamp_not_integral",
      env('{"type":"int64","optional":false,"name":'
          '"org.apache.kafka.connect.data.Timestamp","version":1}', "1.5"))
rcase("r_schema_null", env("null", '{"a":[1,2.5,"x",true,null]}'))
rcase("r_envelope_extra", '{"schema":null,"payload":1,"x":2}')
rcase("r_envelope_missing", '{"payload":1}')
rcase("r_not_envelope", "[1,2]")
rcase("r_empty_enabled", "")
rcase("r_invalid_json", '{"schema":')
rcase("r_nl_int", "12", schemas_enable="false")
rcase("r_nl_float", "1.0", schemas_enable="false")
rcase("r_nl_exp", "1e3", schemas_enable="false")
rcase("r_nl_string", '"s"', schemas_enable="false")
rcase("r_nl_bool", "false", schemas_enable="false")
rcase("r_nl_null", "null", schemas_enable="false")
rcase("r_nl_empty", "", schemas_enable="false")
rcase("r_nl_nested", '{"a":{"b":[1,{"c":null}]},"d":-0.5}',
      schemas_enable="false")
rcase("r_nl_envelope_kept", '{"schema":null,"payload":1}',
      schemas_enable="false")
# Inputs where kconnect is deliberately stricter or more faithful than
# Apache (see KC_READ_DIFFERENCES in tests/unit/test_json_converter.c).
rcase("r_diff_int_fraction", env(I32, "1.5"))
rcase("r_diff_int8_overflow", env('{"type":"int8","optional":false}', "300"))
rcase("r_diff_string_from_number",
      env('{"type":"string","optional":false}', "5"))
rcase("r_diff_bool_from_string",
      env('{"type":"boolean","optional":false}', '"true"'))
rcase("r_diff_double_nan_string",
      env('{"type":"double","optional":false}', '"NaN"'))
rcase("r_diff_trailing_data", env(I32, "1") + " x")
rcase("r_diff_nl_huge_int", "123456789012345678901234567890",
      schemas_enable="false")

with open(sys.argv[2] if len(sys.argv) > 2 else
          "json_converter_read_cases.jsonl", "w") as out:
    for c in read_cases:
        out.write(json.dumps(c, ensure_ascii=True) + "\n")
print(f"{len(read_cases)} read cases", file=sys.stderr)


# ---- SimpleHeaderConverter: header text in, schema and value out; and
# schema + value in, header bytes out -----------------------------------

header_read = []
for i, text in enumerate([
        "42", "300", "-70000", "5000000000", "1.0", "1.5", "3.14159265358979",
        "1e5", "1E-3", "-0", "+7", "007", "true", "false", "TRUE", "null", "",
        " 42 ", "hello world", "abc123", "2024-01-02", "12:34:56.789Z",
        "2023-11-14T22:13:20.123Z", "99999999999999999999", "1.5e400",
        "-12.5", "1e-50", "caf\u00e9 \u4e16",
        # literals with structure
        "[1,2,3]", "[1,300]", "[1,2.5]", "[1,\"a\"]", "[]", "[1,null]",
        "[\"a\",\"b\"]", "[\"a\\\"b\"]", "[[1],[2,3]]", "[true,false]",
        "{\"k\":1,\"j\":2}", "{\"k\":1,\"k\":5}", "{\"a\":null}",
        "{\"a\":[1],\"b\":[2]}", "{1:\"x\",2:\"y\"}", "{}",
        "[1,2", "[1,,2]", "{\"a\" 1}", "{a:1}", "[\"2024-01-02\"]",
        "[2024-01-02,2024-01-03]", "[12:34:56.789Z]", " [ 1 , 2 ] ",
        "true}", "a:b", "42,43", "+.5", "1.", "x\\:y", "[1e400]",
        "{\"a\":{\"b\":[1,2]}}"]):
    header_read.append({"id": f"h_read_{i}", "config": {},
                        "input": text})

# Decimal digits beyond ASCII: Java's BigDecimal and date parsers read them
# with Character.digit (BMP only: a surrogate pair is not a digit).
for i, text in enumerate([
        "\uff11\uff12", "\u0661\u0662", "-\u0661\u0662", "+\uff11\uff12",
        "\uff11\uff12.\uff15", "\u0967\u0968\u0969", "\uff11e\uff12",
        "1\uff12", "\uff11\uff12\uff18", "-\uff11\uff12\uff18",
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10"
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
        "\U0001d7cf\U0001d7d0", "[\uff11,\uff12]", "{a:\u0661}",
        "\u066b", "\u07c0", "\u1810\u1811", "\ua9d0", "\uff10x\uff11",
        "\uff12\uff10\uff12\uff14-01-02", "\uff11\uff12:34:56.789Z",
        "\uff12\uff10\uff12\uff13-11-14T22:13:20.123Z",
        "2023-11-14T\uff12\uff12:13:20.123Z",
        "\uff11.\uff15e-\uff13", "\u0664\u0662\u0660\u0660\u0660"]):
    header_read.append({"id": f"h_read_digits_{i}", "config": {},
                        "input": text})

header_write = []


def hcase(cid, schema, value):
    header_write.append({"id": cid, "config": {}, "schema": schema,
                         "value": value})


hcase("h_string", sch("STRING"), s('plain "text" \\ here'))
hcase("h_int8", sch("INT8"), i8(-5))
hcase("h_int64", sch("INT64"), i64(2**63 - 1))
hcase("h_float64", sch("FLOAT64"), f64(1e10))
hcase("h_float32", sch("FLOAT32"), f32(0.1))
hcase("h_bool", sch("BOOLEAN"), bl(True))
hcase("h_bytes", sch("BYTES"), by(b"\x00\xff"))
hcase("h_decimal", decimal_schema(3), dec(-12345, 3))
hcase("h_decimal_small", decimal_schema(10), dec(12, 10))
hcase("h_date", date_schema(), i32(19724))
hcase("h_time", time_schema(), i32(45296789))
hcase("h_timestamp", ts_schema(), i64(1700000000123))
hcase("h_array", sch("ARRAY", items=sch("STRING", True)),
      arr(s('a"b'), NULL, s("c\\d")))
hcase("h_array_ints", sch("ARRAY", items=sch("INT32")), arr(i32(1), i32(2)))
hcase("h_map", sch("MAP", key=sch("STRING"), value=sch("INT32", True)),
      mp((s("k1"), i32(1)), (s("k2"), NULL)))
hcase("h_map_int_keys", sch("MAP", key=sch("INT16"), value=sch("BOOLEAN")),
      mp((i16(1), bl(False))))
hcase("h_struct", sch("STRUCT", fields=[
    ["a", sch("INT32")], ["b", sch("STRING", True)],
    ["c", sch("INT64", True, default=i64(9))],
    ["d", sch("ARRAY", items=sch("BYTES"))]]),
    st(i32(1), NULL, NULL, arr(by(b"hi"))))
hcase("h_schemaless_map", None, mp((s("x"), arr(i64(1), s("y")))))
hcase("h_null", sch("STRING", True), NULL)

with open(sys.argv[3] if len(sys.argv) > 3 else
          "simple_header_read_cases.jsonl", "w") as out:
    for c in header_read:
        out.write(json.dumps(c, ensure_ascii=True) + "\n")
with open(sys.argv[4] if len(sys.argv) > 4 else
          "simple_header_write_cases.jsonl", "w") as out:
    for c in header_write:
        out.write(json.dumps(c, ensure_ascii=True) + "\n")
print(f"{len(header_read)} + {len(header_write)} header cases",
      file=sys.stderr)
