package dev.courier.platform.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** With HTTP/2 on the classpath, the JDK client (which tries h2c) still gets POST bodies and WebSockets through. */
class PublicSocketProtocolsTest {

    @Test
    void postsWithBodiesAndWebSocketUpgradesWorkForTheJdkClient() throws Exception {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1"))).build();
        CourierApp app = new CourierApp() {
            @Override
            public String name() {
                return "echo";
            }

            @Override
            public void routing(HttpRouting.Builder routing) {
                routing.post("/echo", (req, res) -> res.send(req.content().as(String.class)));
            }

            @Override
            public void websocket(WsRouting.Builder ws) {
                ws.endpoint("/ws", new WsListener() {
                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        session.send(text, true);
                    }
                });
            }

            @Override
            public List<HealthCheck> healthChecks() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
        WebServer server = Servers.start(config, app);
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode(), is(200));
            assertThat(r.body(), is("{\"a\":1}"));

            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    echoed.complete(data.toString());
                    return null;
                }
            }).get(5, TimeUnit.SECONDS);
            ws.sendText("hello", true);
            assertThat(echoed.get(5, TimeUnit.SECONDS), is("hello"));
            ws.abort();
        } finally {
            server.stop();
        }
    }
}
