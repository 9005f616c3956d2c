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
                Signals a = isolated(redisA); Signals b = isolated(redisB)) {
            List<Signals.Changed> heardByA = new CopyOnWriteArrayList<>();
            List<Signals.Changed> heardByB = new CopyOnWriteArrayList<>();
            a.listen(heardByA::add, e -> { }, r -> { });
            b.listen(heardByB::add, e -> { }, r -> { });
            await(() -> a.subscribed() && b.subscribed());
            int hints = 2000;
            for (int i = 1; i <= hints; i++) {
                a.changed(List.of(new Appended(i, 7, "{\"type\":\"note\",\"n\":" + i + "}", List.of(), List.of())));
            }
            await(() -> heardByB.stream().mapToInt(c -> c.carried().size()).sum() >= hints);
            List<Long> positions = heardByB.stream().flatMap(c -> c.carried().stream()).map(Appended::pos).toList();
            assertThat(positions, is(LongStream.rangeClosed(1, hints).boxed().toList()));
            assertThat(heardByB.stream().flatMap(c -> c.carried().stream()).allMatch(e -> e.conversationId() == 7L), is(true));
            // Merged: far fewer messages than hints (a burst is taken from the queue in batches).
            assertThat(heardByB.size(), lessThan(hints));
            // Sent after the burst, so heard after it: by then A has had the chance to hear its own.
            b.changed(List.of(new Appended(1, 8, "{\"type\":\"note\"}", List.of(), List.of())));
            await(() -> heardByA.size() == 1);
            assertThat(heardByA.get(0).carried().get(0).conversationId(), is(8L));
            assertThat(a.dropped() + b.dropped(), is(0L));
        }
    }

    // Channels of this test's own: its made-up events must not reach the shared stack's replicas.
    private static final String CHANNELS = "test:" + java.util.UUID.randomUUID() + ":";

    private static Signals isolated(JedisPooled redis) {
        return new Signals(redis, Signals.DEFAULT_QUEUE, CHANNELS + "changed", CHANNELS + "ephemeral");
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
                    signals.changed(List.of(new Appended(i + 1, 1, "{\"type\":\"note\"}", List.of(), List.of())));
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
