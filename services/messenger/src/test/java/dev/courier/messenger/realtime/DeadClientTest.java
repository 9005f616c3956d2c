package dev.courier.messenger.realtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Heartbeats: a client that stops answering is disconnected and goes offline for everyone. */
class DeadClientTest {

    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.with("courier.messenger.ws.heartbeatmillis", "200",
            "courier.messenger.ws.sweepmillis", "200", "courier.messenger.ws.deadaftermillis", "1500");

    @Test
    void aSilentSocketIsClosedAndItsUserGoesOfflineWhileALiveOneStays() throws Exception {
        TestUser ghost = Cluster.user();
        TestUser friend = Cluster.user();
        friend.sendTo(node.http(), ghost, "are you there?");
        try (WsTestClient live = WsTestClient.connect(node.ws() + "?token=" + friend.token());
             Socket dead = new Socket("127.0.0.1", node.port())) {
            live.awaitType("ready");
            // A raw WebSocket handshake, then silence: no pongs, no frames, nothing read.
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = dead.getOutputStream();
            out.write(("GET /ws?token=" + ghost.token() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = dead.getInputStream();
            byte[] head = new byte[12];
            assertThat(new String(head, 0, in.readNBytes(head, 0, 12), StandardCharsets.US_ASCII), is("HTTP/1.1 101"));

            var online = live.await(f -> "presence".equals(f.path("type").asText()) && f.path("userId").asLong() == ghost.id(), Duration.ofSeconds(10));
            assertThat(online.get("online").asBoolean(), is(true));
            var offline = live.await(f -> "presence".equals(f.path("type").asText()) && f.path("userId").asLong() == ghost.id()
                    && !f.path("online").asBoolean(), Duration.ofSeconds(15));
            assertThat(offline.get("online").asBoolean(), is(false));
            assertThat(node.app().hub().size(), is(1));
            // And its TCP connection is gone: after the pings it never answered, end of stream.
            dead.setSoTimeout(5000);
            while (in.read() != -1) {
                // Skip the unanswered ping frames.
            }
            // The live client answered every ping and is still served.
            live.send(Map.of("type", "ping", "requestId", "still"));
            assertThat(live.awaitType("pong").get("requestId").asText(), is("still"));
        }
    }
}
