/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes what java.text.SimpleDateFormat (time zone UTC, as Apache's
 * TimestampConverter sets it; locale en_US), java.util.Date.toString and
 * Apache's Values.dateFormatFor (what Cast uses to turn a Date/Time/
 * Timestamp into a string) produce for the cases of cases.tsv. Run by
 * ./generate; its output, expected.tsv, is committed and read by
 * tests/unit/test_java_date_format.c.
 *
 * cases.tsv lines (tab separated, '#' starts a comment line):
 *   pattern P     every pattern is formatted at every instant
 *   instant MS    (also printed by Date.toString and cast to a string)
 *   parse P TEXT  P parses TEXT (a fresh formatter for each case)
 *   values TEXT   Apache's Values.parseString(TEXT) (SimpleHeaderConverter)
 *   random SEED N N random patterns, each formatting a random instant and
 *                 parsing that text back, as is or changed a little (a
 *                 digit, a blank, a minus, cut short): F and P lines
 *   garble SEED N as random, but the text is damaged up to four times or
 *                 replaced by a soup of digits, signs and letters
 * Parsing puts two-digit years in the 80 years before 2026-12-04 (what
 * Java's default is on that day) so the data does not depend on the day it
 * is generated; the C test passes the same "now".
 * expected.tsv lines:
 *   F P MS TEXT | F P MS !ERROR   format (or the pattern's error)
 *   P P TEXT MS | P P TEXT !      parse (or ParseException)
 *   D MS TEXT                     Date.toString
 *   C MS TEXT                     Values.dateFormatFor(d).format(d)
 *   V TEXT SCHEMA MS | V TEXT SCHEMA -   Values.parseString: the logical
 *                                 schema's name (or the type) and the
 *                                 Date's ms (- for a value that is none)
 */
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;

import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Values;

public class GenDateFormatGolden {
    static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    /* 1946-12-04T00:00Z: Java's two-digit-year start on 2026-12-04. */
    static final Date CENTURY_START = new Date(-728265600000L);

    static SimpleDateFormat formatter(String pattern) {
        SimpleDateFormat f = new SimpleDateFormat(pattern);
        f.setTimeZone(UTC);
        f.set2DigitYearStart(CENTURY_START);
        return f;
    }

    static final String LETTERS = "GyMdkHmsSEDFwWahKzZYuXL";
    static final String[] SEPARATORS = {
        "", "", " ", "-", ":", "/", ".", ",", "'T'", "''", " 'at' "};

    static String randomPattern(Random rnd) {
        StringBuilder p = new StringBuilder();
        int fields = 1 + rnd.nextInt(6);
        for (int i = 0; i < fields; i++) {
            char c = LETTERS.charAt(rnd.nextInt(LETTERS.length()));
            int count = 1 + rnd.nextInt(c == 'X' ? 3 : 5);
            for (int k = 0; k < count; k++) {
                p.append(c);
            }
            p.append(SEPARATORS[rnd.nextInt(SEPARATORS.length)]);
        }
        return p.toString();
    }

    static long randomInstant(Random rnd) {
        switch (rnd.nextInt(4)) {
        case 0: /* around now */
            return 1500000000000L + (long) (rnd.nextDouble() * 4e11);
        case 1: /* 1200 BC .. 3000 AD */
            return -100000000000000L + (long) (rnd.nextDouble() * 1.3e14);
        case 2: /* around the Julian cutover */
            return -12219292800000L + (long) ((rnd.nextDouble() - 0.5) * 1e11);
        default: /* far away */
            return (long) ((rnd.nextDouble() - 0.5) * 2e16);
        }
    }

    static final String SOUP =
        "0123456789 -+:.ZTGMUCadpPmMEWuNaE\u0660\uFF11\u221e";

    static String garble(Random rnd, String text) {
        if (rnd.nextInt(4) == 0) {
            StringBuilder g = new StringBuilder();
            int len = rnd.nextInt(24);
            for (int i = 0; i < len; i++) {
                g.append(SOUP.charAt(rnd.nextInt(SOUP.length())));
            }
            return g.toString();
        }
        for (int i = rnd.nextInt(4); i >= 0; i--) {
            text = mutate(rnd, text);
        }
        return text;
    }

    static String mutate(Random rnd, String text) {
        if (text.isEmpty() || rnd.nextInt(3) == 0) {
            return text;
        }
        int at = rnd.nextInt(text.length());
        switch (rnd.nextInt(5)) {
        case 0:
            return text.substring(0, at) + (char) ('0' + rnd.nextInt(10))
                    + text.substring(at + 1);
        case 1:
            return text.substring(0, at) + " " + text.substring(at);
        case 2:
            return text.substring(0, at) + "-" + text.substring(at);
        case 3:
            return text.substring(0, at);
        default:
            return " " + text;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> patterns = new ArrayList<>();
        List<Long> instants = new ArrayList<>();
        List<String[]> parses = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<long[]> randoms = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[0]),
                StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
            case "pattern": patterns.add(f[1]); break;
            case "instant": instants.add(Long.parseLong(f[1])); break;
            case "parse": parses.add(new String[] {f[1], f[2]}); break;
            case "values": values.add(f[1]); break;
            case "random":
            case "garble":
                randoms.add(new long[] {Long.parseLong(f[1]),
                        Long.parseLong(f[2]), f[0].equals("garble") ? 1 : 0});
                break;
            default: throw new IllegalArgumentException(line);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# generated by GenDateFormatGolden.java from cases.tsv; "
                + "java.version=" + System.getProperty("java.version")
                + " user.timezone=" + TimeZone.getDefault().getID()
                + " locale=" + java.util.Locale.getDefault() + "\n");
        for (String p : patterns) {
            SimpleDateFormat f;
            try {
                f = formatter(p);
            } catch (IllegalArgumentException e) {
                out.append("F\t").append(p).append("\t0\t!")
                        .append(e.getMessage()).append('\n');
                continue;
            }
            for (long ms : instants) {
                out.append("F\t").append(p).append('\t').append(ms)
                        .append('\t').append(f.format(new Date(ms)))
                        .append('\n');
            }
        }
        for (String[] c : parses) {
            out.append("P\t").append(c[0]).append('\t').append(c[1])
                    .append('\t');
            try {
                out.append(formatter(c[0]).parse(c[1]).getTime());
            } catch (ParseException e) {
                out.append('!');
            }
            out.append('\n');
        }
        for (long[] r : randoms) {
            Random rnd = new Random(r[0]);
            for (long i = 0; i < r[1]; i++) {
                String p = randomPattern(rnd);
                try {
                    formatter(p);
                } catch (IllegalArgumentException e) {
                    continue; /* runs of X merged past XXX */
                }
                long ms = randomInstant(rnd);
                String text = formatter(p).format(new Date(ms));
                String in = r[2] == 0 ? mutate(rnd, text) : garble(rnd, text);
                out.append("F\t").append(p).append('\t').append(ms)
                        .append('\t').append(text).append('\n');
                if (in.indexOf('\t') >= 0) {
                    continue;
                }
                out.append("P\t").append(p).append('\t').append(in)
                        .append('\t');
                try {
                    out.append(formatter(p).parse(in).getTime());
                } catch (ParseException e) {
                    out.append('!');
                }
                out.append('\n');
            }
        }
        for (long ms : instants) {
            Date d = new Date(ms);
            out.append("D\t").append(ms).append('\t').append(d.toString())
                    .append('\n');
            out.append("C\t").append(ms).append('\t')
                    .append(Values.dateFormatFor(d).format(d)).append('\n');
        }
        for (String text : values) {
            SchemaAndValue sv = Values.parseString(text);
            String schema = sv.schema() == null ? "null"
                    : sv.schema().name() != null ? sv.schema().name()
                    : sv.schema().type().toString();
            out.append("V\t").append(text).append('\t').append(schema)
                    .append('\t')
                    .append(sv.value() instanceof Date
                            ? Long.toString(((Date) sv.value()).getTime())
                            : "-")
                    .append('\n');
        }
        Files.write(Paths.get(args[1]),
                out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
