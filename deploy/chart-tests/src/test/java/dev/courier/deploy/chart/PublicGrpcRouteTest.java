package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * Seed 002's public gRPC API (issue 16) reachable from the public host: each gRPC service's path
 * goes to the pod that serves it on its h2c "grpc-public" port, through ingress-nginx with
 * backend-protocol GRPC over the ingress's TLS, or a Gateway API GRPCRoute; the NetworkPolicy lets
 * the ingress controller reach exactly that port, and the services listen where the chart says.
 */
class PublicGrpcRouteTest {

    private static K8sObject find(List<K8sObject> objects, String kind, String name) {
        return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> servicePort(List<K8sObject> objects, String service, String name) {
        return Manifests.list(Manifests.at(find(objects, "Service", service).body(), "spec", "ports")).stream().map(Manifests::map)
                .filter(p -> name.equals(p.get("name"))).findFirst().orElse(null);
    }

    @Test
    void theGrpcIngressRoutesEachServiceToItsPublicGrpcPortOverTls() {
        List<K8sObject> objects = Charts.render(Map.of("tls.internal.enabled", "true"));
        K8sObject ingress = find(objects, "Ingress", "courier-grpc");
        Map<String, String> annotations = Manifests.stringMap(Manifests.at(ingress.body(), "metadata", "annotations"));
        // h2c behind the proxy even with internal TLS: the public gRPC listener has no TLS of its own.
        assertThat(annotations, hasEntry("nginx.ingress.kubernetes.io/backend-protocol", "GRPC"));
        assertThat(annotations, hasEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600"));
        assertThat(annotations, hasEntry("nginx.ingress.kubernetes.io/ssl-redirect", "true"));
        assertThat(String.valueOf(Manifests.at(ingress.body(), "spec", "tls")), containsString("courier.local"));
        Map<String, String> routes = new HashMap<>();
        for (Object rule : Manifests.list(Manifests.at(ingress.body(), "spec", "rules"))) {
            assertThat(Manifests.map(rule).get("host"), is("courier.local"));
            for (Object p : Manifests.list(Manifests.at(rule, "http", "paths"))) {
                assertThat(Manifests.map(p).get("pathType"), is("Prefix"));
                routes.put((String) Manifests.map(p).get("path"), Manifests.at(p, "backend", "service", "name") + ":"
                        + Manifests.at(p, "backend", "service", "port", "name"));
            }
        }
        assertThat(routes, is(Map.of("/users.UserService", "courier-auth:grpc-public",
                "/messages.MessageService", "courier-messenger:grpc-public")));
        // Only the public services: never the internal UserDirectory (auth's "grpc" port) or a management port.
        assertThat(String.valueOf(ingress.body()), not(containsString("UserDirectory")));
        assertThat(KubernetesSchema.validate(objects), is(List.of()));
        assertThat(ChartRules.all(objects), is(List.of()));
    }

    @Test
    void authAndMessengerListenOnTheServicePortsTheRoutesUse() {
        List<K8sObject> objects = Charts.render(Map.of("auth.publicGrpcPort", "10181", "messenger.publicGrpcPort", "10182"));
        for (String[] c : new String[][] {{"auth", "10181"}, {"messenger", "10182"}}) {
            String name = "courier-" + c[0];
            Map<String, Object> port = servicePort(objects, name, "grpc-public");
            assertThat(name, port.get("port"), is(Integer.valueOf(c[1])));
            assertThat(name, port.get("appProtocol"), is("kubernetes.io/h2c"));
            Map<String, String> config = Manifests.stringMap(find(objects, "ConfigMap", name).body().get("data"));
            assertThat(config, hasEntry("COURIER_" + c[0].toUpperCase() + "_PUBLICGRPC_PORT", c[1]));
            // From the ingress controller's namespace (the first rule), beside the HTTP port.
            Object fromIngress = Manifests.list(Manifests.at(find(objects, "NetworkPolicy", name).body(), "spec", "ingress")).getFirst();
            assertThat(String.valueOf(fromIngress), containsString("ingress-nginx"));
            assertThat(String.valueOf(fromIngress), containsString("{port=" + c[1] + ", protocol=TCP}"));
        }
        // The other services have no gRPC listener and get no such port.
        assertThat(servicePort(objects, "courier-stats", "grpc-public"), is((Object) null));
        assertThat(String.valueOf(Manifests.at(find(objects, "NetworkPolicy", "courier-stats").body(), "spec", "ingress")),
                not(containsString("10181")));
        assertThat(ChartRules.all(objects), is(List.of()));
    }

    @Test
    void withTheGatewayApiAGrpcRouteMatchesEachServiceByName() {
        List<K8sObject> objects = Charts.render(Map.of("gatewayApi.enabled", "true", "ingress.enabled", "false"));
        assertThat(objects.stream().anyMatch(o -> o.kind().equals("Ingress")), is(false));
        K8sObject route = find(objects, "GRPCRoute", "courier-grpc");
        assertThat(Manifests.list(Manifests.at(route.body(), "spec", "hostnames")), is(List.of("courier.local")));
        Map<String, String> backends = new HashMap<>();
        for (Object r : Manifests.list(Manifests.at(route.body(), "spec", "rules"))) {
            Map<String, Object> backend = Manifests.map(Manifests.list(Manifests.map(r).get("backendRefs")).getFirst());
            for (Object m : Manifests.list(Manifests.map(r).get("matches"))) {
                backends.put((String) Manifests.at(m, "method", "service"), backend.get("name") + ":" + backend.get("port"));
            }
        }
        assertThat(backends, is(Map.of("users.UserService", "courier-auth:9181", "messages.MessageService", "courier-messenger:9182")));
        assertThat(KubernetesSchema.validate(objects), is(List.of()));
    }

    @Test
    void publicGrpcOffLeavesNoRouteNoServicePortAndNoPolicyHole() {
        List<K8sObject> objects = Charts.render(Map.of("publicGrpc.enabled", "false", "gatewayApi.enabled", "true"));
        assertThat(objects.stream().anyMatch(o -> o.name().equals("courier-grpc")), is(false));
        assertThat(servicePort(objects, "courier-auth", "grpc-public"), is((Object) null));
        assertThat(String.valueOf(Manifests.at(find(objects, "NetworkPolicy", "courier-messenger").body(), "spec", "ingress")),
                not(containsString("9182")));
    }

    @Test
    void theSchemaRefusesABadGrpcPortAndTimeout() {
        for (Map<String, String> bad : List.of(Map.of("auth.publicGrpcPort", "70000"), Map.of("publicGrpc.timeoutSeconds", "0"))) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Charts.render(bad));
            assertThat(e.getMessage(), containsString(bad.keySet().iterator().next().replaceAll(".*\\.", "")));
        }
    }
}
