package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * Each rule, fed a broken value, fails. Values the schema would refuse are fed to a copy of the
 * chart without values.schema.json, to show the rule catches them by itself; the schema is then
 * shown to refuse them too. Where no value can break a rule (selectors, probes), the rendered
 * object is broken the way a faulty template edit would.
 */
class ChartRulesTest {

    @TempDir
    Path tmp;

    private List<K8sObject> renderUnchecked(Map<String, String> set) {
        return Charts.render(Charts.withoutSchema(tmp), null, set);
    }

    private static Matcher<Iterable<? super String>> mentions(String text) {
        return hasItem(containsString(text));
    }

    private static void schemaRefuses(Map<String, String> set, String field) {
        Exception e = assertThrows(Exception.class, () -> Charts.render(set));
        assertThat(e.getMessage(), containsString(field));
    }

    private static K8sObject find(List<K8sObject> objects, String kind, String name) {
        return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> firstContainer(K8sObject workload) {
        Object containers = Manifests.at(workload.body(), "spec", "template", "spec", "containers");
        return Manifests.map(Manifests.list(containers).getFirst());
    }

    @Test
    void portOutOfRangeFails() {
        List<K8sObject> objects = renderUnchecked(Map.of("messenger.port", "70000"));
        assertThat(ChartRules.portsInRange(objects), mentions("70000 is not in 1-65535"));
        schemaRefuses(Map.of("messenger.port", "70000"), "/messenger/port");
    }

    @Test
    void namesThatAreNotDns1123Fail() {
        List<K8sObject> objects = renderUnchecked(Map.of("fullnameOverride", "Courier_Prod"));
        assertThat(ChartRules.namesAreDns1123(objects), mentions("\"Courier_Prod-auth\" is not a DNS-1123"));
    }

    @Test
    void missingResourcesFail() {
        List<K8sObject> objects = renderUnchecked(Map.of("stats.resources.limits.memory", "null"));
        assertThat(ChartRules.containersHaveResources(objects), mentions("container stats has no resources.limits.memory"));
        schemaRefuses(Map.of("stats.resources.limits.memory", "null"), "/stats/resources/limits");
    }

    @Test
    void writableRootFilesystemFails() {
        List<K8sObject> objects = renderUnchecked(Map.of("containerSecurityContext.readOnlyRootFilesystem", "false"));
        assertThat(ChartRules.containersAreLockedDown(objects), mentions("container auth has a writable root filesystem"));
        schemaRefuses(Map.of("containerSecurityContext.readOnlyRootFilesystem", "false"), "/containerSecurityContext/readOnlyRootFilesystem");
    }

    @Test
    void privilegeEscalationFails() {
        List<K8sObject> objects = renderUnchecked(Map.of("containerSecurityContext.allowPrivilegeEscalation", "true"));
        assertThat(ChartRules.containersAreLockedDown(objects), mentions("allows privilege escalation"));
    }

    @Test
    void keepingCapabilitiesFails() {
        List<K8sObject> objects = renderUnchecked(Map.of("containerSecurityContext.capabilities.drop", "null"));
        assertThat(ChartRules.containersAreLockedDown(objects), mentions("does not drop ALL capabilities"));
    }

    @Test
    void runningAsRootFails() {
        List<K8sObject> objects = renderUnchecked(Map.of("podSecurityContext.runAsNonRoot", "false",
                "containerSecurityContext.runAsNonRoot", "false"));
        assertThat(ChartRules.containersAreLockedDown(objects), mentions("may run as root"));
        schemaRefuses(Map.of("podSecurityContext.runAsNonRoot", "false"), "/podSecurityContext/runAsNonRoot");
    }

    @Test
    void latestImageTagIsRefusedByTheChartAndByTheRule() {
        Exception e = assertThrows(Exception.class, () -> renderUnchecked(Map.of("image.tag", "latest")));
        assertThat(e.getMessage(), containsString("\"latest\" is not allowed"));
        Exception third = assertThrows(Exception.class, () -> renderUnchecked(Map.of("redis.image.tag", "latest")));
        assertThat(third.getMessage(), containsString("redis.image.tag: pin a version"));
        schemaRefuses(Map.of("auth.image.tag", "latest"), "/auth/image/tag");

        List<K8sObject> objects = Charts.render(Map.of());
        firstContainer(find(objects, "Deployment", "courier-auth")).put("image", "courier-auth:latest");
        firstContainer(find(objects, "StatefulSet", "courier-redis")).put("image", "docker.io/library/redis");
        List<String> violations = ChartRules.imagesArePinned(objects);
        assertThat(violations, mentions("image \"courier-auth:latest\" is not pinned"));
        assertThat(violations, mentions("image \"docker.io/library/redis\" is not pinned"));
    }

    @Test
    void missingProbeFails() {
        List<K8sObject> objects = Charts.render(Map.of());
        firstContainer(find(objects, "Deployment", "courier-messenger")).remove("readinessProbe");
        firstContainer(find(objects, "StatefulSet", "courier-kafka")).remove("startupProbe");
        List<String> violations = ChartRules.containersAreProbed(objects);
        assertThat(violations, mentions("container messenger has no readinessProbe"));
        assertThat(violations, mentions("container kafka has no startupProbe"));
    }

    @Test
    void selectorThatMissesItsPodsFails() {
        List<K8sObject> objects = renderUnchecked(Map.of());
        Function<K8sObject, Map<String, Object>> labels = o -> Manifests.map(Manifests.at(o.body(), "spec", "template", "metadata", "labels"));
        labels.apply(find(objects, "Deployment", "courier-stats")).put("app.kubernetes.io/component", "statistics");
        List<String> violations = ChartRules.selectorsMatchPods(objects);
        assertThat(violations, mentions("Deployment/courier-stats"));
        assertThat(violations, mentions("Service/courier-stats"));
        assertThat(violations, mentions("PodDisruptionBudget/courier-stats"));
        assertThat(violations, mentions("NetworkPolicy/courier-stats"));
    }

    @Test
    void serviceTargetingAPortThePodsDoNotHaveFails() {
        List<K8sObject> objects = Charts.render(Map.of());
        Manifests.map(Manifests.list(firstContainer(find(objects, "Deployment", "courier-auth")).get("ports")).get(1)).put("name", "grpc-api");
        assertThat(ChartRules.selectorsMatchPods(objects), mentions("targetPort grpc is not a container port"));
    }

    @Test
    void schemaValidationRejectsWrongTypesUnknownAndMissingFields() {
        List<K8sObject> objects = renderUnchecked(Map.of("auth.autoscaling.enabled", "false", "auth.replicaCount", "two"));
        assertThat(KubernetesSchema.validate(objects), mentions("Deployment/courier-auth"));

        List<K8sObject> extra = Charts.render(Map.of("auth.extraEnv[0].name", "X", "auth.extraEnv[0].valu", "typo"));
        assertThat(KubernetesSchema.validate(extra), mentions("valu"));

        List<K8sObject> missing = Charts.render(Map.of());
        Manifests.map(Manifests.at(find(missing, "Deployment", "courier-notifier").body(), "spec")).remove("selector");
        assertThat(KubernetesSchema.validate(missing), mentions("selector"));

        List<K8sObject> numberForString = Charts.render(Map.of());
        Manifests.map(find(numberForString, "ConfigMap", "courier-auth").body().get("data")).put("SERVER_PORT", 8081);
        assertThat(KubernetesSchema.validate(numberForString), mentions("ConfigMap/courier-auth"));
    }

    private static final Map<String, String> TLS = Map.of("tls.internal.enabled", "true");

    private static Map<String, String> tlsAnd(String key, String value) {
        return Map.of("tls.internal.enabled", "true", key, value);
    }

    @Test
    void internalTlsGivesEveryServiceTheMountedFilesHttpsUrlsAndHttpsProbes() {
        List<K8sObject> objects = Charts.render(TLS);
        assertThat(ChartRules.internalTlsIsWired(objects), is(empty()));
        for (String service : List.of("auth", "messenger", "stats", "notifier")) {
            Map<String, String> env = Manifests.stringMap(find(objects, "ConfigMap", "courier-" + service).body().get("data"));
            assertThat(env.get("COURIER_TLS_CA"), is("/etc/courier/tls/ca.crt"));
            assertThat(env.get("COURIER_TLS_CERT"), is("/etc/courier/tls/tls.crt"));
            assertThat(env.get("COURIER_TLS_KEY"), is("/etc/courier/tls/tls.key"));
            if (!service.equals("auth")) {
                assertThat(env.get("COURIER_AUTH_JWKS"), is("https://courier-auth.courier.svc:8081/.well-known/jwks.json"));
                assertThat(env.get("COURIER_AUTH_GRPC"), is("https://courier-auth:9081"));
            }
            List<Object> mounts = Manifests.list(firstContainer(find(objects, "Deployment", "courier-" + service)).get("volumeMounts"));
            assertThat(mounts.stream().map(m -> Manifests.map(m).get("mountPath")).toList(), hasItem("/etc/courier/tls"));
        }
        Map<String, String> plain = Manifests.stringMap(find(Charts.render(Map.of()), "ConfigMap", "courier-messenger").body().get("data"));
        assertThat(plain.get("COURIER_AUTH_GRPC"), is("courier-auth:9081"));
        assertThat(plain.containsKey("COURIER_TLS_CA"), is(false));
    }

    @Test
    void anInternalUrlThatIsNotHttpsUnderInternalTlsFails() {
        List<K8sObject> objects = Charts.render(tlsAnd("messenger.config.courier\\.auth\\.jwks", "http://courier-auth.courier.svc:8081/.well-known/jwks.json"));
        assertThat(ChartRules.internalTlsIsWired(objects), mentions("container messenger: internal TLS is on but COURIER_AUTH_JWKS"));
        List<K8sObject> grpc = Charts.render(tlsAnd("notifier.config.courier\\.auth\\.grpc", "courier-auth:9081"));
        assertThat(ChartRules.internalTlsIsWired(grpc), mentions("COURIER_AUTH_GRPC=courier-auth:9081 is not https://"));
    }

    @Test
    void anUnsetOrUnmountedTlsFileFails() {
        List<K8sObject> unset = Charts.render(tlsAnd("stats.config.courier\\.tls\\.ca", ""));
        assertThat(ChartRules.internalTlsIsWired(unset), mentions("container stats: internal TLS is on but COURIER_TLS_CA is not set"));
        List<K8sObject> elsewhere = Charts.render(tlsAnd("notifier.config.courier\\.tls\\.ca", "/tmp/ca.crt"));
        assertThat(ChartRules.internalTlsIsWired(elsewhere), mentions("COURIER_TLS_CA=/tmp/ca.crt is not in a mounted Secret"));

        List<K8sObject> objects = Charts.render(TLS);
        firstContainer(find(objects, "Deployment", "courier-messenger")).remove("volumeMounts");
        assertThat(ChartRules.internalTlsIsWired(objects), mentions("container messenger: COURIER_TLS_KEY=/etc/courier/tls/tls.key is not in a mounted Secret"));
    }

    @Test
    void tlsOnForSomeServicesOnlyFails() {
        List<K8sObject> objects = Charts.render(Map.of("auth.config.courier\\.tls\\.cert", "/etc/courier/tls/tls.crt"));
        List<String> violations = ChartRules.internalTlsIsWired(objects);
        assertThat(violations, mentions("internal TLS is on for [courier-auth] but off for [courier-messenger, courier-notifier, courier-stats, courier-web]"));
        assertThat(violations, mentions("container auth: internal TLS is on but COURIER_TLS_CA is not set"));
        List<K8sObject> https = Charts.render(Map.of("stats.config.courier\\.auth\\.jwks", "https://courier-auth.courier.svc:8081/.well-known/jwks.json"));
        assertThat(ChartRules.internalTlsIsWired(https), mentions("container stats: internal TLS is off but COURIER_AUTH_JWKS"));
    }

    @Test
    void aPlainHttpProbeUnderInternalTlsFails() {
        List<K8sObject> objects = Charts.render(TLS);
        Map<String, Object> probe = Manifests.map(Manifests.at(firstContainer(find(objects, "Deployment", "courier-auth")), "readinessProbe", "httpGet"));
        probe.put("port", "http");
        probe.put("scheme", "HTTP");
        assertThat(ChartRules.internalTlsIsWired(objects), mentions("container auth: internal TLS is on but readinessProbe uses scheme HTTP"));
    }

    @Test
    void theUnbrokenChartHasNoViolations() {
        assertThat(ChartRules.all(Charts.render(Map.of())), is(empty()));
        assertThat(ChartRules.all(Charts.render(TLS)), is(empty()));
        assertThat(KubernetesSchema.validate(Charts.render(Map.of())), not(mentions("no Kubernetes model")));
    }
}
