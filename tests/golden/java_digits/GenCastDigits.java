/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What Apache's Cast$Value (schemaless) makes of strings written with
 * decimal digits beyond ASCII, for tests/unit/test_transform_cast.c.
 * Output lines: input (\\uXXXX-escaped), TAB, target type, TAB, the cast
 * value's String.valueOf or "ERR " + the DataException message.
 */
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Cast;

public class GenCastDigits {
    static final String[] INPUTS = {
        "\uff11\uff12", "\u0661\u0662", "-\u0661\u0662", "+\uff11\uff12",
        "\uff11\uff12.\uff15", "\u0967\u0968\u0969", "\uff11e\uff12", "1\uff12",
        "\uff11\uff12\uff18", "-\uff11\uff12\uff18", "\u0663\u0660\u0660\u0660\u0660",
        "\uff12\uff11\uff14\uff17\uff14\uff18\uff13\uff16\uff14\uff18",
        "\uff19\uff12\uff12\uff13\uff13\uff17\uff12\uff10\uff13\uff16\uff18\uff15\uff14\uff17\uff17\uff15\uff18\uff10\uff17",
        "\uff19\uff12\uff12\uff13\uff13\uff17\uff12\uff10\uff13\uff16\uff18\uff15\uff14\uff17\uff17\uff15\uff18\uff10\uff18",
        "\ud835\udfcf\ud835\udfd0", "\u066b", "\u07c0", "\u1810\u1811", "\ua9d0\ua9d9",
        "\uff10x\uff11", " \uff11", "\uff11 ", "\u00b2", "\u2460", "\u0f20\u0f29",
        "\uff11\u0662\u0969", "-", "+\u0661", "\uff0b\uff11",
    };
    static final String[] TYPES = {"int8", "int16", "int32", "int64",
        "float32", "float64"};

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public static void main(String[] args) {
        for (String in : INPUTS) {
            for (String type : TYPES) {
                Cast<SourceRecord> cast = new Cast.Value<>();
                cast.configure(Map.of("spec", type));
                String out;
                try {
                    SourceRecord r = cast.apply(new SourceRecord(null, null, "t", 0, null, in));
                    out = String.valueOf(r.value());
                } catch (RuntimeException e) {
                    out = "ERR " + e.getMessage();
                }
                System.out.println(escape(in) + "\t" + type + "\t" + escape(out));
                cast.close();
            }
        }
    }
}
