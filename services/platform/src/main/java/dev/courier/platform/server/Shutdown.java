package dev.courier.platform.server;

import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;

/**
 * A service that has begun to stop: its readiness is DOWN, and every response it still sends
 * carries {@code Connection: close}, so keep-alive clients open their next request elsewhere instead
 * of writing it into a connection the server is about to close.
 */
final class Shutdown {

    private final AtomicBoolean stopping = new AtomicBoolean();

    void begin() {
        stopping.set(true);
    }

    Filter filter() {
        return (chain, req, res) -> {
            if (stopping.get()) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            chain.proceed();
        };
    }

    HealthCheck readiness() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "shutdown";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(!stopping.get())
                        .detail("state", stopping.get() ? "stopping" : "serving").build();
            }
        };
    }
}
