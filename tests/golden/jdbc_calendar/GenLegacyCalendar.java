/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden values for date.calendar.system of the JDBC source: the epoch
 * value java.util's hybrid calendar (GregorianCalendar, Julian before
 * 1582-10-15: what a JDBC driver builds a java.sql.Date / Timestamp with,
 * and what Confluent keeps with LEGACY) and java.time's proleptic
 * Gregorian calendar (what PROLEPTIC_GREGORIAN converts to) give the same
 * wall-clock fields, in UTC.
 *
 *   java GenLegacyCalendar.java
 *
 * Prints one line per input: text, LEGACY value, PROLEPTIC_GREGORIAN value
 * (DATE: days since 1970-01-01; TIMESTAMP: milliseconds).
 */
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;

public class GenLegacyCalendar {
    static long legacyMillis(int y, int mo, int d, int h, int mi, int s, int ms) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        c.clear();
        c.set(y, mo - 1, d, h, mi, s);
        c.set(Calendar.MILLISECOND, ms);
        return c.getTimeInMillis();
    }

    public static void main(String[] args) {
        String[] dates = {"0001-01-01", "1000-03-01", "1500-06-15",
                          "1582-10-04", "1582-10-10", "1582-10-15", "1900-03-01",
                          "2020-02-29"};
        for (String t : dates) {
            LocalDate ld = LocalDate.parse(t);
            long legacy = Math.floorDiv(legacyMillis(ld.getYear(), ld.getMonthValue(),
                    ld.getDayOfMonth(), 0, 0, 0, 0), 86400000L);
            System.out.println("DATE " + t + " " + legacy + " " + ld.toEpochDay());
        }
        /* PostgreSQL's "0044-03-15 BC": era BC in java.util, year 1 - 44
         * in java.time */
        String[] bc = {"0044-03-15", "0001-12-31"};
        for (String t : bc) {
            LocalDate ld = LocalDate.parse(t);
            GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            c.clear();
            c.set(Calendar.ERA, GregorianCalendar.BC);
            c.set(ld.getYear(), ld.getMonthValue() - 1, ld.getDayOfMonth());
            long legacy = Math.floorDiv(c.getTimeInMillis(), 86400000L);
            long modern = LocalDate.of(1 - ld.getYear(), ld.getMonthValue(),
                    ld.getDayOfMonth()).toEpochDay();
            System.out.println("DATE " + t + " BC " + legacy + " " + modern);
        }
        String[] stamps = {"0900-07-01 10:20:30.456", "1582-10-14 23:59:59.999",
                           "1582-10-15 00:00:00.000", "2020-01-01 00:00:01.250",
                           "1500-06-15 12:00:00.000"};
        for (String t : stamps) {
            LocalDateTime l = LocalDateTime.parse(t.replace(' ', 'T'));
            long legacy = legacyMillis(l.getYear(), l.getMonthValue(), l.getDayOfMonth(),
                    l.getHour(), l.getMinute(), l.getSecond(), l.getNano() / 1000000);
            long modern = l.toInstant(ZoneOffset.UTC).toEpochMilli();
            System.out.println("TIMESTAMP " + t + " " + legacy + " " + modern);
        }
    }
}
