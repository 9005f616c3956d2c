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
 * A relay that died after Kafka committed a batch but before the database marked it leaves the
 * rows pending. The next relay finds them on the topic and does not publish them again.
 */
class OutboxReconcileTest {

    // A database of its own: no other instance's relay may touch the row this test rewinds.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.onDatabase("courier_messenger_reconcile");

    @Test
    void aRowPublishedButNotMarkedBeforeACrashIsNotPublishedTwice() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            long id = alice.sendTo(node.http(), bob, "published once").get("id").asLong();
            assertThat(topic.await(r -> r.event().message().id() == id, 1, Duration.ofSeconds(30)), hasSize(1));
            awaitSent(id, true);
            // What a crash between the Kafka commit and the database commit leaves behind.
            try (var c = db(); PreparedStatement ps = c.prepareStatement("""
                    WITH rewound AS (
                        UPDATE outbox SET sent_at = NULL WHERE id = (SELECT o.id FROM outbox o
                            WHERE o.conversation_id = (SELECT conversation_id FROM messages WHERE id = ?) ORDER BY o.id DESC LIMIT 1)
                        RETURNING id)
                    UPDATE outbox_relay SET attempted = ARRAY(SELECT id FROM rewound) WHERE id = 1
                    RETURNING cardinality(attempted)
                    """)) {
                ps.setLong(1, id);
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next() && rs.getInt(1) == 1, is(true));
                }
            }
            node.app().relay().wake();
            awaitSent(id, true);
            assertThat(topic.await(r -> r.event().message().id() == id, 2, Duration.ofSeconds(3)), hasSize(1));
        }
    }

    private static java.sql.Connection db() throws Exception {
        var e = Cluster.infra();
        return java.sql.DriverManager.getConnection(Cluster.privateDatabase("courier_messenger_reconcile") + "?currentSchema=messenger",
                e.dbUser(), e.dbPassword());
    }

    private static void awaitSent(long messageId, boolean sent) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            try (var c = db(); PreparedStatement ps = c.prepareStatement(
                    "SELECT bool_and(sent_at IS NOT NULL) FROM outbox WHERE conversation_id = (SELECT conversation_id FROM messages WHERE id = ?)")) {
                ps.setLong(1, messageId);
                try (var rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1) == sent) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("outbox rows of message " + messageId + " not sent=" + sent + " in time");
    }
}
