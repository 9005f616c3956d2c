package dev.courier.notifier;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The notifier service, wired: its backing servers and its routes. */
public final class NotifierApp implements CourierApp {

    private final Backing backing;

    private NotifierApp(Backing backing) {
        this.backing = backing;
    }

    public static NotifierApp create(Config config) {
        return new NotifierApp(Backing.open(config, "notifier", NotifierApp.class));
    }

    @Override
    public String name() {
        return "notifier";
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
