package dev.courier.deploy.chart;

import static dev.courier.deploy.chart.Manifests.list;
import static dev.courier.deploy.chart.Manifests.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * monitoring.coreos.com/v1 PrometheusRule as the Prometheus Operator's CRD accepts it: groups with
 * a name and rules, each rule an alert or a record with a string expression, a duration in
 * {@code for}, and string labels and annotations. Unknown fields fail.
 */
final class PrometheusRuleSchema {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> GROUP = Set.of("name", "interval", "rules", "limit", "partial_response_strategy");
    private static final Set<String> RULE = Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations");
    private static final Pattern DURATION = Pattern.compile("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");

    private PrometheusRuleSchema() {
    }

    static List<String> validate(K8sObject o) {
        List<String> errors = new ArrayList<>();
        if (!"monitoring.coreos.com/v1".equals(o.apiVersion()) || !"PrometheusRule".equals(o.kind())) {
            errors.add("only monitoring.coreos.com/v1 PrometheusRule is checked");
            return errors;
        }
        unknown(o.body(), TOP, "", errors);
        unknown(map(o.body().get("spec")), Set.of("groups"), "spec.", errors);
        for (Object g : list(map(o.body().get("spec")).get("groups"))) {
            Map<String, Object> group = map(g);
            unknown(group, GROUP, "spec.groups[].", errors);
            if (!(group.get("name") instanceof String)) {
                errors.add("spec.groups[].name is required (string)");
            }
            for (Object r : list(group.get("rules"))) {
                Map<String, Object> rule = map(r);
                unknown(rule, RULE, "spec.groups[].rules[].", errors);
                if (rule.containsKey("alert") == rule.containsKey("record")) {
                    errors.add("a rule is an alert or a record: " + rule);
                }
                if (!(rule.get("expr") instanceof String)) {
                    errors.add("spec.groups[].rules[].expr is required (string): " + rule);
                }
                if (rule.containsKey("for") && !(rule.get("for") instanceof String f && DURATION.matcher(f).matches())) {
                    errors.add("spec.groups[].rules[].for is not a duration: " + rule.get("for"));
                }
                for (String m : List.of("labels", "annotations")) {
                    map(rule.get(m)).forEach((k, v) -> {
                        if (!(v instanceof String)) {
                            errors.add("spec.groups[].rules[]." + m + "." + k + " must be a string");
                        }
                    });
                }
            }
        }
        return errors;
    }

    private static void unknown(Map<String, Object> m, Set<String> known, String where, List<String> errors) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                errors.add("unknown field " + where + k);
            }
        }
    }
}
