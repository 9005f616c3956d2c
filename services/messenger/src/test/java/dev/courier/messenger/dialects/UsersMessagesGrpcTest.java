package dev.courier.messenger.dialects;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.okhttp.OkHttpChannelBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.MessengerApp;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.seed002.messages.GetMessageHistoryRequest;
import dev.courier.platform.seed002.messages.Message;
import dev.courier.platform.seed002.messages.MessageServiceGrpc;
import dev.courier.platform.seed002.messages.SendMessageRequest;
import dev.courier.platform.seed002.messages.SubscribeMessagesRequest;
import dev.courier.platform.seed002.users.GetUserRequest;
import dev.courier.platform.seed002.users.RegisterUserRequest;
import dev.courier.platform.seed002.users.RegisterUserResponse;
import dev.courier.platform.seed002.users.UserServiceGrpc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Seed 002's test client over gRPC with stubs generated from the published {@code users.proto} and
 * {@code messages.proto}: two users, messages both ways, history, and the subscription stream, against
 * auth's and messenger's real public gRPC listeners. The messages reach a Courier socket and Kafka.
 */
class UsersMessagesGrpcTest {

    private static final ManagedChannel USERS = channel(Cluster.authPublicGrpcPort());
    private static final ManagedChannel MESSAGES = channel(Cluster.a().server().port(MessengerApp.PUBLIC_GRPC_SOCKET));

    private static ManagedChannel channel(int port) {
        // Plain h2c, as behind the ingress's TLS and in ./courier dev; grpc-java's own transport, as the
        // seed's clients use a stock gRPC client (and Helidon 4.1.2's client reads error answers no better).
        return OkHttpChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    @AfterAll
    static void closeChannels() {
        USERS.shutdownNow();
        MESSAGES.shutdownNow();
    }

    private record SeedUser(String id, String token) {
    }

    private static SeedUser register(String username) {
        RegisterUserResponse r = UserServiceGrpc.newBlockingStub(USERS).withDeadlineAfter(20, TimeUnit.SECONDS)
                .registerUser(RegisterUserRequest.newBuilder().setUsername(username).build());
        assertThat(r.getUser().getUsername(), is(username));
        return new SeedUser(r.getUser().getId(), r.getAccessToken());
    }

    private static MessageServiceGrpc.MessageServiceBlockingStub messages() {
        return MessageServiceGrpc.newBlockingStub(MESSAGES).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static Message send(SeedUser from, SeedUser to, String text) {
        return messages().sendMessage(SendMessageRequest.newBuilder().setFromUserId(from.id()).setToUserId(to.id()).setText(text)
                .setAccessToken(from.token()).build()).getMessage();
    }

    private static List<Message> history(SeedUser as, SeedUser user1, SeedUser user2) {
        return messages().getMessageHistory(GetMessageHistoryRequest.newBuilder().setUser1Id(user1.id()).setUser2Id(user2.id())
                .setAccessToken(as.token()).build()).getMessagesList();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void theSeedsTestClientScenarioWithAGeneratedClient() throws Exception {
        SeedUser alice = register(unique("alice"));
        SeedUser bob = register(unique("bob"));
        assertThat(UserServiceGrpc.newBlockingStub(USERS).getUser(GetUserRequest.newBuilder().setId(bob.id()).build()).getUser().getId(),
                is(bob.id()));

        BlockingQueue<Message> bobsStream = new LinkedBlockingQueue<>();
        MessageServiceGrpc.newStub(MESSAGES).subscribeMessages(SubscribeMessagesRequest.newBuilder().setAccessToken(bob.token()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(Message m) {
                        bobsStream.add(m);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        // The subscription starts from the log's cursor when it is served; give the call a moment to reach the server.
        Thread.sleep(500);

        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES);
             WsTestClient bobWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + bob.token())) {
            bobWs.awaitType("ready");
            Message first = send(alice, bob, "Hello from alice");
            assertThat(first.getFromUserId(), is(alice.id()));
            assertThat(first.getToUserId(), is(bob.id()));
            Message second = send(bob, alice, "Hello from bob");
            Message third = send(alice, bob, "How are you?");

            List<Message> history = history(alice, alice, bob);
            assertThat(history.stream().map(Message::getText).toList(), contains("Hello from alice", "Hello from bob", "How are you?"));
            assertThat(history.get(1).getFromUserId(), is(bob.id()));

            // Bob's subscription streams what Alice sent him (not his own message).
            Message streamed1 = bobsStream.poll(15, TimeUnit.SECONDS);
            Message streamed2 = bobsStream.poll(15, TimeUnit.SECONDS);
            assertThat(streamed1 == null ? null : streamed1.getId(), is(first.getId()));
            assertThat(streamed2 == null ? null : streamed2.getText(), is("How are you?"));

            JsonNode delivered = bobWs.await(f -> "message.created".equals(f.path("type").asText())
                    && f.path("message").path("id").asText().equals(third.getId()), Duration.ofSeconds(15));
            assertThat(delivered.get("message").get("text").asText(), is("How are you?"));
            List<String> ids = List.of(first.getId(), second.getId(), third.getId());
            assertThat(topic.await(r -> MessageEvent.CREATED.equals(r.event().type())
                    && ids.contains(Long.toString(r.event().message().id())), 3, Duration.ofSeconds(30)).size(), is(3));
        }
    }

    /**
     * Refused calls fail and change nothing. Which status a client sees is Helidon 4.1.2's to get
     * wrong: its error answers lack ":status", which grpc-java reports as INTERNAL; the test asserts
     * the refusal and its lack of effect, not the code.
     */
    @Test
    void callsAreAuthenticatedAndOnlySendAsTheCaller() {
        SeedUser alice = register(unique("alice"));
        SeedUser bob = register(unique("bob"));
        SeedUser eve = register(unique("eve"));
        SendMessageRequest.Builder forged = SendMessageRequest.newBuilder().setFromUserId(alice.id()).setToUserId(bob.id()).setText("from eve");
        assertThrows(StatusRuntimeException.class, () -> messages().sendMessage(forged.build()));
        assertThrows(StatusRuntimeException.class, () -> messages().sendMessage(forged.setAccessToken("not-a-token").build()));
        assertThrows(StatusRuntimeException.class, () -> messages().sendMessage(forged.setAccessToken(eve.token()).build()));
        assertThat(history(alice, alice, bob).size(), is(0));
        send(alice, bob, "only for us");
        assertThrows(StatusRuntimeException.class, () -> history(eve, alice, bob));
        assertThrows(StatusRuntimeException.class, () -> messages().sendMessage(SendMessageRequest.newBuilder()
                .setFromUserId(alice.id()).setToUserId(bob.id()).setAccessToken(alice.token()).build()));
        assertThat(history(bob, alice, bob).stream().map(Message::getText).toList(), contains("only for us"));

        String taken = unique("taken");
        SeedUser first = register(taken);
        assertThrows(StatusRuntimeException.class, () -> UserServiceGrpc.newBlockingStub(USERS)
                .registerUser(RegisterUserRequest.newBuilder().setUsername(taken).build()));
        assertThat(UserServiceGrpc.newBlockingStub(USERS).getUser(GetUserRequest.newBuilder().setId(first.id()).build()).getUser().getUsername(),
                is(taken));
        assertThrows(StatusRuntimeException.class, () -> UserServiceGrpc.newBlockingStub(USERS)
                .getUser(GetUserRequest.newBuilder().setId("999999999").build()));
    }
}
