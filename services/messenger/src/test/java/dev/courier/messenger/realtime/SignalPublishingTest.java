package dev.courier.messenger.realtime;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Signals;
import dev.courier.platform.redis.RedisSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/** Publishing hints never makes a sender wait for Redis: when Redis hangs, hints are dropped and counted. */
class SignalPublishingTest {

    @Test
    void aHangingRedisNeitherBlocksTheCommittingThreadNorGrowsTheQueue() throws Exception {
        // A "Redis" that accepts connections and never answers.
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            JedisPooled hung = new JedisPooled(RedisSettings.poolConfig(2, 500), URI.create("redis://127.0.0.1:" + silent.getLocalPort()));
            Signals signals = new Signals(hung, 2);
            try {
                for (int i = 0; i < 100; i++) {
                    signals.changed(List.of(new Appended("{\"type\":\"note\"}", List.of(new Appended.Entry(1, i + 1)))));
                    signals.ephemeral(List.of(1L), Map.of("type", "typing"));
                }
                // Two wait in the queue, at most one is being published: every other hint was dropped.
                assertThat(signals.dropped(), greaterThanOrEqualTo(197L));
            } finally {
                signals.close();
                hung.close();
                silent.close();
                acceptor.join(2000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
            assertThat(silent.isClosed(), is(true));
        }
    }
}
