package dev.courier.notifier.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node.js scripts in {@code src/test/node}, installing their pinned dependencies
 * ({@code npm ci} from package-lock.json) on first use, so a fresh clone needs only node and npm.
 */
public final class Node {

    public static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    private static boolean installed;

    private Node() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        Path marker = DIR.resolve("node_modules/.package-lock.json");
        try {
            if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(DIR.resolve("package-lock.json"))) < 0) {
                run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        installed = true;
    }

    /** Runs {@code node <script>} with {@code stdin}; returns stdout, or fails with stderr. */
    public static String script(String script, String stdin, int timeoutSeconds) {
        install();
        return run(List.of("node", DIR.resolve(script).toString()), stdin, timeoutSeconds);
    }

    private static String run(List<String> command, String stdin, int timeoutSeconds) {
        try {
            Path err = Files.createTempFile("node", ".err");
            Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectError(err.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " timed out");
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + stderr);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
