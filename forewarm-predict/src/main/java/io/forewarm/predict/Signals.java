package io.forewarm.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * External signals about units' future demand, registered by operators or other systems (the HTTP API
 * {@code POST /v1/signals} feeds it): scheduled events ({@link Cron} expressions, one-off times), data feeds
 * whose arrival triggers a unit ({@link Feed}: the next arrival inferred from the observed ones), and a
 * user-activity series that scales the expected load. Each {@link Signal} is named and applies to a set of
 * units with a lead time. The {@code seasonal} and {@code auto} policies consult it as features. Thread-safe;
 * reads are lock-free.
 */
public final class Signals {

    /** When a scheduled signal fires next. */
    public interface Schedule {

        /** The first occurrence strictly after {@code afterMillis}, or {@link Long#MAX_VALUE} if none. */
        long nextAfter(long afterMillis);

        /** A one-off event at {@code atMillis}. */
        static Schedule once(long atMillis) {
            return new Times(new long[] {atMillis});
        }

        /** At {@code firstMillis}, then every {@code periodMillis} (which must be > 0). */
        static Schedule every(long firstMillis, long periodMillis) {
            if (periodMillis <= 0) {
                throw new IllegalArgumentException("schedule period must be > 0 ms, got " + periodMillis);
            }
            return after -> after < firstMillis ? firstMillis
                    : firstMillis + ((after - firstMillis) / periodMillis + 1) * periodMillis;
        }
    }

    /** One-off events at the given times (sorted on creation). */
    public record Times(long[] atMillis) implements Schedule {
        /** Sorts a copy of the times; there must be at least one. */
        public Times {
            if (atMillis.length == 0) {
                throw new IllegalArgumentException("one-off schedule has no times");
            }
            atMillis = atMillis.clone();
            Arrays.sort(atMillis);
        }

        @Override
        public long[] atMillis() {
            return atMillis.clone();
        }

        @Override
        public long nextAfter(long afterMillis) {
            int i = Arrays.binarySearch(atMillis, afterMillis);
            int next = i >= 0 ? i + 1 : -i - 1;
            while (next < atMillis.length && atMillis[next] <= afterMillis) {
                next++; // past duplicates of afterMillis
            }
            return next < atMillis.length ? atMillis[next] : Long.MAX_VALUE;
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

        @Override
        public double[] levels() {
            return levels.clone();
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

        /** This series with {@code more} levels appended after its last one. */
        public Activity append(double[] more) {
            double[] all = Arrays.copyOf(levels, levels.length + more.length);
            System.arraycopy(more, 0, all, levels.length, more.length);
            return new Activity(startMillis, stepMillis, all);
        }

        private double factorAt(long atMillis, double mean) {
            long i = Math.floorDiv(atMillis - startMillis, stepMillis);
            if (i < 0 || i >= levels.length || mean == 0) {
                return 1;
            }
            return levels[(int) i] / mean;
        }
    }

    /**
     * A named signal for some units: a {@link Schedule} (the units are needed from {@code leadMillis} before
     * each occurrence) or an {@link Activity} series (scales their expected load), exactly one of the two.
     *
     * @param name       its unique name
     * @param units      the units (functions) it applies to
     * @param leadMillis how long before a scheduled event the sandbox should be warm
     * @param schedule   when it fires, or null for an activity series
     * @param activity   the activity series, or null for a schedule
     */
    public record Signal(String name, Set<String> units, long leadMillis, Schedule schedule, Activity activity) {
        /** Validates the parts, naming the signal. */
        public Signal {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a signal needs a name");
            }
            if (units == null || units.isEmpty()) {
                throw new IllegalArgumentException("signal '" + name + "' applies to no unit");
            }
            if (leadMillis < 0) {
                throw new IllegalArgumentException("signal '" + name + "': lead must be >= 0 ms, got " + leadMillis);
            }
            if ((schedule == null) == (activity == null)) {
                throw new IllegalArgumentException("signal '" + name + "' needs exactly one of a schedule and an"
                        + " activity series");
            }
            units = Set.copyOf(units);
        }

        /** A scheduled signal. */
        public static Signal scheduled(String name, Collection<String> units, long leadMillis, Schedule s) {
            return new Signal(name, Set.copyOf(units), leadMillis, s, null);
        }

        /** An activity signal. */
        public static Signal activity(String name, Collection<String> units, Activity a) {
            return new Signal(name, Set.copyOf(units), 0, null, a);
        }
    }

    /**
     * An upcoming scheduled event of a unit.
     *
     * @param atMillis   when it happens
     * @param leadMillis how long before it the sandbox should be warm
     * @param signal     the signal's name
     */
    public record Event(long atMillis, long leadMillis, String signal) {
    }

    /** No signals at all: the default for a run without any. */
    public static final Signals NONE = new Signals();

    /** A signal with its activity mean computed once: policies ask for the factor on every decision. */
    private record Entry(Signal signal, double mean) {
        Entry(Signal signal) {
            this(signal, signal.activity() == null ? 1 : signal.activity().mean());
        }
    }

    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final AtomicLong anonymous = new AtomicLong();

    /** Registers (or replaces) {@code signal} under its name. */
    public void put(Signal signal) {
        requireNotNone();
        byName.put(signal.name(), new Entry(signal));
    }

    /** Registers {@code signal} unless one of its name exists; false (and nothing changed) if one does. */
    public boolean add(Signal signal) {
        requireNotNone();
        return byName.putIfAbsent(signal.name(), new Entry(signal)) == null;
    }

    /** Replaces the signal named {@code name} by {@code change} applied to it; false if there is none. */
    public boolean update(String name, UnaryOperator<Signal> change) {
        requireNotNone();
        return byName.computeIfPresent(name, (k, old) -> {
            Signal next = change.apply(old.signal());
            if (!next.name().equals(name)) {
                throw new IllegalArgumentException("an update of signal '" + name + "' cannot rename it");
            }
            return new Entry(next);
        }) != null;
    }

    /** Removes the signal named {@code name}; false if there was none. */
    public boolean remove(String name) {
        return byName.remove(name) != null;
    }

    /** The signal named {@code name}, or null. */
    public Signal get(String name) {
        Entry e = byName.get(name);
        return e == null ? null : e.signal();
    }

    /** Every signal, by name. */
    public List<Signal> all() {
        return byName.values().stream().map(Entry::signal).sorted(Comparator.comparing(Signal::name)).toList();
    }

    /** Registers an unnamed scheduled event or feed arrival for {@code unit}, needed from the event on. */
    public void schedule(String unit, Schedule schedule) {
        put(Signal.scheduled("schedule-" + anonymous.incrementAndGet(), List.of(unit), 0, schedule));
    }

    /** Sets (replaces) the unnamed user-activity series of {@code unit}. */
    public void activity(String unit, Activity series) {
        put(Signal.activity("activity-of-" + unit, List.of(unit), series));
    }

    /** The next scheduled event of {@code unit} strictly after {@code afterMillis}, or null if none. */
    public Event next(String unit, long afterMillis) {
        Event best = null;
        for (Entry e : byName.values()) {
            Signal s = e.signal();
            if (s.schedule() != null && s.units().contains(unit)) {
                long t = s.schedule().nextAfter(afterMillis);
                if (t != Long.MAX_VALUE && (best == null || t < best.atMillis()
                        || t == best.atMillis() && s.leadMillis() > best.leadMillis())) {
                    best = new Event(t, s.leadMillis(), s.name());
                }
            }
        }
        return best;
    }

    /** The next scheduled event of {@code unit} strictly after {@code afterMillis}, or {@link Long#MAX_VALUE}. */
    public long nextEvent(String unit, long afterMillis) {
        Event e = next(unit, afterMillis);
        return e == null ? Long.MAX_VALUE : e.atMillis();
    }

    /** The user-activity factor of {@code unit} at {@code atMillis}: the product of its series' (1 when none). */
    public double activityFactor(String unit, long atMillis) {
        double f = 1;
        for (Entry e : byName.values()) {
            Signal s = e.signal();
            if (s.activity() != null && s.units().contains(unit)) {
                f *= s.activity().factorAt(atMillis, e.mean());
            }
        }
        return f;
    }

    /** The signals that apply to {@code unit}, by name. */
    public List<Signal> of(String unit) {
        List<Signal> out = new ArrayList<>();
        for (Signal s : all()) {
            if (s.units().contains(unit)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether any signal is registered. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    private void requireNotNone() {
        if (this == NONE) {
            throw new UnsupportedOperationException("Signals.NONE is shared and stays empty; create a Signals");
        }
    }
}
