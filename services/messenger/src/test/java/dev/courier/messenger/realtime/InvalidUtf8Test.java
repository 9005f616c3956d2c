package dev.courier.messenger.realtime;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Raw frames, since no WebSocket client library sends invalid UTF-8: a text frame that is not UTF-8
 * is refused with an error frame and changes nothing, the socket staying open; valid non-ASCII text
 * is answered normally.
 */
class InvalidUtf8Test {

    @Test
    void aTextFrameWithInvalidUtf8IsRefusedAndTheSocketStaysOpen() throws Exception {
        TestUser alice = Cluster.user();
        try (Socket socket = upgrade(alice)) {
            sendText(socket, "{\"type\":\"ping\",\"requestId\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(readText(socket), containsString("\"pong\""));
            ByteArrayOutputStream bad = new ByteArrayOutputStream();
            bad.writeBytes("{\"type\":\"ping\",\"requestId\":\"x".getBytes(StandardCharsets.US_ASCII));
            bad.write(0xC3);
            bad.write(0x28);
            bad.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
            sendText(socket, bad.toByteArray());
            String refused = readText(socket);
            assertThat(refused, containsString("\"error\""));
            assertThat(refused, containsString("\"status\":400"));
            assertThat(refused, containsString("UTF-8"));
            assertThat(refused, containsString("\"requestId\":\"x\uFFFD("));
            // The socket stays open: the next frame is answered.
            sendText(socket, "{\"type\":\"ping\",\"requestId\":\"after\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(readText(socket), containsString("\"requestId\":\"after\""));
        }
    }

    @Test
    void aMessageWithInvalidUtf8IsNotStored() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (Socket socket = upgrade(alice)) {
            ByteArrayOutputStream bad = new ByteArrayOutputStream();
            bad.writeBytes(("{\"type\":\"send\",\"requestId\":\"s1\",\"toUserId\":" + bob.id() + ",\"text\":\"bad ").getBytes(StandardCharsets.US_ASCII));
            bad.write(0xFF);
            bad.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
            sendText(socket, bad.toByteArray());
            String refused = readText(socket);
            assertThat(refused, containsString("\"status\":400"));
            assertThat(refused, containsString("\"requestId\":\"s1\""));
        }
        assertThat(bob.get(Cluster.a().http(), "/api/v1/chats").json().size(), is(0));
    }

    private static Socket upgrade(TestUser user) throws IOException {
        Socket socket = new Socket("127.0.0.1", Cluster.a().port());
        socket.setSoTimeout(10_000);
        String key = Base64.getEncoder().encodeToString("courier-utf8-key".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(("GET /ws?token=" + user.token() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        assertThat(head.toString(), head.toString(), containsString(" 101 "));
        assertThat(readText(socket), containsString("\"ready\""));
        return socket;
    }

    private static void sendText(Socket socket, byte[] payload) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.write(0x81);
        out.write(0x80 | payload.length);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /** The next text frame, skipping pings. */
    private static String readText(Socket socket) throws IOException {
        while (true) {
            Frame f = read(socket);
            if (f.opcode() == 1) {
                return new String(f.payload(), StandardCharsets.UTF_8);
            }
            if (f.opcode() == 8) {
                throw new AssertionError("closed: " + f.closeCode());
            }
        }
    }

    private static Frame read(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = (int) in.readLong();
        }
        byte[] payload = in.readNBytes(len);
        return new Frame(b0 & 0x0F, payload);
    }

    private record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }
}
