package dev.courier.platform.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * TLS between the services, from one configuration shape:
 * <ul>
 * <li>{@code courier.tls.ca} (env {@code COURIER_TLS_CA}): a PEM file with the CA certificate(s)
 * the clients trust for internal calls (auth's JWKS over https, auth's gRPC UserDirectory);</li>
 * <li>{@code courier.tls.cert} and {@code courier.tls.key} ({@code COURIER_TLS_CERT},
 * {@code COURIER_TLS_KEY}): the PEM certificate chain and PKCS#8 PEM private key an internal
 * listener presents (auth's gRPC listener; the HTTP port reads Helidon's own {@code server.tls}).</li>
 * </ul>
 * Empty or missing keys mean "not configured". Files are read when a client or listener is built,
 * so a missing or unreadable file fails the service's start with the key and path named.
 */
public final class InternalTls {

    public static final String CA = "courier.tls.ca";
    public static final String CERT = "courier.tls.cert";
    public static final String KEY = "courier.tls.key";

    private static volatile InternalTls environment;

    private final Optional<Path> ca;
    private final Optional<Path> cert;
    private final Optional<Path> key;

    private InternalTls(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalStateException(CERT + " and " + KEY + " go together: set both (a listener's certificate and its key) or neither");
        }
        this.ca = ca;
        this.cert = cert;
        this.key = key;
    }

    public static InternalTls of(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
        return new InternalTls(ca, cert, key);
    }

    /** Nothing configured: clients use plain connections (or the JDK's trust store for an https URL). */
    public static InternalTls none() {
        return new InternalTls(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** From a service's configuration ({@code courier.tls.*}). */
    public static InternalTls fromConfig(io.helidon.common.config.Config config) {
        return new InternalTls(path(config, CA), path(config, CERT), path(config, KEY));
    }

    /**
     * From the process's environment variables and system properties only, for factories that are
     * not handed the configuration (the chart sets {@code COURIER_TLS_*} as environment variables,
     * so this sees what the service's own configuration sees in a deployment).
     */
    public static InternalTls fromEnvironment() {
        InternalTls tls = environment;
        if (tls == null) {
            Config config = Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .addSource(ConfigSources.environmentVariables())
                    .addSource(ConfigSources.systemProperties())
                    .build();
            tls = fromConfig(config);
            environment = tls;
        }
        return tls;
    }

    private static Optional<Path> path(io.helidon.common.config.Config config, String key) {
        return config.get(key).asString().asOptional().map(String::strip).filter(s -> !s.isEmpty()).map(Path::of);
    }

    public Optional<Path> ca() {
        return ca;
    }

    /** Whether a listener certificate and key are configured. */
    public boolean serves() {
        return cert.isPresent();
    }

    /** The CA certificates of {@code courier.tls.ca}; fails naming the key and path when they cannot be read. */
    public List<X509Certificate> caCertificates() {
        Path file = ca.orElseThrow(() -> new IllegalStateException(CA + " is not set"));
        return certificates(CA, file);
    }

    /**
     * An SSLContext for the JDK HttpClient: trusts only {@code courier.tls.ca} when it is set
     * (internal certificates are not in the JDK's store), else the JDK's default trust store.
     */
    public SSLContext clientSslContext() {
        try {
            if (ca.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : caCertificates()) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build a TLS client context trusting " + CA + "=" + ca.orElse(null) + ": " + e.getMessage(), e);
        }
    }

    /** Helidon client TLS: trusts {@code courier.tls.ca} (or the JDK's store); host names are verified. */
    public Tls clientTls() {
        var builder = Tls.builder().endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_HTTPS);
        ca.ifPresent(p -> builder.trust(caCertificates()));
        return builder.build();
    }

    /** Helidon listener TLS from {@code courier.tls.cert} and {@code courier.tls.key}, when both are set. */
    public Optional<Tls> serverTls() {
        if (cert.isEmpty()) {
            return Optional.empty();
        }
        List<X509Certificate> chain = certificates(CERT, cert.get());
        PrivateKey privateKey = privateKey(key.get());
        return Optional.of(Tls.builder().privateKey(privateKey).privateKeyCertChain(chain).build());
    }

    /** One line for the logs: what this configuration trusts and serves. */
    public String describe() {
        return (ca.map(p -> "trusts " + CA + "=" + p).orElse("no " + CA))
                + ", " + (cert.map(p -> "serves " + CERT + "=" + p).orElse("no " + CERT));
    }

    private static List<X509Certificate> certificates(String what, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> certs.add((X509Certificate) c));
            if (certs.isEmpty()) {
                throw new IllegalStateException(what + "=" + file + " holds no PEM certificate");
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read " + what + "=" + file + " (PEM certificates): " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 PEM key ("BEGIN PRIVATE KEY"), EC (what the chart's cert-manager Certificate makes) or RSA. */
    static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + KEY + "=" + file + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(KEY + "=" + file + " is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new IllegalStateException(KEY + "=" + file + " is neither an EC nor an RSA PKCS#8 key");
    }
}
