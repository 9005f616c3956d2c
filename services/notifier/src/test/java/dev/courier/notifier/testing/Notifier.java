package dev.courier.notifier.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.helidon.webserver.WebServer;
import redis.clients.jedis.JedisPooled;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.notifier.NotifierApp;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;

/**
 * One notifier per test JVM on a real port, wired to the shared PostgreSQL, Redis, Kafka and
 * GreenMail, with short retry and email windows. Its consumer group is unique to this JVM and
 * starts at the end of its own events topic (see {@link #TOPIC}), so old runs do not reach it.
 */
public final class Notifier {

    /** The email window the tests run with: long enough to batch, short enough to wait out. */
    public static final Duration EMAIL_WINDOW = Duration.ofSeconds(6);
    public static final int PUSH_ATTEMPTS = 3;
    /** Push subscriptions per user, and subscription writes per user in {@link #WRITE_WINDOW}. */
    public static final int SUBSCRIPTIONS_PER_USER = 5;
    public static final int SUBSCRIPTION_WRITES = 20;
    public static final Duration WRITE_WINDOW = Duration.ofSeconds(120);
    /**
     * Message events in the contract's exact format, on a topic of the notifier's tests: the shared
     * Kafka also carries every other engineer's test traffic on courier.messages.v1, which would
     * queue ahead of these tests' events and make their timings meaningless.
     */
    public static final String TOPIC = "courier.messages.v1.notifier-test";

    private static Notifier instance;

    public final Endpoints stack;
    public final TestAuth auth;
    public final FakePushService push;
    public final NotifierApp app;
    public final WebServer server;
    public final Http http;
    public final JedisPooled redis;
    /** The events topic this notifier consumes ({@link #TOPIC} unless overridden). */
    public final String topic;
    private final KafkaProducer<String, byte[]> producer;

    private Notifier(Map<String, String> overrides) throws IOException, InterruptedException {
        stack = LocalStack.shared();
        auth = new TestAuth(stack);
        push = new FakePushService();
        Map<String, String> c = new HashMap<>(stack.config());
        c.put("server.port", "0");
        c.put("server.host", "127.0.0.1");
        c.put("courier.auth.jwks", auth.jwks());
        c.put("courier.auth.grpc", auth.grpc());
        c.put("courier.auth.directorycredential", TestAuth.DIRECTORY_CREDENTIAL);
        c.put("courier.notifier.publicurl", "http://courier.test");
        // No messenger runs beside this notifier: mutes of chats are not checked against memberships
        // here (devstack's MuteMembershipTest checks them with every service running).
        c.put("courier.messenger.url", "");
        c.put("courier.notifier.push.allowloopbackhttp", "true");
        c.put("courier.notifier.push.attempts", Integer.toString(PUSH_ATTEMPTS));
        c.put("courier.notifier.push.backoffmillis", "200");
        c.put("courier.notifier.push.maxdelayseconds", "3");
        c.put("courier.notifier.subscriptions.peruser", Integer.toString(SUBSCRIPTIONS_PER_USER));
        c.put("courier.notifier.subscriptions.writes", Integer.toString(SUBSCRIPTION_WRITES));
        c.put("courier.notifier.subscriptions.windowseconds", Long.toString(WRITE_WINDOW.toSeconds()));
        c.put("courier.notifier.email.windowseconds", Long.toString(EMAIL_WINDOW.toSeconds()));
        c.put("courier.notifier.email.flushmillis", "500");
        c.put("courier.notifier.kafka.group", "courier-notifier-test-" + UUID.randomUUID());
        c.put("courier.notifier.kafka.offsetreset", "latest");
        c.put("courier.notifier.kafka.topic", TOPIC);
        c.put("courier.notifier.dispatch.backoffmillis", "200");
        c.put("courier.notifier.dispatch.maxdelayseconds", "2");
        c.putAll(overrides);
        topic = c.get("courier.notifier.kafka.topic");
        var config = Configs.load(NotifierApp.class, c);
        KafkaSettings kafka = KafkaSettings.from(config.get("courier.kafka"));
        try (var admin = kafka.admin()) {
            kafka.ensureTopics(admin, List.of(topic));
        }
        app = NotifierApp.create(config);
        server = Servers.start(config, app);
        if (!app.awaitConsumer(Duration.ofSeconds(60))) {
            throw new IllegalStateException("The notifier's consumer got no partitions");
        }
        http = Http.port(server.port());
        redis = new JedisPooled(java.net.URI.create(c.get("courier.redis.url")));
        producer = new KafkaProducer<>(kafka.producer("notifier-test"));
    }

    /**
     * A notifier of its own with some settings changed (its own Redis, to stop it); close it after
     * use. Its consumer group is its own too, so it sees the same events as the shared one.
     */
    public static Notifier with(Map<String, String> overrides) {
        try {
            return new Notifier(overrides);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void close() {
        producer.close(Duration.ofSeconds(2));
        server.stop();
        app.close();
        push.close();
        auth.close();
        redis.close();
    }

    public static synchronized Notifier get() {
        if (instance == null) {
            try {
                instance = new Notifier(Map.of());
                Notifier n = instance;
                Runtime.getRuntime().addShutdownHook(new Thread(n::close));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /** Ids as the database makes them: positive, and (like any realistic id) exact as JavaScript numbers. */
    public static long newChatId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, 1L << 53);
    }

    /** A message.created event as messenger publishes it, produced to the real topic. */
    public MessageEvent message(long chatId, String kind, long senderId, String text, List<Long> recipients) {
        long messageId = ThreadLocalRandom.current().nextLong(1, 1L << 53);
        MessageEvent e = new MessageEvent(MessageEvent.SCHEMA_VERSION, "message.created:" + UUID.randomUUID(),
                MessageEvent.CREATED, Instant.now(), chatId, kind,
                new MessageEvent.Message(messageId, senderId, text, null, null, null, Instant.now(), null, false),
                recipients);
        produce(e);
        return e;
    }

    public void produce(MessageEvent e) {
        try {
            producer.send(new ProducerRecord<>(topic, Long.toString(e.conversationId()), Json.write(e))).get(10, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw new IllegalStateException("Cannot produce " + e.eventId(), ex);
        }
    }

    public void online(long userId) {
        redis.setex("courier:presence:" + userId, 60, "1");
    }

    public void offline(long userId) {
        redis.del("courier:presence:" + userId);
    }

    /** Rows of notifier.delivery_attempt for an event, oldest first: channel, status, outcome. */
    public List<Map<String, Object>> attempts(String eventId) {
        try (Connection c = DriverManager.getConnection(stack.dbUrl(), stack.dbUser(), stack.dbPassword());
             var ps = c.prepareStatement("SELECT channel, status, outcome, attempt, latency_ms FROM notifier.delivery_attempt WHERE event_id = ? ORDER BY id")) {
            ps.setString(1, eventId);
            try (var rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("channel", rs.getString(1));
                    row.put("status", rs.getObject(2));
                    row.put("outcome", rs.getString(3));
                    row.put("attempt", rs.getInt(4));
                    row.put("latency", rs.getLong(5));
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
