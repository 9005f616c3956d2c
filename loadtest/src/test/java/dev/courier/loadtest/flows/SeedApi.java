package dev.courier.loadtest.flows;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;

/**
 * Seed 000's API exactly as written there: two users, one sends to the other with {@code /send},
 * the sender reads the chat page with {@code /chat?pal_id&offset&limit}, the recipient finds the
 * message as the last one from its sender in {@code /chats}.
 */
public final class SeedApi {

    private SeedApi() {
    }

    public static ChainBuilder flow() {
        return exec(Accounts.signUpAndLogin("pal"))
                .exec(Accounts.signUpAndLogin("me"))
                .exec(session -> session.set("seedText", "hello " + session.getString("palName")))
                .exec(http("seed /send").post("/send")
                        .header("Authorization", "Bearer #{meToken}")
                        .body(StringBody("{\"pal_id\":#{palId},\"message\":\"#{seedText}\"}"))
                        .check(status().is(200),
                                jsonPath("$.id").ofLong().saveAs("seedMessageId"),
                                jsonPath("$.user_id").ofLong().isEL("#{meId}"),
                                jsonPath("$.pal_id").ofLong().isEL("#{palId}")))
                .exec(http("seed /chat").get("/chat?pal_id=#{palId}&offset=0&limit=20")
                        .header("Authorization", "Bearer #{meToken}")
                        .check(status().is(200),
                                jsonPath("$[?(@.id == #{seedMessageId})].message").isEL("#{seedText}")))
                .exec(http("seed /chats").get("/chats")
                        .header("Authorization", "Bearer #{palToken}")
                        .check(status().is(200),
                                jsonPath("$[?(@.user_id == #{meId})].message").isEL("#{seedText}")));
    }
}
