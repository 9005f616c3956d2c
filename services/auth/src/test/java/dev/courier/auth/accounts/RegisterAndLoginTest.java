package dev.courier.auth.accounts;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

class RegisterAndLoginTest {

    private final AuthServer auth = AuthServer.shared();
    private final Http http = auth.http;

    @Test
    void registeredUserLogsInByUsernameOrEmailAndTheTokenVerifiesThroughTheJwks() {
        String name = AuthServer.unique("Reg");
        Http.Response reg = http.post("/api/v1/auth/register",
                Map.of("username", name, "email", name + "@Example.com", "password", AuthServer.PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        long id = reg.json().get("id").asLong();
        assertThat(reg.json().get("username").asText(), is(name));
        assertThat(reg.json().get("displayName").asText(), is(name));
        assertThat(reg.json().has("passwordHash"), is(false));

        JsonNode byName = auth.login(name.toLowerCase(), AuthServer.PASSWORD);
        // An email logs in once it is verified.
        auth.verifyEmail(new AuthServer.TestUser(id, name, reg.json().get("email").asText()));
        JsonNode byEmail = auth.login(name.toUpperCase() + "@EXAMPLE.COM", AuthServer.PASSWORD);
        assertThat(byName.get("tokenType").asText(), is("Bearer"));
        assertThat(byName.get("expiresIn").asLong(), is(900L));
        assertThat(byName.get("userId").asLong(), is(id));
        assertThat(byEmail.get("userId").asLong(), is(id));

        TokenVerifier verifier = new TokenVerifier(RemoteJwks.of("http://127.0.0.1:" + auth.port() + "/.well-known/jwks.json"), Clock.systemUTC());
        Caller caller = verifier.verify(byName.get("accessToken").asText()).orElseThrow();
        assertThat(caller.userId(), is(id));
        assertThat(caller.roles(), hasItem("user"));
        assertThat(caller.isAdmin(), is(false));
    }

    @Test
    void loginSetsHttpOnlyStrictCookiesForBrowsers() {
        AuthServer.TestUser u = auth.register();
        Http.Response r = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of());
        var cookies = r.raw().headers().allValues("Set-Cookie");
        String access = cookies.stream().filter(c -> c.startsWith("courier_access=")).findFirst().orElseThrow();
        String refresh = cookies.stream().filter(c -> c.startsWith("courier_refresh=")).findFirst().orElseThrow();
        assertThat(access, containsString("HttpOnly"));
        assertThat(access, containsString("SameSite=Strict"));
        // Served over plain HTTP here, so not Secure (the browser would drop it).
        assertThat(access, not(containsString("Secure")));
        assertThat(refresh, containsString("Path=/api/v1/auth"));
        // The cookie alone authenticates.
        String cookie = access.substring(0, access.indexOf(';'));
        Http.Response me = http.get("/api/v1/users/me", Map.of("Cookie", cookie));
        assertThat(me.body(), me.status(), is(200));
    }

    @Test
    void secureCookiesBehindATrustedTlsProxy() {
        try (AuthServer proxied = AuthServer.with(Map.of("courier.http.trustedproxies", "127.0.0.0/8,::1"))) {
            AuthServer.TestUser u = proxied.register();
            Http.Response r = proxied.http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD),
                    Map.of("X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"));
            assertThat(r.raw().headers().allValues("Set-Cookie").getFirst(), containsString("Secure"));
        }
    }

    @Test
    void forwardedHeadersAreIgnoredUnlessThePeerIsATrustedProxy() {
        AuthServer.TestUser u = auth.register();
        Http.Response r = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD),
                Map.of("X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"));
        assertThat(r.body(), r.status(), is(200));
        assertThat(r.raw().headers().allValues("Set-Cookie").getFirst(), not(containsString("Secure")));
        Http.Response sessions = http.get("/api/v1/auth/sessions", AuthServer.bearer(r.json().get("accessToken").asText()));
        assertThat(sessions.json().get(0).get("address").asText(), not("203.0.113.9"));
        try (AuthServer proxied = AuthServer.with(Map.of("courier.http.trustedproxies", "127.0.0.0/8,::1"))) {
            Http.Response behind = proxied.http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD),
                    Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.9"));
            Http.Response listed = proxied.http.get("/api/v1/auth/sessions", AuthServer.bearer(behind.json().get("accessToken").asText()));
            java.util.List<String> addresses = new java.util.ArrayList<>();
            listed.json().forEach(s -> addresses.add(s.get("address").asText()));
            assertThat(addresses.toString(), addresses.contains("203.0.113.9"), is(true));
            assertThat(addresses.toString(), addresses.contains("198.51.100.1"), is(false));
        }
    }

    @Test
    void takenUsernameOrVerifiedEmailIsAConflictNamingTheFieldCaseInsensitively() {
        AuthServer.TestUser u = auth.register();
        auth.verifyEmail(u);
        Http.Response sameName = http.post("/api/v1/auth/register",
                Map.of("username", u.username().toUpperCase(), "email", AuthServer.unique("x") + "@example.com", "password", AuthServer.PASSWORD), Map.of());
        assertThat(sameName.status(), is(409));
        assertThat(sameName.json().get("field").asText(), is("username"));
        Http.Response sameEmail = http.post("/api/v1/auth/register",
                Map.of("username", AuthServer.unique("x"), "email", u.email().toUpperCase(), "password", AuthServer.PASSWORD), Map.of());
        assertThat(sameEmail.status(), is(409));
        assertThat(sameEmail.json().get("field").asText(), is("email"));
    }

    @Test
    void weakTooLongOrCommonPasswordsAndMalformedEmailsAreRefusedNamingTheField() {
        String n = AuthServer.unique("w");
        assertField(Map.of("username", n, "email", n + "@example.com", "password", "short1"), "password");
        assertField(Map.of("username", n, "email", n + "@example.com", "password", "x".repeat(129)), "password");
        assertField(Map.of("username", n, "email", n + "@example.com", "password", "Password123"), "password");
        assertField(Map.of("username", n, "email", "not-an-email", "password", AuthServer.PASSWORD), "email");
        assertField(Map.of("username", "a b", "email", n + "@example.com", "password", AuthServer.PASSWORD), "username");
        // Nothing was created: the name is still free.
        Http.Response ok = http.post("/api/v1/auth/register", Map.of("username", n, "email", n + "@example.com", "password", AuthServer.PASSWORD), Map.of());
        assertThat(ok.status(), is(201));
    }

    @Test
    void malformedBodiesAreProblemsNamingTheFieldAndCreateNothing() {
        String n = AuthServer.unique("m");
        assertBad("{not json", null);
        assertBad("{\"username\":5,\"email\":\"" + n + "@example.com\",\"password\":\"" + AuthServer.PASSWORD + "\"}", "username");
        assertBad("{\"username\":\"" + n + "\",\"email\":\"" + n + "@example.com\",\"password\":12345678901}", "password");
        assertBad("{\"username\":\"" + n + "\",\"email\":\"" + n + "@example.com\"}", "password");
        assertBad("{\"username\":\"" + n + "\",\"email\":\"" + n + "@example.com\",\"password\":\"" + AuthServer.PASSWORD + "\",\"admin\":true}", "admin");
        assertBad("{\"username\":\"" + "n".repeat(5000) + "\",\"email\":\"" + n + "@example.com\",\"password\":\"" + AuthServer.PASSWORD + "\"}", "username");
        assertBad("[]", null);
        Http.Response login = http.post("/api/v1/auth/login", Map.of("login", n, "password", AuthServer.PASSWORD), Map.of());
        assertThat(login.status(), is(401));
        Http.Response badLogin = http.post("/api/v1/auth/login", "{\"login\":[1],\"password\":\"x\"}", Map.of());
        assertThat(badLogin.status(), is(400));
        assertThat(badLogin.json().get("field").asText(), is("login"));
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() {
        AuthServer.TestUser u = auth.register();
        Http.Response wrong = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", "wrong password 1"), Map.of());
        Http.Response unknown = http.post("/api/v1/auth/login", Map.of("login", AuthServer.unique("nobody"), "password", "wrong password 1"), Map.of());
        Http.Response unknownEmail = http.post("/api/v1/auth/login", Map.of("login", AuthServer.unique("nobody") + "@example.com", "password", "wrong password 1"), Map.of());
        assertThat(wrong.status(), is(401));
        assertThat(unknown.status(), is(401));
        assertThat(unknown.body(), is(wrong.body()));
        assertThat(unknownEmail.body(), is(wrong.body()));
        assertThat(wrong.header("Content-Type"), startsWith("application/problem+json"));
    }

    private void assertField(Map<String, String> body, String field) {
        Http.Response r = http.post("/api/v1/auth/register", body, Map.of());
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.body(), r.json().get("field").asText(), is(field));
    }

    private void assertBad(String body, String field) {
        Http.Response r = http.post("/api/v1/auth/register", body, Map.of());
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        if (field != null) {
            assertThat(r.body(), r.json().get("field").asText(), is(field));
        }
    }

}
