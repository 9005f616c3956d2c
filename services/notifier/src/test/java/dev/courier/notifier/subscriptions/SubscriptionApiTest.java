package dev.courier.notifier.subscriptions;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class SubscriptionApiTest {

    private final Notifier n = Notifier.get();
    private final Http http = n.http;

    private Http.Response subscribe(TestUser u, Object body) {
        return http.post("/api/v1/push/subscriptions", body, u.auth());
    }

    private int count(TestUser u) {
        return http.get("/api/v1/push/subscriptions", u.auth()).json().get("subscriptions").size();
    }

    @Test
    void servesTheVapidPublicKeyAsA65BytePoint() {
        Http.Response r = http.get("/api/v1/push/vapid-public-key");
        assertThat(r.status(), is(200));
        byte[] key = Base64.getUrlDecoder().decode(r.json().get("publicKey").asText());
        assertThat(key.length, is(65));
        assertThat(key[0], is((byte) 4));
    }

    @Test
    void aSubscriptionFromTheBrowserIsStoredAndListedForItsOwnerOnly() {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = Subscriber.at(n.push.endpoint("api"));
        Http.Response created = subscribe(alice, s.json());
        assertThat(created.body(), created.status(), is(201));
        assertThat(created.json().get("endpoint").asText(), is(s.endpoint()));

        JsonNode list = http.get("/api/v1/push/subscriptions", alice.auth()).json().get("subscriptions");
        assertThat(list.size(), is(1));
        assertThat(list.get(0).has("p256dh"), is(false));
        assertThat(count(bob), is(0));

        long id = created.json().get("id").asLong();
        assertThat(http.method("DELETE", "/api/v1/push/subscriptions/" + id, null, bob.auth()).status(), is(404));
        assertThat(count(alice), is(1));
        assertThat(http.method("DELETE", "/api/v1/push/subscriptions/" + id, null, alice.auth()).status(), is(204));
        assertThat(count(alice), is(0));
    }

    @Test
    void subscribingNeedsAToken() {
        Subscriber s = Subscriber.at(n.push.endpoint("anon"));
        assertThat(http.post("/api/v1/push/subscriptions", s.json(), Map.of()).status(), is(401));
        assertThat(http.post("/api/v1/push/subscriptions", s.json(), Map.of("Authorization", "Bearer forged.token.here")).status(), is(401));
    }

    @Test
    void badSubscriptionsGetAProblemNamingTheFieldAndStoreNothing() {
        TestUser u = n.auth.user("Carol");
        Subscriber good = Subscriber.at(n.push.endpoint("bad"));
        byte[] point = Base64.getUrlDecoder().decode(good.p256dh());
        point[64] ^= 1;
        String offCurve = Base64.getUrlEncoder().withoutPadding().encodeToString(point);
        String shortAuth = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[15]);

        assertBad(u, body("http://push.example.net/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://user:pw@push.example.net/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("not a url", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://10.0.0.7/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://[fd00::1]/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://localhost/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body(null, good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body(good.endpoint(), offCurve, good.auth()), "keys.p256dh");
        assertBad(u, body(good.endpoint(), good.p256dh().substring(4), good.auth()), "keys.p256dh");
        assertBad(u, body(good.endpoint(), "%%%", good.auth()), "keys.p256dh");
        assertBad(u, body(good.endpoint(), good.p256dh(), shortAuth), "keys.auth");
        assertBad(u, body(good.endpoint(), good.p256dh(), null), "keys.auth");
        assertBad(u, Map.of("endpoint", good.endpoint()), "keys");
        assertBad(u, Map.of("endpoint", good.endpoint(), "keys", Map.of("p256dh", good.p256dh(), "auth", good.auth()), "extra", 1), "extra");
        assertThat(count(u), is(0));
    }

    @Test
    void anEndpointThatIsNotAPublicPushServiceIsRefused() throws Exception {
        TestUser u = n.auth.user("Mallory");
        Subscriber good = Subscriber.at(n.push.endpoint("ssrf"));
        // This machine's own name resolves to a loopback or private address: a name is no disguise.
        String own = java.net.InetAddress.getLocalHost().getHostName();
        assertBad(u, body("https://" + own + "/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://push.example.net:8443/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://push.example.net:22/push/x", good.p256dh(), good.auth()), "endpoint");
        assertBad(u, body("https://push.example.net./push/x", good.p256dh(), good.auth()), "endpoint");
        assertThat(count(u), is(0));
    }

    @Test
    void anotherUsersEndpointIsRefusedUnlessTheSameBrowserPresentsItsKeys() {
        TestUser alice = n.auth.user("Alice");
        TestUser eve = n.auth.user("Eve");
        Subscriber browser = Subscriber.at(n.push.endpoint("shared"));
        assertThat(subscribe(alice, browser.json()).status(), is(201));

        // The endpoint is in Alice's subscription; Eve knowing it does not give her the keys.
        Subscriber forged = Subscriber.at(browser.endpoint());
        Http.Response r = subscribe(eve, forged.json());
        assertThat(r.body(), r.status(), is(409));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.json().get("field").asText(), is("endpoint"));
        assertThat(count(alice), is(1));
        assertThat(count(eve), is(0));

        // Alice logs out, Eve logs in on that browser: it re-subscribes with the same keys and moves.
        Http.Response moved = subscribe(eve, browser.json());
        assertThat(moved.body(), moved.status(), is(201));
        assertThat(count(alice), is(0));
        assertThat(count(eve), is(1));
    }

    @Test
    void aUserHasAtMostTheConfiguredNumberOfSubscriptions() {
        TestUser u = n.auth.user("Collector");
        List<Subscriber> mine = new ArrayList<>();
        for (int i = 0; i < Notifier.SUBSCRIPTIONS_PER_USER; i++) {
            Subscriber s = Subscriber.at(n.push.endpoint("many" + i));
            assertThat(subscribe(u, s.json()).status(), is(201));
            mine.add(s);
        }
        Http.Response r = subscribe(u, Subscriber.at(n.push.endpoint("one-more")).json());
        assertThat(r.body(), r.status(), is(409));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.json().get("field").asText(), is("endpoint"));
        assertThat(r.json().get("detail").asText(), containsString(Integer.toString(Notifier.SUBSCRIPTIONS_PER_USER)));
        assertThat(count(u), is(Notifier.SUBSCRIPTIONS_PER_USER));
        // Renewing one of them is not one more.
        assertThat(subscribe(u, mine.getFirst().json()).status(), is(201));
        assertThat(count(u), is(Notifier.SUBSCRIPTIONS_PER_USER));
    }

    @Test
    void subscriptionWritesBeyondTheRateAre429WithRetryAfterAndChangeNothing() {
        TestUser u = n.auth.user("Hammer");
        Subscriber s = Subscriber.at(n.push.endpoint("hammer"));
        long id = 0;
        // Subscribe and unsubscribe in turn, then renew: every write of the window spent, one subscription left.
        for (int i = 0; i < Notifier.SUBSCRIPTION_WRITES; i++) {
            if (i % 2 == 0 || i == Notifier.SUBSCRIPTION_WRITES - 1) {
                Http.Response created = subscribe(u, s.json());
                assertThat(created.body(), created.status(), is(201));
                id = created.json().get("id").asLong();
            } else {
                assertThat(http.method("DELETE", "/api/v1/push/subscriptions/" + id, null, u.auth()).status(), is(204));
            }
        }
        assertThat(count(u), is(1));
        Http.Response r = subscribe(u, Subscriber.at(n.push.endpoint("hammer-more")).json());
        assertThat(r.body(), r.status(), is(429));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertThat(r.header("Retry-After"), retryAfter > 0 && retryAfter <= Notifier.WRITE_WINDOW.toSeconds(), is(true));
        assertThat(http.method("DELETE", "/api/v1/push/subscriptions/" + id, null, u.auth()).status(), is(429));
        assertThat(count(u), is(1));
        // Someone else is not slowed down by it.
        assertThat(subscribe(n.auth.user("Bystander"), Subscriber.at(n.push.endpoint("bystander")).json()).status(), is(201));
    }

    private void assertBad(TestUser u, Object body, String field) {
        Http.Response r = subscribe(u, body);
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.body(), r.json().get("field").asText(), is(field));
    }

    private static Map<String, Object> body(String endpoint, String p256dh, String auth) {
        Map<String, Object> keys = new java.util.HashMap<>();
        keys.put("p256dh", p256dh);
        keys.put("auth", auth);
        Map<String, Object> b = new java.util.HashMap<>();
        b.put("endpoint", endpoint);
        b.put("keys", keys);
        return b;
    }
}
