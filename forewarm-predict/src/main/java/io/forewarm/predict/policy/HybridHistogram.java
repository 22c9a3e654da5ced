package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.PolicySpec;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.forecast.Arima;

/**
 * The hybrid histogram keep-alive and pre-warm policy of Shahrad et al., "Serverless in the Wild:
 * Characterizing and Optimizing the Serverless Workload at a Large Cloud Provider" (USENIX ATC 2020,
 * Section 4.2, arXiv:2003.03423). After every arrival each unit gets a {@link Window} from one of three
 * branches, chosen from its idle times (IT: the minutes between consecutive arrivals; consecutive active minutes
 * give IT = 1). The paper measures an IT from the end of an execution; in the per-minute Azure trace the
 * simulator replays, executions are far shorter than a minute, so the time between arrivals stands in for it.
 * The three branches:
 *
 * <ol>
 *   <li><b>Standard keep-alive</b> (pattern uncertain): no pre-warm, keep alive for the histogram's range
 *       (4 hours). Used for a new unit, while it has fewer than {@code min} ITs, and when the histogram is not
 *       representative: the coefficient of variation of its bin counts is below {@code cv} (2 in the paper;
 *       a few sharp peaks give a high CV, ITs spread evenly over the range a low one).</li>
 *   <li><b>Histogram</b>: ITs fall into 1-minute bins over the range; the pre-warm window is the head (5th
 *       percentile, rounded down to its bin's lower edge) minus a 10% margin, and the sandbox stays loaded until
 *       the tail (99th percentile, rounded up to its bin's upper edge) plus a 10% margin, so keep-alive =
 *       tail&middot;1.1 &minus; prewarm. Windows are whole minutes: prewarm rounded down, the end rounded up. A
 *       prewarm of 0 keeps the sandbox loaded from the arrival.</li>
 *   <li><b>ARIMA</b> (too many ITs out of bounds): when more than {@code oob} (half) of the ITs exceed the range,
 *       an ARIMA model fitted on the unit's IT series ({@link Arima#autoFit}, orders up to (1,1,1)) predicts the
 *       next IT; pre-warm at 85% of it and keep alive for 30% of it (a 15% margin on each side). With
 *       {@code arima=off} such units get the standard keep-alive.</li>
 * </ol>
 *
 * <p>Where the paper gives no number we chose one and say so here: the minimum of 10 ITs before a histogram
 * is trusted; the OOB threshold read as "a majority of ITs" (0.5); the population (not sample) standard
 * deviation in the CV; the last 64 ITs kept for ARIMA, with the model re-selected and refitted every 4 new ITs
 * (each forecast still uses every new IT); the standard keep-alive when a forecast is not a finite number; and
 * no new IT for an arrival at the same instant as the previous one (it gets the same window back).
 *
 * <p>Implementation consulted: dslab-faas {@code crates/dslab-faas/src/extra/hybrid_histogram.rs}
 * (osukhoroslov/dslab), whose defaults match ours: CV threshold 2, OOB threshold 0.5, histogram margin 10%,
 * ARIMA margin 15%, head 5th and tail 99th percentiles.
 */
public final class HybridHistogram implements Policy {

    /** {@code hybrid[:range=240,bin=1,head=5,tail=99,margin=0.1,cv=2,oob=0.5,min=10,arima=on,...]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("hybrid", "range",
            "Shahrad et al. ATC'20 hybrid histogram: per-unit idle-time histogram sets pre-warm and keep-alive,"
            + " ARIMA for idle times beyond the range (hybrid:range=240,bin=1,head=5,tail=99,margin=0.1,"
            + "cv=2,oob=0.5,min=10,arima=on,arimaMargin=0.15,history=64,refit=4)",
            spec -> new HybridHistogram(spec.text(), Config.from(spec)));

    /**
     * The policy's parameters; {@link #PAPER} holds the paper's values.
     *
     * @param rangeMinutes   the histogram's range: longer ITs are out of bounds
     * @param binMinutes     the width of a bin (the range must be a whole number of bins)
     * @param headPercentile the percentile that sets the pre-warm window
     * @param tailPercentile the percentile that sets the end of the keep-alive window
     * @param margin         the fraction taken off the head and added to the tail
     * @param cvThreshold    the bin counts' CV below which the histogram is not representative
     * @param oobThreshold   the fraction of out-of-bounds ITs above which ARIMA takes over
     * @param minSamples     the ITs a unit needs before anything but the standard keep-alive
     * @param arima          whether OOB-heavy units are forecast with ARIMA (else: standard keep-alive)
     * @param arimaMargin    the fraction of the predicted IT on each side of it that is kept loaded
     * @param history        the ITs kept for the ARIMA fit
     * @param refit          the new ITs after which the ARIMA model is selected and fitted again
     */
    public record Config(double rangeMinutes, double binMinutes, double headPercentile, double tailPercentile,
                         double margin, double cvThreshold, double oobThreshold, int minSamples, boolean arima,
                         double arimaMargin, int history, int refit) {

        /** The paper's defaults, with ours where it gives none (see the class comment). */
        public static final Config PAPER = new Config(240, 1, 5, 99, 0.10, 2, 0.5, 10, true, 0.15, 64, 4);

        /** Validates the parameters, naming the first bad one. */
        public Config {
            require(rangeMinutes >= 1 && rangeMinutes <= 10_080, "range", rangeMinutes, "in [1, 10080] minutes");
            require(binMinutes >= 1.0 / 60 && binMinutes <= rangeMinutes, "bin", binMinutes,
                    "in [1/60, range] minutes");
            double bins = rangeMinutes / binMinutes;
            require(Math.abs(bins - Math.rint(bins)) < 1e-9, "range", rangeMinutes,
                    "a whole number of bins of " + binMinutes + " minutes");
            require(bins <= 100_000, "bin", binMinutes, "wide enough for at most 100000 bins");
            require(headPercentile >= 0 && headPercentile <= 100, "head", headPercentile, "in [0, 100]");
            require(tailPercentile >= headPercentile && tailPercentile <= 100, "tail", tailPercentile,
                    "in [head, 100]");
            require(margin >= 0 && margin < 1, "margin", margin, "in [0, 1)");
            require(cvThreshold >= 0, "cv", cvThreshold, ">= 0");
            require(oobThreshold >= 0 && oobThreshold <= 1, "oob", oobThreshold, "in [0, 1]");
            require(minSamples >= 1, "min", minSamples, ">= 1");
            require(arimaMargin >= 0 && arimaMargin < 1, "arimaMargin", arimaMargin, "in [0, 1)");
            require(history >= 4 && history <= 1024, "history", history, "in [4, 1024]");
            require(refit >= 1, "refit", refit, ">= 1");
        }

        /** Reads every parameter from {@code spec}, defaulting to {@link #PAPER}. */
        public static Config from(PolicySpec spec) {
            try {
                return new Config(
                        spec.number("range", PAPER.rangeMinutes),
                        spec.number("bin", PAPER.binMinutes),
                        spec.number("head", PAPER.headPercentile),
                        spec.number("tail", PAPER.tailPercentile),
                        spec.number("margin", PAPER.margin),
                        spec.number("cv", PAPER.cvThreshold),
                        spec.number("oob", PAPER.oobThreshold),
                        whole(spec, "min", PAPER.minSamples),
                        onOff(spec, "arima", PAPER.arima),
                        spec.number("arimaMargin", PAPER.arimaMargin),
                        whole(spec, "history", PAPER.history),
                        whole(spec, "refit", PAPER.refit));
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("policy '")) {
                    throw e;
                }
                throw new IllegalArgumentException("policy '" + spec.text() + "': " + e.getMessage(), e);
            }
        }

        /** The number of bins. */
        public int binCount() {
            return (int) Math.rint(rangeMinutes / binMinutes);
        }

        private static void require(boolean ok, String key, double value, String rule) {
            if (!ok) {
                String shown = value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                        : Double.toString(value);
                throw new IllegalArgumentException("parameter " + key + "=" + shown + " must be " + rule);
            }
        }

        private static int whole(PolicySpec spec, String key, int fallback) {
            double d = spec.number(key, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException("policy '" + spec.text() + "': parameter " + key + "="
                        + spec.params().get(key) + " is not a whole number");
            }
            return (int) d;
        }

        private static boolean onOff(PolicySpec spec, String key, boolean fallback) {
            String value = spec.string(key, fallback ? "on" : "off");
            return switch (value) {
                case "on", "true", "yes" -> true;
                case "off", "false", "no" -> false;
                default -> throw new IllegalArgumentException("policy '" + spec.text() + "': parameter " + key
                        + "=" + value + " must be on or off");
            };
        }
    }

    /** Which branch of the policy chose a window. */
    enum Mode { STANDARD, HISTOGRAM, ARIMA }

    private static final long MINUTE = 60_000;
    // Rounding guard: 1.1 * 10 is 11.000000000000002 in binary and must not round up to 12.
    private static final double EPSILON = 1e-9;

    private final String spec;
    private final Config config;
    private final int binCount;
    private final long binMillis;
    private final Window standard;

    /** Creates the policy for one run. */
    public HybridHistogram(String spec, Config config) {
        this.spec = spec;
        this.config = config;
        this.binCount = config.binCount();
        this.binMillis = Math.round(config.binMinutes() * MINUTE);
        this.standard = new Window(0, Math.round(config.rangeMinutes() * MINUTE));
    }

    @Override
    public String spec() {
        return spec;
    }

    /** The parameters this policy runs with. */
    public Config config() {
        return config;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new Unit(profile.id());
    }

    /** One unit's idle-time statistics and the window last chosen for it. */
    final class Unit implements UnitPolicy {
        private final String id;
        private final IdleTimeHistogram histogram = new IdleTimeHistogram(binCount);
        private IdleTimeSeries series; // allocated at the first IT when ARIMA is on
        private Arima.Fit fit;
        private int itsSinceFit;
        private long first;
        private long last;
        private int arrivals;
        private int repeats;
        private final int[] windowsByMode = new int[Mode.values().length];
        private Mode mode;
        private Window window;
        private int headBin = -1;
        private int tailBin = -1;

        private Unit(String id) {
            this.id = id;
        }

        @Override
        public Window onArrival(long now) {
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("hybrid", id, last, now);
            }
            if (arrivals == 0) {
                first = now;
            } else if (now == last) {
                // Another invocation in the same instant: no idle time passed, the decision stands.
                repeats++;
                arrivals++;
                windowsByMode[mode.ordinal()]++;
                return window;
            } else {
                record(now - last);
            }
            last = now;
            arrivals++;
            window = decide();
            windowsByMode[mode.ordinal()]++;
            return window;
        }

        private void record(long idleMillis) {
            histogram.add(idleMillis / binMillis);
            if (config.arima()) {
                if (series == null) {
                    series = new IdleTimeSeries(config.history());
                }
                series.add((double) idleMillis / MINUTE);
                itsSinceFit++;
            }
        }

        private Window decide() {
            int total = histogram.total();
            if (total < config.minSamples()) {
                return standard();
            }
            if (histogram.outOfBounds() > config.oobThreshold() * total) {
                Window forecast = config.arima() ? forecastWindow() : null;
                return forecast != null ? forecast : standard();
            }
            if (!histogram.cvAtLeast(config.cvThreshold())) {
                return standard();
            }
            return histogramWindow();
        }

        private Window standard() {
            mode = Mode.STANDARD;
            return standard;
        }

        private Window histogramWindow() {
            int head = histogram.percentileBin(config.headPercentile());
            int tail = histogram.percentileBin(config.tailPercentile());
            if (mode == Mode.HISTOGRAM && head == headBin && tail == tailBin) {
                return window; // the same bins give the same window: no allocation on the hot path
            }
            mode = Mode.HISTOGRAM;
            headBin = head;
            tailBin = tail;
            double headMinutes = head * config.binMinutes();
            double tailMinutes = (tail + 1) * config.binMinutes();
            return minutes((1 - config.margin()) * headMinutes, (1 + config.margin()) * tailMinutes);
        }

        private Window forecastWindow() {
            if (series.size() < 3) {
                return null; // too short for even ARIMA(0,1,0); cannot happen with min >= 3
            }
            double[] its = series.toArray();
            if (fit == null || itsSinceFit >= config.refit()) {
                fit = Arima.autoFit(its, 1, 1, 1);
                itsSinceFit = 0;
            }
            double predicted = fit.forecast(its);
            if (!Double.isFinite(predicted)) {
                return null;
            }
            // A forecast below a minute (a falling trend run out) still means "soon": keep it short and warm.
            predicted = Math.max(predicted, 1);
            Mode previous = mode;
            mode = Mode.ARIMA;
            Window w = minutes((1 - config.arimaMargin()) * predicted, (1 + config.arimaMargin()) * predicted);
            return previous == Mode.ARIMA && w.equals(window) ? window : w;
        }

        /** The window loaded from {@code from} to {@code until} minutes: whole minutes, start down, end up. */
        private Window minutes(double from, double until) {
            long start = (long) Math.floor(from + EPSILON);
            long end = Math.max(start, (long) Math.ceil(until - EPSILON));
            return Window.ofMinutes(start, end - start);
        }

        @Override
        public String explain() {
            if (mode == null) {
                return "";
            }
            long n = histogram.total();
            return switch (mode) {
                case STANDARD -> "standard keep-alive: " + (n < config.minSamples() ? "only " + n
                        + " idle times so far" : "the idle times are too spread out (or out of range) to predict");
                case HISTOGRAM -> "idle-time histogram of " + n + " idle times: loaded from its "
                        + pct(config.headPercentile()) + " to its " + pct(config.tailPercentile())
                        + " percentile";
                case ARIMA -> "ARIMA forecast of the next idle time: most idle times fall beyond the histogram's"
                        + " range";
            };
        }

        private static String pct(double p) {
            return String.format(java.util.Locale.ROOT, "%.0fth", p);
        }

        /** The branch that chose the last window, or null before the first arrival. */
        Mode mode() {
            return mode;
        }

        /** The idle-time statistics, for tests. */
        IdleTimeHistogram histogram() {
            return histogram;
        }

        /** The current ARIMA fit, or null if none was needed yet. */
        Arima.Fit fit() {
            return fit;
        }

        @Override
        public void verify() {
            histogram.verify(id);
            int its = arrivals == 0 ? 0 : arrivals - 1 - repeats;
            if (histogram.total() != its) {
                throw broken("in-range " + histogram.inRange() + " + out-of-bounds " + histogram.outOfBounds()
                        + " idle times != " + its + " recorded");
            }
            int windows = 0;
            for (int count : windowsByMode) {
                windows += count;
            }
            if (windows != arrivals) {
                throw broken(windows + " windows returned for " + arrivals + " arrivals");
            }
            if ((window == null) != (arrivals == 0)) {
                throw broken("last window " + window + " after " + arrivals + " arrivals");
            }
            if (window != null && (window.prewarmMillis() < 0 || window.keepAliveMillis() < 0)) {
                throw broken("negative window " + window);
            }
            if (arrivals > 0 && first > last) {
                throw broken("first arrival " + first + " after the last " + last);
            }
            int kept = series == null ? 0 : series.size();
            int expected = config.arima() ? Math.min(its, config.history()) : 0;
            if (kept != expected) {
                throw broken("ARIMA history holds " + kept + " idle times, expected " + expected);
            }
            if (mode == Mode.ARIMA && fit == null) {
                throw broken("ARIMA window without a fitted model");
            }
        }

        private IllegalStateException broken(String what) {
            return new IllegalStateException("hybrid policy, unit " + id + ": " + what);
        }

        @Override
        public long stateBytes() {
            long bytes = HeapBytes.object(8, 5, 2, 0) + HeapBytes.array(windowsByMode.length, 4)
                    + histogram.heapBytes();
            if (series != null) {
                bytes += series.heapBytes();
            }
            if (fit != null) {
                bytes += fit.heapBytes();
            }
            if (window != null && window != standard) {
                bytes += HeapBytes.object(0, 0, 2, 0);
            }
            return bytes;
        }

        @Override
        public String toString() {
            return "hybrid unit " + id + " " + mode + " " + window;
        }
    }
}
