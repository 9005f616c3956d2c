package dev.courier.messenger;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The messenger service, wired: its backing servers and its routes. */
public final class MessengerApp implements CourierApp {

    private final Backing backing;

    private MessengerApp(Backing backing) {
        this.backing = backing;
    }

    public static MessengerApp create(Config config) {
        return new MessengerApp(Backing.open(config, "messenger", MessengerApp.class));
    }

    @Override
    public String name() {
        return "messenger";
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
