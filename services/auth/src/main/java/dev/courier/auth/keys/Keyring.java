package dev.courier.auth.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.security.jwt.jwk.JwkKeys;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;
import dev.courier.platform.security.Es256;
import dev.courier.platform.security.KeySource;
import dev.courier.platform.security.SigningKey;

/**
 * The ES256 keys every auth replica shares, kept in PostgreSQL so they survive restarts. The newest
 * non-retired key signs. Rotation adds a key and retires the previous one; a retired key stays in
 * the JWKS for the access-token lifetime (plus leeway) so tokens it signed keep verifying.
 * Every replica rereads the table at most every {@code reload} so a rotation by one is seen by all.
 */
public final class Keyring implements KeySource {

    private final SqlClient db;
    private final Clock clock;
    private final Duration keepRetired;
    private final Duration reload;
    private volatile Snapshot snapshot = new Snapshot(List.of(), JwkKeys.builder().build(), Instant.EPOCH);

    /**
     * @param keepRetired how long a retired key stays published: at least the access-token lifetime
     * @param reload      how stale a replica's view of the table may be
     */
    public Keyring(Database db, Clock clock, Duration keepRetired, Duration reload) {
        this.db = SqlClient.over(db, dev.courier.auth.users.UserStore.STATEMENTS);
        this.clock = clock;
        this.keepRetired = keepRetired;
        this.reload = reload;
    }

    /**
     * Makes sure a signing key exists. A configured key (from a Secret) is imported and, when new,
     * becomes the signing key; otherwise the first replica to start creates one.
     */
    public void initialize(String configuredPkcs8) {
        db.inTransaction(tx -> {
            tx.namedGet("lock-keyring");
            if (configuredPkcs8 != null && !configuredPkcs8.isBlank()) {
                SigningKey key = fromPkcs8(decodePem(configuredPkcs8));
                if (insert(tx, key)) {
                    retireOthers(tx, key.kid());
                }
            } else if (tx.namedGet("active-signing-keys").isEmpty()) {
                insert(tx, generate());
            }
            return null;
        });
        refresh();
    }

    /** Adds a fresh key that signs from now on; the previous keys stay published while their tokens live. */
    public SigningKey rotate() {
        SigningKey key = generate();
        db.inTransaction(tx -> {
            tx.namedGet("lock-keyring");
            insert(tx, key);
            retireOthers(tx, key.kid());
            return null;
        });
        refresh();
        return key;
    }

    /** The key that signs new tokens. */
    public SigningKey signingKey() {
        return current().keys().getFirst().key();
    }

    /** Every key a valid token may name: the signing key and the recently retired ones. */
    public List<Map<String, String>> publicJwks() {
        return current().keys().stream().map(k -> k.key().publicJwk()).toList();
    }

    /** A published public key by kid. */
    public java.util.Optional<ECPublicKey> publicKey(String kid) {
        return keys(kid).forKeyId(kid).map(jwk -> (ECPublicKey) ((JwkEC) jwk).publicKey());
    }

    /** The published keys as Helidon's key set, for auth's own offline verification of its tokens. */
    @Override
    public JwkKeys keys(String kid) {
        Snapshot s = current();
        // Another replica may just have rotated: reread, at most once a second so forged kids cannot hammer the database.
        if (s.jwks().forKeyId(kid).isEmpty() && clock.instant().isAfter(s.loadedAt().plusSeconds(1))) {
            refresh();
            s = snapshot;
        }
        return s.jwks();
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s.keys().isEmpty() || clock.instant().isAfter(s.loadedAt().plus(reload))) {
            refresh();
            s = snapshot;
        }
        if (s.keys().isEmpty()) {
            throw new IllegalStateException("The keyring is empty; initialize() was not called");
        }
        return s;
    }

    private void refresh() {
        Instant now = clock.instant();
        List<Stored> keys = db.execute(exec -> {
            try (Stream<DbRow> rows = exec.namedQuery("published-signing-keys", Timestamp.from(now.minus(keepRetired)))) {
                return rows.map(r -> new Stored(load(r.column(1).get(String.class), r.column(2).get(byte[].class),
                        r.column(3).get(byte[].class)), r.column(5).get(Boolean.class))).toList();
            }
        });
        // The signing key first: the newest one that is not retired.
        List<Stored> ordered = new ArrayList<>(keys.stream().filter(k -> !k.retired()).toList());
        ordered.addAll(keys.stream().filter(Stored::retired).toList());
        JwkKeys.Builder jwks = JwkKeys.builder();
        ordered.forEach(k -> jwks.addKey(k.key().verificationJwk()));
        snapshot = new Snapshot(List.copyOf(ordered), jwks.build(), now);
    }

    private boolean insert(DbExecute tx, SigningKey key) {
        return tx.namedInsert("insert-signing-key", key.kid(), key.privateKey().getEncoded(), key.publicKey().getEncoded(),
                Timestamp.from(clock.instant())) == 1;
    }

    private void retireOthers(DbExecute tx, String kid) {
        tx.namedUpdate("retire-other-signing-keys", Timestamp.from(clock.instant()), kid);
    }

    static SigningKey generate() {
        KeyPair pair = Es256.generate();
        return SigningKey.of(thumbprint((ECPublicKey) pair.getPublic()), pair);
    }

    /** A key from PKCS#8 DER; its public half is derived (Q = d·G) so the Secret needs only the private key. */
    static SigningKey fromPkcs8(byte[] der) {
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            ECPrivateKey priv = (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(der));
            ECPrivateKey normalized = (ECPrivateKey) kf.generatePrivate(new ECPrivateKeySpec(priv.getS(), Es256.p256Spec()));
            ECPublicKey pub = (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(Points.multiplyG(priv.getS()), Es256.p256Spec()));
            return new SigningKey(thumbprint(pub), pub, normalized);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("courier.auth.signingkey is not a PKCS#8 EC P-256 private key", e);
        }
    }

    private static SigningKey load(String kid, byte[] privateDer, byte[] publicDer) {
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            return new SigningKey(kid, (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(publicDer)),
                    (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored signing key " + kid + " cannot be read", e);
        }
    }

    static byte[] decodePem(String text) {
        String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** RFC 7638 JWK thumbprint: a kid that names the key itself, the same on every replica. */
    static String thumbprint(ECPublicKey key) {
        String x = Es256.coordinate(key.getW().getAffineX());
        String y = Es256.coordinate(key.getW().getAffineY());
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Stored(SigningKey key, boolean retired) {
    }

    private record Snapshot(List<Stored> keys, JwkKeys jwks, Instant loadedAt) {
    }
}
