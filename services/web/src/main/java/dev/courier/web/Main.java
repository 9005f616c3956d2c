package dev.courier.web;

import java.util.Map;

import io.helidon.logging.common.LogConfig;

import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;

/** Starts the web app's server. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Servers.main(Configs.load(Main.class, Map.of()), WebApp::create);
    }
}
