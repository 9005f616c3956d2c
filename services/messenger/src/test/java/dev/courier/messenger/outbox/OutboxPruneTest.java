package dev.courier.messenger.outbox;

import java.sql.PreparedStatement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.platform.events.Topics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/**
 * Published outbox rows are deleted: at once by default, or once older than a configured
 * retention. The messages stay, and nothing is published twice on the way.
 */
class OutboxPruneTest {

    private static final String DB = "courier_messenger_prune";
    private static final String DB_NOW = "courier_messenger_prune_now";
    // Databases of their own, so the counts cover only these tests' rows.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.onDatabase(DB, "courier.messenger.outbox.keepsentseconds", "2");
    @RegisterExtension
    static final OwnMessenger deleting = OwnMessenger.onDatabase(DB_NOW, "courier.messenger.outbox.keepsentseconds", "0");

    @Test
    void byDefaultAPublishedRowIsDeletedAtOnce() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            long id = alice.sendTo(deleting.http(), bob, "deleted when published").get("id").asLong();
            assertThat(topic.await(r -> r.event().message().id() == id, 1, Duration.ofSeconds(30)), hasSize(1));
            awaitEmptyOutbox(DB_NOW, Duration.ofSeconds(10));
            assertThat(count(DB_NOW, "SELECT count(*) FROM outbox"), is(0L));
            assertThat(count(DB_NOW, "SELECT count(*) FROM messages WHERE id = " + id), is(1L));
            assertThat(topic.await(r -> r.event().message().id() == id, 2, Duration.ofSeconds(2)), hasSize(1));
        }
    }

    @Test
    void publishedRowsAreDeletedAfterTheirTimeAndTheMessagesStay() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            long first = alice.sendTo(node.http(), bob, "pruned later").get("id").asLong();
            long second = alice.sendTo(node.http(), bob, "pruned later too").get("id").asLong();
            assertThat(topic.await(r -> r.event().message().id() == second, 1, Duration.ofSeconds(30)), hasSize(1));
            // Right after publishing, the rows are still there (marked sent).
            assertThat(count(DB, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"), is(2L));
            awaitEmptyOutbox(DB, Duration.ofSeconds(40));
            assertThat(count(DB, "SELECT count(*) FROM outbox"), is(0L));
            assertThat(count(DB, "SELECT count(*) FROM messages WHERE id IN (" + first + ", " + second + ")"), is(2L));
            // Nothing was published again on the way.
            assertThat(topic.await(r -> r.event().message().id() == first, 2, Duration.ofSeconds(2)), hasSize(1));
        }
    }

    /** Waits (up to {@code limit}) for the outbox table to be empty; the caller asserts it is. */
    private static void awaitEmptyOutbox(String db, Duration limit) throws Exception {
        long end = System.currentTimeMillis() + limit.toMillis();
        while (count(db, "SELECT count(*) FROM outbox") > 0 && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
    }

    private static long count(String db, String sql) throws Exception {
        var e = Cluster.infra();
        try (var c = java.sql.DriverManager.getConnection(Cluster.privateDatabase(db) + "?currentSchema=messenger", e.dbUser(), e.dbPassword());
                PreparedStatement ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
