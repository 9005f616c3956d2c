package dev.courier.platform.server;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServersTest {

    @Test
    void aPortInUseFailsWithOneClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                    .addSource(ConfigSources.create(Map.of("server.port", Integer.toString(taken.getLocalPort()),
                            "server.host", "127.0.0.1")))
                    .build();
            CourierApp app = new CourierApp() {
                @Override
                public String name() {
                    return "probe";
                }

                @Override
                public void routing(HttpRouting.Builder routing) {
                }

                @Override
                public List<HealthCheck> healthChecks() {
                    return List.of();
                }

                @Override
                public void close() {
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Servers.start(config, app));
            assertThat(e.getMessage(), containsString("Cannot start probe on port " + taken.getLocalPort()));
        }
    }
}
