package io.forewarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as a user sees it: the page is served, and a real headless Chromium (the Debian package
 * {@code chromium}, which {@code .ci/run} installs) runs its script against a live server and renders the
 * functions, their counts and plans into the page. Without Chromium the browser test is skipped, saying why.
 */
class DashboardTest {

    private static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of());
        t.put("/v1/functions/shown", TestServer.echoSpec("shown"));
        for (int i = 0; i < 3; i++) {
            t.post("/v1/functions/shown/invocations", new byte[] {(byte) i});
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void thePageIsServedAndTheRootRedirectsToIt() {
        var page = t.get("/dashboard");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Forewarm</title>", "/v1/resources", "/v1/stats", "/forecast");
        var root = t.get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/dashboard");
    }

    @Test
    void aHeadlessBrowserRendersTheLiveFunctions() throws Exception {
        Path chromium = chromium();
        Assumptions.assumeTrue(chromium != null, "chromium is not installed (Debian: apt-get install chromium);"
                + " .ci/run installs it");
        String dom = dumpDom(chromium, t.server.uri().resolve("/dashboard").toString());
        assertThat(dom).contains("data-function=\"shown\"");
        String row = dom.substring(dom.indexOf("data-function=\"shown\""));
        row = row.substring(0, row.indexOf("</tr>"));
        // name, policy, then warm 1, busy 0, starting 0, queued 0, then 3 invocations and 33.3 % cold
        assertThat(row).contains(">shown<", ">fixed:10<", ">3<", ">33.3<", "kept warm until");
        assertThat(row).contains("<svg", "<rect");
        // the plan's tooltip carries the model and why each sandbox exists
        assertThat(row).containsPattern("title=\"fixed:10\\n?sandbox \\d+ \\(warm\\): idle; keep 1 idle of shown");
        assertThat(dom).contains("<div id=\"error\" style=\"display: none;\"></div>");
        assertThat(dom).containsPattern("<div id=\"isolation\" class=\"muted\">[a-z0-9-]+ \\((not )?isolated\\): ");
    }

    /** Loads {@code url} in headless Chromium, lets its script run for a few seconds of virtual time. */
    private static String dumpDom(Path chromium, String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("forewarm-chromium");
        Process p = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", url))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        assertThat(p.exitValue()).as("chromium exit status").isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path c = Path.of(dir, name);
                if (Files.isExecutable(c)) {
                    return c;
                }
            }
        }
        return null;
    }
}
