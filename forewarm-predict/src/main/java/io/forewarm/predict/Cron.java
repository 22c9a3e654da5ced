package io.forewarm.predict;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A repeating schedule written as a standard five-field cron expression ({@code minute hour day-of-month
 * month day-of-week}), as in Vixie cron and POSIX crontab(5): each field is {@code *}, a value, a range
 * {@code a-b}, a step {@code * /n}, {@code a-b/n} or {@code a/n}, or a comma list of those; months and week
 * days may be named ({@code JAN}, {@code MON-FRI}), Sunday is 0 or 7. As in Vixie cron, when both day fields
 * are restricted a day matches if either does. The shorthands {@code @hourly}, {@code @daily} ({@code
 * @midnight}), {@code @weekly}, {@code @monthly} and {@code @yearly} ({@code @annually}) are accepted.
 * Times are read in {@code zone} (UTC unless given); a local time skipped by a daylight-saving change does not
 * occur, one repeated by it occurs twice.
 *
 * <p>{@link #nextAfter} skips whole months, days and hours that cannot match, so it costs a few dozen steps,
 * not one per minute.
 */
public final class Cron implements Signals.Schedule {

    private static final List<String> FIELDS = List.of("minute", "hour", "day-of-month", "month", "day-of-week");
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
            "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final Map<String, String> SHORTHANDS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    /** Feb 29 on a given week day can be 28 years away; past that a day pattern never matches. */
    private static final int SEARCH_YEARS = 29;

    private final String expression;
    private final ZoneId zone;
    private final long minutes;
    private final int hours;
    private final int days;
    private final int months;
    private final int weekDays;
    private final boolean anyDay;
    private final boolean anyWeekDay;

    private Cron(String expression, ZoneId zone, long[] bits, boolean anyDay, boolean anyWeekDay) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = bits[0];
        this.hours = (int) bits[1];
        this.days = (int) bits[2];
        this.months = (int) bits[3];
        long dow = bits[4];
        this.weekDays = (int) ((dow | (dow >>> 7)) & 0x7F); // 7 is Sunday too
        this.anyDay = anyDay;
        this.anyWeekDay = anyWeekDay;
    }

    /** Parses {@code expression} read in UTC. */
    public static Cron parse(String expression) {
        return parse(expression, ZoneOffset.UTC);
    }

    /** Parses {@code expression} read in {@code zone}; fails naming the bad field and why. */
    public static Cron parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron expression is empty; expected 5 fields: "
                    + String.join(" ", FIELDS));
        }
        String text = expression.strip();
        String expanded = text.startsWith("@") ? SHORTHANDS.get(text.toLowerCase(Locale.ROOT)) : text;
        if (expanded == null) {
            throw new IllegalArgumentException("cron '" + text + "': unknown shorthand; known: @yearly, @annually,"
                    + " @monthly, @weekly, @daily, @midnight, @hourly");
        }
        String[] parts = expanded.split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("cron '" + text + "' has " + parts.length + " fields; expected 5: "
                    + String.join(" ", FIELDS));
        }
        long[] bits = new long[5];
        for (int f = 0; f < 5; f++) {
            bits[f] = field(text, f, parts[f]);
        }
        // as Vixie cron: a day field starting with '*' (even '*/2') counts as unrestricted for the either-or rule
        return new Cron(text, zone, bits, parts[2].startsWith("*"), parts[4].startsWith("*"));
    }

    /** Parses one field into a bit set of the values it allows. */
    private static long field(String text, int f, String field) {
        long bits = 0;
        for (String item : field.split(",", -1)) {
            String where = "cron '" + text + "': " + FIELDS.get(f) + " field '" + field + "'";
            if (item.isEmpty()) {
                throw new IllegalArgumentException(where + " has an empty list item");
            }
            int slash = item.indexOf('/');
            String range = slash < 0 ? item : item.substring(0, slash);
            int step = 1;
            if (slash >= 0) {
                step = number(where, f, item.substring(slash + 1), false);
                if (step < 1) {
                    throw new IllegalArgumentException(where + ": step " + step + " must be >= 1");
                }
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = MIN[f];
                hi = f == 4 ? 6 : MAX[f];
            } else {
                int dash = range.indexOf('-', 1);
                lo = number(where, f, dash < 0 ? range : range.substring(0, dash), true);
                hi = dash < 0 ? (slash < 0 ? lo : (f == 4 ? 6 : MAX[f])) : number(where, f, range.substring(dash + 1), true);
                if (hi < lo) {
                    throw new IllegalArgumentException(where + ": range " + range + " runs backwards");
                }
            }
            for (int v = lo; v <= hi; v += step) {
                bits |= 1L << v;
            }
        }
        return bits;
    }

    /** A value of field {@code f} (a number, or a name for months and week days), checked against its range. */
    private static int number(String where, int f, String s, boolean checkRange) {
        String upper = s.toUpperCase(Locale.ROOT);
        int named = f == 3 ? MONTHS.indexOf(upper) + 1 : f == 4 ? DAYS.indexOf(upper) : -1;
        int v;
        if (named > 0 || (f == 4 && named == 0)) {
            v = named;
        } else {
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + s + "' is not a number"
                        + (f == 3 ? " or a month name (JAN..DEC)" : f == 4 ? " or a day name (SUN..SAT)" : ""));
            }
        }
        if (checkRange && (v < MIN[f] || v > MAX[f])) {
            throw new IllegalArgumentException(where + ": " + v + " is outside " + MIN[f] + "-" + MAX[f]);
        }
        return v;
    }

    /** The expression as given. */
    public String expression() {
        return expression;
    }

    /** The zone its times are read in. */
    public ZoneId zone() {
        return zone;
    }

    /** Whether the local time {@code t} matches every field. */
    public boolean matches(ZonedDateTime t) {
        return monthOk(t) && dayOk(t) && (hours >>> t.getHour() & 1) != 0 && (minutes >>> t.getMinute() & 1) != 0;
    }

    private boolean monthOk(ZonedDateTime t) {
        return (months >>> t.getMonthValue() & 1) != 0;
    }

    private boolean dayOk(ZonedDateTime t) {
        boolean day = (days >>> t.getDayOfMonth() & 1) != 0;
        boolean weekDay = (weekDays >>> (t.getDayOfWeek().getValue() % 7) & 1) != 0;
        if (anyDay || anyWeekDay) {
            return day && weekDay;
        }
        return day || weekDay;
    }

    @Override
    public long nextAfter(long afterMillis) {
        ZonedDateTime t;
        try {
            t = Instant.ofEpochMilli(afterMillis).atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        } catch (DateTimeException e) {
            return Long.MAX_VALUE; // beyond what java.time can represent: nothing comes after
        }
        int lastYear = t.getYear() + SEARCH_YEARS;
        while (t.getYear() <= lastYear) {
            if (!monthOk(t)) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(zone);
            } else if (!dayOk(t)) {
                t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
            } else if ((hours >>> t.getHour() & 1) == 0) {
                t = nextHour(t);
            } else {
                long later = minutes >>> t.getMinute();
                if (later == 0) {
                    t = nextHour(t);
                } else {
                    // the next allowed minute of this hour; moving on the time line, so a repeated hour repeats
                    ZonedDateTime m = t.plusMinutes(Long.numberOfTrailingZeros(later));
                    if (m.getHour() == t.getHour()) {
                        return m.toInstant().toEpochMilli();
                    }
                    t = m; // an offset change in between: look at the new hour afresh
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The start of the next local hour, moving on the time line: the rest of this hour's minutes later, so a
     * repeated hour is visited again and a skipped one is not (truncating first could step back in a repeat).
     */
    private static ZonedDateTime nextHour(ZonedDateTime t) {
        return t.plusMinutes(60 - t.getMinute());
    }

    @Override
    public String toString() {
        return "cron '" + expression + "'" + (zone.equals(ZoneOffset.UTC) ? "" : " in " + zone);
    }
}
