package dev.courier.stats.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.Topics;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;
import dev.courier.stats.Kafkas;
import dev.courier.stats.StatsApp;
import dev.courier.stats.Traffic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The statistics API over real HTTP, with real users and tokens from the auth service, counting
 * events this test produced on the real topic. The admin is granted its role the way an operator
 * does it: {@code UPDATE auth.users SET roles = array_append(roles, 'admin')}, then a new login.
 */
class StatsApiTest {

    private static final long WINDOW = 2 * 86_400;

    private static WebServer authServer;
    private static AuthApp auth;
    private static WebServer server;
    private static StatsApp app;
    private static Http http;
    private static User alice;
    private static User bob;
    private static User admin;
    private static Traffic traffic;

    record User(long id, String token) {
        Map<String, String> bearer() {
            return Map.of("Authorization", "Bearer " + token);
        }
    }

    @BeforeAll
    static void start() {
        Endpoints infra = LocalStack.shared();
        Map<String, String> authCfg = new HashMap<>(infra.config());
        authCfg.put("server.port", "0");
        authCfg.put("server.host", "127.0.0.1");
        authCfg.put("courier.auth.grpc.port", "0");
        Config authConfig = Configs.load(AuthApp.class, authCfg);
        auth = AuthApp.create(authConfig);
        authServer = Servers.start(authConfig, auth);

        Map<String, String> cfg = new HashMap<>(infra.config());
        cfg.put("server.port", "0");
        cfg.put("server.host", "127.0.0.1");
        cfg.put("courier.auth.jwks", "http://127.0.0.1:" + authServer.port() + "/.well-known/jwks.json");
        String group = "stats-test-api-" + System.nanoTime();
        cfg.put("courier.stats.group", group);
        Config config = Configs.load(StatsApp.class, cfg);
        app = StatsApp.create(config);
        try (var backing = Backing.open(config, "stats", StatsApp.class)) {
            Kafkas.startAt(infra, infra.dbUrl(), group, Kafkas.endOffsets(backing.admin(), Topics.MESSAGES));
            server = Servers.start(config, app);
            http = Http.port(server.port());

            alice = register(false);
            bob = register(false);
            User carol = register(false);
            admin = register(true);
            traffic = new Traffic(21, List.of(alice.id(), bob.id(), carol.id()), 120, WINDOW);
            Kafkas.produce(backing.kafka(), traffic.events);
            Kafkas.awaitCounted(infra, infra.dbUrl(), group, Kafkas.endOffsets(backing.admin(), Topics.MESSAGES), Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() {
        server.stop();
        app.close();
        authServer.stop();
        auth.close();
    }

    private static User register(boolean isAdmin) {
        Http a = Http.port(authServer.port());
        String name = "st" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
        String password = "pw-" + UUID.randomUUID();
        Http.Response reg = a.post("/api/v1/auth/register", Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        long id = reg.json().get("id").asLong();
        if (isAdmin) {
            Endpoints infra = LocalStack.shared();
            try (Connection c = DriverManager.getConnection(infra.dbUrl(), infra.dbUser(), infra.dbPassword());
                 PreparedStatement ps = c.prepareStatement("UPDATE auth.users SET roles = array_append(roles, 'admin') WHERE id = ?")) {
                ps.setLong(1, id);
                assertThat(ps.executeUpdate(), is(1));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        Http.Response login = a.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new User(id, login.json().get("accessToken").asText());
    }

    private static String range() {
        return "since=" + traffic.t0 + "&to=" + (traffic.t0 + WINDOW);
    }

    private static JsonNode ok(User user, String path) {
        Http.Response r = http.get(path, user.bearer());
        assertThat(path + " " + r.body(), r.status(), is(200));
        return r.json();
    }

    private static void forbidden(User user, String path) {
        Http.Response r = http.get(path, user.bearer());
        assertThat(path + " " + r.body(), r.status(), is(403));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
    }

    @Test
    void seedSentAndReceivedByUserAreTheCallersOwnExactCountsInSeedShape() {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        JsonNode sent = ok(alice, "/MessagesSentByUser?" + range());
        List<String> fields = new ArrayList<>();
        sent.fieldNames().forEachRemaining(fields::add);
        assertThat(fields, containsInAnyOrder("user_id", "messages", "since", "to"));
        assertThat(sent.get("user_id").asLong(), is(alice.id()));
        assertThat(sent.get("messages").asLong(), is(traffic.sent(alice.id(), since, to)));
        assertThat(sent.get("since").asLong(), is(since));
        assertThat(sent.get("to").asLong(), is(to));
        JsonNode received = ok(bob, "/MessagesReceivedByUser?" + range());
        assertThat(received.get("user_id").asLong(), is(bob.id()));
        assertThat(received.get("messages").asLong(), is(traffic.received(bob.id(), since, to)));
        // a narrower range, to the second
        long a = since + 3_599;
        long b = since + 86_401;
        assertThat(ok(bob, "/MessagesReceivedByUser?since=" + a + "&to=" + b).get("messages").asLong(), is(traffic.received(bob.id(), a, b)));
    }

    @Test
    void seedMessagesReceivedCountsEveryDeliveryAndNeedsTheAdminRole() {
        forbidden(alice, "/MessagesReceived?" + range());
        JsonNode total = ok(admin, "/MessagesReceived?" + range());
        List<String> fields = new ArrayList<>();
        total.fieldNames().forEachRemaining(fields::add);
        assertThat(fields, containsInAnyOrder("messages", "since", "to"));
        assertThat(total.get("messages").asLong(), is(traffic.deliveries(traffic.t0, traffic.t0 + WINDOW)));
    }

    @Test
    void aUserSeesTheirOwnNumbersButNotAnotherUsersWithoutTheAdminRole() {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        JsonNode own = ok(alice, "/api/v1/stats/users/" + alice.id() + "?" + range());
        assertThat(own.get("sent").asLong(), is(traffic.sent(alice.id(), since, to)));
        assertThat(own.get("received").asLong(), is(traffic.received(alice.id(), since, to)));
        assertThat(ok(alice, "/api/v1/stats/users/" + alice.id() + "/sent?" + range()).get("messages").asLong(),
                is(traffic.sent(alice.id(), since, to)));
        forbidden(alice, "/api/v1/stats/users/" + bob.id() + "?" + range());
        forbidden(alice, "/api/v1/stats/users/" + bob.id() + "/sent?" + range());
        forbidden(alice, "/api/v1/stats/users/" + bob.id() + "/received?" + range());
        forbidden(alice, "/api/v1/stats/series?metric=user-sent&id=" + bob.id() + "&bucket=day&" + range());
        assertThat(ok(admin, "/api/v1/stats/users/" + bob.id() + "/received?" + range()).get("messages").asLong(),
                is(traffic.received(bob.id(), since, to)));
    }

    @Test
    void totalsChatsAndBusiestListsNeedTheAdminRoleAndAreExact() {
        long since = traffic.t0;
        long to = traffic.t0 + WINDOW;
        long room = traffic.chatBase + 90;
        forbidden(alice, "/api/v1/stats/messages?" + range());
        forbidden(alice, "/api/v1/stats/chats/" + room + "?" + range());
        forbidden(alice, "/api/v1/stats/top/senders?" + range());
        forbidden(alice, "/api/v1/stats/top/chats?" + range());
        forbidden(alice, "/api/v1/stats/series?metric=messages&bucket=hour&" + range());
        JsonNode totals = ok(admin, "/api/v1/stats/messages?" + range());
        assertThat(totals.get("messages").asLong(), is(traffic.messages(since, to)));
        assertThat(totals.get("received").asLong(), is(traffic.deliveries(since, to)));
        assertThat(ok(admin, "/api/v1/stats/chats/" + room + "?" + range()).get("messages").asLong(), is(traffic.inChat(room, since, to)));
        JsonNode top = ok(admin, "/api/v1/stats/top/senders?limit=3&" + range()).get("items");
        long best = traffic.users.stream().mapToLong(u -> traffic.sent(u, since, to)).max().orElseThrow();
        assertThat(top.get(0).get("messages").asLong(), is(best));
        assertThat(top.get(0).get("messages").asLong(), is(traffic.sent(top.get(0).get("id").asLong(), since, to)));
    }

    @Test
    void aSeriesForPlottingAddsUpToTheCount() {
        long since = traffic.t0 + 1_000;
        long to = traffic.t0 + WINDOW - 1_000;
        JsonNode series = ok(alice, "/api/v1/stats/series?metric=user-received&id=" + alice.id() + "&bucket=hour&since=" + since + "&to=" + to);
        assertThat(series.get("bucket").asText(), is("hour"));
        long sum = 0;
        for (JsonNode p : series.get("points")) {
            sum += p.get("messages").asLong();
        }
        assertThat(series.get("points").size(), is((int) ((to - 1 - (since / 3_600 * 3_600)) / 3_600 + 1)));
        assertThat(sum, is(traffic.received(alice.id(), since, to)));
        JsonNode total = ok(admin, "/api/v1/stats/series?metric=messages&bucket=day&since=" + since + "&to=" + to);
        long all = 0;
        for (JsonNode p : total.get("points")) {
            all += p.get("messages").asLong();
        }
        assertThat(all, is(traffic.messages(since, to)));
    }

    @Test
    void badParametersAreProblemsNamingTheField() {
        String user = "/api/v1/stats/users/" + alice.id();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("/MessagesSentByUser?since=20&to=10", "since");
        cases.put("/MessagesSentByUser?since=-1&to=10", "since");
        cases.put("/MessagesSentByUser?since=0&to=-5", "to");
        cases.put("/MessagesSentByUser?since=abc&to=10", "since");
        cases.put("/MessagesSentByUser?since=0&to=1.5", "to");
        cases.put("/MessagesSentByUser?to=10", "since");
        cases.put("/MessagesReceivedByUser?since=0", "to");
        cases.put("/MessagesReceivedByUser?since=0&to=99999999999999", "to");
        cases.put("/MessagesReceivedByUser?since=0&to=3155760001", "to");
        cases.put(user + "?since=10&to=5", "since");
        cases.put("/api/v1/stats/users/abc?since=0&to=5", "id");
        cases.put("/api/v1/stats/users/0?since=0&to=5", "id");
        cases.put("/api/v1/stats/top/senders?since=0&to=" + 32 * 86_400, "to");
        cases.put("/api/v1/stats/top/senders?since=5&to=86400", "since");
        cases.put("/api/v1/stats/top/senders?since=0&to=86400&limit=0", "limit");
        cases.put("/api/v1/stats/top/chats?since=0&to=86400&limit=101", "limit");
        cases.put("/api/v1/stats/series?metric=nope&since=0&to=60", "metric");
        cases.put("/api/v1/stats/series?since=0&to=60", "metric");
        cases.put("/api/v1/stats/series?metric=user-sent&since=0&to=60", "id");
        cases.put("/api/v1/stats/series?metric=messages&id=3&since=0&to=60", "id");
        cases.put("/api/v1/stats/series?metric=user-sent&id=" + alice.id() + "&bucket=week&since=0&to=60", "bucket");
        cases.put("/api/v1/stats/series?metric=user-sent&id=" + alice.id() + "&bucket=minute&since=0&to=" + (1_441 * 60), "to");
        for (var c : cases.entrySet()) {
            Http.Response r = http.get(c.getKey(), alice.bearer());
            assertThat(c.getKey() + " " + r.body(), r.status(), is(400));
            assertThat(c.getKey(), r.header("Content-Type"), startsWith("application/problem+json"));
            assertThat(c.getKey() + " " + r.body(), r.json().get("field").asText(), is(c.getValue()));
        }
    }

    @Test
    void anEmptyRangeCountsNothing() {
        JsonNode r = ok(alice, "/MessagesSentByUser?since=" + traffic.t0 + "&to=" + traffic.t0);
        assertThat(r.get("messages").asLong(), is(0L));
    }
}
