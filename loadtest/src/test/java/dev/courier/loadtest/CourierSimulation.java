package dev.courier.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.net.http.HttpClient;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import dev.courier.loadtest.delivery.Api;
import dev.courier.loadtest.flows.Accounts;
import dev.courier.loadtest.flows.Chat;
import dev.courier.loadtest.flows.Conversations;
import dev.courier.loadtest.flows.SeedApi;

/**
 * Courier's flows under load, at the strength of one {@link Profile}: sign-up and login, the seed
 * 000 API, WebSocket chat in rooms and direct chats, and history and conversation-list reads.
 *
 * <p>{@code -Dgatling.flows=accounts,seed,...} picks flows; {@code -Dgatling.baseUrl} picks the
 * target, else the system starts in this JVM (see {@link Target}).
 */
public class CourierSimulation extends Simulation {

    static final String ALL_FLOWS = "accounts,seed,history,chat";
    /** Requests that hash a password (Argon2id): slow on purpose, judged by their own limit. */
    static final List<String> PASSWORD_REQUESTS = List.of("sign up", "log in");

    private final Target target = Target.fromSystemProperties();
    private final Profile profile = Profile.fromSystemProperties();
    /** Public rooms the chat users join, made in {@link #before()}: {@code [roomId, ownerId]}. */
    private final List<long[]> rooms = new CopyOnWriteArrayList<>();
    private boolean chat;

    public CourierSimulation() {
        Set<String> flows = Arrays.stream(System.getProperty("gatling.flows", ALL_FLOWS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        HttpProtocolBuilder protocol = http.baseUrl(target.baseUrl())
                .wsBaseUrl(target.wsBaseUrl())
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("courier-loadtest")
                .shareConnections();
        long seconds = profile.duration().toSeconds();
        List<PopulationBuilder> populations = new ArrayList<>();
        List<String> cheapRequests = new ArrayList<>();
        if (flows.contains("accounts")) {
            populations.add(scenario("sign-up and login")
                    .exec(Accounts.signUpAndLogin("me"))
                    .injectOpen(constantUsersPerSec(profile.signUpsPerSecond()).during(seconds)));
        }
        if (flows.contains("seed")) {
            populations.add(scenario("seed 000 API")
                    .exec(SeedApi.flow())
                    .injectOpen(constantUsersPerSec(profile.seedPairsPerSecond()).during(seconds)));
            cheapRequests.addAll(List.of("seed /send", "seed /chat", "seed /chats"));
        }
        if (flows.contains("history")) {
            populations.add(scenario("history and chat list")
                    .exec(Conversations.flow(profile.readsPerReader(), profile.chatPause()))
                    .injectOpen(rampUsers(profile.readers()).during(seconds)));
            cheapRequests.addAll(List.of("send direct", "list chats", "read history"));
        }
        if (flows.contains("chat")) {
            populations.add(scenario("chat over WebSocket")
                    .exec(Chat.flow(rooms, profile.chatMessagesPerUser(), profile.chatPause()))
                    .injectOpen(rampUsers(profile.chatUsers()).during(seconds)));
            cheapRequests.addAll(List.of("join room", "connect", "ready", "message arrives"));
            chat = true;
        }
        if (populations.isEmpty()) {
            throw new IllegalArgumentException("No known flow in gatling.flows; known: " + ALL_FLOWS);
        }
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(global().failedRequests().percent().lt(0.1));
        for (String request : PASSWORD_REQUESTS) {
            assertions.add(details(request).responseTime().percentile(99.0).lt(profile.passwordP99Millis()));
        }
        for (String request : cheapRequests) {
            assertions.add(details(request).responseTime().percentile(95.0).lt(profile.p95Millis()));
            assertions.add(details(request).responseTime().percentile(99.0).lt(profile.p99Millis()));
        }
        setUp(populations).protocols(protocol).assertions(assertions);
        System.out.printf("Courier %s profile against %s, flows %s%n", profile.name(), target.baseUrl(), flows);
    }

    @Override
    public void before() {
        target.start();
        if (chat) {
            // One room per chatRoomSize users; their owners are also the users' direct-chat pals.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslContext()).build();
            Api api = new Api(client, target.baseUrl(), target.baseUrl());
            int count = Math.max(1, profile.chatUsers() / profile.chatRoomSize());
            for (int i = 0; i < count; i++) {
                Api.Account owner = api.signUp(Accounts.newUsername());
                rooms.add(new long[]{api.createRoom(owner.token(), "lt-" + owner.username()), owner.id()});
            }
            System.out.printf("%d rooms ready for %d chat users%n", count, profile.chatUsers());
        }
    }

    /**
     * The trust store Gatling's own client uses ({@code -Dgatling.ssl.trustStore.file}, .type,
     * .password), so the set-up requests trust the same CA as the simulation (the kind cluster's
     * private CA in e2e.yml); without it, the JVM's default.
     */
    private static javax.net.ssl.SSLContext sslContext() {
        String file = System.getProperty("gatling.ssl.trustStore.file", "");
        try {
            if (file.isEmpty()) {
                return javax.net.ssl.SSLContext.getDefault();
            }
            char[] password = System.getProperty("gatling.ssl.trustStore.password", "").toCharArray();
            java.security.KeyStore store = java.security.KeyStore.getInstance(System.getProperty("gatling.ssl.trustStore.type", "PKCS12"));
            try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
                store.load(in, password);
            }
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            return ssl;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Cannot use the trust store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void after() {
        target.stop();
    }
}
