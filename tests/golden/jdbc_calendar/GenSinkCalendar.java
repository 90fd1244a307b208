/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden values for date.calendar.system of the JDBC sink: the wall-clock
 * fields a JDBC driver writes for a Connect Date (epoch days) or Timestamp
 * (epoch milliseconds) bound through a UTC GregorianCalendar, as
 * Confluent's sink binds them: LEGACY is java.util's hybrid calendar
 * (Julian before 1582-10-15), PROLEPTIC_GREGORIAN the same calendar with
 * its Gregorian change moved to the beginning of time.
 *
 *   java GenSinkCalendar.java
 *
 * Prints one line per input: kind, value, LEGACY text, PROLEPTIC text.
 */
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.TimeZone;

public class GenSinkCalendar {
    static String fields(long millis, boolean proleptic, boolean withTime) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        if (proleptic) {
            c.setGregorianChange(new Date(Long.MIN_VALUE));
        }
        c.setTimeInMillis(millis);
        String day = String.format("%04d-%02d-%02d", c.get(Calendar.YEAR),
                c.get(Calendar.MONTH) + 1, c.get(Calendar.DAY_OF_MONTH));
        if (!withTime) {
            return day;
        }
        return day + String.format(" %02d:%02d:%02d.%03d", c.get(Calendar.HOUR_OF_DAY),
                c.get(Calendar.MINUTE), c.get(Calendar.SECOND),
                c.get(Calendar.MILLISECOND));
    }

    public static void main(String[] args) {
        long[] days = {-719162, -354226, -171489, -141428, -141438,
                       -141427, -141418, 18321};
        for (long d : days) {
            long ms = d * 86400000L;
            System.out.println("DATE " + d + " " + fields(ms, false, false) + " "
                    + fields(ms, true, false));
        }
        long[] stamps = {-33749789969544L, -12218428800001L, -12219292800001L,
                         -12219292800000L, 1577836801250L};
        for (long ms : stamps) {
            System.out.println("TIMESTAMP " + ms + " " + fields(ms, false, true)
                    + " " + fields(ms, true, true));
        }
    }
}
