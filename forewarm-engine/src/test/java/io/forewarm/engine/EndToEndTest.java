package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.history.DuckDbHistoryStore;
import io.forewarm.history.HistoryOptions;
import io.forewarm.history.HistoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole path: the example workers through the engine into a DuckDB history, and back out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {

    private TestRig rig;

    @BeforeAll
    void rig() {
        rig = new TestRig();
    }

    @AfterAll
    void nothingLeftBehind() {
        rig.close();
    }

    @Test
    void exampleWorkersRunColdThenWarmAndTheirRecordsReachHistory(@TempDir Path dir) {
        Instant from = Instant.now().minusSeconds(1);
        try (HistoryStore store = DuckDbHistoryStore.open(HistoryOptions.file(dir.resolve("history.duckdb"))
                .withBatchInterval(Duration.ofMillis(20)))) {
            try (Orchestrator engine = new Orchestrator(rig.factory, store, TestRig.config(), InstantSource.system())) {
                engine.register(TestRig.echo("echo").build());
                engine.register(TestRig.slowInitJvm("slow-init").initPayload(new byte[] {3}).build());

                InvokeResult echoCold = engine.invoke("echo", bytes("hello"));
                InvokeResult echoWarm = engine.invoke("echo", bytes("again"));
                InvokeResult jvmCold = engine.invoke("slow-init", bytes("k7"));
                InvokeResult jvmWarm = engine.invoke("slow-init", bytes("k100"));

                assertThat(List.of(echoCold, echoWarm, jvmCold, jvmWarm)).allSatisfy(r ->
                        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OK));
                assertThat(text(echoCold.output())).isEqualTo("hello");
                assertThat(text(echoWarm.output())).isEqualTo("again");
                assertThat(text(jvmCold.output())).isEqualTo("21");
                assertThat(text(jvmWarm.output())).isEqualTo("300");
                assertThat(echoCold.cold()).isTrue();
                assertThat(jvmCold.cold()).isTrue();
                assertThat(jvmCold.initMillis()).as("the JVM worker initializes for at least 300 ms")
                        .isGreaterThanOrEqualTo(300);
                assertThat(echoWarm.cold()).isFalse();
                assertThat(echoWarm.initMillis()).isZero();
                assertThat(jvmWarm.cold()).isFalse();
                assertThat(jvmWarm.initMillis()).isZero();
                engine.flushRecords();
            }
            store.flush();
            Instant to = Instant.now().plusSeconds(1);
            for (String fn : List.of("echo", "slow-init")) {
                List<ExecutionRecord> recs = store.records(fn, from, to);
                assertThat(recs).as(fn).extracting(ExecutionRecord::cold).containsExactly(true, false);
                assertThat(recs).allSatisfy(r -> assertThat(r.exit()).isEqualTo(ExitKind.OK));
                assertThat(recs.get(0).initMillis()).isPositive();
                assertThat(recs.get(1).initMillis()).isZero();
            }
            assertThat(store.functions()).containsExactlyInAnyOrder("echo", "slow-init");
        }
    }
}
