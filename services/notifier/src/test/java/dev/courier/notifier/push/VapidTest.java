package dev.courier.notifier.push;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.platform.http.Json;
import dev.courier.platform.security.Es256;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

class VapidTest {

    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    @Test
    void signsATokenForTheEndpointOriginThatVerifiesWithThePublishedKey() {
        Vapid vapid = Vapid.generate("mailto:ops@courier.test");
        Instant now = Instant.now();
        String header = vapid.authorization(URI.create("https://push.example.net:8443/wpush/v2/abc?x=1"), now);

        assertThat(header.startsWith("vapid t="), is(true));
        String token = header.substring("vapid t=".length(), header.indexOf(", k="));
        String key = header.substring(header.indexOf(", k=") + 4);
        assertThat(key, is(vapid.publicKeyBase64()));

        String[] parts = token.split("\\.");
        byte[] signature = B64.decode(parts[2]);
        assertThat(signature.length, is(64));
        assertThat(Es256.verify(Es256.fromUncompressed(B64.decode(key)),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature), is(true));

        Map<?, ?> jwtHeader = Json.read(B64.decode(parts[0]), Map.class);
        assertThat(jwtHeader.get("alg"), is("ES256"));
        Map<?, ?> claims = Json.read(B64.decode(parts[1]), Map.class);
        assertThat(claims.get("aud"), is("https://push.example.net:8443"));
        assertThat(claims.get("sub"), is("mailto:ops@courier.test"));
        long exp = ((Number) claims.get("exp")).longValue();
        assertThat(exp - now.getEpochSecond(), lessThanOrEqualTo(Duration.ofHours(24).toSeconds()));
    }

    @Test
    void keysSurviveARoundTripThroughTheirBase64Form() {
        Vapid vapid = Vapid.generate("mailto:a@b.test");
        Vapid again = Vapid.of(vapid.publicKeyBase64(), vapid.privateKeyBase64(), "mailto:a@b.test");
        assertThat(again.publicKeyBase64(), is(vapid.publicKeyBase64()));
        assertThat(B64.decode(again.privateKeyBase64()).length, is(32));
    }

    @Test
    void theAudienceOmitsDefaultPortsPathAndQuery() {
        assertThat(Vapid.origin(URI.create("https://fcm.googleapis.com:443/fcm/send/x")), is("https://fcm.googleapis.com"));
        assertThat(Vapid.origin(URI.create("http://127.0.0.1:9000/p")), is("http://127.0.0.1:9000"));
    }
}
