package io.forewarm.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the sizes ({@code 6MB}) and durations ({@code 10s}) used in configuration and specs. */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Units() {
    }

    /** Parses {@code 6MB}, {@code 512KB}, {@code 1024} (bytes); binary multiples (1 KB = 1024 B). */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 6MB, 512KB or 1024 but was '" + text + "'");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large", e);
        }
    }

    /** Prints a size in the largest unit that divides it exactly ({@code 6291456} is {@code 6MB}). */
    public static String bytes(long n) {
        String[] units = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < units.length; i++) {
            int shift = 40 - 10 * i;
            if (n != 0 && n % (1L << shift) == 0) {
                return (n >> shift) + units[i];
            }
        }
        return Long.toString(n);
    }

    /** Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 250ms, 10s, 5m or 2h but was '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Prints a duration in the largest unit that divides it exactly ({@code PT10S} is {@code 10s}). */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms != 0 && ms % sizes[i] == 0) {
                return ms / sizes[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
