package dev.courier.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The committed libraries under {@code web/app/vendor} are exactly what {@code vendor/vendor.mjs}
 * makes from the packages the committed {@code vendor/package-lock.json} pins (installed here with
 * {@code npm ci}, integrity-checked by npm): nobody can edit a vendored file by hand, or bump a
 * version in one place only, without this failing.
 */
class VendoredFilesTest {

    private static final Path VENDOR = Path.of("vendor").toAbsolutePath();
    private static final Path COMMITTED = Path.of("src/main/resources/web/app/vendor").toAbsolutePath();

    @Test
    void committedLibrariesAreThoseThePackageLockPins() throws Exception {
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), VENDOR);
        Path fresh = Files.createTempDirectory("courier-vendor");
        run(List.of("node", "vendor.mjs", fresh.toString()), VENDOR);
        TreeMap<String, String> made = contents(fresh);
        TreeMap<String, String> committed = contents(COMMITTED);
        assertThat(committed.keySet(), is(made.keySet()));
        made.forEach((name, text) -> assertThat(name, committed.get(name), is(text)));
    }

    private static TreeMap<String, String> contents(Path root) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile("vendor", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " timed out");
        }
        assertThat(command + ": " + Files.readString(log), p.exitValue(), is(0));
    }
}
