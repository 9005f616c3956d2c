package dev.courier.devstack;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * After a logout, the access token of the ended session is refused by messenger, notifier and stats
 * within a second, not at its expiry; the user's other session keeps working everywhere.
 */
class RevokedSessionTest {

    private static final long NOW = java.time.Instant.now().getEpochSecond();
    private static final String[] AUTHENTICATED_GETS = {
        "/api/v1/chats", "/api/v1/notifications/preferences", "/MessagesSentByUser?since=" + (NOW - 60) + "&to=" + (NOW + 3600)};

    private static int statusWithin(Http gateway, String path, String token, int expected, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        int seen = gateway.get(path, Map.of("Authorization", "Bearer " + token)).status();
        while (seen != expected && System.currentTimeMillis() < end) {
            Thread.sleep(20);
            seen = gateway.get(path, Map.of("Authorization", "Bearer " + token)).status();
        }
        return seen;
    }

    @Test
    void aLoggedOutSessionIsRefusedByMessengerNotifierAndStatsWithinASecond() throws Exception {
        try (DevStack stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of())) {
            Http gateway = Http.port(stack.gatewayPort());
            String name = "rev" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String password = "Revoked-" + UUID.randomUUID();
            Http.Response reg = gateway.post("/api/v1/auth/register",
                    Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
            assertThat(reg.body(), reg.status(), is(201));
            String ended = gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of()).json().get("accessToken").asText();
            String kept = gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of()).json().get("accessToken").asText();
            for (String path : AUTHENTICATED_GETS) {
                assertThat(path, gateway.get(path, Map.of("Authorization", "Bearer " + ended)).status(), is(200));
            }
            Http.Response out = gateway.post("/api/v1/auth/logout", Map.of(), Map.of("Authorization", "Bearer " + ended));
            assertThat(out.body(), out.status(), is(204));
            for (String path : AUTHENTICATED_GETS) {
                assertThat(path, statusWithin(gateway, path, ended, 401, 1000), is(401));
                assertThat(path, gateway.get(path, Map.of("Authorization", "Bearer " + kept)).status(), is(200));
            }
        }
    }
}
