package dev.courier.auth.directory;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthApp;
import dev.courier.auth.AuthServer;
import dev.courier.platform.tls.InternalTls;
import dev.courier.platform.users.UserDirectoryClient;

import static org.hamcrest.MatcherAssert.assertThat;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UserDirectoryTest {

    private final AuthServer auth = AuthServer.shared();
    private final String address = "127.0.0.1:" + auth.server.port(AuthApp.GRPC_SOCKET);
    private final UserDirectoryClient client = UserDirectoryClient.create(address, InternalTls.none(), AuthServer.NOTIFIER_CREDENTIAL);

    @Test
    void getUsersReturnsProfileAndVerifiedEmailOfKnownIdsAndLeavesUnknownOnesOut() {
        AuthServer.TestUser a = auth.register();
        AuthServer.TestUser b = auth.register();
        auth.verifyEmail(a);
        Map<Long, UserDirectoryClient.User> users = client.getUsers(List.of(a.id(), b.id(), a.id(), Long.MAX_VALUE, -1L));
        assertThat(users.size(), is(2));
        assertThat(users.get(a.id()), is(new UserDirectoryClient.User(a.id(), a.username(), a.username(), a.email())));
        // An address not yet verified is not handed out: nobody mails it.
        assertThat(users.get(b.id()).email(), is(""));
    }

    @Test
    void aCallWithoutAKnownServiceCredentialIsRefused() {
        AuthServer.TestUser a = auth.register();
        for (String credential : List.of("", "not-a-credential", AuthServer.NOTIFIER_CREDENTIAL + "x")) {
            UserDirectoryClient stranger = UserDirectoryClient.create(address, InternalTls.none(), credential);
            UserDirectoryClient.UserDirectoryException e = assertThrows(UserDirectoryClient.UserDirectoryException.class,
                    () -> stranger.getUsers(List.of(a.id())));
            // Refused, and nothing about the user in the answer (Helidon 4.1.2 sends the status as UNKNOWN).
            assertThat(e.getMessage(), not(containsString(a.username())));
        }
    }

    @Test
    void onlyTheServiceThatMailsIsGivenEmailAddresses() {
        AuthServer.TestUser a = auth.register();
        auth.verifyEmail(a);
        UserDirectoryClient messenger = UserDirectoryClient.create(address, InternalTls.none(), AuthServer.MESSENGER_CREDENTIAL);
        UserDirectoryClient.User seen = messenger.getUsers(List.of(a.id())).get(a.id());
        assertThat(seen.username(), is(a.username()));
        assertThat(seen.email(), is(""));
        assertThat(client.getUsers(List.of(a.id())).get(a.id()).email(), is(a.email()));
    }

    @Test
    void anEmptyRequestGetsAnEmptyAnswer() {
        assertThat(client.getUsers(List.of()).isEmpty(), is(true));
    }
}
