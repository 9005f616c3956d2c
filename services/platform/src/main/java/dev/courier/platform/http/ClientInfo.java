package dev.courier.platform.http;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who is calling. The socket's peer, unless that peer is one of the trusted proxies
 * ({@code courier.http.trustedproxies}: comma-separated addresses or CIDRs, none by default): then
 * {@code X-Forwarded-For} is walked from the right, skipping trusted proxies, and the first other
 * address is the client, the one a trusted proxy appended. Whatever a client writes into the header
 * itself sits to the left of that and is never used, so neither a forged address nor a forged
 * {@code 127.0.0.1} helps it. {@code X-Forwarded-Proto} is likewise honoured only from a trusted peer.
 */
public final class ClientInfo {

    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final int MAX_ADDRESS = 64;

    private final List<Cidr> trusted;

    public ClientInfo(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
    }

    /** From {@code courier.http.trustedproxies}. */
    public static ClientInfo fromConfig(Config config) {
        return new ClientInfo(Arrays.asList(config.get("courier.http.trustedproxies").asString().orElse("").split(",")));
    }

    /** The client's address (for sessions, logs and per-address limits). */
    public String address(ServerRequest req) {
        return address(peer(req), req.headers());
    }

    /**
     * The address to count per-address limits under, or null when the caller is a direct loopback
     * peer (a local test run or tool: every local client shares that address, and no remote client
     * can be one). A loopback address named in X-Forwarded-For is counted like any other.
     */
    public String limitAddress(ServerRequest req) {
        return limitAddress(peer(req), req.headers());
    }

    /** {@link #limitAddress(ServerRequest)} from a socket's peer and its upgrade request's headers. */
    public String limitAddress(String socketPeer, Headers headers) {
        String peer = socketPeer.startsWith("/") ? socketPeer.substring(1) : socketPeer;
        String address = address(peer, headers);
        return address.equals(peer) && loopback(peer) ? null : address;
    }

    public boolean secure(ServerRequest req) {
        return req.isSecure() || (trusted(peer(req)) && req.headers().first(FORWARDED_PROTO).map(p -> p.strip().equalsIgnoreCase("https")).orElse(false));
    }

    public static String userAgent(ServerRequest req) {
        String ua = req.headers().first(HeaderNames.USER_AGENT).orElse("");
        return ua.length() > 256 ? ua.substring(0, 256) : ua;
    }

    String address(String peer, Headers headers) {
        if (!trusted(peer) || !headers.contains(FORWARDED_FOR)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : headers.get(FORWARDED_FOR).allValues()) {
            for (String hop : value.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (hop.isEmpty()) {
                continue;
            }
            if (!trusted(hop) || i == 0) {
                return hop.length() <= MAX_ADDRESS ? hop : hop.substring(0, MAX_ADDRESS);
            }
        }
        return peer;
    }

    private static String peer(ServerRequest req) {
        String host = req.remotePeer().host();
        return host.startsWith("/") ? host.substring(1) : host;
    }

    private boolean trusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        byte[] bytes = literal(address);
        return bytes != null && trusted.stream().anyMatch(c -> c.contains(bytes));
    }

    static boolean loopback(String address) {
        byte[] bytes = literal(address);
        try {
            return bytes != null && InetAddress.getByAddress(bytes).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The bytes of an IP literal, or null for anything else (never a DNS lookup). */
    static byte[] literal(String s) {
        String a = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        boolean v4 = a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = a.contains(":") && a.matches("[0-9a-fA-F:.]{2,45}");
        if (!v4 && !v6) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(a).getAddress();
            if (b.length == 16 && isV4Mapped(b)) {
                return Arrays.copyOfRange(b, 12, 16);
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** An address block: {@code 10.0.0.0/8}, {@code fc00::/7}, or one address. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("courier.http.trustedproxies: '" + text + "' is not an address or CIDR block");
            }
            int bits = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("courier.http.trustedproxies: bad prefix length in '" + text + "'");
            }
            return new Cidr(address, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            if (bits == 0) {
                return true;
            }
            BigInteger mask = BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(address.length * 8 - bits).subtract(BigInteger.ONE));
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
