package dev.courier.deploy.chart;

import static dev.courier.deploy.chart.Manifests.at;
import static dev.courier.deploy.chart.Manifests.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * The parts of cert-manager.io/v1 (Certificate, Issuer, ClusterIssuer) that Courier uses, checked
 * by hand: the CRDs are not in the Kubernetes models. Unknown fields fail like in the API.
 */
final class CertManagerSchema {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> CERTIFICATE = Set.of("secretName", "commonName", "dnsNames", "duration",
            "renewBefore", "privateKey", "usages", "issuerRef", "isCA", "subject", "ipAddresses", "secretTemplate");
    private static final Set<String> PRIVATE_KEY = Set.of("algorithm", "size", "encoding", "rotationPolicy");
    private static final Set<String> ISSUER_REF = Set.of("name", "kind", "group");
    private static final Set<String> ISSUER = Set.of("selfSigned", "ca", "acme");

    private CertManagerSchema() {
    }

    static List<String> validate(K8sObject o) {
        List<String> errors = new ArrayList<>();
        if (!"cert-manager.io/v1".equals(o.apiVersion())) {
            errors.add("apiVersion must be cert-manager.io/v1");
        }
        unknown(o.body(), TOP, "", errors);
        if (!(at(o.body(), "metadata", "name") instanceof String)) {
            errors.add("metadata.name is required");
        }
        Map<String, Object> spec = map(o.body().get("spec"));
        switch (o.kind()) {
            case "Certificate" -> {
                unknown(spec, CERTIFICATE, "spec.", errors);
                unknown(map(spec.get("privateKey")), PRIVATE_KEY, "spec.privateKey.", errors);
                unknown(map(spec.get("issuerRef")), ISSUER_REF, "spec.issuerRef.", errors);
                if (!(spec.get("secretName") instanceof String)) {
                    errors.add("spec.secretName is required (string)");
                }
                if (!(at(spec, "issuerRef", "name") instanceof String)) {
                    errors.add("spec.issuerRef.name is required (string)");
                }
                if (spec.containsKey("dnsNames") && !(spec.get("dnsNames") instanceof List<?>)) {
                    errors.add("spec.dnsNames must be a list");
                }
                if (spec.containsKey("isCA") && !(spec.get("isCA") instanceof Boolean)) {
                    errors.add("spec.isCA must be a boolean");
                }
            }
            case "Issuer", "ClusterIssuer" -> {
                unknown(spec, ISSUER, "spec.", errors);
                if (spec.size() != 1) {
                    errors.add("spec must name exactly one issuer type");
                }
                if (spec.containsKey("ca") && !(at(spec, "ca", "secretName") instanceof String)) {
                    errors.add("spec.ca.secretName is required (string)");
                }
            }
            default -> errors.add("unknown cert-manager kind " + o.kind());
        }
        return errors;
    }

    private static void unknown(Map<String, Object> m, Set<String> known, String prefix, List<String> errors) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                errors.add("unknown field " + prefix + k);
            }
        }
    }
}
