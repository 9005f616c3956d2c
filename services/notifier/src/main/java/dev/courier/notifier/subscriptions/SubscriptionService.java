package dev.courier.notifier.subscriptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.notifier.push.PushTargets;
import dev.courier.notifier.push.Vapid;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.Es256;
import dev.courier.platform.security.TokenVerifier;

/** {@code /api/v1/push}: the VAPID public key and the caller's push subscriptions. */
public final class SubscriptionService implements HttpService {

    private static final int MAX_ENDPOINT = 2048;

    private final SubscriptionStore store;
    private final TokenVerifier verifier;
    private final Vapid vapid;
    private final PushTargets targets;
    private final int maxPerUser;
    private final RateLimiter writes;

    /**
     * @param targets    which hosts and addresses a push may go to
     * @param maxPerUser subscriptions one user may have (one per browser profile; more is abuse)
     * @param writes     subscribes and unsubscribes per user and window
     */
    public SubscriptionService(SubscriptionStore store, TokenVerifier verifier, Vapid vapid, PushTargets targets, int maxPerUser,
                               RateLimiter writes) {
        this.maxPerUser = maxPerUser;
        this.writes = writes;
        this.targets = targets;
        this.store = store;
        this.verifier = verifier;
        this.vapid = vapid;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/vapid-public-key", this::publicKey)
                .get("/subscriptions", this::list)
                .post("/subscriptions", this::add)
                .delete("/subscriptions/{id}", this::remove);
    }

    /** The body {@code PushSubscription.toJSON()} produces in the browser. */
    public record SubscriptionRequest(String endpoint, Long expirationTime, Keys keys) {
    }

    public record Keys(String p256dh, String auth) {
    }

    private void publicKey(ServerRequest req, ServerResponse res) {
        // Public by nature (browsers need it before subscribing), so no token is required.
        Bodies.json(res, Map.of("publicKey", vapid.publicKeyBase64()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        Bodies.json(res, Map.of("subscriptions", store.forUser(caller.userId())));
    }

    private void add(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        writes.hit(Long.toString(caller.userId()), null);
        SubscriptionRequest body = Bodies.read(req, SubscriptionRequest.class);
        String endpoint = validEndpoint(body.endpoint());
        if (body.keys() == null) {
            throw ProblemException.badField("keys", "'keys' with 'p256dh' and 'auth' is required.");
        }
        String p256dh = validP256dh(body.keys().p256dh());
        String auth = validAuth(body.keys().auth());
        // Renewing one the user has never counts against the limit; waiting would not lift it, hence 409 and not 429.
        if (store.countOthers(caller.userId(), endpoint) >= maxPerUser) {
            throw ProblemException.conflict("endpoint", "At most " + maxPerUser
                    + " push subscriptions per user: remove one (DELETE /api/v1/push/subscriptions/{id}) first.");
        }
        Subscription saved = store.save(caller.userId(), endpoint, p256dh, auth).orElseThrow(() -> ProblemException.conflict("endpoint",
                "This endpoint is subscribed by another account; only the browser that holds its keys can move it."));
        Bodies.json(res, Status.CREATED_201, saved);
    }

    private void remove(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        writes.hit(Long.toString(caller.userId()), null);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        if (!store.deleteOwn(caller.userId(), id)) {
            // Someone else's subscription looks exactly like a missing one.
            throw ProblemException.notFound("No such subscription.");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    String validEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw ProblemException.badField("endpoint", "'endpoint' is required.");
        }
        if (endpoint.length() > MAX_ENDPOINT) {
            throw ProblemException.badField("endpoint", "'endpoint' must be at most " + MAX_ENDPOINT + " characters.");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw ProblemException.badField("endpoint", "'endpoint' is not a valid URL.");
        }
        // Checked again at every send (see PushSender): a name may point elsewhere by then.
        targets.check(uri).ifPresent(why -> {
            throw ProblemException.badField("endpoint", why);
        });
        return endpoint;
    }

    static String validP256dh(String p256dh) {
        byte[] point = decode("keys.p256dh", p256dh);
        try {
            Es256.fromUncompressed(point);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badField("keys.p256dh", "'keys.p256dh' must be a 65-byte uncompressed point on P-256.");
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(point);
    }

    static String validAuth(String auth) {
        byte[] secret = decode("keys.auth", auth);
        if (secret.length != 16) {
            throw ProblemException.badField("keys.auth", "'keys.auth' must be 16 bytes, base64url-encoded.");
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static byte[] decode(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badField(field, "'" + field + "' is required.");
        }
        try {
            // Browsers send base64url without padding; accept padding and plain base64 too.
            String v = value.trim().replace('+', '-').replace('/', '_');
            while (v.endsWith("=")) {
                v = v.substring(0, v.length() - 1);
            }
            return Base64.getUrlDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badField(field, "'" + field + "' is not valid base64url.");
        }
    }
}
