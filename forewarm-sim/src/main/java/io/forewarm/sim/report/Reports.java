package io.forewarm.sim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forewarm.sim.PolicyResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders policy results as a table for people, CSV, or JSON lines. All three share one ordered field list,
 * whose names are the stable JSON contract (snake_case; fields are only ever added).
 */
public final class Reports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    /**
     * The result's fields in contract order; fleet-only fields appear only for the fleet model, sizing fields
     * only when the fleet model had memory distributions to size with.
     */
    public static Map<String, Object> fields(PolicyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", r.policy());
        m.put("model", r.model());
        m.put("unit", r.unit());
        m.put("units", r.units());
        m.put("events", r.events());
        m.put("cold_starts", r.coldStarts());
        m.put("cold_start_pct", round(r.coldStartPct(), 4));
        m.put("p75_unit_cold_start_pct", round(r.p75UnitColdStartPct(), 4));
        m.put("wasted_gb_minutes", round(r.wastedGbMinutes(), 3));
        m.put("wasted_instance_minutes", r.wastedInstanceMinutes());
        m.put("wall_ms", r.wallMs());
        m.put("max_unit_state_bytes", r.maxUnitStateBytes());
        PolicyResult.FleetFigures f = r.fleet();
        if (f != null) {
            m.put("capacity_gb", round(f.capacityGb(), 3));
            m.put("peak_memory_gb", round(f.peakMemoryGb(), 3));
            m.put("evictions", f.evictions());
            m.put("rejected", f.rejected());
            m.put("cold_start_delay_ms_p50", round(f.coldStartDelayMsP50(), 1));
            m.put("added_latency_seconds", round(f.addedLatencySeconds(), 1));
        }
        PolicyResult.SizingFigures z = r.sizing();
        if (z != null) {
            m.put("sized_executions", z.executions());
            m.put("sizing_limit_mb_avg", round(z.limitMbAvg(), 2));
            m.put("sizing_slack_mb_avg", round(z.slackMbAvg(), 2));
            m.put("sizing_limit_hit_pct", round(z.limitHitPct(), 4));
            m.put("static_limit_mb_avg", round(z.staticLimitMbAvg(), 2));
            m.put("static_slack_mb_avg", round(z.staticSlackMbAvg(), 2));
            m.put("static_limit_hit_pct", round(z.staticLimitHitPct(), 4));
            m.put("max_limit_mb_avg", round(z.maxLimitMbAvg(), 2));
            m.put("max_slack_mb_avg", round(z.maxSlackMbAvg(), 2));
        }
        return m;
    }

    /** One JSON object on one line. */
    public static String json(PolicyResult r) {
        try {
            return JSON.writeValueAsString(fields(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + r.policy() + " as JSON", e);
        }
    }

    /** CSV with a header line. */
    public static String csv(List<PolicyResult> results) {
        StringBuilder sb = new StringBuilder();
        List<String> header = results.isEmpty() ? List.of() : new ArrayList<>(fields(results.get(0)).keySet());
        sb.append(String.join(",", header)).append('\n');
        for (PolicyResult r : results) {
            List<String> cells = new ArrayList<>();
            fields(r).values().forEach(v -> cells.add(csvCell(String.valueOf(v))));
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    /**
     * An aligned table of the figures people compare: cold starts against wasted memory, and when sizing
     * figures exist the recommender's slack and limit hits against the static (average) size.
     */
    public static String table(List<PolicyResult> results) {
        boolean sized = results.stream().anyMatch(r -> r.sizing() != null);
        List<String> head = new ArrayList<>(List.of("policy", "units", "events", "cold starts", "cold %",
                "p75 unit cold %", "wasted GB-min", "wasted inst-min", "wall ms"));
        if (sized) {
            head.addAll(List.of("sized slack MB", "sized hit %", "static slack MB", "static hit %"));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(head.toArray(String[]::new));
        for (PolicyResult r : results) {
            List<String> row = new ArrayList<>(List.of(r.policy(), Long.toString(r.units()),
                    Long.toString(r.events()), Long.toString(r.coldStarts()), fmt(r.coldStartPct(), 2),
                    fmt(r.p75UnitColdStartPct(), 2), fmt(r.wastedGbMinutes(), 1),
                    Long.toString(r.wastedInstanceMinutes()), Long.toString(r.wallMs())));
            if (sized) {
                PolicyResult.SizingFigures z = r.sizing();
                row.addAll(z == null ? List.of("-", "-", "-", "-") : List.of(fmt(z.slackMbAvg(), 1),
                        fmt(z.limitHitPct(), 2), fmt(z.staticSlackMbAvg(), 1), fmt(z.staticLimitHitPct(), 2)));
            }
            rows.add(row.toArray(String[]::new));
        }
        int[] width = new int[head.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = i == 0 ? String.format("%-" + width[i] + "s", row[i])
                        : String.format("%" + width[i] + "s", row[i]);
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
