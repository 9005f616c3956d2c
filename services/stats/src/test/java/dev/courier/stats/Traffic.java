package dev.courier.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.courier.platform.events.MessageEvent;

/**
 * A test's own messages: users, chats, ids and a time window (somewhere in 2200-2299) that no one
 * else uses, so numbers for them are exact on the shared database and topic. Knows the true answer
 * to every question the stats API answers.
 */
public final class Traffic {

    public final long userBase;
    public final long chatBase;
    public final long messageBase;
    /** Start of the window, aligned to a UTC day. */
    public final long t0;
    public final List<Long> users = new ArrayList<>();
    public final Map<Long, List<Long>> members = new HashMap<>();
    public final List<MessageEvent> created = new ArrayList<>();
    /** Everything to produce: created, plus edits, deletes and redeliveries that must not count. */
    public final List<MessageEvent> events = new ArrayList<>();
    private final Random random;

    /** Traffic between made-up users (ids far from real ones). */
    public Traffic(long seed, int userCount, int messages, long windowSeconds) {
        this(seed, null, userCount, messages, windowSeconds);
    }

    /** Traffic between these (real, registered) users. */
    public Traffic(long seed, List<Long> userIds, int messages, long windowSeconds) {
        this(seed, userIds, userIds.size(), messages, windowSeconds);
    }

    private Traffic(long seed, List<Long> userIds, int userCount, int messages, long windowSeconds) {
        random = new Random(seed);
        long unique = System.nanoTime() & ((1L << 40) - 1);
        userBase = (1L << 50) + unique * 100;
        chatBase = (1L << 51) + unique * 100;
        messageBase = (1L << 52) + unique * 100_000;
        t0 = 7_258_118_400L + (unique % 36_000) * 86_400;
        for (int i = 1; i <= userCount; i++) {
            users.add(userIds == null ? userBase + i : userIds.get(i - 1));
        }
        // direct chats between neighbours, and two rooms
        for (int i = 0; i + 1 < userCount; i++) {
            members.put(chatBase + i + 1, List.of(users.get(i), users.get(i + 1)));
        }
        members.put(chatBase + 90, List.copyOf(users));
        members.put(chatBase + 91, users.subList(0, Math.min(4, userCount)));
        List<Long> chats = new ArrayList<>(members.keySet());
        chats.sort(Long::compare);
        // seconds on and around bucket boundaries, the rest random
        long[] edges = {0, 59, 60, 61, 3_599, 3_600, 86_399, 86_400, 86_401};
        for (int i = 0; i < messages; i++) {
            long chat = chats.get(random.nextInt(chats.size()));
            List<Long> in = members.get(chat);
            long sender = in.get(random.nextInt(in.size()));
            long at = i < edges.length && edges[i] < windowSeconds ? t0 + edges[i] : t0 + (long) (random.nextDouble() * windowSeconds);
            Instant created = Instant.ofEpochSecond(at, random.nextInt(1_000_000_000));
            long id = messageBase + i + 1;
            MessageEvent e = event(MessageEvent.CREATED, "created-" + id, chat, id, sender, created, false,
                    in.stream().filter(u -> u != sender).toList());
            this.created.add(e);
            events.add(e);
            if (i % 17 == 0) {
                events.add(event(MessageEvent.EDITED, "edited-" + id, chat, id, sender, created, false, e.recipientIds()));
            }
            if (i % 23 == 0) {
                events.add(event(MessageEvent.DELETED, "deleted-" + id, chat, id, sender, created, true, e.recipientIds()));
            }
            if (i % 29 == 0) {
                // the same message again under another event id (a relay that published twice)
                events.add(event(MessageEvent.CREATED, "created-again-" + id, chat, id, sender, created, false, e.recipientIds()));
            }
        }
    }

    private static MessageEvent event(String type, String eventId, long chat, long id, long sender, Instant created,
                                      boolean deleted, List<Long> recipients) {
        return new MessageEvent(MessageEvent.SCHEMA_VERSION, eventId, type, created, chat, "room",
                new MessageEvent.Message(id, sender, deleted ? null : "hello " + id, null, null, null, created,
                        MessageEvent.EDITED.equals(type) ? created.plusSeconds(5) : null, deleted),
                recipients);
    }

    public Set<Long> messageIds() {
        Set<Long> ids = new LinkedHashSet<>();
        created.forEach(e -> ids.add(e.message().id()));
        return ids;
    }

    public long sent(long user, long since, long to) {
        return created.stream().filter(e -> in(e, since, to) && e.message().senderId() == user).count();
    }

    public long received(long user, long since, long to) {
        return created.stream().filter(e -> in(e, since, to) && e.recipientIds().contains(user)).count();
    }

    public long inChat(long chat, long since, long to) {
        return created.stream().filter(e -> in(e, since, to) && e.conversationId() == chat).count();
    }

    public long messages(long since, long to) {
        return created.stream().filter(e -> in(e, since, to)).count();
    }

    public long deliveries(long since, long to) {
        return created.stream().filter(e -> in(e, since, to)).mapToLong(e -> e.recipientIds().size()).sum();
    }

    private static boolean in(MessageEvent e, long since, long to) {
        long s = e.message().createdAt().getEpochSecond();
        return s >= since && s < to;
    }
}
