package dev.courier.platform.server;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.helidon.webserver.testing.junit5.Socket;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An app's OpenAPI document is served by Helidon's OpenAPI feature on the service port and the
 * management port (a real server from Helidon's {@code @ServerTest}), as YAML unless the client asks for JSON; a document missing from the classpath
 * stops the service from starting instead of serving an empty one.
 */
@ServerTest
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Http1Client> clients;

    OpenApiDocumentTest(Http1Client service, @Socket(Servers.MANAGEMENT) Http1Client management) {
        this.clients = List.of(service, management);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Servers.setup(server, probe("dev/courier/platform/server/probe-openapi.yaml"));
    }

    @Test
    void theDocumentIsYamlByDefaultAndJsonWhenAsked() throws Exception {
        for (Http1Client http : clients) {
            try (Http1ClientResponse yaml = http.get("/openapi").request()) {
                assertThat(yaml.status().code(), is(200));
                String body = yaml.as(String.class);
                assertThat(body, startsWith("openapi: 3.1.0"));
                assertThat(body, containsString("A document with a comma, and a colon: both kept."));
            }
            try (Http1ClientResponse json = http.get("/openapi").header(HeaderNames.ACCEPT, "application/json").request()) {
                assertThat(json.status().code(), is(200));
                assertThat(json.headers().contentType().orElseThrow().text(), startsWith("application/json"));
                JsonNode doc = JSON.readTree(json.as(String.class));
                assertThat(doc.path("paths").path("/hello").path("get").path("operationId").asText(), is("getHello"));
            }
            try (Http1ClientResponse asked = http.get("/openapi").queryParam("format", "json").request()) {
                assertThat(JSON.readTree(asked.as(String.class)).path("info").path("title").asText(), is("Probe"));
            }
        }
    }

    @Test
    void aMissingDocumentStopsTheStart() {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1"))).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Servers.start(config, probe("no/such/openapi.yaml")).stop());
        assertThat(e.getMessage(), containsString("no/such/openapi.yaml"));
    }

    private static CourierApp probe(String document) {
        return new CourierApp() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void routing(HttpRouting.Builder routing) {
                routing.get("/hello", (req, res) -> res.send("hello"));
            }

            @Override
            public java.util.Optional<String> openApiDocument() {
                return java.util.Optional.of(document);
            }

            @Override
            public List<HealthCheck> healthChecks() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
