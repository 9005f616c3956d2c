package dev.courier.loadtest;

import java.time.Duration;

/**
 * How hard and how long the simulations push, and what they accept. {@code smoke} is short and
 * gentle with very generous limits (a cold JVM on a busy 2-core CI box hashes passwords slowly), so
 * it is never flaky and still proves every flow works end to end: its real assertion is that no
 * request or check fails; {@code full} is the real load with strict percentiles. Sign-up and login
 * hash a password with Argon2id (tens of ms of CPU each, by design) and have their own limit. Every value can be
 * overridden by a system property of the same name ({@code -Dchat.users=500}).
 */
public record Profile(String name,
                      Duration duration,
                      double signUpsPerSecond,
                      double seedPairsPerSecond,
                      int chatUsers,
                      int chatRoomSize,
                      int chatMessagesPerUser,
                      Duration chatPause,
                      int readers,
                      int readsPerReader,
                      int p95Millis,
                      int p99Millis,
                      int passwordP99Millis) {

    public static Profile fromSystemProperties() {
        String name = System.getProperty("gatling.profile", "smoke").strip();
        Profile base = switch (name) {
            case "smoke" -> new Profile("smoke", Duration.ofSeconds(10), 0.3, 0.2, 6, 3, 5, Duration.ofMillis(500), 2, 5, 20_000, 30_000, 60_000);
            case "full" -> new Profile("full", Duration.ofSeconds(120), 4, 1, 1_000, 10, 60, Duration.ofSeconds(1), 50, 200, 100, 250, 2_000);
            default -> throw new IllegalArgumentException("gatling.profile must be smoke or full, not " + name);
        };
        return new Profile(name,
                Duration.ofSeconds(Long.getLong("duration", base.duration.toSeconds())),
                doubleProperty("signups.rate", base.signUpsPerSecond),
                doubleProperty("seed.rate", base.seedPairsPerSecond),
                Integer.getInteger("chat.users", base.chatUsers),
                Integer.getInteger("chat.roomSize", base.chatRoomSize),
                Integer.getInteger("chat.messages", base.chatMessagesPerUser),
                Duration.ofMillis(Long.getLong("chat.pauseMillis", base.chatPause.toMillis())),
                Integer.getInteger("readers", base.readers),
                Integer.getInteger("reads", base.readsPerReader),
                Integer.getInteger("p95", base.p95Millis),
                Integer.getInteger("p99", base.p99Millis),
                Integer.getInteger("passwordP99", base.passwordP99Millis));
    }

    private static double doubleProperty(String key, double fallback) {
        String value = System.getProperty(key);
        return value == null || value.isBlank() ? fallback : Double.parseDouble(value);
    }
}
