package dev.courier.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.platform.health.Checks;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.security.RevokedSessions;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;
import dev.courier.stats.api.SeedStatsService;
import dev.courier.stats.api.StatsService;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.processing.ConsumerCheck;
import dev.courier.stats.processing.StatsConsumer;

/** The stats service, wired: its backing servers, the counting consumer and its routes. */
public final class StatsApp implements CourierApp {

    private final Backing backing;
    private final StatsConsumer consumer;
    private final Duration stuckAfter;
    private final CountStore counts;
    private final TokenVerifier verifier;
    private final RevokedSessions revoked;

    private StatsApp(Backing backing, StatsConsumer consumer, Duration stuckAfter, TokenVerifier verifier, RevokedSessions revoked) {
        this.backing = backing;
        this.consumer = consumer;
        this.stuckAfter = stuckAfter;
        this.counts = new CountStore(backing.db());
        this.verifier = verifier;
        this.revoked = revoked;
    }

    public static StatsApp create(Config config) {
        return create(config, StatsConsumer.NONE);
    }

    /** Like {@link #create(Config)}, with test hooks inside the consumer. */
    public static StatsApp create(Config config, StatsConsumer.Hooks hooks) {
        Backing backing = Backing.open(config, "stats", StatsApp.class);
        Config stats = config.get("courier.stats");
        StatsConsumer consumer = stats.get("consumer").asBoolean().orElse(true)
                ? new StatsConsumer(backing.db(), backing.kafka(), stats.get("group").asString().orElse("courier-stats"),
                        stats.get("batch").asInt().orElse(500), hooks, Clock.systemUTC())
                : null;
        RevokedSessions revoked = RevokedSessions.start(backing.redis());
        TokenVerifier verifier = new TokenVerifier(RemoteJwks.of(config.get("courier.auth.jwks").asString()
                .orElse("http://127.0.0.1:8081/.well-known/jwks.json")), Clock.systemUTC(), revoked);
        return new StatsApp(backing, consumer, Duration.ofSeconds(stats.get("stuck").asInt().orElse(60)), verifier, revoked);
    }

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/api/v1/stats", new StatsService(counts, verifier));
        new SeedStatsService(counts, verifier).routing(routing);
    }

    @Override
    public Optional<String> openApiDocument() {
        return Optional.of("openapi/stats.yaml");
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(Checks.database(backing.db()), Checks.redis(backing.redis()),
                new ConsumerCheck(backing.admin(), consumer, stuckAfter));
    }

    @Override
    public void start() {
        if (consumer != null) {
            consumer.start();
        }
    }

    /** The counting consumer (null when disabled by {@code courier.stats.consumer=false}). */
    public StatsConsumer consumer() {
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
        revoked.close();
        backing.close();
    }

}
