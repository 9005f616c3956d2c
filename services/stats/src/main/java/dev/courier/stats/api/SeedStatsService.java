package dev.courier.stats.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.http.Bodies;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.counts.Metric;

/**
 * Seed 000's statistics API, exactly as written there: {@code GET /MessagesReceived},
 * {@code /MessagesReceivedByUser}, {@code /MessagesSentByUser} with {@code since} and {@code to}
 * in Unix seconds; the user is the caller. "Received" counts one per recipient per message, so
 * {@code /MessagesReceived} is every delivery in the range (the sum of all users' received).
 */
public final class SeedStatsService {

    private final CountStore counts;
    private final TokenVerifier verifier;

    public SeedStatsService(CountStore counts, TokenVerifier verifier) {
        this.counts = counts;
        this.verifier = verifier;
    }

    public void routing(HttpRouting.Builder routing) {
        routing.get("/MessagesReceived", this::received)
                .get("/MessagesReceivedByUser", (req, res) -> byUser(req, res, Metric.USER_RECEIVED))
                .get("/MessagesSentByUser", (req, res) -> byUser(req, res, Metric.USER_SENT));
    }

    record Total(long messages, long since, long to) {
    }

    record ByUser(@JsonProperty("user_id") long userId, long messages, long since, long to) {
    }

    private void received(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        Access.requireAdmin(caller);
        Bodies.json(res, new Total(counts.count(Metric.RECEIVED, 0, r.since(), r.to()), r.since(), r.to()));
    }

    private void byUser(ServerRequest req, ServerResponse res, Metric metric) {
        Caller caller = verifier.require(req);
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        Bodies.json(res, new ByUser(caller.userId(), counts.count(metric, caller.userId(), r.since(), r.to()), r.since(), r.to()));
    }
}
