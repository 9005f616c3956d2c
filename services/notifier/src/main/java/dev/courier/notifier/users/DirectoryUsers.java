package dev.courier.notifier.users;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.courier.platform.users.UserDirectoryClient;

/**
 * Users from auth's gRPC {@code UserDirectory}, cached for a minute because a busy room asks for
 * the same sender again and again. When auth cannot answer, the notification still goes out, with
 * "Someone" as the sender and no email (the directory is the only source of addresses).
 */
public final class DirectoryUsers implements Users {

    private static final System.Logger LOG = System.getLogger(DirectoryUsers.class.getName());
    private static final Duration CACHE = Duration.ofMinutes(1);
    private static final int MAX_CACHED = 100_000;

    private final UserDirectoryClient client;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    public DirectoryUsers(UserDirectoryClient client) {
        this.client = client;
    }

    private record Cached(UserInfo user, long at) {
    }

    @Override
    public Map<Long, UserInfo> find(Collection<Long> ids) {
        Map<Long, UserInfo> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        long now = System.nanoTime();
        for (Long id : ids) {
            Cached c = cache.get(id);
            if (c != null && now - c.at() < CACHE.toNanos()) {
                out.put(id, c.user());
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        try {
            if (cache.size() > MAX_CACHED) {
                cache.clear();
            }
            client.getUsers(missing).forEach((id, u) -> {
                UserInfo info = new UserInfo(u.id(), u.username(), u.displayName(), u.email());
                cache.put(id, new Cached(info, now));
                out.put(id, info);
            });
        } catch (UserDirectoryClient.UserDirectoryException e) {
            LOG.log(Level.WARNING, "UserDirectory unavailable; notifying without names and email: {0}", e.getMessage());
        }
        return out;
    }
}
