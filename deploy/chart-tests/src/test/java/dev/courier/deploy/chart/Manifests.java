package dev.courier.deploy.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Kubernetes objects parsed from multi-document YAML, kept as plain maps so every rule can read any kind. */
final class Manifests {

    private Manifests() {
    }

    /** One object and where it came from (the template or file), for messages that point at the culprit. */
    record K8sObject(String source, Map<String, Object> body) {
        String kind() {
            return (String) body.get("kind");
        }

        String apiVersion() {
            return (String) body.get("apiVersion");
        }

        String name() {
            Object meta = body.get("metadata");
            return meta instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "?";
        }

        @Override
        public String toString() {
            return kind() + "/" + name() + " (" + source + ")";
        }
    }

    static List<K8sObject> parse(String yaml, String defaultSource) {
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<K8sObject> out = new ArrayList<>();
        String source = defaultSource;
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            for (String line : doc.lines().toList()) {
                if (line.startsWith("# Source: ")) {
                    source = line.substring("# Source: ".length()).trim();
                }
            }
            Object parsed = parser.load(doc);
            if (parsed == null) {
                continue;
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(source + ": a document is not a mapping");
            }
            out.add(new K8sObject(source, cast(map)));
        }
        return out;
    }

    static List<K8sObject> parseFile(Path file) {
        try {
            return parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : cast(o);
    }

    /** Follows a path of map keys; null when any step is missing. */
    static Object at(Object root, String... path) {
        Object cur = root;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return cur;
    }

    static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        map(o).forEach((k, v) -> out.put(k, Objects.toString(v)));
        return out;
    }
}
