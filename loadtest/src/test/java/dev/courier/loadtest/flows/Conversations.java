package dev.courier.loadtest.flows;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;

import io.gatling.javaapi.core.ChainBuilder;

/**
 * History and conversation-list reads: a user writes a few messages to a new pal over
 * {@code /api/v1/messages}, then reads its conversation list and the chat's history again and
 * again, checking its own newest message is there each time.
 */
public final class Conversations {

    private static final int MESSAGES = 5;

    private Conversations() {
    }

    public static ChainBuilder flow(int reads, Duration pause) {
        return exec(Accounts.signUpAndLogin("pal"))
                .exec(Accounts.signUpAndLogin("me"))
                .repeat(MESSAGES, "i").on(
                        exec(http("send direct").post("/api/v1/messages")
                                .header("Authorization", "Bearer #{meToken}")
                                .body(StringBody("{\"toUserId\":#{palId},\"clientId\":\"#{meName}-#{i}\",\"text\":\"message #{i} to #{palName}\"}"))
                                .check(status().is(201),
                                        jsonPath("$.conversationId").ofLong().saveAs("chatId"),
                                        jsonPath("$.id").ofLong().saveAs("lastId"))))
                .exec(repeat(reads).on(
                        exec(http("list chats").get("/api/v1/chats")
                                .header("Authorization", "Bearer #{meToken}")
                                .check(status().is(200),
                                        jsonPath("$[?(@.id == #{chatId})].lastMessage.id").ofLong().isEL("#{lastId}")))
                                .exec(http("read history").get("/api/v1/chats/#{chatId}/messages?limit=20")
                                        .header("Authorization", "Bearer #{meToken}")
                                        .check(status().is(200),
                                                jsonPath("$.messages[*].id").count().is(MESSAGES),
                                                jsonPath("$.messages[?(@.id == #{lastId})].text").isEL("message " + (MESSAGES - 1) + " to #{palName}")))
                                .pause(pause)));
    }
}
