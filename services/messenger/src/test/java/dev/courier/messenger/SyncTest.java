package dev.courier.messenger;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The per-user durable event log over REST: ordered, paged, resumable by cursor. */
class SyncTest {

    private final Http http = Cluster.a().http();

    @Test
    void syncReplaysEveryEventAfterACursorInOrderAndPaged() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long m1 = alice.sendTo(http, bob, "one").get("id").asLong();
        long m2 = alice.sendTo(http, bob, "two").get("id").asLong();
        alice.call(http, "PATCH", "/api/v1/messages/" + m1, Map.of("text", "uno"));

        JsonNode page = bob.get(http, "/api/v1/sync?after=0&limit=2").json();
        assertThat(page.get("events").size(), is(2));
        assertThat(page.get("hasMore").asBoolean(), is(true));
        assertThat(page.get("events").get(0).get("cursor").asLong(), is(1L));
        assertThat(page.get("events").get(0).get("type").asText(), is("message.created"));
        assertThat(page.get("events").get(0).get("message").get("id").asLong(), is(m1));
        assertThat(page.get("events").get(1).get("message").get("id").asLong(), is(m2));

        JsonNode rest = bob.get(http, "/api/v1/sync?after=" + page.get("cursor").asLong()).json();
        assertThat(rest.get("events").size(), is(1));
        assertThat(rest.get("events").get(0).get("type").asText(), is("message.edited"));
        assertThat(rest.get("events").get(0).get("cursor").asLong(), is(3L));
        assertThat(rest.get("hasMore").asBoolean(), is(false));
        assertThat(bob.get(http, "/api/v1/sync?after=3").json().get("events").size(), is(0));
    }

    @Test
    void badCursorsAreRefusedWithTheField() {
        TestUser alice = Cluster.user();
        assertThat(alice.get(http, "/api/v1/sync?after=-1").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=x").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=99").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=0&limit=0").json().get("field").asText(), is("limit"));
    }
}
