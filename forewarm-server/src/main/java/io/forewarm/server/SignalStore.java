package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.predict.Signals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;

/**
 * The engine's external signals as the API changes them, kept in a file when one is configured: every change
 * writes the whole file (then moves it into place), and the signals in it are registered again at start, as
 * {@link Functions} does for functions.
 */
final class SignalStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Signals signals;
    private final Path file;

    /** The signals of the engine, kept in {@code file} (null: nowhere). */
    SignalStore(Signals signals, Path file) {
        this.signals = signals;
        this.file = file;
    }

    /** Registers every signal kept in the file; fails naming the file and the signal that cannot be read. */
    synchronized void restore() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        JsonNode all;
        try {
            all = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("history.signals-file " + file + " is not readable JSON: "
                    + e.getMessage(), e);
        }
        for (JsonNode s : all.path("signals")) {
            try {
                signals.put(SignalCodec.read(s));
            } catch (RuntimeException e) {
                throw new IllegalStateException("history.signals-file " + file + ": signal '"
                        + s.path("name").asText("?") + "' cannot be registered again: " + e.getMessage(), e);
            }
        }
    }

    /** Every signal, by name. */
    Signals signals() {
        return signals;
    }

    /** Registers {@code s} unless one of its name exists; false if one does. */
    synchronized boolean add(Signals.Signal s) {
        if (!signals.add(s)) {
            return false;
        }
        save();
        return true;
    }

    /** Changes the signal named {@code name}; false if there is none. */
    synchronized boolean update(String name, UnaryOperator<Signals.Signal> change) {
        if (!signals.update(name, change)) {
            return false;
        }
        save();
        return true;
    }

    /** Removes the signal named {@code name}; false if there is none. */
    synchronized boolean remove(String name) {
        if (!signals.remove(name)) {
            return false;
        }
        save();
        return true;
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("signals");
        signals.all().forEach(s -> arr.add(SignalCodec.body(s)));
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".signals", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history.signals-file " + file + ": " + e.getMessage(), e);
        }
    }
}
