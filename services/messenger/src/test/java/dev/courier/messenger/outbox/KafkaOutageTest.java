package dev.courier.messenger.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.platform.events.Topics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Kafka goes away in the middle of a burst of sends. A Kafka of the test's own is stopped (never
 * the shared one), with a messenger on a database of its own: every acknowledged message must still reach the topic exactly once, in order.
 */
class KafkaOutageTest {

    private static LocalStack privateKafka;
    private static String bootstrap;
    private static Cluster.Node node;

    @BeforeAll
    static void start() throws Exception {
        privateKafka = LocalStack.test(Path.of("target", "private-kafka"));
        bootstrap = privateKafka.kafkaOnly();
        // Its own database too: instances sharing an outbox table relay each other's rows.
        node = Cluster.startMessenger(Map.of("courier.kafka.bootstrap", bootstrap,
                "courier.db.url", Cluster.privateDatabase("courier_messenger_outage")));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
        if (privateKafka != null) {
            privateKafka.stopKafka();
        }
    }

    @Test
    void acknowledgedMessagesSentWhileKafkaIsDownArePublishedExactlyOnceInOrderWhenItReturns() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        List<Long> acked = new ArrayList<>();
        try (TopicReader topic = new TopicReader(bootstrap, Topics.MESSAGES)) {
            for (int i = 0; i < 10; i++) {
                acked.add(alice.sendTo(node.http(), bob, "before " + i).get("id").asLong());
            }
            privateKafka.stopKafka();
            for (int i = 0; i < 20; i++) {
                acked.add(alice.sendTo(node.http(), bob, "during " + i).get("id").asLong());
            }
            Thread.sleep(1500);
            privateKafka.startKafka();
            for (int i = 0; i < 10; i++) {
                acked.add(alice.sendTo(node.http(), bob, "after " + i).get("id").asLong());
            }

            List<TopicReader.Record> got = topic.await(r -> acked.contains(r.event().message().id()), acked.size(), Duration.ofSeconds(90));
            List<Long> ids = got.stream().map(r -> r.event().message().id()).toList();
            assertThat("every acknowledged message, once each, in send order", ids, is(acked));
            assertThat(got.stream().map(TopicReader.Record::key).distinct().count(), is(1L));
        }
        var history = alice.get(node.http(), "/chat?pal_id=" + bob.id() + "&limit=100").json();
        assertThat(history.size(), is(acked.size()));
    }
}
