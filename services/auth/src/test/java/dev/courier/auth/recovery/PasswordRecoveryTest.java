package dev.courier.auth.recovery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.infra.LocalStack;
import dev.courier.platform.http.Json;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class PasswordRecoveryTest {

    private static final Pattern TOKEN = Pattern.compile("(?m)^\\s*([A-Za-z0-9_-]{43})\\s*$");
    private final AuthServer auth = AuthServer.shared();
    private final Http http = auth.http;

    @Test
    void aMailedTokenResetsThePasswordOnceAndRevokesEverySession() throws Exception {
        AuthServer.TestUser u = auth.register();
        auth.verifyEmail(u);
        JsonNode session = auth.login(u.username(), AuthServer.PASSWORD);
        Http.Response forgot = http.post("/api/v1/auth/password/forgot", Map.of("email", u.email().toUpperCase()), Map.of());
        assertThat(forgot.status(), is(202));
        String token = awaitToken(u.email());

        Http.Response reset = http.post("/api/v1/auth/password/reset", Map.of("token", token, "newPassword", "a brand new secret"), Map.of());
        assertThat(reset.body(), reset.status(), is(204));
        assertThat(http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of()).status(), is(401));
        auth.login(u.username(), "a brand new secret");
        assertThat(http.post("/api/v1/auth/refresh", Map.of("refreshToken", session.get("refreshToken").asText()), Map.of()).status(), is(401));

        Http.Response again = http.post("/api/v1/auth/password/reset", Map.of("token", token, "newPassword", "yet another secret"), Map.of());
        assertThat(again.status(), is(400));
        assertThat(again.json().get("field").asText(), is("token"));
        auth.login(u.username(), "a brand new secret");
    }

    @Test
    void aPasswordChangeSpendsTheResetTokensMailedBeforeIt() throws Exception {
        AuthServer.TestUser u = auth.register();
        auth.verifyEmail(u);
        assertThat(http.post("/api/v1/auth/password/forgot", Map.of("email", u.email()), Map.of()).status(), is(202));
        String token = awaitToken(u.email());
        Map<String, String> bearer = AuthServer.bearer(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText());
        Http.Response changed = http.post("/api/v1/auth/password/change",
                Map.of("currentPassword", AuthServer.PASSWORD, "newPassword", "the owner's new secret"), bearer);
        assertThat(changed.body(), changed.status(), is(204));
        Http.Response reset = http.post("/api/v1/auth/password/reset", Map.of("token", token, "newPassword", "an old link's secret"), Map.of());
        assertThat(reset.body(), reset.status(), is(400));
        auth.login(u.username(), "the owner's new secret");
    }

    @Test
    void anExpiredTokenDoesNotWork() throws Exception {
        try (AuthServer shortLived = AuthServer.with(Map.of("courier.auth.reset.ttlseconds", "1"))) {
            AuthServer.TestUser u = shortLived.register();
            shortLived.verifyEmail(u);
            shortLived.http.post("/api/v1/auth/password/forgot", Map.of("email", u.email()), Map.of());
            String token = awaitToken(u.email());
            Thread.sleep(1500);
            Http.Response r = shortLived.http.post("/api/v1/auth/password/reset", Map.of("token", token, "newPassword", "a brand new secret"), Map.of());
            assertThat(r.status(), is(400));
            shortLived.login(u.username(), AuthServer.PASSWORD);
        }
    }

    @Test
    void theAnswerIsTheSameWhetherOrNotTheEmailExists() {
        AuthServer.TestUser u = auth.register();
        Http.Response known = http.post("/api/v1/auth/password/forgot", Map.of("email", u.email()), Map.of());
        Http.Response unknown = http.post("/api/v1/auth/password/forgot", Map.of("email", AuthServer.unique("ghost") + "@example.com"), Map.of());
        assertThat(known.status(), is(202));
        assertThat(unknown.status(), is(known.status()));
        assertThat(unknown.body(), is(known.body()));
    }

    @Test
    void badResetRequestsNameTheFieldAndChangeNothing() {
        AuthServer.TestUser u = auth.register();
        assertThat(http.post("/api/v1/auth/password/forgot", Map.of("email", "nope"), Map.of()).json().get("field").asText(), is("email"));
        Http.Response weak = http.post("/api/v1/auth/password/reset", Map.of("token", "x".repeat(43), "newPassword", "123"), Map.of());
        assertThat(weak.json().get("field").asText(), is("newPassword"));
        Http.Response forged = http.post("/api/v1/auth/password/reset", Map.of("token", "x".repeat(43), "newPassword", "a brand new secret"), Map.of());
        assertThat(forged.json().get("field").asText(), is("token"));
        Http.Response extra = http.post("/api/v1/auth/password/reset", "{\"token\":\"t\",\"newPassword\":\"a brand new secret\",\"userId\":1}", Map.of());
        assertThat(extra.json().get("field").asText(), is("userId"));
        auth.login(u.username(), AuthServer.PASSWORD);
    }

    @Test
    void changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() {
        AuthServer.TestUser u = auth.register();
        JsonNode other = auth.login(u.username(), AuthServer.PASSWORD);
        JsonNode current = auth.login(u.username(), AuthServer.PASSWORD);
        Map<String, String> bearer = AuthServer.bearer(current.get("accessToken").asText());
        Http.Response wrong = http.post("/api/v1/auth/password/change", Map.of("currentPassword", "not my password", "newPassword", "a brand new secret"), bearer);
        assertThat(wrong.status(), is(403));
        auth.login(u.username(), AuthServer.PASSWORD);
        Http.Response ok = http.post("/api/v1/auth/password/change", Map.of("currentPassword", AuthServer.PASSWORD, "newPassword", "a brand new secret"), bearer);
        assertThat(ok.body(), ok.status(), is(204));
        auth.login(u.username(), "a brand new secret");
        assertThat(http.post("/api/v1/auth/refresh", Map.of("refreshToken", other.get("refreshToken").asText()), Map.of()).status(), is(401));
        assertThat(http.post("/api/v1/auth/refresh", Map.of("refreshToken", current.get("refreshToken").asText()), Map.of()).status(), is(200));
    }

    /** Reads the user's inbox through GreenMail's REST API until the reset mail arrives. */
    static String awaitToken(String email) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI inbox = URI.create(LocalStack.shared().mailApiUrl() + "/api/user/" + email + "/messages/INBOX");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(inbox).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode messages = Json.MAPPER.readTree(r.body());
                for (int i = messages.size() - 1; i >= 0; i--) {
                    Matcher m = TOKEN.matcher(messages.get(i).get("mimeMessage").asText());
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("No reset mail for " + email);
    }
}
