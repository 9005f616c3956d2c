package dev.courier.auth.openapi;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.courier.auth.AuthServer;
import dev.courier.auth.web.RouteTable;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class OpenApiTest {

    private final AuthServer auth = AuthServer.shared();

    @Test
    void theDocumentIsOpenApi31AndDescribesExactlyTheRoutesTheServerHas() {
        Http.Response r = auth.http.get("/openapi");
        assertThat(r.status(), is(200));
        Map<String, Object> doc = new Yaml().load(r.body());
        assertThat(String.valueOf(doc.get("openapi")), startsWith("3.1"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new HashSet<>();
        paths.forEach((path, ops) -> ops.keySet().forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path)));
        Set<String> routed = new HashSet<>();
        for (RouteTable.Route route : auth.app.routes()) {
            routed.add(route.method() + " " + route.path());
        }
        assertThat(routed.isEmpty(), is(false));
        Set<String> undocumented = new HashSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new HashSet<>(documented);
        unrouted.removeAll(routed);
        assertThat("routes missing from the document", undocumented, is(Set.of()));
        assertThat("documented operations with no route", unrouted, is(Set.of()));
    }

    @Test
    void onlyAnAdminRotatesTheSigningKey() {
        AuthServer.TestUser u = auth.register();
        String token = auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText();
        assertThat(auth.http.post("/internal/keys/rotate", "", AuthServer.bearer(token)).status(), is(403));
        assertThat(auth.http.post("/internal/keys/rotate", "", Map.of()).status(), is(401));
    }
}
