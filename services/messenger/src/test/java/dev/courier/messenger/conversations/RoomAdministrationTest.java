package dev.courier.messenger.conversations;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** Demotion, ownership transfer, the owner's leave and room deletion, over real HTTP and WebSocket. */
class RoomAdministrationTest {

    private final Http http = Cluster.a().http();

    private static String name() {
        return "room-" + UUID.randomUUID();
    }

    private long create(TestUser owner, String name, boolean isPrivate) {
        var r = owner.post(http, "/api/v1/rooms", Map.of("name", name, "isPrivate", isPrivate));
        assertThat(r.body(), r.status(), is(201));
        return r.json().get("id").asLong();
    }

    private void join(TestUser user, long room) {
        var r = user.post(http, "/api/v1/rooms/" + room + "/join", null);
        assertThat(r.body(), r.status(), is(200));
    }

    private void promote(TestUser owner, long room, TestUser user) {
        var r = owner.post(http, "/api/v1/rooms/" + room + "/admins", Map.of("userId", user.id()));
        assertThat(r.body(), r.status(), is(200));
    }

    private static void assertProblem(Http.Response r, int status, String field) {
        assertThat(r.body(), r.status(), is(status));
        assertThat(r.body(), r.header("Content-Type"), containsString("application/problem+json"));
        if (field != null) {
            assertThat(r.body(), r.json().path("field").asText(), is(field));
        }
    }

    private static String role(JsonNode room, long userId) {
        for (JsonNode m : room.get("members")) {
            if (m.get("userId").asLong() == userId) {
                return m.get("role").asText();
            }
        }
        return null;
    }

    private static boolean event(JsonNode f, String type, long room) {
        return type.equals(f.path("type").asText()) && f.path("conversationId").asLong() == room;
    }

    @Test
    void theOwnerDemotesAnAdminAndEveryMemberIsToldOnTheirSocket() {
        TestUser owner = Cluster.user();
        TestUser admin = Cluster.user();
        TestUser member = Cluster.user();
        TestUser outsider = Cluster.user();
        long id = create(owner, name(), false);
        join(admin, id);
        join(member, id);
        promote(owner, id, admin);
        try (WsTestClient memberWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + member.token())) {
            long start = memberWs.awaitType("ready").get("cursor").asLong();
            var demoted = owner.call(http, "DELETE", "/api/v1/rooms/" + id + "/admins/" + admin.id(), null);
            assertThat(demoted.body(), demoted.status(), is(200));
            assertThat(role(demoted.json(), admin.id()), is("member"));

            JsonNode told = memberWs.await(f -> event(f, "member.role", id), Duration.ofSeconds(15));
            assertThat(told.get("userId").asLong(), is(admin.id()));
            assertThat(told.get("role").asText(), is("member"));
            assertThat(told.get("byUserId").asLong(), is(owner.id()));
            assertThat(told.get("cursor").asLong() > start, is(true));
        }
        // The former admin manages nothing any more.
        assertProblem(admin.post(http, "/api/v1/rooms/" + id + "/members", Map.of("userId", outsider.id())), 403, null);
        // Demoting a plain member again changes nothing.
        var again = owner.call(http, "DELETE", "/api/v1/rooms/" + id + "/admins/" + admin.id(), null);
        assertThat(again.body(), again.status(), is(200));
        assertThat(role(again.json(), admin.id()), is("member"));
    }

    @Test
    void onlyTheOwnerDemotesAndTheOwnerCannotBeDemoted() {
        TestUser owner = Cluster.user();
        TestUser admin = Cluster.user();
        TestUser admin2 = Cluster.user();
        TestUser member = Cluster.user();
        TestUser outsider = Cluster.user();
        long id = create(owner, name(), false);
        for (TestUser u : List.of(admin, admin2, member)) {
            join(u, id);
        }
        promote(owner, id, admin);
        promote(owner, id, admin2);
        String admins = "/api/v1/rooms/" + id + "/admins/";
        assertProblem(admin.call(http, "DELETE", admins + admin2.id(), null), 403, null);
        assertProblem(admin.call(http, "DELETE", admins + owner.id(), null), 403, null);
        assertProblem(admin.call(http, "DELETE", "/api/v1/rooms/" + id + "/members/" + admin2.id(), null), 403, null);
        assertProblem(member.call(http, "DELETE", admins + admin.id(), null), 403, null);
        assertProblem(outsider.call(http, "DELETE", admins + admin.id(), null), 403, null);
        assertProblem(owner.call(http, "DELETE", admins + owner.id(), null), 400, "userId");
        assertProblem(owner.call(http, "DELETE", admins + outsider.id(), null), 400, "userId");
        assertProblem(owner.call(http, "DELETE", admins + "abc", null), 400, "userId");
        assertProblem(owner.call(http, "DELETE", "/api/v1/rooms/" + Long.MAX_VALUE + "/admins/" + admin.id(), null), 404, null);

        JsonNode room = owner.get(http, "/api/v1/rooms/" + id).json();
        assertThat(role(room, admin.id()), is("admin"));
        assertThat(role(room, admin2.id()), is("admin"));
        assertThat(role(room, owner.id()), is("owner"));
    }

    @Test
    void aPrivateRoomsAdministrationIsNotFoundForNonMembers() {
        TestUser owner = Cluster.user();
        TestUser outsider = Cluster.user();
        long id = create(owner, name(), true);
        assertProblem(outsider.call(http, "DELETE", "/api/v1/rooms/" + id + "/admins/" + owner.id(), null), 404, null);
        assertProblem(outsider.post(http, "/api/v1/rooms/" + id + "/owner", Map.of("userId", outsider.id())), 404, null);
        assertProblem(outsider.call(http, "DELETE", "/api/v1/rooms/" + id, null), 404, null);
        assertThat(owner.get(http, "/api/v1/rooms/" + id).status(), is(200));
    }

    @Test
    void theOwnerTransfersOwnershipStaysAsAdminAndMembersAreTold() {
        TestUser owner = Cluster.user();
        TestUser heir = Cluster.user();
        TestUser member = Cluster.user();
        long id = create(owner, name(), false);
        join(heir, id);
        join(member, id);
        try (WsTestClient memberWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + member.token())) {
            memberWs.awaitType("ready");
            var r = owner.post(http, "/api/v1/rooms/" + id + "/owner", Map.of("userId", heir.id()));
            assertThat(r.body(), r.status(), is(200));
            assertThat(r.json().get("ownerId").asLong(), is(heir.id()));
            assertThat(role(r.json(), heir.id()), is("owner"));
            assertThat(role(r.json(), owner.id()), is("admin"));

            JsonNode first = memberWs.await(f -> event(f, "member.role", id), Duration.ofSeconds(15));
            JsonNode second = memberWs.await(f -> event(f, "member.role", id), Duration.ofSeconds(15));
            assertThat(first.get("userId").asLong(), is(heir.id()));
            assertThat(first.get("role").asText(), is("owner"));
            assertThat(second.get("userId").asLong(), is(owner.id()));
            assertThat(second.get("role").asText(), is("admin"));
            assertThat(second.get("cursor").asLong() > first.get("cursor").asLong(), is(true));
        }
        // The old owner is an admin now: it may no longer demote, transfer or delete; the new owner may.
        assertProblem(owner.post(http, "/api/v1/rooms/" + id + "/owner", Map.of("userId", member.id())), 403, null);
        assertProblem(owner.call(http, "DELETE", "/api/v1/rooms/" + id, null), 403, null);
        assertProblem(owner.call(http, "DELETE", "/api/v1/rooms/" + id + "/members/" + heir.id(), null), 403, null);
        var demoted = heir.call(http, "DELETE", "/api/v1/rooms/" + id + "/admins/" + owner.id(), null);
        assertThat(demoted.body(), demoted.status(), is(200));
        assertThat(role(demoted.json(), owner.id()), is("member"));
    }

    @Test
    void aTransferWithABadBodyOrByANonOwnerChangesNothing() {
        TestUser owner = Cluster.user();
        TestUser admin = Cluster.user();
        TestUser member = Cluster.user();
        TestUser outsider = Cluster.user();
        long id = create(owner, name(), false);
        join(admin, id);
        join(member, id);
        promote(owner, id, admin);
        String path = "/api/v1/rooms/" + id + "/owner";
        assertProblem(owner.post(http, path, Map.of()), 400, "userId");
        assertProblem(owner.post(http, path, Map.of("userId", -3)), 400, "userId");
        assertProblem(owner.post(http, path, "{\"userId\":\"me\"}"), 400, "userId");
        assertProblem(owner.post(http, path, Map.of("userId", owner.id())), 400, "userId");
        assertProblem(owner.post(http, path, Map.of("userId", outsider.id())), 400, "userId");
        assertThat(owner.post(http, path, "{not json").status(), is(400));
        assertProblem(admin.post(http, path, Map.of("userId", admin.id())), 403, null);
        assertProblem(member.post(http, path, Map.of("userId", member.id())), 403, null);
        assertProblem(outsider.post(http, path, Map.of("userId", outsider.id())), 403, null);
        assertProblem(owner.post(http, "/api/v1/rooms/" + Long.MAX_VALUE + "/owner", Map.of("userId", admin.id())), 404, null);

        JsonNode room = owner.get(http, "/api/v1/rooms/" + id).json();
        assertThat(room.get("ownerId").asLong(), is(owner.id()));
        assertThat(role(room, admin.id()), is("admin"));
        assertThat(role(room, member.id()), is("member"));
    }

    @Test
    void theOwnerLeavesOnlyAfterATransferUnlessTheyAreTheLastMember() {
        TestUser owner = Cluster.user();
        TestUser bob = Cluster.user();
        String name = name();
        long id = create(owner, name, false);
        join(bob, id);
        assertProblem(owner.post(http, "/api/v1/rooms/" + id + "/leave", null), 409, "ownerId");
        assertThat(owner.get(http, "/api/v1/rooms/" + id).json().get("members").size(), is(2));

        assertThat(owner.post(http, "/api/v1/rooms/" + id + "/owner", Map.of("userId", bob.id())).status(), is(200));
        assertThat(owner.post(http, "/api/v1/rooms/" + id + "/leave", null).status(), is(204));
        JsonNode room = bob.get(http, "/api/v1/rooms/" + id).json();
        assertThat(room.get("ownerId").asLong(), is(bob.id()));
        assertThat(room.get("members").size(), is(1));

        // The last member leaving, the owner, deletes the room: nobody would be left to manage it.
        try (WsTestClient bobWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + bob.token())) {
            bobWs.awaitType("ready");
            assertThat(bob.post(http, "/api/v1/rooms/" + id + "/leave", null).status(), is(204));
            bobWs.await(f -> event(f, "room.deleted", id), Duration.ofSeconds(15));
        }
        assertProblem(bob.get(http, "/api/v1/rooms/" + id), 404, null);
        assertProblem(owner.post(http, "/api/v1/rooms/" + id + "/join", null), 404, null);
        // Its name is free again.
        assertThat(Cluster.user().post(http, "/api/v1/rooms", Map.of("name", name)).status(), is(201));
    }

    @Test
    void deletingARoomTellsEveryMemberAndTheRoomIsGoneForThem() throws Exception {
        TestUser owner = Cluster.user();
        TestUser admin = Cluster.user();
        TestUser member = Cluster.user();
        TestUser outsider = Cluster.user();
        String name = name();
        long id = create(owner, name, false);
        join(admin, id);
        join(member, id);
        promote(owner, id, admin);
        var sent = member.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "before the end"));
        assertThat(sent.body(), sent.status(), is(201));

        assertProblem(member.call(http, "DELETE", "/api/v1/rooms/" + id, null), 403, null);
        assertProblem(admin.call(http, "DELETE", "/api/v1/rooms/" + id, null), 403, null);
        assertProblem(outsider.call(http, "DELETE", "/api/v1/rooms/" + id, null), 403, null);
        assertProblem(owner.call(http, "DELETE", "/api/v1/rooms/abc", null), 400, "id");
        assertThat(member.get(http, "/api/v1/chats/" + id + "/messages").status(), is(200));

        long syncFrom;
        try (WsTestClient memberWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + member.token());
             WsTestClient adminWs = WsTestClient.connect(Cluster.b().ws() + "?token=" + admin.token())) {
            syncFrom = memberWs.awaitType("ready").get("cursor").asLong();
            adminWs.awaitType("ready");
            var deleted = owner.call(http, "DELETE", "/api/v1/rooms/" + id, null);
            assertThat(deleted.body(), deleted.status(), is(204));
            JsonNode told = memberWs.await(f -> event(f, "room.deleted", id), Duration.ofSeconds(15));
            assertThat(told.get("byUserId").asLong(), is(owner.id()));
            assertThat(told.get("name").asText(), is(name));
            assertThat(told.get("cursor").asLong() > syncFrom, is(true));
            // A member on another replica is told as well.
            adminWs.await(f -> event(f, "room.deleted", id), Duration.ofSeconds(15));
        }

        for (TestUser u : List.of(owner, admin, member)) {
            assertProblem(u.get(http, "/api/v1/rooms/" + id), 404, null);
            assertProblem(u.get(http, "/api/v1/chats/" + id + "/messages"), 404, null);
            assertProblem(u.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "anyone?")), 404, null);
            assertThat(u.get(http, "/api/v1/rooms").body(), not(containsString("\"id\":" + id + ",")));
            assertThat(u.get(http, "/api/v1/chats").body(), not(containsString("\"id\":" + id + ",")));
        }
        assertThat(outsider.get(http, "/api/v1/rooms/public?limit=200").body(), not(containsString("\"id\":" + id + ",")));
        assertProblem(outsider.post(http, "/api/v1/rooms/" + id + "/join", null), 404, null);
        assertProblem(owner.call(http, "DELETE", "/api/v1/rooms/" + id, null), 404, null);
        assertProblem(owner.call(http, "PATCH", "/api/v1/rooms/" + id, Map.of("name", name())), 404, null);

        // The event is durable: a client without a socket reads it from the log.
        JsonNode events = member.get(http, "/api/v1/sync?after=" + syncFrom).json().get("events");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        assertThat(types, is(List.of("room.deleted")));

        assertMessagesAndOutboxKept(id, sent.json().get("id").asLong());
    }

    /**
     * Deletion removes neither the messages nor their outbox rows: whatever was acknowledged is still
     * published to Kafka by the relay (whose delivery is tested in the outbox tests).
     */
    private static void assertMessagesAndOutboxKept(long conversationId, long messageId) throws SQLException {
        try (var c = Cluster.db();
             var ps = c.prepareStatement("""
                     SELECT (SELECT count(*) FROM messages WHERE conversation_id = ? AND id = ?),
                            (SELECT count(*) FROM outbox WHERE conversation_id = ?)
                     """)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, messageId);
            ps.setLong(3, conversationId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1), is(1L));
                assertThat(rs.getLong(2), is(1L));
            }
        }
    }
}
