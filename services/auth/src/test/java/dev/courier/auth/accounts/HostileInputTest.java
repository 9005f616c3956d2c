package dev.courier.auth.accounts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Input a fuzzer sends, unauthenticated or not: NUL characters that PostgreSQL cannot store, broken
 * HTTP framing and over-long URLs. Each is a 4xx problem, never a 500.
 */
class HostileInputTest {

    private static AuthServer auth;
    private static Map<String, String> bearer;

    @BeforeAll
    static void server() {
        auth = AuthServer.shared();
        AuthServer.TestUser user = auth.register();
        bearer = AuthServer.bearer(auth.login(user.username(), AuthServer.PASSWORD).get("accessToken").asText());
    }

    private static void problem(Http.Response r, int status, String field) {
        assertThat(r.body(), r.status(), is(status));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        if (field != null) {
            assertThat(r.body(), r.json().get("field").asText(), is(field));
        }
    }

    @Test
    void aNulCharacterInABodyOrAQueryIsA400NamingTheField() {
        problem(auth.http.post("/api/v1/auth/login", Map.of("login", "ali\u0000ce", "password", "whatever it is"), Map.of()), 400, "login");
        problem(auth.http.post("/auth", Map.of("user", "ali\u0000ce", "pass", "whatever it is"), Map.of()), 400, "user");
        problem(auth.http.post("/api/v1/auth/register", Map.of("username", AuthServer.unique("nul"),
                "email", "x@example.test", "password", AuthServer.PASSWORD, "displayName", "a\u0000b"), Map.of()), 400, "displayName");
        problem(auth.http.get("/api/v1/users?prefix=ab%00cd", bearer), 400, "prefix");
    }

    /** Writes raw bytes and returns the whole answer (the server closes or answers with a length). */
    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", auth.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    int headEnd = answer.indexOf("\r\n\r\n");
                    if (headEnd > 0) {
                        String head = answer.substring(0, headEnd).toLowerCase();
                        int cl = head.indexOf("content-length:");
                        if (cl > 0) {
                            int len = Integer.parseInt(head.substring(cl + 15, head.indexOf('\r', cl) < 0 ? head.length() : head.indexOf('\r', cl)).trim());
                            if (answer.length() >= headEnd + 4 + len) {
                                break;
                            }
                        }
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // What arrived is the answer.
            }
            return answer.toString();
        }
    }

    private static void rawProblem(String answer, int status) {
        assertThat(answer, answer, startsWith("HTTP/1.1 " + status));
        assertThat(answer, answer.toLowerCase(), containsString("content-type: application/problem+json"));
        assertThat(answer, answer, containsString("\"status\":" + status));
    }

    @Test
    void aNegativeContentLengthIsA400Problem() throws IOException {
        rawProblem(raw("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: -5\r\nConnection: close\r\n\r\n{\"login\":\"a\",\"password\":\"b\"}"), 400);
    }

    @Test
    void aMalformedChunkSizeIsA400Problem() throws IOException {
        rawProblem(raw("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{\"login\":\"a\"}\r\n0\r\n\r\n"), 400);
    }

    @Test
    void aDisplayNameWithBidirectionalControlsIsRefused() {
        for (String name : new String[] {"alice\u202Egnp.exe", "\u2067bob\u2069", "carol\u200F"}) {
            problem(auth.http.method("PATCH", "/api/v1/users/me", java.util.Map.of("displayName", name), bearer), 400, "displayName");
        }
        problem(auth.http.post("/api/v1/auth/register", Map.of("username", AuthServer.unique("bidi"),
                "email", AuthServer.unique("bidi") + "@example.test", "password", AuthServer.PASSWORD, "displayName", "eve\u202Dx"), Map.of()), 400, "displayName");
    }

    @Test
    void apiAnswersAreNotCachedAndTellNoReferrer() {
        Http.Response me = auth.http.get("/api/v1/users/me", bearer);
        assertThat(me.status(), is(200));
        assertThat(me.header("Cache-Control"), is("no-store"));
        assertThat(me.header("Referrer-Policy"), is("no-referrer"));
        assertThat(me.header("X-Content-Type-Options"), is("nosniff"));
        assertThat(me.header("Content-Security-Policy"), is("default-src 'none'; frame-ancestors 'none'"));
        // Seed 003's profile, outside /api/, authenticated by a bare Authorization header.
        Http.Response seed = auth.http.get("/profile", Map.of("Authorization", bearer.get("Authorization").substring("Bearer ".length())));
        assertThat(seed.body(), seed.status(), is(200));
        assertThat(seed.header("Cache-Control"), is("no-store"));
        assertThat(seed.header("Content-Security-Policy"), is("default-src 'none'; frame-ancestors 'none'"));
        // Errors too: a problem document is no page either.
        Http.Response missing = auth.http.get("/api/v1/users/0", bearer);
        assertThat(missing.header("Content-Security-Policy"), is("default-src 'none'; frame-ancestors 'none'"));
    }

    @Test
    void anOverLongUrlIsA414Problem() throws IOException {
        rawProblem(raw("GET /api/v1/users?prefix=" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 414);
    }
}
