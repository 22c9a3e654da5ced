package io.forewarm.sim.report;

import io.forewarm.sim.PolicyResult;

import java.util.List;
import java.util.Locale;

/**
 * Draws the trade-off every keep-alive policy makes as an SVG: wasted memory (x, GB-minutes) against
 * cold starts (y, % of events). A sweep is a curve; a single policy is a point.
 */
public final class SweepPlot {

    /** A named series: a swept family (several points) or one policy (one point). */
    public record Series(String name, List<PolicyResult> points) {
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 820;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 240;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private SweepPlot() {
    }

    /** The SVG document; {@code title} and {@code credit} (data source) are printed on it. */
    public static String svg(String title, String credit, List<Series> series) {
        double maxX = 0;
        double maxY = 0;
        for (Series s : series) {
            for (PolicyResult r : s.points()) {
                maxX = Math.max(maxX, r.wastedGbMinutes());
                maxY = Math.max(maxY, r.coldStartPct());
            }
        }
        maxX = niceCeil(maxX);
        maxY = niceCeil(maxY);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        sb.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        sb.append(text(LEFT, 25, 15, "start", escape(title)));
        sb.append(text(LEFT, H - 10, 10, "start", escape(credit)));
        // axes and grid
        for (int i = 0; i <= 5; i++) {
            double fx = LEFT + plotW * i / 5.0;
            double fy = TOP + plotH - plotH * i / 5.0;
            sb.append(line(fx, TOP, fx, TOP + plotH, "#eee"));
            sb.append(line(LEFT, fy, LEFT + plotW, fy, "#eee"));
            sb.append(text(fx, TOP + plotH + 18, 11, "middle", num(maxX * i / 5)));
            sb.append(text(LEFT - 8, fy + 4, 11, "end", num(maxY * i / 5)));
        }
        sb.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#333"));
        sb.append(line(LEFT, TOP, LEFT, TOP + plotH, "#333"));
        sb.append(text(LEFT + plotW / 2.0, TOP + plotH + 40, 12, "middle", "wasted memory (GB-minutes)"));
        sb.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 20 %.1f)\">cold starts (%% of events)</text>%n",
                TOP + plotH / 2.0, TOP + plotH / 2.0));
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String color = COLORS[s % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (PolicyResult r : ser.points()) {
                double x = LEFT + (maxX == 0 ? 0 : r.wastedGbMinutes() / maxX * plotW);
                double y = TOP + plotH - (maxY == 0 ? 0 : r.coldStartPct() / maxY * plotH);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
                        + "<title>%s: %.2f%% cold, %.1f GB-min</title></circle>%n", x, y, color,
                        escape(r.policy()), r.coldStartPct(), r.wastedGbMinutes()));
            }
            if (ser.points().size() > 1) {
                sb.append(String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>%n",
                        pts.toString().strip(), color));
            }
            int ly = TOP + 10 + s * 20;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    W - RIGHT + 20, ly - 10, color));
            sb.append(text(W - RIGHT + 38, ly, 11, "start", escape(ser.name())));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, int size, String anchor, String body) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, body);
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Rounds up to 1, 2 or 5 times a power of ten so the axis ticks are readable. */
    static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (v <= m * p) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
