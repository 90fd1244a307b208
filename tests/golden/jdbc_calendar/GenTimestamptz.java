/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden values for a PostgreSQL TIMESTAMPTZ before 1582 under the JDBC
 * source's date.calendar.system=LEGACY, read the way Confluent's source
 * reads a timestamp column: pgjdbc's ResultSet.getTimestamp(column,
 * calendar of db.timezone), the instant kept as it is. pgjdbc builds the
 * value from the text PostgreSQL sends, in the session TimeZone pgjdbc set
 * from the JVM's default zone (run with -Duser.timezone=UTC, the zone of
 * Confluent's images), with java.util's hybrid calendar.
 *
 *   java -Duser.timezone=UTC -cp postgresql-42.7.11.jar \
 *       GenTimestamptz.java 'jdbc:postgresql://127.0.0.1:55432/kconnect' \
 *       kconnect kconnect
 *
 * With "?prepareThreshold=-1" on the URL (server-prepared statements, so
 * binary transfer, as pgjdbc switches to after a statement's fifth run) the
 * values are these UTC-day ones whatever the JVM's zone: with
 * -Duser.timezone=Asia/Tokyo and text transfer they are not.
 *
 * Prints one line per row and db.timezone: text (UTC), db.timezone, value
 * in milliseconds.
 */
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.GregorianCalendar;
import java.util.TimeZone;

public class GenTimestamptz {
    public static void main(String[] args) throws Exception {
        String[] rows = {"1500-06-15 12:00:00+00", "1500-02-28 20:00:00+00",
                         "1500-03-01 02:00:00+00", "1582-10-14 20:00:00+00",
                         "1582-10-15 02:00:00+00", "2020-01-01 20:00:00+00"};
        String[] zones = {"UTC", "Asia/Tokyo", "America/New_York"};
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2]);
             Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE gen_tstz (id INT, t TIMESTAMPTZ)");
            for (int i = 0; i < rows.length; i++) {
                st.execute("INSERT INTO gen_tstz VALUES (" + i + ", '" + rows[i] + "')");
            }
            for (String z : zones) {
                try (ResultSet rs = st.executeQuery("SELECT id, t FROM gen_tstz ORDER BY id")) {
                    while (rs.next()) {
                        GregorianCalendar cal = new GregorianCalendar(TimeZone.getTimeZone(z));
                        long ms = rs.getTimestamp(2, cal).getTime();
                        System.out.println("TIMESTAMPTZ " + rows[rs.getInt(1)] + " " + z + " " + ms);
                    }
                }
            }
        }
    }
}
