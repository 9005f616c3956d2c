package dev.courier.auth.profiles;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.auth.users.Validation;
import dev.courier.auth.web.Authn;
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/** {@code /api/v1/users/**}: my profile, anyone's public profile, name search. */
public final class ProfileEndpoints {

    private final Profiles profiles;
    private final Authn authn;

    public ProfileEndpoints(Profiles profiles, Authn authn) {
        this.profiles = profiles;
        this.authn = authn;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.GET, "/api/v1/users/me", this::me)
                .add(r, Method.PATCH, "/api/v1/users/me", this::changeMe)
                .add(r, Method.GET, "/api/v1/users", this::search)
                .add(r, Method.GET, "/api/v1/users/{id}", this::byId);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        Bodies.json(res, profiles.get(caller.userId()).orElseThrow(() -> ProblemException.notFound("No such user.")));
    }

    /** Only the caller's own profile can change: there is no route that takes another user's id. */
    private void changeMe(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        ChangeProfile body = Bodies.read(req, ChangeProfile.class);
        Validation.required("displayName", body.displayName());
        Bodies.json(res, profiles.changeDisplayName(caller.userId(), body.displayName())
                .orElseThrow(() -> ProblemException.notFound("No such user.")));
    }

    private void byId(ServerRequest req, ServerResponse res) {
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        Bodies.json(res, profiles.get(id).map(Profile::publicView).orElseThrow(() -> ProblemException.notFound("No such user.")));
    }

    private void search(ServerRequest req, ServerResponse res) {
        authn.require(req);
        String prefix = Params.query(req, "prefix")
                .orElseThrow(() -> ProblemException.badField("prefix", "Query parameter 'prefix' is required."));
        if (prefix.isBlank() || prefix.length() > 64) {
            throw ProblemException.badField("prefix", "'prefix' must have 1 to 64 characters.");
        }
        int limit = Params.limit(req, "limit", 20, 100);
        Bodies.json(res, profiles.search(prefix.strip(), limit));
    }

    record ChangeProfile(@JsonDeserialize(using = StrictString.class) String displayName) {
    }
}
