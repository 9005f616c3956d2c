package dev.courier.auth.seed;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.security.TokenDialect;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A token from seed 003's {@code PUT /login} says it is a chat-server client's (messenger's socket
 * speaks seed 003's protocol to it), and works as any token; Courier's own login never says so.
 */
class ChatServerTokenTest {

    private final Http http = AuthServer.shared().http;

    @Test
    void onlySeed003sLoginMarksItsTokens() {
        String name = AuthServer.unique("chat");
        String email = name + "@example.com";
        Http.Response reg = http.post("/register", Map.of("Username", name, "Email", email, "Password", AuthServer.PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));

        Http.Response seed = http.method("PUT", "/login", Map.of("Email", email, "Password", AuthServer.PASSWORD), Map.of());
        assertThat(seed.body(), seed.status(), is(200));
        String token = seed.json().get("Token").asText();
        assertThat(TokenDialect.of(token), is(Optional.of(TokenDialect.CHAT_SERVER)));
        assertThat(http.get("/api/v1/users/me", Map.of("Authorization", "Bearer " + token)).status(), is(200));

        Http.Response courier = http.post("/api/v1/auth/login", Map.of("login", name, "password", AuthServer.PASSWORD), Map.of());
        assertThat(courier.body(), courier.status(), is(200));
        assertThat(TokenDialect.of(courier.json().get("accessToken").asText()), is(Optional.empty()));
    }
}
