package dev.courier.notifier.push;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Which addresses and URLs a push may go to (the resolution itself is covered by SendTimeAddressTest). */
class PushTargetsTest {

    @Test
    void onlyPublicInternetAddressesArePublic() throws Exception {
        for (String a : List.of("127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1",
                "100.127.255.254", "169.254.169.254", "fe80::1", "fd00:ec2::254", "fc00::1", "fec0::1", "0.0.0.0", "::",
                "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:a00:1::",
                "64:ff9b::a9fe:a9fe", "192.0.0.1", "198.18.0.1")) {
            assertThat(a, PushTargets.isPublic(InetAddress.getByName(a)), is(false));
        }
        for (String a : List.of("142.250.74.10", "2a00:1450:4001:80b::200a", "100.128.0.1", "::ffff:8.8.8.8", "2002:808:808::",
                "64:ff9b::808:808")) {
            assertThat(a, PushTargets.isPublic(InetAddress.getByName(a)), is(true));
        }
    }

    @Test
    void anEndpointMustBeHttpsOnAnAllowedPortAndHostBeforeItIsResolved() {
        PushTargets targets = new PushTargets("*.push.services.mozilla.com, fcm.googleapis.com", "443", false);
        assertThat(targets.refusal(URI.create("https://fcm.googleapis.com/fcm/send/x")).isPresent(), is(false));
        assertThat(targets.refusal(URI.create("https://updates.push.services.mozilla.com/wpush/v2/x")).isPresent(), is(false));
        assertThat(targets.refusal(URI.create("https://fcm.googleapis.com:443/x")).isPresent(), is(false));
        for (String refused : List.of("https://push.services.mozilla.com.evil.example/x", "https://evilfcm.googleapis.com/x",
                "https://fcm.googleapis.com:8443/x", "http://fcm.googleapis.com/x", "https://fcm.googleapis.com./x",
                "https://user@fcm.googleapis.com/x", "https://142.250.74.10/x", "https://[2a00:1450::1]/x", "http://127.0.0.1:8080/x")) {
            assertThat(refused, targets.refusal(URI.create(refused)).isPresent(), is(true));
        }
    }

    @Test
    void aLocalRunAcceptsTheLoopbackLiteralButNoNameForIt() {
        PushTargets local = new PushTargets("", "443", true);
        assertThat(local.refusal(URI.create("http://127.0.0.1:8080/push/x")).isPresent(), is(false));
        assertThat(local.check(URI.create("http://127.0.0.1:8080/push/x")).isPresent(), is(false));
        assertThat(local.refusal(URI.create("http://localhost:8080/push/x")).isPresent(), is(true));
        assertThat(local.check(URI.create("https://localhost/push/x")).isPresent(), is(true));
        assertThat(local.refusal(URI.create("http://10.0.0.7:8080/push/x")).isPresent(), is(true));
    }
}
