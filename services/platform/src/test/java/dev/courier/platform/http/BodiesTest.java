package dev.courier.platform.http;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BodiesTest {

    record Send(long palId, String message) {
    }

    private static ProblemException fails(String json) {
        return assertThrows(ProblemException.class, () -> Bodies.parse(json.getBytes(StandardCharsets.UTF_8), Send.class));
    }

    @Test
    void unknownFieldIsNamed() {
        ProblemException e = fails("{\"palId\":1,\"message\":\"hi\",\"admin\":true}");
        assertThat(e.problem().status(), is(400));
        assertThat(e.problem().field(), is("admin"));
    }

    @Test
    void wrongTypeIsNamed() {
        assertThat(fails("{\"palId\":\"x\",\"message\":\"hi\"}").problem().field(), is("palId"));
        assertThat(fails("{\"palId\":1.5,\"message\":\"hi\"}").problem().field(), is("palId"));
    }

    @Test
    void missingPrimitiveIsNamed() {
        assertThat(fails("{\"message\":\"hi\"}").problem().field(), is("palId"));
    }

    @Test
    void malformedJsonAndEmptyBodiesAreBadRequests() {
        assertThat(fails("{\"palId\":").problem().status(), is(400));
        assertThat(fails("").problem().status(), is(400));
        assertThat(fails("null").problem().status(), is(400));
    }

    @Test
    void validBodyParses() {
        Send s = Bodies.parse("{\"palId\":7,\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8), Send.class);
        assertThat(s.palId(), is(7L));
    }
}
