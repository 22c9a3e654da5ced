package io.forewarm.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * External signals about a unit's future demand, registered by operators or other systems (the HTTP API
 * {@code POST /v1/signals} feeds it): scheduled events (cron-like repeating times and one-off times), data
 * feeds whose arrival triggers the unit (a repeating schedule too), and a user-activity series that scales the
 * expected load. The {@code seasonal} and {@code auto} policies consult it as features. Thread-safe; reads are
 * lock-free.
 */
public final class Signals {

    /** A scheduled event or feed arrival: at {@code firstMillis}, then every {@code periodMillis} (0: once). */
    public record Schedule(long firstMillis, long periodMillis) {
        /** Validates the period. */
        public Schedule {
            if (periodMillis < 0) {
                throw new IllegalArgumentException("schedule period must be >= 0 ms, got " + periodMillis);
            }
        }

        /** A one-off event. */
        public static Schedule once(long atMillis) {
            return new Schedule(atMillis, 0);
        }

        /** The first occurrence strictly after {@code afterMillis}, or {@link Long#MAX_VALUE} if none. */
        public long nextAfter(long afterMillis) {
            if (afterMillis < firstMillis) {
                return firstMillis;
            }
            if (periodMillis == 0) {
                return Long.MAX_VALUE;
            }
            long k = (afterMillis - firstMillis) / periodMillis + 1;
            return firstMillis + k * periodMillis;
        }
    }

    /**
     * A user-activity series: {@code levels[i]} holds from {@code startMillis + i * stepMillis} for one step;
     * outside the series the activity is unknown. Only its shape matters: levels are divided by their mean.
     */
    public record Activity(long startMillis, long stepMillis, double[] levels) {
        /** Validates the step and the levels. */
        public Activity {
            if (stepMillis <= 0) {
                throw new IllegalArgumentException("activity step must be > 0 ms, got " + stepMillis);
            }
            if (levels.length == 0) {
                throw new IllegalArgumentException("activity series has no levels");
            }
            for (int i = 0; i < levels.length; i++) {
                if (!(levels[i] >= 0) || Double.isInfinite(levels[i])) {
                    throw new IllegalArgumentException("activity level " + i + " is " + levels[i] + ", must be >= 0");
                }
            }
            levels = levels.clone();
        }

        /** The level at {@code atMillis} relative to the series' mean, or 1 where the series says nothing. */
        public double factorAt(long atMillis) {
            return factorAt(atMillis, mean());
        }

        /** The mean level. */
        public double mean() {
            double sum = 0;
            for (double l : levels) {
                sum += l;
            }
            return sum / levels.length;
        }

        private double factorAt(long atMillis, double mean) {
            long i = Math.floorDiv(atMillis - startMillis, stepMillis);
            if (i < 0 || i >= levels.length || mean == 0) {
                return 1;
            }
            return levels[(int) i] / mean;
        }
    }

    /** No signals at all: the default for a run without any. */
    public static final Signals NONE = new Signals();

    private final Map<String, List<Schedule>> schedules = new ConcurrentHashMap<>();
    /** A series with its mean computed once: policies ask for the factor on every decision. */
    private record Scaled(Activity series, double mean) {
    }

    private final Map<String, Scaled> activity = new ConcurrentHashMap<>();

    /** Registers a scheduled event or feed arrival for {@code unit}. */
    public void schedule(String unit, Schedule schedule) {
        requireNotNone();
        schedules.compute(unit, (k, old) -> {
            List<Schedule> list = old == null ? new ArrayList<>() : new ArrayList<>(old);
            list.add(schedule);
            return List.copyOf(list);
        });
    }

    /** Sets (replaces) the user-activity series of {@code unit}. */
    public void activity(String unit, Activity series) {
        requireNotNone();
        activity.put(unit, new Scaled(series, series.mean()));
    }

    /** The next scheduled event of {@code unit} strictly after {@code afterMillis}, or {@link Long#MAX_VALUE}. */
    public long nextEvent(String unit, long afterMillis) {
        long next = Long.MAX_VALUE;
        for (Schedule s : schedules.getOrDefault(unit, List.of())) {
            next = Math.min(next, s.nextAfter(afterMillis));
        }
        return next;
    }

    /** The user-activity factor of {@code unit} at {@code atMillis} (1 when unknown). */
    public double activityFactor(String unit, long atMillis) {
        Scaled a = activity.get(unit);
        return a == null ? 1 : a.series().factorAt(atMillis, a.mean());
    }

    /** Whether any signal is registered. */
    public boolean isEmpty() {
        return schedules.isEmpty() && activity.isEmpty();
    }

    private void requireNotNone() {
        if (this == NONE) {
            throw new UnsupportedOperationException("Signals.NONE is shared and stays empty; create a Signals");
        }
    }
}
