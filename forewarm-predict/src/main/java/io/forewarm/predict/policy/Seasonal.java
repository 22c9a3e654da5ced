package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.SignalWindow;
import io.forewarm.predict.Signals;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * Time-of-day and day-of-week demand: Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020) show
 * that load follows a diurnal cycle with a weekly one on top. Per unit it learns, for each hour of
 * the week (168 slots) and each hour of the day (24), the share of that hour's minutes with an arrival, as an
 * exponentially weighted average over the times the slot came round ({@code alpha}: the weight of the newest
 * week; the daily slots, updated seven times as often, use {@code alpha / 7}), corrected for starting at zero.
 * The hour-of-week table is used once a week has been seen, the hour-of-day one before. A minute's arrival probability q gives the chance
 * of an arrival in the coming {@code horizon} minutes, {@code 1 - (1 - q)^horizon}; the sandbox stays loaded
 * while that is at least {@code threshold}, and is pre-warmed at the next hour where it is. A rare function (a
 * few calls a day) never reaches the threshold, so it is not kept warm all day. With a price of a cold start
 * ({@code cold}, GB-minutes, as {@link Tradeoff}) the test is instead the marginal rule {@code q x price >= 1 -
 * q}: one more loaded minute is worth its memory when the cold start it may save outweighs it.
 *
 * <p>With {@code harmonics=N} (N > 0) q comes instead from a {@link DailyShape}: a smooth daily shape of N
 * Fourier waves, learned from every day ({@code days} of memory), times a level per day of the week ({@code
 * weeks}). Two weeks of hour-of-week slots are two samples each; the shape pools them. Priced ({@code cold}),
 * it is the marginal rule on a good estimate of a memoryless unit's rate: on the generated 14-day trace's apps
 * made only of Poisson functions it lands on the frontier of the same rule given the generator's true rates
 * (docs/benchmarks.md, "A daily shape"). It has no opinion, and loads nothing, before it has seen a whole day.
 *
 * <p>External {@link Signals} are features: a scheduled event loads the sandbox from {@code lead} (or the
 * signal's own lead, if longer) before it to {@code lead} after it, and a user-activity series scales q. A
 * ticking host also asks between arrivals ({@link #usesSignals}, {@link SignalWindow}), so an event far from
 * any arrival is pre-warmed for too.
 */
public final class Seasonal implements Policy {

    /** {@code seasonal[:threshold=0.5,horizon=10,alpha=0.3,cap=1440,lead=1,cold=0,harmonics=0,days=7,weeks=2]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("seasonal", "threshold",
            "per hour-of-week/hour-of-day arrival probability with decay; loaded while an arrival in the"
            + " next minutes is likely (seasonal:threshold=0.5,horizon=10,alpha=0.3,cap=1440,lead=1,"
            + "cold=0: or, if > 0, loaded while q x price of a cold start >= 1 idle minute; harmonics=0: or,"
            + " if > 0, q from a daily shape of that many waves remembering days=7 times a level per day of"
            + " the week remembering weeks=2)",
            spec -> {
                return new Seasonal(spec.text(), spec.number("threshold", 0.5, 0, 1), spec.whole("horizon", 10, 1, 1440),
                        spec.number("alpha", 0.3, 0.001, 1), spec.whole("cap", 1440, 60, 10_080),
                        spec.number("lead", 1, 0, 60), spec.number("cold", 0, 0, 1e9),
                        spec.whole("harmonics", 0, 0, 11), spec.number("days", 7, 1, 365),
                        spec.number("weeks", 2, 0.1, 52), spec.signals());
            });

    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final int WEEK_HOURS = 168;

    private final String spec;
    private final double threshold;
    private final int horizon;
    private final float alpha;
    private final int capMinutes;
    private final long leadMillis;
    private final double coldGbMinutes;
    private final int harmonics;
    private final double days;
    private final double weeks;
    private final Signals signals;

    private Seasonal(String spec, double threshold, int horizon, double alpha, int capMinutes, double leadMinutes,
                     double coldGbMinutes, int harmonics, double days, double weeks, Signals signals) {
        this.coldGbMinutes = coldGbMinutes;
        this.harmonics = harmonics;
        this.days = days;
        this.weeks = weeks;
        this.spec = spec;
        this.threshold = threshold;
        this.horizon = horizon;
        this.alpha = (float) alpha;
        this.capMinutes = capMinutes;
        this.leadMillis = Math.round(leadMinutes * MINUTE);
        this.signals = signals;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean usesSignals() {
        return true;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new Unit(profile.id(), coldGbMinutes > 0 ? Tradeoff.priceInMinutes(coldGbMinutes, profile) : 0);
    }

    /** One unit's hourly tables. */
    final class Unit implements UnitPolicy, NextCall {
        private final String id;
        /** The hour-of-week and hour-of-day tables, or with harmonics the daily shape instead. */
        private final float[] week = harmonics > 0 ? null : new float[WEEK_HOURS];
        private final float[] day = harmonics > 0 ? null : new float[24];
        private final DailyShape shape = harmonics > 0 ? new DailyShape(harmonics, days, weeks) : null;
        private long hour = Long.MIN_VALUE; // the open hour (absolute), not yet folded into the tables
        private int activeMinutes; // distinct active minutes in the open hour
        private long lastMinute = Long.MIN_VALUE;
        private int hoursSeen;
        private int arrivals;
        private Window window;
        private final double price;
        private final SignalWindow scheduled;

        Unit(String id, double price) {
            this.id = id;
            this.price = price;
            this.scheduled = new SignalWindow(signals, id, leadMillis, leadMillis);
        }

        @Override
        public Window onArrival(long now) {
            long minute = Math.floorDiv(now, MINUTE);
            if (arrivals > 0 && minute < lastMinute) {
                throw new IllegalStateException("seasonal policy, unit " + id + ": arrival at " + now
                        + " ms before the previous one");
            }
            arrivals++;
            long h = Math.floorDiv(minute, 60);
            if (hour == Long.MIN_VALUE) {
                hour = h;
            }
            if (h != hour) {
                close(hour, activeMinutes);
                // The hours in between had no arrival; two weeks of them are enough to forget everything.
                for (long e = Math.max(hour + 1, h - 2 * WEEK_HOURS); e < h; e++) {
                    close(e, 0);
                }
                hour = h;
                activeMinutes = 0;
            }
            if (minute != lastMinute) {
                activeMinutes++;
                lastMinute = minute;
            }
            window = scheduled.onWindow(now, plan(now));
            return window;
        }

        @Override
        public Window onSchedule(long now) {
            return scheduled.onSchedule(now);
        }

        private void close(long h, int active) {
            if (shape != null) {
                shape.close(h, active);
                return;
            }
            float x = active / 60f;
            int w = (int) Math.floorMod(h, WEEK_HOURS);
            int d = (int) Math.floorMod(h, 24);
            week[w] += alpha * (x - week[w]);
            day[d] += alpha / 7 * (x - day[d]);
            hoursSeen++;
        }

        /** The probability that a minute in the hour holding {@code atMillis} has an arrival. */
        double minuteProbability(long atMillis) {
            long h = Math.floorDiv(atMillis, HOUR);
            if (shape != null) {
                // A daily shape needs a day to learn from: before that it has no opinion (and loads nothing).
                double q = learning() ? 0 : shape.minuteProbability(h);
                return Math.min(1, q * signals.activityFactor(id, atMillis));
            }
            // The averages start at 0, so after k updates they hold only 1 - (1 - a)^k of the level: divide
            // that out (as Adam does for its moments), or a slot seen once reads 30% of what it saw.
            double q;
            if (hoursSeen >= WEEK_HOURS) {
                q = week[(int) Math.floorMod(h, WEEK_HOURS)] / (1 - Math.pow(1 - alpha, (double) hoursSeen / WEEK_HOURS));
            } else {
                q = day[(int) Math.floorMod(h, 24)] / (1 - Math.pow(1 - alpha / 7, Math.max(1, hoursSeen / 24.0)));
            }
            if (h == hour && hoursSeen < WEEK_HOURS) {
                // Early on, the open hour's own arrivals are the best evidence about the hour.
                q = Math.max(q, activeMinutes / 60.0);
            }
            return Math.min(1, q * signals.activityFactor(id, atMillis));
        }

        /**
         * Poisson arrivals at each minute's probability: the next call comes in minute d with q(d) times the
         * chance that none came before it (the survival of the hourly rates), later with the rest.
         */
        @Override
        public boolean nextCall(double[] mass, double weight) {
            if (arrivals == 0 || learning()) {
                return false;
            }
            double left = weight;
            double q = 0;
            for (int d = 1; d < mass.length - 1; d++) {
                long at = (lastMinute + d) * MINUTE;
                if (d == 1 || Math.floorMod(at, HOUR) == 0) { // q is constant within an hour
                    q = minuteProbability(at);
                }
                mass[d] += left * q;
                left *= 1 - q;
            }
            mass[mass.length - 1] += left;
            return true;
        }

        /** With a daily shape, until it has seen a whole day. */
        private boolean learning() {
            return shape != null && shape.hoursSeen() < DailyShape.HOURS;
        }

        private boolean likely(long atMillis) {
            double q = minuteProbability(atMillis);
            if (price > 0) {
                // A minute kept loaded costs one idle minute unless an arrival comes (q), which saves a cold
                // start: worth it when q x price >= 1 - q (the marginal rule for memoryless arrivals).
                return q * price >= 1 - q;
            }
            return 1 - Math.pow(1 - q, horizon) >= threshold;
        }

        /** Loaded from now (or the first likely hour) while arrivals stay likely, up to the cap. */
        Window plan(long now) {
            long capEnd = now + capMinutes * MINUTE;
            long from = -1;
            long until = -1;
            // Walk hour by hour: q is constant within an hour.
            for (long t = now; t < capEnd; t = (Math.floorDiv(t, HOUR) + 1) * HOUR) {
                boolean on = likely(t);
                if (on && from < 0) {
                    from = t;
                }
                if (!on && from >= 0) {
                    break;
                }
                if (on) {
                    until = Math.min(capEnd, (Math.floorDiv(t, HOUR) + 1) * HOUR);
                }
            }
            Signals.Event next = signals.isEmpty() ? null : signals.next(id, now);
            long event = next == null ? Long.MAX_VALUE : next.atMillis();
            long before = next == null ? leadMillis : Math.max(leadMillis, next.leadMillis());
            if (event != Long.MAX_VALUE && event - now <= capMinutes * MINUTE
                    && (from < 0 || event - before < from || event + leadMillis > until)) {
                long start = Math.max(now, event - before);
                from = from < 0 ? start : Math.min(from, start);
                until = Math.max(until, event + leadMillis);
            }
            if (from < 0) {
                return Window.NONE;
            }
            return new Window(from - now, until - from);
        }

        @Override
        public void verify() {
            for (int i = 0; week != null && i < WEEK_HOURS; i++) {
                if (!(week[i] >= 0 && week[i] <= 1.0001f)) {
                    throw new IllegalStateException("seasonal policy, unit " + id + ": hour-of-week " + i
                            + " probability " + week[i] + " outside [0, 1]");
                }
            }
            if ((window == null) != (arrivals == 0)) {
                throw new IllegalStateException("seasonal policy, unit " + id + ": window " + window + " after "
                        + arrivals + " arrivals");
            }
        }

        @Override
        public long stateBytes() {
            return HeapBytes.object(5, 3, 3, 0)
                    + (shape != null ? shape.heapBytes() : HeapBytes.array(WEEK_HOURS, 4) + HeapBytes.array(24, 4))
                    + HeapBytes.object(0, 0, 2, 0) + HeapBytes.object(3, 0, 3, 0); // and its SignalWindow
        }
    }
}
