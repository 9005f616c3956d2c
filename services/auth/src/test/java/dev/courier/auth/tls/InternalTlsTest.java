package dev.courier.auth.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.courier.auth.AuthApp;
import dev.courier.auth.AuthServer;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.testing.TestCertificates;
import dev.courier.platform.tls.InternalTls;
import dev.courier.platform.users.UserDirectoryClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Auth with TLS on its HTTP port (Helidon's {@code server.tls} keys, exactly as the Helm chart sets
 * them) and on its gRPC listener ({@code courier.tls.cert}/{@code key}); the other services'
 * clients get answers when they trust the internal CA, and a clear error when they do not.
 */
class InternalTlsTest {

    @TempDir
    static Path tmp;
    private static TestCertificates internal;
    private static Path strangerCa;
    private static AuthServer auth;
    private static AuthServer.TestUser user;

    @BeforeAll
    static void start() {
        internal = TestCertificates.create(tmp.resolve("internal"), "dns:localhost");
        strangerCa = TestCertificates.caOnly(tmp.resolve("stranger"));
        auth = AuthServer.with(Map.of(
                "server.tls.private-key.pem.key.resource.path", internal.key().toString(),
                "server.tls.private-key.pem.cert-chain.resource.path", internal.cert().toString(),
                "server.tls.trust.pem.certificates.resource.path", internal.ca().toString(),
                InternalTls.CA, internal.ca().toString(),
                InternalTls.CERT, internal.cert().toString(),
                InternalTls.KEY, internal.key().toString()));
        // Registered through the plain shared server: both use the same database.
        user = AuthServer.shared().register();
    }

    @AfterAll
    static void stop() {
        if (auth != null) {
            auth.close();
        }
    }

    private static InternalTls trusting(Path ca) {
        return InternalTls.of(Optional.of(ca), Optional.empty(), Optional.empty());
    }

    private static String jwks(String host) {
        return "https://" + host + ":" + auth.port() + "/.well-known/jwks.json";
    }

    private static int grpcPort() {
        return auth.server.port(AuthApp.GRPC_SOCKET);
    }

    @Test
    void jwksIsFetchedOverHttpsTrustingTheInternalCa() {
        RemoteJwks jwks = RemoteJwks.of(jwks("localhost"), trusting(internal.ca()));
        var kids = jwks.refresh();
        assertThat(kids.isEmpty(), is(false));
        assertThat(jwks.key(kids.iterator().next()).isPresent(), is(true));
    }

    @Test
    void jwksFromAServiceConfigurationWithTheCaIsFetchedOverHttps() {
        var config = io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(Map.of(
                "courier.auth.jwks", jwks("localhost"), InternalTls.CA, internal.ca().toString())));
        assertThat(RemoteJwks.fromConfig(config).refresh().isEmpty(), is(false));
    }

    @Test
    void jwksWithoutTheInternalCaFailsTheHandshakeAndSaysSo() {
        RemoteJwks.JwksUnavailableException e = assertThrows(RemoteJwks.JwksUnavailableException.class,
                () -> RemoteJwks.of(jwks("localhost"), InternalTls.none()).refresh());
        assertThat(e.getMessage(), containsString("TLS handshake"));
        assertThat(e.getMessage(), containsString(InternalTls.CA));
    }

    @Test
    void jwksTrustingAnotherCaFailsTheHandshake() {
        RemoteJwks jwks = RemoteJwks.of(jwks("localhost"), trusting(strangerCa));
        RemoteJwks.JwksUnavailableException e = assertThrows(RemoteJwks.JwksUnavailableException.class, jwks::refresh);
        assertThat(e.getMessage(), containsString("TLS handshake"));
        // A verifier asking for a key gets none rather than an exception.
        assertThat(jwks.key("any").isPresent(), is(false));
    }

    @Test
    void jwksAtAHostNameTheCertificateDoesNotCoverIsRefused() {
        RemoteJwks.JwksUnavailableException e = assertThrows(RemoteJwks.JwksUnavailableException.class,
                () -> RemoteJwks.of(jwks("127.0.0.1"), trusting(internal.ca())).refresh());
        assertThat(e.getMessage(), containsString("TLS handshake"));
    }

    @Test
    void plainHttpToTheTlsPortGetsNoKeys() {
        RemoteJwks jwks = RemoteJwks.of("http://localhost:" + auth.port() + "/.well-known/jwks.json", trusting(internal.ca()));
        assertThrows(RemoteJwks.JwksUnavailableException.class, jwks::refresh);
    }

    @Test
    void directoryAnswersOverTlsTrustingTheInternalCa() {
        UserDirectoryClient client = UserDirectoryClient.create("localhost:" + grpcPort(), trusting(internal.ca()), AuthServer.NOTIFIER_CREDENTIAL);
        assertThat(client.secure(), is(true));
        Map<Long, UserDirectoryClient.User> users = client.getUsers(List.of(user.id()));
        assertThat(users.get(user.id()).username(), is(user.username()));
    }

    @Test
    void directoryWithoutTheInternalCaFailsTheHandshakeAndSaysSo() {
        UserDirectoryClient client = UserDirectoryClient.create("https://localhost:" + grpcPort(), InternalTls.none(), AuthServer.NOTIFIER_CREDENTIAL);
        UserDirectoryClient.UserDirectoryException e = assertThrows(UserDirectoryClient.UserDirectoryException.class,
                () -> client.getUsers(List.of(user.id())));
        assertThat(e.getMessage(), containsString("TLS handshake"));
        assertThat(e.getMessage(), containsString(InternalTls.CA));
    }

    @Test
    void directoryTrustingAnotherCaFailsTheHandshake() {
        UserDirectoryClient client = UserDirectoryClient.create("localhost:" + grpcPort(), trusting(strangerCa), AuthServer.NOTIFIER_CREDENTIAL);
        UserDirectoryClient.UserDirectoryException e = assertThrows(UserDirectoryClient.UserDirectoryException.class,
                () -> client.getUsers(List.of(user.id())));
        assertThat(e.getMessage(), containsString("TLS handshake"));
    }

    @Test
    void aPlainDirectoryClientGetsNoAnswerFromTheTlsListener() {
        UserDirectoryClient client = UserDirectoryClient.create("http://localhost:" + grpcPort(), InternalTls.none(), AuthServer.NOTIFIER_CREDENTIAL);
        UserDirectoryClient.UserDirectoryException e = assertThrows(UserDirectoryClient.UserDirectoryException.class,
                () -> client.getUsers(List.of(user.id())));
        assertThat(e.getMessage(), not(containsString(user.username())));
    }
}
