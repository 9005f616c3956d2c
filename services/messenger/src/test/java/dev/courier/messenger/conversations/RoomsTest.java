package dev.courier.messenger.conversations;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RoomsTest {

    private final Http http = Cluster.a().http();

    private static String name() {
        return "room-" + UUID.randomUUID();
    }

    private JsonNode create(TestUser owner, String name, boolean isPrivate) {
        var r = owner.post(http, "/api/v1/rooms", Map.of("name", name, "isPrivate", isPrivate));
        assertThat(r.body(), r.status(), is(201));
        return r.json();
    }

    @Test
    void theCreatorOwnsANewRoomAndNamesAreUniqueIgnoringCase() {
        TestUser alice = Cluster.user();
        String name = name();
        JsonNode room = create(alice, name, false);
        assertThat(room.get("ownerId").asLong(), is(alice.id()));
        assertThat(room.get("members").get(0).get("role").asText(), is("owner"));
        var again = Cluster.user().post(http, "/api/v1/rooms", Map.of("name", name.toUpperCase(), "isPrivate", false));
        assertThat(again.status(), is(409));
        assertThat(again.json().get("field").asText(), is("name"));
        var blank = alice.post(http, "/api/v1/rooms", Map.of("name", "  "));
        assertThat(blank.json().get("field").asText(), is("name"));
    }

    @Test
    void aPrivateRoomsNameCannotBeProbedByCreatingOrRenamingARoom() {
        TestUser alice = Cluster.user();
        TestUser mallory = Cluster.user();
        String secret = name();
        long hidden = create(alice, secret, true).get("id").asLong();
        String unused = name();
        // Taken by a private room or by nothing: the same answers, public or private, created or renamed to.
        for (String candidate : new String[] {secret.toUpperCase(), unused}) {
            var asPublic = mallory.post(http, "/api/v1/rooms", Map.of("name", candidate, "isPrivate", false));
            assertThat(candidate, asPublic.status(), is(201));
            var asPrivate = mallory.post(http, "/api/v1/rooms", Map.of("name", candidate + "-p", "isPrivate", true));
            assertThat(candidate, asPrivate.status(), is(201));
        }
        long mine = create(mallory, name(), false).get("id").asLong();
        String secret2 = name();
        create(alice, secret2, true);
        var renamed = mallory.call(http, "PATCH", "/api/v1/rooms/" + mine, Map.of("name", secret2));
        assertThat(renamed.body(), renamed.status(), is(200));
        // Alice's room is untouched and still hers; public names stay unique.
        assertThat(alice.get(http, "/api/v1/rooms/" + hidden).json().get("name").asText(), is(secret));
        var publicAgain = alice.post(http, "/api/v1/rooms", Map.of("name", secret2.toUpperCase(), "isPrivate", false));
        assertThat(publicAgain.status(), is(409));
        // And a private room may be renamed to a name a public room has: nothing to learn from that either.
        var renamePrivate = alice.call(http, "PATCH", "/api/v1/rooms/" + hidden, Map.of("name", secret2));
        assertThat(renamePrivate.body(), renamePrivate.status(), is(200));
    }

    @Test
    void anyoneJoinsAPublicRoomAndMembersCanTalkThere() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long id = create(alice, name(), false).get("id").asLong();
        assertThat(bob.get(http, "/api/v1/rooms/" + id).status(), is(200));
        assertThat(bob.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "not yet")).status(), is(404));
        assertThat(bob.post(http, "/api/v1/rooms/" + id + "/join", null).status(), is(200));
        assertThat(bob.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "hi all")).status(), is(201));
        JsonNode history = alice.get(http, "/api/v1/chats/" + id + "/messages").json().get("messages");
        assertThat(history.get(0).get("text").asText(), is("hi all"));
        JsonNode mine = bob.get(http, "/api/v1/rooms").json();
        assertThat(mine.get(0).get("id").asLong(), is(id));
    }

    @Test
    void aPrivateRoomIsInvisibleToNonMembersUntilInvited() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser eve = Cluster.user();
        long id = create(alice, name(), true).get("id").asLong();
        assertThat(eve.get(http, "/api/v1/rooms/" + id).status(), is(404));
        assertThat(eve.post(http, "/api/v1/rooms/" + id + "/join", null).status(), is(404));
        assertThat(eve.post(http, "/api/v1/rooms/" + id + "/members", Map.of("userId", eve.id())).status(), is(404));
        assertThat(eve.get(http, "/api/v1/rooms/public").body().contains("\"id\":" + id + ","), is(false));

        var invited = alice.post(http, "/api/v1/rooms/" + id + "/members", Map.of("userId", bob.id()));
        assertThat(invited.body(), invited.status(), is(200));
        assertThat(bob.get(http, "/api/v1/rooms/" + id).json().get("members").size(), is(2));
        // A plain member cannot invite.
        assertThat(bob.post(http, "/api/v1/rooms/" + id + "/members", Map.of("userId", eve.id())).status(), is(403));
        assertThat(alice.post(http, "/api/v1/rooms/" + id + "/members", Map.of("userId", 9_000_000_000L)).json().get("field").asText(), is("userId"));
    }

    @Test
    void ownerPromotesAdminsWhoManageMembersAndRename() {
        TestUser owner = Cluster.user();
        TestUser admin = Cluster.user();
        TestUser member = Cluster.user();
        long id = create(owner, name(), false).get("id").asLong();
        admin.post(http, "/api/v1/rooms/" + id + "/join", null);
        member.post(http, "/api/v1/rooms/" + id + "/join", null);
        assertThat(admin.post(http, "/api/v1/rooms/" + id + "/admins", Map.of("userId", member.id())).status(), is(403));
        assertThat(owner.post(http, "/api/v1/rooms/" + id + "/admins", Map.of("userId", admin.id())).status(), is(200));

        String renamed = name();
        var r = admin.call(http, "PATCH", "/api/v1/rooms/" + id, Map.of("name", renamed));
        assertThat(r.body(), r.status(), is(200));
        assertThat(r.json().get("name").asText(), is(renamed));
        assertThat(member.call(http, "PATCH", "/api/v1/rooms/" + id, Map.of("name", name())).status(), is(403));

        assertThat(member.call(http, "DELETE", "/api/v1/rooms/" + id + "/members/" + admin.id(), null).status(), is(403));
        assertThat(admin.call(http, "DELETE", "/api/v1/rooms/" + id + "/members/" + owner.id(), null).status(), is(403));
        assertThat(admin.call(http, "DELETE", "/api/v1/rooms/" + id + "/members/" + member.id(), null).status(), is(200));
        assertThat(member.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "still here?")).status(), is(404));
        assertThat(member.get(http, "/api/v1/chats/" + id + "/messages").status(), is(404));
    }

    @Test
    void aMemberWhoLeavesIsGoneFromTheRoomAndItsChat() {
        TestUser owner = Cluster.user();
        TestUser bob = Cluster.user();
        long id = create(owner, name(), false).get("id").asLong();
        bob.post(http, "/api/v1/rooms/" + id + "/join", null);
        assertThat(bob.post(http, "/api/v1/rooms/" + id + "/leave", null).status(), is(204));
        JsonNode room = owner.get(http, "/api/v1/rooms/" + id).json();
        assertThat(room.get("ownerId").asLong(), is(owner.id()));
        assertThat(room.get("members").size(), is(1));
        assertThat(bob.post(http, "/api/v1/chats/" + id + "/messages", Map.of("text", "gone")).status(), is(404));
        assertThat(bob.post(http, "/api/v1/rooms/" + id + "/leave", null).status(), is(403));
    }
}
