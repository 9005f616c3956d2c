package dev.courier.auth;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The auth service, wired: its backing servers and its routes. */
public final class AuthApp implements CourierApp {

    private final Backing backing;

    private AuthApp(Backing backing) {
        this.backing = backing;
    }

    public static AuthApp create(Config config) {
        return new AuthApp(Backing.open(config, "auth", AuthApp.class));
    }

    @Override
    public String name() {
        return "auth";
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
