package dev.courier.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.auth.accounts.AccountEndpoints;
import dev.courier.auth.accounts.Accounts;
import dev.courier.auth.accounts.LoginBackoff;
import dev.courier.auth.directory.DirectoryCallers;
import dev.courier.auth.directory.UserDirectoryService;
import dev.courier.auth.keys.JwksEndpoint;
import dev.courier.auth.keys.KeyAdminEndpoint;
import dev.courier.auth.keys.Keyring;
import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.auth.passwords.PasswordPolicy;
import dev.courier.auth.profiles.ProfileEndpoints;
import dev.courier.auth.profiles.Profiles;
import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.recovery.Mailer;
import dev.courier.auth.recovery.PasswordResets;
import dev.courier.auth.recovery.RecoveryEndpoints;
import dev.courier.auth.seed.ChatServerEndpoints;
import dev.courier.auth.seed.SeedEndpoints;
import dev.courier.auth.seed.UsersGrpc;
import dev.courier.auth.seed.UsersServiceEndpoints;
import dev.courier.auth.sessions.AccessTokens;
import dev.courier.auth.sessions.SessionStore;
import dev.courier.auth.users.UserStore;
import dev.courier.auth.verification.EmailVerifications;
import dev.courier.auth.verification.VerificationEndpoints;
import dev.courier.auth.web.Authn;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.RouteTable;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.tls.InternalTls;
import dev.courier.platform.users.v1.UserDirectoryProto;

/** The auth service, wired: its backing servers and its routes. */
public final class AuthApp implements CourierApp {

    /** The name of the internal gRPC listener: {@code webServer.port(AuthApp.GRPC_SOCKET)} is its bound port. */
    public static final String GRPC_SOCKET = "grpc";
    /** The public gRPC listener for clients (seed 002's {@code users.UserService}). */
    public static final String PUBLIC_GRPC_SOCKET = "grpc-public";

    private static final System.Logger LOG = System.getLogger(AuthApp.class.getName());

    private final Backing backing;
    private final Keyring keyring;
    private final AccountEndpoints accountEndpoints;
    private final ProfileEndpoints profileEndpoints;
    private final JwksEndpoint jwks;
    private final KeyAdminEndpoint keyAdmin;
    private final SeedEndpoints seed;
    private final UsersServiceEndpoints usersService;
    private final PasswordResets resets;
    private final EmailVerifications verifications;
    private final VerificationEndpoints verificationEndpoints;
    private final RecoveryEndpoints recovery;
    private final RouteTable routes = new RouteTable();
    /** Operators' routes: kept out of the public document (see the README), so out of its table. */
    private final RouteTable internalRoutes = new RouteTable();
    private final UserDirectoryService directory;
    private final DirectoryCallers directoryCallers;
    private final String grpcHost;
    private final int grpcPort;
    private final int publicGrpcPort;
    private final UsersGrpc usersGrpc;
    private final InternalTls internalTls;

    private AuthApp(Backing backing, Config config) {
        this.backing = backing;
        Config auth = config.get("courier.auth");
        this.grpcHost = config.get("server.host").asString().orElse("0.0.0.0");
        // A server on a free port (tests, several devstacks on one machine) takes a free gRPC port too,
        // so parallel runs never collide on 9081; the bound port is webServer.port(GRPC_SOCKET).
        this.grpcPort = config.get("server.port").asInt().orElse(8081) == 0 ? 0 : auth.get("grpc.port").asInt().orElse(9081);
        this.publicGrpcPort = config.get("server.port").asInt().orElse(8081) == 0 ? 0 : auth.get("publicgrpc.port").asInt().orElse(9181);
        this.internalTls = InternalTls.fromConfig(config);
        Clock clock = Clock.systemUTC();
        Duration accessTtl = Duration.ofSeconds(auth.get("access.ttlseconds").asLong().orElse(900L));
        Duration refreshTtl = Duration.ofSeconds(auth.get("refresh.ttlseconds").asLong().orElse(2_592_000L));
        // A retired key stays published while tokens it signed may live, plus the verifiers' leeway.
        this.keyring = new Keyring(backing.db(), clock, accessTtl.plusMinutes(5), Duration.ofSeconds(30));
        keyring.initialize(auth.get("signingkey").asString().orElse(""));

        Config pw = auth.get("password");
        PasswordHasher hasher = new PasswordHasher(pw.get("memorykib").asInt().orElse(19456), pw.get("iterations").asInt().orElse(2),
                pw.get("parallelism").asInt().orElse(1), pw.get("concurrency").asInt().orElse(0));
        UserStore users = new UserStore(backing.db());
        SessionStore sessions = new SessionStore(backing.redis(), clock, refreshTtl, accessTtl,
                Duration.ofSeconds(auth.get("refresh.maxlifetimeseconds").asLong().orElse(2_592_000L)));
        AccessTokens tokens = new AccessTokens(keyring, clock, accessTtl);
        Profiles profiles = new Profiles(users, backing.redis(),
                Duration.ofSeconds(auth.get("profile.cachettlseconds").asLong().orElse(300L)));
        PasswordPolicy policy = PasswordPolicy.load();
        Config limits = auth.get("ratelimit");
        Accounts accounts = new Accounts(users, hasher, policy, sessions, tokens, profiles,
                LoginBackoff.of(backing.redis(), limits.get("loginfailures")));
        ClientInfo client = ClientInfo.fromConfig(config);
        Authn authn = new Authn(new TokenVerifier(keyring, clock), sessions);

        RateLimiter loginLimit = RateLimiter.of(backing.redis(), "auth", limits, "login");
        RateLimiter registerLimit = RateLimiter.of(backing.redis(), "auth", limits, "register");
        Mailer mailer = new Mailer(config.get("courier.smtp"));
        this.verifications = new EmailVerifications(backing.db(), users, profiles, mailer, clock,
                Duration.ofSeconds(auth.get("verify.ttlseconds").asLong().orElse(172_800L)),
                auth.get("verify.url").asString().orElse("http://localhost:8080/app/#verify="));
        this.verificationEndpoints = new VerificationEndpoints(verifications, authn, RateLimiter.of(backing.redis(), "auth", limits, "verify"), client);
        this.accountEndpoints = new AccountEndpoints(accounts, sessions, authn, client, loginLimit, registerLimit, accessTtl, refreshTtl, verifications);
        this.resets = new PasswordResets(backing.db(), users, hasher, policy, sessions, profiles, mailer,
                clock, Duration.ofSeconds(auth.get("reset.ttlseconds").asLong().orElse(1800L)),
                auth.get("reset.url").asString().orElse("http://localhost:8080/app/#reset="));
        this.recovery = new RecoveryEndpoints(resets, RateLimiter.of(backing.redis(), "auth", limits, "reset"), client);
        this.seed = new SeedEndpoints(accounts, client, loginLimit, registerLimit, accessTtl, refreshTtl,
                new ChatServerEndpoints(accounts, profiles, authn, client, loginLimit, registerLimit));
        this.usersService = new UsersServiceEndpoints(accounts, client, registerLimit);
        this.profileEndpoints = new ProfileEndpoints(profiles, authn);
        this.usersGrpc = new UsersGrpc(usersService, profiles);
        this.jwks = new JwksEndpoint(keyring);
        this.keyAdmin = new KeyAdminEndpoint(keyring, authn);
        this.directoryCallers = DirectoryCallers.fromConfig(auth.get("grpc.clients"));
        this.directory = new UserDirectoryService(users, directoryCallers);
        if (directoryCallers.services().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "No courier.auth.grpc.clients credential is set: the UserDirectory refuses every call");
        }
    }

    public static AuthApp create(Config config) {
        Backing backing = Backing.open(config, "auth", AuthApp.class);
        try {
            return new AuthApp(backing, config);
        } catch (RuntimeException e) {
            backing.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "auth";
    }

    /** Never behind the gateway or ingress: operators' endpoints (the document is {@link #openApiDocument()}). */
    @Override
    public void ownRouting(HttpRouting.Builder routing) {
        keyAdmin.routing(routing, internalRoutes);
    }

    @Override
    public Optional<String> openApiDocument() {
        return Optional.of("dev/courier/auth/openapi/openapi.yaml");
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        jwks.routing(routing, routes);
        accountEndpoints.routing(routing, routes);
        profileEndpoints.routing(routing, routes);
        recovery.routing(routing, routes);
        verificationEndpoints.routing(routing, routes);
        seed.routing(routing, routes);
        usersService.routing(routing, routes);
    }

    /** The gRPC UserDirectory on its own listener, never on the public port or the gateway. */
    @Override
    public void server(WebServerConfig.Builder server) {
        // The public socket is HTTP/1.1 + WebSocket only (Servers.setup); this listener speaks HTTP/2 for gRPC,
        // over TLS with courier.tls.cert/key when they are set (the HTTP port reads Helidon's server.tls).
        var tls = internalTls.serverTls();
        server.putSocket(GRPC_SOCKET, socket -> {
            socket.host(grpcHost).port(grpcPort)
                    .addRouting(GrpcRouting.builder().service(UserDirectoryProto.getDescriptor(), directory));
            tls.ifPresent(socket::tls);
        });
        // Clients' gRPC (seed 002) on a listener of its own: plain h2c, as the ingress terminates TLS in front of it.
        server.putSocket(PUBLIC_GRPC_SOCKET, socket -> {
            socket.host(grpcHost).port(publicGrpcPort);
            var grpc = GrpcRouting.builder();
            publicGrpc().forEach(grpc::service);
            socket.addRouting(grpc);
        });
        LOG.log(System.Logger.Level.INFO, tls.isPresent()
                ? "gRPC UserDirectory listener over TLS (" + internalTls.describe() + ")"
                : "gRPC UserDirectory listener in plain h2c (" + InternalTls.CERT + " and " + InternalTls.KEY + " are not set)");
    }

    @Override
    public List<io.grpc.ServerServiceDefinition> publicGrpc() {
        return List.of(usersGrpc.bindService());
    }

    /** The public routes registered so far, as the OpenAPI test holds them against the document. */
    public List<RouteTable.Route> routes() {
        return routes.routes();
    }

    /** The keyring, for operators' rotation and for tests. */
    public Keyring keyring() {
        return keyring;
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return backing.healthChecks();
    }

    @Override
    public void close() {
        resets.close();
        verifications.close();
        backing.close();
    }
}
