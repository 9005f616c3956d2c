package dev.courier.notifier.push;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.helidon.webclient.spi.DnsResolver;

/**
 * Where the notifier may send a push: a push service on the public internet, never loopback, a
 * private, shared (CGNAT) or unique-local network, link-local (which holds cloud metadata at
 * 169.254.169.254 and fd00:ec2::254... is unique-local), multicast or an unspecified address, and
 * only https on port 443 (no other port, so an endpoint cannot reach another protocol's listener).
 * An operator may narrow it to known push services with {@code courier.notifier.push.allowedhosts}
 * (comma-separated host names; {@code *.example.com} or {@code .example.com} allows every
 * subdomain).
 *
 * <p>The subscription API checks an endpoint when it is posted; {@link PushSender} checks it again
 * when it sends, through {@link #resolver()}: the HTTP client asks it for the address to connect
 * to, it resolves the name once, refuses unless every answer is public, and hands back the address
 * it checked, so no second lookup (DNS rebinding) can slip another address in between.
 *
 * <p>{@code allowLoopbackHttp} is for local runs and tests, where a receiver on this machine stands
 * in for a push service: it accepts {@code http://127.0.0.1:<any port>} (and {@code [::1]}), the
 * loopback literals only. A host name is still resolved and must be public, so a name that points
 * at this machine is refused there too.
 */
public final class PushTargets {

    private static final Set<String> LOOPBACK_LITERALS = Set.of("127.0.0.1", "[::1]", "::1");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[.*]|.*:.*");

    private final Set<String> allowedHosts;
    private final Set<Integer> ports;
    private final boolean allowLoopbackHttp;

    /**
     * @param allowedHosts comma-separated push service hosts, empty for any public host
     * @param ports        comma-separated ports an endpoint may name (443; tests add a local listener's)
     */
    public PushTargets(String allowedHosts, String ports, boolean allowLoopbackHttp) {
        this.allowedHosts = Arrays.stream(allowedHosts.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).map(s -> s.startsWith("*.") ? s.substring(1) : s)
                .collect(Collectors.toUnmodifiableSet());
        this.ports = Arrays.stream(ports.split(",")).map(String::strip).filter(p -> !p.isEmpty()).map(Integer::valueOf)
                .collect(Collectors.toUnmodifiableSet());
        this.allowLoopbackHttp = allowLoopbackHttp;
    }

    /** Why an endpoint may not be used as it is written (scheme, host, port, allow-list), without resolving it. */
    public Optional<String> refusal(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawFragment() != null) {
            return Optional.of("'endpoint' must be an absolute URL with a host and no credentials.");
        }
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        boolean local = allowLoopbackHttp && LOOPBACK_LITERALS.contains(host);
        if (!scheme.equals("https") && !(local && scheme.equals("http"))) {
            return Optional.of("'endpoint' must be an https URL.");
        }
        if (host.endsWith(".")) {
            return Optional.of("'endpoint' must name its host without a trailing dot.");
        }
        // Push services are named hosts; an address would let a caller aim the notifier at the internal network.
        if (!local && IP_LITERAL.matcher(host).matches()) {
            return Optional.of("'endpoint' must name a push service host, not an address.");
        }
        if (!local && !ports.contains(endpoint.getPort() == -1 ? 443 : endpoint.getPort())) {
            return Optional.of("'endpoint' must use the https port 443.");
        }
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(a -> a.startsWith(".") ? host.endsWith(a) : host.equals(a))) {
            return Optional.of("'endpoint' is not on a push service this server allows.");
        }
        return Optional.empty();
    }

    /**
     * {@link #refusal} and then the host resolved now: a reason to refuse, or none (also when the
     * host does not resolve at the moment, which a push service may fix by the time of sending).
     */
    public Optional<String> check(URI endpoint) {
        Optional<String> refusal = refusal(endpoint);
        if (refusal.isPresent()) {
            return refusal;
        }
        try {
            addresses(endpoint.getHost());
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of("'endpoint' must be a push service on the public internet (" + e.getMessage() + ").");
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** For the HTTP client: the address to connect to, resolved and checked once per connection. */
    public DnsResolver resolver() {
        // The addresses keep the name, so TLS sends it as SNI and verifies the certificate against it.
        return (hostname, lookup) -> {
            List<InetAddress> checked;
            try {
                checked = addresses(hostname);
            } catch (UnknownHostException e) {
                throw new UncheckedIOException(e);
            }
            InetAddress[] preferred = lookup.filter(checked.toArray(InetAddress[]::new));
            return preferred.length > 0 ? preferred[0] : checked.getFirst();
        };
    }

    /** Every address {@code host} resolves to now, all of them public (or the loopback literal of a local run). */
    List<InetAddress> addresses(String host) throws UnknownHostException {
        String h = host.toLowerCase(Locale.ROOT);
        InetAddress[] all = InetAddress.getAllByName(h);
        boolean local = allowLoopbackHttp && LOOPBACK_LITERALS.contains(h);
        for (InetAddress a : all) {
            if (!(local && a.isLoopbackAddress()) && !isPublic(a)) {
                // One private answer among public ones is refused too: the client might pick it.
                throw new Refused(host + " resolves to the non-public address " + a.getHostAddress());
            }
        }
        return List.of(all);
    }

    /** Whether an address is on the public internet. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0                                          // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // shared address space (CGNAT), RFC 6598
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19))    // benchmarking
                    && first < 224;                                    // multicast, reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {                              // unique local fc00::/7 (AWS metadata fd00:ec2::254)
                return false;
            }
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {              // deprecated site-local fec0::/10
                return false;
            }
            boolean mapped = true;                                     // ::ffff:a.b.c.d carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return isPublic(v4(Arrays.copyOfRange(b, 12, 16)));
            }
            if (first == 0x20 && b[1] == 0x02) {                       // 6to4 2002::/16 embeds an IPv4 address
                return isPublic(v4(Arrays.copyOfRange(b, 2, 6)));
            }
            if (first == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) { // NAT64 64:ff9b::/96
                return isPublic(v4(Arrays.copyOfRange(b, 12, 16)));
            }
            return true;
        }
        return false;
    }

    private static InetAddress v4(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A host that resolves to an address a push may not go to. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
