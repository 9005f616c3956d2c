package dev.courier.auth.profiles;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class ProfilesTest {

    private final AuthServer auth = AuthServer.shared();
    private final Http http = auth.http;

    @Test
    void myProfileShowsEmailAndRolesButAPublicProfileShowsNeither() {
        AuthServer.TestUser u = auth.register();
        Map<String, String> me = AuthServer.bearer(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText());
        Http.Response mine = http.get("/api/v1/users/me", me);
        assertThat(mine.json().get("email").asText(), is(u.email()));
        assertThat(mine.json().get("roles").get(0).asText(), is("user"));
        Http.Response pub = http.get("/api/v1/users/" + u.id());
        assertThat(pub.status(), is(200));
        assertThat(pub.json().get("username").asText(), is(u.username()));
        assertThat(pub.body(), not(containsString("@")));
        assertThat(http.get("/api/v1/users/" + Long.MAX_VALUE).status(), is(404));
        assertThat(http.get("/api/v1/users/abc").json().get("field").asText(), is("id"));
    }

    @Test
    void changingTheDisplayNameIsSeenAtOnceDespiteTheCache() {
        AuthServer.TestUser u = auth.register();
        Map<String, String> me = AuthServer.bearer(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText());
        assertThat(http.get("/api/v1/users/" + u.id()).json().get("displayName").asText(), is(u.username()));
        Http.Response changed = http.method("PATCH", "/api/v1/users/me", Map.of("displayName", "  Ada Lovelace "), me);
        assertThat(changed.body(), changed.status(), is(200));
        assertThat(changed.json().get("displayName").asText(), is("Ada Lovelace"));
        assertThat(http.get("/api/v1/users/" + u.id()).json().get("displayName").asText(), is("Ada Lovelace"));
        assertThat(http.get("/api/v1/users/me", me).json().get("displayName").asText(), is("Ada Lovelace"));
    }

    @Test
    void badDisplayNamesAreRefusedNamingTheFieldAndChangeNothing() {
        AuthServer.TestUser u = auth.register();
        Map<String, String> me = AuthServer.bearer(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText());
        for (String body : new String[] {"{\"displayName\":\"\"}", "{\"displayName\":\"" + "x".repeat(65) + "\"}",
                "{\"displayName\":42}", "{}", "{\"displayName\":\"ok\",\"id\":1}"}) {
            Http.Response r = http.method("PATCH", "/api/v1/users/me", body, me);
            assertThat(body, r.status(), is(400));
        }
        assertThat(http.get("/api/v1/users/" + u.id()).json().get("displayName").asText(), is(u.username()));
        assertThat(http.method("PATCH", "/api/v1/users/me", Map.of("displayName", "x"), Map.of()).status(), is(401));
    }

    @Test
    void oneUserCannotReadOrChangeAnothersPrivateProfile() {
        AuthServer.TestUser alice = auth.register();
        AuthServer.TestUser bob = auth.register();
        Map<String, String> asBob = AuthServer.bearer(auth.login(bob.username(), AuthServer.PASSWORD).get("accessToken").asText());
        assertThat(http.get("/api/v1/users/me", asBob).json().get("id").asLong(), is(bob.id()));
        Http.Response patched = http.method("PATCH", "/api/v1/users/me", Map.of("displayName", "Not Alice"), asBob);
        assertThat(patched.json().get("id").asLong(), is(bob.id()));
        // There is no route that takes another user's id for writing.
        assertThat(http.method("PATCH", "/api/v1/users/" + alice.id(), Map.of("displayName", "Hacked"), asBob).status(), is(404));
        assertThat(http.get("/api/v1/users/" + alice.id(), asBob).json().get("displayName").asText(), is(alice.username()));
        assertThat(http.get("/api/v1/users/" + alice.id(), asBob).body(), not(containsString(alice.email())));
    }

    @Test
    void searchFindsUsersByNamePrefixWithoutEmails() {
        String stem = AuthServer.unique("Srch");
        for (int i = 0; i < 3; i++) {
            http.post("/api/v1/auth/register", Map.of("username", stem + i, "email", stem + i + "@example.com", "password", AuthServer.PASSWORD), Map.of());
        }
        AuthServer.TestUser u = auth.register();
        Map<String, String> me = AuthServer.bearer(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText());
        Http.Response found = http.get("/api/v1/users?prefix=" + stem.toLowerCase() + "&limit=2", me);
        assertThat(found.body(), found.status(), is(200));
        assertThat(found.json().size(), is(2));
        assertThat(found.body(), not(containsString("@")));
        assertThat(http.get("/api/v1/users?prefix=" + stem + "&limit=10", me).json().size(), is(3));
        assertThat(http.get("/api/v1/users?prefix=%25", me).json().size(), is(0));
        assertThat(http.get("/api/v1/users?limit=5", me).json().get("field").asText(), is("prefix"));
        assertThat(http.get("/api/v1/users?prefix=" + stem, Map.of()).status(), is(401));
    }
}
