package dev.courier.platform.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Loads a service's configuration: environment variables first (so {@code COURIER_DB_URL}
 * overrides {@code courier.db.url}), then system properties, then overrides given in code (the
 * devstack's and the tests'), then the service's own {@code application.yaml}.
 */
public final class Configs {

    private Configs() {
    }

    /**
     * @param anchor    a class of the service; its {@code application.yaml} is the one beside it on
     *                  the classpath, so the devstack can run all four services in one JVM
     * @param overrides highest-priority values below the environment
     */
    public static Config load(Class<?> anchor, Map<String, String> overrides) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.environmentVariables())
                .addSource(ConfigSources.systemProperties())
                .addSource(ConfigSources.create(overrides))
                .addSource(ConfigSources.url(applicationYaml(anchor)))
                .build();
    }

    static URL applicationYaml(Class<?> anchor) {
        String home = anchor.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            Enumeration<URL> all = anchor.getClassLoader().getResources("application.yaml");
            while (all.hasMoreElements()) {
                URL url = all.nextElement();
                String s = url.toString();
                if (s.startsWith(home) || s.startsWith("jar:" + home)) {
                    return url;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("No application.yaml beside " + anchor.getName() + " (" + home + ")");
    }
}
