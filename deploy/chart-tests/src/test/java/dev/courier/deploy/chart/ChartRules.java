package dev.courier.deploy.chart;

import static dev.courier.deploy.chart.Manifests.at;
import static dev.courier.deploy.chart.Manifests.list;
import static dev.courier.deploy.chart.Manifests.map;
import static dev.courier.deploy.chart.Manifests.stringMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * Courier's own rules for what it deploys, beyond the API schema: selectors that select, valid
 * names, ports in range, and containers that are probed, bounded and locked down, with pinned images;
 * and service-to-service TLS that is on everywhere or nowhere, with its files mounted.
 * Each method returns the violations it found (empty = the rule holds).
 */
final class ChartRules {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Kinds whose names become DNS labels (a Service name is a host name; pods of a StatefulSet too). */
    private static final Set<String> LABEL_NAMED = Set.of("Service", "StatefulSet", "Namespace");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

    private ChartRules() {
    }

    static List<String> all(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        v.addAll(selectorsMatchPods(objects));
        v.addAll(namesAreDns1123(objects));
        v.addAll(portsInRange(objects));
        v.addAll(containersAreProbed(objects));
        v.addAll(containersHaveResources(objects));
        v.addAll(containersAreLockedDown(objects));
        v.addAll(imagesArePinned(objects));
        v.addAll(internalTlsIsWired(objects));
        return v;
    }

    /** A pod template (Deployment/StatefulSet) or a bare Pod's spec, with its labels. */
    record PodView(K8sObject owner, Map<String, String> labels, Map<String, Object> spec, boolean oneShot) {
    }

    static List<PodView> pods(List<K8sObject> objects) {
        List<PodView> out = new ArrayList<>();
        for (K8sObject o : objects) {
            if (WORKLOADS.contains(o.kind())) {
                out.add(new PodView(o, stringMap(at(o.body(), "spec", "template", "metadata", "labels")),
                        map(at(o.body(), "spec", "template", "spec")), false));
            } else if ("Pod".equals(o.kind())) {
                // A helm test hook runs once and reports by its exit code: probes do not apply.
                Map<String, Object> annotations = map(at(o.body(), "metadata", "annotations"));
                boolean hook = annotations.containsKey("helm.sh/hook") || annotations.containsKey(Charts.HOOK_MARK);
                out.add(new PodView(o, stringMap(at(o.body(), "metadata", "labels")), map(o.body().get("spec")), hook));
            }
        }
        return out;
    }

    static List<Map<String, Object>> containers(PodView pod) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String key : List.of("initContainers", "containers")) {
            list(pod.spec().get(key)).forEach(c -> out.add(map(c)));
        }
        return out;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static List<String> selectorsMatchPods(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        List<PodView> pods = pods(objects);
        for (PodView p : pods) {
            if (WORKLOADS.contains(p.owner().kind())) {
                Map<String, String> sel = stringMap(at(p.owner().body(), "spec", "selector", "matchLabels"));
                if (!selects(sel, p.labels())) {
                    v.add(p.owner() + ": spec.selector " + sel + " does not match its pod labels " + p.labels());
                }
            }
            for (Object tsc : list(p.spec().get("topologySpreadConstraints"))) {
                Map<String, String> sel = stringMap(at(tsc, "labelSelector", "matchLabels"));
                if (!selects(sel, p.labels())) {
                    v.add(p.owner() + ": topologySpreadConstraints selector " + sel + " does not match its own pods");
                }
            }
        }
        for (K8sObject o : objects) {
            Map<String, String> sel = switch (o.kind()) {
                case "Service" -> stringMap(at(o.body(), "spec", "selector"));
                case "PodDisruptionBudget" -> stringMap(at(o.body(), "spec", "selector", "matchLabels"));
                case "NetworkPolicy" -> stringMap(at(o.body(), "spec", "podSelector", "matchLabels"));
                default -> null;
            };
            if (sel == null) {
                continue;
            }
            if (pods.stream().noneMatch(p -> selects(sel, p.labels()))) {
                v.add(o + ": selector " + sel + " matches no pod of the chart");
            }
            if ("Service".equals(o.kind())) {
                v.addAll(targetPortsExist(o, pods, sel));
            }
        }
        for (K8sObject o : objects) {
            if ("HorizontalPodAutoscaler".equals(o.kind())) {
                Object target = at(o.body(), "spec", "scaleTargetRef", "name");
                boolean found = objects.stream().anyMatch(d -> "Deployment".equals(d.kind()) && d.name().equals(target));
                if (!found) {
                    v.add(o + ": scaleTargetRef " + target + " is not a Deployment of the chart");
                }
            }
        }
        return v;
    }

    /** A Service's named targetPort must be a container port of the pods it selects. */
    private static List<String> targetPortsExist(K8sObject svc, List<PodView> pods, Map<String, String> sel) {
        List<String> v = new ArrayList<>();
        for (Object port : list(at(svc.body(), "spec", "ports"))) {
            Object target = map(port).get("targetPort");
            if (!(target instanceof String name)) {
                continue;
            }
            for (PodView p : pods) {
                if (!selects(sel, p.labels())) {
                    continue;
                }
                boolean has = containers(p).stream().flatMap(c -> list(c.get("ports")).stream())
                        .anyMatch(cp -> name.equals(map(cp).get("name")));
                if (!has) {
                    v.add(svc + ": targetPort " + name + " is not a container port of " + p.owner());
                }
            }
        }
        return v;
    }

    static List<String> namesAreDns1123(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (K8sObject o : objects) {
            String name = o.name();
            boolean label = LABEL_NAMED.contains(o.kind());
            Pattern p = label ? DNS_LABEL : DNS_SUBDOMAIN;
            int max = label ? 63 : 253;
            if (name == null || !p.matcher(name).matches() || name.length() > max) {
                v.add(o + ": name \"" + name + "\" is not a DNS-1123 " + (label ? "label" : "subdomain"));
            }
        }
        for (PodView pod : pods(objects)) {
            for (Map<String, Object> c : containers(pod)) {
                checkLabel(v, pod.owner() + " container", c.get("name"), 63);
                for (Object port : list(c.get("ports"))) {
                    Object n = map(port).get("name");
                    if (n != null && (!PORT_NAME.matcher(n.toString()).matches() || n.toString().length() > 15)) {
                        v.add(pod.owner() + ": port name \"" + n + "\" is not an IANA service name (DNS label, at most 15)");
                    }
                }
            }
            for (Object vol : list(pod.spec().get("volumes"))) {
                checkLabel(v, pod.owner() + " volume", map(vol).get("name"), 63);
            }
        }
        return v;
    }

    private static void checkLabel(List<String> v, String what, Object name, int max) {
        if (name == null || !DNS_LABEL.matcher(name.toString()).matches() || name.toString().length() > max) {
            v.add(what + " name \"" + name + "\" is not a DNS-1123 label");
        }
    }

    static List<String> portsInRange(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (PodView pod : pods(objects)) {
            for (Map<String, Object> c : containers(pod)) {
                for (Object port : list(c.get("ports"))) {
                    checkPort(v, pod.owner() + " containerPort", map(port).get("containerPort"));
                }
            }
        }
        for (K8sObject o : objects) {
            if ("Service".equals(o.kind())) {
                for (Object port : list(at(o.body(), "spec", "ports"))) {
                    checkPort(v, o + " port", map(port).get("port"));
                    Object target = map(port).get("targetPort");
                    if (target instanceof Number) {
                        checkPort(v, o + " targetPort", target);
                    }
                }
            }
            if ("NetworkPolicy".equals(o.kind())) {
                for (String dir : List.of("ingress", "egress")) {
                    for (Object rule : list(at(o.body(), "spec", dir))) {
                        for (Object port : list(map(rule).get("ports"))) {
                            Object p = map(port).get("port");
                            if (p instanceof Number) {
                                checkPort(v, o + " " + dir + " port", p);
                            }
                        }
                    }
                }
            }
        }
        return v;
    }

    private static void checkPort(List<String> v, String what, Object port) {
        if (!(port instanceof Integer p) || p < 1 || p > 65535) {
            v.add(what + " " + port + " is not in 1-65535");
        }
    }

    static List<String> containersAreProbed(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (PodView pod : pods(objects)) {
            if (pod.oneShot()) {
                continue;
            }
            for (Object c : list(pod.spec().get("containers"))) {
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    if (map(c).get(probe) == null) {
                        v.add(pod.owner() + ": container " + map(c).get("name") + " has no " + probe);
                    }
                }
            }
        }
        return v;
    }

    static List<String> containersHaveResources(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (PodView pod : pods(objects)) {
            for (Map<String, Object> c : containers(pod)) {
                for (String[] path : List.of(new String[] {"requests", "cpu"}, new String[] {"requests", "memory"},
                        new String[] {"limits", "memory"})) {
                    if (at(c.get("resources"), path) == null) {
                        v.add(pod.owner() + ": container " + c.get("name") + " has no resources." + String.join(".", path));
                    }
                }
            }
        }
        return v;
    }

    static List<String> containersAreLockedDown(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (PodView pod : pods(objects)) {
            Object podNonRoot = at(pod.spec(), "securityContext", "runAsNonRoot");
            Object podUser = at(pod.spec(), "securityContext", "runAsUser");
            if (Boolean.TRUE.equals(pod.spec().get("hostNetwork")) || Boolean.TRUE.equals(pod.spec().get("hostPID"))) {
                v.add(pod.owner() + ": uses the host's network or PID namespace");
            }
            for (Map<String, Object> c : containers(pod)) {
                String who = pod.owner() + ": container " + c.get("name");
                Map<String, Object> sc = map(c.get("securityContext"));
                Object nonRoot = sc.getOrDefault("runAsNonRoot", podNonRoot);
                Object user = sc.getOrDefault("runAsUser", podUser);
                if (!Boolean.TRUE.equals(nonRoot) || Objects.equals(user, 0)) {
                    v.add(who + " may run as root (runAsNonRoot must be true, runAsUser not 0)");
                }
                if (!Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))) {
                    v.add(who + " has a writable root filesystem");
                }
                if (!Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
                    v.add(who + " allows privilege escalation");
                }
                if (Boolean.TRUE.equals(sc.get("privileged"))) {
                    v.add(who + " is privileged");
                }
                List<Object> drop = list(at(sc, "capabilities", "drop"));
                if (!drop.contains("ALL")) {
                    v.add(who + " does not drop ALL capabilities");
                }
                if (!list(at(sc, "capabilities", "add")).isEmpty()) {
                    v.add(who + " adds capabilities");
                }
            }
        }
        return v;
    }

    static List<String> imagesArePinned(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        for (PodView pod : pods(objects)) {
            for (Map<String, Object> c : containers(pod)) {
                String image = Objects.toString(c.get("image"), "");
                if (image.contains("@sha256:")) {
                    continue;
                }
                int slash = image.lastIndexOf('/');
                int colon = image.lastIndexOf(':');
                String tag = colon > slash ? image.substring(colon + 1) : "";
                if (tag.isEmpty() || tag.equals("latest")) {
                    v.add(pod.owner() + ": container " + c.get("name") + " image \"" + image + "\" is not pinned (no tag or :latest)");
                }
            }
        }
        return v;
    }

    /** Keys that name the PEM files of internal TLS (Helidon's HTTP port, then Courier's clients and gRPC listener). */
    static final List<String> TLS_FILE_KEYS = List.of(
            "SERVER_TLS_PRIVATE_dash_KEY_PEM_KEY_RESOURCE_PATH",
            "SERVER_TLS_PRIVATE_dash_KEY_PEM_CERT_dash_CHAIN_RESOURCE_PATH",
            "SERVER_TLS_TRUST_PEM_CERTIFICATES_RESOURCE_PATH",
            "COURIER_TLS_CA", "COURIER_TLS_CERT", "COURIER_TLS_KEY");

    /**
     * A Courier service is a Deployment configured from a ConfigMap (envFrom). Internal TLS is on for
     * all of them or for none (a client and its server must agree), and where it is on: every TLS file
     * key is set to a path inside a mounted Secret, the internal URLs (JWKS, auth's HTTP and gRPC) say
     * https, and the probes use HTTPS. Where it is off, no internal URL says https.
     */
    static List<String> internalTlsIsWired(List<K8sObject> objects) {
        List<String> v = new ArrayList<>();
        Set<String> on = new TreeSet<>();
        Set<String> off = new TreeSet<>();
        for (K8sObject d : objects) {
            if (!"Deployment".equals(d.kind())) {
                continue;
            }
            Map<String, Object> spec = map(at(d.body(), "spec", "template", "spec"));
            for (Object co : list(spec.get("containers"))) {
                Map<String, Object> c = map(co);
                Map<String, String> env = configMapEnv(objects, c);
                if (env == null) {
                    continue;
                }
                String who = d + ": container " + c.get("name");
                boolean tls = env.keySet().stream().anyMatch(k -> k.startsWith("SERVER_TLS_") || k.startsWith("COURIER_TLS_"));
                (tls ? on : off).add(d.name());
                if (tls) {
                    for (String key : TLS_FILE_KEYS) {
                        String path = env.getOrDefault(key, "");
                        if (path.isBlank()) {
                            v.add(who + ": internal TLS is on but " + key + " is not set");
                        } else if (!inMountedSecret(spec, c, path)) {
                            v.add(who + ": " + key + "=" + path + " is not in a mounted Secret");
                        }
                    }
                    for (String key : List.of("COURIER_AUTH_JWKS", "COURIER_AUTH_URL", "COURIER_AUTH_GRPC")) {
                        if (env.containsKey(key) && !env.get(key).startsWith("https://")) {
                            v.add(who + ": internal TLS is on but " + key + "=" + env.get(key) + " is not https://");
                        }
                    }
                    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                        Object scheme = at(c.get(probe), "httpGet", "scheme");
                        // The management port is plain HTTP by design (never routed, probed by the kubelet).
                        if (at(c.get(probe), "httpGet") != null && !"management".equals(at(c.get(probe), "httpGet", "port"))
                                && !"HTTPS".equals(scheme)) {
                            v.add(who + ": internal TLS is on but " + probe + " uses scheme " + scheme);
                        }
                    }
                } else {
                    for (String key : List.of("COURIER_AUTH_JWKS", "COURIER_AUTH_URL", "COURIER_AUTH_GRPC")) {
                        if (env.getOrDefault(key, "").startsWith("https://")) {
                            v.add(who + ": internal TLS is off but " + key + "=" + env.get(key) + " says https://");
                        }
                    }
                }
            }
        }
        if (!on.isEmpty() && !off.isEmpty()) {
            v.add("internal TLS is on for " + on + " but off for " + off + ": clients and servers would not agree");
        }
        return v;
    }

    /** The data of the ConfigMap a container takes its environment from, or null when it has none. */
    private static Map<String, String> configMapEnv(List<K8sObject> objects, Map<String, Object> container) {
        for (Object from : list(container.get("envFrom"))) {
            Object name = at(from, "configMapRef", "name");
            if (name == null) {
                continue;
            }
            for (K8sObject o : objects) {
                if ("ConfigMap".equals(o.kind()) && name.equals(o.name())) {
                    return stringMap(o.body().get("data"));
                }
            }
        }
        return null;
    }

    private static boolean inMountedSecret(Map<String, Object> podSpec, Map<String, Object> container, String path) {
        for (Object m : list(container.get("volumeMounts"))) {
            String mountPath = String.valueOf(map(m).get("mountPath"));
            if (!path.startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/")) {
                continue;
            }
            for (Object vol : list(podSpec.get("volumes"))) {
                if (Objects.equals(map(vol).get("name"), map(m).get("name")) && map(vol).get("secret") != null) {
                    return true;
                }
            }
        }
        return false;
    }
}
