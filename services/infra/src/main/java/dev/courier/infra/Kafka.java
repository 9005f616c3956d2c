package dev.courier.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Apache Kafka in KRaft mode (one combined broker and controller) in a child JVM, from the jars of
 * {@code org.apache.kafka:kafka_2.13} in the local Maven repository.
 */
final class Kafka {

    private final Path dir;

    Kafka(Path dir) {
        this.dir = dir;
    }

    Path pidFile() {
        return dir.resolve("kafka.pid");
    }

    boolean running(int port) {
        return Proc.alive(pidFile()).isPresent() && Proc.listening(port);
    }

    void start(int port, int controllerPort) {
        try {
            Files.createDirectories(dir.resolve("data"));
            Path props = dir.resolve("server.properties");
            Files.writeString(props, properties(port, controllerPort));
            String classpath = Children.classpath();
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                Proc.run(Duration.ofSeconds(120), List.of(Children.java(), "-cp", classpath, "kafka.tools.StorageTool",
                        "format", "-t", clusterId(), "-c", props.toString()));
            }
            Path log = dir.resolve("kafka.log");
            Process p = Proc.spawn(List.of(Children.java(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dlog4j2.configurationFile=" + log4j(), "-cp", classpath, "kafka.Kafka", props.toString()), log);
            Proc.writePid(pidFile(), p.pid());
            Proc.awaitListening("Kafka", port, Duration.ofSeconds(90), Optional.of(p.toHandle()), log);
        } catch (IOException e) {
            throw new InfraException("Cannot prepare Kafka in " + dir + ": " + e.getMessage());
        }
    }

    void stop() {
        Proc.alive(pidFile()).ifPresent(p -> Proc.terminate(p, Duration.ofSeconds(30)));
    }

    void kill() {
        Proc.alive(pidFile()).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    static String clusterId() {
        // Any 16 bytes, base64url without padding, as StorageTool random-uuid prints. One in 64 of
        // those starts with '-', which the tool's argument parser takes for an option: draw again.
        while (true) {
            UUID u = UUID.randomUUID();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    private Path log4j() throws IOException {
        Path f = dir.resolve("log4j2.properties");
        try (InputStream in = Kafka.class.getResourceAsStream("kafka-log4j2.properties")) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    private String properties(int port, int controllerPort) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                num.partitions=6
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=6
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=false
                log.retention.hours=168
                """.formatted(port, controllerPort, dir.resolve("data"));
    }
}
