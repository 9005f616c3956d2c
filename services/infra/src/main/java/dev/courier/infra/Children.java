package dev.courier.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Java runtime and classpath for the Kafka and GreenMail child processes. */
final class Children {

    private Children() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Written at build time by maven-dependency-plugin:build-classpath; every jar must still exist. */
    static String classpath() {
        try (InputStream in = Children.class.getResourceAsStream("children.classpath")) {
            if (in == null) {
                throw new InfraException("children.classpath is missing: build the project with ./courier build first.");
            }
            String cp = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            for (String jar : cp.split(java.io.File.pathSeparator)) {
                if (!Files.exists(Path.of(jar))) {
                    throw new InfraException("Missing " + jar + ": rebuild with ./courier build so Maven downloads it again.");
                }
            }
            return cp;
        } catch (IOException e) {
            throw new InfraException("Cannot read children.classpath: " + e.getMessage());
        }
    }
}
