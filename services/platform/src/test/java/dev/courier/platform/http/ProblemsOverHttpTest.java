package dev.courier.platform.http;

import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * What a client sees when a request fails, over a real socket (Helidon's {@code @ServerTest}):
 * every failure is an RFC 9457 body with the right status, a bad body names its field, and an
 * unexpected error says nothing of its cause.
 */
@ServerTest
class ProblemsOverHttpTest {

    private final Http1Client client;

    ProblemsOverHttpTest(Http1Client client) {
        this.client = client;
    }

    public record Greeting(String name, Integer times) {
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Problems.register(routing);
        routing.post("/greetings", (req, res) -> {
            Greeting g = Bodies.read(req, Greeting.class);
            if (g.name() == null || g.name().isBlank()) {
                throw ProblemException.badField("name", "'name' is required.");
            }
            Bodies.json(res, Status.CREATED_201, g);
        });
        routing.get("/broken", (req, res) -> {
            throw new IllegalStateException("secret detail of the failure");
        });
    }

    private io.helidon.webclient.http1.Http1ClientRequest json() {
        return client.post("/greetings").header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json");
    }

    private static JsonNode problem(Http1ClientResponse r, int status) {
        assertThat(r.status().code(), is(status));
        assertThat(r.headers().contentType().orElseThrow().text(), containsString("application/problem+json"));
        return Json.read(r.as(byte[].class), JsonNode.class);
    }

    @Test
    void aValidBodyIsAccepted() {
        try (Http1ClientResponse r = json().submit("{\"name\":\"Ada\",\"times\":2}")) {
            assertThat(r.status().code(), is(201));
            assertThat(Json.read(r.as(byte[].class), JsonNode.class).get("name").asText(), is("Ada"));
        }
    }

    @Test
    void aMissingFieldAnUnknownFieldAndMalformedJsonAre400sNamingTheField() {
        try (Http1ClientResponse r = json().submit("{\"times\":2}")) {
            assertThat(problem(r, 400).get("field").asText(), is("name"));
        }
        try (Http1ClientResponse r = json().submit("{\"name\":\"Ada\",\"colour\":\"red\"}")) {
            assertThat(problem(r, 400).get("field").asText(), is("colour"));
        }
        try (Http1ClientResponse r = json().submit("{\"name\":")) {
            assertThat(problem(r, 400).get("status").asInt(), is(400));
        }
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"name\":\"" + "x".repeat(Bodies.MAX_BODY_BYTES) + "\"}";
        try (Http1ClientResponse r = json().submit(big)) {
            assertThat(problem(r, 413).get("status").asInt(), is(413));
        }
    }

    @Test
    void anUnknownRouteIs404AndAnUnexpectedErrorIsA500ThatHidesItsCause() {
        try (Http1ClientResponse r = client.get("/nowhere").request()) {
            assertThat(r.status().code(), is(404));
        }
        try (Http1ClientResponse r = client.get("/broken").request()) {
            JsonNode p = problem(r, 500);
            assertThat(p.toString().contains("secret detail"), is(false));
        }
    }
}
