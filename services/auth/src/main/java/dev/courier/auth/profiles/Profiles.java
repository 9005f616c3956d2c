package dev.courier.auth.profiles;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

import dev.courier.auth.users.UserStore;
import dev.courier.auth.users.Validation;
import dev.courier.platform.http.Json;

/** Profiles read through a Redis cache ({@code courier:auth:profile:<id>}), invalidated on every change. */
public final class Profiles {

    private static final String PREFIX = "courier:auth:profile:";

    private final UserStore users;
    private final JedisPooled redis;
    private final Duration ttl;

    public Profiles(UserStore users, JedisPooled redis, Duration ttl) {
        this.users = users;
        this.redis = redis;
        this.ttl = ttl;
    }

    public Optional<Profile> get(long id) {
        String cached = redis.get(PREFIX + id);
        if (cached != null) {
            return Optional.of(Json.read(cached.getBytes(java.nio.charset.StandardCharsets.UTF_8), Profile.class));
        }
        Optional<Profile> profile = users.byId(id).map(Profile::of);
        profile.ifPresent(p -> redis.set(PREFIX + id, Json.writeString(p), SetParams.setParams().ex(ttl.toSeconds())));
        return profile;
    }

    public Optional<Profile> changeDisplayName(long id, String displayName) {
        String valid = Validation.displayName("displayName", displayName);
        Optional<Profile> changed = users.setDisplayName(id, valid).map(Profile::of);
        invalidate(id);
        return changed;
    }

    public List<Profile.PublicProfile> search(String prefix, int limit) {
        return users.search(prefix, limit).stream().map(u -> Profile.of(u).publicView()).toList();
    }

    public void invalidate(long id) {
        redis.del(PREFIX + id);
    }
}
