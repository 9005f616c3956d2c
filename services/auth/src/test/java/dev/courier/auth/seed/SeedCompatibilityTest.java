package dev.courier.auth.seed;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

class SeedCompatibilityTest {

    private final Http http = AuthServer.shared().http;

    @Test
    void seedRegisterThenAuthReturnsTheJwtInACookieThatAuthenticates() {
        String user = AuthServer.unique("seed");
        Http.Response reg = http.post("/register", Map.of("user", user, "pass", AuthServer.PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        assertThat(reg.json().get("user").asText(), is(user));

        Http.Response auth = http.post("/auth", Map.of("user", user, "pass", AuthServer.PASSWORD), Map.of());
        assertThat(auth.body(), auth.status(), is(200));
        assertThat(auth.json().get("user_id").asLong(), is(reg.json().get("id").asLong()));
        String cookie = auth.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("courier_access=")).findFirst().orElseThrow();
        assertThat(cookie, containsString("HttpOnly"));
        Http.Response me = http.get("/api/v1/users/me", Map.of("Cookie", cookie.substring(0, cookie.indexOf(';'))));
        assertThat(me.status(), is(200));
        assertThat(me.json().get("username").asText(), is(user));
    }

    @Test
    void seedErrorsNameTheSeedFields() {
        Http.Response weak = http.post("/register", Map.of("user", AuthServer.unique("seed"), "pass", "123"), Map.of());
        assertThat(weak.status(), is(400));
        assertThat(weak.json().get("field").asText(), is("pass"));
        Http.Response missing = http.post("/register", "{\"pass\":\"" + AuthServer.PASSWORD + "\"}", Map.of());
        assertThat(missing.json().get("field").asText(), is("user"));
        Http.Response wrong = http.post("/auth", Map.of("user", AuthServer.unique("nobody"), "pass", AuthServer.PASSWORD), Map.of());
        assertThat(wrong.status(), is(401));
    }
}
