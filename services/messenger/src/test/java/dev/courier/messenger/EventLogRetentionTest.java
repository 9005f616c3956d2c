package dev.courier.messenger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * The event stream keeps its newest positions (here 3) and deletes older ones; a sync or a socket
 * resuming from a cursor before what is kept gets a "resync" event first, at the last position that
 * is gone, and then everything that is kept.
 */
class EventLogRetentionTest {

    // A database of its own: pruning to three events would empty every other test's stream.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.onDatabase("courier_messenger_retention",
            "courier.messenger.events.keep", "3", "courier.messenger.events.pruneeverymillis", "200");

    @Test
    void eventsOlderThanTheNewestKeptAreDeletedAndAResumeFromBeforeThemIsToldToResync() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        List<Long> sent = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            sent.add(alice.sendTo(node.http(), bob, "message " + i).get("id").asLong());
        }

        // The stream held positions 1 to 6 (this database's only events); the pruner keeps 4 to 6.
        JsonNode events = awaitPruned(bob);
        assertThat(events.size(), is(4));
        assertThat(events.get(0).get("type").asText(), is("resync"));
        assertThat(events.get(0).get("cursor").asLong(), is(3L));
        assertThat(events.get(0).get("missedAfter").asLong(), is(0L));
        assertThat(messageIds(events), contains(sent.get(3), sent.get(4), sent.get(5)));
        assertThat(cursors(events), contains(3L, 4L, 5L, 6L));

        // From a cursor within what is kept: no resync, just the events after it.
        JsonNode recent = bob.get(node.http(), "/api/v1/sync?after=4").json().get("events");
        assertThat(cursors(recent), contains(5L, 6L));
        assertThat(messageIds(recent), contains(sent.get(4), sent.get(5)));

        // A socket resuming from cursor 1 is told the same before the kept events.
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + bob.token() + "&cursor=1")) {
            ws.await(f -> f.path("message").path("id").asLong() == sent.get(5), Duration.ofSeconds(10));
            List<JsonNode> stream = ws.seen().stream().filter(f -> f.has("cursor") && !"ready".equals(f.path("type").asText())).toList();
            assertThat(stream.get(0).get("type").asText(), is("resync"));
            assertThat(stream.get(0).get("missedAfter").asLong(), is(1L));
            JsonNode asArray = Json.MAPPER.valueToTree(stream);
            assertThat(cursors(asArray), contains(3L, 4L, 5L, 6L));
            assertThat(messageIds(asArray), contains(sent.get(3), sent.get(4), sent.get(5)));
        }
    }

    private static JsonNode awaitPruned(TestUser user) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        JsonNode events;
        do {
            events = user.get(node.http(), "/api/v1/sync?after=0").json().get("events");
            if (events.size() > 0 && "resync".equals(events.get(0).get("type").asText())) {
                return events;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < end);
        return events;
    }

    private static List<Long> cursors(JsonNode events) {
        List<Long> cursors = new ArrayList<>();
        events.forEach(e -> cursors.add(e.get("cursor").asLong()));
        return cursors;
    }

    private static List<Long> messageIds(JsonNode events) {
        List<Long> ids = new ArrayList<>();
        events.forEach(e -> {
            if ("message.created".equals(e.get("type").asText())) {
                ids.add(e.get("message").get("id").asLong());
            }
        });
        return ids;
    }
}
