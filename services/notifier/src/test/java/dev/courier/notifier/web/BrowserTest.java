package dev.courier.notifier.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;

import dev.courier.notifier.testing.FakePushService.Received;
import dev.courier.notifier.testing.Node;
import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.Problems;
import dev.courier.web.WebApp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/**
 * The web app (services/web, whose service worker shows the pushes) in headless Chromium: log in
 * through auth, turn notifications on in its settings (real service worker,
 * real WebCrypto keys; only PushManager.subscribe is replaced, see browser.js), a message event makes
 * the notifier push to the test's push service, the payload decrypted there is delivered to the
 * service worker over DevTools, the notification shows the sender and text, a click opens the chat,
 * and turning notifications off removes the subscription.
 */
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Notifier n = Notifier.get();
    private WebServer origin;
    private Process browser;
    private final LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
    private Path stderr;

    @BeforeEach
    void oneOrigin() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Chromium is not installed (apt-get install chromium): the browser test is skipped");
        // Auth's, the notifier's and the web app's routes on one origin, as the gateway and the
        // ingress serve them, so the login cookie reaches the notifier's API.
        origin = WebServer.builder().host("127.0.0.1").port(0)
                .protocolsDiscoverServices(false).protocols(List.of(Http1Config.create()))
                .routing(r -> {
                    Problems.register(r);
                    n.auth.app.routing(r);
                    n.app.routing(r);
                    WebApp.create(Config.empty()).routing(r);
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.destroyForcibly();
        }
        if (origin != null) {
            origin.stop();
        }
    }

    @Test
    void aPushedMessageShowsANotificationThatOpensTheChat() throws Exception {
        Node.install();
        TestUser alice = n.auth.user("Alice Browser");
        TestUser bob = n.auth.user("Bob Browser");
        String base = "http://127.0.0.1:" + origin.port();
        startBrowser();

        send(Map.of("origin", base, "pushOrigin", n.push.origin(), "login", bob.username(), "password", bob.password(),
                "chromium", CHROMIUM.toString()));
        JsonNode subscribed = next("subscribed");
        assertThat(subscribed.get("applicationServerKey").asText(), is(n.app.vapid().publicKeyBase64()));
        String endpoint = subscribed.get("endpoint").asText();
        JsonNode stored = n.http.get("/api/v1/push/subscriptions", bob.auth()).json().get("subscriptions");
        assertThat(stored.size(), is(1));
        assertThat(stored.get(0).get("endpoint").asText(), is(endpoint));

        long chat = Notifier.newChatId();
        MessageEvent e = n.message(chat, "direct", alice.id(), "See you at six", List.of(bob.id()));
        Received push = n.push.await(endpoint, Duration.ofSeconds(20));
        String plaintext = new Subscriber(endpoint, null, subscribed.get("auth").asText(), subscribed.get("privateKey").asText())
                .decrypt(push.body());
        send(Map.of("data", plaintext));

        JsonNode notifications = next("notifications").get("notifications");
        assertThat(notifications.size(), is(1));
        assertThat(notifications.get(0).get("title").asText(), is("Alice Browser"));
        assertThat(notifications.get(0).get("body").asText(), is("See you at six"));
        assertThat(notifications.get(0).get("tag").asText(), is("chat-" + chat));
        assertThat(notifications.get(0).get("data").get("messageId").asLong(), is(e.message().id()));

        JsonNode clicked = next("clicked");
        assertThat(clicked.get("url").asText(), endsWith("/app/chats/" + chat));
        assertThat(clicked.get("title").asText(), is("Courier"));

        send(Map.of());
        next("unsubscribed");
        assertThat(n.http.get("/api/v1/push/subscriptions", bob.auth()).json().get("subscriptions").size(), is(0));
    }

    private void startBrowser() throws IOException {
        stderr = Files.createTempFile("browser", ".log");
        browser = new ProcessBuilder("node", Node.DIR.resolve("browser.js").toString()).directory(Node.DIR.toFile())
                .redirectError(stderr.toFile()).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private void send(Object message) throws IOException {
        OutputStream in = browser.getOutputStream();
        in.write((Json.writeString(message) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private JsonNode next(String step) throws Exception {
        String line = out.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("The browser said nothing within " + WAIT + " waiting for '" + step + "'\n" + Files.readString(stderr));
        }
        JsonNode j = Json.MAPPER.readTree(line);
        if (!step.equals(j.get("step").asText())) {
            throw new AssertionError("Expected '" + step + "' but the browser said " + line + "\n" + Files.readString(stderr));
        }
        return j;
    }
}
