package io.forewarm.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The auth rule: loopback needs no token unless configured; any other address always needs one. */
class AuthTest {

    @Test
    void loopbackWithoutATokenIsOpen() {
        try (TestServer t = new TestServer(Map.of())) {
            assertThat(t.server.token()).isEmpty();
            assertThat(t.server.tokenGenerated()).isFalse();
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/v1/functions"))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void bindingOffLoopbackGeneratesATokenAndEnforcesIt() {
        try (TestServer t = new TestServer(Map.of("server.host", "0.0.0.0"))) {
            assertThat(t.server.tokenGenerated()).isTrue();
            assertThat(t.server.token()).hasSizeGreaterThanOrEqualTo(32);
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/v1/resources"))).statusCode())
                    .isEqualTo(401);
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/health/ready"))).statusCode())
                    .isEqualTo(200);
            // the dashboard page holds no data: it loads without the token, and its API calls need it
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/dashboard"))).statusCode())
                    .isEqualTo(200);
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/v1/stats"))).statusCode())
                    .isEqualTo(401);
            assertThat(t.get("/v1/resources").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aConfiguredTokenIsUsedOffLoopbackAsIs() {
        try (TestServer t = new TestServer(Map.of("server.host", "0.0.0.0", "server.token", "s3cret-token"))) {
            assertThat(t.server.tokenGenerated()).isFalse();
            assertThat(t.server.token()).isEqualTo("s3cret-token");
            assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/metrics"))
                    .header("Authorization", "Bearer s3cret-token")).statusCode()).isEqualTo(200);
        }
    }
}
