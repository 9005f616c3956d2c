package dev.courier.notifier.email;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.mail.internet.MimeMessage;

import dev.courier.infra.LocalStack;
import dev.courier.notifier.testing.FakePushService.Answer;
import dev.courier.notifier.testing.Mailbox;
import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Email notifications, read back from the real SMTP sink. */
class EmailNotificationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Notifier n = Notifier.get();
    private final Mailbox mail = new Mailbox(LocalStack.shared().mailApiUrl());

    @Test
    void aUserWithoutPushGetsAnEmailWithTheMessageALinkToTheChatAndOneClickUnsubscribe() throws Exception {
        TestUser alice = n.auth.user("Alice Mailer");
        TestUser bob = n.auth.user("Bob");
        long chat = Notifier.newChatId();
        n.message(chat, "direct", alice.id(), "Dinner at eight?", List.of(bob.id()));

        MimeMessage m = mail.await(bob.email(), 1, WAIT).getFirst();
        assertThat(m.getSubject(), is("New message from Alice Mailer"));
        String text = Mailbox.text(m);
        assertThat(text, containsString("Alice Mailer: Dinner at eight?"));
        assertThat(text, containsString("http://courier.test/app/chats/" + chat));
        assertThat(m.getHeader("List-Unsubscribe-Post")[0], is("List-Unsubscribe=One-Click"));
        String unsubscribe = m.getHeader("List-Unsubscribe")[0];
        assertThat(unsubscribe, startsWith("<http://courier.test/api/v1/notifications/unsubscribe?token="));
        String path = unsubscribe.substring("<http://courier.test".length(), unsubscribe.length() - 1);
        assertThat(text, containsString("http://courier.test" + path));

        // A link scanner's GET changes nothing; the mail client's one-click POST turns email off.
        assertThat(n.http.get(path).status(), is(200));
        assertThat(n.http.get("/api/v1/notifications/preferences", bob.auth()).json().get("email").asBoolean(), is(true));
        Http.Response post = n.http.method("POST", path, "List-Unsubscribe=One-Click", Map.of());
        assertThat(post.status(), is(200));
        assertThat(n.http.get("/api/v1/notifications/preferences", bob.auth()).json().get("email").asBoolean(), is(false));
    }

    @Test
    void theConfirmationPageCarriesItsTokenEncodedSoItsButtonUnsubscribes() throws Exception {
        TestUser bob = n.auth.user("Bob");
        // A link's token as the notifier signs it; "+<id>" names the same user, and a '+' copied
        // raw into the form's URL would come back as a space.
        String token = "+" + new UnsubscribeTokens(unsubscribeKey()).issue(bob.id());
        Http.Response page = n.http.get("/api/v1/notifications/unsubscribe?token=" + java.net.URLEncoder.encode(token,
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(page.body(), page.status(), is(200));
        java.util.regex.Matcher action = java.util.regex.Pattern.compile("action=\"([^\"]*)\"").matcher(page.body());
        assertThat(page.body(), action.find(), is(true));
        Http.Response post = n.http.method("POST", "/api/v1/notifications/unsubscribe" + action.group(1).replace("&amp;", "&"),
                "", Map.of());
        assertThat(post.body(), post.status(), is(200));
        assertThat(n.http.get("/api/v1/notifications/preferences", bob.auth()).json().get("email").asBoolean(), is(false));
    }

    private byte[] unsubscribeKey() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(n.stack.dbUrl(), n.stack.dbUser(), n.stack.dbPassword());
             var ps = c.prepareStatement("SELECT value FROM notifier.secret WHERE name = 'unsubscribe'");
             var rs = ps.executeQuery()) {
            rs.next();
            return java.util.Base64.getUrlDecoder().decode(rs.getString(1));
        }
    }

    @Test
    void aForgedUnsubscribeTokenIsRefused() {
        TestUser bob = n.auth.user("Bob");
        Http.Response r = n.http.method("POST", "/api/v1/notifications/unsubscribe?token=" + bob.id() + ".AAAA", "", Map.of());
        assertThat(r.status(), is(400));
        assertThat(r.json().get("field").asText(), is("token"));
        assertThat(n.http.get("/api/v1/notifications/preferences", bob.auth()).json().get("email").asBoolean(), is(true));
    }

    @Test
    void messagesWithinTheWindowAreBatchedIntoOneEmailPerChat() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        long chat = Notifier.newChatId();
        long otherChat = Notifier.newChatId();

        n.message(chat, "room", alice.id(), "first", List.of(bob.id()));
        MimeMessage first = mail.await(bob.email(), 1, WAIT).getFirst();
        Instant firstAt = Instant.now();
        assertThat(Mailbox.text(first), containsString("first"));

        n.message(chat, "room", alice.id(), "second", List.of(bob.id()));
        n.message(chat, "room", alice.id(), "third", List.of(bob.id()));
        // Another chat has its own window: mailed at once.
        n.message(otherChat, "room", alice.id(), "elsewhere", List.of(bob.id()));
        List<MimeMessage> two = mail.await(bob.email(), 2, WAIT);
        assertThat(Mailbox.text(two.get(1)), containsString("elsewhere"));

        List<MimeMessage> three = mail.await(bob.email(), 3, WAIT);
        assertThat(Duration.between(firstAt, Instant.now()).toMillis(),
                greaterThanOrEqualTo(Notifier.EMAIL_WINDOW.toMillis() - 1000));
        String digest = Mailbox.text(three.get(2));
        assertThat(digest, containsString("2 unread messages"));
        assertThat(digest, containsString("Alice: second"));
        assertThat(digest, containsString("Alice: third"));
        assertThat(digest, not(containsString("first")));
        assertThat(three.get(2).getSubject(), is("2 new messages in your Courier chat"));
        // Nothing is left queued, so nothing more comes when the window passes again.
        Thread.sleep(2000);
        assertThat(mail.messages(bob.email()).size(), is(3));
    }

    @Test
    void noEmailWhenTheUserTurnedEmailOffMutedTheChatOrIsOnline() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser off = n.auth.user("Off");
        TestUser muted = n.auth.user("Muted");
        TestUser online = n.auth.user("Online");
        TestUser control = n.auth.user("Control");
        long chat = Notifier.newChatId();
        n.http.method("PUT", "/api/v1/notifications/preferences", Map.of("push", true, "email", false, "previews", true), off.auth());
        n.http.method("PUT", "/api/v1/notifications/mutes/" + chat, Map.of("until", Instant.now().plusSeconds(600).toString()), muted.auth());
        n.online(online.id());
        try {
            n.message(chat, "room", alice.id(), "hi all", List.of(off.id(), muted.id(), online.id(), control.id()));
            mail.await(control.email(), 1, WAIT);
            Thread.sleep(1500);
            assertThat(mail.messages(off.email()).size(), is(0));
            assertThat(mail.messages(muted.email()).size(), is(0));
            assertThat(mail.messages(online.email()).size(), is(0));
        } finally {
            n.offline(online.id());
        }
    }

    @Test
    void aUserReachedByPushGetsNoEmailButOneWhoseSubscriptionIsGoneDoes() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser pushed = n.auth.user("Pushed");
        TestUser gone = n.auth.user("Gone");
        Subscriber ok = Subscriber.at(n.push.endpoint("mail-ok"));
        Subscriber dead = Subscriber.at(n.push.endpoint("mail-gone"));
        assertThat(n.http.post("/api/v1/push/subscriptions", ok.json(), pushed.auth()).status(), is(201));
        assertThat(n.http.post("/api/v1/push/subscriptions", dead.json(), gone.auth()).status(), is(201));
        n.push.always(dead.endpoint(), Answer.of(410));

        n.message(Notifier.newChatId(), "room", alice.id(), "ping", List.of(pushed.id(), gone.id()));
        n.push.await(ok.endpoint(), WAIT);
        MimeMessage m = mail.await(gone.email(), 1, WAIT).getFirst();
        assertThat(Mailbox.text(m), containsString("ping"));
        Thread.sleep(1000);
        assertThat(mail.messages(pushed.email()).size(), is(0));
    }
}
