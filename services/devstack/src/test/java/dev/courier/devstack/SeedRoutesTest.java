package dev.courier.devstack;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.grpc.GrpcClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.platform.seed002.users.GetUserRequest;
import dev.courier.platform.seed002.users.RegisterUserRequest;
import dev.courier.platform.seed002.users.RegisterUserResponse;
import dev.courier.platform.seed002.users.UserServiceGrpc;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The seeds' paths as `./courier dev` serves them: every service's routes in one routing table on the
 * gateway port (so seed 000's and 003's {@code POST /register}, and seed 002's {@code /messages/history}
 * beside seed 003's {@code /messages/{roomID}}, must not shadow each other), and seed 002's gRPC
 * services together on the gateway's gRPC port.
 */
class SeedRoutesTest {

    private static final String PASSWORD = "a longer password 1";

    private static DevStack stack;

    @BeforeAll
    static void start() {
        stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void everySeedsRestPathsThroughTheGateway() {
        Http gateway = Http.port(stack.gatewayPort());
        String s000 = unique("s");
        Http.Response old = gateway.post("/register", Map.of("user", s000, "pass", PASSWORD), Map.of());
        assertThat(old.body(), old.status(), is(201));
        assertThat(old.json().get("user").asText(), is(s000));

        String name = unique("user");
        Http.Response reg = gateway.post("/register", Map.of("Username", name, "Email", name + "@example.com", "Password", PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        String token = gateway.method("PUT", "/login", Map.of("Email", name + "@example.com", "Password", PASSWORD), Map.of())
                .json().get("Token").asText();
        assertThat(gateway.get("/profile", Map.of("Authorization", token)).json().get("UID").asLong(), is(reg.json().get("UID").asLong()));
        Http.Response room = gateway.post("/create-room", Map.of("Name", unique("GeneralChat"), "IsPrivate", false), Map.of("Authorization", token));
        assertThat(room.body(), room.status(), is(201));
        long roomId = room.json().get("RoomID").asLong();
        assertThat(gateway.method("GET", "/messages/" + roomId, "{\"LastID\":0}", Map.of("Authorization", token)).status(), is(200));

        Http.Response alice = gateway.post("/users/register", Map.of("username", unique("alice")), Map.of());
        Http.Response bob = gateway.post("/users/register", Map.of("username", unique("bob")), Map.of());
        assertThat(alice.body(), alice.status(), is(201));
        Map<String, String> aliceBearer = Map.of("Authorization", "Bearer " + alice.json().get("access_token").asText());
        String a = alice.json().get("id").asText();
        String b = bob.json().get("id").asText();
        Http.Response sent = gateway.post("/messages/send", Map.of("from_user_id", a, "to_user_id", b, "text", "Hi Bob!"), aliceBearer);
        assertThat(sent.body(), sent.status(), is(201));
        Http.Response history = gateway.get("/messages/history?user1=" + a + "&user2=" + b, aliceBearer);
        assertThat(history.body(), history.status(), is(200));
        assertThat(history.json().get(0).get("text").asText(), is("Hi Bob!"));
    }

    @Test
    void seed002sGrpcServicesOnTheGatewaysGrpcPort() {
        var channel = GrpcClient.builder().baseUri("http://127.0.0.1:" + stack.gatewayGrpcPort())
                .tls(Tls.builder().enabled(false).build()).build().channel();
        String name = unique("carol");
        RegisterUserResponse r = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .registerUser(RegisterUserRequest.newBuilder().setUsername(name).build());
        assertThat(r.getUser().getUsername(), is(name));
        assertThat(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getUser(GetUserRequest.newBuilder().setId(r.getUser().getId()).build()).getUser().getUsername(), is(name));
        // The same account over REST: the token it was given is a Courier token.
        Http.Response me = Http.port(stack.gatewayPort()).get("/api/v1/users/me", Map.of("Authorization", "Bearer " + r.getAccessToken()));
        assertThat(me.body(), me.json().get("username").asText(), is(name));
    }
}
