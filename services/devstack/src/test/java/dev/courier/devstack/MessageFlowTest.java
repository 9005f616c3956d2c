package dev.courier.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The walking skeleton through every hop: a message accepted by messenger (through the one public
 * port) is stored with its outbox row, relayed to Kafka, consumed and counted by stats.
 */
class MessageFlowTest {

    private record User(long id, String token) {
    }

    private static User signUp(Http gateway) {
        String name = "flow" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Skeleton-" + UUID.randomUUID();
        Http.Response reg = gateway.post("/api/v1/auth/register",
                Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        Http.Response login = gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new User(reg.json().get("id").asLong(), login.json().get("accessToken").asText());
    }

    private static Map<String, String> bearer(User u) {
        return Map.of("Authorization", "Bearer " + u.token());
    }

    private static void send(Http gateway, User from, User to, String text) {
        Http.Response sent = gateway.post("/send", Map.of("pal_id", to.id(), "message", text), bearer(from));
        assertThat(sent.body(), sent.status() / 100, is(2));
    }

    private static long count(Http gateway, String path, User who, long since) {
        long to = Instant.now().getEpochSecond() + 3600;
        Http.Response r = gateway.get(path + "?since=" + since + "&to=" + to, bearer(who));
        assertThat(r.body(), r.status(), is(200));
        return r.json().get("messages").asLong();
    }

    private static void awaitCount(long expected, LongSupplier actual, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long seen = actual.getAsLong();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = actual.getAsLong();
        }
        assertThat(seen, is(expected));
    }

    @Test
    void aSentMessageIsCountedByStatsForSenderAndRecipient() throws Exception {
        try (DevStack stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of())) {
            Http gateway = Http.port(stack.gatewayPort());
            User alice = signUp(gateway);
            User bob = signUp(gateway);
            long since = Instant.now().getEpochSecond() - 5;

            send(gateway, alice, bob, "hello bob");
            send(gateway, alice, bob, "still there?");
            send(gateway, bob, alice, "yes");

            awaitCount(2, () -> count(gateway, "/MessagesSentByUser", alice, since), Duration.ofSeconds(30));
            awaitCount(2, () -> count(gateway, "/MessagesReceivedByUser", bob, since), Duration.ofSeconds(30));
            awaitCount(1, () -> count(gateway, "/MessagesReceivedByUser", alice, since), Duration.ofSeconds(30));
        }
    }

    @Test
    void messagesSentWhileKafkaIsDownAreDeliveredWhenItReturns() throws Exception {
        // A private Kafka: stopping the shared one would disturb every other test.
        LocalStack outage = LocalStack.test(Path.of(System.getProperty("courier.test.home", ".courier/test")).resolveSibling("test-kafka-outage"));
        String bootstrap = outage.kafkaOnly();
        Endpoints shared = LocalStack.shared();
        Endpoints infra = new Endpoints(shared.dbUrl(), shared.dbUser(), shared.dbPassword(), shared.redisUrl(), bootstrap,
                shared.smtpHost(), shared.smtpPort(), shared.mailApiUrl());
        // Own consumer group: the private Kafka's offsets must not mix with the shared one's.
        Map<String, String> config = Map.of("courier.stats.group", "stats-outage-" + UUID.randomUUID());
        try (DevStack stack = DevStack.start(infra, 0, 0, config)) {
            Http gateway = Http.port(stack.gatewayPort());
            User alice = signUp(gateway);
            User bob = signUp(gateway);
            long since = Instant.now().getEpochSecond() - 5;
            send(gateway, alice, bob, "before the outage");
            awaitCount(1, () -> count(gateway, "/MessagesSentByUser", alice, since), Duration.ofSeconds(30));

            outage.stopKafka();
            int during = 5;
            for (int i = 0; i < during; i++) {
                send(gateway, alice, bob, "during the outage " + i);
            }
            // Acknowledged and readable from PostgreSQL while Kafka is away.
            Http.Response history = gateway.get("/chat?pal_id=" + bob.id() + "&offset=0&limit=100", bearer(alice));
            assertThat(history.body(), history.json().size(), is(1 + during));

            outage.startKafka();
            awaitCount(1 + during, () -> count(gateway, "/MessagesSentByUser", alice, since), Duration.ofSeconds(90));
            awaitCount(1 + during, () -> count(gateway, "/MessagesReceivedByUser", bob, since), Duration.ofSeconds(30));
        } finally {
            outage.stopKafka();
        }
    }
}
