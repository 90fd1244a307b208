# SPDX-License-Identifier: Apache-2.0
"""The cases of the differential suite, as data.

Each case is one connector run on both sides (harness.py):

  id        unique, [a-z0-9-]; names the case's topics, files and connector
  kind      "source": FileStreamSource reads `lines` (or `input_bytes`) and
            the output topic is compared; "sink": `records` are produced to
            an input topic (a string value, or a dict with key, value,
            value_b64, headers [[k, v]], timestamp) and FileStreamSink's
            file is compared
  config    connector keys added to the defaults ("@P@" becomes the side's
            topic prefix; a value of None removes a default key)
  dlq       errors.tolerance=all with a dead letter queue whose records
            (context headers on) are compared too
  extra_topics  more output topics (without prefix), e.g. after RegexRouter

Helpers below only build these dicts; nothing here runs anything.
"""

import base64
import json

JSON = "org.apache.kafka.connect.json.JsonConverter"
STR = "org.apache.kafka.connect.storage.StringConverter"
BA = "org.apache.kafka.connect.converters.ByteArrayConverter"
SIMPLE_HDR = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
NUM = "org.apache.kafka.connect.converters.%sConverter"
TR = "org.apache.kafka.connect.transforms."
PRED = "org.apache.kafka.connect.transforms.predicates."

CASES = []


def _add(case):
    assert case["id"] not in {c["id"] for c in CASES}, case["id"]
    CASES.append(case)


def chain(*steps, predicates=()):
    """Transform keys: steps are (alias, class, {option: value})."""
    c = {"transforms": ",".join(s[0] for s in steps)}
    for alias, cls, opts in steps:
        c["transforms.%s.type" % alias] = cls if "." in cls else TR + cls
        for k, v in opts.items():
            c["transforms.%s.%s" % (alias, k)] = v
    if predicates:
        c["predicates"] = ",".join(p[0] for p in predicates)
        for alias, cls, opts in predicates:
            c["predicates.%s.type" % alias] = PRED + cls
            for k, v in opts.items():
                c["predicates.%s.%s" % (alias, k)] = v
    return c


def conv(value=JSON, key=None, header=None, **opts):
    """Converter keys: value converter class and value.converter.<opts>."""
    c = {"value.converter": value}
    if key:
        c["key.converter"] = key
    if header:
        c["header.converter"] = header
    for k, v in opts.items():
        c[k.replace("__", ".")] = v
    return c


def src(cid, lines, *configs, **kw):
    c = {}
    for part in configs:
        c.update(part)
    _add(dict(id=cid, kind="source", lines=lines, config=c, **kw))


def sink(cid, records, *configs, **kw):
    c = {}
    for part in configs:
        c.update(part)
    _add(dict(id=cid, kind="sink", records=records, config=c, **kw))


def env(schema, payload):
    return json.dumps({"schema": schema, "payload": payload},
                      separators=(",", ":"), ensure_ascii=False)


def b64(b):
    return base64.b64encode(b).decode()


SCHEMAS_ON = {"value.converter.schemas.enable": "true"}
SCHEMAS_OFF = {"value.converter.schemas.enable": "false"}
HOIST = ("hoist", "HoistField$Value", {"field": "line"})

# ---------------------------------------------------------------------------
# source side: lines

LINES = ["hello", "w\u00f6rld \u00fcn\u00efc\u00f6de \u20ac \U0001F600",
         "  spaced  ", "42", "a,b;c=d", '{"a":1}', "tab\there", "quote\"s"]
NUMS = ["0", "1", "-1", "127", "-128", "32767", "2147483647", "42"]
FLOATS = ["1.5", "0.1", "1e10", "-0.0", "3.4028235E38", "1.0E-5", "100",
          "123456789.125"]
# Doubles whose shortest text differs between JDK 17 and JDK 19+
# (JDK-4511638), and the one the issue names.
HARD_DOUBLES = ["2.0E23", "8.41E21", "2.82879384806159E17",
                "1.18575755E-316", "4.9E-324", "1.0E23",
                "9.007199254740993E15"]
# JDK 19+ prints this one as 5.684341886080802E-14 (its own cases).
SHORTEST_DOUBLE = "5.684341886080802E-14"
DATES = ["2021-03-04 05:06:07", "1970-01-01 00:00:00", "1999-12-31 23:59:59",
         "2024-02-29 12:00:00"]

# converters on the produce side
src("src-string", LINES, conv(STR))
for enc in ["UTF-8", "UTF-16", "UTF-16BE", "UTF-16LE", "ISO-8859-1",
            "US-ASCII", "windows-1252", "UTF-32"]:
    src("src-string-enc-" + enc.lower(), LINES,
        conv(STR, **{"value.converter.encoding": enc}))
# more charsets Java and iconv both know (unmappable characters included)
for enc in ["ISO-8859-15", "windows-1251", "KOI8-R", "IBM437", "Shift_JIS",
            "EUC-JP", "GB18030", "Big5", "UTF-32BE", "UTF-32LE"]:
    src("src-string-enc-" + enc.lower(), LINES + ["\u041f\u0440\u0438",
                                                  "\u65e5\u672c"],
        conv(STR, **{"value.converter.encoding": enc}))
src("src-string-utf16-empty-line", ["a", "", "b"],
    conv(STR, **{"value.converter.encoding": "UTF-16"}))
# An empty string value (FileStreamSource skips empty lines): the masked
# field of the hoisted line.
src("src-string-utf16-empty-value", ["a"],
    conv(STR, **{"value.converter.encoding": "UTF-16"}),
    chain(HOIST, ("m", "MaskField$Value", {"fields": "line"}),
          ("e", "ExtractField$Value", {"field": "line"})))
src("src-json-schemas-on", LINES, conv(JSON), SCHEMAS_ON)
src("src-json-schemas-off", LINES, conv(JSON), SCHEMAS_OFF)
src("src-json-struct-on", LINES, conv(JSON), SCHEMAS_ON, chain(HOIST))
src("src-json-struct-off", LINES, conv(JSON), SCHEMAS_OFF, chain(HOIST))
src("src-json-cache-size", LINES, conv(JSON),
    {"value.converter.schemas.cache.size": "1"}, chain(HOIST))
src("src-bytearray-on-string", LINES, conv(BA))
src("src-bytearray-on-string-tolerated", LINES, conv(BA),
    {"errors.tolerance": "all"})
for typ, cls, lines in [("int32", "Integer", NUMS), ("int64", "Long", NUMS),
                        ("int16", "Short", NUMS[:6]),
                        ("float64", "Double", FLOATS),
                        ("float32", "Float", FLOATS),
                        ("boolean", "Boolean", ["true", "false"])]:
    src("src-number-converter-" + cls.lower(), lines, conv(NUM % cls),
        chain(("cast", "Cast$Value", {"spec": typ})))

# Cast of the whole value (a string) on the produce side
for typ, lines in [("int8", NUMS[:5]), ("int16", NUMS[:6]),
                   ("int32", NUMS), ("int64", NUMS), ("float32", FLOATS),
                   ("float64", FLOATS), ("boolean", ["true", "false", "TRUE",
                                                      "yes", "0", "1"]),
                   ("string", LINES)]:
    src("src-cast-" + typ, lines, conv(JSON), SCHEMAS_ON,
        chain(("cast", "Cast$Value", {"spec": typ})))
# A failing record comes first: whether Apache delivers the records before
# it in the same batch depends on timing (the task dies while they are in
# flight).
src("src-cast-int8-overflow", ["300", "1"], conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "int8"})))
src("src-cast-float64-hard-doubles", HARD_DOUBLES, conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "float64"})))
src("src-cast-double-shortest", [SHORTEST_DOUBLE], conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "float64"})))
src("src-cast-float32-values", ["1.1", "3.3", "1.0E-10", "16777217",
                                "0.3"], conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "float32"})))
src("src-cast-non-ascii-digits", ["\uff11\uff12", "\u0661\u0662", "12"],
    conv(JSON), chain(("cast", "Cast$Value", {"spec": "int32"})))
src("src-cast-struct-fields", NUMS, conv(JSON),
    chain(HOIST, ("cast", "Cast$Value",
                  {"spec": "line:int64"})))
src("src-cast-timestamp-to-string-below-day",
    ["1970-01-01 00:00:01", "1970-01-01 23:59:59", "2021-03-04 05:06:07",
     "1969-12-31 23:59:59"],
    conv(JSON),
    chain(HOIST, ("ts", "TimestampConverter$Value",
                  {"field": "line", "target.type": "Timestamp",
                   "format": "yyyy-MM-dd HH:mm:ss"}),
          ("cast", "Cast$Value", {"spec": "line:string"})))
src("src-cast-timestamp-whole-value-to-string", ["2021-03-04 05:06:07"],
    conv(JSON),
    chain(("ts", "TimestampConverter$Value",
           {"target.type": "Timestamp", "format": "yyyy-MM-dd HH:mm:ss"}),
          ("cast", "Cast$Value", {"spec": "string"})))

# HoistField / InsertField / ReplaceField / ExtractField / MaskField on the
# struct made from the line
src("src-hoist-key", LINES[:3], conv(JSON, key=JSON),
    chain(("hk", "HoistField$Key", {"field": "k"})))
src("src-insert-static", LINES, conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value",
                  {"static.field": "origin", "static.value": "compat"})))
src("src-insert-topic", LINES[:2], conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value", {"topic.field": "t"})))
src("src-insert-topic-schemaless", LINES[:2], conv(JSON), SCHEMAS_OFF,
    chain(HOIST, ("ins", "InsertField$Value", {"topic.field": "t!"})))
src("src-insert-offset-on-source", LINES[:2], conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value", {"offset.field": "o"})))
src("src-replace-rename", LINES, conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value",
                  {"static.field": "s", "static.value": "v"}),
          ("rf", "ReplaceField$Value", {"renames": "line:text,s:static"})))
src("src-replace-exclude", LINES[:3], conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value",
                  {"static.field": "s", "static.value": "v"}),
          ("rf", "ReplaceField$Value", {"exclude": "s"})))
src("src-replace-include", LINES[:3], conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value",
                  {"static.field": "s", "static.value": "v"}),
          ("rf", "ReplaceField$Value", {"include": "s"})))
src("src-extract-roundtrip", LINES, conv(JSON),
    chain(HOIST, ("ex", "ExtractField$Value", {"field": "line"})))
src("src-mask-string", LINES[:3], conv(JSON),
    chain(HOIST, ("m", "MaskField$Value", {"fields": "line"})))
src("src-mask-string-replacement", LINES[:3], conv(JSON),
    chain(HOIST, ("m", "MaskField$Value",
                  {"fields": "line", "replacement": "***"})))
src("src-flatten-nested", LINES[:3], conv(JSON),
    chain(HOIST, ("h2", "HoistField$Value", {"field": "outer"}),
          ("fl", "Flatten$Value", {"delimiter": "_"})))
src("src-flatten-default-delimiter", LINES[:3], conv(JSON), SCHEMAS_OFF,
    chain(HOIST, ("h2", "HoistField$Value", {"field": "outer"}),
          ("fl", "Flatten$Value", {})))
src("src-valuetokey", LINES[:4], conv(JSON, key=JSON),
    chain(HOIST, ("vk", "ValueToKey", {"fields": "line"})))
src("src-valuetokey-extract-key", LINES[:4], conv(JSON, key=STR),
    chain(HOIST, ("vk", "ValueToKey", {"fields": "line"}),
          ("ek", "ExtractField$Key", {"field": "line"})))
src("src-setschemametadata-struct", LINES[:2], conv(JSON),
    chain(HOIST, ("sm", "SetSchemaMetadata$Value",
                  {"schema.name": "com.example.Line", "schema.version": "3"})))
src("src-setschemametadata-primitive", LINES[:2], conv(JSON),
    chain(("sm", "SetSchemaMetadata$Value", {"schema.name": "x.Y"})))

# TimestampConverter from strings
for cid, fmt, lines in [
        ("basic", "yyyy-MM-dd HH:mm:ss", DATES),
        ("iso-millis-zone", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
         ["2021-03-04T05:06:07.089+02:00", "2021-03-04T05:06:07.000Z"]),
        ("rfc1123", "EEE, d MMM yyyy HH:mm:ss Z",
         ["Thu, 4 Mar 2021 05:06:07 +0000", "Mon, 1 Jan 2024 00:00:00 -0130"]),
        ("day-of-year-ampm", "yyyy D hh:mm a",
         ["2021 63 05:06 AM", "2021 63 05:06 PM"]),
        ("era", "G yyyy-MM-dd", ["AD 2021-03-04"]),
        ("week-in-year", "yyyy-MM-dd w", ["2021-03-04 9"]),
        ("week-in-month", "yyyy-MM-dd W", ["2021-03-04 1"]),
        ("day-number-u", "yyyy-MM-dd u", ["2021-03-04 4"]),
        ("day-of-week-in-month-f", "yyyy-MM-dd F", ["2021-03-04 1"]),
        ("week-year-y", "YYYY-MM-dd", ["2021-03-04"]),
        ("lenient-leading-space", "yyyy-MM-dd HH:mm:ss",
         [" 2021-03-04 05:06:07"]),
        ("lenient-rollover", "yyyy-MM-dd HH:mm:ss", ["2021-13-45 25:61:61"]),
        ("julian-before-1582", "yyyy-MM-dd HH:mm:ss",
         ["1000-01-01 00:00:00", "1582-10-04 12:00:00"])]:
    src("src-tsconv-parse-" + cid, lines, conv(JSON),
        chain(("ts", "TimestampConverter$Value",
               {"target.type": "Timestamp", "format": fmt})))
for target in ["unix", "Date", "Time", "string"]:
    src("src-tsconv-to-" + target.lower(), DATES, conv(JSON),
        chain(("ts", "TimestampConverter$Value",
               {"target.type": "Timestamp", "format": "yyyy-MM-dd HH:mm:ss"}),
              ("ts2", "TimestampConverter$Value",
               {"target.type": target,
                "format": "dd/MM/yyyy HH.mm.ss.SSS EEE"})))
# printing with each SimpleDateFormat letter (parse cases above)
for cid, fmt in [("common", "yyyy-MM-dd HH:mm:ss.SSS EEE MMM a h K k z Z X"),
                 ("era", "G yyyy"), ("week-in-year", "w"),
                 ("week-in-month", "W"), ("day-number-u", "u"),
                 ("day-of-week-in-month-f", "F"), ("week-year-y", "YYYY"),
                 ("day-of-year", "D"), ("quoted", "'at' HH 'o''clock'"),
                 ("julian-1000", "yyyy-MM-dd EEE")]:
    src("src-tsconv-format-" + cid,
        ["1000-01-01 00:00:00" if cid == "julian-1000" else d for d in DATES],
        conv(JSON),
        chain(("ts", "TimestampConverter$Value",
               {"target.type": "Timestamp", "format": "yyyy-MM-dd HH:mm:ss"}),
              ("ts2", "TimestampConverter$Value",
               {"target.type": "string", "format": fmt})))
for prec in ["seconds", "milliseconds", "microseconds", "nanoseconds"]:
    src("src-tsconv-unix-precision-" + prec,
        ["1614834367089123", "-1"], conv(JSON),
        chain(("c", "Cast$Value", {"spec": "int64"}),
              ("ts", "TimestampConverter$Value",
               {"target.type": "string", "unix.precision": prec,
                "format": "yyyy-MM-dd HH:mm:ss.SSS"})))
src("src-tsconv-field-struct", DATES, conv(JSON),
    chain(HOIST, ("ts", "TimestampConverter$Value",
                  {"field": "line", "target.type": "Timestamp",
                   "format": "yyyy-MM-dd HH:mm:ss"})))
src("src-tsconv-bad-input-fails", ["not a date"], conv(JSON),
    chain(("ts", "TimestampConverter$Value",
           {"target.type": "Timestamp", "format": "yyyy-MM-dd"})))

# routers: the output topic moves, the case reads the routed topic
for cid, regex, repl in [
        ("plain", "(.*)-router-plain", "$1-router-plain-routed"),
        ("named-group", "(?<all>.*)-router-named-group",
         "${all}-router-named-group-routed"),
        ("inline-flag", "(?i)(COMPAT.*)-ROUTER-INLINE-FLAG",
         "$1-router-inline-flag-routed"),
        ("lookbehind", "(.*)(?<=-router-lookbehind)$",
         "$1-routed"),
        ("word-boundary", "\\bcompat(.*)-router-word-boundary",
         "compat$1-router-word-boundary-routed"),
        ("unicode-class", "(\\p{L}+)(.*)-router-unicode-class",
         "$1$2-router-unicode-class-routed"),
        ("quoted", "(.*)\\Q-router-quoted\\E", "$1-router-quoted-routed"),
        ("no-match", "nomatch(.*)", "x$1")]:
    routed = ("src-router-%s" % cid) if cid == "no-match" else (
        "src-router-%s-routed" % cid)
    _add(dict(id="src-router-" + cid, kind="source", lines=LINES[:2],
              config=dict(conv(STR), **chain(
                  ("rr", "RegexRouter", {"regex": regex,
                                         "replacement": repl}))),
              extra_topics=[] if cid == "no-match" else [routed]))
_add(dict(id="src-timestamprouter-no-timestamp", kind="source",
          lines=LINES[:1],
          config=dict(conv(STR), **chain(("tr", "TimestampRouter", {})))))

# topic creation groups (topic.creation.*): the partition count of the
# output topic shows which group matched
TOPIC_CREATION = {"topic.creation.default.replication.factor": "1",
                  "topic.creation.default.partitions": "1",
                  "topic.creation.groups": "g",
                  "topic.creation.g.partitions": "3"}
for cid, include in [("plain", ".*src-topic-creation-plain"),
                     ("inline-flag", "(?i).*SRC-TOPIC-CREATION-INLINE-FLAG"),
                     ("lookahead", "(?=.*lookahead).*")]:
    src("src-topic-creation-" + cid, LINES[:3], conv(STR), TOPIC_CREATION,
        {"topic.creation.g.include": include})
src("src-topic-creation-exclude", LINES[:3], conv(STR), TOPIC_CREATION,
    {"topic.creation.g.include": ".*", "topic.creation.g.exclude":
     "\\Q@P@\\Esrc-topic-creation-exclude"})

# headers: InsertHeader values (parsed by Values) through each header
# converter
HEADER_LITERALS = [("string", "hello"), ("int", "42"), ("negative", "-7"),
                   ("big", "12345678901234567890"), ("float", "3.14"),
                   ("exp", "1.5e300"), ("bool", "true"),
                   ("array", "[1,2,3]"), ("array-mixed", "[1,\"a\"]"),
                   ("map", "{\"a\":1}"), ("map-mixed", "{\"a\":1,\"b\":\"x\"}"),
                   ("date", "2021-03-04"), ("timestamp",
                                            "2021-03-04T05:06:07.089Z"),
                   ("time", "05:06:07.089Z"), ("empty", ""),
                   ("non-ascii-digits", "\u0661\u0662")]
HEADER_CONVERTERS = [("simple", SIMPLE_HDR, {}), ("string", STR, {}),
                     ("json", JSON, {}),
                     ("json-schemaless", JSON,
                      {"header.converter.schemas.enable": "false"})]
for lname, literal in HEADER_LITERALS:
    for hname, hcls, hopts in HEADER_CONVERTERS:
        if hname in ("string",) and lname not in ("string", "int", "map"):
            continue
        if hname == "json-schemaless" and lname not in ("map", "array",
                                                       "timestamp"):
            continue
        cfg = dict(conv(STR, header=hcls), **hopts)
        cfg.update(chain(("ih", "InsertHeader",
                          {"header": "h", "value.literal": literal})))
        src("src-header-%s-%s" % (hname, lname), LINES[:1], cfg)
src("src-header-bytearray-string", LINES[:1],
    conv(STR, header=BA),
    chain(("ih", "InsertHeader", {"header": "h", "value.literal": "x"})))
src("src-headerfrom-copy", LINES[:3], conv(JSON),
    chain(HOIST, ("hf", "HeaderFrom$Value",
                  {"fields": "line", "headers": "copied",
                   "operation": "copy"})))
src("src-headerfrom-move-json-header", LINES[:3],
    conv(JSON, header=JSON),
    chain(HOIST, ("hf", "HeaderFrom$Value",
                  {"fields": "line", "headers": "moved",
                   "operation": "move"})))
src("src-dropheaders", LINES[:2], conv(STR),
    chain(("a", "InsertHeader", {"header": "a", "value.literal": "1"}),
          ("b", "InsertHeader", {"header": "b", "value.literal": "2"}),
          ("d", "DropHeaders", {"headers": "a,missing"})))

# Filter and predicates on the produce side
src("src-filter-topic-matches", LINES[:2], conv(STR),
    chain(("f", "Filter", {"predicate": "p"}),
          predicates=[("p", "TopicNameMatches",
                       {"pattern": ".*src-filter-topic-matches"})]))
src("src-filter-topic-matches-negate", LINES[:2], conv(STR),
    chain(("f", "Filter", {"predicate": "p", "negate": "true"}),
          predicates=[("p", "TopicNameMatches",
                       {"pattern": ".*src-filter-topic-matches-negate"})]))
src("src-filter-topic-matches-inline-flag", LINES[:2], conv(STR),
    chain(("f", "Filter", {"predicate": "p"}),
          predicates=[("p", "TopicNameMatches",
                       {"pattern": "(?i).*SRC-FILTER.*"})]))
src("src-filter-has-header", LINES[:2], conv(STR),
    chain(("ih", "InsertHeader", {"header": "drop", "value.literal": "y"}),
          ("f", "Filter", {"predicate": "p"}),
          predicates=[("p", "HasHeaderKey", {"name": "drop"})]))
src("src-predicate-on-insert", LINES[:2], conv(JSON),
    chain(HOIST, ("ins", "InsertField$Value",
                  {"static.field": "s", "static.value": "v",
                   "predicate": "p", "negate": "true"}),
          predicates=[("p", "HasHeaderKey", {"name": "absent"})]))

# errors on the produce side
src("src-dlq-cast-failure", ["1", "x", "3"], conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "int32"})), dlq=True)
src("src-tolerance-cast-failure", ["1", "x", "3"], conv(JSON),
    {"errors.tolerance": "all"},
    chain(("cast", "Cast$Value", {"spec": "int32"})))
src("src-tolerance-none-cast-failure", ["x", "1", "3"], conv(JSON),
    chain(("cast", "Cast$Value", {"spec": "int32"})))

# ---------------------------------------------------------------------------
# sink side: JSON envelopes and plain JSON into FileStreamSink


def opt(schema, **kw):
    return dict(schema, optional=True, **kw)


def field(name, schema):
    return dict(schema, field=name)


I8, I16, I32, I64 = ({"type": t} for t in ("int8", "int16", "int32",
                                            "int64"))
F32, F64, BOOL, S, BY = ({"type": t} for t in ("float", "double",
                                               "boolean", "string", "bytes"))
DEC2 = {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",
        "version": 1, "parameters": {"scale": "2"}}
DATE = {"type": "int32", "name": "org.apache.kafka.connect.data.Date",
        "version": 1}
TIME = {"type": "int32", "name": "org.apache.kafka.connect.data.Time",
        "version": 1}
TS = {"type": "int64", "name": "org.apache.kafka.connect.data.Timestamp",
      "version": 1}
NESTED = {"type": "struct", "name": "com.example.Inner", "fields": [
    field("x", I32), field("y", opt(S))]}
RICH = {"type": "struct", "name": "com.example.Rich", "fields": [
    field("i8", I8), field("i16", I16), field("i32", I32), field("i64", I64),
    field("f32", F32), field("f64", F64), field("b", BOOL), field("s", S),
    field("opt", opt(S)),
    field("def", opt(I32, default=7)),
    field("arr", {"type": "array", "items": I32}),
    field("m", {"type": "map", "keys": S, "values": I64}),
    field("mk", {"type": "map", "keys": I32, "values": S}),
    field("inner", NESTED), field("dec", DEC2), field("date", DATE),
    field("time", TIME), field("ts", TS)]}
ROW1 = {"i8": 1, "i16": -2, "i32": 300, "i64": 9007199254740993,
        "f32": 1.5, "f64": 0.1, "b": True, "s": "h\u00e9llo \u20ac",
        "opt": None, "def": None,
        "arr": [1, 2, 3], "m": {"k1": 1, "k2": -2},
        "mk": [[1, "one"], [2, "two"]], "inner": {"x": 5, "y": None},
        "dec": b64((12345).to_bytes(2, "big")), "date": 18690,
        "time": 18367089, "ts": 1614834367089}
ROW2 = {"i8": -128, "i16": 32767, "i32": -2147483648,
        "i64": -9223372036854775808, "f32": -0.0, "f64": 1e-7, "b": False,
        "s": "", "opt": "set", "def": 3, "arr": [],
        "m": {}, "mk": [], "inner": {"x": -1, "y": "why"},
        "dec": b64(b"\xff"), "date": -1, "time": 0, "ts": -1}
RICH_RECORDS = [env(RICH, ROW1), env(RICH, ROW2)]
PLAIN = [json.dumps({"zeta": 1, "alpha": "a", "mid": [1, 2.5, "x"],
                     "nested": {"b": True, "a": None, "c": {"deep": 1}},
                     "n": "12", "f": 1.25}),
         json.dumps({"alpha": "second", "zeta": -9007199254740993,
                     "nested": {"c": {"deep": 2}}, "n": "-3", "f": 1e21}),
         json.dumps({"k10": 1, "k2": 2, "k1": 3, "a1": 4, "B": 5,
                     "n": "0", "f": 0.5, "nested": {}})]

# reading: converters and their options
sink("sink-json-rich", RICH_RECORDS, conv(JSON), SCHEMAS_ON)
sink("sink-json-schemaless-objects", PLAIN, conv(JSON), SCHEMAS_OFF)
sink("sink-json-schemaless-scalars",
     ["1", "-1", "1.5", "1e300", "true", "null", '"s"', "[1,[2,[3]]]",
      "0.1", "1E+2", "-0"],
     conv(JSON), SCHEMAS_OFF)
sink("sink-json-schemaless-int64-overflow", ["9223372036854775808", "1"],
     conv(JSON), SCHEMAS_OFF)
sink("sink-json-envelope-primitives",
     [env(I8, 1), env(I16, 2), env(I32, 3), env(I64, 4), env(F32, 1.1),
      env(F64, 2.2), env(BOOL, True), env(S, "x"), env(opt(S), None)],
     conv(JSON))
sink("sink-json-logical-types",
     [env(DEC2, b64((-5).to_bytes(1, "big", signed=True))),
      env(DATE, 0), env(DATE, -719528), env(TIME, 86399999),
      env(TS, 0), env(TS, 253402300799999), env(opt(TS), None)],
     conv(JSON))
sink("sink-json-timestamp-year-zero-and-bc",
     [env(TS, -62167219200000), env(TS, -62200000000000),
      env(DATE, -800000)], conv(JSON))
sink("sink-json-decimal-numeric-format",
     [env(DEC2, 1.5), env(DEC2, 12.34), env(DEC2, 1e3), env(DEC2, 1.234)],
     conv(JSON, **{"value.converter.decimal.format": "NUMERIC"}))
sink("sink-json-decimal-base64-format",
     [env(DEC2, b64((12345).to_bytes(2, "big")))],
     conv(JSON, **{"value.converter.decimal.format": "BASE64"}))
sink("sink-json-defaults-replace-null",
     [env({"type": "struct", "fields": [
         field("a", opt(I32, default=7)), field("b", opt(S, default="d"))]},
         {"a": None, "b": None})],
     conv(JSON))
sink("sink-json-defaults-keep-null",
     [env({"type": "struct", "fields": [
         field("a", opt(I32, default=7)), field("b", opt(S, default="d"))]},
         {"a": None, "b": None})],
     conv(JSON, **{"value.converter.replace.null.with.default": "false"}))
sink("sink-json-array-of-structs",
     [env({"type": "array", "items": NESTED},
          [{"x": 1, "y": "a"}, {"x": 2, "y": None}])], conv(JSON))
sink("sink-json-map-struct-values",
     [env({"type": "map", "keys": S, "values": NESTED},
          {"k": {"x": 1, "y": "a"}})], conv(JSON))
sink("sink-json-hard-doubles",
     [env(F64, float(x)) for x in HARD_DOUBLES] +
     [env(F32, 1.1), env(F32, 3.4028235e38), env(F32, 1e-10)], conv(JSON))
sink("sink-json-double-shortest", [env(F64, float(SHORTEST_DOUBLE))],
     conv(JSON))
sink("sink-json-doubles-schemaless",
     ["2.0E23", "8.41E21", "1.0E-5", "123456.0"],
     conv(JSON), SCHEMAS_OFF)
sink("sink-json-int8-overflow", [env(I8, 300), env(I8, 1)], conv(JSON))
sink("sink-json-string-as-int32", [env(I32, "12"), env(I32, 1)], conv(JSON))
sink("sink-json-number-as-string", [env(S, 5), env(S, "ok")], conv(JSON))
sink("sink-json-invalid-fails", ["{not json", env(I32, 1)], conv(JSON))
sink("sink-json-tombstone", [{"value": None}, env(I32, 1)], conv(JSON))
sink("sink-string", ["plain", "", "\u00fc\u20ac\U0001F600"], conv(STR))
for enc, data in [("UTF-16", "\ufeffhi".encode("utf-16-be")),
                  ("UTF-16-no-bom", "hi".encode("utf-16-be")),
                  ("UTF-16LE", "hi".encode("utf-16-le")),
                  ("ISO-8859-1", "\u00fc\u00e9".encode("latin-1")),
                  ("UTF-8-cesu-surrogate", b"a\xed\xa0\x80b"),
                  ("UTF-8-truncated", b"a\xf0\x9f\x98"),
                  ("UTF-8-invalid-byte", b"a\xffb"),
                  ("US-ASCII-high", b"a\xe9b")]:
    jenc = enc.split("-no-bom")[0].replace("-cesu-surrogate", "").replace(
        "-truncated", "").replace("-invalid-byte", "").replace("-high", "")
    sink("sink-string-enc-" + enc.lower(), [{"value_b64": b64(data)}],
         conv(STR, **{"value.converter.encoding": jenc}))
# (Bytes are not printed by any sink case: Java's FileStreamSink writes a
# byte[] as "[B@" and an identity hash, different on every run.)
for enc, data in [("windows-1252", b"caf\xe9 \x80\x81\xff"),
                  ("Shift_JIS", "\u65e5\u672c".encode("shift_jis") + b"\x82"),
                  ("UTF-16BE", b"\x00h\x00"),
                  ("UTF-32", b"\x00\x00\x00h\x00\x11\x00\x00")]:
    sink("sink-string-dec-" + enc.lower(), [{"value_b64": b64(data)}],
         conv(STR, **{"value.converter.encoding": enc}))
for cls, data in [("Integer", (42).to_bytes(4, "big")),
                  ("Long", (-1).to_bytes(8, "big", signed=True)),
                  ("Short", (7).to_bytes(2, "big")),
                  ("Double", bytes.fromhex("3ff8000000000000")),
                  ("Float", bytes.fromhex("3fc00000")),
                  ("Boolean", b"\x01")]:
    sink("sink-number-converter-" + cls.lower(), [{"value_b64": b64(data)}],
         conv(NUM % cls))

# every SMT on schema'd (RICH envelopes) and schemaless (PLAIN) data
SMT_CASES = [
    ("cast-fields", ("c", "Cast$Value",
                     {"spec": "i8:string,i32:float64,f64:int32,b:int8,"
                              "i64:float32"}),
     ("c", "Cast$Value", {"spec": "n:int32,f:string,zeta:float64"})),
    ("cast-to-boolean", ("c", "Cast$Value", {"spec": "i32:boolean,s:string"}),
     ("c", "Cast$Value", {"spec": "zeta:boolean,n:int64"})),
    ("cast-logical-to-string", ("c", "Cast$Value",
                                {"spec": "date:string,time:string,"
                                         "ts:string,dec:string"}),
     None),
    ("extract", ("e", "ExtractField$Value", {"field": "inner"}),
     ("e", "ExtractField$Value", {"field": "nested"})),
    ("extract-v2-nested", ("e", "ExtractField$Value",
                           {"field": "inner.x", "field.syntax.version": "V2"}),
     ("e", "ExtractField$Value", {"field": "nested.c.deep",
                                  "field.syntax.version": "V2"})),
    ("extract-missing", ("e", "ExtractField$Value", {"field": "nope"}),
     ("e", "ExtractField$Value", {"field": "nope"})),
    ("flatten", ("f", "Flatten$Value", {}), ("f", "Flatten$Value", {})),
    ("flatten-delimiter", ("f", "Flatten$Value", {"delimiter": "::"}),
     ("f", "Flatten$Value", {"delimiter": "::"})),
    ("hoist", ("h", "HoistField$Value", {"field": "wrapped"}),
     ("h", "HoistField$Value", {"field": "wrapped"})),
    ("insert-all", ("i", "InsertField$Value",
                    {"topic.field": "t", "partition.field": "p",
                     "offset.field": "o", "timestamp.field": "ts2",
                     "static.field": "st", "static.value": "v"}),
     ("i", "InsertField$Value",
      {"topic.field": "t", "partition.field": "p", "offset.field": "o",
       "timestamp.field": "ts2", "static.field": "st",
       "static.value": "v"})),
    ("mask", ("m", "MaskField$Value",
              {"fields": "i8,i16,i32,i64,f32,f64,b,s,arr,m,inner,date,ts"}),
     ("m", "MaskField$Value", {"fields": "zeta,alpha,mid,nested,f"})),
    ("mask-replacement", ("m", "MaskField$Value",
                          {"fields": "i32,i64,s", "replacement": "99"}),
     ("m", "MaskField$Value", {"fields": "zeta,alpha",
                               "replacement": "99"})),
    ("mask-decimal", ("m", "MaskField$Value", {"fields": "dec"}), None),
    ("mask-decimal-replacement", ("m", "MaskField$Value",
                                  {"fields": "dec", "replacement": "42"}),
     None),
    ("replace-include", ("r", "ReplaceField$Value", {"include": "s,i8"}),
     ("r", "ReplaceField$Value", {"include": "alpha,zeta"})),
    ("replace-exclude-rename", ("r", "ReplaceField$Value",
                                {"exclude": "by,mk",
                                 "renames": "s:string,i8:tiny"}),
     ("r", "ReplaceField$Value", {"exclude": "mid",
                                  "renames": "zeta:z,alpha:a"})),
    ("replace-v2-nested", ("r", "ReplaceField$Value",
                           {"exclude": "inner.y",
                            "field.syntax.version": "V2"}),
     ("r", "ReplaceField$Value", {"exclude": "nested.b",
                                  "field.syntax.version": "V2"})),
    ("setschemametadata", ("s", "SetSchemaMetadata$Value",
                           {"schema.name": "com.example.New",
                            "schema.version": "2"}),
     ("s", "SetSchemaMetadata$Value", {"schema.name": "x"})),
    ("tsconv-to-string", ("t", "TimestampConverter$Value",
                          {"field": "ts", "target.type": "string",
                           "format": "yyyy-MM-dd'T'HH:mm:ss.SSS"}),
     None),
    ("tsconv-unix", ("t", "TimestampConverter$Value",
                     {"field": "ts", "target.type": "unix"}),
     ("t", "TimestampConverter$Value",
      {"field": "zeta", "target.type": "Timestamp"})),
    ("tsconv-date", ("t", "TimestampConverter$Value",
                     {"field": "ts", "target.type": "Date"}), None),
    ("valuetokey-then-extract", ("v", "ValueToKey", {"fields": "i32,s"}),
     ("v", "ValueToKey", {"fields": "alpha"})),
]
for name, on, off in SMT_CASES:
    if on:
        sink("sink-smt-%s-schema" % name, RICH_RECORDS, conv(JSON),
             chain(on))
    if off:
        sink("sink-smt-%s-schemaless" % name, PLAIN, conv(JSON),
             SCHEMAS_OFF, chain(off))

# routers revealed by InsertField topic.field
for cid, regex, repl in [
        ("plain", "(.*)in-(.*)", "$1x-$2"),
        ("named-group", "(?<p>.*)in-(?<rest>.*)", "${rest}-${p}"),
        ("inline-flag", "(?i)(.*)IN-(.*)", "$2"),
        ("lookahead", "(.*)in-(?=sink)(.*)", "$2"),
        ("backreference", "(.*)-in-sink-(r)egexrouter-backrefe\\2ence",
         "$1-routed")]:
    sink("sink-regexrouter-" + cid, [env(NESTED, {"x": 1, "y": "a"})],
         conv(JSON), chain(("rr", "RegexRouter",
                            {"regex": regex, "replacement": repl}),
                           ("t", "InsertField$Value", {"topic.field": "t"})))
sink("sink-timestamprouter", [env(NESTED, {"x": 1, "y": "a"})], conv(JSON),
     chain(("tr", "TimestampRouter",
            {"topic.format": "${topic}_${timestamp}",
             "timestamp.format": "yyyyMMdd-HHmmss.SSS"}),
           ("t", "InsertField$Value", {"topic.field": "t"})))
sink("sink-timestamprouter-default", [env(NESTED, {"x": 1, "y": "a"})],
     conv(JSON), chain(("tr", "TimestampRouter", {}),
                       ("t", "InsertField$Value", {"topic.field": "t"})))
sink("sink-topics-regex-java", [env(I32, 1)], conv(JSON),
     {"topics": None, "topics.regex": "(?<p>@P@)in-sink-topics-regex-java"})

# predicates on the sink side
HDR_RECORDS = [{"value": env(I32, 1), "headers": [["drop", "y"]]},
               {"value": env(I32, 2)},
               {"value": env(I32, 3), "headers": [["keep", "1"]]},
               {"value": None}]
sink("sink-filter-has-header", HDR_RECORDS, conv(JSON),
     chain(("f", "Filter", {"predicate": "p"}),
           predicates=[("p", "HasHeaderKey", {"name": "drop"})]))
sink("sink-filter-has-header-negate", HDR_RECORDS, conv(JSON),
     chain(("f", "Filter", {"predicate": "p", "negate": "true"}),
           predicates=[("p", "HasHeaderKey", {"name": "drop"})]))
sink("sink-filter-tombstone", HDR_RECORDS, conv(JSON),
     chain(("f", "Filter", {"predicate": "p"}),
           predicates=[("p", "RecordIsTombstone", {})]))
sink("sink-filter-tombstone-negate", HDR_RECORDS, conv(JSON),
     chain(("f", "Filter", {"predicate": "p", "negate": "true"}),
           predicates=[("p", "RecordIsTombstone", {})]))
sink("sink-filter-topic-lookahead", HDR_RECORDS, conv(JSON),
     chain(("f", "Filter", {"predicate": "p"}),
           predicates=[("p", "TopicNameMatches",
                        {"pattern": "(?=.*lookahead).*"})]))
sink("sink-predicate-guarded-hoist", HDR_RECORDS, conv(JSON),
     chain(("h", "HoistField$Value", {"field": "v", "predicate": "p"}),
           predicates=[("p", "HasHeaderKey", {"name": "keep"})]))

# error handling with a dead letter queue and context headers
sink("sink-dlq-bad-json", ["{bad", env(I32, 1), "[1,"], conv(JSON),
     dlq=True)
sink("sink-dlq-cast-failure", [env(S, "abc"), env(S, "12")], conv(JSON),
     chain(("c", "Cast$Value", {"spec": "int32"})), dlq=True)
sink("sink-dlq-transform-failure",
     [env(I32, 1)], conv(JSON),
     chain(("e", "ExtractField$Value", {"field": "x"})), dlq=True)
sink("sink-dlq-strict-int8", [env(I8, 300), env(I8, 1)], conv(JSON),
     dlq=True)
sink("sink-dlq-keeps-key-and-headers",
     [{"key": "k1", "value": "{bad", "headers": [["h", "v"], ["n", None]]},
      {"key": None, "value": env(I32, 1), "headers": [["h", "w"]]}],
     conv(JSON, key=STR), dlq=True)
sink("sink-dlq-no-context-headers", ["{bad", env(I32, 1)], conv(JSON),
     dlq=True,
     dlq_config={"errors.deadletterqueue.context.headers.enable": "false"})
sink("sink-tolerance-all-no-dlq", ["{bad", env(I32, 1)], conv(JSON),
     {"errors.tolerance": "all"})
sink("sink-tolerance-none-bad-json", ["{bad", env(I32, 1)], conv(JSON))
