package dev.courier.messenger;

import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.messenger.conversations.ConversationStore;
import dev.courier.messenger.conversations.Rooms;
import dev.courier.messenger.conversations.RoomsHttp;
import dev.courier.messenger.dialects.ChatServerHttp;
import dev.courier.messenger.dialects.SeedSockets;
import dev.courier.messenger.dialects.MessagesGrpc;
import dev.courier.messenger.dialects.UsersMessagesHttp;
import dev.courier.messenger.docs.ApiDocs;
import dev.courier.messenger.events.AfterCommit;
import dev.courier.messenger.events.EventLogPruner;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.events.SyncHttp;
import dev.courier.messenger.events.EventStream;
import dev.courier.messenger.limits.Limits;
import dev.courier.messenger.messages.ChatListStore;
import dev.courier.messenger.messages.MessageStore;
import dev.courier.messenger.messages.MessagesHttp;
import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.SeedHttp;
import dev.courier.messenger.outbox.OutboxRelay;
import dev.courier.messenger.processed.ProcessedConsumer;
import dev.courier.messenger.realtime.Commands;
import dev.courier.messenger.realtime.Hub;
import dev.courier.messenger.realtime.Presence;
import dev.courier.messenger.realtime.WsEndpoint;
import dev.courier.messenger.realtime.WsSettings;
import dev.courier.messenger.outbox.OutboxStore;
import dev.courier.messenger.outbox.RelaySettings;
import dev.courier.messenger.users.GrpcUserDirectory;
import dev.courier.messenger.users.HttpUserDirectory;
import dev.courier.messenger.users.UserDirectory;
import dev.courier.platform.users.UserDirectoryClient;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.security.RevokedSessions;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The messenger service, wired: its backing servers, stores, rules, routes and background work. */
public final class MessengerApp implements CourierApp {

    /** The public gRPC listener for clients (seed 002's {@code messages.MessageService}). */
    public static final String PUBLIC_GRPC_SOCKET = "grpc-public";

    private final Backing backing;
    private final OutboxRelay relay;
    private final EventLogPruner pruner;
    private final Signals signals;
    private final MessagesHttp messagesHttp;
    private final SeedHttp seedHttp;
    private final ChatServerHttp chatServerHttp;
    private final UsersMessagesHttp usersMessagesHttp;
    private final MessagesGrpc messagesGrpc;
    private final String grpcHost;
    private final int publicGrpcPort;
    private final RoomsHttp roomsHttp;
    private final SyncHttp syncHttp;
    private final Hub hub;
    private final ApiDocs docs = new ApiDocs();
    private final ProcessedConsumer processed;
    private final WsEndpoint wsEndpoint;
    private final RevokedSessions revoked;

    private MessengerApp(Backing backing, Config config) {
        this.backing = backing;
        Config messenger = config.get("courier.messenger");
        this.revoked = RevokedSessions.start(backing.redis());
        TokenVerifier verifier = new TokenVerifier(RemoteJwks.of(config.get("courier.auth.jwks").asString()
                .orElseThrow(() -> new IllegalStateException("courier.auth.jwks is not set"))), java.time.Clock.systemUTC(), revoked);
        // auth's gRPC UserDirectory when its address is configured, else its HTTP profile lookup.
        UserDirectory users = config.get("courier.auth.grpc").asString().filter(s -> !s.isBlank()).isPresent()
                ? new GrpcUserDirectory(UserDirectoryClient.fromConfig(config))
                : new HttpUserDirectory(config.get("courier.auth.url").asString()
                        .orElseThrow(() -> new IllegalStateException("Neither courier.auth.grpc nor courier.auth.url is set")));
        MessageStore messageStore = new MessageStore();
        EventStream stream = new EventStream(backing.db(), messageStore::createdEvents);
        this.pruner = new EventLogPruner(backing.db(), EventLogPruner.Settings.from(messenger.get("events")));
        OutboxStore outbox = new OutboxStore();
        this.relay = new OutboxRelay(backing.db(), outbox, backing.kafka(), RelaySettings.from(messenger.get("outbox")));
        this.signals = new Signals(backing.redis());
        this.hub = new Hub(stream, signals, new Presence(backing.redis()), backing.db(), WsSettings.from(messenger.get("ws")));
        dev.courier.messenger.observability.MessengerMetrics.register(backing.db(), hub::size);
        Hub localSockets = hub;
        AfterCommit afterCommit = (appended, wroteOutbox) -> {
            if (wroteOutbox) {
                relay.wake();
            }
            // This replica's sockets straight from the commit; the signal carries the events to the others.
            localSockets.local(appended);
            signals.changed(appended);
        };
        ConversationStore conversations = new ConversationStore();
        Limits limits = Limits.from(backing.redis(), config);
        this.processed = new ProcessedConsumer(backing.db(), messageStore, backing.kafka());
        Messaging messaging = new Messaging(backing.db(), conversations, messageStore, new ChatListStore(),
                outbox, stream, users, afterCommit, limits);
        this.syncHttp = new SyncHttp(stream, verifier);
        this.wsEndpoint = new WsEndpoint(hub, verifier, limits, new Commands(messaging, signals, messenger.get("ws.typingmillis").asLong().orElse(Commands.TYPING_MILLIS)),
                new SeedSockets(messaging));
        Rooms rooms = new Rooms(backing.db(), conversations, stream, users, afterCommit, limits);
        this.roomsHttp = new RoomsHttp(rooms, verifier);
        this.chatServerHttp = new ChatServerHttp(rooms, messaging, verifier);
        this.usersMessagesHttp = new UsersMessagesHttp(messaging, verifier);
        this.messagesGrpc = new MessagesGrpc(usersMessagesHttp, verifier, stream, messenger.get("publicgrpc.pollmillis").asLong().orElse(200L));
        this.grpcHost = config.get("server.host").asString().orElse("0.0.0.0");
        // As auth's gRPC: a server on a free port (tests, several devstacks) takes a free gRPC port too.
        this.publicGrpcPort = config.get("server.port").asInt().orElse(8082) == 0 ? 0 : messenger.get("publicgrpc.port").asInt().orElse(9182);
        this.messagesHttp = new MessagesHttp(messaging, verifier);
        this.seedHttp = new SeedHttp(messaging, verifier);
    }

    public static MessengerApp create(Config config) {
        Backing backing = Backing.open(config, "messenger", MessengerApp.class);
        try {
            return new MessengerApp(backing, config);
        } catch (RuntimeException e) {
            backing.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "messenger";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        messagesHttp.register(routing);
        routing.register("/api/v1/rooms", roomsHttp);
        routing.register("/api/v1/sync", syncHttp);
        seedHttp.register(routing);
        usersMessagesHttp.register(routing);
        chatServerHttp.register(routing);
    }

    @Override
    public void ownRouting(HttpRouting.Builder routing) {
        docs.register(routing);
    }

    @Override
    public Optional<String> openApiDocument() {
        return Optional.of(ApiDocs.OPENAPI);
    }

    @Override
    public void websocket(WsRouting.Builder ws) {
        wsEndpoint.register(ws);
    }

    /** Seed 002's {@code messages.MessageService} for clients, on a listener of its own (plain h2c behind the ingress's TLS). */
    @Override
    public void server(WebServerConfig.Builder server) {
        server.putSocket(PUBLIC_GRPC_SOCKET, socket -> {
            socket.host(grpcHost).port(publicGrpcPort);
            var grpc = GrpcRouting.builder();
            publicGrpc().forEach(grpc::service);
            socket.addRouting(grpc);
        });
    }

    @Override
    public List<io.grpc.ServerServiceDefinition> publicGrpc() {
        return List.of(messagesGrpc.bindService());
    }

    @Override
    public List<HealthCheck> healthChecks() {
        List<HealthCheck> checks = new java.util.ArrayList<>(backing.healthChecks());
        checks.add(processed.check(java.time.Duration.ofSeconds(60)));
        return checks;
    }

    @Override
    public void start() {
        relay.start();
        processed.start();
        hub.start();
        pruner.start();
    }

    /** Tells every socket to reconnect (with its cursor) and refuses new ones; then the node can stop. */
    @Override
    public void drain() {
        hub.drain();
    }

    /** This instance's live sockets. */
    public Hub hub() {
        return hub;
    }

    /** The outbox relay (tests observe how much it published). */
    public OutboxRelay relay() {
        return relay;
    }

    @Override
    public void close() {
        messagesGrpc.close();
        hub.close();
        pruner.close();
        processed.close();
        relay.close();
        signals.close();
        revoked.close();
        backing.close();
    }
}
