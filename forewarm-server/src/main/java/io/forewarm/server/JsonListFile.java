package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A JSON file holding one named list ({@code {"functions": [...]}}) that the server keeps across restarts,
 * written whole and moved into place so a crash never leaves half a file. Errors name the configuration key.
 *
 * @param key  the configuration key that names the file, for messages
 * @param file the file (null: nowhere, nothing is read or written)
 * @param list the name of the list in it
 */
record JsonListFile(String key, Path file, String list) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The list's entries, none if there is no file; fails naming the key and file if it is not JSON. */
    Iterable<JsonNode> read() {
        if (file == null || !Files.exists(file)) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(file.toFile()).path(list);
        } catch (IOException e) {
            throw new IllegalStateException(key + " " + file + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    /** Replaces the file by {@code entries}. */
    void write(List<? extends JsonNode> entries) {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray(list);
        entries.forEach(arr::add);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + list, ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + key + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** A failure ({@code what} went wrong) to use an entry of the file again, naming the key and file. */
    IllegalStateException failure(String what, RuntimeException cause) {
        return new IllegalStateException(key + " " + file + ": " + what + ": " + cause.getMessage(), cause);
    }
}
