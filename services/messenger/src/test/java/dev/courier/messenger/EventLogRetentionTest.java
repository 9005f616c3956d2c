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

        // The stream keeps its newest 3 positions: this database's last three events, bob's last
        // three messages (the database outlives a run, so positions are not counted from 1).
        JsonNode events = awaitPruned(bob, 3);
        assertThat(events.size(), is(4));
        assertThat(events.get(0).get("type").asText(), is("resync"));
        assertThat(events.get(0).get("missedAfter").asLong(), is(0L));
        assertThat(messageIds(events), contains(sent.get(3), sent.get(4), sent.get(5)));
        List<Long> cursors = cursors(events);
        long gone = cursors.get(0);
        assertThat(cursors.get(1) > gone && cursors.get(2) > cursors.get(1) && cursors.get(3) > cursors.get(2), is(true));

        // From a cursor within what is kept: no resync, just the events after it.
        JsonNode recent = bob.get(node.http(), "/api/v1/sync?after=" + cursors.get(1)).json().get("events");
        assertThat(cursors(recent), contains(cursors.get(2), cursors.get(3)));
        assertThat(messageIds(recent), contains(sent.get(4), sent.get(5)));

        // A socket resuming from cursor 1 is told the same before the kept events.
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + bob.token() + "&cursor=1")) {
            ws.await(f -> f.path("message").path("id").asLong() == sent.get(5), Duration.ofSeconds(10));
            List<JsonNode> stream = ws.seen().stream().filter(f -> f.has("cursor") && !"ready".equals(f.path("type").asText())).toList();
            assertThat(stream.get(0).get("type").asText(), is("resync"));
            assertThat(stream.get(0).get("missedAfter").asLong(), is(1L));
            JsonNode asArray = Json.MAPPER.valueToTree(stream);
            assertThat(cursors(asArray), is(cursors));
            assertThat(messageIds(asArray), contains(sent.get(3), sent.get(4), sent.get(5)));
        }
    }

    /** The user's events once the pruner has caught up with the last send: a resync, then {@code kept} events. */
    private static JsonNode awaitPruned(TestUser user, int kept) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        JsonNode events;
        do {
            events = user.get(node.http(), "/api/v1/sync?after=0").json().get("events");
            if (events.size() == kept + 1 && "resync".equals(events.get(0).get("type").asText())) {
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
