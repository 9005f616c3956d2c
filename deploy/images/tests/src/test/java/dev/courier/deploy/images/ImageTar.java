package dev.courier.deploy.images;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An image tarball as Jib writes it (docker-load layout: manifest.json, or an OCI layout:
 * index.json and blobs), read with plain JDK streams: its config and every file of its layers.
 */
final class ImageTar {

    /** A file in the image's layers: its mode and, for small or wanted files, its bytes. */
    record Entry(String path, int mode, long size, boolean directory, String linkTarget) {
        boolean executable() {
            return (mode & 0111) != 0;
        }
    }

    final Path tar;
    final JsonNode config;
    final Map<String, Entry> files = new LinkedHashMap<>();
    private final Map<String, byte[]> blobs;
    private final List<String> layers;

    private ImageTar(Path tar, Map<String, byte[]> blobs, JsonNode config, List<String> layers) {
        this.tar = tar;
        this.blobs = blobs;
        this.config = config;
        this.layers = layers;
    }

    static ImageTar read(Path tar) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
            readTar(in, (name, header, data) -> entries.put(name, data.readAllBytes()));
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode config;
        List<String> layers = new ArrayList<>();
        if (entries.containsKey("manifest.json")) {
            JsonNode manifest = json.readTree(entries.get("manifest.json")).get(0);
            config = json.readTree(entries.get(manifest.get("Config").asText()));
            manifest.get("Layers").forEach(l -> layers.add(l.asText()));
        } else {
            JsonNode index = json.readTree(entries.get("index.json"));
            JsonNode manifest = json.readTree(entries.get(blob(index.get("manifests").get(0))));
            config = json.readTree(entries.get(blob(manifest.get("config"))));
            manifest.get("layers").forEach(l -> layers.add(blob(l)));
        }
        ImageTar image = new ImageTar(tar, entries, config, layers);
        for (String layer : layers) {
            image.indexLayer(entries.get(layer));
        }
        return image;
    }

    private static String blob(JsonNode descriptor) {
        return "blobs/" + descriptor.get("digest").asText().replace(':', '/');
    }

    JsonNode containerConfig() {
        return config.get("config");
    }

    private void indexLayer(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            readTar(in, (name, header, data) -> {
                String path = "/" + name.replaceFirst("^\\./", "").replaceFirst("/$", "");
                files.put(path, new Entry(path, header.mode, header.size, header.type == '5', header.link));
            });
        }
    }

    /** Writes every layer's files under dir (a root filesystem), with their modes and symlinks. */
    void extract(Path dir) throws IOException {
        for (String layer : layers) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(blobs.get(layer)))) {
                readTar(in, (name, header, data) -> {
                    Path target = dir.resolve(name.replaceFirst("^\\./", "").replaceFirst("^/", "")).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("entry outside the root: " + name);
                    }
                    if (header.type == '5') {
                        Files.createDirectories(target);
                    } else if (header.type == '2') {
                        Files.createDirectories(target.getParent());
                        Files.deleteIfExists(target);
                        Files.createSymbolicLink(target, Path.of(header.link));
                    } else if (header.type == '0' || header.type == 0) {
                        Files.createDirectories(target.getParent());
                        Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, permissions(header.mode));
                    }
                });
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                p.add(all[i]);
            }
        }
        return p;
    }

    String text(String path) throws IOException {
        Entry e = files.get(path);
        if (e == null) {
            return null;
        }
        ByteArrayOutputStream found = new ByteArrayOutputStream();
        for (String layer : layers) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(blobs.get(layer)))) {
                readTar(in, (name, header, data) -> {
                    if (("/" + name.replaceFirst("^\\./", "")).equals(path)) {
                        found.reset();
                        data.transferTo(found);
                    }
                });
            }
        }
        return found.toString(StandardCharsets.UTF_8);
    }

    // --- a minimal ustar/GNU reader: enough for Jib's and our own archives ---

    static final class Header {
        int mode;
        long size;
        char type;
        String link;
    }

    interface EntryHandler {
        void accept(String name, Header header, InputStream data) throws IOException;
    }

    static void readTar(InputStream in, EntryHandler handler) throws IOException {
        byte[] block = new byte[512];
        String longName = null;
        while (true) {
            if (in.readNBytes(block, 0, 512) < 512) {
                return;
            }
            if (block[0] == 0) {
                return;
            }
            String name = field(block, 0, 100);
            String prefix = field(block, 345, 155);
            if (!prefix.isEmpty() && block[257] == 'u') {
                name = prefix + "/" + name;
            }
            Header h = new Header();
            h.mode = (int) octal(block, 100, 8);
            h.size = octal(block, 124, 12);
            h.type = (char) block[156];
            h.link = field(block, 157, 100);
            long padded = (h.size + 511) / 512 * 512;
            byte[] data = in.readNBytes((int) h.size);
            in.skipNBytes(padded - h.size);
            if (h.type == 'L') {
                longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (h.type == 'x' || h.type == 'g') {
                continue;
            }
            handler.accept(name, h, new java.io.ByteArrayInputStream(data));
        }
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = field(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
