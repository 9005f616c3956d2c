package dev.courier.messenger.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A relay killed in the middle of a Kafka transaction leaves that transaction open, and every
 * read_committed consumer (stats, notifier) stops at it until it ends. The replica that takes the
 * publishing role over fences the dead one: its transaction is aborted, its records are never
 * delivered, it can no longer commit, and consumers get the next messages without waiting out its
 * transaction timeout. A replica that stops hands the role back, so the next publishes at once.
 */
class RelayTakeoverTest {

    private static final String DATABASE = "courier_messenger_takeover";
    private static final String DEAD = "killed-relay/0";
    // A database of its own: the publishing role this test hands to a dead relay is only this node's.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.onDatabase(DATABASE);

    @Test
    void aRelayThatDiedInTheMiddleOfAKafkaTransactionIsFencedAndHoldsNoConsumerBack() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            long before = alice.sendTo(node.http(), bob, "before the crash").get("id").asLong();
            List<TopicReader.Record> published = topic.await(r -> r.event().message().id() == before, 1, Duration.ofSeconds(30));
            assertThat(published, hasSize(1));

            // What a relay killed while publishing leaves behind: the role, leased to it for two more
            // seconds, and an open transaction under the publishers' id on every partition, with a
            // record in it. Its consumer timeout (45 s) is longer than this test waits.
            String publisherId;
            try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "UPDATE outbox_publisher SET holder = '" + DEAD + "', held_until = now() + interval '2 seconds' RETURNING publisher_id")) {
                rs.next();
                publisherId = rs.getString(1);
            }
            Properties p = new KafkaSettings(Cluster.infra().kafkaBootstrap(), 1, (short) 1, Map.of()).producer("killed-relay");
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, OutboxRelay.transactionalId(publisherId));
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "45000");
            KafkaProducer<String, byte[]> dead = new KafkaProducer<>(p);
            try {
                dead.initTransactions();
                dead.beginTransaction();
                byte[] payload = Json.write(published.get(0).event());
                dead.partitionsFor(Topics.MESSAGES).forEach(partition ->
                        dead.send(new ProducerRecord<>(Topics.MESSAGES, partition.partition(), DEAD, payload)));
                dead.flush();

                long after = alice.sendTo(node.http(), bob, "after the crash").get("id").asLong();
                assertThat("delivered to a read_committed consumer once the lease ran out, not after the dead transaction's timeout",
                        topic.await(r -> r.event().message().id() == after, 1, Duration.ofSeconds(20)), hasSize(1));
                assertThrows(KafkaException.class, dead::commitTransaction, "the dead relay's producer is fenced");
                assertThat(topic.await(r -> DEAD.equals(r.key()), 1, Duration.ofSeconds(2)), empty());
            } finally {
                dead.close(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aReplicaThatStopsHandsThePublishingRoleOverAtOnce() throws Exception {
        // Leases far longer than the test waits: only the hand-over can let the second replica publish in time.
        String database = "courier_messenger_handover";
        Map<String, String> config = Map.of("courier.db.url", Cluster.privateDatabase(database),
                "courier.messenger.outbox.leasemillis", "60000");
        Cluster.Node first = Cluster.startMessenger(config);
        Cluster.Node second = null;
        try {
            TestUser alice = Cluster.user();
            TestUser bob = Cluster.user();
            try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
                long before = alice.sendTo(first.http(), bob, "published by the first").get("id").asLong();
                assertThat(topic.await(r -> r.event().message().id() == before, 1, Duration.ofSeconds(30)), hasSize(1));
                second = Cluster.startMessenger(config);
                first.stop();
                first = null;
                long after = alice.sendTo(second.http(), bob, "published by the second").get("id").asLong();
                assertThat("published by the second replica without waiting out the first one's lease",
                        topic.await(r -> r.event().message().id() == after, 1, Duration.ofSeconds(15)), hasSize(1));
            }
        } finally {
            if (first != null) {
                first.stop();
            }
            if (second != null) {
                second.stop();
            }
        }
    }

    private static Connection db() throws Exception {
        var e = Cluster.infra();
        return DriverManager.getConnection(Cluster.privateDatabase(DATABASE) + "?currentSchema=messenger", e.dbUser(), e.dbPassword());
    }
}
