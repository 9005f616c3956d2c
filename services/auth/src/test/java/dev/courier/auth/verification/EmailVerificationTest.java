package dev.courier.auth.verification;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthApp;
import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;
import dev.courier.platform.users.UserDirectoryClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * An email address is proven by a mailed link before Courier sends it anything else; only a bare
 * address is accepted, stored normalised; and a stranger who registers someone's address first
 * cannot keep it from its owner.
 */
class EmailVerificationTest {

    private final AuthServer auth = AuthServer.shared();
    private final Http http = auth.http;

    private Http.Response register(String name, String email) {
        return http.post("/api/v1/auth/register", Map.of("username", name, "email", email, "password", AuthServer.PASSWORD), Map.of());
    }

    @Test
    void onlyABareAddressIsAcceptedAndItIsStoredNormalised() {
        String name = AuthServer.unique("bare");
        for (String bad : List.of("Someone <" + name + "@example.com>", name + "@example.com, eve@example.net",
                "\"" + name + "\"@example.com", name + "@example.com (comment)", "<" + name + "@example.com>")) {
            Http.Response r = register(name, bad);
            assertThat(bad + " -> " + r.body(), r.status(), is(400));
            assertThat(r.json().get("field").asText(), is("email"));
        }
        Http.Response ok = register(name, name + "@Example.COM");
        assertThat(ok.body(), ok.status(), is(201));
        assertThat(ok.json().get("email").asText(), is(name + "@example.com"));
    }

    @Test
    void anUnverifiedAddressGetsOnlyTheVerificationMailUntilItsLinkIsOpened() throws Exception {
        AuthServer.TestUser u = auth.register();
        String token = AuthServer.awaitMailed(u.email(), AuthServer.VERIFY_LINK);
        // No reset mail, and the address does not log in, until it is verified.
        assertThat(http.post("/api/v1/auth/password/forgot", Map.of("email", u.email()), Map.of()).status(), is(202));
        Thread.sleep(1500);
        assertThat(AuthServer.mails(u.email()), is(1));
        assertThat(http.post("/api/v1/auth/login", Map.of("login", u.email(), "password", AuthServer.PASSWORD), Map.of()).status(), is(401));
        UserDirectoryClient directory = UserDirectoryClient.create("127.0.0.1:" + auth.server.port(AuthApp.GRPC_SOCKET),
                dev.courier.platform.tls.InternalTls.none(), AuthServer.NOTIFIER_CREDENTIAL);
        assertThat(directory.getUsers(List.of(u.id())).get(u.id()).email(), is(""));

        Http.Response verified = http.post("/api/v1/auth/email/verify", Map.of("token", token), Map.of());
        assertThat(verified.body(), verified.status(), is(204));
        assertThat(http.post("/api/v1/auth/email/verify", Map.of("token", token), Map.of()).json().get("field").asText(), is("token"));
        assertThat(auth.login(u.email(), AuthServer.PASSWORD).get("userId").asLong(), is(u.id()));
        assertThat(directory.getUsers(List.of(u.id())).get(u.id()).email(), is(u.email()));
        assertThat(http.post("/api/v1/auth/password/forgot", Map.of("email", u.email()), Map.of()).status(), is(202));
        long end = System.currentTimeMillis() + 10_000;
        while (AuthServer.mails(u.email()) < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertThat(AuthServer.mails(u.email()), is(2));
    }

    @Test
    void theVerifiedOwnerReclaimsAnAddressAStrangerRegisteredFirst() {
        String address = AuthServer.unique("owner") + "@example.com";
        String strangerName = AuthServer.unique("stranger");
        assertThat(register(strangerName, address).status(), is(201));
        String strangerToken = AuthServer.awaitMailed(address, AuthServer.VERIFY_LINK);
        // The owner can still register with their own address...
        String ownerName = AuthServer.unique("owner");
        Http.Response owner = register(ownerName, address);
        assertThat(owner.body(), owner.status(), is(201));
        String ownerToken = AuthServer.awaitMailed(address, java.util.regex.Pattern.compile("\"" + ownerName + "\"[\\s\\S]*verify=([A-Za-z0-9_-]{43})"));
        // ...and verifying it makes it theirs: the stranger's link no longer can.
        assertThat(http.post("/api/v1/auth/email/verify", Map.of("token", ownerToken), Map.of()).status(), is(204));
        Http.Response late = http.post("/api/v1/auth/email/verify", Map.of("token", strangerToken), Map.of());
        assertThat(late.body(), late.status(), is(409));
        assertThat(auth.login(address, AuthServer.PASSWORD).get("userId").asLong(), is(owner.json().get("id").asLong()));
        // Now the address is taken for good.
        assertThat(register(AuthServer.unique("third"), address.toUpperCase()).status(), is(409));
    }
}
