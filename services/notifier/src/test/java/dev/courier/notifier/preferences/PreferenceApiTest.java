package dev.courier.notifier.preferences;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class PreferenceApiTest {

    private final Notifier n = Notifier.get();
    private final Http http = n.http;

    @Test
    void everythingIsOnUntilTheUserChangesIt() {
        TestUser u = n.auth.user("Dana");
        Http.Response r = http.get("/api/v1/notifications/preferences", u.auth());
        assertThat(r.status(), is(200));
        assertThat(r.json().get("push").asBoolean() && r.json().get("email").asBoolean() && r.json().get("previews").asBoolean(), is(true));

        Http.Response put = http.method("PUT", "/api/v1/notifications/preferences",
                Map.of("push", true, "email", false, "previews", false), u.auth());
        assertThat(put.body(), put.status(), is(200));
        Http.Response again = http.get("/api/v1/notifications/preferences", u.auth());
        assertThat(again.json().get("email").asBoolean(), is(false));
        assertThat(again.json().get("previews").asBoolean(), is(false));
        assertThat(again.json().get("push").asBoolean(), is(true));
        // Nobody else's preferences changed.
        assertThat(http.get("/api/v1/notifications/preferences", n.auth.user("Eve").auth()).json().get("email").asBoolean(), is(true));
    }

    @Test
    void badPreferenceBodiesGetAProblemNamingTheFieldAndChangeNothing() {
        TestUser u = n.auth.user("Finn");
        assertBad(u, Map.of("push", true, "email", false), "previews");
        assertBad(u, Map.of("push", "yes", "email", false, "previews", true), "push");
        assertBad(u, Map.of("push", true, "email", 1, "previews", true), "email");
        assertBad(u, Map.of("push", true, "email", false, "previews", true, "sms", true), "sms");
        Http.Response r = http.get("/api/v1/notifications/preferences", u.auth());
        assertThat(r.json().get("email").asBoolean(), is(true));
        assertThat(http.method("PUT", "/api/v1/notifications/preferences", Map.of("push", true, "email", true, "previews", true), Map.of()).status(), is(401));
    }

    @Test
    void aChatCanBeMutedUntilATimeAndUnmuted() {
        TestUser u = n.auth.user("Gus");
        long chat = Notifier.newChatId();
        Instant until = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Http.Response r = http.method("PUT", "/api/v1/notifications/mutes/" + chat, Map.of("until", until.toString()), u.auth());
        assertThat(r.body(), r.status(), is(200));
        var mutes = http.get("/api/v1/notifications/mutes", u.auth()).json().get("mutes");
        assertThat(mutes.size(), is(1));
        assertThat(mutes.get(0).get("chatId").asLong(), is(chat));
        assertThat(Instant.parse(mutes.get(0).get("until").asText()), is(until));

        assertThat(http.method("DELETE", "/api/v1/notifications/mutes/" + chat, null, u.auth()).status(), is(204));
        assertThat(http.get("/api/v1/notifications/mutes", u.auth()).json().get("mutes").size(), is(0));
    }

    @Test
    void badMutesAreRefusedNamingTheField() {
        TestUser u = n.auth.user("Hal");
        assertBadMute(u, "5", Map.of("until", Instant.now().minusSeconds(60).toString()), "until");
        assertBadMute(u, "5", Map.of("until", Instant.now().plus(400, ChronoUnit.DAYS).toString()), "until");
        assertBadMute(u, "5", Map.of("until", "tomorrow"), "until");
        assertBadMute(u, "0", Map.of("until", Instant.now().plusSeconds(60).toString()), "chatId");
        assertBadMute(u, "abc", Map.of("until", Instant.now().plusSeconds(60).toString()), "chatId");
        assertThat(http.get("/api/v1/notifications/mutes", u.auth()).json().get("mutes").size(), is(0));
    }

    private void assertBad(TestUser u, Object body, String field) {
        Http.Response r = http.method("PUT", "/api/v1/notifications/preferences", body, u.auth());
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.body(), r.json().get("field").asText(), is(field));
    }

    private void assertBadMute(TestUser u, String chat, Object body, String field) {
        Http.Response r = http.method("PUT", "/api/v1/notifications/mutes/" + chat, body, u.auth());
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.body(), r.json().get("field").asText(), is(field));
    }
}
