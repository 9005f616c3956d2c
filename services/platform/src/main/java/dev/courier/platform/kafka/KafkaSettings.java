package dev.courier.platform.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.helidon.common.config.Config;

/**
 * Kafka connection settings from {@code courier.kafka} ({@code bootstrap}, {@code partitions},
 * {@code replication}, and any client property under {@code properties}, for TLS or SASL).
 * Keys are strings (the conversation id), values are JSON bytes.
 */
public record KafkaSettings(String bootstrap, int partitions, short replication, Map<String, String> extra) {

    public static KafkaSettings from(Config kafka) {
        String bootstrap = kafka.get("bootstrap").asString()
                .orElseThrow(() -> new IllegalStateException("courier.kafka.bootstrap is not set"));
        return new KafkaSettings(bootstrap,
                kafka.get("partitions").asInt().orElse(6),
                kafka.get("replication").asInt().orElse(1).shortValue(),
                kafka.get("properties").detach().asMap().orElse(Map.of()));
    }

    /** An idempotent producer: acks from all replicas, ordering kept per key across retries. */
    public Properties producer(String clientId) {
        Properties p = common(clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return p;
    }

    /** A consumer that commits only what the application has made durable. */
    public Properties consumer(String groupId, String clientId) {
        Properties p = common(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A consumer that dies without leaving its group (a crashed JVM) keeps its partitions until
        // its session times out; a restarted replica consumes again only then. 10 s instead of
        // Kafka's 45 s bounds that wait for every service.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        return p;
    }

    public Admin admin() {
        Properties p = common("courier-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /**
     * Creates the topics that do not exist yet with the configured partition count. Fails with one
     * clear message when the brokers cannot be reached.
     */
    public void ensureTopics(Admin admin, Collection<String> topics) {
        List<NewTopic> wanted = new ArrayList<>();
        for (String t : topics) {
            wanted.add(new NewTopic(t, partitions, replication));
        }
        try {
            var existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            wanted.removeIf(t -> existing.contains(t.name()));
            if (wanted.isEmpty()) {
                return;
            }
            admin.createTopics(wanted).values().forEach((name, future) -> {
                try {
                    future.get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create Kafka topic " + name + ": " + e.getCause().getMessage(), e);
                    }
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Timed out creating Kafka topic " + name, e);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating Kafka topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach Kafka at " + bootstrap + " (" + e + ")", e);
        }
    }

    private Properties common(String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.putAll(extra);
        return p;
    }
}
