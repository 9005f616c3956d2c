package dev.courier.infra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small process and socket helpers for starting local servers. */
final class Proc {

    private Proc() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command to completion, failing with its output when it exits non-zero. */
    static String run(Duration timeout, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Read output on the side: a full pipe would otherwise block the child.
            var out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process died; its exit code tells the story
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new InfraException("Timed out: " + String.join(" ", command));
            }
            reader.join(1000);
            if (p.exitValue() != 0) {
                throw new InfraException("Failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n" + out);
            }
            return out.toString();
        } catch (IOException e) {
            throw new InfraException("Cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("Interrupted: " + String.join(" ", command));
        }
    }

    /** Runs a command as the given user when we are root (PostgreSQL refuses to run as root). */
    static List<String> as(String user, List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        c.addAll(command);
        return c;
    }

    /** Starts a detached child whose output goes to a log file (so it outlives this JVM without a pipe). */
    static Process spawn(List<String> command, Path log) {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new InfraException("Cannot start " + command.getFirst() + ": " + e.getMessage());
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void awaitListening(String what, int port, Duration timeout, Optional<ProcessHandle> process, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (listening(port)) {
                return;
            }
            if (process.isPresent() && !process.get().isAlive()) {
                throw new InfraException(what + " exited during start; see " + log + "\n" + tail(log));
            }
            sleep(100);
        }
        throw new InfraException(what + " did not listen on port " + port + " within " + timeout.toSeconds() + " s; see " + log + "\n" + tail(log));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new InfraException("No free port: " + e.getMessage());
        }
    }

    static Optional<ProcessHandle> alive(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip().lines().findFirst().orElse("-1"));
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void writePid(Path pidFile, long pid) {
        try {
            Files.writeString(pidFile, Long.toString(pid));
        } catch (IOException e) {
            throw new InfraException("Cannot write " + pidFile + ": " + e.getMessage());
        }
    }

    /** SIGTERM, then SIGKILL if the process has not exited in time. */
    static void terminate(ProcessHandle p, Duration grace) {
        p.destroy();
        try {
            p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("Interrupted");
        }
    }

    static Optional<Path> which(String name, List<Path> extra) {
        for (Path p : extra) {
            Path c = p.resolve(name);
            if (Files.isExecutable(c)) {
                return Optional.of(c);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path c = Path.of(dir, name);
            if (Files.isExecutable(c)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
