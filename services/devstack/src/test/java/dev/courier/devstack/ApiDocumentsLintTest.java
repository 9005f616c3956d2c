package dev.courier.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Every API document the services publish passes Redocly's linter (pinned in tools/api-lint):
 * valid OpenAPI 3.1 / AsyncAPI 3, and every operation has a unique operationId, so generated
 * clients get usable method names. A description cut short by an unquoted comma, which YAML turns
 * into a stray key, or an operation added without an id fails here.
 */
class ApiDocumentsLintTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path LINT = ROOT.resolve("tools/api-lint");
    private static final List<String> DOCUMENTS = List.of(
            "services/auth/src/main/resources/dev/courier/auth/openapi/openapi.yaml",
            "services/messenger/src/main/resources/dev/courier/messenger/docs/openapi.yaml",
            "services/messenger/src/main/resources/asyncapi.yaml",
            "services/stats/src/main/resources/openapi/stats.yaml",
            "services/notifier/src/main/resources/openapi/notifier.yaml");

    @Test
    void everyApiDocumentPassesTheLinter() throws Exception {
        Path marker = LINT.resolve("node_modules/.package-lock.json");
        if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(LINT.resolve("package-lock.json"))) < 0) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")).exit(), is(0));
        }
        List<String> command = new ArrayList<>(List.of(LINT.resolve("node_modules/.bin/redocly").toString(), "lint",
                "--config", LINT.resolve("redocly.yaml").toString(), "--format", "stylish"));
        DOCUMENTS.forEach(d -> command.add(ROOT.resolve(d).toString()));
        Result r = run(command);
        System.out.println(r.output());
        assertThat(r.output(), r.exit(), is(0));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lint", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(LINT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " timed out");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
