package io.forewarm.predict.lstm;

import io.forewarm.core.Window;
import io.forewarm.predict.ArrivalHistory;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicySpec;
import io.forewarm.predict.SignalWindow;
import io.forewarm.predict.Signals;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.List;
import java.util.Optional;

/**
 * The {@code lstm} policy: after each arrival, the global {@link LstmForecaster} gives the probability
 * {@code p[k]} of an arrival in each minute k = 1..horizon after it, and the window is read off them by one
 * of two rules (the window has the shape of Shahrad et al., "Serverless in the Wild", USENIX ATC 2020):
 * <ul>
 * <li>{@code next} (default): treat the minutes as independent, so the chance that the next arrival has
 * come by minute k is {@code F[k] = 1 - prod(1 - p[j], j <= k)}; pre-warm at the first minute where
 * {@code F} reaches {@code head} and keep loaded until it reaches {@code tail}, or to the horizon's end if
 * it never does. This reads the forecast the way the hybrid policy reads its idle-time histogram (5th and
 * 99th percentiles), and it keeps a unit warm whose arrivals are likely but spread thin over the minutes.
 * If even the whole horizon stays under {@code head}, the sandbox is unloaded at once.</li>
 * <li>{@code minute}: load over the first run of minutes whose own {@code p} reaches {@code threshold},
 * pre-warmed at its first minute and released where {@code p} falls below again; none reaching it:
 * unload at once.</li>
 * </ul>
 *
 * <p>Training: {@link #prepare} trains the model once, on every unit's arrivals before the first scored
 * minute; the model is used for arrivals from that minute on, as if it had been trained then. Before it
 * (and for the whole run when nothing is held out to learn from, i.e. without {@code --score-from}) every
 * arrival gets a fixed keep-alive of {@code fallback} minutes. Training is seeded and single-threaded, so
 * a run is reproducible. With {@code retrain=MINUTES} the policy instead learns as it goes, in virtual time:
 * it is then a cross-unit policy (the simulator replays all units together in time order), keeps every
 * unit's observed arrivals, and at the first arrival after each multiple of MINUTES trains a fresh model
 * on everything observed before that minute (e.g. {@code retrain=1440}: daily). Slower to simulate (one
 * thread), but no held-out cut-off is needed and nothing scored is ever trained on before it happened.
 *
 * <p>External {@link Signals} are features of the model ({@link Features}: a scheduled event in each minute,
 * the nearness of the next one within the horizon, the activity factor), so it can learn that a unit is
 * called right after its events, in training (read by unit id) and in every forecast. On top, like {@code
 * seasonal} and {@code auto}, the window is widened to cover the next scheduled event from {@code lead}
 * minutes (or the signal's own lead, if longer) before it to {@code lead} after it, and a ticking host asks
 * between arrivals ({@link #usesSignals}, {@link SignalWindow}), so an event far from any arrival (beyond
 * the horizon the model sees) is pre-warmed for too. Without signals (the simulator) the window is the
 * model's alone and the signal inputs are all 0.
 *
 * <p>Parameters: {@code rule} (positional: {@code next} or {@code minute}), {@code head} (0.05) and
 * {@code tail} (0.99) for {@code next}, {@code threshold} (0.3) for {@code minute}; {@code horizon} minutes
 * (60), {@code lookback} minutes (60), {@code hidden} cells (16), {@code epochs} (4), {@code samples} most
 * training windows (30000), {@code batch} windows per step (256; smaller for small data, so it takes
 * enough steps), {@code seed} (1), {@code fallback} keep-alive minutes before training (10),
 * {@code retrain} minutes (0: train once, before the scored minutes), {@code lead} minutes around a
 * scheduled signal (1).
 */
public final class LstmPolicy implements Policy {

    private static final System.Logger LOG = System.getLogger(LstmPolicy.class.getName());

    /** Fewer training windows than this teach the network nothing worth trusting over the fallback. */
    static final int MIN_TRAINING_WINDOWS = 100;

    /**
     * The policy's settings.
     *
     * @param rule     how a window is read off the forecast
     * @param fallback keep-alive minutes before the model is trained
     * @param retrain  0: train once before the scored minutes ({@link #prepare}); else retrain in virtual
     *                 time at the first arrival after every multiple of this many minutes
     * @param model    the forecaster's settings
     * @param leadMillis how long before and after a scheduled signal's event the sandbox is kept loaded
     */
    public record Settings(WindowRule rule, int fallback, int retrain, LstmForecaster.Config model,
                           long leadMillis) {

        /** Validates the fallback, the retraining period and the lead. */
        public Settings {
            if (leadMillis < 0) {
                throw new IllegalArgumentException("lstm lead=" + leadMillis + " ms must be >= 0");
            }
            if (fallback < 0) {
                throw new IllegalArgumentException("lstm fallback=" + fallback + " must be >= 0");
            }
            if (retrain < 0) {
                throw new IllegalArgumentException("lstm retrain=" + retrain + " must be >= 0");
            }
        }
    }

    /**
     * The forecast in use, the minute from which it may be used, and the minute from which the run has had
     * any model (earlier forecasts would have used a model that did not exist yet).
     */
    private record Ready(ArrivalForecast forecast, int fromMinute, int since, LstmForecaster forecaster) {
    }

    private static final long MINUTE = 60_000;

    private final String spec;
    private final Settings settings;
    private final Signals signals;
    private final Window fallback;
    private final Ready given;
    private volatile Ready ready;
    // Retraining in virtual time: every unit's arrivals so far, and when to train next.
    private final List<ObservedHistory> observed = new java.util.ArrayList<>();
    private int nextTraining = Integer.MIN_VALUE;
    private int trainings;

    /** A policy that falls back until {@link #prepare} trains it, and consults the external {@code signals}. */
    public LstmPolicy(String spec, Settings settings, Signals signals) {
        this(spec, settings, signals, null);
    }

    private LstmPolicy(String spec, Settings settings, Signals signals, Ready given) {
        this.spec = spec;
        this.settings = settings;
        this.signals = java.util.Objects.requireNonNull(signals, "signals");
        this.fallback = Window.keepAliveMinutes(settings.fallback());
        this.given = given;
        this.ready = given;
    }

    /**
     * A policy that uses an already trained {@code forecaster} for arrivals from {@code fromMinute} on (the
     * first minute after its training data) and never retrains: a live engine loading a model, or a sweep
     * over window rules that trains once. {@code signals} should be those it was trained with.
     */
    public static LstmPolicy trained(String spec, WindowRule rule, int fallback, LstmForecaster forecaster,
                                     int fromMinute, Signals signals) {
        return new LstmPolicy(spec, new Settings(rule, fallback, 0, forecaster.config(), MINUTE), signals,
                new Ready(ArrivalForecast.of(forecaster), fromMinute, fromMinute, forecaster));
    }

    /** Reads the parameters of {@code spec} (see the class comment), failing on a bad one by name. */
    static LstmPolicy create(PolicySpec spec) {
        LstmForecaster.Config d = LstmForecaster.Config.defaults();
        String ruleName = spec.string("rule", "next");
        WindowRule rule = switch (ruleName) {
            case "next" -> new WindowRule.Next(spec.number("head", 0.05), spec.number("tail", 0.99));
            case "minute" -> new WindowRule.Minute(spec.number("threshold", 0.3));
            default -> throw new IllegalArgumentException("policy '" + spec.text() + "': parameter rule="
                    + ruleName + " is not one of next, minute");
        };
        LstmForecaster.Config model = new LstmForecaster.Config(
                spec.whole("lookback", d.lookback(), 1, 1440),
                spec.whole("horizon", d.horizon(), 1, 1440),
                spec.whole("hidden", d.hidden(), 1, 256),
                spec.whole("epochs", d.epochs(), 1, 1000),
                spec.whole("samples", d.samples(), MIN_TRAINING_WINDOWS, 10_000_000),
                spec.whole("batch", d.batch(), 1, 65_536), d.learningRate(),
                spec.whole("seed", (int) d.seed(), 0, Integer.MAX_VALUE));
        int fallback = spec.whole("fallback", 10, 0, 1440);
        int retrain = spec.whole("retrain", 0, 0, 365 * 1440);
        long lead = Math.round(spec.number("lead", 1, 0, 60) * MINUTE);
        return new LstmPolicy(spec.text(), new Settings(rule, fallback, retrain, model, lead), spec.signals());
    }

    @Override
    public String spec() {
        return spec;
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The latest trained forecaster, once there is one. */
    public Optional<LstmForecaster> forecaster() {
        Ready r = ready;
        return r == null ? Optional.empty() : Optional.ofNullable(r.forecaster());
    }

    /** How many times the model was trained in virtual time ({@code retrain}). */
    public synchronized int trainings() {
        return trainings;
    }

    /** The model reads external signals, and a ticking host should ask {@link UnitPolicy#onSchedule}. */
    @Override
    public boolean usesSignals() {
        return true;
    }

    /** With {@code retrain}, the policy learns from every unit's arrivals, so it needs them in time order. */
    @Override
    public boolean crossUnit() {
        return settings.retrain() > 0;
    }

    /**
     * Trains the global model on the minutes before {@code untilMinute}; falls back, saying why, if it cannot.
     * A policy made {@link #trained} keeps its model; one that retrains in virtual time learns as it goes.
     */
    @Override
    public void prepare(List<? extends ArrivalHistory> units, int untilMinute) {
        ready = given;
        if (given != null || settings.retrain() > 0) {
            return;
        }
        if (untilMinute == Integer.MIN_VALUE) {
            LOG.log(System.Logger.Level.WARNING, "lstm: every minute is scored, none is left to train on "
                    + "(give a score-from minute); using the fixed " + settings.fallback() + "-minute keep-alive");
            return;
        }
        long start = System.nanoTime();
        train(units, untilMinute, start);
    }

    /** Trains on {@code units} before {@code untilMinute} and uses the model from then on, if there is data. */
    private void train(List<? extends ArrivalHistory> units, int untilMinute, long startNanos) {
        LstmForecaster.Config c = settings.model();
        Samples samples = Samples.draw(units, signals, Integer.MIN_VALUE, untilMinute, c.lookback(), c.horizon(),
                c.samples(), c.seed());
        if (samples.count() < MIN_TRAINING_WINDOWS) {
            LOG.log(System.Logger.Level.WARNING, "lstm: only " + samples.count() + " training windows before minute "
                    + untilMinute + " (need " + MIN_TRAINING_WINDOWS + "); keeping "
                    + (ready == null ? "the fixed " + settings.fallback() + "-minute keep-alive" : "the last model"));
            return;
        }
        LstmForecaster f = LstmForecaster.train(samples, c, startNanos);
        LOG.log(System.Logger.Level.INFO, "lstm: trained at minute " + untilMinute + " on " + f.training().windows()
                + " windows from " + units.size() + " units in " + f.training().millis() + " ms");
        Ready before = ready;
        ready = new Ready(ArrivalForecast.of(f), untilMinute, before == null ? untilMinute : before.since(), f);
    }

    /**
     * Retraining in virtual time: called at each arrival (in global time order); the first arrival at or
     * after the next multiple of {@code retrain} minutes trains on everything observed before it.
     */
    private synchronized void maybeRetrain(int minute) {
        int period = settings.retrain();
        if (nextTraining == Integer.MIN_VALUE) {
            nextTraining = (Math.floorDiv(minute, period) + 1) * period;
        }
        if (minute >= nextTraining) {
            train(observed.stream().map(h -> h.until(minute)).toList(), minute, System.nanoTime());
            trainings++;
            nextTraining = (Math.floorDiv(minute, period) + 1) * period;
        }
    }

    /** Uses {@code forecast} for arrivals from {@code fromMinute} on: the seam for hand-made probabilities. */
    void use(ArrivalForecast forecast, int fromMinute) {
        ready = new Ready(forecast, fromMinute, fromMinute, null);
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        if (settings.retrain() > 0) {
            ObservedHistory h = new ObservedHistory(profile.id());
            synchronized (this) {
                observed.add(h);
            }
            return new Unit(profile.id(), h);
        }
        // A day more than the lookback: each minute's input also says whether it was active a day earlier.
        return new Unit(profile.id(), new RecentMinutes(settings.model().lookback() + Features.DAY));
    }

    private final class Unit implements UnitPolicy {

        private final MinuteLog recent;
        private final UnitSignals own;
        private final SignalWindow scheduled;
        private long arrivals;
        private long forecasts;
        private int firstForecastMinute = Integer.MAX_VALUE;

        Unit(String id, MinuteLog recent) {
            this.recent = recent;
            this.own = UnitSignals.of(signals, id);
            this.scheduled = new SignalWindow(signals, id, settings.leadMillis(), settings.leadMillis());
        }

        @Override
        public Window onArrival(long nowMillis) {
            int minute = Math.toIntExact(Math.floorDiv(nowMillis, 60_000L));
            recent.record(minute);
            arrivals++;
            if (settings.retrain() > 0) {
                maybeRetrain(minute);
            }
            return scheduled.onWindow(nowMillis, modelWindow(minute));
        }

        private Window modelWindow(int minute) {
            Ready r = ready;
            if (r == null || minute < r.fromMinute()) {
                return fallback;
            }
            double[] p = new double[r.forecast().horizon()];
            r.forecast().predict(recent::active, own, minute, p);
            forecasts++;
            firstForecastMinute = Math.min(firstForecastMinute, minute);
            return settings.rule().window(p);
        }

        @Override
        public Window onSchedule(long nowMillis) {
            return scheduled.onSchedule(nowMillis);
        }

        @Override
        public void verify() {
            Ready r = ready;
            if (forecasts > arrivals) {
                throw new IllegalStateException("lstm unit made " + forecasts + " forecasts for " + arrivals
                        + " arrivals");
            }
            if (forecasts > 0 && (r == null || firstForecastMinute < r.since())) {
                throw new IllegalStateException("lstm unit forecast at minute " + firstForecastMinute
                        + ", before the model was ready");
            }
            if (arrivals > 0 && !recent.active(recent.last())) {
                throw new IllegalStateException("lstm unit lost its last arrival at minute " + recent.last());
            }
        }

        @Override
        public long stateBytes() {
            // Header, three references, two longs, an int; the SignalWindow (header, three references, three
            // longs); the UnitSignals is the shared NONE without signals, else a header and two references.
            long signalBytes = own == UnitSignals.NONE ? 0 : 16 + 2 * 8;
            return 16 + 3 * 8 + 8 + 8 + 4 + recent.bytes() + 16 + 3 * 8 + 3 * 8 + signalBytes;
        }
    }
}
