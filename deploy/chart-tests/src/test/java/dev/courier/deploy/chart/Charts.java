package dev.courier.deploy.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import dev.courier.deploy.chart.Manifests.K8sObject;

/** Helm, in process (helm-java bundles Helm 3 as a native library): no cluster, no binary on the PATH. */
final class Charts {

    static final Path CHART = Path.of(System.getProperty("courier.chart.dir", "../../charts/courier")).toAbsolutePath().normalize();
    static final Path K8S = Path.of(System.getProperty("courier.k8s.dir", "../../k8s")).toAbsolutePath().normalize();
    static final Path PRODUCTION_VALUES = K8S.resolve("values-production.yaml");
    /** The Kubernetes version the chart is rendered for (kind in CI runs 1.32). */
    static final String KUBE_VERSION = "v1.32.0";

    /**
     * helm-java renders manifests but leaves hooks out, so the `helm test` pod would escape every
     * check. The tests render a copy whose hook annotation is renamed (to {@link #HOOK_MARK}), which
     * makes Helm render it like any object; the rules still treat it as the one-shot hook it is.
     */
    static final String HOOK_MARK = "courier.dev/rendered-helm-hook";
    static final Path RENDERABLE = copy(Path.of("target", "renderable-chart").toAbsolutePath(), true);

    private Charts() {
    }

    /** Renders the chart as release "courier" in namespace "courier" (the one the guide uses). */
    static List<K8sObject> render(Path chart, Path valuesFile, Map<String, ?> set) {
        FakeKubeApi.ensureStarted();
        TemplateCommand t = new Helm(chart).template().withName("courier").withNamespace("courier")
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            t = t.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, ?> e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return Manifests.parse(t.call(), "chart");
    }

    static List<K8sObject> render(Map<String, ?> set) {
        return render(RENDERABLE, null, set);
    }

    /**
     * A copy of the chart without values.schema.json, so a test can feed a value the schema would
     * refuse and see that the rendered-object rules catch it on their own.
     */
    static Path withoutSchema(Path tmp) {
        return copy(tmp, false);
    }

    private static Path copy(Path dir, boolean keepSchema) {
        Path copy = dir.resolve("courier");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getFileName().toString().equals("values.schema.json")) {
                    if (keepSchema) {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    Files.writeString(target, Files.readString(p).replace("helm.sh/hook: ", HOOK_MARK + ": "));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }
}
