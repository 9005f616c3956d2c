package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.courier.deploy.chart.Manifests.K8sObject;

/** The chart lints strictly, and every way we ship it renders objects the API and our rules accept. */
class ChartRenderTest {

    @Test
    void chartPassesStrictLint() {
        FakeKubeApi.ensureStarted();
        LintResult lint = new Helm(Charts.CHART).lint().strict().call();
        assertThat(String.join("\n", lint.getMessages()), lint.isFailed(), is(false));
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("default values", false, Map.of()),
                Arguments.of("production example values", true, Map.of()),
                Arguments.of("internal TLS by cert-manager, 3 Kafka nodes", false,
                        Map.of("tls.internal.enabled", "true", "kafka.replicas", "3")),
                Arguments.of("internal TLS from an existing secret, cert-manager for the ingress", false,
                        Map.of("tls.internal.enabled", "true", "tls.internal.existingSecret", "my-internal-tls",
                                "ingress.tls.certManager.issuer", "letsencrypt")),
                Arguments.of("external PostgreSQL, Redis and Kafka, existing Secret, SMTP login", false,
                        Map.of("postgresql.enabled", "false", "externalDatabase.host", "db.example.com",
                                "externalDatabase.params", "?sslmode=require",
                                "redis.enabled", "false", "externalRedis.host", "redis.example.com", "externalRedis.tls", "true",
                                "kafka.enabled", "false", "externalKafka.bootstrap", "k1.example.com:9092,k2.example.com:9092",
                                "secrets.existingSecret", "courier-managed", "smtp.user", "mailer")),
                Arguments.of("as a subchart: global registry, pull secrets and storage class; digests", false,
                        Map.of("global.imageRegistry", "mirror.example.com", "global.imagePullSecrets[0].name", "mirror-login",
                                "global.storageClass", "fast-ssd", "postgresql.image.digest", "sha256:" + "a".repeat(64),
                                "redis.image.digest", "sha256:" + "b".repeat(64), "auth.image.digest", "sha256:" + "c".repeat(64))),
                Arguments.of("Gateway API routes beside the Ingress; extra egress, volumes, mounts and env", false,
                        pairs("gatewayApi.enabled", "true", "gatewayApi.parentRefs[0].name", "public",
                                "gatewayApi.parentRefs[0].namespace", "gateways",
                                "networkPolicy.extraEgress[0].ports[0].port", "19092",
                                "networkPolicy.extraEgress[0].ports[0].protocol", "TCP",
                                "extraVolumes[0].name", "ca-bundle", "extraVolumes[0].configMap.name", "corporate-ca",
                                "extraVolumeMounts[0].name", "ca-bundle", "extraVolumeMounts[0].mountPath", "/etc/ssl/corporate",
                                "extraEnv[0].name", "TZ", "extraEnv[0].value", "UTC")),
                Arguments.of("Gateway API only, no Ingress", false,
                        Map.of("ingress.enabled", "false", "gatewayApi.enabled", "true")),
                Arguments.of("Grafana dashboard and PrometheusRule alerts", false,
                        Map.of("monitoring.dashboard.enabled", "true", "monitoring.prometheusRule.enabled", "true",
                                "monitoring.prometheusRule.labels.release", "kube-prometheus-stack")),
                Arguments.of("no ingress, no network policies, no autoscaling", false,
                        Map.of("ingress.enabled", "false", "networkPolicy.enabled", "false",
                                "auth.autoscaling.enabled", "false", "messenger.autoscaling.enabled", "false")));
    }

    private static Map<String, String> pairs(String... keyValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void renderedObjectsValidateAgainstTheKubernetesApi(String variant, boolean production, Map<String, String> set) {
        List<K8sObject> objects = Charts.render(Charts.RENDERABLE, production ? Charts.PRODUCTION_VALUES : null, set);
        assertThat(objects.isEmpty(), is(false));
        assertThat(KubernetesSchema.validate(objects), is(empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void renderedObjectsFollowTheChartRules(String variant, boolean production, Map<String, String> set) {
        List<K8sObject> objects = Charts.render(Charts.RENDERABLE, production ? Charts.PRODUCTION_VALUES : null, set);
        assertThat(ChartRules.all(objects), is(empty()));
    }

    @Test
    void defaultInstallHasEveryPieceTheIssueAsksFor() {
        List<String> kinds = Charts.render(Map.of()).stream().map(o -> o.kind() + "/" + o.name()).toList();
        assertThat(kinds, hasItems(
                "Deployment/courier-auth", "Deployment/courier-messenger", "Deployment/courier-stats", "Deployment/courier-notifier",
                "Deployment/courier-web", "Service/courier-web", "PodDisruptionBudget/courier-web", "NetworkPolicy/courier-web",
                "Service/courier-auth", "ServiceAccount/courier-auth", "ConfigMap/courier-auth",
                "HorizontalPodAutoscaler/courier-auth", "HorizontalPodAutoscaler/courier-messenger",
                "PodDisruptionBudget/courier-messenger",
                "StatefulSet/courier-postgresql", "StatefulSet/courier-redis", "StatefulSet/courier-kafka",
                "Secret/courier-secrets", "Ingress/courier", "Ingress/courier-ws", "Ingress/courier-grpc",
                "NetworkPolicy/courier-auth", "NetworkPolicy/courier-postgresql", "Pod/courier-test-messaging"));
    }

    @Test
    void ingressRoutesEveryPublicPathToItsServiceAndGivesTheWebSocketLongTimeouts() {
        List<K8sObject> objects = Charts.render(Map.of());
        Map<String, String> routes = new java.util.HashMap<>();
        for (K8sObject o : objects) {
            if (!o.kind().equals("Ingress") || o.name().endsWith("-grpc")) {
                continue; // seed 002's gRPC paths: PublicGrpcRouteTest
            }
            for (Object rule : Manifests.list(Manifests.at(o.body(), "spec", "rules"))) {
                assertThat(Manifests.map(rule).get("host"), is("courier.local"));
                for (Object p : Manifests.list(Manifests.at(rule, "http", "paths"))) {
                    routes.put((String) Manifests.map(p).get("path"), (String) Manifests.at(p, "backend", "service", "name"));
                }
            }
            assertThat(Manifests.at(o.body(), "spec", "tls") != null, is(true));
        }
        Map<String, String> expected = Map.ofEntries(
                Map.entry("/api/v1/auth", "courier-auth"), Map.entry("/api/v1/users", "courier-auth"),
                Map.entry("/.well-known/jwks.json", "courier-auth"), Map.entry("/register", "courier-auth"), Map.entry("/auth", "courier-auth"),
                Map.entry("/api/v1/chats", "courier-messenger"), Map.entry("/api/v1/rooms", "courier-messenger"),
                Map.entry("/api/v1/messages", "courier-messenger"), Map.entry("/api/v1/sync", "courier-messenger"),
                Map.entry("/ws", "courier-messenger"), Map.entry("/send", "courier-messenger"),
                Map.entry("/chat", "courier-messenger"), Map.entry("/chats", "courier-messenger"),
                // Seed 003 and seed 002 (issue 16); "/profile" and "/room" are Prefix for their "/{id}" forms, "/messages" for 003's
                // "/messages/{roomID}" and 002's "/messages/send" and "/messages/history".
                Map.entry("/login", "courier-auth"), Map.entry("/profile", "courier-auth"), Map.entry("/change-name", "courier-auth"),
                Map.entry("/users/register", "courier-auth"), Map.entry("/create-room", "courier-messenger"),
                Map.entry("/join", "courier-messenger"), Map.entry("/invite", "courier-messenger"), Map.entry("/rooms", "courier-messenger"),
                Map.entry("/room", "courier-messenger"), Map.entry("/messages", "courier-messenger"),
                Map.entry("/api/v1/stats", "courier-stats"), Map.entry("/MessagesReceived", "courier-stats"),
                Map.entry("/MessagesReceivedByUser", "courier-stats"), Map.entry("/MessagesSentByUser", "courier-stats"),
                Map.entry("/api/v1/push", "courier-notifier"), Map.entry("/api/v1/notifications", "courier-notifier"),
                Map.entry("/", "courier-web"));
        assertThat(routes, is(expected));
        K8sObject ws = objects.stream().filter(o -> o.kind().equals("Ingress") && o.name().equals("courier-ws")).findFirst().orElseThrow();
        assertThat(Manifests.at(ws.body(), "metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout"), is("3600"));
    }

    @Test
    void messengerDrainsWebSocketsLongerThanItWaitsBeforeStopping() {
        K8sObject messenger = Charts.render(Map.of()).stream()
                .filter(o -> o.kind().equals("Deployment") && o.name().equals("courier-messenger")).findFirst().orElseThrow();
        Object grace = Manifests.at(messenger.body(), "spec", "template", "spec", "terminationGracePeriodSeconds");
        Object container = Manifests.list(Manifests.at(messenger.body(), "spec", "template", "spec", "containers")).getFirst();
        Object preStop = Manifests.at(container, "lifecycle", "preStop", "sleep", "seconds");
        assertThat((Integer) grace >= 60, is(true));
        assertThat((Integer) preStop < (Integer) grace, is(true));
    }
}
