/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java's Double.toString / Float.toString for bit patterns, as the
 * reference for src/data/kc_java_number.c. Needs a JDK 19+ (JDK-4511638).
 *   java GenJavaNumbers.java sample > sample.tsv
 *       edge cases plus a fixed-seed random sample (committed, read by
 *       tests/unit/test_java_number.c)
 *   java GenJavaNumbers.java random <count> <seed>
 *       <count> random doubles and <count> random floats, for
 *       build/kc_java_number_check (run by ./generate)
 * Output lines: "d" or "f", TAB, the bits in hex, TAB, Java's text.
 */
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

public class GenJavaNumbers {
    static BufferedWriter out;

    static void d(double v) throws IOException {
        long bits = Double.doubleToRawLongBits(v);
        out.write("d\t" + Long.toHexString(bits) + "\t" + Double.toString(v) + "\n");
    }

    static void f(float v) throws IOException {
        int bits = Float.floatToRawIntBits(v);
        out.write("f\t" + Integer.toHexString(bits) + "\t" + Float.toString(v) + "\n");
    }

    /* Uniform bit patterns cover every exponent equally; values from a
     * short decimal stress the shortest-digit choice. */
    static void random(SplittableRandom rnd, long count) throws IOException {
        for (long i = 0; i < count; i++) {
            d(Double.longBitsToDouble(rnd.nextLong()));
            f(Float.intBitsToFloat(rnd.nextInt()));
            if ((i & 3) == 0) {
                long digits = rnd.nextLong(1, 100_000_000L);
                int exp = rnd.nextInt(-330, 310);
                double v = new BigDecimal(digits).scaleByPowerOfTen(exp).doubleValue();
                d(v);
                d(Math.nextUp(v));
                f((float) v);
            }
        }
    }

    static void edges() throws IOException {
        double[] ds = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE,
            Double.MIN_NORMAL, Double.MAX_VALUE, 1.0E23, 2.82879384806159E17,
            5.684341886080802E-14, 1.0E7, 9999999.999999998, 1.0E-3,
            9.999999999999998E-4, 0.1, 0.2, 0.3, 1.0, 2.0, 100.0, 1.0E22,
            1.0E21, 123456789012345678.0, 4.35, 0.001, 1.0E-5, 5.0E-324,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            2.2250738585072014E-308, 2.225073858507201E-308};
        for (double v : ds) {
            d(v);
            d(Math.nextUp(v));
            d(Math.nextDown(v));
        }
        for (long c = 1; c < 64; c++) {
            d(Double.longBitsToDouble(c));  /* the smallest subnormals */
        }
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            d(p);
            d(Math.nextUp(p));
            d(Math.nextDown(p));
        }
        for (int e = -325; e <= 309; e++) {
            double p = Double.parseDouble("1e" + e);
            d(p);
            d(Math.nextUp(p));
            d(Math.nextDown(p));
        }
        for (long n = (1L << 53) - 40; n <= (1L << 53) + 40; n++) {
            d((double) n);
        }
        for (long n = 1; n < 2000; n++) {
            d((double) n);
            d(n / 1000.0);
        }
        float[] fs = {0.0f, -0.0f, Float.MIN_VALUE, Float.MIN_NORMAL,
            Float.MAX_VALUE, 1.1754944E-38f, 1.0E7f, 9999999.0f, 1.0E-3f,
            0.1f, 0.3f, 1.0f, 3.4028235E38f, 1.0E10f, 2.0E-45f, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 16777216.0f,
            8.0E-45f, 1.17549435E-38f};
        for (float v : fs) {
            f(v);
            f(Math.nextUp(v));
            f(Math.nextDown(v));
        }
        for (int c = 1; c < 64; c++) {
            f(Float.intBitsToFloat(c));
        }
        for (int e = -149; e <= 127; e++) {
            float p = Math.scalb(1.0f, e);
            f(p);
            f(Math.nextUp(p));
            f(Math.nextDown(p));
        }
        for (int e = -46; e <= 39; e++) {
            float p = Float.parseFloat("1e" + e);
            f(p);
            f(Math.nextUp(p));
            f(Math.nextDown(p));
        }
        for (int n = (1 << 24) - 40; n <= (1 << 24) + 40; n++) {
            f((float) n);
        }
    }

    public static void main(String[] args) throws IOException {
        out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), 1 << 16);
        if (args[0].equals("sample")) {
            edges();
            random(new SplittableRandom(20261204L), 12_000);
        } else {
            random(new SplittableRandom(Long.parseLong(args[2])), Long.parseLong(args[1]));
        }
        out.flush();
    }
}
