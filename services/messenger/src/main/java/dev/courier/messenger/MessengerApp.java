package dev.courier.messenger;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.messenger.conversations.ConversationStore;
import dev.courier.messenger.conversations.Rooms;
import dev.courier.messenger.conversations.RoomsHttp;
import dev.courier.messenger.docs.ApiDocs;
import dev.courier.messenger.events.AfterCommit;
import dev.courier.messenger.events.EventLogPruner;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.events.SyncHttp;
import dev.courier.messenger.events.UserEventLog;
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
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;

/** The messenger service, wired: its backing servers, stores, rules, routes and background work. */
public final class MessengerApp implements CourierApp {

    private final Backing backing;
    private final OutboxRelay relay;
    private final EventLogPruner pruner;
    private final Signals signals;
    private final MessagesHttp messagesHttp;
    private final SeedHttp seedHttp;
    private final RoomsHttp roomsHttp;
    private final SyncHttp syncHttp;
    private final Hub hub;
    private final ApiDocs docs = new ApiDocs();
    private final ProcessedConsumer processed;
    private final WsEndpoint wsEndpoint;

    private MessengerApp(Backing backing, Config config) {
        this.backing = backing;
        Config messenger = config.get("courier.messenger");
        TokenVerifier verifier = new TokenVerifier(RemoteJwks.of(config.get("courier.auth.jwks").asString()
                .orElseThrow(() -> new IllegalStateException("courier.auth.jwks is not set"))), java.time.Clock.systemUTC());
        // auth's gRPC UserDirectory when its address is configured, else its HTTP profile lookup.
        UserDirectory users = config.get("courier.auth.grpc").asString().filter(s -> !s.isBlank()).isPresent()
                ? new GrpcUserDirectory(UserDirectoryClient.fromConfig(config))
                : new HttpUserDirectory(config.get("courier.auth.url").asString()
                        .orElseThrow(() -> new IllegalStateException("Neither courier.auth.grpc nor courier.auth.url is set")));
        MessageStore messageStore = new MessageStore();
        UserEventLog log = new UserEventLog(backing.db(), messageStore::createdEvents);
        this.pruner = new EventLogPruner(backing.db(), EventLogPruner.Settings.from(messenger.get("events")));
        OutboxStore outbox = new OutboxStore();
        this.relay = new OutboxRelay(backing.db(), outbox, backing.kafka(), RelaySettings.from(messenger.get("outbox")));
        this.signals = new Signals(backing.redis());
        this.hub = new Hub(log, signals, new Presence(backing.redis()), backing.db(), WsSettings.from(messenger.get("ws")));
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
        this.processed = new ProcessedConsumer(backing.db(), messageStore, backing.kafka());
        Messaging messaging = new Messaging(backing.db(), conversations, messageStore, new ChatListStore(),
                outbox, log, users, afterCommit);
        this.syncHttp = new SyncHttp(log, verifier);
        this.wsEndpoint = new WsEndpoint(hub, verifier, new Commands(messaging, signals, messenger.get("ws.typingmillis").asLong().orElse(Commands.TYPING_MILLIS)));
        this.roomsHttp = new RoomsHttp(new Rooms(backing.db(), conversations, log, users, afterCommit), verifier);
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
    }

    @Override
    public void ownRouting(HttpRouting.Builder routing) {
        docs.register(routing);
    }

    @Override
    public void websocket(WsRouting.Builder ws) {
        wsEndpoint.register(ws);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return backing.healthChecks();
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
        hub.close();
        pruner.close();
        processed.close();
        relay.close();
        signals.close();
        backing.close();
    }
}
