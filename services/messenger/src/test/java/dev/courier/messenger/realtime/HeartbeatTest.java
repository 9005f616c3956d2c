package dev.courier.messenger.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/** Idle sockets: no thread of their own waits for them, yet they keep getting heartbeats and messages. */
class HeartbeatTest {

    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.with("courier.messenger.ws.heartbeatmillis", "200",
            "courier.messenger.ws.sweepmillis", "300", "courier.messenger.ws.deadaftermillis", "2000");

    /** Counts pings (answered by the JDK client) and collects text frames. */
    private static final class Client implements WebSocket.Listener {
        final AtomicInteger pings = new AtomicInteger();
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        volatile int closedWith;

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(ws, message);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        String await(String type) throws InterruptedException {
            long end = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < end) {
                String f = frames.poll(100, TimeUnit.MILLISECONDS);
                if (f != null && Json.read(f.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class).get("type").equals(type)) {
                    return f;
                }
            }
            throw new AssertionError("No " + type + " frame");
        }
    }

    @Test
    void anIdleSocketIsPingedEveryHeartbeatStaysOpenAndStillGetsMessages() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        Client client = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(node.ws() + "?token=" + bob.token()), client).join();
        try {
            client.await("ready");
            // Ten heartbeats of silence from the client (the JDK answers pings on its own), five
            // times longer than a silent socket would be allowed to stay.
            Thread.sleep(4000);
            assertThat(client.pings.get(), greaterThanOrEqualTo(8));
            assertThat(client.closedWith, is(0));
            assertThat(node.app().hub().size(), is(1));

            long id = alice.sendTo(node.http(), bob, "still there?").get("id").asLong();
            String created = client.await("message.created");
            assertThat(Json.MAPPER.readTree(created).get("message").get("id").asLong(), is(id));
        } finally {
            ws.abort();
        }
    }

    @Test
    void theHeartbeatCountsAnOnlineUserAgainWhenRedisLostThePresenceKey() throws Exception {
        TestUser bob = Cluster.user();
        Client client = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(node.ws() + "?token=" + bob.token()), client).join();
        try (var redis = new redis.clients.jedis.JedisPooled(URI.create(Cluster.infra().redisUrl()))) {
            client.await("ready");
            // As after a Redis restart: the key is gone while the socket is still open, so the
            // notifier would take Bob for offline.
            redis.del(Presence.key(bob.id()));
            long end = System.currentTimeMillis() + 5000;
            while (!redis.exists(Presence.key(bob.id())) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertThat(redis.exists(Presence.key(bob.id())), is(true));
            assertThat(redis.ttl(Presence.key(bob.id())), greaterThanOrEqualTo(1L));
        } finally {
            ws.abort();
        }
    }

    @Test
    void aSocketThatNeverAuthenticatesIsClosedWhenTheAuthTimeoutPasses() throws Exception {
        Cluster.Node strict = Cluster.startMessenger(Map.of("courier.messenger.ws.authtimeoutmillis", "500",
                "courier.messenger.ws.sweepmillis", "100"));
        try {
            Client client = new Client();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(strict.ws()), client).join();
            try {
                String error = client.await("error");
                assertThat(Json.MAPPER.readTree(error).get("status").asInt(), is(401));
                long end = System.currentTimeMillis() + 5000;
                while (client.closedWith == 0 && System.currentTimeMillis() < end) {
                    Thread.sleep(20);
                }
                assertThat(client.closedWith, is(Connection.UNAUTHORIZED));
            } finally {
                ws.abort();
            }
        } finally {
            strict.stop();
        }
    }
}
