package dev.courier.messenger.dialects;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.http.Json;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * Seed 003's (chat-server) REST examples, replayed with the README's bodies and headers against real
 * auth and messenger servers: only names are made unique (and the password longer, see the first test).
 */
class ChatServerRestTest {

    private static final String PASSWORD = "chat-server password 1";

    private final Http auth = Cluster.auth();
    private final Http messenger = Cluster.a().http();

    private record SeedUser(long uid, String name, String email, String token) {

        Map<String, String> authorization() {
            return Map.of("Authorization", token);
        }
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private SeedUser signUp() {
        String name = unique("user");
        String email = name + "@example.com";
        Http.Response reg = auth.post("/register", """
                {
                        "Username": "%s",
                        "Email": "%s",
                        "Password": "%s"
                    }""".formatted(name, email, PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        Http.Response login = auth.method("PUT", "/login", """
                {
                        "Email": "%s",
                        "Password": "%s"
                    }""".formatted(email, PASSWORD), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new SeedUser(reg.json().get("UID").asLong(), name, email, login.json().get("Token").asText());
    }

    @Test
    void registerIsToldApartFromSeed000ByItsFieldsAndKeepsThePasswordPolicy() {
        // The README's body verbatim: its password is one of the most common and is refused, naming the seed's field.
        Http.Response verbatim = auth.post("/register", """
                {
                        "Username": "user",
                        "Email": "user@example.com",
                        "Password": "password"
                    }""", Map.of());
        assertThat(verbatim.body(), verbatim.status(), is(400));
        assertThat(verbatim.json().get("field").asText(), is("Password"));

        SeedUser u = signUp();
        // Only a verified address is unique (auth's rule): a second account may register it while it
        // is unverified, and then the address no longer names one account for seed 003's login.
        Http.Response again = auth.post("/register", Map.of("Username", unique("other"), "Email", u.email(), "Password", PASSWORD), Map.of());
        assertThat(again.body(), again.status(), is(201));
        Http.Response ambiguous = auth.method("PUT", "/login", Json.writeString(Map.of("Email", u.email(), "Password", PASSWORD)), Map.of());
        assertThat(ambiguous.body(), ambiguous.status(), is(401));
        Http.Response badEmail = auth.post("/register", Map.of("Username", unique("other"), "Email", "not-an-address", "Password", PASSWORD), Map.of());
        assertThat(badEmail.json().get("field").asText(), is("Email"));

        // Seed 000's body on the same path is still seed 000's: {"id","user"}, and it can log in at /auth.
        String seed000 = unique("s");
        Http.Response old = auth.post("/register", Map.of("user", seed000, "pass", PASSWORD), Map.of());
        assertThat(old.body(), old.status(), is(201));
        assertThat(old.json().get("user").asText(), is(seed000));
        assertThat(auth.post("/auth", Map.of("user", seed000, "pass", PASSWORD), Map.of()).status(), is(200));
    }

    @Test
    void profilesWithTheBareAuthorizationHeader() {
        SeedUser u = signUp();
        Http.Response me = auth.get("/profile", u.authorization());
        assertThat(me.body(), me.status(), is(200));
        assertThat(me.json().get("UID").asLong(), is(u.uid()));
        assertThat(me.json().get("username").asText(), is(u.name()));
        assertThat(me.json().get("email").asText(), is(u.email()));

        Http.Response changed = auth.method("PUT", "/change-name", """
                {
                        "NewName": "newname1234"
                    }""", u.authorization());
        assertThat(changed.body(), changed.status(), is(200));

        // Anyone's profile, without a token: the new name, never the email.
        Http.Response other = auth.get("/profile/" + u.uid());
        assertThat(other.body(), other.status(), is(200));
        assertThat(other.json().get("username").asText(), is("newname1234"));
        assertThat(other.json().get("email"), nullValue());

        assertThat(auth.get("/profile").status(), is(401));
        assertThat(auth.get("/profile", Map.of("Authorization", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...")).status(), is(401));
        Http.Response empty = auth.method("PUT", "/change-name", "{\"NewName\": \"\"}", u.authorization());
        assertThat(empty.status(), is(400));
        assertThat(empty.json().get("field").asText(), is("NewName"));
        assertThat(auth.get("/profile/abc").json().get("field").asText(), is("UID"));
    }

    @Test
    void roomsJoinInviteAndHistoryNewestFirst() {
        SeedUser creator = signUp();
        SeedUser joiner = signUp();
        SeedUser invited = signUp();
        String general = unique("GeneralChat");

        Http.Response created = messenger.post("/create-room", """
                {
                        "Name": "%s",
                        "IsPrivate": false
                    }""".formatted(general), creator.authorization());
        assertThat(created.body(), created.status(), is(201));
        long room = created.json().get("RoomID").asLong();
        assertThat(messenger.post("/create-room", Map.of("Name", general, "IsPrivate", false), joiner.authorization()).json()
                .get("field").asText(), is("Name"));

        Http.Response joined = messenger.method("PUT", "/join", """
                {
                        "RoomID": %d
                    }""".formatted(room), joiner.authorization());
        assertThat(joined.body(), joined.status(), is(200));

        Http.Response secret = messenger.post("/create-room", Map.of("Name", unique("Secret"), "IsPrivate", true), creator.authorization());
        long privateRoom = secret.json().get("RoomID").asLong();
        // A private room is not there for outsiders: neither joinable nor visible.
        assertThat(messenger.method("PUT", "/join", Map.of("RoomID", privateRoom), joiner.authorization()).status(), is(404));
        assertThat(messenger.get("/room/" + privateRoom).status(), is(404));
        // Only its creator invites; a plain member cannot.
        assertThat(messenger.method("PUT", "/invite", Map.of("RoomID", room, "UID", invited.uid()), joiner.authorization()).status(), is(403));
        Http.Response invite = messenger.method("PUT", "/invite", """
                {
                        "RoomID": %d,
                        "UID": %d
                    }""".formatted(privateRoom, invited.uid()), creator.authorization());
        assertThat(invite.body(), invite.status(), is(200));
        assertThat(messenger.method("PUT", "/invite", Map.of("RoomID", privateRoom, "UID", 0), creator.authorization()).json()
                .get("field").asText(), is("UID"));

        Http.Response mine = messenger.get("/rooms", creator.authorization());
        assertThat(mine.body(), ids(mine.json().get("IDs")), containsInAnyOrder(room, privateRoom));
        assertThat(ids(messenger.get("/rooms", invited.authorization()).json().get("IDs")), contains(privateRoom));

        Http.Response info = messenger.get("/room/" + room);
        assertThat(info.body(), info.status(), is(200));
        assertThat(info.json().get("name").asText(), is(general));
        assertThat(info.json().get("creatorUID").asLong(), is(creator.uid()));
        assertThat(info.json().get("isPrivate").asBoolean(), is(false));
        assertThat(messenger.get("/room/" + privateRoom, invited.authorization()).status(), is(200));

        // 105 messages through Courier's own API; the seed's history pages them newest first, 100 at a time.
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            SeedUser from = i % 2 == 0 ? creator : joiner;
            Http.Response r = messenger.post("/api/v1/chats/" + room + "/messages", Map.of("text", "m" + i), Map.of("Authorization", "Bearer " + from.token()));
            assertThat(r.body(), r.status(), is(201));
            sent.add(r.json().get("id").asLong());
        }
        Http.Response newest = messenger.method("GET", "/messages/" + room, "{\"LastID\":0}", joiner.authorization());
        assertThat(newest.body(), newest.status(), is(200));
        assertThat(newest.json().size(), is(100));
        assertThat(newest.json().get(0).get("id").asLong(), is(sent.get(104)));
        assertThat(newest.json().get(0).get("text").asText(), is("m104"));
        assertThat(newest.json().get(0).get("roomID").asLong(), is(room));
        assertThat(newest.json().get(0).get("uid").asLong(), is(creator.uid()));
        long last = newest.json().get(99).get("id").asLong();
        assertThat(last, is(sent.get(5)));
        Http.Response older = messenger.method("GET", "/messages/" + room, "{\"LastID\":" + last + "}", joiner.authorization());
        assertThat(ids(older.json(), "id"), contains(sent.get(4), sent.get(3), sent.get(2), sent.get(1), sent.get(0)));
        // Without a body (a client that cannot send one with GET) it is the newest page too.
        assertThat(messenger.get("/messages/" + room, joiner.authorization()).json().get(0).get("id").asLong(), is(sent.get(104)));

        // Not a member: the room's messages are not there.
        assertThat(messenger.method("GET", "/messages/" + privateRoom, "{\"LastID\":0}", joiner.authorization()).status(), is(404));
        assertThat(messenger.method("GET", "/messages/" + room, "{\"LastID\":-1}", joiner.authorization()).json().get("field").asText(), is("LastID"));
        assertThat(messenger.get("/rooms").status(), is(401));
        assertThat(messenger.get("/room/" + room, Map.of("Authorization", "not-a-token")).status(), is(401));
        assertThat(ids(messenger.get("/rooms", joiner.authorization()).json().get("IDs")), not(contains(privateRoom)));
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static List<Long> ids(JsonNode array, String field) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asLong()));
        return out;
    }
}
