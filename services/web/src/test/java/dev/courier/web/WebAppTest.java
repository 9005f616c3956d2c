package dev.courier.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.webserver.WebServer;

import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The web app's server on a real port: its files, their headers, compression, health and metrics. */
class WebAppTest {

    private static WebApp app;
    private static WebServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        var config = Configs.load(WebApp.class, Map.of("server.port", "0", "server.host", "127.0.0.1"));
        app = WebApp.create(config);
        server = Servers.start(config, app);
        http = Http.port(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        app.close();
    }

    @Test
    void thePageLoadsItsModuleWithoutInlineScriptUnderAStrictPolicy() {
        Http.Response page = http.get("/");
        assertThat(page.status(), is(200));
        assertThat(page.header("Content-Type"), startsWith("text/html"));
        assertThat(page.body(), containsString("<script type=\"module\" src=\"/app/main.js\"></script>"));
        // Every <script> has a src: nothing inline for the policy to allow.
        assertThat(page.body().replaceAll("<script[^>]*\\bsrc=\"[^\"]+\"[^>]*></script>", ""), not(containsString("<script")));
        String csp = page.header("Content-Security-Policy");
        assertThat(csp, containsString("script-src 'self';"));
        assertThat(csp, not(containsString("unsafe-inline")));
        assertThat(csp, not(containsString("unsafe-eval")));
        assertThat(csp, containsString("frame-ancestors 'none'"));
        assertThat(page.header("Referrer-Policy"), is("no-referrer"));
        assertThat(page.header("X-Content-Type-Options"), is("nosniff"));
        assertThat(page.header("Cache-Control"), is("no-cache"));
    }

    @Test
    void deepLinksGetThePageAndMissingFilesAre404() {
        for (String path : new String[] {"/app/", "/app/chats/42", "/app/chats/42/room", "/app/settings"}) {
            Http.Response r = http.get(path);
            assertThat(path, r.status(), is(200));
            assertThat(path, r.body(), containsString("<title>Courier</title>"));
        }
        assertThat(http.get("/app/no-such-module.js").status(), is(404));
        assertThat(http.get("/app/../application.yaml").body(), not(containsString("server:")));
        assertThat(http.get("/app/%2e%2e/application.yaml").body(), not(containsString("server:")));
    }

    @Test
    void appFilesAreRevalidatedAndVersionedLibrariesCachedForAYear() {
        Http.Response main = http.get("/app/main.js");
        assertThat(main.status(), is(200));
        assertThat(main.header("Content-Type"), startsWith("text/javascript"));
        assertThat(main.header("Cache-Control"), is("no-cache"));
        assertThat(main.header("Content-Security-Policy"), containsString("frame-ancestors 'none'"));
        String etag = main.header("ETag");
        assertThat(http.get("/app/main.js", Map.of("If-None-Match", etag)).status(), is(304));

        Http.Response preact = http.get("/app/vendor/preact-11.2.0/preact.mjs");
        assertThat(preact.status(), is(200));
        assertThat(preact.header("Cache-Control"), is("public, max-age=31536000, immutable"));
    }

    @Test
    void theServiceWorkerMayControlTheWholeOrigin() {
        Http.Response sw = http.get("/sw.js");
        assertThat(sw.status(), is(200));
        assertThat(sw.header("Service-Worker-Allowed"), is("/"));
        assertThat(sw.body(), containsString("addEventListener('push'"));
        assertThat(sw.body(), containsString("addEventListener('notificationclick'"));
    }

    @Test
    void filesAreGzippedForBrowsersThatAskAndIdenticalOnceInflated() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/app/vendor/preact-11.2.0/preact.mjs"))
                .header("Accept-Encoding", "gzip, deflate, br").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode(), is(200));
        assertThat(r.headers().firstValue("Content-Encoding").orElse(""), is("gzip"));
        byte[] original = resource("web/app/vendor/preact-11.2.0/preact.mjs");
        assertThat(r.body().length, lessThan(original.length / 2));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(new String(in.readAllBytes()), is(new String(original)));
        }
    }

    @Test
    void healthAndMetricsLikeEveryServiceOnTheManagementPortOnly() {
        Http management = Http.port(server.port(Servers.MANAGEMENT));
        assertThat(management.get("/health/ready").status(), is(200));
        assertThat(management.get("/health/live").status(), is(200));
        Http.Response metrics = management.get("/metrics", Map.of("Accept", "text/plain"));
        assertThat(metrics.status(), is(200));
        assertThat(metrics.body(), containsString("# TYPE"));
        // Not on the public port, where "/" and the app's files are.
        assertThat(http.get("/metrics").status(), is(404));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebAppTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
