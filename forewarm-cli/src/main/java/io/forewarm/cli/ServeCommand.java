package io.forewarm.cli;

import io.forewarm.server.ForewarmServer;
import io.forewarm.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code forewarm serve}: runs the server until interrupted; {@code --demo} also drives a sample workload. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the Forewarm server (HTTP API) until interrupted.",
            "Configuration: defaults < --config FILE (or ./forewarm.properties) < FOREWARM_* environment < flags;"
                + " see docs/configuration.md."},
        footer = {"%nExit codes:%n  0   stopped cleanly%n  1   the server failed%n"
            + "  2   bad configuration (the message names key, value and source)%n"})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (default: ./forewarm.properties when it exists).")
    Path config;
    @Option(names = "--host", paramLabel = "ADDRESS", description = "Sets server.host.")
    String host;
    @Option(names = "--port", paramLabel = "PORT", description = "Sets server.port.")
    String port;
    @Option(names = "--token", paramLabel = "TOKEN", description = "Sets server.token.")
    String token;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Sets any configuration key.")
    Map<String, String> set = new LinkedHashMap<>();
    @Option(names = "--demo", description = "Deploy the example functions and drive a one-minute workload,"
            + " printing cold and warm starts, then keep serving.")
    boolean demo;
    @Option(names = "--demo-seconds", paramLabel = "S", defaultValue = "60", hidden = true,
            description = "Length of the demo workload.")
    int demoSeconds;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig cfg = ServerConfig.load(configFile(), System.getenv(), flags());
        PrintWriter out = spec.commandLine().getOut();
        ForewarmServer server;
        try {
            server = ForewarmServer.start(cfg);
        } catch (IllegalArgumentException e) {
            throw e; // bad configuration: exit 2 with the message
        } catch (RuntimeException e) {
            // port taken, history file locked by another server, no usable sandbox backend, ...
            spec.commandLine().getErr().println("forewarm: cannot start the server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "forewarm-shutdown"));
        out.printf("forewarm serving on %s (isolation: %s; history: %s)%ndashboard: %s%n", server.uri(),
                server.engine().status().isolationBackend(),
                cfg.historyWhere(), server.uri().resolve("/dashboard"));
        if (server.tokenGenerated()) {
            out.printf("token (shown once; clients send it as 'Authorization: Bearer <token>' or FOREWARM_TOKEN):"
                    + "%n  %s%n", server.token());
        }
        if (demo) {
            new Demo(new ApiClient(server.uri(), server.token()), out, Duration.ofSeconds(demoSeconds)).run();
            out.printf("%nThe demo is done; the server keeps serving. Try:%n"
                    + "  ./forewarm status%n  ./forewarm fn list%n  ./forewarm invoke bursty --data hello%n"
                    + "  curl -s %s/v1/resources%n  curl -s %s/metrics | grep forewarm_invocations_total%n"
                    + "  the dashboard in a browser: %s%n"
                    + "Stop with Ctrl-C.%n", server.uri(), server.uri(), server.uri().resolve("/dashboard"));
        }
        out.flush();
        stopped.await();
        return 0;
    }

    private Path configFile() {
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("--config " + config + ": no such file");
            }
            return config;
        }
        Path local = Path.of("forewarm.properties");
        return Files.isRegularFile(local) ? local : null;
    }

    private Map<String, String> flags() {
        Map<String, String> f = new LinkedHashMap<>(set);
        if (host != null) {
            f.put("server.host", host);
        }
        if (port != null) {
            f.put("server.port", port);
        }
        if (token != null) {
            f.put("server.token", token);
        }
        return f;
    }
}
