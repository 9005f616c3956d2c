package dev.courier.notifier.web;

import org.junit.jupiter.api.Test;

import dev.courier.notifier.testing.Notifier;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** The notifier serves only its API: the page and the service worker moved to the web app (services/web). */
class ApiOnlyTest {

    private final Http http = Notifier.get().http;

    @Test
    void theNotifierNoLongerServesAPageOrAServiceWorker() {
        assertThat(http.get("/").status(), is(404));
        assertThat(http.get("/sw.js").status(), is(404));
        assertThat(http.get("/app/chats/42").status(), is(404));
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
