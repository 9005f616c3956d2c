package dev.courier.platform.users;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.helidon.webclient.grpc.GrpcClient;

import dev.courier.platform.tls.InternalTls;
import dev.courier.platform.users.v1.GetUsersRequest;
import dev.courier.platform.users.v1.GetUsersResponse;
import dev.courier.platform.users.v1.UserDirectoryGrpc;

/**
 * Looks users up in auth's gRPC {@code UserDirectory} (address from {@code courier.auth.grpc}:
 * "host:port", "https://host:port" or "http://host:port"). Unknown ids are simply absent from the
 * answer. Thread-safe; make one per service.
 * <p>
 * Transport: {@code https://} is TLS, {@code http://} is plain h2c; a bare "host:port" is TLS when
 * {@code courier.tls.ca} is set and plain otherwise. TLS trusts {@code courier.tls.ca} (else the
 * JDK's trust store) and verifies the host name. The choice is logged once at creation.
 */
public final class UserDirectoryClient {

    /** Ids per call; larger sets are split so no request grows without bound. */
    static final int BATCH = 500;

    private static final System.Logger LOG = System.getLogger(UserDirectoryClient.class.getName());

    private final Channel channel;
    private final long timeoutMillis;
    private final String hostPort;
    private final boolean secure;
    private final String credential;

    private UserDirectoryClient(Channel channel, long timeoutMillis, String hostPort, boolean secure, String credential) {
        this.channel = channel;
        this.credential = credential;
        this.timeoutMillis = timeoutMillis;
        this.hostPort = hostPort;
        this.secure = secure;
    }

    /**
     * @param address auth's gRPC listener, e.g. {@code auth:9081} or {@code https://auth:9081}; TLS
     *                settings ({@code courier.tls.ca}) come from the environment, as the chart sets them
     */
    public static UserDirectoryClient create(String address) {
        return create(address, InternalTls.fromEnvironment());
    }

    /** @param address auth's gRPC listener; {@code tls} says which CA a TLS connection trusts */
    public static UserDirectoryClient create(String address, InternalTls tls) {
        return create(address, tls, "");
    }

    /**
     * @param credential this service's credential for the directory (auth refuses a call without a
     *                   known one); empty sends none
     */
    public static UserDirectoryClient create(String address, InternalTls tls, String credential) {
        String hostPort = address.replaceFirst("^(?i)(https?)://", "");
        boolean secure = address.regionMatches(true, 0, "https://", 0, 8)
                || (!address.regionMatches(true, 0, "http://", 0, 7) && tls.ca().isPresent());
        GrpcClient client;
        if (secure) {
            client = GrpcClient.builder().baseUri("https://" + hostPort).tls(tls.clientTls()).build();
            LOG.log(Level.INFO, "UserDirectory client: gRPC over TLS to {0}, trusting {1}", hostPort,
                    tls.ca().map(p -> InternalTls.CA + "=" + p).orElse("the JDK's default trust store (" + InternalTls.CA + " is not set)"));
        } else {
            // Plain h2c: Helidon's gRPC client negotiates TLS unless told otherwise.
            client = GrpcClient.builder().baseUri("http://" + hostPort)
                    .tls(io.helidon.common.tls.Tls.builder().enabled(false).build()).build();
            LOG.log(Level.INFO, "UserDirectory client: plain gRPC (h2c, no TLS) to {0}", hostPort);
        }
        return new UserDirectoryClient(client.channel(), 5000, hostPort, secure, credential);
    }

    /** From a service's configuration: {@code courier.auth.grpc}, {@code courier.auth.directorycredential} and {@code courier.tls.*}. */
    public static UserDirectoryClient fromConfig(io.helidon.common.config.Config config) {
        return create(config.get("courier.auth.grpc").asString()
                .orElseThrow(() -> new IllegalStateException("courier.auth.grpc (host:port of auth's gRPC listener) is not set")),
                InternalTls.fromConfig(config), config.get("courier.auth.directorycredential").asString().orElse(""));
    }

    /** Whether calls go over TLS. */
    public boolean secure() {
        return secure;
    }

    /**
     * The users with these ids, by id. Throws {@link UserDirectoryException} when auth cannot be
     * reached or answers with an error, so callers can decide whether to degrade or fail.
     */
    public Map<Long, User> getUsers(Collection<Long> ids) {
        List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        Map<Long, User> users = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += BATCH) {
            List<Long> batch = distinct.subList(from, Math.min(distinct.size(), from + BATCH));
            GetUsersResponse response;
            try {
                response = UserDirectoryGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                        .getUsers(GetUsersRequest.newBuilder().addAllIds(batch).setCredential(credential).build());
            } catch (RuntimeException e) {
                throw failure(e);
            }
            response.getUsersList().forEach(u -> users.put(u.getId(), new User(u.getId(), u.getUsername(), u.getDisplayName(), u.getEmail())));
        }
        return users;
    }

    private UserDirectoryException failure(RuntimeException e) {
        if (secure && causedByTls(e)) {
            return new UserDirectoryException("UserDirectory.GetUsers failed the TLS handshake with " + hostPort
                    + " (is its certificate signed by the CA in " + InternalTls.CA + " and issued for this host name?): " + e, e);
        }
        if (e instanceof StatusRuntimeException s) {
            return new UserDirectoryException("UserDirectory.GetUsers failed: " + s.getStatus(), e);
        }
        // Helidon's client reports transport failures (refused, timeouts) with its own exceptions.
        return new UserDirectoryException("UserDirectory.GetUsers failed: " + e, e);
    }

    private static boolean causedByTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** A user as the directory describes it. */
    public record User(long id, String username, String displayName, String email) {
    }

    /** The directory could not answer. */
    public static final class UserDirectoryException extends RuntimeException {
        public UserDirectoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
