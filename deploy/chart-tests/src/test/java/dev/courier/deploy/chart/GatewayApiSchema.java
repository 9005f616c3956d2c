package dev.courier.deploy.chart;

import static dev.courier.deploy.chart.Manifests.at;
import static dev.courier.deploy.chart.Manifests.list;
import static dev.courier.deploy.chart.Manifests.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * The parts of gateway.networking.k8s.io/v1 HTTPRoute and GRPCRoute that Courier uses, checked by hand against
 * the CRD's schema (v1.2 standard channel): the CRDs are not in the Kubernetes models. Unknown
 * fields, the CRD's size limits, path types and duration syntax fail as the API server would.
 */
final class GatewayApiSchema {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> SPEC = Set.of("parentRefs", "hostnames", "rules");
    private static final Set<String> PARENT = Set.of("group", "kind", "namespace", "name", "sectionName", "port");
    private static final Set<String> RULE = Set.of("name", "matches", "filters", "backendRefs", "timeouts", "retry", "sessionPersistence");
    private static final Set<String> MATCH = Set.of("path", "headers", "queryParams", "method");
    private static final Set<String> PATH = Set.of("type", "value");
    private static final Set<String> BACKEND = Set.of("group", "kind", "name", "namespace", "port", "weight", "filters");
    private static final Set<String> TIMEOUTS = Set.of("request", "backendRequest");
    private static final Set<String> PATH_TYPES = Set.of("Exact", "PathPrefix", "RegularExpression");
    private static final Set<String> GRPC_RULE = Set.of("name", "matches", "filters", "backendRefs", "sessionPersistence");
    private static final Set<String> GRPC_MATCH = Set.of("method", "headers");
    private static final Set<String> GRPC_METHOD = Set.of("type", "service", "method");
    /** GRPCRoute's service name (a fully qualified protobuf service) for an Exact match. */
    private static final Pattern GRPC_SERVICE = Pattern.compile("^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$");
    /** Gateway API's Duration: GEP-2257. */
    private static final Pattern DURATION = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");

    private GatewayApiSchema() {
    }

    static List<String> validate(K8sObject o) {
        List<String> errors = new ArrayList<>();
        boolean grpc = "GRPCRoute".equals(o.kind());
        if (!"gateway.networking.k8s.io/v1".equals(o.apiVersion()) || !(grpc || "HTTPRoute".equals(o.kind()))) {
            errors.add("only gateway.networking.k8s.io/v1 HTTPRoute and GRPCRoute are checked, not " + o.apiVersion() + "/" + o.kind());
            return errors;
        }
        unknown(o.body(), TOP, "", errors);
        Map<String, Object> spec = map(o.body().get("spec"));
        unknown(spec, SPEC, "spec.", errors);
        List<Object> parents = list(spec.get("parentRefs"));
        if (parents.isEmpty() || parents.size() > 32) {
            errors.add("spec.parentRefs: 1 to 32 items");
        }
        for (Object p : parents) {
            unknown(map(p), PARENT, "spec.parentRefs[].", errors);
            if (!(map(p).get("name") instanceof String)) {
                errors.add("spec.parentRefs[].name is required (string)");
            }
        }
        if (list(spec.get("hostnames")).size() > 16) {
            errors.add("spec.hostnames: at most 16");
        }
        List<Object> rules = list(spec.get("rules"));
        if (rules.isEmpty() || rules.size() > 16) {
            errors.add("spec.rules: 1 to 16 items, got " + rules.size());
        }
        for (Object r : rules) {
            Map<String, Object> rule = map(r);
            unknown(rule, grpc ? GRPC_RULE : RULE, "spec.rules[].", errors);
            List<Object> matches = list(rule.get("matches"));
            if (matches.size() > (grpc ? 8 : 64)) {
                errors.add("spec.rules[].matches: at most " + (grpc ? 8 : 64));
            }
            for (Object m : grpc ? List.of() : matches) {
                unknown(map(m), MATCH, "spec.rules[].matches[].", errors);
                Map<String, Object> path = map(map(m).get("path"));
                unknown(path, PATH, "spec.rules[].matches[].path.", errors);
                if (!PATH_TYPES.contains(path.get("type"))) {
                    errors.add("spec.rules[].matches[].path.type must be one of " + PATH_TYPES + ", got " + path.get("type"));
                }
                if (!(path.get("value") instanceof String v) || !v.startsWith("/")) {
                    errors.add("spec.rules[].matches[].path.value must be a string starting with /");
                }
            }
            if (grpc) {
                grpcMatches(matches, errors);
            }
            for (Object b : list(rule.get("backendRefs"))) {
                unknown(map(b), BACKEND, "spec.rules[].backendRefs[].", errors);
                if (!(map(b).get("name") instanceof String)) {
                    errors.add("spec.rules[].backendRefs[].name is required (string)");
                }
                // A Service backend needs its port, as an integer.
                if (!(map(b).get("port") instanceof Integer port) || port < 1 || port > 65535) {
                    errors.add("spec.rules[].backendRefs[].port must be an integer port, got " + map(b).get("port"));
                }
            }
            Map<String, Object> timeouts = map(rule.get("timeouts"));
            unknown(timeouts, TIMEOUTS, "spec.rules[].timeouts.", errors);
            for (Object t : timeouts.values()) {
                if (!(t instanceof String s) || !DURATION.matcher(s).matches()) {
                    errors.add("spec.rules[].timeouts: not a Gateway API duration: " + t);
                }
            }
        }
        if (!(at(o.body(), "metadata", "name") instanceof String)) {
            errors.add("metadata.name is required");
        }
        return errors;
    }

    /** A method match: Exact (the default) needs a service or a method, each a valid protobuf name. */
    private static void grpcMatches(List<Object> matches, List<String> errors) {
        for (Object m : matches) {
            unknown(map(m), GRPC_MATCH, "spec.rules[].matches[].", errors);
            Map<String, Object> method = map(map(m).get("method"));
            unknown(method, GRPC_METHOD, "spec.rules[].matches[].method.", errors);
            Object type = method.getOrDefault("type", "Exact");
            if (!Set.of("Exact", "RegularExpression").contains(type)) {
                errors.add("spec.rules[].matches[].method.type must be Exact or RegularExpression, got " + type);
            }
            if (!method.containsKey("service") && !method.containsKey("method")) {
                errors.add("spec.rules[].matches[].method: one of service and method is required");
            }
            if ("Exact".equals(type) && method.get("service") != null
                    && !(method.get("service") instanceof String s && s.length() <= 1024 && GRPC_SERVICE.matcher(s).matches())) {
                errors.add("spec.rules[].matches[].method.service is not a protobuf service name: " + method.get("service"));
            }
        }
    }

    private static void unknown(Map<String, Object> m, Set<String> known, String where, List<String> errors) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                errors.add("unknown field " + where + k);
            }
        }
    }
}
