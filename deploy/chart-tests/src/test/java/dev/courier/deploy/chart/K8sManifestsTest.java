package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.courier.deploy.chart.Manifests.K8sObject;

/** Everything under k8s/ passes the same checks as the chart. */
class K8sManifestsTest {

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(Charts.K8S)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static boolean isValues(Path p) {
        return p.getFileName().toString().startsWith("values-");
    }

    private static boolean isKindConfig(Path p) {
        return p.getFileName().toString().startsWith("kind-");
    }

    @Test
    void manifestsValidateAgainstTheKubernetesApiAndFollowTheRules() throws IOException {
        List<K8sObject> objects = new ArrayList<>();
        for (Path p : yamlFiles()) {
            if (!isValues(p) && !isKindConfig(p)) {
                objects.addAll(Manifests.parseFile(p));
            }
        }
        assertThat(objects.isEmpty(), is(false));
        assertThat(KubernetesSchema.validate(objects), is(empty()));
        assertThat(ChartRules.all(objects), is(empty()));
    }

    @Test
    void everyValuesFileRendersObjectsTheApiAndTheRulesAccept() throws IOException {
        List<Path> values = yamlFiles().stream().filter(K8sManifestsTest::isValues).toList();
        assertThat(values.stream().map(p -> p.getFileName().toString()).toList(), hasItem("values-production.yaml"));
        for (Path v : values) {
            List<K8sObject> objects = Charts.render(Charts.RENDERABLE, v, Map.of());
            assertThat(v.toString(), KubernetesSchema.validate(objects), is(empty()));
            assertThat(v.toString(), ChartRules.all(objects), is(empty()));
        }
    }

    @Test
    void kindClusterExposesTheIngressPortsOnANodeLabelledForIt() throws IOException {
        for (Path p : yamlFiles().stream().filter(K8sManifestsTest::isKindConfig).toList()) {
            K8sObject cluster = Manifests.parseFile(p).getFirst();
            assertThat(cluster.apiVersion(), is("kind.x-k8s.io/v1alpha4"));
            assertThat(cluster.kind(), is("Cluster"));
            Map<String, Object> controlPlane = Manifests.map(Manifests.list(cluster.body().get("nodes")).getFirst());
            List<Object> hostPorts = Manifests.list(controlPlane.get("extraPortMappings")).stream()
                    .map(m -> Manifests.map(m).get("hostPort")).toList();
            assertThat(hostPorts, is(List.of(80, 443)));
            assertThat(String.valueOf(controlPlane.get("kubeadmConfigPatches")).contains("ingress-ready=true"), is(true));
        }
    }
}
