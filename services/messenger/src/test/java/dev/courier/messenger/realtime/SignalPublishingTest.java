package dev.courier.messenger.realtime;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.redis.RedisSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Publishing hints never makes a sender wait for Redis: when Redis hangs, hints are dropped and
 * counted. Hints sent in a burst reach the other replicas merged, complete and in order, and a
 * replica does not hear its own.
 */
class SignalPublishingTest {

    @Test
    void aBurstOfHintsArrivesMergedInOrderAtTheOtherReplicaAndNotAtItsSender() throws Exception {
        URI url = URI.create(Cluster.infra().redisUrl());
        try (JedisPooled redisA = new JedisPooled(url); JedisPooled redisB = new JedisPooled(url);
                Signals a = new Signals(redisA); Signals b = new Signals(redisB)) {
            List<Signals.Changed> heardByA = new CopyOnWriteArrayList<>();
            List<Signals.Changed> heardByB = new CopyOnWriteArrayList<>();
            a.listen(heardByA::add, e -> { }, r -> { });
            b.listen(heardByB::add, e -> { }, r -> { });
            await(() -> a.subscribed() && b.subscribed());
            int hints = 2000;
            for (int i = 1; i <= hints; i++) {
                a.changed(List.of(new Appended("{\"type\":\"note\",\"n\":" + i + "}", List.of(new Appended.Entry(7, i)))));
            }
            await(() -> heardByB.stream().mapToInt(c -> c.carried().size()).sum() >= hints);
            List<Long> cursors = heardByB.stream().flatMap(c -> c.carried().stream())
                    .flatMap(e -> e.cursors().stream()).map(Signals.Cursor::cursor).toList();
            assertThat(cursors, is(LongStream.rangeClosed(1, hints).boxed().toList()));
            assertThat(heardByB.stream().allMatch(c -> c.userIds().equals(List.of(7L))), is(true));
            // Merged: far fewer messages than hints (a burst is taken from the queue in batches).
            assertThat(heardByB.size(), lessThan(hints));
            // Sent after the burst, so heard after it: by then A has had the chance to hear its own.
            b.changed(List.of(new Appended("{\"type\":\"note\"}", List.of(new Appended.Entry(8, 1)))));
            await(() -> heardByA.size() == 1);
            assertThat(heardByA.get(0).userIds(), is(List.of(8L)));
            assertThat(a.dropped() + b.dropped(), is(0L));
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

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
                // Two wait in the queue, one batch (at most what the queue held, plus one) is being
                // published: every other hint was dropped.
                assertThat(signals.dropped(), greaterThanOrEqualTo(195L));
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
