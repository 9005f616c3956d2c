package dev.courier.platform.users;

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

import dev.courier.platform.users.v1.GetUsersRequest;
import dev.courier.platform.users.v1.GetUsersResponse;
import dev.courier.platform.users.v1.UserDirectoryGrpc;

/**
 * Looks users up in auth's gRPC {@code UserDirectory} (address from {@code courier.auth.grpc},
 * "host:port"). Unknown ids are simply absent from the answer. Thread-safe; make one per service.
 */
public final class UserDirectoryClient {

    /** Ids per call; larger sets are split so no request grows without bound. */
    static final int BATCH = 500;

    private final Channel channel;
    private final long timeoutMillis;

    private UserDirectoryClient(Channel channel, long timeoutMillis) {
        this.channel = channel;
        this.timeoutMillis = timeoutMillis;
    }

    /** @param hostPort auth's gRPC listener, e.g. {@code auth:9081} or {@code 127.0.0.1:9081} */
    public static UserDirectoryClient create(String hostPort) {
        // Plain h2c inside the cluster: Helidon's gRPC client negotiates TLS unless told otherwise.
        GrpcClient client = GrpcClient.builder().baseUri("http://" + hostPort)
                .tls(io.helidon.common.tls.Tls.builder().enabled(false).build()).build();
        return new UserDirectoryClient(client.channel(), 5000);
    }

    /** From a service's configuration: {@code courier.auth.grpc}. */
    public static UserDirectoryClient fromConfig(io.helidon.common.config.Config config) {
        return create(config.get("courier.auth.grpc").asString()
                .orElseThrow(() -> new IllegalStateException("courier.auth.grpc (host:port of auth's gRPC listener) is not set")));
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
                        .getUsers(GetUsersRequest.newBuilder().addAllIds(batch).build());
            } catch (StatusRuntimeException e) {
                throw new UserDirectoryException("UserDirectory.GetUsers failed: " + e.getStatus(), e);
            } catch (RuntimeException e) {
                // Helidon's client reports transport failures (refused, timeouts) with its own exceptions.
                throw new UserDirectoryException("UserDirectory.GetUsers failed: " + e, e);
            }
            response.getUsersList().forEach(u -> users.put(u.getId(), new User(u.getId(), u.getUsername(), u.getDisplayName(), u.getEmail())));
        }
        return users;
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
