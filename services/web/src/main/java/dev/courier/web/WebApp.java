package dev.courier.web;

import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.StaticContentService;

import dev.courier.platform.server.CourierApp;

/**
 * The web app's service: the single-page app's files from {@code web/} on the classpath, with the
 * security headers ({@link Headers}) on every one of them, gzip on its own port, and /health and
 * /metrics like every Courier service. It has no backing servers: it is ready when it is up.
 *
 * <p>Public paths, as the gateway and the ingress route them here: {@code /} (the app),
 * {@code /sw.js} (the service worker, which must sit at the root to control the whole origin) and
 * everything under {@code /app} (its modules, styles and vendored libraries; any other path under
 * {@code /app}, such as the deep link {@code /app/chats/42}, gets the app's page).
 */
public final class WebApp implements CourierApp {

    private final Headers headers;

    private WebApp(Headers headers) {
        this.headers = headers;
    }

    public static WebApp create(Config config) {
        return new WebApp(Headers.from(config.get("courier.web")));
    }

    @Override
    public String name() {
        return "web";
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        StaticContentService files = StaticContentService.create("web/app");
        Pages pages = new Pages(headers);
        routing.get("/", pages::index)
                .get("/sw.js", pages::serviceWorker)
                .any("/app", headers::apply)
                .any("/app/*", headers::apply)
                .register("/app", files)
                // Not a file: a route of the app itself (/app/chats/42 from a notification or an email).
                .get("/app", pages::index)
                .get("/app/*", pages::route);
    }

    @Override
    public void server(WebServerConfig.Builder server) {
        server.contentEncoding(ContentEncodingContext.builder()
                .contentEncodingsDiscoverServices(false)
                .addContentEncoding(new Gzip())
                .build());
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
