# SPDX-License-Identifier: Apache-2.0
"""TimestampConverter with the SimpleDateFormat letters kconnect used to
refuse (G, Y, w, u), end to end: FileStreamSource lines -> TimestampConverter
(string -> unix, "G yyyy-MM-dd") -> TimestampConverter (unix -> string,
week-date pattern) -> StringConverter -> the real broker.

The expected strings are what Java's SimpleDateFormat printed for the same
patterns (UTC, en_US); the same instants and pattern are in
tests/golden/date_format, whose expected.tsv the JDK wrote. They cross the
Julian cutover (1582-10-10 is in the ten days that do not exist: lenient
Java reads it as Julian, the Gregorian 20th) and a BC date, whose week
year Java prints as a negative proleptic year.
"""

from kconnect_worker import KconnectWorker, unique_name  # noqa

TS = "org.apache.kafka.connect.transforms.TimestampConverter$Value"

CASES = [
    ("AD 2021-01-01", "2021-W01-5 AD, Friday 01 January 2021"),
    ("BC 0044-03-15", "-0043-W11-3 BC, Wednesday 15 March 0044"),
    ("AD 2020-12-31", "2021-W01-4 AD, Thursday 31 December 2020"),
    ("ad 1582-10-10", "1582-W41-3 AD, Wednesday 20 October 1582"),
]


def test_week_and_era_patterns_round_trip(tmp_path, kcat):
    topic = unique_name("tsfmt")
    src = tmp_path / "in.txt"
    src.write_text("".join(line + "\n" for line, _ in CASES))
    connector = {
        "name": "tsfmt-source",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": str(src),
        "topic": topic,
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "transforms": "parse,print",
        "transforms.parse.type": TS,
        "transforms.parse.target.type": "unix",
        "transforms.parse.format": "G yyyy-MM-dd",
        "transforms.print.type": TS,
        "transforms.print.target.type": "string",
        "transforms.print.format": "YYYY-'W'ww-u G, EEEE dd MMMM yyyy",
    }
    w = KconnectWorker(tmp_path, connectors=[connector])
    try:
        w.start()
        values = kcat.values(topic, len(CASES), timeout=60)
    finally:
        w.stop()
    assert values == [expected for _, expected in CASES]
