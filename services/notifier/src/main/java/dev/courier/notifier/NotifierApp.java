package dev.courier.notifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;


import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;

import dev.courier.notifier.delivery.DeadLetters;
import dev.courier.notifier.delivery.DeliveryLog;
import dev.courier.notifier.delivery.Dispatcher;
import dev.courier.notifier.delivery.MessageConsumer;
import dev.courier.notifier.delivery.ProcessedEvents;
import dev.courier.notifier.delivery.PushDelivery;
import dev.courier.notifier.email.EmailBatcher;
import dev.courier.notifier.email.Mailer;
import dev.courier.notifier.email.UnsubscribeService;
import dev.courier.notifier.email.UnsubscribeTokens;
import dev.courier.notifier.preferences.ChatMembership;
import dev.courier.notifier.preferences.PreferenceService;
import dev.courier.notifier.preferences.PreferenceStore;
import dev.courier.notifier.push.PushSender;
import dev.courier.notifier.push.PushTargets;
import dev.courier.notifier.push.Secrets;
import dev.courier.notifier.push.Vapid;
import dev.courier.notifier.push.VapidKeys;
import dev.courier.notifier.subscriptions.SubscriptionService;
import dev.courier.notifier.subscriptions.SubscriptionStore;
import dev.courier.notifier.users.DirectoryUsers;
import dev.courier.platform.events.Topics;
import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.security.RevokedSessions;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.users.UserDirectoryClient;

/** The notifier service, wired: its backing servers, the delivery pipeline and its routes. */
public final class NotifierApp implements CourierApp {

    /** The notifier's named SQL statements (Helidon DB Client), one file for all its stores. */
    public static final String STATEMENTS = "dev/courier/notifier/statements.yaml";


    private final Backing backing;
    private final Vapid vapid;
    private final TokenVerifier verifier;
    private final RevokedSessions revoked;
    private final SubscriptionStore subscriptions;
    private final PreferenceStore preferences;
    private final UnsubscribeTokens unsubscribeTokens;
    private final DeadLetters deadLetters;
    private final EmailBatcher email;
    private final MessageConsumer consumer;
    private final ExecutorService workers;
    private final PushTargets pushTargets;
    private final Config subscriptionLimits;
    private final Duration emailFlush;
    private final ChatMembership membership;

    private NotifierApp(Config config, Backing backing) {
        Config notifier = config.get("courier.notifier");
        Clock clock = Clock.systemUTC();
        this.backing = backing;
        Secrets secrets = new Secrets(backing.db());
        this.vapid = VapidKeys.load(notifier, secrets);
        this.revoked = RevokedSessions.start(backing.redis());
        this.verifier = new TokenVerifier(RemoteJwks.of(config.get("courier.auth.jwks").asString()
                .orElse("http://127.0.0.1:8081/.well-known/jwks.json")), clock, revoked);
        this.subscriptions = new SubscriptionStore(backing.db());
        this.preferences = new PreferenceStore(backing.db());
        this.unsubscribeTokens = new UnsubscribeTokens(Base64.getUrlDecoder().decode(notifier.get("unsubscribe.key").asString()
                .filter(s -> !s.isBlank())
                .orElseGet(() -> secrets.getOrCreate("unsubscribe", NotifierApp::randomKey))));
        this.subscriptionLimits = notifier.get("subscriptions");
        this.pushTargets = new PushTargets(notifier.get("push.allowedhosts").asString().orElse(""),
                notifier.get("push.ports").asString().orElse("443"),
                notifier.get("push.allowloopbackhttp").asBoolean().orElse(false));
        this.deadLetters = DeadLetters.start(backing.kafka().producer("courier-notifier"));
        DeliveryLog log = new DeliveryLog(backing.db());
        this.workers = Executors.newVirtualThreadPerTaskExecutor();
        PushDelivery push = new PushDelivery(new PushSender(vapid, pushTargets, clock), subscriptions, log, deadLetters,
                new PushDelivery.Policy(notifier.get("push.attempts").asInt().orElse(5),
                        Duration.ofMillis(notifier.get("push.backoffmillis").asLong().orElse(1000L)),
                        Duration.ofSeconds(notifier.get("push.maxdelayseconds").asLong().orElse(300L)),
                        notifier.get("push.ttlseconds").asInt().orElse(86400)), clock, workers,
                notifier.get("dispatch.perorigin").asInt().orElse(8));
        this.email = new EmailBatcher(backing.db(),
                new Mailer(config.get("courier.smtp"), notifier.get("email.from").asString().orElse("Courier <notifications@courier.dev>")),
                unsubscribeTokens, preferences, log, Duration.ofSeconds(notifier.get("email.windowseconds").asLong().orElse(600L)),
                notifier.get("publicurl").asString().orElse("http://localhost:8080"), clock);
        this.emailFlush = Duration.ofMillis(notifier.get("email.flushmillis").asLong().orElse(30_000L));
        Dispatcher dispatcher = new Dispatcher(backing.redis(), preferences, subscriptions, push, email,
                new DirectoryUsers(UserDirectoryClient.create(config.get("courier.auth.grpc").asString().orElse("127.0.0.1:9081"),
                        dev.courier.platform.tls.InternalTls.fromConfig(config), config.get("courier.auth.directorycredential").asString().orElse(""))), clock);
        var props = backing.kafka().consumer(notifier.get("kafka.group").asString().orElse("courier-notifier"), "courier-notifier");
        props.put("auto.offset.reset", notifier.get("kafka.offsetreset").asString().orElse("earliest"));
        this.consumer = new MessageConsumer(props, notifier.get("kafka.topic").asString().orElse(Topics.MESSAGES),
                new ProcessedEvents(backing.db()), dispatcher, workers,
                notifier.get("dispatch.concurrency").asInt().orElse(8),
                new MessageConsumer.Retry(notifier.get("dispatch.attempts").asInt().orElse(8),
                        Duration.ofMillis(notifier.get("dispatch.backoffmillis").asLong().orElse(1000L)),
                        Duration.ofSeconds(notifier.get("dispatch.maxdelayseconds").asLong().orElse(30L))));
        this.membership = ChatMembership.fromConfig(config);
    }

    public static NotifierApp create(Config config) {
        Backing backing = Backing.open(config, "notifier", NotifierApp.class);
        try {
            return new NotifierApp(config, backing);
        } catch (RuntimeException e) {
            backing.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "notifier";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/api/v1/push", new SubscriptionService(subscriptions, verifier, vapid, pushTargets,
                subscriptionLimits.get("peruser").asInt().orElse(20),
                // Per user only (callers are authenticated): platform's limiter with the address kind off.
                new RateLimiter(backing.redis(), "notifier", "subscriptions", subscriptionLimits.get("writes").asInt().orElse(30), 0,
                        Duration.ofSeconds(subscriptionLimits.get("windowseconds").asInt().orElse(600)))));
        routing.register("/api/v1/notifications/unsubscribe", new UnsubscribeService(unsubscribeTokens, preferences));
        routing.register("/api/v1/notifications", new PreferenceService(preferences, verifier, Clock.systemUTC(), membership));
    }

    @Override
    public void server(WebServerConfig.Builder server) {
        // HTTP/1.1 only: with helidon-webserver-http2 on the classpath (as when auth runs in the same
        // JVM) Helidon 4.1.2 would accept h2c upgrades and break on one that carries a request body,
        // which the JDK HttpClient sends on a POST.
        server.protocolsDiscoverServices(false).protocols(List.of(Http1Config.create()));
    }

    @Override
    public Optional<String> openApiDocument() {
        return Optional.of("openapi/notifier.yaml");
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return backing.healthChecks();
    }

    @Override
    public void start() {
        consumer.start();
        email.start(emailFlush);
    }

    /** Tests wait for the consumer's partitions before producing events. */
    public boolean awaitConsumer(Duration timeout) throws InterruptedException {
        return consumer.awaitAssignment(timeout);
    }

    public Vapid vapid() {
        return vapid;
    }

    @Override
    public void close() {
        consumer.close();
        email.close();
        deadLetters.close();
        revoked.close();
        backing.close();
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

}
