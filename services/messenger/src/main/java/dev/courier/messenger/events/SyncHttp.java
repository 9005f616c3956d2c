package dev.courier.messenger.events;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * {@code GET /api/v1/sync?after=N&limit=M}: the caller's durable events after cursor N, oldest
 * first, paged. The same log the WebSocket replays on resume.
 */
public final class SyncHttp implements HttpService {

    public static final int MAX_PAGE = 500;

    private final UserEventLog log;
    private final TokenVerifier verifier;

    public SyncHttp(UserEventLog log, TokenVerifier verifier) {
        this.log = log;
        this.verifier = verifier;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::sync);
    }

    private void sync(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long after = Params.optionalLong(req, "after").orElse(0L);
        int limit = Params.limit(req, "limit", 100, MAX_PAGE);
        Page page = page(log, caller.userId(), after, limit);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(page.json());
    }

    /** A page of events as JSON: {@code {"events":[...],"cursor":N,"hasMore":b}}. */
    public record Page(List<UserEventLog.Event> events, long cursor, boolean hasMore) {

        public String json() {
            StringBuilder sb = new StringBuilder("{\"events\":[");
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(events.get(i).json());
            }
            return sb.append("],\"cursor\":").append(cursor).append(",\"hasMore\":").append(hasMore).append('}').toString();
        }
    }

    /** Validates the cursor (not negative, not ahead of the log) and reads one page after it. */
    public static Page page(UserEventLog log, long userId, long after, int limit) {
        if (after < 0) {
            throw ProblemException.badField("after", "'after' must not be negative.");
        }
        List<UserEventLog.Event> events = log.after(userId, after, limit + 1);
        if (events.isEmpty() && after > 0 && after > log.lastCursor(userId)) {
            throw ProblemException.badField("after", "Cursor " + after + " is ahead of your event log.");
        }
        boolean more = events.size() > limit;
        List<UserEventLog.Event> page = more ? events.subList(0, limit) : events;
        return new Page(page, page.isEmpty() ? after : page.get(page.size() - 1).cursor(), more);
    }
}
