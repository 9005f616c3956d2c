package dev.courier.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;

/**
 * The real servers Courier needs, on loopback, with their data under one folder: PostgreSQL,
 * Redis, Kafka (KRaft) and an SMTP sink. Each is reused when it is already running, and skipped
 * when the environment names an existing one ({@code COURIER_DB_URL}, {@code COURIER_REDIS_URL},
 * {@code COURIER_KAFKA_BOOTSTRAP}, {@code COURIER_SMTP_HOST}/{@code COURIER_SMTP_PORT}).
 *
 * <p>Ports are chosen free on first start and kept in {@code ports.properties}, so a restart finds
 * its data at the same address. A file lock serializes concurrent starters (parallel test JVMs).
 */
public final class LocalStack {

    private static volatile Endpoints shared;

    private final Path home;
    private final boolean durable;
    private final Map<String, String> env;

    private LocalStack(Path home, boolean durable, Map<String, String> env) {
        this.home = home.toAbsolutePath().normalize();
        this.durable = durable;
        this.env = env;
    }

    /** The developer's stack: crash-safe PostgreSQL and Redis with an append-only file. */
    public static LocalStack dev(Path home) {
        return new LocalStack(home, true, System.getenv());
    }

    /** A throwaway stack for tests: PostgreSQL without fsync, Redis without persistence. */
    public static LocalStack test(Path home) {
        return new LocalStack(home, false, System.getenv());
    }

    /** The test stack every test JVM of one build shares ({@code -Dcourier.test.home}, else {@code .courier/test}). */
    public static LocalStack forTests() {
        return test(Path.of(System.getProperty("courier.test.home", ".courier/test")));
    }

    /** Starts (or finds) the shared test stack once per JVM. */
    public static Endpoints shared() {
        Endpoints e = shared;
        if (e == null) {
            synchronized (LocalStack.class) {
                if (shared == null) {
                    shared = forTests().start();
                }
                e = shared;
            }
        }
        return e;
    }

    public Path home() {
        return home;
    }

    /** Starts every server that is not running yet and returns where they listen. */
    public Endpoints start() {
        return locked(() -> {
            Properties ports = ports();
            String dbUrl = env.get("COURIER_DB_URL");
            String dbUser = env.getOrDefault("COURIER_DB_USER", "postgres");
            String dbPassword = env.getOrDefault("COURIER_DB_PASSWORD", "");
            if (dbUrl == null) {
                int port = startPostgres(ports);
                dbUrl = "jdbc:postgresql://127.0.0.1:" + port + "/" + Postgres.DATABASE;
            }
            String redisUrl = env.get("COURIER_REDIS_URL");
            if (redisUrl == null) {
                int port = startRedis(ports);
                redisUrl = "redis://127.0.0.1:" + port;
            }
            String kafkaBootstrap = env.get("COURIER_KAFKA_BOOTSTRAP");
            if (kafkaBootstrap == null) {
                kafkaBootstrap = "127.0.0.1:" + startKafka(ports);
            }
            String smtpHost = env.get("COURIER_SMTP_HOST");
            int smtpPort;
            String mailApi = null;
            if (smtpHost == null) {
                Smtp smtp = new Smtp(home.resolve("smtp"));
                int api = port(ports, "smtp.api", p -> Proc.alive(smtp.pidFile()).isPresent());
                smtpPort = port(ports, "smtp", p -> smtp.running(p, api));
                if (!smtp.running(smtpPort, api)) {
                    smtp.start(smtpPort, api);
                }
                smtpHost = "127.0.0.1";
                mailApi = "http://127.0.0.1:" + api;
            } else {
                smtpPort = Integer.parseInt(env.getOrDefault("COURIER_SMTP_PORT", "25"));
            }
            saveports(ports);
            return new Endpoints(dbUrl, dbUser, dbPassword, redisUrl, kafkaBootstrap, smtpHost, smtpPort, mailApi);
        });
    }

    /** Stops what this stack started; data stays for the next start. */
    public void stop() {
        locked(() -> {
            new Kafka(home.resolve("kafka")).stop();
            new Smtp(home.resolve("smtp")).stop();
            new Redis(home.resolve("redis"), durable).stop();
            new Postgres(home.resolve("postgres"), durable).stop();
            return null;
        });
    }

    /**
     * Starts (or finds) only a Kafka under this stack's home and returns its bootstrap address. For
     * tests that stop Kafka while everyone else keeps using the shared one: pair it with
     * {@link #stopKafka()} and {@link #startKafka()} on the same stack (same address after restart).
     */
    public String kafkaOnly() {
        return locked(() -> {
            Properties ports = ports();
            int port = startKafka(ports);
            saveports(ports);
            return "127.0.0.1:" + port;
        });
    }

    /** Stops only Kafka (to test that nothing is lost while it is away). */
    public void stopKafka() {
        locked(() -> {
            new Kafka(home.resolve("kafka")).stop();
            return null;
        });
    }

    /** Starts Kafka again at the same address after {@link #stopKafka()}. */
    public void startKafka() {
        locked(() -> {
            Properties ports = ports();
            startKafka(ports);
            saveports(ports);
            return null;
        });
    }

    /**
     * Starts (or finds) only a PostgreSQL under this stack's home and returns its JDBC URL. For tests
     * that stop the database while everyone else keeps using the shared one: pair it with
     * {@link #stopPostgres()} and {@link #startPostgres()} on the same stack (same address after restart).
     */
    public String postgresOnly() {
        return locked(() -> {
            Properties ports = ports();
            int port = startPostgres(ports);
            saveports(ports);
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + Postgres.DATABASE;
        });
    }

    /** Stops only PostgreSQL (a fast shutdown: open connections are cut, as in a crash of the server). */
    public void stopPostgres() {
        locked(() -> {
            new Postgres(home.resolve("postgres"), durable).stop();
            return null;
        });
    }

    /** Starts PostgreSQL again at the same address after {@link #stopPostgres()}. */
    public void startPostgres() {
        locked(() -> {
            Properties ports = ports();
            startPostgres(ports);
            saveports(ports);
            return null;
        });
    }

    /** Starts (or finds) only a Redis under this stack's home and returns its URL; see {@link #postgresOnly()}. */
    public String redisOnly() {
        return locked(() -> {
            Properties ports = ports();
            int port = startRedis(ports);
            saveports(ports);
            return "redis://127.0.0.1:" + port;
        });
    }

    /** Stops only Redis. A test stack's Redis keeps nothing on disk, so it starts again empty. */
    public void stopRedis() {
        locked(() -> {
            new Redis(home.resolve("redis"), durable).stop();
            return null;
        });
    }

    /** Starts Redis again at the same address after {@link #stopRedis()}. */
    public void startRedis() {
        locked(() -> {
            Properties ports = ports();
            startRedis(ports);
            saveports(ports);
            return null;
        });
    }

    /** Kills Kafka with SIGKILL (no clean shutdown: the broker recovers its log on the next start). */
    public void killKafka() {
        locked(() -> {
            new Kafka(home.resolve("kafka")).kill();
            return null;
        });
    }

    private int startPostgres(Properties ports) {
        Postgres pg = new Postgres(home.resolve("postgres"), durable);
        int port = port(ports, "postgres", pg::running);
        if (!pg.running(port)) {
            pg.start(port);
        }
        return port;
    }

    private int startRedis(Properties ports) {
        Redis redis = new Redis(home.resolve("redis"), durable);
        int port = port(ports, "redis", redis::running);
        if (!redis.running(port)) {
            redis.start(port);
        }
        return port;
    }

    private int startKafka(Properties ports) {
        Kafka kafka = new Kafka(home.resolve("kafka"));
        int port = port(ports, "kafka", kafka::running);
        int controller = port(ports, "kafka.controller", p -> kafka.running(port));
        if (!kafka.running(port)) {
            kafka.start(port, controller);
        }
        return port;
    }

    /** The remembered port, unless it is taken by something that is not ours. */
    private static int port(Properties ports, String name, java.util.function.IntPredicate ours) {
        String known = ports.getProperty(name);
        if (known != null) {
            int p = Integer.parseInt(known);
            if (ours.test(p) || !Proc.listening(p)) {
                return p;
            }
        }
        int p = Proc.freePort();
        ports.setProperty(name, Integer.toString(p));
        return p;
    }

    private Properties ports() {
        Properties p = new Properties();
        Path f = home.resolve("ports.properties");
        if (Files.exists(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            } catch (IOException e) {
                throw new InfraException("Cannot read " + f + ": " + e.getMessage());
            }
        }
        return p;
    }

    private void saveports(Properties p) {
        try (OutputStream out = Files.newOutputStream(home.resolve("ports.properties"))) {
            p.store(out, "Ports of the local Courier servers; delete to choose new ones");
        } catch (IOException e) {
            throw new InfraException("Cannot write ports.properties: " + e.getMessage());
        }
    }

    private <T> T locked(java.util.function.Supplier<T> work) {
        try {
            Files.createDirectories(home);
            try (FileChannel ch = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new InfraException("Cannot use " + home + ": " + e.getMessage());
        }
    }
}
