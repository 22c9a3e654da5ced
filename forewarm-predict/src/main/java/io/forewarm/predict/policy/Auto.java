package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.SignalWindow;
import io.forewarm.predict.Signals;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-unit portfolio of models: every candidate (any registered policy, by spec) runs side by side on the
 * unit's own arrivals, and each is scored, after every arrival, on the window it had offered for it: a
 * rolling, exponentially decayed backtest of {@code cold starts x price + idle minutes} in this unit's
 * memory, the same exchange rate {@link Tradeoff} optimises (in the spirit of the recommender portfolios of
 * Rzadca et al., "Autopilot", EuroSys 2020, which pick among models by their recent simulated cost). The unit
 * gets the window of the candidate with the lowest cost so far; the first candidate serves until the others
 * have a record. The backtest judges warm or cold to the millisecond, as the fleet model and the engine apply a
 * window, and counts idle minutes and events in clock minutes, as the paper model does (at whole minutes the
 * two agree).
 *
 * <p><b>The knob</b> is {@code cold}: how many GB-minutes of idle memory one avoided cold start is worth.
 * Higher is more aggressive (more memory, fewer cold starts); it is passed to the default candidates that
 * price cold starts, with {@code rent} (a new unit is kept {@code rent x} its break-even time, see {@link
 * Tradeoff}) and {@code margin} (the fraction added around the chosen window). {@code split=on} adds
 * {@link Split} (an application's timer ticks apart from its other events) to the candidates: on a generated
 * 14-day trace it takes {@code auto} from about 63 % to about 58 % of {@code hybrid}'s wasted GB-minutes at
 * {@code hybrid}'s cold starts (docs/benchmarks.md, "Prediction"). It is off by default for now: with it a
 * timer that changes its period is followed within a few arrivals, without the retrain the engine records as
 * drift (and its tests expect), and the fleet model has not been rerun with it.
 *
 * <p>{@code shape=on} prices the seasonal candidate on a smooth daily shape ({@code seasonal:cold=C,harmonics=2},
 * see {@link Seasonal} and {@link DailyShape}) instead of the unpriced hour-of-week tables. With {@code split=on},
 * {@code halflife=1440} and {@code drift=off} it meets target (a) on the generated 14-day trace: 1,099 cold starts,
 * no more than {@code hybrid}'s 1,111, at 49.8 % of its wasted GB-minutes ({@code cold=19}; 45.4 % on a second
 * seed at {@code cold=13}). There the drift retrain still costs about 1.5 points of {@code hybrid}'s waste (4.7
 * before the test's tolerance was raised from 0.05 to 0.2 of a cold start per event), while the portfolio
 * recovers from the generator's drifting functions as fast without it (docs/benchmarks.md, "A daily shape, and
 * the chance that a tick comes").
 *
 * <p>{@code blend=on} blends instead of picking ({@link Blend}): each candidate states when it expects the
 * unit's next call ({@link NextCall}: {@link Tradeoff}, {@link Split}, {@link Periodic} and {@link Seasonal}
 * do), the distributions are mixed with weights from each candidate's log-score on the unit's past events,
 * and one window is priced on the mixture at the unit's price, widened by {@code margin}; until a candidate
 * has an opinion the backtest's pick serves. See docs/benchmarks.md, "Prediction", for what it measured.
 *
 * <p>{@code halflife=H} (minutes, default 0: off) discounts the backtest by time instead of by event: a cost
 * halves in weight every H minutes, so a busy unit's record spans as much of the day as a quiet one's and a rare
 * long-gap miss is not forgotten after a few dozen quick calls. On the generated 14-day trace {@code halflife=1440}
 * moves {@code auto:split=on} from about 57.5 % to about 56 % of {@code hybrid}'s waste at its cold starts; on
 * the bundled excerpt it helps without {@code split} and hurts with it (docs/benchmarks.md, "More candidates, and
 * a backtest discounted by time"), so it is not the default.
 *
 * <p>Drift: a Page-Hinkley test ({@link PageHinkley}) watches the chosen window's realised
 * cost; when it rises beyond its own baseline the candidates are rebuilt from the last {@code retrain}
 * arrivals, so stale histograms and periods do not linger.
 *
 * <p>External {@link Signals}: the candidates that use them see them (the default
 * {@code seasonal}); whichever candidate is chosen, the unit's window is widened to load the sandbox from
 * {@code lead} minutes (or a signal's own lead, if longer) before a scheduled event to {@code lead} after it,
 * also between arrivals when the host ticks ({@link SignalWindow}).
 *
 * <p>{@code margin} guards against windows fitted to few idle times (a pre-warm fitted to a few idle times of
 * 120 minutes misses one of 119); {@code auto:cold=88,margin=0.6} is the one setting measured to have no more
 * wasted GB-minutes than {@code hybrid} and at most half its excess cold starts over the oracle on both the
 * bundled Azure excerpt and a generated 14-day trace (docs/benchmarks.md, "Prediction").
 *
 * <p>New models join through the registry: {@code models=hybrid+periodic+lstm} names any registered policy;
 * a candidate's own parameters are separated by {@code /} ({@code models=tradeoff:cold=8/rent=0.5+periodic}).
 */
public final class Auto implements Policy {

    /**
     * {@code auto[:cold=32,rent=0.1,margin=0,split=off,shape=off,blend=off,models=...,decay=0.9,halflife=0,switch=1,
     * drift=on,retrain=8,lead=1]}.
     */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("auto", "cold",
            "per-unit portfolio: runs the candidate models side by side and uses the one with the lowest"
            + " recent cold x price + idle GB-minutes (auto:cold=32 GB-minutes per cold start,rent=0.1,margin=0,"
            + "split=off: on adds the split candidate,shape=off: on prices the seasonal candidate on a smooth daily"
            + " shape,blend=off: on prices one window on the candidates' next-call"
            + " distributions mixed by their log-scores,models=tradeoff+periodic+seasonal,decay=0.9 per event,"
            + "halflife=0: minutes in which a backtest cost halves instead (0: by event),switch=1 cold"
            + " start,drift=on,retrain=8,lead=1 minute"
            + " around a scheduled signal)",
            spec -> {
                double cold = spec.number("cold", 32, 0, 1e9);
                double rent = spec.number("rent", 0.1, 0, 1000);
                double margin = spec.number("margin", 0, 0, 1);
                boolean split = spec.onOff("split", false);
                boolean shape = spec.onOff("shape", false);
                boolean blend = spec.onOff("blend", false);
                String models = spec.string("models", defaultModels(cold, rent, margin, split, shape));
                double decay = spec.number("decay", 0.9, 0, 1);
                double halfLife = spec.number("halflife", 0, 0, 1e6);
                boolean drift = spec.onOff("drift", true);
                int retrain = spec.whole("retrain", 8, 1, 64);
                double lead = spec.number("switch", 1, 0, 1000);
                long signalLead = Math.round(spec.number("lead", 1, 0, 60) * 60_000);
                List<Policy> candidates = new ArrayList<>();
                for (String m : models.split("\\+")) {
                    if (m.isBlank() || m.strip().startsWith("auto")) {
                        throw new IllegalArgumentException("policy '" + spec.text() + "': models=" + models
                                + " must list registered policies other than auto, separated by +");
                    }
                    // Inside models= a candidate's own parameters are separated by '/', since ',' ends auto's.
                    candidates.add(Policies.create(m.strip().replace('/', ','), spec.signals()));
                }
                if (blend) {
                    // A unit of each candidate tells whether it can forecast the next call; fail now, not mid-run.
                    for (Policy c : candidates) {
                        if (!(c.newUnit(UnitProfile.of("blend-check", 128, 0)) instanceof NextCall)) {
                            throw new IllegalArgumentException("policy '" + spec.text() + "': blend=on needs"
                                    + " candidates that state when the next call comes (tradeoff, split, periodic,"
                                    + " seasonal); '" + c.spec() + "' does not");
                        }
                    }
                }
                return new Auto(spec.text(), cold, candidates, decay, halfLife, drift, retrain, lead,
                        spec.signals(), signalLead, blend ? margin : -1);
            });

    /**
     * The default candidates: the priced idle-time window, timers and phases, time of day and week; with
     * {@code split} also the priced window over the events off an application's timer ticks ({@link Split});
     * with {@code shape} the time of day and week as a smooth daily shape times a level per day ({@link
     * DailyShape}), priced, instead of hour-of-week tables.
     */
    static String defaultModels(double cold, double rent, double margin, boolean split, boolean shape) {
        String priced = "cold=" + cold + "/rent=" + rent + "/margin=" + margin;
        return "tradeoff:" + priced + "+periodic:fallback=0+seasonal" + (shape ? ":cold=" + cold + "/harmonics=2" : "")
                + (split ? "+split:" + priced : "");
    }

    private final String spec;
    private final double coldGbMinutes;
    private final List<Policy> candidates;
    private final double decay;
    /** When positive, the backtest's discount is by time: a cost halves in weight every this many minutes. */
    private final double halfLifeMinutes;
    private final boolean drift;
    private final int retrain;
    private final boolean crossUnit;
    /** For cross-unit candidates: their unit states back to the auto unit that owns them. */
    private final Map<UnitPolicy, Unit> owners = Collections.synchronizedMap(new IdentityHashMap<>());

    private final double switchLead;
    private final Signals signals;
    private final long signalLeadMillis;
    /** With {@code blend=on} the margin around the blended window; negative when the chosen candidate decides. */
    private final double blendMargin;

    private Auto(String spec, double coldGbMinutes, List<Policy> candidates, double decay, double halfLifeMinutes,
                 boolean drift, int retrain, double switchLead, Signals signals, long signalLeadMillis,
                 double blendMargin) {
        this.halfLifeMinutes = halfLifeMinutes;
        this.blendMargin = blendMargin;
        this.switchLead = switchLead;
        this.signals = signals;
        this.signalLeadMillis = signalLeadMillis;
        this.spec = spec;
        this.coldGbMinutes = coldGbMinutes;
        this.candidates = List.copyOf(candidates);
        this.decay = decay;
        this.drift = drift;
        this.retrain = retrain;
        this.crossUnit = candidates.stream().anyMatch(Policy::crossUnit);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean crossUnit() {
        return crossUnit;
    }

    @Override
    public boolean usesSignals() {
        return true;
    }

    @Override
    public boolean needsForesight() {
        return candidates.stream().anyMatch(Policy::needsForesight);
    }

    @Override
    public Collection<UnitPolicy> affectedBy(UnitPolicy arrived, long nowMillis) {
        if (!crossUnit || !(arrived instanceof Unit u)) {
            return List.of();
        }
        List<UnitPolicy> affected = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            for (UnitPolicy follower : candidates.get(c).affectedBy(u.models[c], nowMillis)) {
                Unit owner = owners.get(follower);
                if (owner != null && !affected.contains(owner)) {
                    affected.add(owner);
                }
            }
        }
        return affected;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new Unit(profile);
    }

    /** The candidates, in the order given. */
    public List<Policy> candidates() {
        return candidates;
    }

    /** One unit's candidates, their last windows and their backtest costs (and log-scores, when blended). */
    final class Unit implements UnitPolicy {
        private final UnitProfile profile;
        private final double price;
        private final UnitPolicy[] models;
        private final Window[] windows;
        private final long[] issued; // when each candidate's window was given
        private final double[] costs;
        private final long[] recent; // the last arrivals, to retrain from after a drift
        /**
         * Tolerates a rise of a fifth of a cold start per event: at 0.05 the test also fired on the ups and downs
         * of a busy unit's cold starts (489 retrains in 114 of the generated trace's 519 apps, 55 of which drift),
         * and each retrain threw away what the candidates had learned (docs/benchmarks.md, "Why drift=off").
         */
        private final PageHinkley detector = new PageHinkley(0.2, 3);
        private int arrivals;
        private int chosen;
        private int drifts;
        private long last = Long.MIN_VALUE;
        private final SignalWindow scheduled;
        /** With {@code blend=on}: the candidates' states as next-call forecasters, and their log-scores. */
        private final NextCall[] experts;
        private final double[] scores;
        /** The blended per-minute window of the last event (null while no candidate has an opinion). */
        private Window blended;

        Unit(UnitProfile profile) {
            this.profile = profile;
            this.scheduled = new SignalWindow(signals, profile.id(), signalLeadMillis,
                    signalLeadMillis);
            this.price = Tradeoff.priceInMinutes(coldGbMinutes, profile);
            int n = candidates.size();
            this.models = new UnitPolicy[n];
            this.windows = new Window[n];
            this.issued = new long[n];
            this.costs = new double[n];
            this.recent = new long[retrain];
            this.experts = blendMargin < 0 ? null : new NextCall[n];
            this.scores = blendMargin < 0 ? null : new double[n];
            build(true);
        }

        /**
         * Creates fresh candidate states; on a retrain ({@code all} false) cross-unit candidates keep theirs:
         * what they learned comes from other units too, and replaying this unit's past arrivals into them
         * would put stale times into their shared, time-ordered state.
         */
        private void build(boolean all) {
            for (int c = 0; c < models.length; c++) {
                costs[c] = 0; // every candidate starts the new record even
                boolean shared = candidates.get(c).crossUnit();
                if (!all && shared) {
                    continue;
                }
                if (models[c] != null) {
                    owners.remove(models[c]);
                }
                models[c] = candidates.get(c).newUnit(profile);
                if (shared) {
                    owners.put(models[c], this);
                }
                windows[c] = null;
                if (experts != null) {
                    experts[c] = (NextCall) models[c];
                    scores[c] = 0;
                }
            }
        }

        @Override
        public Window onArrival(long now) {
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("auto", profile.id(), last, now);
            }
            // More calls in one clock minute are one event, as in the paper model: only a new minute is scored.
            boolean event = arrivals == 0 || IdleWindows.idleMinutes(last, now) > 0;
            if (arrivals > 0 && event && experts != null) {
                Blend.score(experts, scores, IdleWindows.idleMinutes(last, now), decay); // before they learn it
            }
            if (arrivals > 0 && event && windows[chosen] != null) {
                score(now);
            }
            recent[arrivals % recent.length] = now;
            arrivals++;
            last = now;
            for (int c = 0; c < models.length; c++) {
                windows[c] = models[c].onArrival(now);
                issued[c] = now;
            }
            if (experts == null) {
                return scheduled.onWindow(now, windows[chosen]);
            }
            if (event) {
                Window w = Blend.window(experts, scores, price);
                blended = w == null ? null : IdleWindows.widen(w, blendMargin);
            }
            // Until a candidate has an opinion, the one the backtest chose serves (the priced start window).
            return scheduled.onWindow(now, blended == null ? windows[chosen] : IdleWindows.onClock(blended, now));
        }

        @Override
        public Window onSchedule(long now) {
            return scheduled.onSchedule(now);
        }

        /** Scores every candidate's standing window against the arrival at {@code now}; may detect drift. */
        private void score(long now) {
            // By event, a busy unit remembers minutes and a quiet one days; by time, every unit's record spans the
            // same stretch of the day, so a rare overnight miss weighs as long as in a quiet unit.
            double discount = halfLifeMinutes > 0
                    ? Math.pow(0.5, IdleWindows.idleMinutes(last, now) / halfLifeMinutes) : decay;
            double chosenCost = 0;
            for (int c = 0; c < models.length; c++) {
                if (windows[c] == null) {
                    continue;
                }
                double cost = IdleWindows.cost(windows[c], issued[c], now, price);
                if (c == chosen) {
                    chosenCost = cost;
                }
                costs[c] = discount * costs[c] + cost;
            }
            int best = 0;
            for (int c = 1; c < costs.length; c++) {
                if (costs[c] < costs[best]) {
                    best = c;
                }
            }
            // Switch only for a clear lead: two candidates trading a small lead back and forth would each time
            // be followed into the other's miss. The lead is `switch` cold starts per event of the decayed sum,
            // whose steady state is a per-event cost over (1 - decay).
            if (costs[best] + switchLead * price * (1 - decay) < costs[chosen]) {
                chosen = best;
            }
            // The chosen window's cost in cold starts (idle minutes at the price), capped at one: a long
            // idle stretch is one miss, not many.
            if (drift && detector.add(Math.min(1, chosenCost / Math.max(price, 1e-9)))) {
                drifts++;
                retrainFromRecent(now);
            }
        }

        /** Rebuilds the candidates and feeds them the recent arrivals before {@code now}. */
        private void retrainFromRecent(long now) {
            build(false);
            chosen = 0;
            int held = Math.min(arrivals, recent.length);
            for (int i = arrivals - held; i < arrivals; i++) {
                long t = recent[i % recent.length];
                for (int c = 0; c < models.length; c++) {
                    if (t < now && !candidates.get(c).crossUnit()) {
                        models[c].onArrival(t);
                    }
                }
            }
            detector.reset();
        }

        @Override
        public Window reconsider(long now) {
            Window answer = null;
            for (int c = 0; c < models.length; c++) {
                Window w = models[c].reconsider(now);
                if (w != null) {
                    windows[c] = w;
                    issued[c] = now;
                    if (c == chosen) {
                        answer = w;
                    }
                }
            }
            return answer == null ? null : scheduled.onWindow(now, answer);
        }

        @Override
        public String explain() {
            if (arrivals == 0) {
                return "";
            }
            if (experts != null && blended != null) {
                double[] w = Blend.weights(scores);
                StringBuilder b = new StringBuilder("blends the candidates' next-call distributions:");
                for (int c = 0; c < models.length; c++) {
                    b.append(c == 0 ? " " : ", ").append(candidates.get(c).spec()).append(' ')
                            .append(String.format(java.util.Locale.ROOT, "%.2f", w[c]));
                }
                return b.toString();
            }
            StringBuilder b = new StringBuilder("uses ").append(candidates.get(chosen).spec());
            String inner = models[chosen].explain();
            if (!inner.isEmpty()) {
                b.append(" (").append(inner).append(')');
            }
            b.append(halfLifeMinutes > 0
                    ? "; backtest cost, halving every " + Math.round(halfLifeMinutes) + " minutes"
                    : "; recent backtest cost per arrival").append(" (a miss counts 1, an idle minute 1/")
                    .append(String.format(java.util.Locale.ROOT, "%.1f", price)).append("):");
            double scale = halfLifeMinutes > 0 ? 1 : 1 - decay;
            for (int c = 0; c < models.length; c++) {
                b.append(c == 0 ? " " : ", ").append(candidates.get(c).spec()).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.2f", costs[c] * scale / price));
            }
            return b.append(drifts == 0 ? "" : "; drift detected " + drifts + "x, models retrained").toString();
        }

        /** The index of the candidate whose window the unit uses now. */
        int chosen() {
            return chosen;
        }

        @Override
        public int drifts() {
            return drifts;
        }

        @Override
        public void verify() {
            for (UnitPolicy m : models) {
                m.verify();
            }
            for (double s : experts == null ? new double[0] : scores) {
                if (!Double.isFinite(s) || s > 0) {
                    throw new IllegalStateException("auto policy, unit " + profile.id() + ": log-score " + s
                            + " is not a finite log of a probability");
                }
            }
            for (int c = 0; c < costs.length; c++) {
                if (!(costs[c] >= 0) || Double.isInfinite(costs[c])) {
                    throw new IllegalStateException("auto policy, unit " + profile.id() + ": candidate "
                            + candidates.get(c).spec() + " has cost " + costs[c]);
                }
            }
            if (arrivals > 0 && windows[chosen] == null) {
                throw new IllegalStateException("auto policy, unit " + profile.id() + ": chosen candidate "
                        + candidates.get(chosen).spec() + " has no window after " + arrivals + " arrivals");
            }
        }

        @Override
        public long stateBytes() {
            long bytes = HeapBytes.object(9, 3, 2, 0) + HeapBytes.array(models.length, 4) * 2
                    + HeapBytes.array(models.length, 8) * 2 + HeapBytes.array(recent.length, 8)
                    + detector.heapBytes() + HeapBytes.object(3, 0, 3, 0) // and its SignalWindow
                    + (experts == null ? 0 : HeapBytes.array(models.length, 4) + HeapBytes.array(models.length, 8)
                    + HeapBytes.object(0, 0, 2, 0)); // and the blended window
            for (UnitPolicy m : models) {
                bytes += m.stateBytes();
            }
            return bytes;
        }
    }
}
