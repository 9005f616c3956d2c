package dev.courier.stats.processing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.Topics;
import dev.courier.platform.server.Backing;
import dev.courier.stats.Kafkas;
import dev.courier.stats.StatsApp;
import dev.courier.stats.Traffic;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.counts.Metric;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Replaying the whole topic from the beginning into an empty database gives the same numbers. */
class ReplayTest {

    private static final long WINDOW = 2 * 86_400;

    @Test
    void replayingTheWholeTopicIntoAnEmptyDatabaseGivesTheSameNumbers() throws Exception {
        Endpoints infra = LocalStack.shared();
        Traffic traffic = new Traffic(3, 6, 150, WINDOW);
        String database = "stats_replay_" + System.nanoTime();
        String emptyUrl = infra.dbUrl().substring(0, infra.dbUrl().lastIndexOf('/') + 1) + database;
        try (Backing live = Backing.open(Configs.load(StatsApp.class, infra.config()), "stats", StatsApp.class)) {
            String liveGroup = "stats-test-live-" + System.nanoTime();
            // Live, the group counts this test's events as they arrive; the empty database below
            // gets the whole topic from the beginning.
            Kafkas.startAt(infra, infra.dbUrl(), liveGroup, Kafkas.endOffsets(live.admin(), Topics.MESSAGES));
            Kafkas.produce(live.kafka(), traffic.events);
            Map<Integer, Long> end = Kafkas.endOffsets(live.admin(), Topics.MESSAGES);
            try (StatsConsumer c = new StatsConsumer(live.db(), live.kafka(), liveGroup, 500, StatsConsumer.NONE, Clock.systemUTC())) {
                c.start();
                Kafkas.awaitCounted(infra, infra.dbUrl(), liveGroup, end, Duration.ofSeconds(120));
            }
            List<Long> liveNumbers = numbers(new CountStore(live.db()), traffic);

            admin(infra, "CREATE DATABASE " + database);
            try {
                Map<String, String> fresh = new HashMap<>(infra.config());
                fresh.put("courier.db.url", emptyUrl);
                Config config = Configs.load(StatsApp.class, fresh);
                List<Long> replayed;
                try (Backing empty = Backing.open(config, "stats", StatsApp.class)) {
                    // The same group name: the new database has no offsets, so it starts from the
                    // beginning. Its marks go to a topic of its own: messenger has them already.
                    String marks = "stats.test.replay.processed." + System.nanoTime();
                    empty.admin().createTopics(List.of(new NewTopic(marks, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                    try (StatsConsumer c = new StatsConsumer(empty.db(), empty.kafka(), Topics.MESSAGES, marks, liveGroup, 2_000,
                            StatsConsumer.NONE, Clock.systemUTC())) {
                        c.start();
                        Kafkas.awaitCounted(infra, emptyUrl, liveGroup, end, Duration.ofSeconds(150));
                    } finally {
                        empty.admin().deleteTopics(List.of(marks)).all().get(30, TimeUnit.SECONDS);
                    }
                    replayed = numbers(new CountStore(empty.db()), traffic);
                }
                assertThat(replayed, is(liveNumbers));
                assertThat(liveNumbers.get(0), is((long) traffic.created.size()));
            } finally {
                admin(infra, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /** Every number the API can give about this test's traffic, in a fixed order. */
    private static List<Long> numbers(CountStore counts, Traffic traffic) {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        List<Long> out = new java.util.ArrayList<>();
        out.add(counts.count(Metric.MESSAGES, 0, since, to));
        out.add(counts.count(Metric.RECEIVED, 0, since, to));
        out.add(counts.count(Metric.RECEIVED, 0, since + 3_601, to - 61));
        for (long u : traffic.users) {
            out.add(counts.count(Metric.USER_SENT, u, since, to));
            out.add(counts.count(Metric.USER_RECEIVED, u, since + 59, to - 3_599));
        }
        for (long chat : traffic.members.keySet().stream().sorted().toList()) {
            out.add(counts.count(Metric.CHAT, chat, since, to));
        }
        counts.top(Metric.USER_SENT, since, to, 5).forEach(r -> {
            out.add(r.id());
            out.add(r.messages());
        });
        return out;
    }

    private static void admin(Endpoints infra, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.dbUrl(), infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
