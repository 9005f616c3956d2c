package dev.courier.devstack;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A user mutes only chats of their own: the notifier asks messenger, as the caller, and refuses
 * someone else's chat exactly like one that does not exist, changing nothing.
 */
class MuteMembershipTest {

    private static String register(Http gateway, String prefix) {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String password = "Mute-" + UUID.randomUUID();
        Http.Response reg = gateway.post("/api/v1/auth/register",
                Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        return gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of())
                .json().get("accessToken").asText();
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void onlyAMemberCanMuteAChat() {
        try (DevStack stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of())) {
            Http gateway = Http.port(stack.gatewayPort());
            String alice = register(gateway, "alice");
            String bob = register(gateway, "bob");
            String carol = register(gateway, "carol");
            long bobId = gateway.get("/api/v1/users/me", bearer(bob)).json().get("id").asLong();
            Http.Response sent = gateway.post("/api/v1/messages", Map.of("toUserId", bobId, "text", "hi Bob"), bearer(alice));
            assertThat(sent.body(), sent.status(), is(201));
            long chat = sent.json().get("conversationId").asLong();
            Map<String, String> until = Map.of("until", Instant.now().plusSeconds(3600).toString());

            Http.Response own = gateway.method("PUT", "/api/v1/notifications/mutes/" + chat, until, bearer(bob));
            assertThat(own.body(), own.status(), is(200));

            Http.Response other = gateway.method("PUT", "/api/v1/notifications/mutes/" + chat, until, bearer(carol));
            assertThat(other.body(), other.status(), is(404));
            assertThat(other.json().get("field").asText(), is("chatId"));
            Http.Response missing = gateway.method("PUT", "/api/v1/notifications/mutes/" + (chat + 1_000_000), until, bearer(carol));
            assertThat(missing.status(), is(404));
            // The same answer for someone else's chat and no chat at all: nothing to probe.
            assertThat(missing.json().get("detail").asText().replace(Long.toString(chat + 1_000_000), "N"),
                    is(other.json().get("detail").asText().replace(Long.toString(chat), "N")));

            assertThat(gateway.get("/api/v1/notifications/mutes", bearer(carol)).json().get("mutes").size(), is(0));
            assertThat(gateway.get("/api/v1/notifications/mutes", bearer(bob)).json().get("mutes").size(), is(1));
        }
    }
}
