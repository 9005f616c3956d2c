package dev.courier.auth.accounts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** Every JSON body auth accepts, fed bad JSON, wrong types, unknown fields and huge input. */
class MalformedBodiesTest {

    private static AuthServer auth;
    private static AuthServer.TestUser user;
    private static Map<String, String> bearer;

    /** method, path, its string fields. */
    private record Endpoint(String method, String path, List<String> fields) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/auth/register", List.of("username", "email", "password", "displayName")),
            new Endpoint("POST", "/api/v1/auth/login", List.of("login", "password")),
            new Endpoint("POST", "/api/v1/auth/refresh", List.of("refreshToken")),
            new Endpoint("POST", "/api/v1/auth/password/change", List.of("currentPassword", "newPassword")),
            new Endpoint("POST", "/api/v1/auth/password/forgot", List.of("email")),
            new Endpoint("POST", "/api/v1/auth/password/reset", List.of("token", "newPassword")),
            new Endpoint("PATCH", "/api/v1/users/me", List.of("displayName")),
            new Endpoint("POST", "/register", List.of("user", "pass")),
            new Endpoint("POST", "/auth", List.of("user", "pass")));

    @BeforeAll
    static void user() {
        auth = AuthServer.shared();
        user = auth.register();
        bearer = AuthServer.bearer(auth.login(user.username(), AuthServer.PASSWORD).get("accessToken").asText());
    }

    @Test
    void badJsonUnknownFieldsWrongTypesAndHugeBodiesAre4xxProblemsNamingTheField() {
        for (Endpoint e : ENDPOINTS) {
            expect(e, "{\"" + e.fields().getFirst() + "\":", 400, null);
            expect(e, "{\"surprise\":1}", 400, "surprise");
            for (String field : e.fields()) {
                Map<String, Object> body = new HashMap<>();
                e.fields().forEach(f -> body.put(f, "valid-looking value 1"));
                body.put(field, 12345678901L);
                expect(e, dev.courier.platform.http.Json.writeString(body), 400, field);
                body.put(field, List.of("a"));
                expect(e, dev.courier.platform.http.Json.writeString(body), 400, field);
            }
            expect(e, "{\"" + e.fields().getFirst() + "\":\"" + "x".repeat(70_000) + "\"}", 413, null);
        }
        // Nothing changed for the user whose token was used throughout.
        assertThat(auth.http.get("/api/v1/users/me", bearer).json().get("displayName").asText(), is(user.username()));
        auth.login(user.username(), AuthServer.PASSWORD);
    }

    @Test
    void missingOrHugeStringFieldsAre400sNamingTheField() {
        String huge = "y".repeat(5000);
        expect(ENDPOINTS.get(0), "{\"email\":\"a@example.com\",\"password\":\"" + AuthServer.PASSWORD + "\"}", 400, "username");
        expect(ENDPOINTS.get(1), "{\"login\":\"" + huge + "\",\"password\":\"x\"}", 400, "login");
        expect(ENDPOINTS.get(1), "{\"login\":\"someone\"}", 400, "password");
        expect(ENDPOINTS.get(2), "{\"refreshToken\":\"" + huge + "\"}", 400, "refreshToken");
        expect(ENDPOINTS.get(3), "{\"currentPassword\":\"" + huge + "\",\"newPassword\":\"a brand new secret\"}", 400, "currentPassword");
        expect(ENDPOINTS.get(4), "{\"email\":\"" + huge + "@example.com\"}", 400, "email");
        expect(ENDPOINTS.get(5), "{\"token\":\"" + huge + "\",\"newPassword\":\"a brand new secret\"}", 400, "token");
        expect(ENDPOINTS.get(6), "{\"displayName\":\"" + huge + "\"}", 400, "displayName");
        expect(ENDPOINTS.get(7), "{\"user\":\"" + huge + "\",\"pass\":\"" + AuthServer.PASSWORD + "\"}", 400, "user");
        expect(ENDPOINTS.get(8), "{\"user\":\"someone\",\"pass\":\"" + huge + "\"}", 400, "pass");
        auth.login(user.username(), AuthServer.PASSWORD);
    }

    private static void expect(Endpoint e, String body, int status, String field) {
        Http.Response r = auth.http.method(e.method(), e.path(), body, bearer);
        String what = e.method() + " " + e.path() + " " + (body.length() > 80 ? body.substring(0, 80) + "..." : body);
        assertThat(what + " -> " + r.body(), r.status(), is(status));
        assertThat(what, r.header("Content-Type"), startsWith("application/problem+json"));
        if (field != null) {
            assertThat(what + " -> " + r.body(), r.json().get("field").asText(), is(field));
        }
    }
}
