package dev.courier.notifier.web;

import org.junit.jupiter.api.Test;

import dev.courier.notifier.testing.Notifier;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class WebPageTest {

    private final Http http = Notifier.get().http;

    @Test
    void servesThePageItsModulesAndTheServiceWorkerAtTheRoot() {
        Http.Response page = http.get("/");
        assertThat(page.status(), is(200));
        assertThat(page.header("Content-Type"), startsWith("text/html"));
        assertThat(page.body(), containsString("<script type=\"module\" src=\"/app/main.js\">"));

        Http.Response js = http.get("/app/main.js");
        assertThat(js.status(), is(200));
        assertThat(js.header("Content-Type"), startsWith("text/javascript"));

        Http.Response sw = http.get("/sw.js");
        assertThat(sw.status(), is(200));
        assertThat(sw.header("Service-Worker-Allowed"), is("/"));
        assertThat(sw.body(), containsString("addEventListener('push'"));
    }

    @Test
    void aChatLinkFromANotificationGetsThePage() {
        Http.Response chat = http.get("/app/chats/42");
        assertThat(chat.status(), is(200));
        assertThat(chat.body(), containsString("<title>Courier</title>"));
        // Nothing outside web/ is reachable.
        assertThat(http.get("/app/..%2F..%2Fapplication.yaml").body(), containsString("<title>Courier</title>"));
    }

    @Test
    void theOpenApiDocumentIsServedOnTheServicePort() {
        Http.Response r = http.get("/openapi");
        assertThat(r.status(), is(200));
        assertThat(r.body(), startsWith("openapi: 3.1.0"));
        assertThat(r.body(), containsString("/api/v1/push/subscriptions:"));
        assertThat(r.body(), containsString("/api/v1/notifications/preferences:"));
    }
}
