package dev.courier.notifier.push;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.courier.platform.security.Es256;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 8291 section 5 (the worked example, detailed in appendix A), byte for byte. */
class PushEncryptionTest {

    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String BODY = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
            + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
            + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    @Test
    void encryptsTheRfc8291ExampleByteForByte() {
        KeyPair as = new KeyPair(Es256.fromUncompressed(B64.decode(AS_PUBLIC)), Vapid.privateKey(B64.decode(AS_PRIVATE)));
        byte[] body = PushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), B64.decode(UA_PUBLIC),
                B64.decode(AUTH_SECRET), as, B64.decode(SALT));
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body), is(BODY));
    }

    @Test
    void rejectsASubscriptionKeyThatIsNotOnTheCurve() {
        byte[] offCurve = B64.decode(UA_PUBLIC);
        offCurve[64] ^= 1;
        assertThrows(IllegalArgumentException.class,
                () -> PushEncryption.encrypt(new byte[] {1}, offCurve, B64.decode(AUTH_SECRET)));
    }

    @Test
    void usesAFreshSaltAndKeyForEveryMessage() {
        byte[] a = PushEncryption.encrypt(new byte[] {1}, B64.decode(UA_PUBLIC), B64.decode(AUTH_SECRET));
        byte[] b = PushEncryption.encrypt(new byte[] {1}, B64.decode(UA_PUBLIC), B64.decode(AUTH_SECRET));
        assertThat(java.util.Arrays.equals(java.util.Arrays.copyOf(a, 86), java.util.Arrays.copyOf(b, 86)), is(false));
    }

    @Test
    void refusesPayloadsThatDoNotFitOneRecord() {
        assertThrows(IllegalArgumentException.class, () -> PushEncryption.encrypt(
                new byte[PushEncryption.MAX_PLAINTEXT + 1], B64.decode(UA_PUBLIC), B64.decode(AUTH_SECRET)));
    }
}
