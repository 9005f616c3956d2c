package dev.courier.loadtest.flows;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.UUID;

import io.gatling.javaapi.core.ChainBuilder;

/** Sign-up and login through auth's /api/v1 API; every virtual user is a new account. */
public final class Accounts {

    private Accounts() {
    }

    /** A fresh, unique username (the database is shared and never wiped). */
    public static String newUsername() {
        return "lt" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** Registers {@code #{<prefix>Name}} and logs in, saving {@code #{<prefix>Id}} and {@code #{<prefix>Token}}. */
    public static ChainBuilder signUpAndLogin(String prefix) {
        String name = prefix + "Name";
        return exec(session -> session.set(name, newUsername()))
                .exec(http("sign up").post("/api/v1/auth/register")
                        .body(StringBody("{\"username\":\"#{" + name + "}\",\"email\":\"#{" + name + "}@loadtest.courier.test\",\"password\":\"correct horse battery staple\"}"))
                        .check(status().is(201), jsonPath("$.id").ofLong().saveAs(prefix + "Id")))
                .exec(http("log in").post("/api/v1/auth/login")
                        .body(StringBody("{\"login\":\"#{" + name + "}\",\"password\":\"correct horse battery staple\"}"))
                        .check(status().is(200), jsonPath("$.accessToken").saveAs(prefix + "Token")));
    }
}
