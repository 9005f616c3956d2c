package dev.courier.auth.directory;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthApp;
import dev.courier.auth.AuthServer;
import dev.courier.platform.users.UserDirectoryClient;

import static org.hamcrest.MatcherAssert.assertThat;

import static org.hamcrest.Matchers.is;

class UserDirectoryTest {

    private final AuthServer auth = AuthServer.shared();
    private final UserDirectoryClient client = UserDirectoryClient.create("127.0.0.1:" + auth.server.port(AuthApp.GRPC_SOCKET));

    @Test
    void getUsersReturnsProfileAndEmailOfKnownIdsAndLeavesUnknownOnesOut() {
        AuthServer.TestUser a = auth.register();
        AuthServer.TestUser b = auth.register();
        Map<Long, UserDirectoryClient.User> users = client.getUsers(List.of(a.id(), b.id(), a.id(), Long.MAX_VALUE, -1L));
        assertThat(users.size(), is(2));
        assertThat(users.get(a.id()), is(new UserDirectoryClient.User(a.id(), a.username(), a.username(), a.email())));
        assertThat(users.get(b.id()).email(), is(b.email()));
    }

    @Test
    void anEmptyRequestGetsAnEmptyAnswer() {
        assertThat(client.getUsers(List.of()).isEmpty(), is(true));
    }
}
