package dev.courier.messenger.users;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.courier.platform.http.ProblemException;
import dev.courier.platform.users.UserDirectoryClient;

/** Asks auth's gRPC {@code UserDirectory}; a positive answer is cached (users are never reused). */
public final class GrpcUserDirectory implements UserDirectory {

    private static final System.Logger LOG = System.getLogger(GrpcUserDirectory.class.getName());
    private static final int CACHE_LIMIT = 100_000;

    private final UserDirectoryClient client;
    private final Map<Long, Boolean> known = new ConcurrentHashMap<>();

    public GrpcUserDirectory(UserDirectoryClient client) {
        this.client = client;
    }

    @Override
    public boolean exists(long userId, String bearer) {
        if (known.containsKey(userId)) {
            return true;
        }
        boolean found;
        try {
            found = client.getUsers(List.of(userId)).containsKey(userId);
        } catch (UserDirectoryClient.UserDirectoryException e) {
            LOG.log(Level.WARNING, "Cannot ask auth's UserDirectory about user " + userId + ": " + e.getMessage());
            throw ProblemException.unavailable("The user directory cannot be reached; retry later.");
        }
        if (found) {
            if (known.size() >= CACHE_LIMIT) {
                known.clear();
            }
            known.put(userId, Boolean.TRUE);
        }
        return found;
    }
}
