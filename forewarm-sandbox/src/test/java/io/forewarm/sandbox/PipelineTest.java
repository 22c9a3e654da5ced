package io.forewarm.sandbox;

import static io.forewarm.sandbox.TestWorkers.bytes;
import static io.forewarm.sandbox.TestWorkers.text;
import static io.forewarm.sandbox.TestWorkers.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.forewarm.core.ExitKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several callers on one worker sandbox at once: their inputs wait in the pipe, the answers come back in order to
 * the right callers, a queued invocation's timeout and run time count from the answer before it, and when the
 * worker dies the invocations behind the one it was running fail as not started. On this host's default backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private SandboxFactory factory;
    private long processesBefore;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    void start() {
        processesBefore = ProcessHandle.current().descendants().count();
        factory = SandboxFactories.detect(TestWorkers.config(SandboxConfig.Backend.AUTO));
    }

    @AfterAll
    void nothingLeftBehind() throws IOException, InterruptedException {
        callers.close();
        TestWorkers.closeAndCheckNothingLeft(factory, processesBefore);
    }

    @Test
    void concurrentCallersEachGetTheirOwnAnswer() {
        try (Sandbox s = factory.create(worker("pipe-echo").pipelineDepth(8).build())) {
            List<CompletableFuture<List<String>>> all = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int caller = c;
                all.add(CompletableFuture.supplyAsync(() -> {
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        got.add(text(s.invoke(bytes("echo:" + caller + "-" + i), LONG).output()));
                    }
                    return got;
                }, callers));
            }
            for (int c = 0; c < 8; c++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    expected.add(c + "-" + i);
                }
                assertThat(all.get(c).join()).isEqualTo(expected);
            }
            assertThat(s.state()).isEqualTo(Sandbox.State.READY);
        }
    }

    @Test
    void aCrashAnswersTheOneRunningAndLeavesThoseBehindItNotStarted(@TempDir Path dir) throws IOException {
        try (Sandbox s = factory.create(worker("pipe-crash").pipelineDepth(8).build())) {
            WorkerSandbox w = (WorkerSandbox) s;
            Path gate = dir.resolve("gate");
            CompletableFuture<Invocation> first = queue(w, "wait:" + gate, LONG, 1);
            CompletableFuture<Invocation> crash = queue(w, "crash:", LONG, 2);
            List<CompletableFuture<Invocation>> behind = List.of(queue(w, "echo:a", LONG, 3),
                    queue(w, "echo:b", LONG, 4));
            Files.createFile(gate); // all four are in the pipe: let the first one end
            assertThat(text(first.join().output())).isEqualTo("released");
            assertThat(crash.join().exit()).isEqualTo(ExitKind.CRASH);
            for (CompletableFuture<Invocation> f : behind) {
                assertThat(notStarted(f)).contains("before this one");
            }
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
        }
    }

    @Test
    void aQueuedInvocationsTimeoutAndRunTimeCountFromTheAnswerBeforeIt(@TempDir Path dir) throws Exception {
        try (Sandbox s = factory.create(worker("pipe-time").pipelineDepth(8).build())) {
            WorkerSandbox w = (WorkerSandbox) s;
            Path gate = dir.resolve("gate");
            CompletableFuture<Invocation> first = queue(w, "wait:" + gate, LONG, 1);
            // waits 3 s or more for its turn: past its own timeout of 2 s unless that counts from the first's answer
            CompletableFuture<Invocation> second = queue(w, "echo:second", Duration.ofSeconds(2), 2);
            Thread.sleep(3000);
            Files.createFile(gate);
            assertThat(text(first.join().output())).isEqualTo("released");
            Invocation r = second.join();
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(text(r.output())).isEqualTo("second");
            assertThat(r.runTime()).isLessThan(Duration.ofSeconds(2)); // its run, not its wait behind the first
        }
    }

    @Test
    void aTimeoutKillsTheWorkerAndLeavesThoseBehindItNotStarted(@TempDir Path dir) {
        try (Sandbox s = factory.create(worker("pipe-hang").pipelineDepth(8).build())) {
            WorkerSandbox w = (WorkerSandbox) s;
            CompletableFuture<Invocation> hang = queue(w, "wait:" + dir.resolve("never"), Duration.ofMillis(500), 1);
            CompletableFuture<Invocation> behind = queue(w, "echo:x", LONG, 2);
            assertThat(hang.join().exit()).isEqualTo(ExitKind.TIMEOUT);
            assertThat(notStarted(behind)).contains("before this one");
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
        }
    }

    @Test
    void closingFailsWhatIsQueuedAsNotStarted(@TempDir Path dir) {
        Sandbox s = factory.create(worker("pipe-close").pipelineDepth(8).build());
        WorkerSandbox w = (WorkerSandbox) s;
        CompletableFuture<Invocation> running = queue(w, "wait:" + dir.resolve("never"), LONG, 1);
        CompletableFuture<Invocation> behind = queue(w, "echo:x", LONG, 2);
        s.close();
        assertThat(running.join().exit()).isIn(ExitKind.CRASH, ExitKind.OOM);
        assertThat(notStarted(behind)).isNotEmpty();
        assertThat(notStarted(CompletableFuture.supplyAsync(() -> s.invoke(bytes("echo:y"), LONG), callers)))
                .contains("CLOSED");
    }

    /** Invokes {@code input} from a new caller once it is the {@code position}-th in the pipeline. */
    private CompletableFuture<Invocation> queue(WorkerSandbox w, String input, Duration timeout, int position) {
        CompletableFuture<Invocation> f = CompletableFuture.supplyAsync(() -> w.invoke(bytes(input), timeout),
                callers);
        while (w.pipelined() < position && !f.isDone()) {
            Thread.onSpinWait();
        }
        return f;
    }

    /** The message of the NotStartedException {@code f} failed with. */
    private static String notStarted(CompletableFuture<Invocation> f) {
        try {
            Invocation unexpected = f.join();
            throw new AssertionError("expected NotStartedException, got " + unexpected);
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(NotStartedException.class);
            return e.getCause().getMessage();
        }
    }
}
