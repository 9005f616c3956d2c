package dev.courier.platform.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import dev.courier.platform.testing.TestCertificates;
import dev.courier.platform.users.UserDirectoryClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The configuration shape; real handshakes are tested against a TLS auth server in auth's InternalTlsTest. */
class InternalTlsTest {

    @TempDir
    static Path tmp;
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create(tmp.resolve("pki"), "dns:localhost");
    }

    private static Config config(Map<String, String> values) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values)).build();
    }

    @Test
    void readsTheCaCertificateAndTheListenerKeyPairFromCourierTlsKeys() {
        InternalTls tls = InternalTls.fromConfig(config(Map.of(InternalTls.CA, certs.ca().toString(),
                InternalTls.CERT, certs.cert().toString(), InternalTls.KEY, certs.key().toString())));
        assertThat(tls.caCertificates().size(), is(1));
        assertThat(tls.serverTls().isPresent(), is(true));
        assertThat(tls.describe(), containsString(certs.ca().toString()));
    }

    @Test
    void emptyValuesMeanNotConfigured() {
        InternalTls tls = InternalTls.fromConfig(config(Map.of(InternalTls.CA, "", InternalTls.CERT, " ", InternalTls.KEY, "")));
        assertThat(tls.ca().isPresent(), is(false));
        assertThat(tls.serverTls().isPresent(), is(false));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedNamingBothKeys() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> InternalTls.fromConfig(config(Map.of(InternalTls.CERT, certs.cert().toString()))));
        assertThat(e.getMessage(), containsString(InternalTls.CERT));
        assertThat(e.getMessage(), containsString(InternalTls.KEY));
    }

    @Test
    void aMissingCaFileFailsNamingTheKeyAndPath() {
        Path missing = tmp.resolve("no-such-ca.crt");
        InternalTls tls = InternalTls.of(Optional.of(missing), Optional.empty(), Optional.empty());
        IllegalStateException e = assertThrows(IllegalStateException.class, tls::clientSslContext);
        assertThat(e.getMessage(), containsString(InternalTls.CA + "=" + missing));
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.crt"), "not a certificate\n");
        InternalTls tls = InternalTls.of(Optional.of(junk), Optional.empty(), Optional.empty());
        IllegalStateException e = assertThrows(IllegalStateException.class, tls::caCertificates);
        assertThat(e.getMessage(), containsString(InternalTls.CA + "=" + junk));
    }

    @Test
    void aKeyThatIsNotPkcs8PemIsRefusedNamingTheKey() throws Exception {
        Path rsa = Files.writeString(tmp.resolve("pkcs1.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        InternalTls tls = InternalTls.of(Optional.empty(), Optional.of(certs.cert()), Optional.of(rsa));
        IllegalStateException e = assertThrows(IllegalStateException.class, tls::serverTls);
        assertThat(e.getMessage(), containsString(InternalTls.KEY + "=" + rsa));
    }

    @Test
    void clientTlsVerifiesHostNames() {
        // Helidon's gRPC client checks the name of the address it connects to (for an IP literal, what
        // it reverse-resolves to), so internal addresses use the DNS names in the certificate.
        InternalTls tls = InternalTls.of(Optional.of(certs.ca()), Optional.empty(), Optional.empty());
        assertThat(tls.clientTls().sslParameters().getEndpointIdentificationAlgorithm(), is("HTTPS"));
        assertThat(InternalTls.none().clientTls().sslParameters().getEndpointIdentificationAlgorithm(), is("HTTPS"));
    }

    @Test
    void theDirectoryClientUsesTlsWhenTheCaIsSetOrTheAddressSaysHttps() {
        InternalTls withCa = InternalTls.of(Optional.of(certs.ca()), Optional.empty(), Optional.empty());
        assertThat(UserDirectoryClient.create("localhost:1", withCa).secure(), is(true));
        assertThat(UserDirectoryClient.create("https://localhost:1", InternalTls.none()).secure(), is(true));
        assertThat(UserDirectoryClient.create("localhost:1", InternalTls.none()).secure(), is(false));
        assertThat(UserDirectoryClient.create("http://localhost:1", withCa).secure(), is(false));
    }

    @Test
    void theDirectoryClientReadsItsTlsFromTheServiceConfiguration() {
        UserDirectoryClient client = UserDirectoryClient.fromConfig(config(Map.of("courier.auth.grpc", "localhost:1",
                InternalTls.CA, certs.ca().toString())));
        assertThat(client.secure(), is(true));
    }
}
