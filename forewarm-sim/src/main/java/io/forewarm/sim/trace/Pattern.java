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
     *
     * @param period          minutes between ticks (1440 for a daily job)
     * @param phase           the first tick's minute, in [0, period)
     * @param perTick         invocations per tick
     * @param missProbability chance that a tick is skipped
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
     *
     * @param mean          mean calls per minute on weekdays
     * @param amplitude     relative swing over the day, in [0, 1)
     * @param peak          minute of the day with the highest rate
     * @param weekendFactor rate multiplier on Saturdays and Sundays
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
     *
     * @param meanOn  mean session length in minutes
     * @param meanOff mean silence length in minutes
     * @param rate    calls per minute during a session
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

    /**
     * A few calls a day: a Poisson number per day with mean {@code perDay}, at uniform times.
     *
     * @param perDay mean calls per day
     */
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

    /**
     * Invoked once per invocation of {@code leader} (same application), {@code delay} minutes later.
     *
     * @param leader the HashFunction of the application's first function
     * @param delay  minutes after the leader's call
     */
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

    /**
     * Behaves as {@code before} until midnight of {@code day}, then as {@code after} (concept drift).
     *
     * @param before the pattern up to the change
     * @param after  the pattern from the change on
     * @param day    the day at whose midnight the pattern changes, at least 1
     */
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
