package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.predict.Cron;
import io.forewarm.predict.Feed;
import io.forewarm.predict.Signals;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The JSON form of an external signal ({@code POST /v1/signals}) and of the events appended to one ({@code POST
 * /v1/signals/{name}/events}): a name, a kind ({@code cron}, {@code once}, {@code feed}, {@code activity}), the
 * functions it applies to, a lead time and the kind's spec. Pure: JSON in, {@link Signals.Signal} out, and back.
 * Every failure is an {@link IllegalArgumentException} naming the field and the value.
 */
final class SignalCodec {

    /** The kinds and the fields of each one's spec. */
    static final Map<String, Set<String>> KINDS = Map.of("cron", Set.of("expression", "zone"),
            "once", Set.of("at"), "feed", Set.of("period", "arrivals"), "activity", Set.of("start", "step", "levels"));
    private static final Set<String> FIELDS = Set.of("name", "kind", "functions", "lead", "spec");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String DEFAULT_LEAD = "1m";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SignalCodec() {
    }

    /** Reads a signal to create from {@code json}. */
    static Signals.Signal read(JsonNode json) {
        known(json, FIELDS, "");
        String name = requiredText(json, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        String kind = requiredText(json, "kind");
        if (!KINDS.containsKey(kind)) {
            throw new IllegalArgumentException("kind '" + kind + "' is not one of " + new TreeSet<>(KINDS.keySet()));
        }
        JsonNode fns = json.get("functions");
        if (fns == null || !fns.isArray() || fns.isEmpty()) {
            throw new IllegalArgumentException("functions must be a non-empty array of function names");
        }
        List<String> functions = new ArrayList<>();
        for (int i = 0; i < fns.size(); i++) {
            if (!fns.get(i).isTextual() || fns.get(i).asText().isBlank()) {
                throw new IllegalArgumentException("functions[" + i + "] must be a function name but is "
                        + fns.get(i));
            }
            functions.add(fns.get(i).asText());
        }
        JsonNode spec = json.get("spec");
        if (spec == null || !spec.isObject()) {
            throw new IllegalArgumentException("spec must be an object with the fields of a " + kind + " signal: "
                    + new TreeSet<>(KINDS.get(kind)));
        }
        known(spec, KINDS.get(kind), "spec.");
        if (kind.equals("activity")) {
            if (json.has("lead")) {
                throw new IllegalArgumentException("lead: an activity signal has no events to lead");
            }
            return Signals.Signal.activity(name, functions, activity(spec));
        }
        long lead = duration(json.has("lead") ? textOf(json.get("lead"), "lead") : DEFAULT_LEAD, "lead").toMillis();
        Signals.Schedule schedule = switch (kind) {
            case "cron" -> cron(spec);
            case "once" -> new Signals.Times(instants(spec.get("at"), "spec.at", true));
            default -> feed(spec);
        };
        return Signals.Signal.scheduled(name, functions, lead, schedule);
    }

    private static Cron cron(JsonNode spec) {
        String expression = requiredText(spec, "expression", "spec.");
        ZoneId zone = ZoneOffset.UTC;
        if (spec.has("zone")) {
            String z = textOf(spec.get("zone"), "spec.zone");
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("spec.zone '" + z + "' is not a time zone such as UTC or"
                        + " Europe/Berlin");
            }
        }
        try {
            return Cron.parse(expression, zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.expression: " + e.getMessage(), e);
        }
    }

    private static Feed feed(JsonNode spec) {
        long period = spec.has("period") ? duration(textOf(spec.get("period"), "spec.period"), "spec.period")
                .toMillis() : 0;
        if (spec.has("period") && period <= 0) {
            throw new IllegalArgumentException("spec.period must be > 0 (leave it out to infer it from arrivals)");
        }
        long[] arrivals = spec.has("arrivals") ? instants(spec.get("arrivals"), "spec.arrivals", false) : new long[0];
        return new Feed(period, checkedOrder(arrivals, "spec.arrivals"));
    }

    private static Signals.Activity activity(JsonNode spec) {
        long start = instant(spec.get("start"), "spec.start");
        long step = duration(requiredText(spec, "step", "spec."), "spec.step").toMillis();
        if (step <= 0) {
            throw new IllegalArgumentException("spec.step must be > 0");
        }
        return new Signals.Activity(start, step, levels(spec.get("levels"), "spec.levels"));
    }

    /**
     * The change that appends the events in {@code json} to a signal: arrival times ({@code at}) to a feed,
     * {@code levels} to an activity series; fails for the other kinds, naming the kind.
     */
    static UnaryOperator<Signals.Signal> events(Signals.Signal current, JsonNode json) {
        String kind = kind(current);
        return switch (kind) {
            case "feed" -> {
                known(json, Set.of("at"), "");
                long[] at = checkedOrder(instants(json.get("at"), "at", true), "at");
                ((Feed) current.schedule()).observe(at); // fails now, naming an arrival out of order
                yield s -> Signals.Signal.scheduled(s.name(), s.units(), s.leadMillis(), ((Feed) s.schedule())
                        .observe(at));
            }
            case "activity" -> {
                known(json, Set.of("levels"), "");
                double[] levels = levels(json.get("levels"), "levels");
                current.activity().append(levels); // fails now, naming a bad level
                yield s -> Signals.Signal.activity(s.name(), s.units(), s.activity().append(levels));
            }
            default -> throw new IllegalStateException("a " + kind + " signal takes no events");
        };
    }

    /** Whether a signal of this kind takes appended events. */
    static boolean takesEvents(Signals.Signal s) {
        return s.activity() != null || s.schedule() instanceof Feed;
    }

    /** The kind of a signal. */
    static String kind(Signals.Signal s) {
        if (s.activity() != null) {
            return "activity";
        }
        return switch (s.schedule()) {
            case Cron c -> "cron";
            case Feed f -> "feed";
            case Signals.Times t -> "once";
            default -> "schedule";
        };
    }

    /** The JSON form of {@code s} as of {@code now}: {@link #body} with its next event (or activity factor now). */
    static ObjectNode write(Signals.Signal s, long now) {
        ObjectNode o = body(s);
        if (s.activity() != null) {
            o.put("factorNow", s.activity().factorAt(now));
            return o;
        }
        if (s.schedule() instanceof Feed f && f.periodMillis() == 0) {
            ((ObjectNode) o.get("spec")).put("inferredPeriod", f.period() > 0
                    ? Units.duration(Duration.ofMillis(f.period())) : null);
        }
        long next = s.schedule().nextAfter(now);
        o.put("next", next == Long.MAX_VALUE ? null : Instant.ofEpochMilli(next).toString());
        return o;
    }

    /** The JSON form that {@link #read} reads back as {@code s}: name, kind, functions, lead and spec. */
    static ObjectNode body(Signals.Signal s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", s.name());
        o.put("kind", kind(s));
        ArrayNode fns = o.putArray("functions");
        new TreeSet<>(s.units()).forEach(fns::add);
        ObjectNode spec = MAPPER.createObjectNode();
        if (s.activity() != null) {
            Signals.Activity a = s.activity();
            spec.put("start", Instant.ofEpochMilli(a.startMillis()).toString());
            spec.put("step", Units.duration(Duration.ofMillis(a.stepMillis())));
            ArrayNode levels = spec.putArray("levels");
            for (double l : a.levels()) {
                levels.add(l);
            }
            o.set("spec", spec);
            return o;
        }
        o.put("lead", Units.duration(Duration.ofMillis(s.leadMillis())));
        switch (s.schedule()) {
            case Cron c -> {
                spec.put("expression", c.expression());
                spec.put("zone", c.zone().getId());
            }
            case Feed f -> {
                if (f.periodMillis() > 0) {
                    spec.put("period", Units.duration(Duration.ofMillis(f.periodMillis())));
                }
                ArrayNode at = spec.putArray("arrivals");
                for (long t : f.arrivals()) {
                    at.add(Instant.ofEpochMilli(t).toString());
                }
            }
            case Signals.Times t -> {
                ArrayNode at = spec.putArray("at");
                for (long x : t.atMillis()) {
                    at.add(Instant.ofEpochMilli(x).toString());
                }
            }
            default -> {
            }
        }
        o.set("spec", spec);
        return o;
    }

    // ---- field readers ----

    private static void known(JsonNode json, Set<String> fields, String prefix) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException((prefix.isEmpty() ? "the body" : prefix.substring(0, prefix.length() - 1))
                    + " must be a JSON object");
        }
        json.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + prefix + f + "'; known: " + new TreeSet<>(fields));
            }
        });
    }

    private static String requiredText(JsonNode json, String field) {
        return requiredText(json, field, "");
    }

    private static String requiredText(JsonNode json, String field, String prefix) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(prefix + field + " is required");
        }
        return textOf(n, prefix + field);
    }

    private static String textOf(JsonNode n, String field) {
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string but is " + n);
        }
        return n.asText().strip();
    }

    private static Duration duration(String text, String field) {
        try {
            return Units.duration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static long instant(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(field + " is required");
        }
        String text = textOf(n, field);
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z");
        }
    }

    /** One instant or an array of them; {@code nonEmpty} requires at least one. */
    private static long[] instants(JsonNode n, String field, boolean nonEmpty) {
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!n.isArray()) {
            return new long[] {instant(n, field)};
        }
        if (nonEmpty && n.isEmpty()) {
            throw new IllegalArgumentException(field + " must hold at least one instant");
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = instant(n.get(i), field + "[" + i + "]");
        }
        return out;
    }

    private static long[] checkedOrder(long[] times, String field) {
        for (int i = 1; i < times.length; i++) {
            if (times[i] < times[i - 1]) {
                throw new IllegalArgumentException(field + "[" + i + "] " + Instant.ofEpochMilli(times[i])
                        + " is before " + field + "[" + (i - 1) + "]: arrivals must be in time order");
            }
        }
        return times;
    }

    private static double[] levels(JsonNode n, String field) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty array of numbers >= 0");
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = n.get(i);
            if (!x.isNumber() || !(x.asDouble() >= 0) || Double.isInfinite(x.asDouble())) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a number >= 0 but is " + x);
            }
            out[i] = x.asDouble();
        }
        return out;
    }
}
