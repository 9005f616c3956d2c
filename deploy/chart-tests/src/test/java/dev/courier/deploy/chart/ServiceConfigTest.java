package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * The chart configures the services with the keys of their own application.yaml, so a renamed or
 * removed key fails here instead of being silently ignored in a cluster.
 */
class ServiceConfigTest {

    private static final Path SERVICES = Charts.CHART.resolve("../../services").normalize();

    /**
     * Keys the chart may set beyond a service's application.yaml: the cross-service contract the
     * devstack also sets (DESIGN/brief), Helidon's own server.tls keys, SMTP login, and the internal
     * TLS files platform's InternalTls reads in every service (courier.tls.ca/cert/key).
     */
    private static final Set<String> CONTRACT = Set.of("courier.auth.jwks", "courier.auth.url", "courier.auth.grpc",
            "courier.smtp.user", "courier.smtp.password", "courier.smtp.starttls",
            "courier.tls.ca", "courier.tls.cert", "courier.tls.key");

    private static Set<String> applicationKeys(String service) throws IOException {
        Path yaml = SERVICES.resolve(service).resolve("src/main/resources/application.yaml");
        Map<String, Object> root = Manifests.cast(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(yaml)));
        Set<String> keys = new HashSet<>();
        flatten("", root, keys);
        return keys;
    }

    private static void flatten(String prefix, Map<String, Object> map, Set<String> out) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, Manifests.cast(m), out);
            } else {
                out.add(key);
            }
        });
    }

    /** Env name -> key, the way Helidon maps environment variables ("_" is ".", "_dash_" is "-"). */
    private static String key(String env) {
        return env.replace("_dash_", "-").replace('_', '.').toLowerCase();
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "messenger", "stats", "notifier"})
    void configMapSetsOnlyKeysTheServiceKnows(String service) throws IOException {
        Set<String> known = applicationKeys(service);
        for (Map<String, String> set : List.of(Map.<String, String>of(), Map.of("tls.internal.enabled", "true", "smtp.user", "u"))) {
            List<K8sObject> objects = Charts.render(set);
            K8sObject cm = objects.stream().filter(o -> o.kind().equals("ConfigMap") && o.name().equals("courier-" + service))
                    .findFirst().orElseThrow();
            List<String> unknown = new ArrayList<>();
            for (String env : Manifests.stringMap(cm.body().get("data")).keySet()) {
                String k = key(env);
                if (!known.contains(k) && !CONTRACT.contains(k) && !k.startsWith("server.tls.")) {
                    unknown.add(env + " (" + k + ")");
                }
            }
            assertThat(service + " application.yaml lacks these keys", unknown, is(empty()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "messenger", "stats", "notifier"})
    void servicesReachTheirOwnDatabaseAsTheirOwnUser(String service) {
        K8sObject cm = Charts.render(Map.of()).stream()
                .filter(o -> o.kind().equals("ConfigMap") && o.name().equals("courier-" + service)).findFirst().orElseThrow();
        Map<String, String> data = Manifests.stringMap(cm.body().get("data"));
        assertThat(data, hasEntry("COURIER_DB_URL", "jdbc:postgresql://courier-postgresql:5432/" + service));
        assertThat(data, hasEntry("COURIER_DB_USER", service));
        assertThat(data, hasEntry("COURIER_KAFKA_BOOTSTRAP", "courier-kafka:9092"));
    }

    /** The notifier checks mutes against memberships by asking messenger: it knows where, and may reach it. */
    @org.junit.jupiter.api.Test
    void theNotifierReachesMessengerForMembershipChecks() {
        List<K8sObject> objects = Charts.render(Map.of());
        Map<String, String> data = Manifests.stringMap(objects.stream()
                .filter(o -> o.kind().equals("ConfigMap") && o.name().equals("courier-notifier")).findFirst().orElseThrow().body().get("data"));
        assertThat(data, hasEntry("COURIER_MESSENGER_URL", "http://courier-messenger.courier.svc:8082"));
        K8sObject messengerPolicy = objects.stream().filter(o -> o.kind().equals("NetworkPolicy") && o.name().equals("courier-messenger"))
                .findFirst().orElseThrow();
        K8sObject notifierPolicy = objects.stream().filter(o -> o.kind().equals("NetworkPolicy") && o.name().equals("courier-notifier"))
                .findFirst().orElseThrow();
        assertThat(String.valueOf(Manifests.at(messengerPolicy.body(), "spec", "ingress")).contains("component=notifier"), is(true));
        assertThat(String.valueOf(Manifests.at(notifierPolicy.body(), "spec", "egress")).contains("component=messenger"), is(true));
    }
}
