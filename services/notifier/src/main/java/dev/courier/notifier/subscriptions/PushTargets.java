package dev.courier.notifier.subscriptions;

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
import java.util.stream.Collectors;

/**
 * Where the notifier may send a push: a push service on the public internet, never loopback, a
 * private or shared network, link-local (which holds cloud metadata at 169.254.169.254), multicast
 * or an unspecified address, and only on port 443 (no other port, so an https URL cannot reach
 * another protocol's listener). An operator may narrow it to known push services with
 * {@code courier.notifier.push.allowedhosts} (comma-separated host names; a leading dot allows
 * every subdomain, e.g. {@code .googleapis.com,.push.services.mozilla.com,.notify.windows.com,.push.apple.com}).
 *
 * <p>{@link #check} resolves the host now and answers the addresses that passed, so a sender can
 * connect to exactly those (a name resolved again later could answer differently: DNS rebinding).
 * The subscription API checks at subscription time; the dispatch path must call it again at send
 * time and connect to the address it returns.
 */
public final class PushTargets {

    private final Set<String> allowedHosts;

    public PushTargets(String allowedHosts) {
        this.allowedHosts = Arrays.stream(allowedHosts.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Why an https endpoint may not be used, or empty with the checked addresses (empty when the host does not resolve now). */
    public Result check(URI endpoint) {
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            return Result.refused("'endpoint' must name its host without a trailing dot.");
        }
        if (endpoint.getPort() != -1 && endpoint.getPort() != 443) {
            return Result.refused("'endpoint' must use the https port 443.");
        }
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(a -> a.startsWith(".") ? host.endsWith(a) : host.equals(a))) {
            return Result.refused("'endpoint' is not on a push service this server allows.");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new Result(Optional.empty(), List.of());
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                return Result.refused("'endpoint' must be a push service on the public internet.");
            }
        }
        return new Result(Optional.empty(), List.of(addresses));
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
            if ((first & 0xfe) == 0xfc) {                              // unique local fc00::/7
                return false;
            }
            boolean mapped = true;                                     // ::ffff:a.b.c.d carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** The outcome: a reason to refuse, or the addresses checked. */
    public record Result(Optional<String> refusal, List<InetAddress> addresses) {
        static Result refused(String why) {
            return new Result(Optional.of(why), List.of());
        }
    }
}
