package dev.courier.deploy.chart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

import dev.courier.deploy.chart.Manifests.K8sObject;

/**
 * Validates objects against the Kubernetes API as the client-java models encode it (generated from
 * the API's OpenAPI document): unknown fields, missing required fields and wrong shapes fail in
 * validateJsonElement; the strict scalar adapters below also fail "replicas: '3'" or a number where
 * a string belongs, which the models alone would coerce. cert-manager's kinds are not part of the
 * Kubernetes API: {@link CertManagerSchema} checks them.
 */
final class KubernetesSchema {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
            Map.entry("v1/Pod", V1Pod.class),
            Map.entry("v1/Namespace", V1Namespace.class),
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class));

    private static final Gson STRICT = JSON.getGson().newBuilder()
            .registerTypeAdapter(String.class, new Strict<String>(Set.of(JsonToken.STRING)) {
                @Override
                String value(JsonReader in) throws IOException {
                    return in.nextString();
                }
            })
            .registerTypeAdapter(Integer.class, new Strict<Integer>(Set.of(JsonToken.NUMBER)) {
                @Override
                Integer value(JsonReader in) throws IOException {
                    return in.nextInt();
                }
            })
            .registerTypeAdapter(Long.class, new Strict<Long>(Set.of(JsonToken.NUMBER)) {
                @Override
                Long value(JsonReader in) throws IOException {
                    return in.nextLong();
                }
            })
            .registerTypeAdapter(Boolean.class, new Strict<Boolean>(Set.of(JsonToken.BOOLEAN)) {
                @Override
                Boolean value(JsonReader in) throws IOException {
                    return in.nextBoolean();
                }
            })
            .create();

    private KubernetesSchema() {
    }

    /** Every problem of every object, as "Kind/name (source): what". */
    static List<String> validate(List<K8sObject> objects) {
        List<String> errors = new ArrayList<>();
        for (K8sObject o : objects) {
            String type = o.apiVersion() + "/" + o.kind();
            if (type.startsWith("cert-manager.io/")) {
                CertManagerSchema.validate(o).forEach(e -> errors.add(o + ": " + e));
                continue;
            }
            if (type.startsWith("monitoring.coreos.com/")) {
                PrometheusRuleSchema.validate(o).forEach(e -> errors.add(o + ": " + e));
                continue;
            }
            if (type.startsWith("gateway.networking.k8s.io/")) {
                GatewayApiSchema.validate(o).forEach(e -> errors.add(o + ": " + e));
                continue;
            }
            Class<?> model = MODELS.get(type);
            if (model == null) {
                errors.add(o + ": no Kubernetes model for " + type + " (add it to KubernetesSchema if it is a real API kind)");
                continue;
            }
            try {
                JsonElement json = STRICT.toJsonTree(o.body());
                STRICT.fromJson(json, model);
            } catch (RuntimeException e) {
                errors.add(o + ": " + e.getMessage());
            }
        }
        return errors;
    }

    /** Reads a scalar only from the JSON token kinds the API accepts for it. */
    private abstract static class Strict<T> extends TypeAdapter<T> {
        private final Set<JsonToken> accepted;

        Strict(Set<JsonToken> accepted) {
            this.accepted = accepted;
        }

        abstract T value(JsonReader in) throws IOException;

        @Override
        public T read(JsonReader in) throws IOException {
            JsonToken token = in.peek();
            if (token == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            if (!accepted.contains(token)) {
                throw new JsonParseException("expected " + accepted + " but found " + token + " at " + in.getPath());
            }
            return value(in);
        }

        @Override
        public void write(JsonWriter out, T value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else if (value instanceof Number n) {
                out.value(n);
            } else if (value instanceof Boolean b) {
                out.value(b);
            } else {
                out.value(value.toString());
            }
        }
    }
}
