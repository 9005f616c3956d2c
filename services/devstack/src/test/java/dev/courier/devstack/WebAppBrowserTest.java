package dev.courier.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The web app in Debian's Chromium against the whole system as {@code ./courier dev} runs it (the
 * five services on their own ports, the gateway routing by the ingress's table), driven by
 * Playwright Test: {@code src/test/web/specs} (sign up and chat live both ways, offline and resume,
 * a room with three people, password reset through the SMTP sink, logout removing the push
 * subscription, an axe-core scan of every main screen, the keyboard alone). The npm packages come
 * from the committed lock file ({@code npm ci}, no browser download). With
 * {@code -Dcourier.screenshots=<dir>} the screens spec also saves the README's screenshots.
 */
class WebAppBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DIR = Path.of("src/test/web").toAbsolutePath();

    private static DevStack stack;
    private static Endpoints infra;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Chromium is not installed (apt-get install chromium): the browser tests are skipped");
        install();
        infra = LocalStack.shared();
        stack = DevStack.start(infra, 0, 0, Map.of());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theWebAppPassesItsPlaywrightSuiteInChromium() throws Exception {
        Path output = Path.of("target/playwright").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("node", "node_modules/@playwright/test/cli.js", "test"));
        // -Dcourier.playwright.args="specs/screens.spec.js" runs part of the suite (while working on it).
        String args = System.getProperty("courier.playwright.args", "");
        if (!args.isBlank()) {
            command.addAll(List.of(args.trim().split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true);
        pb.environment().put("COURIER_URL", "http://127.0.0.1:" + stack.gatewayPort());
        pb.environment().put("COURIER_MAIL", infra.mailApiUrl());
        pb.environment().put("CHROMIUM", CHROMIUM.toString());
        pb.environment().put("PW_OUTPUT", output.toString());
        pb.environment().put("CI", "true");
        String screenshots = System.getProperty("courier.screenshots", "");
        if (!screenshots.isBlank()) {
            pb.environment().put("SCREENSHOTS", Path.of(screenshots).toAbsolutePath().toString());
        }
        Process p = pb.start();
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("playwright: " + line);
                tail.addLast(line);
                if (tail.size() > 200) {
                    tail.removeFirst();
                }
            }
        }
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertThat("Playwright failed (screenshots of failures in " + output + "):\n" + String.join("\n", tail), p.exitValue(), is(0));
    }

    /** {@code npm ci} from the committed lock file when node_modules is missing or older than it. */
    private static void install() throws IOException, InterruptedException {
        Path marker = DIR.resolve("node_modules/.package-lock.json");
        if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(DIR.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Path log = Files.createTempFile("npm-ci", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"))
                .directory(DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        // Playwright would download its own browsers; the tests use Debian's Chromium.
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("npm ci timed out in " + DIR);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed in " + DIR + ":\n" + Files.readString(log));
        }
    }
}
