package dev.courier.deploy.chart;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.courier.deploy.chart.Manifests.K8sObject;

/** The generated Secret holds keys the services accept, and an upgrade keeps what the cluster has. */
class SecretsTest {

    @AfterEach
    void forgetClusterSecret() {
        FakeKubeApi.secret("courier", "courier-secrets", null);
    }

    private static Map<String, String> secretData(List<K8sObject> objects) {
        K8sObject secret = objects.stream().filter(o -> o.kind().equals("Secret")).findFirst().orElseThrow();
        return Manifests.stringMap(secret.body().get("data"));
    }

    private static byte[] value(Map<String, String> data, String key) {
        return Base64.getDecoder().decode(data.get(key));
    }

    @Test
    void jwtSigningKeyIsAPkcs8P256KeyAsAuthExpects() throws Exception {
        byte[] der = Base64.getDecoder().decode(value(secretData(Charts.render(Map.of())), "jwt-signing-key"));
        ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        assertThat(key.getParams().getCurve().getField().getFieldSize(), is(256));
    }

    @Test
    void vapidKeysAreAMatchingP256PairInBase64Url() throws Exception {
        Map<String, String> data = secretData(Charts.render(Map.of()));
        byte[] pub = Base64.getUrlDecoder().decode(value(data, "vapid-public-key"));
        byte[] priv = Base64.getUrlDecoder().decode(value(data, "vapid-private-key"));
        assertThat(pub.length, is(65));
        assertThat(pub[0], is((byte) 4));
        assertThat(priv.length, is(32));

        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = params.getParameterSpec(ECParameterSpec.class);
        KeyFactory kf = KeyFactory.getInstance("EC");
        var privateKey = kf.generatePrivate(new ECPrivateKeySpec(new BigInteger(1, priv), p256));
        var publicKey = kf.generatePublic(new ECPublicKeySpec(new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(pub, 1, 33)), new BigInteger(1, Arrays.copyOfRange(pub, 33, 65))), p256));
        byte[] message = "push".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertThat("the public key belongs to the private key", verifier.verify(signature), is(true));
    }

    @Test
    void kafkaClusterIdIsSixteenBytesOfBase64Url() {
        String id = new String(value(secretData(Charts.render(Map.of())), "kafka-cluster-id"), StandardCharsets.US_ASCII);
        assertThat(id.length(), is(22));
        assertThat(Base64.getUrlDecoder().decode(id).length, is(16));
    }

    @Test
    void everyInstallWithoutASecretGetsFreshPasswords() {
        String first = secretData(Charts.render(Map.of())).get("redis-password");
        String second = secretData(Charts.render(Map.of())).get("redis-password");
        assertThat(first, not(second));
    }

    @Test
    void upgradeKeepsTheValuesTheClusterAlreadyHas() {
        FakeKubeApi.secret("courier", "courier-secrets", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"courier-secrets","namespace":"courier"},
                 "data":{"redis-password":"a2VwdA==","jwt-signing-key":"a2VwdC1rZXk="}}""");
        Map<String, String> data = secretData(Charts.render(Map.of()));
        assertThat(data.get("redis-password"), is("a2VwdA=="));
        assertThat(data.get("jwt-signing-key"), is("a2VwdC1rZXk="));
        // Keys added by a newer chart are generated once and then kept the same way.
        assertThat(data.get("postgres-password").isEmpty(), is(false));
    }

    @Test
    void existingSecretReplacesTheGeneratedOneEverywhere() {
        List<K8sObject> objects = Charts.render(Map.of("secrets.existingSecret", "vault-courier"));
        assertThat(objects.stream().anyMatch(o -> o.kind().equals("Secret")), is(false));
        String all = objects.toString() + objects.stream().map(o -> o.body().toString()).toList();
        assertThat(all.contains("courier-secrets"), is(false));
        assertThat(all.contains("name=vault-courier, key=jwt-signing-key"), is(true));
    }
}
