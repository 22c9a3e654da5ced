package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.forewarm.predict.Signals;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The engine's external signals as the API changes them, kept in a file when one is configured: every change
 * writes the whole file (then moves it into place), and the signals in it are registered again at start, as
 * {@link Functions} does for functions.
 */
final class SignalStore {

    private final Signals signals;
    private final JsonListFile file;

    /** The signals of the engine, kept in {@code file} (null: nowhere). */
    SignalStore(Signals signals, Path file) {
        this.signals = signals;
        this.file = new JsonListFile("history.signals-file", file, "signals");
    }

    /** Registers every signal kept in the file; fails naming the file and the signal that cannot be read. */
    synchronized void restore() {
        for (JsonNode s : file.read()) {
            try {
                signals.put(SignalCodec.read(s));
            } catch (RuntimeException e) {
                throw file.failure("signal '" + s.path("name").asText("?") + "' cannot be registered again", e);
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
        file.write(signals.all().stream().map(SignalCodec::body).toList());
    }
}
