package dev.courier.auth.passwords;

import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.infra.LocalStack;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class PasswordHashingTest {

    @Test
    void hashesAreArgon2idWithTheirParametersAndAreUpgradedAtTheNextLoginWhenTheParametersRise() throws Exception {
        AuthServer.TestUser u = AuthServer.shared().register();
        assertThat(storedHash(u.id()), startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        try (AuthServer raised = AuthServer.with(Map.of("courier.auth.password.iterations", "3"))) {
            raised.login(u.username(), AuthServer.PASSWORD);
            assertThat(storedHash(u.id()), startsWith("$argon2id$v=19$m=19456,t=3,p=1$"));
            raised.login(u.username(), AuthServer.PASSWORD);
        }
        // A server still on the old parameters accepts the stronger hash and leaves it alone.
        AuthServer.shared().login(u.username(), AuthServer.PASSWORD);
        assertThat(storedHash(u.id()), startsWith("$argon2id$v=19$m=19456,t=3,p=1$"));
    }

    @Test
    void parametersBelowOwaspsMinimumAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(8192, 2, 1, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(19456, 1, 1, 1));
    }

    private static String storedHash(long id) throws Exception {
        var e = LocalStack.shared();
        try (var c = DriverManager.getConnection(e.dbUrl(), e.dbUser(), e.dbPassword());
             var ps = c.prepareStatement("SELECT password_hash FROM auth.users WHERE id = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
