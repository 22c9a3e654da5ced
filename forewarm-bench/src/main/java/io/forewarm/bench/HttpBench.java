package io.forewarm.bench;

import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;
import io.forewarm.server.ForewarmServer;
import io.forewarm.server.ServerConfig;
import io.forewarm.server.SpecCodec;
import io.helidon.webserver.WebServer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP throughput and latency of warm invocations of the echo worker through the Forewarm API, side by side in
 * the same run with the ceiling: a minimal Helidon SE echo server on the same stack. The load generator keeps
 * {@code connections} HTTP/1.1 keep-alive connections (raw sockets, one platform thread each, closed loop),
 * warms up, then measures; latencies are per request, from writing it to reading the whole response.
 *
 * <p>The phases: {@code ceiling}; {@code bare} and {@code bare-pipelined}, the ceiling's server forwarding each
 * body to echo worker processes over their pipes, one invocation per worker at a time or {@code depth} deep (the
 * floor of any design that runs functions in processes of their own); {@code api}, Forewarm's 404 path; {@code
 * echo}, the echo worker one invocation per sandbox at a time ({@code sandboxes} of them); {@code pipelined}, the
 * echo worker {@code depth} invocations per sandbox (connections / depth sandboxes); {@code inprocess}, the same
 * server on {@link InProcessEcho}, which prices everything but the worker round trip.
 *
 * <p>Usage: {@code HttpBench [connections=32] [warmupSeconds=10] [measureSeconds=20] [payloadBytes=64]
 * [sandboxes=connections] [depth=8] [phases=ceiling,bare,bare-pipelined,api,echo,pipelined,inprocess]}. A phase
 * may be named more than once (the ceiling before and after the others, on a noisy host); the shares printed
 * are of the mean of the ceiling's runs.
 */
public final class HttpBench {

    private HttpBench() {
    }

    /** What one target did in the measured window. */
    record Result(String target, long requests, long errors, long cold, double seconds, long[] latenciesNanos) {

        double throughput() {
            return requests / seconds;
        }

        double percentileMillis(double q) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, i)] / 1e6;
        }

        String line() {
            return String.format(Locale.ROOT, "%-26s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  max %8.3f ms"
                            + "  (%d requests, %d errors, %d cold)", target, throughput(), percentileMillis(0.50),
                    percentileMillis(0.99), percentileMillis(1.0), requests, errors, cold);
        }
    }

    /** The phases run when none are named, in this order. */
    private static final List<String> ALL_PHASES = List.of("ceiling", "bare", "bare-pipelined", "api", "echo",
            "pipelined", "inprocess");

    /** Runs the phases, prints one line each, then each one's throughput as a share of the ceiling's. */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int sandboxes = args.length > 4 ? Integer.parseInt(args[4]) : connections;
        int depth = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        List<String> phases = args.length > 6 ? List.of(args[6].split(",")) : ALL_PHASES;
        if (!ALL_PHASES.containsAll(phases)) {
            throw new IllegalArgumentException("unknown phase in " + phases + "; phases are " + ALL_PHASES);
        }
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        System.out.printf("HttpBench: %d connections, %d s warm-up, %d s measured, %d-byte payload, %d cpus%n",
                connections, warmup, measure, size, Runtime.getRuntime().availableProcessors());
        Load load = (target, port, path, status) ->
                load(target, port, path, payload, connections, warmup, measure, status);

        Map<String, String> flags = Map.of("server.port", "0", "history.file", "memory",
                "history.functions-file", "none",
                "engine.default-policy", "fixed:60", "engine.queue-capacity", "256",
                "sandbox.cgroup-parent", "forewarm-bench", "sandbox.scratch", "/var/tmp/forewarm-bench-scratch");
        List<Result> results = new ArrayList<>();
        // FOREWARM_* environment variables may change what the flags leave alone, e.g. FOREWARM_SANDBOX_BACKEND
        try (Servers servers = new Servers(ServerConfig.load(null, System.getenv(), flags))) {
            for (String phase : phases) {
                Result r = switch (phase) {
                    case "ceiling" -> {
                        servers.close();
                        yield ceiling(load);
                    }
                    case "bare" -> {
                        servers.close();
                        yield bareForwarder(load, sandboxes);
                    }
                    case "bare-pipelined" -> {
                        servers.close();
                        yield barePipelined(load, Math.ceilDiv(connections, depth), depth);
                    }
                    // the API's own cost: auth filter, routing, lookup, a JSON error; no engine, no sandbox
                    case "api" -> load.run("forewarm API, 404 (no sandbox)", servers.forewarm().port(),
                            "/v1/functions/ghost/invocations", 404);
                    case "echo" -> load.run("forewarm (echo worker)", servers.deployed("echo", sandboxes, 1),
                            "/v1/functions/echo/invocations", 200);
                    case "pipelined" -> load.run("forewarm (echo, pipelined " + depth + ")",
                            servers.deployed("echo-pipelined", Math.ceilDiv(connections, depth), depth),
                            "/v1/functions/echo-pipelined/invocations", 200);
                    // the same server and engine on sandboxes that answer in the caller: all but the round trip
                    default -> load.run("forewarm (in-process echo)", servers.inProcess(sandboxes),
                            "/v1/functions/echo/invocations", 200);
                };
                System.out.println(r.line());
                results.add(r);
            }
        }
        double ceiling = results.stream().filter(r -> r.target().startsWith("ceiling"))
                .mapToDouble(Result::throughput).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "share of the ceiling's throughput (%,.0f req/s, the mean of its runs):%n",
                ceiling);
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "  %-36s %5.1f %%%n", r.target(), 100 * r.throughput() / ceiling);
        }
    }

    /** Runs the load generator against one target of this run. */
    private interface Load {
        Result run(String target, int port, String path, int status) throws InterruptedException;
    }

    /**
     * The Forewarm servers of a run, one at a time, started when a phase needs one: a phase measures with no other
     * server's sandboxes alive (the ceiling and the bare forwarder with none at all).
     */
    private static final class Servers implements AutoCloseable {
        private final ServerConfig config;
        private ForewarmServer running;
        private boolean inProcess;
        private final Set<String> deployed = new HashSet<>();

        Servers(ServerConfig config) {
            this.config = config;
        }

        /** The server on the configured sandboxes. */
        ForewarmServer forewarm() {
            if (running == null || inProcess) {
                close();
                running = ForewarmServer.start(config);
            }
            return running;
        }

        /** The port of the server with {@code name} deployed as the echo worker with these settings. */
        int deployed(String name, int sandboxes, int depth) throws IOException, InterruptedException {
            URI uri = forewarm().uri();
            if (deployed.add(name)) {
                deploy(uri, name, sandboxes, depth);
            }
            return running.port();
        }

        /** The port of the server on {@link InProcessEcho}, with its echo function deployed. */
        int inProcess(int sandboxes) throws IOException, InterruptedException {
            if (running == null || !inProcess) {
                close();
                running = ForewarmServer.start(config, new InProcessEcho());
                inProcess = true;
                deploy(running.uri(), "echo", sandboxes, 1);
            }
            return running.port();
        }

        /** Stops the running server, if any. */
        @Override
        public void close() {
            if (running != null) {
                running.close();
            }
            running = null;
            inProcess = false;
            deployed.clear();
        }
    }

    /** The ceiling: a minimal Helidon SE server on the same stack whose {@code POST /echo} answers its body. */
    private static Result ceiling(Load load) throws InterruptedException {
        return minimalServer(load, "ceiling (Helidon echo)", body -> body);
    }

    /** What a minimal server's {@code POST /echo} answers to a body. */
    private interface Answer {
        byte[] to(byte[] body) throws Exception;
    }

    /** Runs the load against a minimal Helidon SE server whose {@code POST /echo} sends {@code answer}'s bytes. */
    private static Result minimalServer(Load load, String target, Answer answer) throws InterruptedException {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.post("/echo",
                (req, res) -> res.send(answer.to(req.content().inputStream().readAllBytes())))).build().start();
        try {
            return load.run(target, server.port(), "/echo", 200);
        } finally {
            server.stop();
        }
    }

    /**
     * The bare forwarder pipelined as Forewarm pipelines a worker: {@code workers} workers, each request's frame
     * written to the next of them at once, up to {@code depth} waiting per worker, answers read in order by one
     * reader per worker.
     */
    private static Result barePipelined(Load load, int workers, int depth) throws IOException, InterruptedException {
        List<String> argv = Launchers.java("echo", Echo.class).build().argv();
        List<RawWorker> started = new ArrayList<>();
        Semaphore room = new Semaphore(workers * depth);
        AtomicInteger next = new AtomicInteger();
        try {
            for (int i = 0; i < workers; i++) {
                started.add(RawWorker.start(argv).pipelined());
            }
            return minimalServer(load, "bare forwarder, pipelined " + depth, body -> {
                room.acquire();
                try {
                    return started.get(Math.floorMod(next.getAndIncrement(), workers)).submit(body).join();
                } finally {
                    room.release();
                }
            });
        } finally {
            started.forEach(RawWorker::close);
        }
    }

    /**
     * The ceiling's server with one thing added, what no process-isolated design can avoid: each request's body
     * goes to an echo worker process over its pipes and the worker's answer is sent back ({@link RawWorker}:
     * no sandbox, cgroup, engine or history), {@code workers} workers shared through a queue.
     */
    private static Result bareForwarder(Load load, int workers) throws IOException, InterruptedException {
        List<String> argv = Launchers.java("echo", Echo.class).build().argv();
        BlockingQueue<RawWorker> idle = new ArrayBlockingQueue<>(workers);
        try {
            for (int i = 0; i < workers; i++) {
                idle.add(RawWorker.start(argv));
            }
            return minimalServer(load, "bare forwarder (Helidon + pipes)", body -> {
                RawWorker w = idle.take();
                try {
                    return w.invoke(body);
                } finally {
                    idle.add(w);
                }
            });
        } finally {
            idle.forEach(RawWorker::close);
        }
    }

    /** Deploys the echo worker as {@code name}, {@code sandboxes} sandboxes at a time, each holding {@code depth}. */
    private static void deploy(URI base, String name, int sandboxes, int depth)
            throws IOException, InterruptedException {
        var spec = SpecCodec.write(Launchers.java(name, Echo.class).maxConcurrency(sandboxes).pipelineDepth(depth)
                .build());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(
                "/v1/functions/" + name)).PUT(HttpRequest.BodyPublishers.ofString(spec.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("deploy failed: " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Drives {@code connections} closed-loop keep-alive connections; measures after the warm-up. A response with
     * another status than {@code status} (or, for 200, another length than the payload's) counts as an error.
     */
    static Result load(String target, int port, String path, byte[] payload, int connections, int warmupSeconds,
                       int measureSeconds, int status) throws InterruptedException {
        byte[] request = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] whole = Arrays.copyOf(request, request.length + payload.length);
        System.arraycopy(payload, 0, whole, request.length, payload.length);
        long start = System.nanoTime();
        long from = start + warmupSeconds * 1_000_000_000L;
        long until = from + measureSeconds * 1_000_000_000L;
        List<Conn> conns = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Conn conn = new Conn(port, whole, from, until, status, status == 200 ? payload.length : -1);
            conns.add(conn);
            Thread.ofPlatform().name("load-" + i).start(() -> {
                try {
                    conn.run();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        long requests = 0;
        long errors = 0;
        long cold = 0;
        int n = 0;
        for (Conn k : conns) {
            requests += k.count;
            errors += k.errors;
            cold += k.cold;
            n += k.count;
        }
        long[] all = new long[n];
        int at = 0;
        for (Conn k : conns) {
            System.arraycopy(k.latencies, 0, all, at, k.count);
            at += k.count;
        }
        Arrays.sort(all);
        return new Result(target, requests, errors, cold, measureSeconds, all);
    }

    /** One keep-alive connection in a closed loop. */
    private static final class Conn {
        private final int port;
        private final byte[] request;
        private final long from;
        private final long until;
        private final int status;
        private final int expected;
        long[] latencies = new long[1 << 16];
        int count;
        long errors;
        long cold;

        Conn(int port, byte[] request, long from, long until, int status, int expected) {
            this.port = port;
            this.status = status;
            this.request = request;
            this.from = from;
            this.until = until;
            this.expected = expected;
        }

        void run() {
            while (System.nanoTime() < until) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                    long now;
                    while ((now = System.nanoTime()) < until) {
                        out.write(request);
                        out.flush();
                        Response r = read(in);
                        long end = System.nanoTime();
                        if (now >= from) {
                            if (r.status != status || (expected >= 0 && r.length != expected)) {
                                errors++;
                            } else {
                                if (r.cold) {
                                    cold++;
                                }
                                if (count == latencies.length) {
                                    latencies = Arrays.copyOf(latencies, count * 2);
                                }
                                latencies[count++] = end - now;
                            }
                        }
                        if (r.close) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    errors++;
                }
            }
        }
    }

    private record Response(int status, int length, boolean cold, boolean close) {
    }

    /** Reads one HTTP/1.1 response with a Content-Length body. */
    private static Response read(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int length = 0;
        boolean cold = false;
        boolean close = false;
        while (true) {
            line.setLength(0);
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (line.isEmpty()) {
                break;
            }
            String h = line.toString();
            if (status < 0) {
                status = Integer.parseInt(h.substring(9, 12));
            } else {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "x-forewarm-start" -> cold = value.equals("cold");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
        }
        in.readNBytes(length);
        return new Response(status, length, cold, close);
    }
}
