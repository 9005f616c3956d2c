package dev.courier.platform.server;

import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

/**
 * A service whose requests take a while, run as its own process by {@link GracefulShutdownTest}
 * through {@link Servers#main} exactly as a real service's {@code Main} does. A request takes longer
 * than Helidon's default shutdown grace (0.5 s), and the drain takes about as long as a messenger's
 * WebSocket drain, so requests arrive while it runs.
 */
public final class SlowApp implements CourierApp {

    static final long REQUEST_MILLIS = 1000;
    static final long DRAIN_MILLIS = 1500;

    private final java.nio.file.Path journal;

    SlowApp(java.nio.file.Path journal) {
        this.journal = journal;
    }

    /** Arguments: port, management port, the file where each request is noted as it is read. */
    public static void main(String[] args) {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("server.port", args[0], "server.host", "127.0.0.1",
                        "courier.management.port", args[1])))
                .build();
        Servers.main(config, c -> new SlowApp(java.nio.file.Path.of(args[2])));
    }

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.post("/work", (req, res) -> {
            String body = req.content().as(String.class);
            synchronized (this) {
                java.nio.file.Files.writeString(journal, body + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            Thread.sleep(REQUEST_MILLIS);
            res.send("done " + body);
        });
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of();
    }

    @Override
    public void drain() {
        try {
            Thread.sleep(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
    }
}
