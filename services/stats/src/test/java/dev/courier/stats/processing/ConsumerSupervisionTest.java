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
import java.util.concurrent.atomic.AtomicBoolean;

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

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** An unexpected exception in the consumer loop restarts the consumer; it does not end counting for good. */
class ConsumerSupervisionTest {

    @Test
    void aConsumerThatFailsUnexpectedlyRestartsByItselfAndCountsEverything() throws SQLException {
        Endpoints infra = LocalStack.shared();
        String database = "stats_supervised_" + System.nanoTime();
        String dbUrl = infra.dbUrl().substring(0, infra.dbUrl().lastIndexOf('/') + 1) + database;
        admin(infra, "CREATE DATABASE " + database);
        Map<String, String> overrides = new HashMap<>(infra.config());
        overrides.put("courier.db.url", dbUrl);
        Config config = Configs.load(StatsApp.class, overrides);
        try (Backing backing = Backing.open(config, "stats", StatsApp.class)) {
            Traffic traffic = new Traffic(11, 4, 60, 86_400);
            String group = "stats-test-supervised-" + System.nanoTime();
            Kafkas.startAt(infra, dbUrl, group, Kafkas.endOffsets(backing.admin(), Topics.MESSAGES));
            Kafkas.produce(backing.kafka(), traffic.events);
            Map<Integer, Long> end = Kafkas.endOffsets(backing.admin(), Topics.MESSAGES);
            var ours = traffic.messageIds();
            AtomicBoolean failed = new AtomicBoolean();
            StatsConsumer consumer = new StatsConsumer(backing.db(), backing.kafka(), group, 20, new StatsConsumer.Hooks() {
                @Override
                public void rowsWritten(List<RecordedMessage> batch) {
                    if (batch.stream().anyMatch(m -> ours.contains(m.messageId())) && failed.compareAndSet(false, true)) {
                        throw new IllegalStateException("a bug met once");
                    }
                }
            }, Clock.systemUTC());
            consumer.start();
            try {
                Kafkas.awaitCounted(infra, dbUrl, group, end, Duration.ofSeconds(60));
                assertThat(failed.get(), is(true));
                assertThat(consumer.alive(), is(true));
                assertThat(consumer.stuck(Duration.ofMinutes(1)), is(false));
            } finally {
                consumer.close();
            }
        } finally {
            admin(infra, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void admin(Endpoints infra, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.dbUrl(), infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
