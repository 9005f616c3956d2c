package dev.courier.deploy.images;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a cluster relies on in each image: how it starts, as whom, on which ports, with which runtime. */
class ImageInspectionTest {

    static final Path IMAGES = Path.of(System.getProperty("courier.images.dir", "..")).toAbsolutePath().normalize();
    /** The size goal for one image (compressed layers, as pulled). */
    static final long MAX_BYTES = 80L * 1024 * 1024;
    private static final Map<String, ImageTar> CACHE = new ConcurrentHashMap<>();

    static ImageTar image(String service) throws IOException {
        ImageTar cached = CACHE.get(service);
        if (cached == null) {
            Path tar = IMAGES.resolve(service).resolve("target/jib-image.tar");
            assertThat("built by -Pimages: " + tar, Files.isRegularFile(tar), is(true));
            cached = ImageTar.read(tar);
            CACHE.put(service, cached);
        }
        return cached;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"auth", "messenger", "stats", "notifier", "web"})
    void entrypointStartsTheServiceWithTheImagesOwnJava(String service) throws IOException {
        List<String> entrypoint = strings(image(service).containerConfig().get("Entrypoint"));
        assertThat(entrypoint.getFirst(), is("/opt/java/bin/java"));
        assertThat(entrypoint.getLast(), is("dev.courier." + service + ".Main"));
        assertThat(String.join(" ", entrypoint), containsString("-cp @/app/jib-classpath-file"));
        assertThat(image(service).files.get("/app/jib-classpath-file"), notNullValue());
    }

    @ParameterizedTest
    @CsvSource({"auth", "messenger", "stats", "notifier", "web"})
    void runsAsTheNonRootCourierUser(String service) throws IOException {
        ImageTar image = image(service);
        assertThat(image.containerConfig().get("User").asText(), is("10001:10001"));
        assertThat(image.text("/etc/passwd"), containsString("courier:x:10001:10001:"));
    }

    @ParameterizedTest
    @CsvSource({"auth, 8081 9081 9181", "messenger, 8082 9182", "stats, 8083", "notifier, 8084", "web, 8085"})
    void exposesTheServicePorts(String service, String ports) throws IOException {
        JsonNode exposed = image(service).containerConfig().get("ExposedPorts");
        List<String> names = new ArrayList<>();
        exposed.fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>();
        for (String p : ports.split(" ")) {
            expected.add(p + "/tcp");
        }
        assertThat(names.stream().sorted().toList(), is(expected.stream().sorted().toList()));
    }

    @ParameterizedTest
    @CsvSource({"auth", "messenger", "stats", "notifier", "web"})
    void carriesAJlinkedRuntimeAndTheLibrariesItLinks(String service) throws IOException {
        ImageTar image = image(service);
        assertThat(image.files.get("/opt/java/bin/java").executable(), is(true));
        assertThat(image.files.get("/opt/java/lib/modules"), notNullValue());
        assertThat(image.files.get("/opt/java/lib/server/libjvm.so"), notNullValue());
        assertThat(image.files.get("/lib64/ld-linux-x86-64.so.2").executable(), is(true));
        assertThat(image.files.keySet().stream().anyMatch(f -> f.endsWith("/libc.so.6")), is(true));
        String release = image.text("/opt/java/release");
        assertThat(release, containsString("java.sql"));
        assertThat(release, containsString("jdk.crypto.ec"));
        // Only the runtime's modules, never a full JDK: no compiler, no jlink in the image.
        assertThat(image.files.get("/opt/java/bin/javac"), is((ImageTar.Entry) null));
        assertThat(image.files.keySet().stream().anyMatch(f -> f.matches("/app/libs/courier-" + service + "(-[^/]*)?\\.jar")), is(true));
    }

    @ParameterizedTest
    @CsvSource({"auth", "messenger", "stats", "notifier", "web"})
    void isSmall(String service) throws IOException {
        assertThat(Files.size(image(service).tar), lessThan(MAX_BYTES));
        assertThat(image(service).config.get("os").asText(), is("linux"));
        assertThat(image(service).config.get("architecture").asText(), is("amd64"));
    }
}
