/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's metric stats (src/metrics/kc_stat.c): drives
 * Apache Kafka's own org.apache.kafka.common.metrics with a fake clock
 * through a fixed event script and writes, for each step, what every stat
 * then reads. tests/unit/test_metrics_stats.c replays the same steps.
 *
 *   java -cp <kafka-clients> GenMetricsStatsGolden.java OUT.jsonl
 *
 * Line format: {"config":{"window":W,"samples":N}} opens a scenario; then
 * {"t":ms,"record":v} (a value into the avg/max/min/rate/total/value
 * sensor), {"t":ms,"outcome":0|1} (an event into the frequencies sensor)
 * or {"t":ms,"expect":{name:value,...}} (what each stat reads at t; a
 * non-finite value is the string Java prints: "NaN", "Infinity").
 */
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Frequencies;
import org.apache.kafka.common.metrics.stats.Frequency;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Min;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.utils.Time;

public class GenMetricsStatsGolden {
    static final class FakeTime implements Time {
        long ms;

        public long milliseconds() { return ms; }
        public long nanoseconds() { return ms * 1_000_000L; }
        public void sleep(long d) { ms += d; }
        public void waitObject(Object o, Supplier<Boolean> c, long deadline) {
            throw new UnsupportedOperationException();
        }
    }

    static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "\"" + d + "\"";
        }
        return Double.toString(d);
    }

    static long seed = 12345;

    static long next(long bound) {
        seed = (seed * 6364136223846793005L + 1442695040888963407L);
        return ((seed >>> 33) % bound + bound) % bound;
    }

    static void scenario(PrintWriter out, long window, int samples,
                         long[] gaps) {
        FakeTime time = new FakeTime();
        time.ms = 1_000_000L;
        MetricConfig cfg = new MetricConfig().timeWindow(window,
            TimeUnit.MILLISECONDS).samples(samples);
        Metrics m = new Metrics(cfg, new ArrayList<MetricsReporter>(), time);
        Sensor s = m.sensor("s");
        Map<String, MetricName> names = new LinkedHashMap<>();
        String[] stats = {"avg", "max", "min", "rate", "total", "value"};
        for (String n : stats) {
            names.put(n, m.metricName(n, "g"));
        }
        s.add(names.get("avg"), new Avg());
        s.add(names.get("max"), new Max());
        s.add(names.get("min"), new Min());
        s.add(names.get("rate"), new Rate());
        s.add(names.get("total"), new CumulativeSum());
        s.add(names.get("value"), new Value());
        Sensor f = m.sensor("f");
        names.put("success", m.metricName("success", "g"));
        names.put("failure", m.metricName("failure", "g"));
        f.add(new Frequencies(2, 0.0, 1.0,
            new Frequency(names.get("success"), 1.0),
            new Frequency(names.get("failure"), 0.0)));
        out.println("{\"config\":{\"window\":" + window + ",\"samples\":"
            + samples + "}}");
        for (long gap : gaps) {
            time.ms += gap;
            long kind = next(4);
            if (kind == 0) {
                StringBuilder sb = new StringBuilder();
                sb.append("{\"t\":").append(time.ms).append(",\"expect\":{");
                boolean first = true;
                for (Map.Entry<String, MetricName> e : names.entrySet()) {
                    double v = (Double) m.metric(e.getValue()).metricValue();
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    sb.append('"').append(e.getKey()).append("\":")
                        .append(num(v));
                }
                out.println(sb.append("}}"));
            } else if (kind == 1) {
                long o = next(3) == 0 ? 0 : 1;
                f.record(o, time.ms);
                out.println("{\"t\":" + time.ms + ",\"outcome\":" + o + "}");
            } else {
                double v = next(1000);
                s.record(v, time.ms);
                out.println("{\"t\":" + time.ms + ",\"record\":" + num(v)
                    + "}");
            }
        }
        m.close();
    }

    public static void main(String[] args) throws Exception {
        try (PrintWriter out = new PrintWriter(args[0], "UTF-8")) {
            /* Apache's defaults (30 s x 2), then a short window with more
             * samples; gaps from a few ms to beyond the expiry age, so
             * samples complete, roll over and expire. */
            long[][] configs = {{30000, 2}, {1000, 3}, {500, 1}};
            for (long[] c : configs) {
                List<Long> gaps = new ArrayList<>();
                gaps.add(0L);
                for (int i = 0; i < 400; i++) {
                    long r = next(10);
                    long gap = r < 6 ? next(c[0] / 4 + 1)
                        : r < 9 ? next(c[0] * 2) : next(c[0] * c[1] * 3);
                    gaps.add(gap);
                }
                long[] g = new long[gaps.size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = gaps.get(i);
                }
                scenario(out, c[0], (int) c[1], g);
            }
        }
    }
}
