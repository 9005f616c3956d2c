package dev.courier.loadtest.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.platform.security.SigningKey;
import dev.courier.platform.security.TokenVerifier;

/**
 * Tops the benchmark's account cache up to N accounts without N sign-ups: 10,000 members through
 * the API cost two Argon2id hashes each (register and login, ~60 ms each on the benchmark's one
 * server core, i.e. about 20 minutes), and the hash cannot be made cheaper by configuration (auth
 * refuses parameters below OWASP's minimum). So the accounts are written into auth's own
 * {@code users} table of the bench database, all with one real Argon2id hash of {@link Api#PASSWORD}
 * (made once, here, with auth's own hasher; the PHC string carries its salt, so the accounts can
 * log in normally), and their access tokens are signed with auth's current signing key (read from
 * {@code signing_keys}) with exactly the claims auth issues. Only the per-account hashing is skipped;
 * what the messenger sees is indistinguishable from a login. Cached accounts whose token is older
 * than {@code refreshAfter} seconds get a new one the same way (10,000 logins would be 10 minutes of
 * Argon2id again). Bench database only: never point it at anything else.
 *
 * <pre>BulkAccounts jdbc:postgresql://127.0.0.1:PORT/courier accounts.csv 10000 [ttlSeconds=7200] [refreshAfter=3600]</pre>
 */
public final class BulkAccounts {

    private static final String KEY = """
            SELECT kid, private_key, public_key FROM auth.signing_keys
            WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1""";
    // One statement for all of them: the names are unique by construction (a run's prefix).
    private static final String INSERT = """
            INSERT INTO auth.users (username, email, display_name, password_hash)
            SELECT ? || n, ? || n || '@bench.courier.test', ? || n, ? FROM generate_series(1, ?) AS n
            RETURNING id, username""";

    private BulkAccounts() {
    }

    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        Path file = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        long ttl = args.length > 3 ? Long.parseLong(args[3]) : 7200;
        long refreshAfter = args.length > 4 ? Long.parseLong(args[4]) : 3600;
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList())
                : new ArrayList<>();
        int missing = count - lines.size();
        Instant now = Instant.now();
        long stale = lines.stream().filter(l -> now.getEpochSecond() - Long.parseLong(l.split(",", 4)[2]) >= refreshAfter).count();
        if (missing <= 0 && stale == 0) {
            System.out.printf("%s already holds %d accounts with fresh tokens%n", file, lines.size());
            return;
        }
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            SigningKey key;
            try (PreparedStatement ps = c.prepareStatement(KEY); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("auth has no signing key yet: start the bench stack first");
                }
                KeyFactory kf = KeyFactory.getInstance("EC");
                key = new SigningKey(rs.getString(1), (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(rs.getBytes(3))),
                        (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(rs.getBytes(2))));
            }
            for (int i = 0; i < lines.size(); i++) {
                String[] row = lines.get(i).split(",", 4);
                if (now.getEpochSecond() - Long.parseLong(row[2]) >= refreshAfter) {
                    lines.set(i, row[0] + "," + row[1] + "," + now.getEpochSecond() + "," + token(key, Long.parseLong(row[0]), now, ttl));
                }
            }
            if (missing <= 0) {
                Files.write(file, lines);
                System.out.printf("%d stale tokens of %s renewed%n", stale, file);
                return;
            }
            // Auth's default cost (application.yaml), so a login with these accounts verifies as usual.
            String hash = new PasswordHasher(19456, 2, 1, 1).hash(Api.PASSWORD);
            String prefix = "bulk" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "n";
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, prefix);
                ps.setString(2, prefix);
                ps.setString(3, prefix);
                ps.setString(4, hash);
                ps.setInt(5, missing);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        lines.add(id + "," + rs.getString(2) + "," + now.getEpochSecond() + "," + token(key, id, now, ttl));
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        System.out.printf("%d accounts written to auth.users and %s in %.1f s (%d in all, %d stale tokens renewed)%n", missing, file,
                (System.nanoTime() - t0) / 1e9, lines.size(), stale);
    }

    /** An access token as auth's login issues it (AccessTokens.issue): the same claims, auth's key. */
    private static String token(SigningKey key, long userId, Instant now, long ttl) {
        return key.sign(TokenVerifier.claims(userId, "bench-" + UUID.randomUUID(), List.of("user"), now, now.plusSeconds(ttl),
                UUID.randomUUID().toString()));
    }
}
