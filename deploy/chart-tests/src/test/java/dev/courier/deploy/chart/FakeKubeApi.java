package dev.courier.deploy.chart;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The few Kubernetes API answers Helm needs to render the chart: discovery, the server version, and
 * GET of a Secret (for the chart's lookup). helm-java renders like an install dry run and calls the
 * API for lookup, unlike `helm template`; this stands in for the cluster, and lets a test show that
 * an existing Secret's values survive an upgrade. KUBECONFIG (set by Surefire) points here.
 */
final class FakeKubeApi {

    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();
    private static volatile boolean started;

    private FakeKubeApi() {
    }

    static synchronized void ensureStarted() {
        if (started) {
            return;
        }
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new IllegalStateException("KUBECONFIG must point to a writable file (Surefire sets it): Helm would otherwise call localhost:8080");
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", FakeKubeApi::handle);
            server.setExecutor(null);
            server.start();
            Path file = Path.of(kubeconfig);
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: fake
                        cluster:
                          server: http://127.0.0.1:%d
                    contexts:
                      - name: fake
                        context:
                          cluster: fake
                          user: fake
                          namespace: courier
                    current-context: fake
                    users:
                      - name: fake
                        user:
                          token: fake
                    """.formatted(server.getAddress().getPort()));
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the fake cluster hold a Secret (JSON) at namespace/name; null removes it. */
    static void secret(String namespace, String name, String json) {
        String key = namespace + "/" + name;
        if (json == null) {
            SECRETS.remove(key);
        } else {
            SECRETS.put(key, json);
        }
    }

    private static void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body;
        int status = 200;
        if (path.equals("/version")) {
            body = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\",\"platform\":\"linux/amd64\"}";
        } else if (path.equals("/api")) {
            body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
        } else if (path.equals("/apis")) {
            body = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
        } else if (path.equals("/api/v1")) {
            body = """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                     {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""";
        } else if (path.matches("/api/v1/namespaces/[^/]+/secrets/[^/]+")) {
            String[] parts = path.split("/");
            body = SECRETS.get(parts[4] + "/" + parts[6]);
            if (body == null) {
                status = 404;
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
                        + "\"message\":\"secrets \\\"" + parts[6] + "\\\" not found\",\"details\":{\"name\":\"" + parts[6] + "\",\"kind\":\"secrets\"}}";
            }
        } else {
            status = 404;
            body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
