package dev.courier.deploy.images;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.courier.infra.LocalStack;

/**
 * The auth image starts and answers /health against the shared test stack. With podman on the PATH
 * the image itself runs (flags that work on this kind of machine: runc, raised ulimits, host
 * network); without it, the image's own file tree runs: its jlink'ed java, its entrypoint, its jars.
 */
class ImageRunTest {

    @TempDir
    Path root;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean podman() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "podman")));
    }

    @Test
    void authImageAnswersHealthAgainstRealServers() throws Exception {
        ImageTar image = ImageInspectionTest.image("auth");
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        LocalStack.shared().config().forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_'), v));
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("COURIER_AUTH_GRPC_PORT", "0");
        int management = freePort();
        env.put("COURIER_MANAGEMENT_PORT", Integer.toString(management));

        List<String> command = new ArrayList<>();
        String container = "courier-image-test-" + port;
        if (podman()) {
            run(List.of("podman", "load", "-i", image.tar.toString()));
            command.addAll(List.of("podman", "run", "--rm", "--name", container, "--runtime", "runc",
                    "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096", "--network=host", "--read-only",
                    "--tmpfs", "/tmp"));
            env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
            command.add("courier-auth:" + image.config.at("/config/Labels/org.opencontainers.image.version").asText());
        } else {
            image.extract(root);
            List<String> classpath = new ArrayList<>();
            for (String entry : Files.readString(root.resolve("app/jib-classpath-file")).trim().split(":")) {
                classpath.add(root.resolve(entry.substring(1)).toString());
            }
            image.containerConfig().get("Entrypoint").forEach(a -> command.add(switch (a.asText()) {
                case "/opt/java/bin/java" -> root.resolve("opt/java/bin/java").toString();
                case "@/app/jib-classpath-file" -> String.join(":", classpath);
                default -> a.asText();
            }));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("auth-image.log").toFile());
        if (!podman()) {
            pb.environment().putAll(env);
            pb.directory(root.resolve("tmp").toFile());
        }
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Instant deadline = Instant.now().plusSeconds(120);
            HttpResponse<String> live = null;
            while (Instant.now().isBefore(deadline) && process.isAlive()) {
                try {
                    live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/health/live"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (live.statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            assertThat("the service started from the image (process alive)", process.isAlive(), is(true));
            assertThat(live == null ? -1 : live.statusCode(), is(200));
            HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jwks.body(), containsString("\"kty\""));
        } finally {
            if (podman()) {
                run(List.of("podman", "rm", "-f", container));
            }
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }
}
