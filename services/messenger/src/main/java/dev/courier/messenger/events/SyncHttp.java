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
 * first, paged. The same stream the WebSocket replays on resume.
 */
public final class SyncHttp implements HttpService {

    public static final int MAX_PAGE = 500;

    private final EventStream stream;
    private final TokenVerifier verifier;

    public SyncHttp(EventStream stream, TokenVerifier verifier) {
        this.stream = stream;
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
        Page page = page(stream, caller.userId(), after, limit);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(page.json());
    }

    /** A page of events as JSON: {@code {"events":[...],"cursor":N,"hasMore":b}}. */
    public record Page(List<EventStream.Event> events, long cursor, boolean hasMore) {

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

    /**
     * Validates the cursor (not negative, not ahead of the stream) and reads one page after it. The
     * page's cursor is where the next page starts: past the last event, up to the stream's head
     * when the caller has nothing more (so an idle user's cursor still moves on).
     */
    public static Page page(EventStream stream, long userId, long after, int limit) {
        if (after < 0) {
            throw ProblemException.badField("after", "'after' must not be negative.");
        }
        EventStream.Page read = stream.after(userId, after, limit);
        if (after > read.head().pos()) {
            throw ProblemException.badField("after", "Cursor " + after + " is ahead of the event stream.");
        }
        return new Page(read.events(), read.next(after), read.full());
    }
}
