package dev.courier.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * GreenMail standalone as the SMTP sink: accepts any sender and recipient, keeps every mail in
 * memory, and serves them over its REST API ({@code GET /api/user/<email>/messages/INBOX}).
 */
final class Smtp {

    private final Path dir;

    Smtp(Path dir) {
        this.dir = dir;
    }

    Path pidFile() {
        return dir.resolve("greenmail.pid");
    }

    boolean running(int smtpPort, int apiPort) {
        return Proc.alive(pidFile()).isPresent() && Proc.listening(smtpPort) && Proc.listening(apiPort);
    }

    void start(int smtpPort, int apiPort) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfraException("Cannot create " + dir + ": " + e.getMessage());
        }
        Path log = dir.resolve("greenmail.log");
        Process p = Proc.spawn(List.of(Children.java(), "-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dgreenmail.hostname=127.0.0.1",
                "-Dgreenmail.smtp.hostname=127.0.0.1", "-Dgreenmail.smtp.port=" + smtpPort,
                "-Dgreenmail.api.hostname=127.0.0.1", "-Dgreenmail.api.port=" + apiPort,
                "-Dgreenmail.auth.disabled", "-Dgreenmail.verbose=false",
                "-cp", Children.classpath(), "com.icegreen.greenmail.standalone.GreenMailStandaloneRunner"), log);
        Proc.writePid(pidFile(), p.pid());
        Proc.awaitListening("GreenMail SMTP", smtpPort, Duration.ofSeconds(60), Optional.of(p.toHandle()), log);
        Proc.awaitListening("GreenMail API", apiPort, Duration.ofSeconds(60), Optional.of(p.toHandle()), log);
    }

    void stop() {
        Proc.alive(pidFile()).ifPresent(p -> Proc.terminate(p, Duration.ofSeconds(10)));
    }
}
