package dev.courier.notifier.preferences;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/** {@code /api/v1/notifications}: the caller's preferences and muted chats. */
public final class PreferenceService implements HttpService {

    /** Mutes longer than this are refused; "forever" is a year and can be renewed. */
    static final Duration MAX_MUTE = Duration.ofDays(366);

    private final PreferenceStore store;
    private final TokenVerifier verifier;
    private final Clock clock;
    private final ChatMembership membership;

    public PreferenceService(PreferenceStore store, TokenVerifier verifier, Clock clock, ChatMembership membership) {
        this.store = store;
        this.verifier = verifier;
        this.clock = clock;
        this.membership = membership;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/preferences", this::get)
                .put("/preferences", this::put)
                .get("/mutes", this::mutes)
                .put("/mutes/{chatId}", this::mute)
                .delete("/mutes/{chatId}", this::unmute);
    }

    private static final Set<String> FIELDS = Set.of("push", "email", "previews");

    public record MuteRequest(Instant until) {
    }

    private void get(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        Bodies.json(res, store.get(caller.userId()));
    }

    private void put(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        JsonNode body = Bodies.read(req, JsonNode.class);
        if (!body.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object.");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw ProblemException.badField(f, "Unknown field '" + f + "'.");
            }
        });
        Preferences p = new Preferences(required(body, "push"), required(body, "email"), required(body, "previews"));
        store.put(caller.userId(), p);
        Bodies.json(res, p);
    }

    private void mutes(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        Bodies.json(res, Map.of("mutes", store.activeMutes(caller.userId(), clock.instant())));
    }

    private void mute(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long chatId = Params.positiveId("chatId", req.path().pathParameters().get("chatId"));
        MuteRequest body = Bodies.read(req, MuteRequest.class);
        Instant now = clock.instant();
        if (body.until() == null) {
            throw ProblemException.badField("until", "'until' is required (an ISO-8601 instant).");
        }
        if (!body.until().isAfter(now)) {
            throw ProblemException.badField("until", "'until' must be in the future.");
        }
        if (body.until().isAfter(now.plus(MAX_MUTE))) {
            throw ProblemException.badField("until", "'until' must be within " + MAX_MUTE.toDays() + " days.");
        }
        // Only a chat of one's own: checked last, after the cheap checks, as the caller.
        membership.requireMember(TokenVerifier.token(req).orElseThrow(), chatId);
        store.mute(caller.userId(), chatId, body.until());
        Bodies.json(res, new Mute(chatId, body.until()));
    }

    private void unmute(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long chatId = Params.positiveId("chatId", req.path().pathParameters().get("chatId"));
        store.unmute(caller.userId(), chatId);
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * Every field is required and must be a JSON boolean: a PUT replaces the whole set, so a missing
     * one is a client error, not "false", and 1 or "yes" are not silently read as true.
     */
    private static boolean required(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isBoolean()) {
            throw ProblemException.badField(field, "'" + field + "' is required: true or false.");
        }
        return value.booleanValue();
    }
}
