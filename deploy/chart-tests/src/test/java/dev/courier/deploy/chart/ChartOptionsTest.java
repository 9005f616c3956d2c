package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.deploy.chart.Manifests.K8sObject;

/** What each operator option of the chart does to the rendered objects, and what the schema refuses. */
class ChartOptionsTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static K8sObject find(List<K8sObject> objects, String kind, String name) {
        return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> podSpec(K8sObject workload) {
        return Manifests.map(Manifests.at(workload.body(), "spec", "template", "spec"));
    }

    private static Map<String, Object> firstContainer(K8sObject workload) {
        return Manifests.map(Manifests.list(podSpec(workload).get("containers")).getFirst());
    }

    private static List<K8sObject> workloads(List<K8sObject> objects) {
        return objects.stream().filter(o -> o.kind().equals("Deployment") || o.kind().equals("StatefulSet")).toList();
    }

    @Test
    void globalValuesOfAParentChartReachEveryImagePodAndClaim() {
        List<K8sObject> objects = Charts.render(Map.of("global.imageRegistry", "mirror.example.com",
                "global.imagePullSecrets[0].name", "mirror-login", "imagePullSecrets[0].name", "own-login",
                "global.storageClass", "fast-ssd"));
        for (K8sObject w : workloads(objects)) {
            assertThat(w.toString(), (String) firstContainer(w).get("image"), startsWith("mirror.example.com/"));
            assertThat(w.toString(), String.valueOf(podSpec(w).get("imagePullSecrets")), is("[{name=mirror-login}, {name=own-login}]"));
        }
        assertThat(firstContainer(find(objects, "StatefulSet", "courier-postgresql")).get("image"), is("mirror.example.com/library/postgres:17.7"));
        assertThat(firstContainer(find(objects, "Deployment", "courier-web")).get("image"), is("mirror.example.com/courier-web:0.1.0-SNAPSHOT"));
        for (String store : List.of("courier-postgresql", "courier-redis", "courier-kafka")) {
            Object claim = Manifests.list(Manifests.at(find(objects, "StatefulSet", store).body(), "spec", "volumeClaimTemplates")).getFirst();
            assertThat(store, Manifests.at(claim, "spec", "storageClassName"), is("fast-ssd"));
        }
        // A component's own storage class wins over the global one.
        List<K8sObject> own = Charts.render(Map.of("global.storageClass", "fast-ssd", "redis.persistence.storageClass", "local"));
        Object claim = Manifests.list(Manifests.at(find(own, "StatefulSet", "courier-redis").body(), "spec", "volumeClaimTemplates")).getFirst();
        assertThat(Manifests.at(claim, "spec", "storageClassName"), is("local"));
    }

    @Test
    void aDigestPinsTheExactImage() {
        List<K8sObject> objects = Charts.render(Map.of("postgresql.image.digest", DIGEST, "redis.image.digest", DIGEST,
                "messenger.image.digest", DIGEST));
        assertThat(firstContainer(find(objects, "StatefulSet", "courier-postgresql")).get("image"), is("docker.io/library/postgres:17.7@" + DIGEST));
        assertThat(firstContainer(find(objects, "StatefulSet", "courier-redis")).get("image"), is("docker.io/library/redis:7.4.6@" + DIGEST));
        assertThat(firstContainer(find(objects, "Deployment", "courier-messenger")).get("image"), is("ghcr.io/courier-dev/courier-messenger:0.1.0-SNAPSHOT@" + DIGEST));
        Exception e = assertThrows(Exception.class, () -> Charts.render(Map.of("redis.image.digest", "sha256:short")));
        assertThat(e.getMessage(), containsString("digest"));
    }

    @Test
    void httpRoutesCarryTheIngressTableAndLongWebSocketTimeouts() {
        List<K8sObject> objects = Charts.render(Map.of("gatewayApi.enabled", "true"));
        Map<String, String> ingress = new HashMap<>();
        Map<String, String> routes = new HashMap<>();
        for (K8sObject o : objects) {
            // The "-grpc" Ingress is the GRPCRoute's counterpart (PublicGrpcRouteTest).
            if (o.kind().equals("Ingress") && !o.name().endsWith("-grpc")) {
                for (Object rule : Manifests.list(Manifests.at(o.body(), "spec", "rules"))) {
                    for (Object p : Manifests.list(Manifests.at(rule, "http", "paths"))) {
                        ingress.put(Manifests.map(p).get("path") + " " + Manifests.map(p).get("pathType"),
                                (String) Manifests.at(p, "backend", "service", "name"));
                    }
                }
            }
            if (o.kind().equals("HTTPRoute")) {
                assertThat(Manifests.list(Manifests.at(o.body(), "spec", "hostnames")), is(List.of("courier.local")));
                for (Object r : Manifests.list(Manifests.at(o.body(), "spec", "rules"))) {
                    String backend = (String) Manifests.map(Manifests.list(Manifests.map(r).get("backendRefs")).getFirst()).get("name");
                    for (Object m : Manifests.list(Manifests.map(r).get("matches"))) {
                        String type = (String) Manifests.at(m, "path", "type");
                        routes.put(Manifests.at(m, "path", "value") + " " + (type.equals("PathPrefix") ? "Prefix" : type), backend);
                    }
                    if (o.name().equals("courier-ws")) {
                        assertThat(Manifests.at(r, "timeouts", "request"), is("3600s"));
                        assertThat(Manifests.at(r, "timeouts", "backendRequest"), is("3600s"));
                    }
                }
            }
        }
        assertThat(routes, is(ingress));
        assertThat(routes.get("/ws Exact"), is("courier-messenger"));
        assertThat(KubernetesSchema.validate(objects), is(List.of()));
        Exception e = assertThrows(Exception.class, () -> Charts.render(Map.of("gatewayApi.enabled", "true", "gatewayApi.websocketTimeout", "1 hour")));
        assertThat(e.getMessage(), containsString("websocketTimeout"));
    }

    @Test
    void extraEgressVolumesMountsAndEnvReachEveryService() {
        List<K8sObject> objects = Charts.render(Map.of(
                "networkPolicy.extraEgress[0].ports[0].port", "19092", "networkPolicy.extraEgress[0].ports[0].protocol", "TCP",
                "extraVolumes[0].name", "ca-bundle", "extraVolumes[0].configMap.name", "corporate-ca",
                "extraVolumeMounts[0].name", "ca-bundle", "extraVolumeMounts[0].mountPath", "/etc/ssl/corporate",
                "extraEnv[0].name", "TZ", "extraEnv[0].value", "UTC"));
        for (String service : List.of("auth", "messenger", "stats", "notifier", "web")) {
            K8sObject d = find(objects, "Deployment", "courier-" + service);
            assertThat(service, String.valueOf(podSpec(d).get("volumes")), containsString("{configMap={name=corporate-ca}, name=ca-bundle}"));
            assertThat(service, String.valueOf(firstContainer(d).get("volumeMounts")), containsString("mountPath=/etc/ssl/corporate"));
            assertThat(service, String.valueOf(firstContainer(d).get("env")), containsString("{name=TZ, value=UTC}"));
            String egress = String.valueOf(Manifests.at(find(objects, "NetworkPolicy", "courier-" + service).body(), "spec", "egress"));
            assertThat(service, egress, containsString("port=19092"));
        }
        assertThat(KubernetesSchema.validate(objects), is(List.of()));
        assertThat(ChartRules.all(objects), is(List.of()));
        Exception e = assertThrows(Exception.class, () -> Charts.render(Map.of("extraVolumeMounts[0].name", "x")));
        assertThat(e.getMessage(), containsString("mountPath"));
    }

    @Test
    void thePushFailureAlertCountsOnlyFinalOutcomesAgainstItsThreshold() throws java.io.IOException {
        // A values file: helm's --set keeps a fraction as a string.
        java.nio.file.Path values = java.nio.file.Files.createTempFile("push-ratio", ".yaml");
        java.nio.file.Files.writeString(values, "monitoring:\n  prometheusRule:\n    enabled: true\n    pushFailureRatio: 0.25\n");
        List<K8sObject> objects = Charts.render(Charts.RENDERABLE, values, Map.of());
        Map<String, String> alerts = new HashMap<>();
        for (Object g : Manifests.list(Manifests.at(find(objects, "PrometheusRule", "courier").body(), "spec", "groups"))) {
            for (Object r : Manifests.list(Manifests.map(g).get("rules"))) {
                alerts.put((String) Manifests.map(r).get("alert"), (String) Manifests.map(r).get("expr"));
            }
        }
        String push = alerts.get("CourierPushFailureRatio");
        assertThat(push, containsString("courier_notifier_push_attempts_total{namespace=\"courier\",outcome=~\"failed|rejected\"}"));
        assertThat(push, containsString("outcome!=\"retry\""));
        assertThat(push, endsWith("> 0.25"));
        assertThat(alerts.get("CourierNotifierConsumerLag"), containsString("courier_notifier_consumer_lag"));
        assertThat(KubernetesSchema.validate(objects), is(List.of()));
        Exception e = assertThrows(Exception.class, () -> Charts.render(Map.of("monitoring.prometheusRule.pushFailureRatio", "2")));
        assertThat(e.getMessage(), containsString("pushFailureRatio"));
    }

    @Test
    void thePublicRouteTableHasNoRouteToAManagementPort() {
        List<K8sObject> objects = Charts.render(Map.of("gatewayApi.enabled", "true"));
        List<Object> ports = objects.stream().filter(o -> o.kind().equals("HTTPRoute"))
                .flatMap(o -> Manifests.list(Manifests.at(o.body(), "spec", "rules")).stream())
                .flatMap(r -> Manifests.list(Manifests.map(r).get("backendRefs")).stream())
                .map(b -> Manifests.map(b).get("port")).toList();
        assertThat(String.valueOf(ports), ports.stream().allMatch(java.util.Set.of(8081, 8082, 8083, 8084, 8085)::contains), is(true));
        assertThat(ports, hasItem(8085));
    }
}
