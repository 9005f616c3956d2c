package dev.courier.notifier.preferences;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import io.helidon.common.config.Config;

import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.tls.InternalTls;

/**
 * Whether a user is in a chat, asked of messenger (which owns memberships) as that user: one page
 * of one message of the chat's history with the caller's own access token. The notifier keeps no
 * membership copy: its events name each message's recipients, and keeping every room member per
 * message would cost a row per member per message. Asking as the user needs no credential of its
 * own and can never reveal more than the user may read.
 */
public final class ChatMembership {

    private static final System.Logger LOG = System.getLogger(ChatMembership.class.getName());

    private final Optional<URI> messenger;
    private final HttpClient http;

    private ChatMembership(Optional<URI> messenger, HttpClient http) {
        this.messenger = messenger;
        this.http = http;
    }

    /**
     * {@code courier.messenger.url}, messenger's base URL (its own port, not the ingress). Unset:
     * memberships are not checked, which only the notifier's own tests (with no messenger) use.
     */
    public static ChatMembership fromConfig(Config config) {
        Optional<URI> url = config.get("courier.messenger.url").asString().filter(s -> !s.isBlank()).map(URI::create);
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        InternalTls tls = InternalTls.fromConfig(config);
        if (url.isPresent() && "https".equals(url.get().getScheme())) {
            http.sslContext(tls.clientSslContext());
        }
        if (url.isEmpty()) {
            LOG.log(Level.WARNING, "courier.messenger.url is not set: mutes are not checked against chat memberships");
        }
        return new ChatMembership(url, http.build());
    }

    /** Refuses (404 naming {@code chatId}) a chat the token's user is not in; 503 when messenger cannot say. */
    public void requireMember(String token, long chatId) {
        if (messenger.isEmpty()) {
            return;
        }
        URI uri = messenger.get().resolve("/api/v1/chats/" + chatId + "/messages?limit=1");
        HttpResponse<Void> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
        switch (answer.statusCode()) {
            case 200 -> {
            }
            // Not a member, or no such chat: the same answer, so a mute cannot probe which chats exist.
            case 403, 404 -> throw new ProblemException(Problem.field(404, "chatId", "No chat " + chatId + " of yours."));
            case 401 -> throw ProblemException.unauthorized("The access token is not valid.");
            default -> throw unavailable();
        }
    }

    private static ProblemException unavailable() {
        return new ProblemException(Problem.unavailable("messenger", "Chat memberships cannot be checked now; retry shortly."),
                Duration.ofSeconds(2));
    }
}
