package dev.courier.stats.api;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.counts.Grain;
import dev.courier.stats.counts.Metric;

/** {@code /api/v1/stats}: counts, busiest senders and chats, and time series. */
public final class StatsService implements HttpService {

    /** A series has at most this many points. */
    static final int MAX_POINTS = 1_440;
    static final int MAX_TOP = 100;

    private final CountStore counts;
    private final TokenVerifier verifier;

    public StatsService(CountStore counts, TokenVerifier verifier) {
        this.counts = counts;
        this.verifier = verifier;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/messages", this::messages)
                .get("/users/{id}", this::user)
                .get("/users/{id}/received", this::userReceived)
                .get("/users/{id}/sent", this::userSent)
                .get("/chats/{id}", this::chat)
                .get("/top/senders", (req, res) -> top(req, res, Metric.USER_SENT))
                .get("/top/chats", (req, res) -> top(req, res, Metric.CHAT))
                .get("/series", this::series);
    }

    /** All messages sent and all deliveries ("received": one per recipient per message). */
    record Totals(long since, long to, long messages, long received) {
    }

    record UserCounts(long userId, long since, long to, long sent, long received) {
    }

    record UserCount(long userId, long since, long to, long messages) {
    }

    record ChatCount(long chatId, long since, long to, long messages) {
    }

    record Top(long since, long to, List<CountStore.Ranked> items) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Series(String metric, Long id, String bucket, long since, long to, List<CountStore.Point> points) {
    }

    private void messages(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        Access.requireAdmin(caller);
        Bodies.json(res, new Totals(r.since(), r.to(), counts.count(Metric.MESSAGES, 0, r.since(), r.to()),
                counts.count(Metric.RECEIVED, 0, r.since(), r.to())));
    }

    private void user(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long user = Params.positiveId("id", req.path().pathParameters().get("id"));
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        Access.requireSelfOrAdmin(caller, user);
        Bodies.json(res, new UserCounts(user, r.since(), r.to(), counts.count(Metric.USER_SENT, user, r.since(), r.to()),
                counts.count(Metric.USER_RECEIVED, user, r.since(), r.to())));
    }

    private void userReceived(ServerRequest req, ServerResponse res) {
        userCount(req, res, Metric.USER_RECEIVED);
    }

    private void userSent(ServerRequest req, ServerResponse res) {
        userCount(req, res, Metric.USER_SENT);
    }

    private void userCount(ServerRequest req, ServerResponse res, Metric metric) {
        Caller caller = verifier.require(req);
        long user = Params.positiveId("id", req.path().pathParameters().get("id"));
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        Access.requireSelfOrAdmin(caller, user);
        Bodies.json(res, new UserCount(user, r.since(), r.to(), counts.count(metric, user, r.since(), r.to())));
    }

    private void chat(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long chat = Params.positiveId("id", req.path().pathParameters().get("id"));
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_COUNT_RANGE);
        // Stats does not know chat membership, so per-chat numbers are for operators.
        Access.requireAdmin(caller);
        Bodies.json(res, new ChatCount(chat, r.since(), r.to(), counts.count(Metric.CHAT, chat, r.since(), r.to())));
    }

    private void top(ServerRequest req, ServerResponse res, Metric metric) {
        Caller caller = verifier.require(req);
        TimeRange r = TimeRange.parse(req, TimeRange.MAX_TOP_RANGE).wholeDays();
        int limit = Params.limit(req, "limit", 10, MAX_TOP);
        Access.requireAdmin(caller);
        Bodies.json(res, new Top(r.since(), r.to(), counts.top(metric, r.since(), r.to(), limit)));
    }

    private void series(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        String metricName = Params.query(req, "metric")
                .orElseThrow(() -> ProblemException.badField("metric", "Query parameter 'metric' is required."));
        Metric metric = switch (metricName) {
            case "messages" -> Metric.MESSAGES;
            case "received" -> Metric.RECEIVED;
            case "user-sent" -> Metric.USER_SENT;
            case "user-received" -> Metric.USER_RECEIVED;
            case "chat" -> Metric.CHAT;
            default -> throw ProblemException.badField("metric",
                    "'metric' must be one of messages, received, user-sent, user-received, chat.");
        };
        String bucketName = Params.query(req, "bucket").orElse("hour");
        Grain grain = switch (bucketName) {
            case "minute" -> Grain.MINUTE;
            case "hour" -> Grain.HOUR;
            case "day" -> Grain.DAY;
            default -> throw ProblemException.badField("bucket", "'bucket' must be minute, hour or day.");
        };
        Long id = Params.query(req, "id").map(v -> Params.positiveId("id", v)).orElse(null);
        if (metric.subjectBound() && id == null) {
            throw ProblemException.badField("id", "'id' (the user or chat) is required for metric " + metricName + ".");
        }
        if (!metric.subjectBound() && id != null) {
            throw ProblemException.badField("id", "'id' is not allowed for metric " + metricName + ".");
        }
        TimeRange r = TimeRange.parse(req, (long) MAX_POINTS * grain.seconds());
        if (metric == Metric.USER_SENT || metric == Metric.USER_RECEIVED) {
            Access.requireSelfOrAdmin(caller, id);
        } else {
            Access.requireAdmin(caller);
        }
        long subject = id == null ? 0 : id;
        Bodies.json(res, new Series(metricName, id, bucketName.toLowerCase(Locale.ROOT), r.since(), r.to(),
                counts.series(metric, subject, grain, r.since(), r.to())));
    }
}
