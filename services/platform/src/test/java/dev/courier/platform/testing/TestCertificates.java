package dev.courier.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throwaway CA and a server certificate it signs, made with the JDK's keytool (no test-only
 * crypto library): PEM files laid out like the chart's internal-TLS Secret ({@code ca.crt},
 * {@code tls.crt} = server certificate + CA, {@code tls.key} = PKCS#8 PEM).
 */
public record TestCertificates(Path dir, Path ca, Path cert, Path key) {

    private static final String PASS = "changeit";

    /**
     * @param dir  an empty directory to write into
     * @param sans the server certificate's subject alternative names, keytool syntax ("dns:localhost")
     */
    public static TestCertificates create(Path dir, String... sans) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            Path serverStore = dir.resolve("server.p12");
            Path ca = dir.resolve("ca.crt");
            Path csr = dir.resolve("server.csr");
            Path server = dir.resolve("server.crt");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Courier test CA " + dir.getFileName(),
                    "-ext", "bc:c", "-validity", "2", "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", PASS);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASS, "-file", ca.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=courier-test-server",
                    "-validity", "2", "-keystore", serverStore.toString(), "-storetype", "PKCS12", "-storepass", PASS);
            keytool("-certreq", "-alias", "server", "-keystore", serverStore.toString(), "-storepass", PASS, "-file", csr.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASS, "-infile", csr.toString(),
                    "-outfile", server.toString(), "-validity", "2", "-ext", "SAN=" + String.join(",", sans), "-ext", "EKU=serverAuth,clientAuth",
                    "-ext", "KU=digitalSignature");
            Path chain = dir.resolve("tls.crt");
            Files.writeString(chain, Files.readString(server) + Files.readString(ca));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(serverStore)) {
                store.load(in, PASS.toCharArray());
            }
            PrivateKey privateKey = (PrivateKey) store.getKey("server", PASS.toCharArray());
            Path key = dir.resolve("tls.key");
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new TestCertificates(dir, ca, chain, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make test certificates in " + dir + ": " + e, e);
        }
    }

    /** Only a CA certificate (PEM), for "trusts another CA" cases: two keytool runs instead of five. */
    public static Path caOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            Path ca = dir.resolve("ca.crt");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Courier other CA " + dir.getFileName(),
                    "-ext", "bc:c", "-validity", "2", "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", PASS);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASS, "-file", ca.toString());
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
