package dev.courier.stats.processing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.MessageProcessedEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.server.Backing;
import dev.courier.stats.Kafkas;
import dev.courier.stats.StatsApp;
import dev.courier.stats.Traffic;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.counts.Grain;
import dev.courier.stats.counts.Metric;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The consumer against the real Kafka topic and PostgreSQL: one consumer instance dies inside a
 * batch's transaction, the next dies right after a commit (before publishing), a third resumes.
 * Every number for this test's own users, chats and time window must then be exact.
 */
class StatsConsumerTest {

    private static final long WINDOW = 3 * 86_400;

    private static Endpoints infra;
    private static String database;
    private static String dbUrl;
    private static Backing backing;
    private static Traffic traffic;
    private static CountStore counts;
    private static Map<Integer, Long> processedStart;
    private static final Set<Long> committedByKilledConsumer = new HashSet<>();
    private static StatsConsumer survivor;

    /**
     * What a killed process looks like from the consumer loop: it stops right there. A
     * VirtualMachineError, as the JVM failing is: the consumer's supervisor restarts it after any
     * other failure, never after that.
     */
    static final class Killed extends VirtualMachineError {
        Killed(String where) {
            super("killed " + where);
        }
    }

    @BeforeAll
    static void countTrafficThroughCrashes() throws SQLException {
        infra = LocalStack.shared();
        // A database of its own: no other stats consumer (a devstack, another test) records these
        // messages first, so the kills below always hit a batch that counts them.
        database = "stats_crash_" + System.nanoTime();
        dbUrl = infra.dbUrl().substring(0, infra.dbUrl().lastIndexOf('/') + 1) + database;
        admin(infra, "CREATE DATABASE " + database);
        Map<String, String> overrides = new HashMap<>(infra.config());
        overrides.put("courier.db.url", dbUrl);
        Config config = Configs.load(StatsApp.class, overrides);
        backing = Backing.open(config, "stats", StatsApp.class);
        counts = new CountStore(backing.db());
        traffic = new Traffic(7, 8, 400, WINDOW);
        processedStart = Kafkas.endOffsets(backing.admin(), Topics.MESSAGES_PROCESSED);
        String group = "stats-test-crash-" + System.nanoTime();
        // The group starts where the topic ends now: it reads this test's events, not every
        // earlier run's (replaying the whole topic is ReplayTest's job).
        Kafkas.startAt(infra, dbUrl, group, Kafkas.endOffsets(backing.admin(), Topics.MESSAGES));
        Kafkas.produce(backing.kafka(), traffic.events);
        Kafkas.produceRaw(backing.kafka(), Long.toString(traffic.chatBase + 1), "not json".getBytes(StandardCharsets.UTF_8));
        Map<Integer, Long> end = Kafkas.endOffsets(backing.admin(), Topics.MESSAGES);
        Set<Long> ours = traffic.messageIds();

        AtomicBoolean firstKilled = new AtomicBoolean();
        StatsConsumer dyingInTransaction = consumer(group, new StatsConsumer.Hooks() {
            @Override
            public void rowsWritten(List<RecordedMessage> batch) {
                if (batch.stream().anyMatch(m -> ours.contains(m.messageId())) && firstKilled.compareAndSet(false, true)) {
                    throw new Killed("inside the transaction");
                }
            }
        });
        awaitDeath(dyingInTransaction);

        AtomicBoolean secondKilled = new AtomicBoolean();
        StatsConsumer dyingAfterCommit = consumer(group, new StatsConsumer.Hooks() {
            @Override
            public void committed(List<RecordedMessage> batch) {
                if (batch.stream().anyMatch(m -> ours.contains(m.messageId())) && secondKilled.compareAndSet(false, true)) {
                    batch.forEach(m -> committedByKilledConsumer.add(m.messageId()));
                    throw new Killed("after the commit, before publishing");
                }
            }
        });
        awaitDeath(dyingAfterCommit);

        survivor = consumer(group, StatsConsumer.NONE);
        Kafkas.awaitCounted(infra, dbUrl, group, end, Duration.ofSeconds(120));
    }

    @AfterAll
    static void tearDown() throws SQLException {
        if (survivor != null) {
            survivor.close();
        }
        backing.close();
        admin(infra, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private static void admin(Endpoints infra, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.dbUrl(), infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static StatsConsumer consumer(String group, StatsConsumer.Hooks hooks) {
        StatsConsumer c = new StatsConsumer(backing.db(), backing.kafka(), group, 50, hooks, Clock.systemUTC());
        c.start();
        return c;
    }

    private static void awaitDeath(StatsConsumer c) {
        Instant deadline = Instant.now().plusSeconds(120);
        while (c.alive()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("The consumer never reached the test's messages");
            }
            Kafkas.sleep(100);
        }
        assertThat(c.failure() instanceof Killed, is(true));
        assertThat("a dead consumer is reported stuck", c.stuck(Duration.ofMinutes(5)), is(true));
        c.close();
    }

    @Test
    void countsAreExactAfterConsumersAreKilledMidBatchAndRestarted() {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        assertThat(counts.count(Metric.MESSAGES, 0, since, to), is((long) traffic.created.size()));
        assertThat(counts.count(Metric.RECEIVED, 0, since, to), is(traffic.deliveries(since, to)));
        for (long user : traffic.users) {
            assertThat("sent by " + user, counts.count(Metric.USER_SENT, user, since, to), is(traffic.sent(user, since, to)));
            assertThat("received by " + user, counts.count(Metric.USER_RECEIVED, user, since, to), is(traffic.received(user, since, to)));
        }
        for (long chat : traffic.members.keySet()) {
            assertThat("chat " + chat, counts.count(Metric.CHAT, chat, since, to), is(traffic.inChat(chat, since, to)));
        }
        assertThat("the second consumer died holding a committed batch", committedByKilledConsumer.isEmpty(), is(false));
    }

    @Test
    void editedDeletedAndRedeliveredMessagesDoNotChangeCounts() {
        // Traffic produced edits, deletes and second message.created events for the same messages;
        // totals equal the number of distinct created messages.
        long all = counts.count(Metric.MESSAGES, 0, traffic.t0 - 86_400, traffic.t0 + 2 * WINDOW);
        assertThat(all, is((long) traffic.messageIds().size()));
        assertThat(traffic.events.size() > traffic.created.size(), is(true));
    }

    @Test
    void everyRangeCountIsExactToTheSecond() {
        Random random = new Random(11);
        for (int i = 0; i < 150; i++) {
            long a = traffic.t0 - 120 + (long) (random.nextDouble() * (WINDOW + 240));
            long b = a + (long) (random.nextDouble() * random.nextDouble() * (WINDOW + 240));
            long user = traffic.users.get(random.nextInt(traffic.users.size()));
            String range = "[" + (a - traffic.t0) + ", " + (b - traffic.t0) + ")";
            assertThat("messages " + range, counts.count(Metric.MESSAGES, 0, a, b), is(traffic.messages(a, b)));
            assertThat("received " + range, counts.count(Metric.RECEIVED, 0, a, b), is(traffic.deliveries(a, b)));
            assertThat("sent " + range, counts.count(Metric.USER_SENT, user, a, b), is(traffic.sent(user, a, b)));
            assertThat("received by " + range, counts.count(Metric.USER_RECEIVED, user, a, b), is(traffic.received(user, a, b)));
            long chat = traffic.chatBase + 90;
            assertThat("chat " + range, counts.count(Metric.CHAT, chat, a, b), is(traffic.inChat(chat, a, b)));
        }
    }

    @Test
    void seriesPointsCountTheirPartOfTheRangeAndAddUpToTheTotal() {
        long user = traffic.users.get(2);
        long since = traffic.t0 + 1_234;
        long to = traffic.t0 + WINDOW - 777;
        for (Grain g : List.of(Grain.MINUTE, Grain.HOUR, Grain.DAY)) {
            long from = g == Grain.MINUTE ? to - 600 * 60 : since;
            List<CountStore.Point> points = counts.series(Metric.USER_RECEIVED, user, g, from, to);
            long sum = 0;
            for (CountStore.Point p : points) {
                long lo = Math.max(p.t(), from);
                long hi = Math.min(p.t() + g.seconds(), to);
                assertThat(g + " point " + p.t(), p.messages(), is(traffic.received(user, lo, hi)));
                sum += p.messages();
            }
            assertThat(sum, is(traffic.received(user, from, to)));
            assertThat(points.get(0).t(), is(g.floor(from)));
        }
    }

    @Test
    void busiestSendersAndChatsAreRankedByCount() {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        List<CountStore.Ranked> top = counts.top(Metric.USER_SENT, since, to, 3);
        assertThat(top.size(), is(3));
        for (int i = 0; i < top.size(); i++) {
            assertThat(top.get(i).messages(), is(traffic.sent(top.get(i).id(), since, to)));
        }
        long best = traffic.users.stream().mapToLong(u -> traffic.sent(u, since, to)).max().orElseThrow();
        assertThat(top.get(0).messages(), is(best));
        List<CountStore.Ranked> chats = counts.top(Metric.CHAT, since, to, 1);
        long busiest = traffic.members.keySet().stream().mapToLong(c -> traffic.inChat(c, since, to)).max().orElseThrow();
        assertThat(chats.get(0).messages(), is(busiest));
    }

    @Test
    void busiestListsFromRankedDaysEqualAFullScan() {
        int proven = 0;
        for (int depth = 1; depth <= 3; depth++) {
            CountStore shallow = new CountStore(backing.db(), depth);
            for (int first = 0; first < 3; first++) {
                for (int days = 1; first + days <= 3; days++) {
                    long since = traffic.t0 + first * 86_400L;
                    long to = since + days * 86_400L;
                    for (Metric m : List.of(Metric.USER_SENT, Metric.USER_RECEIVED, Metric.CHAT)) {
                        for (int limit : new int[] {1, 3}) {
                            List<CountStore.Ranked> scan = counts.topByScan(m, since, to, limit);
                            assertThat(shallow.top(m, since, to, limit), is(scan));
                            List<CountStore.Ranked> fast = shallow.topByDays(m, since, to, limit);
                            if (fast != null) {
                                assertThat(fast, is(scan));
                                proven++;
                            }
                        }
                    }
                }
            }
        }
        assertThat("some lists were proven without a scan", proven > 0, is(true));
    }

    @Test
    void processedEventReachesTheProcessedTopicForEveryMessageEvenOneKilledBeforePublishing() {
        Set<Long> missing = new HashSet<>(traffic.messageIds());
        Properties props = backing.kafka().consumer("stats-test-processed-" + System.nanoTime(), "stats-test");
        try (var consumer = new KafkaConsumer<String, byte[]>(props)) {
            List<TopicPartition> parts = processedStart.keySet().stream()
                    .map(p -> new TopicPartition(Topics.MESSAGES_PROCESSED, p)).toList();
            consumer.assign(parts);
            parts.forEach(tp -> consumer.seek(tp, processedStart.get(tp.partition())));
            Instant deadline = Instant.now().plusSeconds(60);
            while (!missing.isEmpty() && Instant.now().isBefore(deadline)) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    MessageProcessedEvent e = Json.read(r.value(), MessageProcessedEvent.class);
                    assertThat(e.processedAt(), notNullValue());
                    assertThat(r.key(), is(Long.toString(e.conversationId())));
                    missing.remove(e.messageId());
                }
            }
        }
        assertThat(missing, is(empty()));
    }

    @Test
    void unreadableEventsAreSkippedWithoutStoppingTheConsumer() {
        assertThat(survivor.alive(), is(true));
        assertThat(survivor.stuck(Duration.ofMinutes(1)), is(false));
        MessageEvent any = traffic.created.get(0);
        assertThat(counts.count(Metric.CHAT, any.conversationId(), traffic.t0, traffic.t0 + WINDOW),
                is(traffic.inChat(any.conversationId(), traffic.t0, traffic.t0 + WINDOW)));
    }
}
