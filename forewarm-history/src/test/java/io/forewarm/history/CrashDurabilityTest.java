package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/** Kills a JVM that is writing history (kill -9) and checks that what it flushed is all there, in both stores. */
class CrashDurabilityTest extends StoreContract {

    @Test
    void recordsFlushedBeforeAKillSurviveAndRollupsMatchTheRawRows() throws Exception {
        Path stderr = dir.resolve("child.err");
        int flushed = 20_000;
        PostgresTarget target = place().target();
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), Integer.toString(flushed), backend.name(), dir.toString(),
                target == null ? "-" : target.url(), target == null ? "-" : target.schema())
                .redirectError(stderr.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals(CrashChild.MARKER));
            assertThat(line).as("child output before exit; stderr: %s", readQuietly(stderr))
                    .isEqualTo(CrashChild.MARKER);
            Thread.sleep(100); // let it write a few more batches so the kill interrupts live writing
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        try (HistoryStore store = open(durable())) {
            List<ExecutionRecord> raw = store.records("crash", T0, T0.plusSeconds(86_400));
            assertThat(raw.size()).isGreaterThanOrEqualTo(flushed);
            System.out.printf("%s: recovered %d records after kill -9 (%d flushed before it)%n", backend, raw.size(),
                    flushed);
            for (int i = 0; i < flushed; i++) {
                assertThat(raw.get(i)).isEqualTo(record("crash", T0.plusMillis(i), i));
            }
            long rolledUp = Arrays.stream(store.arrivalsPerMinute("crash", T0, 1440)).sum();
            assertThat(rolledUp).as("raw rows and rollups are committed together").isEqualTo(raw.size());
            // and the store goes on working after recovery
            store.append(record("after", T0, 1));
            store.flush();
            assertThat(store.latest("after", 1)).hasSize(1);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
