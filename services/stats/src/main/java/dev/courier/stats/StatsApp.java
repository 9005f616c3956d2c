package dev.courier.stats;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The stats service, wired: its backing servers and its routes. */
public final class StatsApp implements CourierApp {

    private final Backing backing;

    private StatsApp(Backing backing) {
        this.backing = backing;
    }

    public static StatsApp create(Config config) {
        return new StatsApp(Backing.open(config, "stats", StatsApp.class));
    }

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return backing.healthChecks();
    }

    @Override
    public void close() {
        backing.close();
    }
}
