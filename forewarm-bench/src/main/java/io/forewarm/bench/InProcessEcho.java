package io.forewarm.bench;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Isolation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxFactory;
import io.forewarm.sandbox.Usage;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A measuring device, not a backend: sandboxes that answer every invocation with its payload in the calling
 * thread, with no process, cgroup or scratch behind them. Run through the same server and engine, it prices
 * everything a warm invocation costs except the round trip to the worker process, so a benchmark can split the
 * gap to the ceiling between the two.
 */
final class InProcessEcho implements SandboxFactory {

    private static final Usage NOTHING = new Usage(0, 0, 0, 0, 0, 0, 1, -1, -1);

    @Override
    public Isolation isolation() {
        return new Isolation("in-process-echo", false, "benchmark: no worker process, answers in the caller",
                List.of("nothing is isolated or limited"));
    }

    @Override
    public Sandbox create(FunctionSpec spec, ResourceVector limits) {
        return new Echo(spec, limits);
    }

    @Override
    public void close() {
    }

    /** One echoing sandbox. */
    private static final class Echo implements Sandbox {
        private final String id = "echo-" + UUID.randomUUID();
        private final FunctionSpec spec;
        private volatile ResourceVector limits;
        private volatile State state = State.READY;

        Echo(FunctionSpec spec, ResourceVector limits) {
            this.spec = spec;
            this.limits = limits;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public FunctionSpec spec() {
            return spec;
        }

        @Override
        public ResourceVector limits() {
            return limits;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public Duration startup() {
            return Duration.ZERO;
        }

        @Override
        public Invocation invoke(byte[] payload, Duration timeout) {
            if (state != State.READY) {
                throw new IllegalStateException("sandbox " + id + " is " + state);
            }
            return new Invocation(ExitKind.OK, payload, Duration.ZERO, "");
        }

        @Override
        public Usage usage() {
            return NOTHING;
        }

        @Override
        public boolean resetMemoryPeak() {
            return false;
        }

        @Override
        public long takeMemoryPeak() {
            return -1;
        }

        @Override
        public void resize(ResourceVector limits) {
            this.limits = limits;
        }

        @Override
        public String stderrTail() {
            return "";
        }

        @Override
        public void close() {
            state = State.CLOSED;
        }
    }
}
