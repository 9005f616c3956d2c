package dev.courier.notifier.delivery;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.events.MessageEvent;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * One subscriber's broken or silent push endpoint costs only that subscriber: everyone else in
 * the chat is notified at once, and the broken one is recorded.
 */
class DispatchIsolationTest {

    private final Notifier n = Notifier.get();

    private Subscriber subscribe(TestUser u, String endpoint) {
        Subscriber s = Subscriber.at(endpoint);
        var r = n.http.post("/api/v1/push/subscriptions", s.json(), u.auth());
        assertThat(r.body(), r.status(), is(201));
        return s;
    }

    @Test
    void aBrokenAndASilentEndpointDelayNobodyElseInTheRoom() throws Exception {
        // Accepts connections and never answers a byte.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            TestUser alice = n.auth.user("Alice");
            TestUser broken = n.auth.user("Broken");
            TestUser mute = n.auth.user("Silent");
            List<TestUser> others = new ArrayList<>();
            List<Subscriber> theirs = new ArrayList<>();
            subscribe(mute, "http://127.0.0.1:" + silent.getLocalPort() + "/push/never");
            // A subscription stored before its host was checked, whose host (a trailing dot) makes
            // the HTTP client throw rather than fail with an I/O error.
            Subscriber bad = Subscriber.at("https://push.example.com./push/" + java.util.UUID.randomUUID());
            insertSubscription(broken.id(), bad);
            for (int i = 0; i < 4; i++) {
                TestUser u = n.auth.user("Other " + i);
                others.add(u);
                theirs.add(subscribe(u, n.push.endpoint("other" + i)));
            }
            List<Long> recipients = new ArrayList<>(List.of(broken.id(), mute.id()));
            others.forEach(u -> recipients.add(u.id()));

            long t0 = System.nanoTime();
            MessageEvent e = n.message(Notifier.newChatId(), "room", alice.id(), "hello all", recipients);
            for (Subscriber s : theirs) {
                n.push.await(s.endpoint(), Duration.ofSeconds(20));
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat("everyone else notified within 5 s, took " + millis + " ms", millis, lessThan(5000L));

            // The broken subscription's attempt is on record (the silent one's comes only at its timeout).
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<Map<String, Object>> rows = n.attempts(e.eventId());
            while (rows.stream().allMatch(r -> "delivered".equals(r.get("outcome"))) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                rows = n.attempts(e.eventId());
            }
            assertThat(rows.toString(), rows.stream().anyMatch(r -> !"delivered".equals(r.get("outcome"))), is(true));
            held.forEach(DispatchIsolationTest::closeQuietly);
        }
    }

    private long insertSubscription(long userId, Subscriber s) throws Exception {
        var stack = n.stack;
        try (Connection c = DriverManager.getConnection(stack.dbUrl(), stack.dbUser(), stack.dbPassword());
             var ps = c.prepareStatement("INSERT INTO notifier.subscription (user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setLong(1, userId);
            ps.setString(2, s.endpoint());
            ps.setString(3, s.p256dh());
            ps.setString(4, s.auth());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (java.io.IOException ignored) {
            // already gone
        }
    }
}
