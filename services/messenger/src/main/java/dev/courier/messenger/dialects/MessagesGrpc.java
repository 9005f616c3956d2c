package dev.courier.messenger.dialects;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.courier.messenger.events.EventStream;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.grpc.PublicGrpc;
import dev.courier.platform.http.Json;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.seed002.messages.GetMessageHistoryRequest;
import dev.courier.platform.seed002.messages.GetMessageHistoryResponse;
import dev.courier.platform.seed002.messages.Message;
import dev.courier.platform.seed002.messages.MessageServiceGrpc;
import dev.courier.platform.seed002.messages.SendMessageRequest;
import dev.courier.platform.seed002.messages.SendMessageResponse;
import dev.courier.platform.seed002.messages.SubscribeMessagesRequest;

/**
 * Seed 002's gRPC {@code messages.MessageService} on messenger's public gRPC listener, the same
 * translation as its REST routes ({@link UsersMessagesHttp}), with the caller from the request's
 * {@code access_token} ({@link PublicGrpc}).
 *
 * <p>{@code SubscribeMessages} reads the caller's events from the durable stream ({@link EventStream#after}) every
 * {@code pollMillis} from the cursor current when the call started, and streams each new direct
 * message from someone else. Polling the stream, rather than hooking into the socket delivery core,
 * keeps this dialect independent of how sockets are fed; its cost is one indexed query per
 * subscriber per interval, and a message arrives within that interval.
 */
public final class MessagesGrpc extends MessageServiceGrpc.MessageServiceImplBase implements AutoCloseable {

    private static final int PAGE = 200;

    private final UsersMessagesHttp messages;
    private final TokenVerifier verifier;
    private final EventStream stream;
    private final long pollMillis;
    private final Set<Thread> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public MessagesGrpc(UsersMessagesHttp messages, TokenVerifier verifier, EventStream stream, long pollMillis) {
        this.messages = messages;
        this.verifier = verifier;
        this.stream = stream;
        this.pollMillis = pollMillis;
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> responses) {
        UsersMessagesHttp.SeedMessage sent;
        try {
            Caller caller = PublicGrpc.caller(verifier, request.getAccessToken());
            sent = messages.send(caller, request.getAccessToken(), request.getFromUserId(), request.getToUserId(), request.getText());
        } catch (RuntimeException e) {
            responses.onError(PublicGrpc.status(e));
            return;
        }
        responses.onNext(SendMessageResponse.newBuilder().setMessage(proto(sent)).build());
        responses.onCompleted();
    }

    @Override
    public void getMessageHistory(GetMessageHistoryRequest request, StreamObserver<GetMessageHistoryResponse> responses) {
        List<UsersMessagesHttp.SeedMessage> history;
        try {
            history = messages.history(PublicGrpc.caller(verifier, request.getAccessToken()), request.getUser1Id(), request.getUser2Id());
        } catch (RuntimeException e) {
            responses.onError(PublicGrpc.status(e));
            return;
        }
        GetMessageHistoryResponse.Builder out = GetMessageHistoryResponse.newBuilder();
        history.forEach(m -> out.addMessages(proto(m)));
        responses.onNext(out.build());
        responses.onCompleted();
    }

    @Override
    public void subscribeMessages(SubscribeMessagesRequest request, StreamObserver<Message> responses) {
        Caller caller;
        long start;
        try {
            caller = PublicGrpc.caller(verifier, request.getAccessToken());
            start = stream.head().pos();
        } catch (RuntimeException e) {
            responses.onError(PublicGrpc.status(e));
            return;
        }
        Thread.ofVirtual().name("seed002-subscription-" + caller.userId()).start(() -> stream(caller.userId(), start, responses));
    }

    private void stream(long userId, long after, StreamObserver<Message> responses) {
        subscribers.add(Thread.currentThread());
        long cursor = after;
        try {
            while (!closed && !cancelled(responses)) {
                EventStream.Page page = stream.after(userId, cursor, PAGE);
                for (EventStream.Event e : page.events()) {
                    Message m = directMessageTo(userId, e.json());
                    if (m != null) {
                        responses.onNext(m);
                    }
                }
                cursor = page.next(cursor);
                if (!page.full()) {
                    Thread.sleep(pollMillis);
                }
            }
            if (closed && !cancelled(responses)) {
                responses.onError(io.grpc.Status.UNAVAILABLE.withDescription("The server is stopping; subscribe again.").asRuntimeException());
            }
        } catch (InterruptedException e) {
            if (closed) {
                responses.onError(io.grpc.Status.UNAVAILABLE.withDescription("The server is stopping; subscribe again.").asRuntimeException());
            }
        } catch (RuntimeException e) {
            // The client went away (writing failed) or the stream could not be read: end the stream.
            try {
                responses.onError(PublicGrpc.status(e));
            } catch (RuntimeException ignored) {
                // Already cancelled.
            }
        } finally {
            subscribers.remove(Thread.currentThread());
        }
    }

    private static boolean cancelled(StreamObserver<Message> responses) {
        return responses instanceof ServerCallStreamObserver<Message> s && s.isCancelled();
    }

    /** A {@code message.created} event of a direct chat, sent by someone else, as the seed's message; else null. */
    private static Message directMessageTo(long userId, String json) {
        JsonNode e;
        try {
            e = Json.MAPPER.readTree(json);
        } catch (IOException ex) {
            return null;
        }
        JsonNode m = e.path("message");
        if (!MessageEvent.CREATED.equals(e.path("type").asText()) || !"direct".equals(e.path("conversationKind").asText())
                || m.path("senderId").asLong() == userId || m.path("deleted").asBoolean()) {
            return null;
        }
        Instant sentAt = Instant.parse(m.path("createdAt").asText());
        return Message.newBuilder().setId(m.path("id").asText()).setFromUserId(m.path("senderId").asText())
                .setToUserId(Long.toString(userId)).setText(m.path("text").asText(""))
                .setSentAt(Timestamp.newBuilder().setSeconds(sentAt.getEpochSecond()).setNanos(sentAt.getNano())).build();
    }

    private static Message proto(UsersMessagesHttp.SeedMessage m) {
        return Message.newBuilder().setId(m.id()).setFromUserId(m.fromUserId()).setToUserId(m.toUserId()).setText(m.text())
                .setSentAt(Timestamp.newBuilder().setSeconds(m.sentAt().getEpochSecond()).setNanos(m.sentAt().getNano())).build();
    }

    /** Ends every subscription (each tells its client to subscribe again). */
    @Override
    public void close() {
        closed = true;
        subscribers.forEach(Thread::interrupt);
    }
}
