package dev.courier.loadtest.flows;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatling.javaapi.core.ChainBuilder;

/**
 * Real-time chat: each user joins one of the shared public rooms, opens the WebSocket, then sends
 * at a set pace over the socket, alternating between its room and a direct chat with the room's
 * owner, and checks each message arrives back on its socket as a {@code message.created} event
 * (the same per-user durable stream that carries it to the other members).
 */
public final class Chat {

    private Chat() {
    }

    /** @param rooms rooms made before the run: {@code [roomId, ownerUserId]} each */
    public static ChainBuilder flow(List<long[]> rooms, int messages, Duration pause) {
        AtomicInteger next = new AtomicInteger();
        return exec(Accounts.signUpAndLogin("me"))
                .exec(session -> {
                    long[] room = rooms.get(Math.floorMod(next.getAndIncrement(), rooms.size()));
                    return session.set("roomId", room[0]).set("ownerId", room[1]);
                })
                .exec(http("join room").post("/api/v1/rooms/#{roomId}/join")
                        .header("Authorization", "Bearer #{meToken}")
                        .check(status().in(200, 201, 204)))
                .exec(ws("connect").connect("/ws?token=#{meToken}")
                        .await(Duration.ofSeconds(30)).on(ws.checkTextMessage("ready")
                                .matching(jsonPath("$.type").is("ready"))))
                .exec(repeat(messages, "n").on(
                        exec(session -> {
                            int n = session.getInt("n");
                            String clientId = session.getString("meName") + "-" + n;
                            // Every third message goes to the direct chat with the room's owner.
                            String target = n % 3 == 2
                                    ? "\"toUserId\":" + session.getLong("ownerId")
                                    : "\"conversationId\":" + session.getLong("roomId");
                            return session.set("clientId", clientId).set("target", target);
                        })
                        .exec(ws("send message").sendText(StringBody(
                                        "{\"type\":\"send\",\"requestId\":\"#{clientId}\",#{target},\"clientId\":\"#{clientId}\",\"text\":\"hello from #{clientId}\"}"))
                                .await(Duration.ofSeconds(30)).on(ws.checkTextMessage("message arrives")
                                        .matching(jsonPath("$.message.clientId").isEL("#{clientId}"))
                                        .check(jsonPath("$.type").is("message.created"),
                                                jsonPath("$.message.text").isEL("hello from #{clientId}"))))
                        .pause(pause)))
                .exec(ws("close").close());
    }
}
