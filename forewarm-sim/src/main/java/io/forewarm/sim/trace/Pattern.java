package io.forewarm.sim.trace;

import java.util.Locale;

/**
 * The arrival pattern a synthetic function was given by {@link TraceGenerator}, recorded in its
 * {@code patterns.csv} so predictors can be scored per pattern. The kinds are the shapes Shahrad et al.
 * ("Serverless in the Wild", USENIX ATC 2020) report for Azure Functions: timers, diurnal and weekly
 * load, bursts, rare functions, call chains within an application, and changes of behaviour over time.
 *
 * <p>Minutes are numbered from 0 at midnight of day 0, which is a Monday; days 5 and 6 of each week are
 * the weekend.
 */
public sealed interface Pattern {

    /** Minutes per day. */
    int DAY = 1440;

    /** The kind, as written in {@code patterns.csv}: timer, diurnal, weekly, bursty, rare, chain, drift. */
    String kind();

    /** The parameters as {@code key=value} pairs separated by {@code ;}. */
    String params();

    /** True when {@code minute} falls on a Saturday or Sunday. */
    static boolean weekend(int minute) {
        return minute / DAY % 7 >= 5;
    }

    /**
     * {@code perTick} invocations every {@code period} minutes at minutes {@code phase + k * period}; each
     * tick is missed with probability {@code missProbability} (a late or failed host), as cron jobs do.
     */
    record Timer(int period, int phase, int perTick, double missProbability) implements Pattern {
        @Override
        public String kind() {
            return "timer";
        }

        @Override
        public String params() {
            return format("period=%d;phase=%d;perTick=%d;miss=%.4f", period, phase, perTick, missProbability);
        }
    }

    /**
     * A Poisson process whose rate follows the time of day, {@code mean * (1 + amplitude * cos(2 pi
     * (minuteOfDay - peak) / 1440))}, scaled by {@code weekendFactor} on weekends (1 for purely diurnal
     * load, below 1 for office-hours load, which makes it {@code weekly}).
     */
    record Diurnal(double mean, double amplitude, int peak, double weekendFactor) implements Pattern {
        @Override
        public String kind() {
            return weekendFactor == 1 ? "diurnal" : "weekly";
        }

        @Override
        public String params() {
            return format("mean=%.5f;amplitude=%.3f;peak=%d;weekend=%.3f", mean, amplitude, peak, weekendFactor);
        }
    }

    /**
     * On/off sessions: silences of exponential length (mean {@code meanOff} minutes) alternate with
     * sessions (mean {@code meanOn} minutes) of Poisson calls at {@code rate} per minute.
     */
    record Bursty(double meanOn, double meanOff, double rate) implements Pattern {
        @Override
        public String kind() {
            return "bursty";
        }

        @Override
        public String params() {
            return format("meanOn=%.1f;meanOff=%.1f;rate=%.3f", meanOn, meanOff, rate);
        }
    }

    /** A few calls a day: a Poisson number per day with mean {@code perDay}, at uniform times. */
    record Rare(double perDay) implements Pattern {
        @Override
        public String kind() {
            return "rare";
        }

        @Override
        public String params() {
            return format("perDay=%.3f", perDay);
        }
    }

    /** Invoked once per invocation of {@code leader} (same application), {@code delay} minutes later. */
    record Chain(String leader, int delay) implements Pattern {
        @Override
        public String kind() {
            return "chain";
        }

        @Override
        public String params() {
            return "leader=" + leader + ";delay=" + delay;
        }
    }

    /** Behaves as {@code before} until midnight of {@code day}, then as {@code after} (concept drift). */
    record Drift(Pattern before, Pattern after, int day) implements Pattern {
        @Override
        public String kind() {
            return "drift";
        }

        @Override
        public String params() {
            return "day=" + day + ";before=" + before.kind() + "(" + before.params().replace(';', ' ') + ");after="
                    + after.kind() + "(" + after.params().replace(';', ' ') + ")";
        }
    }

    private static String format(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
