package dev.courier.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL as a private cluster: {@code initdb} once, then {@code pg_ctl start}. As root
 * it runs as the {@code postgres} user, which must be able to reach the data folder.
 */
final class Postgres {

    static final String INSTALL_HINT = "PostgreSQL server binaries not found: install them with `apt-get install postgresql` (or set COURIER_DB_URL).";
    static final String DATABASE = "courier";

    private final Path dir;
    private final boolean durable;

    Postgres(Path dir, boolean durable) {
        this.dir = reachable(dir);
        this.durable = durable;
    }

    /**
     * As root, PostgreSQL runs as the postgres user, which cannot enter a checkout under a private
     * folder such as /root. Then the cluster lives in /var/tmp under a name derived from the
     * wanted folder, and a link at the wanted place points to it.
     */
    private static Path reachable(Path wanted) {
        if (!Proc.isRoot()) {
            return wanted;
        }
        try {
            Files.createDirectories(wanted.getParent());
            if (Files.isSymbolicLink(wanted)) {
                return wanted.toRealPath();
            }
            Proc.run(Duration.ofSeconds(10), Proc.as("postgres", List.of("test", "-x", wanted.getParent().toString())));
            return wanted;
        } catch (InfraException | IOException e) {
            Path alt = Path.of("/var/tmp", "courier-postgres-" + Integer.toHexString(wanted.toAbsolutePath().toString().hashCode()));
            try {
                Files.createDirectories(alt);
                if (!Files.exists(wanted, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(wanted, alt);
                }
            } catch (IOException io) {
                throw new InfraException("Cannot prepare a PostgreSQL folder the postgres user can reach: " + io.getMessage());
            }
            return alt;
        }
    }

    Path data() {
        return dir.resolve("data");
    }

    Path log() {
        return dir.resolve("postgres.log");
    }

    boolean running(int port) {
        return Files.exists(data().resolve("postmaster.pid")) && Proc.listening(port);
    }

    void start(int port) {
        Path bin = binDir().orElseThrow(() -> new InfraException(INSTALL_HINT));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfraException("Cannot create " + dir + ": " + e.getMessage());
        }
        if (Proc.isRoot()) {
            Proc.run(Duration.ofSeconds(30), List.of("chown", "-R", "postgres:postgres", dir.toString()));
            try {
                Proc.run(Duration.ofSeconds(10), Proc.as("postgres", List.of("test", "-w", dir.toString())));
            } catch (InfraException e) {
                throw new InfraException("The postgres user cannot write " + dir + " (a parent folder is not searchable by it). "
                        + "Put the project somewhere it can reach, or set COURIER_HOME to such a folder.");
            }
        }
        if (!Files.exists(data().resolve("PG_VERSION"))) {
            Proc.run(Duration.ofSeconds(120), Proc.as("postgres", List.of(bin.resolve("initdb").toString(),
                    "-D", data().toString(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--no-locale")));
        }
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1",
                "-k", dir.toString(), "-c", "max_connections=300"));
        if (!durable) {
            // Throwaway test clusters trade crash safety of the whole machine for speed; commits are still atomic.
            options.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        }
        Proc.run(Duration.ofSeconds(90), Proc.as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(),
                "-l", log().toString(), "-w", "-t", "60", "-o", String.join(" ", options), "start")));
        createDatabase(bin, port);
    }

    void stop() {
        if (!Files.exists(data().resolve("postmaster.pid"))) {
            return;
        }
        binDir().ifPresent(bin -> {
            try {
                Proc.run(Duration.ofSeconds(60), Proc.as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(),
                        "-m", "fast", "-w", "stop")));
            } catch (InfraException e) {
                System.err.println("PostgreSQL stop: " + e.getMessage());
            }
        });
    }

    private void createDatabase(Path bin, int port) {
        Path psql = bin.resolve("psql");
        List<String> base = List.of(psql.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-d", "postgres", "-tAc");
        List<String> exists = new ArrayList<>(base);
        exists.add("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
        if (!Proc.run(Duration.ofSeconds(30), exists).strip().equals("1")) {
            List<String> create = new ArrayList<>(base);
            create.add("CREATE DATABASE " + DATABASE);
            Proc.run(Duration.ofSeconds(30), create);
        }
    }

    static Optional<Path> binDir() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException ignored) {
                // fall through to PATH
            }
        }
        return Proc.which("pg_ctl", List.of()).map(Path::getParent)
                .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("psql")));
    }

    private static int versionOf(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
