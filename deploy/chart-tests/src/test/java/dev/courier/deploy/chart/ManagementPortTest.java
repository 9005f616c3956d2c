package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * Every service is probed on its management port, which Prometheus may reach and no route does; the
 * shutdown grace each service is given fits its pod's termination grace after preStop.
 */
class ManagementPortTest {

    private static K8sObject find(List<K8sObject> objects, String kind, String name) {
        return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "messenger", "stats", "notifier", "web"})
    void probesUseTheManagementPortWhichNoRouteReaches(String service) {
        List<K8sObject> objects = Charts.render(Map.of("tls.internal.enabled", "true", "networkPolicy.metricsNamespace", "monitoring"));
        K8sObject deployment = find(objects, "Deployment", "courier-" + service);
        Map<String, Object> container = Manifests.map(Manifests.list(Manifests.at(deployment.body(), "spec", "template", "spec", "containers")).getFirst());
        assertThat(Manifests.list(container.get("ports")).stream().map(Manifests::map)
                .anyMatch(p -> "management".equals(p.get("name")) && Integer.valueOf(9090).equals(p.get("containerPort"))), is(true));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(service + " " + probe, Manifests.at(container, probe, "httpGet", "port"), is("management"));
            // The management socket is plain HTTP even when the service port speaks TLS.
            assertThat(service + " " + probe, Manifests.at(container, probe, "httpGet", "scheme"), is("HTTP"));
        }
        assertThat(Manifests.at(container, "readinessProbe", "httpGet", "path"), is("/health/ready"));
        assertThat(Manifests.at(container, "livenessProbe", "httpGet", "path"), is("/health/live"));
        Map<String, String> config = Manifests.stringMap(find(objects, "ConfigMap", "courier-" + service).body().get("data"));
        assertThat(config, hasEntry("COURIER_MANAGEMENT_PORT", "9090"));
        for (K8sObject o : objects) {
            if (o.kind().equals("Ingress") || o.kind().equals("HTTPRoute")) {
                assertThat(o.toString(), String.valueOf(o.body()), not(containsString("management")));
                assertThat(o.toString(), String.valueOf(o.body()), not(containsString("9090")));
            }
        }
        // Prometheus (networkPolicy.metricsNamespace) may reach the management port, and only that one.
        String policy = String.valueOf(Manifests.at(find(objects, "NetworkPolicy", "courier-" + service).body(), "spec", "ingress"));
        assertThat(policy, containsString("monitoring"));
        assertThat(policy, containsString("port=9090"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "messenger", "stats", "notifier", "web"})
    void shutdownGraceFitsThePodsTerminationGraceAfterPreStop(String service) {
        List<K8sObject> objects = Charts.render(Map.of());
        K8sObject deployment = find(objects, "Deployment", "courier-" + service);
        int termination = (Integer) Manifests.at(deployment.body(), "spec", "template", "spec", "terminationGracePeriodSeconds");
        Object container = Manifests.list(Manifests.at(deployment.body(), "spec", "template", "spec", "containers")).getFirst();
        int preStop = (Integer) Manifests.at(container, "lifecycle", "preStop", "sleep", "seconds");
        int grace = Integer.parseInt(Manifests.stringMap(find(objects, "ConfigMap", "courier-" + service).body().get("data"))
                .get("COURIER_SHUTDOWN_GRACESECONDS"));
        assertThat(service, preStop + grace + 10, is(termination));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "messenger", "web"})
    void aTerminationGraceTooShortForPreStopAndDrainIsRefused(String service) {
        Exception e = assertThrows(Exception.class, () -> Charts.render(Map.of(service + ".terminationGracePeriodSeconds", "10",
                service + ".preStopSeconds", "5")));
        assertThat(e.getMessage(), containsString(service + ".terminationGracePeriodSeconds must be at least"));
    }
}
