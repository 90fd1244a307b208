/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apache's StringConverter (converter.encoding) against every charset the
 * JDK has, for tests/unit/test_string_converter.c and the charset name
 * table of src/converters/kc_string_converter.c.
 *   java -cp <connect-api + kafka-clients> GenCharsets.java names > ...h
 *       every Java charset name and alias with its canonical name
 *   java -cp ... GenCharsets.java sbcs > ...kc_java_sbcs.h
 *       the JDK's tables of its single-byte charsets: each byte's char
 *       (U+FFFD when unmapped) and where its encoder differs from reading
 *       that table backwards
 *   java -cp ... GenCharsets.java cases > cases.tsv
 *       lines "canonical<TAB>e|d<TAB>input hex<TAB>output hex": "e" encodes
 *       a string (input: its UTF-8, a lone surrogate as its 3-byte form),
 *       "d" decodes bytes (output: the UTF-8 of Java's string, a lone
 *       surrogate again as its 3-byte form)
 */
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.apache.kafka.connect.storage.StringConverter;

public class GenCharsets {
    static final String[] STRINGS = {
        "", "A", "hello, world", "caf\u00e9 na\u00efve \u00fc\u00df",
        "\u20ac 5 \u00a3 \u00a5", "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8",
        "\u041f\u0440\u0438\u0432\u0435\u0442", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
        "\u4e2d\u6587 \ud55c\uad6d\uc5b4", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "\ud83d\ude00 smile", "\ud800", "a\udc00b", "\udbff\udfff", "\u0000\u0001\u007f",
        "\ufffd", "\ufeffA", "\u0080\u009f\u00a0\u00ff", "line\r\nbreak\ttab",
        "\u0e44\u0e17\u0e22 \u0915\u0916", "~\\\u00a5\u203e",
    };
    static final String[] BYTES = {
        "", "41", "68656c6c6f", "00", "7f", "80", "ff", "fe", "a4", "e9",
        "c3a9", "e282ac", "f09f9880", "f09f98", "e282", "c3", "eda080",
        "edb080", "eda0bdedb880", "c0af", "e080af", "f4908080", "f8888080",
        "80bf", "41ff42", "feff0041", "fffe4100", "0041", "4100", "004100",
        "d800", "00d8", "d83dde00", "3dd800de", "dc00", "0000feff", "fffe0000",
        "00000041", "41000000", "0000d800", "00110000", "feff", "fffe",
        "8140", "82a0", "a4a2", "b0a1", "8ea1", "8fa2af", "a1a1", "ffff",
        "1b2442", "1b244224221b2842", "d8000041", "0041dc00", "d800d800dc00",
        "dbffdfff", "0000dc00", "0010ffff", "ffff0000", "00000000feff",
        "f0908080", "f08f8080", "eda0", "eda041", "e0a0", "f0", "f09f41", "c241",
        "fffefeff0041", "feff0000d800", "1b28424142", "e3818241", "818181",
        "a1", "a1a2a3", "5c7e", "0d0a", "2b414b4d2d", "e0a080", "efbfbd",
        "efbbbf41",
    };

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    static byte[] unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /* UTF-8, with an unpaired surrogate as its own 3-byte form: how a
     * kconnect string holds what a Java string with one would hold. */
    static byte[] wtf8(String s) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                o.write(cp);
            } else if (cp < 0x800) {
                o.write(0xc0 | cp >> 6);
                o.write(0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                o.write(0xe0 | cp >> 12);
                o.write(0x80 | cp >> 6 & 0x3f);
                o.write(0x80 | cp & 0x3f);
            } else {
                o.write(0xf0 | cp >> 18);
                o.write(0x80 | cp >> 12 & 0x3f);
                o.write(0x80 | cp >> 6 & 0x3f);
                o.write(0x80 | cp & 0x3f);
            }
        }
        return o.toByteArray();
    }

    static StringConverter converter(String name) {
        StringConverter c = new StringConverter();
        c.configure(Map.of("converter.encoding", name), false);
        return c;
    }

    static boolean singleByte(Charset cs) {
        if (!cs.canEncode() || cs.name().startsWith("UTF") || cs.name().contains("UTF")) {
            return false;
        }
        try {
            if (cs.newEncoder().maxBytesPerChar() != 1.0f
                    || cs.newDecoder().maxCharsPerByte() != 1.0f) {
                return false;
            }
        } catch (UnsupportedOperationException e) {
            return false;
        }
        return true;
    }

    static void sbcs(SortedMap<String, Charset> all) {
        StringBuilder tables = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        int n = 0;
        for (Charset cs : all.values()) {
            if (!singleByte(cs)) {
                continue;
            }
            java.nio.charset.CharsetDecoder dec = cs.newDecoder();
            java.nio.charset.CharsetEncoder enc = cs.newEncoder();
            char[] table = new char[256];
            for (int b = 0; b < 256; b++) {
                try {
                    java.nio.CharBuffer cb = dec.reset().decode(
                            java.nio.ByteBuffer.wrap(new byte[] {(byte) b}));
                    table[b] = cb.length() == 1 ? cb.charAt(0) : '\ufffd';
                } catch (java.nio.charset.CharacterCodingException e) {
                    table[b] = '\ufffd';
                }
            }
            /* the encoder where it is not the table read backwards
             * (lowest byte first): 256 = cannot encode */
            StringBuilder ex = new StringBuilder();
            int nex = 0;
            for (int c = 0; c < 0x10000; c++) {
                if (c >= 0xd800 && c <= 0xdfff) {
                    continue;
                }
                int back = 256;
                for (int b = 0; b < 256; b++) {
                    if (table[b] == c && c != 0xfffd) {
                        back = b;
                        break;
                    }
                }
                int real = 256;
                try {
                    java.nio.ByteBuffer bb = enc.reset().encode(
                            java.nio.CharBuffer.wrap(new char[] {(char) c}));
                    if (bb.remaining() == 1) {
                        real = bb.get() & 0xff;
                    }
                } catch (java.nio.charset.CharacterCodingException e) {
                    real = 256;
                }
                if (real != back) {
                    ex.append(String.format("    {0x%04X, %d},%n", c, real));
                    nex++;
                }
            }
            tables.append("static const uint16_t kc_sbcs_" + n + "_decode[256] = {\n");
            for (int b = 0; b < 256; b += 8) {
                tables.append("   ");
                for (int i = 0; i < 8; i++) {
                    tables.append(String.format(" 0x%04X,", (int) table[b + i]));
                }
                tables.append("\n");
            }
            tables.append("};\n");
            tables.append("static const uint16_t kc_sbcs_" + n + "_encode[][2] = {\n");
            tables.append(ex);
            tables.append("    {0xFFFF, 256}, /* end */\n};\n");
            rows.append("    {\"" + cs.name() + "\", kc_sbcs_" + n + "_decode, kc_sbcs_"
                    + n + "_encode, " + nex + "},\n");
            n++;
        }
        System.out.println("/* SPDX-License-Identifier: Apache-2.0 */");
        System.out.println("/*");
        System.out.println(" * Generated by tests/golden/charsets/GenCharsets.java with Java "
                + Runtime.version().feature() + ";");
        System.out.println(" * do not edit. The JDK's single-byte charsets: each byte's char");
        System.out.println(" * (U+FFFD: unmapped), and each char the encoder writes otherwise than");
        System.out.println(" * the table read backwards, lowest byte first (256: not at all).");
        System.out.println(" */");
        System.out.println("#ifndef KC_CONVERTERS_KC_JAVA_SBCS_H");
        System.out.println("#define KC_CONVERTERS_KC_JAVA_SBCS_H");
        System.out.println();
        System.out.println("/* clang-format off */");
        System.out.print(tables);
        System.out.println();
        System.out.println("static const struct kc_java_sbcs {");
        System.out.println("    const char *canonical;");
        System.out.println("    const uint16_t *decode;");
        System.out.println("    const uint16_t (*encode)[2];");
        System.out.println("    size_t encode_len;");
        System.out.println("} kc_java_sbcs[] = {");
        System.out.print(rows);
        System.out.println("};");
        System.out.println("/* clang-format on */");
        System.out.println();
        System.out.println("#endif /* KC_CONVERTERS_KC_JAVA_SBCS_H */");
    }

    public static void main(String[] args) {
        SortedMap<String, Charset> all = Charset.availableCharsets();
        if (args[0].equals("sbcs")) {
            sbcs(all);
            return;
        }
        if (args[0].equals("names")) {
            System.out.println("/* SPDX-License-Identifier: Apache-2.0 */");
            System.out.println("/*");
            System.out.println(" * Generated by tests/golden/charsets/GenCharsets.java with Java "
                    + Runtime.version().feature() + ";");
            System.out.println(" * do not edit. Every name and alias of the JDK's charsets, lower");
            System.out.println(" * case and sorted, with the canonical name (Charset.forName).");
            System.out.println(" */");
            System.out.println("#ifndef KC_CONVERTERS_KC_JAVA_CHARSET_NAMES_H");
            System.out.println("#define KC_CONVERTERS_KC_JAVA_CHARSET_NAMES_H");
            System.out.println();
            System.out.println("/* clang-format off */");
            System.out.println("static const struct kc_java_charset_name {");
            System.out.println("    const char *name;");
            System.out.println("    const char *canonical;");
            System.out.println("} kc_java_charset_names[] = {");
            TreeSet<String> rows = new TreeSet<>();
            for (Charset cs : all.values()) {
                rows.add(cs.name().toLowerCase(java.util.Locale.ROOT) + "\t" + cs.name());
                for (String a : cs.aliases()) {
                    rows.add(a.toLowerCase(java.util.Locale.ROOT) + "\t" + cs.name());
                }
            }
            for (String r : rows) {
                String[] p = r.split("\t");
                System.out.println("    {\"" + p[0] + "\", \"" + p[1] + "\"},");
            }
            System.out.println("};");
            System.out.println("/* clang-format on */");
            System.out.println();
            System.out.println("#endif /* KC_CONVERTERS_KC_JAVA_CHARSET_NAMES_H */");
            return;
        }
        for (Charset cs : all.values()) {
            String name = cs.name();
            if (!cs.canEncode()) {
                continue;
            }
            StringConverter c = converter(name);
            for (String s : STRINGS) {
                System.out.println(name + "\te\t" + hex(wtf8(s)) + "\t"
                        + hex(c.fromConnectData("t", null, s)));
            }
            for (String h : BYTES) {
                Object v = c.toConnectData("t", unhex(h)).value();
                System.out.println(name + "\td\t" + h + "\t" + hex(wtf8((String) v)));
            }
        }
    }
}
