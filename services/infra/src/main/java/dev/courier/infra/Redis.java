package dev.courier.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Debian's redis-server, daemonized, with an append-only file when data should survive restarts. */
final class Redis {

    static final String INSTALL_HINT = "redis-server not found: install it with `apt-get install redis-server` (or set COURIER_REDIS_URL).";

    private final Path dir;
    private final boolean durable;

    Redis(Path dir, boolean durable) {
        this.dir = dir;
        this.durable = durable;
    }

    Path pidFile() {
        return dir.resolve("redis.pid");
    }

    boolean running(int port) {
        return Proc.alive(pidFile()).isPresent() && Proc.listening(port);
    }

    void start(int port) {
        Path bin = Proc.which("redis-server", List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin")))
                .orElseThrow(() -> new InfraException(INSTALL_HINT));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfraException("Cannot create " + dir + ": " + e.getMessage());
        }
        Path log = dir.resolve("redis.log");
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--daemonize", "yes", "--pidfile", pidFile().toString(), "--logfile", log.toString(),
                "--save", "", "--appendonly", durable ? "yes" : "no"));
        Proc.run(Duration.ofSeconds(20), cmd);
        Proc.awaitListening("Redis", port, Duration.ofSeconds(20), Optional.empty(), log);
    }

    void stop() {
        Proc.alive(pidFile()).ifPresent(p -> Proc.terminate(p, Duration.ofSeconds(20)));
    }
}
