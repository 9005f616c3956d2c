package dev.courier.messenger.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A page of another site cannot act with the user's cookie: cookie-authenticated writes from a
 * foreign Origin (or Sec-Fetch-Site) are refused, bodies that are not labelled JSON are refused,
 * and a WebSocket upgrade from a foreign Origin is closed before it is authenticated.
 */
class CrossSiteTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> send(TestUser from, TestUser to, String contentType, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Cluster.a().port() + "/api/v1/messages"))
                .header("Cookie", "courier_access=" + from.token())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"toUserId\":" + to.id() + ",\"text\":\"from a page\"}"));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cookieWritesFromAnotherSiteOrWithoutAJsonBodyAreRefused() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        String self = "http://127.0.0.1:" + Cluster.a().port();
        assertThat(send(alice, bob, "application/json", Map.of("Origin", "https://evil.example")).statusCode(), is(403));
        assertThat(send(alice, bob, "application/json", Map.of("Sec-Fetch-Site", "cross-site")).statusCode(), is(403));
        assertThat(send(alice, bob, "text/plain", Map.of("Origin", self)).statusCode(), is(415));
        assertThat(send(alice, bob, "application/x-www-form-urlencoded", Map.of()).statusCode(), is(415));
        assertThat(bob.get(Cluster.a().http(), "/api/v1/chats").json().size(), is(0));
        // The same site's page, and a bearer token from anywhere, still work.
        HttpResponse<String> ok = send(alice, bob, "application/json", Map.of("Origin", self, "Sec-Fetch-Site", "same-origin"));
        assertThat(ok.body(), ok.statusCode(), is(201));
        assertThat(bob.get(Cluster.a().http(), "/api/v1/chats").json().size(), is(1));
    }

    @Test
    void aWebSocketUpgradeFromAnotherSiteIsClosedBeforeItIsAuthenticated() {
        TestUser alice = Cluster.user();
        try (WsTestClient foreign = WsTestClient.connect(Cluster.a().ws(),
                Map.of("Cookie", "courier_access=" + alice.token(), "Origin", "https://evil.example"))) {
            assertThat(foreign.awaitClose(Duration.ofSeconds(5)), is(4403));
            assertThat(foreign.drain(Duration.ofMillis(200)).stream().noneMatch(f -> "ready".equals(f.path("type").asText())), is(true));
        }
        try (WsTestClient own = WsTestClient.connect(Cluster.a().ws(),
                Map.of("Cookie", "courier_access=" + alice.token(), "Origin", "http://127.0.0.1:" + Cluster.a().port()))) {
            own.awaitType("ready");
        }
    }
}
