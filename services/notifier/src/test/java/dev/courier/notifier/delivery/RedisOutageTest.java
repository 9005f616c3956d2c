package dev.courier.notifier.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Messages sent while the notifier's Redis is away still notify offline recipients once it is
 * back. The notifier here has a Redis of its own (stopping the shared one would disturb every
 * other test) and its own events topic.
 */
class RedisOutageTest {

    private static LocalStack own;
    private static Notifier n;

    @BeforeAll
    static void start() {
        own = LocalStack.test(Path.of(System.getProperty("courier.test.home", ".courier/test")).resolve("outage-notifier"));
        n = Notifier.with(Map.of("courier.redis.url", own.redisOnly(),
                "courier.notifier.kafka.topic", Notifier.TOPIC + ".redis-outage"));
    }

    @AfterAll
    static void stop() {
        if (n != null) {
            n.close();
        }
        own.stop();
    }

    @Test
    void aMessageSentWhileRedisIsDownIsPushedOnceRedisIsBack() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = Subscriber.at(n.push.endpoint("outage"));
        var r = n.http.post("/api/v1/push/subscriptions", s.json(), bob.auth());
        assertThat(r.body(), r.status(), is(201));

        own.stopRedis();
        try {
            n.message(Notifier.newChatId(), "direct", alice.id(), "sent during the outage", List.of(bob.id()));
            Thread.sleep(4000);
        } finally {
            own.startRedis();
        }
        var received = n.push.await(s.endpoint(), Duration.ofSeconds(30));
        assertThat(s.decrypt(received.body()), containsString("sent during the outage"));
        Thread.sleep(1000);
        assertThat("notified once", n.push.drain(s.endpoint()).size(), is(0));
    }
}
