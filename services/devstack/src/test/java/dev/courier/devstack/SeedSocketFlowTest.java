package dev.courier.devstack;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A message sent through a seed's own socket protocol (seed 004's {@code register} and
 * {@code message} frames on {@code /ws}, through the one public port) is like any other: counted by
 * stats for sender and recipient, and pushed by the notifier to the offline recipient's browser.
 */
class SeedSocketFlowTest {

    private record User(long id, String token) {
    }

    private static User signUp(Http gateway) {
        String name = "sock" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Socket-" + UUID.randomUUID();
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

    /** A browser's subscription keys: an uncompressed P-256 point and a 16-byte auth secret. */
    private static Map<String, Object> subscription(String endpoint) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
        byte[] point = new byte[65];
        point[0] = 4;
        copy32(pub.getW().getAffineX(), point, 1);
        copy32(pub.getW().getAffineY(), point, 33);
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return Map.of("endpoint", endpoint, "keys", Map.of("p256dh", b64.encodeToString(point), "auth", b64.encodeToString(auth)));
    }

    private static void copy32(BigInteger v, byte[] to, int at) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, to, at + 32 - n, n);
    }

    private static void await(long expected, LongSupplier actual, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long seen = actual.getAsLong();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = actual.getAsLong();
        }
        assertThat(seen, is(expected));
    }

    private static long count(Http gateway, String path, User who, long since) {
        Http.Response r = gateway.get(path + "?since=" + since + "&to=" + (Instant.now().getEpochSecond() + 3600), bearer(who));
        assertThat(r.body(), r.status(), is(200));
        return r.json().get("messages").asLong();
    }

    /** Collects whole text frames. */
    private static final class Frames implements WebSocket.Listener {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

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

        String await(String fragment) throws InterruptedException {
            long end = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < end) {
                String f = frames.poll(100, TimeUnit.MILLISECONDS);
                if (f != null && f.contains(fragment)) {
                    return f;
                }
            }
            throw new AssertionError("No frame with " + fragment);
        }
    }

    @Test
    void aMessageSentOnSeed004sSocketIsCountedByStatsAndPushedToTheOfflineRecipient() throws Exception {
        // A push service on this machine: the notifier accepts http://127.0.0.1 endpoints only in this mode.
        HttpServer pushService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger pushes = new AtomicInteger();
        pushService.createContext("/push/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            pushes.incrementAndGet();
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        pushService.start();
        try (DevStack stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of("courier.notifier.push.allowloopbackhttp", "true"))) {
            Http gateway = Http.port(stack.gatewayPort());
            User alice = signUp(gateway);
            User bob = signUp(gateway);
            long since = Instant.now().getEpochSecond() - 5;
            Http.Response subscribed = gateway.post("/api/v1/push/subscriptions",
                    subscription("http://127.0.0.1:" + pushService.getAddress().getPort() + "/push/bob"), bearer(bob));
            assertThat(subscribed.body(), subscribed.status(), is(201));

            // The direct chat is created by a first message over REST; Bob is offline: one push.
            Http.Response first = gateway.post("/api/v1/messages", Map.of("toUserId", bob.id(), "text", "hello Bob"), bearer(alice));
            assertThat(first.body(), first.status(), is(201));
            long chat = first.json().get("conversationId").asLong();
            await(1, pushes::get, Duration.ofSeconds(30));

            Frames frames = new Frames();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + stack.gatewayPort() + "/ws"), frames).join();
            try {
                ws.sendText("{\"type\":\"register\",\"token\":\"" + alice.token() + "\",\"chat_id\":" + chat + "}", true).join();
                frames.await("\"registered\"");
                String id = "msg_" + UUID.randomUUID();
                ws.sendText("""
                        {"type":"message","data":{"id":"%s","sender_id":%d,"message_type":"text",
                         "ciphertext":"encrypted_content","nonce":"encryption_nonce","envelopes":{},
                         "created_at":"2024-01-01T12:00:00Z"}}""".formatted(id, alice.id()), true).join();
                frames.await(id);
            } finally {
                ws.abort();
            }

            await(2, () -> count(gateway, "/MessagesSentByUser", alice, since), Duration.ofSeconds(30));
            await(2, () -> count(gateway, "/MessagesReceivedByUser", bob, since), Duration.ofSeconds(30));
            await(2, pushes::get, Duration.ofSeconds(30));
        } finally {
            pushService.stop(0);
        }
    }
}
