package dev.courier.notifier.delivery;

import java.lang.System.Logger.Level;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.helidon.messaging.Channel;
import io.helidon.messaging.Emitter;
import io.helidon.messaging.Messaging;
import io.helidon.messaging.connectors.kafka.KafkaConfigBuilder;
import io.helidon.messaging.connectors.kafka.KafkaConnector;
import io.helidon.messaging.connectors.kafka.KafkaMessage;

import dev.courier.platform.events.Topics;

/**
 * Publishes dead letters on {@code courier.notifications.dlq.v1} (key = user id) through Helidon
 * messaging's Kafka connector: an outgoing channel fed by an emitter. A dead letter is a plain keyed
 * publish with no transaction and nothing to commit, which the connector does as it is; the
 * notifier's consumer stays on kafka-clients for what the connector lacks (README).
 */
public final class DeadLetters implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeadLetters.class.getName());
    private final Emitter<byte[]> emitter;
    private final Messaging messaging;

    private DeadLetters(Emitter<byte[]> emitter, Messaging messaging) {
        this.emitter = emitter;
        this.messaging = messaging;
    }

    /** @param producer the service's producer settings (bootstrap, TLS/SASL, acks, idempotence) */
    public static DeadLetters start(Properties producer) {
        KafkaConfigBuilder config = KafkaConnector.configBuilder()
                .topic(Topics.NOTIFICATIONS_DLQ)
                .keySerializer(StringSerializer.class)
                .valueSerializer(ByteArraySerializer.class);
        producer.forEach((k, v) -> {
            String key = k.toString();
            if (!key.equals(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG) && !key.equals(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
                config.property(key, v.toString());
            }
        });
        Channel<byte[]> channel = Channel.<byte[]>builder().name("notifier-dead-letters").subscriberConfig(config.build()).build();
        Emitter<byte[]> emitter = Emitter.create(channel);
        Messaging messaging = Messaging.builder().connector(KafkaConnector.create()).emitter(emitter).build().start();
        return new DeadLetters(emitter, messaging);
    }

    /**
     * Hands a dead letter to the producer; one the emitter cannot take (its buffer full while Kafka
     * is away) is logged, the attempt itself being recorded in the database already.
     */
    public void publish(String key, byte[] value, String eventId) {
        try {
            emitter.send(KafkaMessage.of(key, value));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Cannot publish dead letter for event " + eventId, e);
        }
    }

    @Override
    public void close() {
        emitter.complete();
        messaging.stop();
    }
}
