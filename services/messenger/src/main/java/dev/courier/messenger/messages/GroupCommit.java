package dev.courier.messenger.messages;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

import dev.courier.platform.db.Database;

/**
 * Group commit of sends: concurrent sends wait in a queue, and a few committers each take what is
 * queued (up to a cap) and write it in one transaction ({@link SendStore}). A send is answered
 * after the transaction holding it committed; a send refused on its own (no such chat, not a
 * member) is answered alone without failing its group. When a group's transaction fails, its
 * sends are written again one by one, so one bad send cannot fail or mis-answer the others.
 *
 * <p>A committer leaves queued sends into a chat another committer's group is writing for a later
 * group: that group holds the chat's row lock until it commits, so taking them would only make
 * this transaction wait for it (a convoy that was most of the send latency's tail).
 *
 * <p>Committers are virtual threads started when sends arrive and ended when the queue has nothing
 * they may take, so there is nothing to stop; a committer always looks again after its commit, so
 * sends left for a busy chat are taken by the committer that held it at the latest.
 */
final class GroupCommit {

    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());

    private final Database db;
    private final SendStore store;
    private final int committers;
    private final int cap;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Chats of the groups being written now. */
    private final Set<Long> busyChats = new HashSet<>();
    private int active;

    GroupCommit(Database db, SendStore store, int committers, int cap) {
        this.db = db;
        this.store = store;
        this.committers = committers;
        this.cap = cap;
    }

    private record Pending(SendStore.Request request, CompletableFuture<SendStore.Result> answer) {
    }

    /** Queues the send and waits until its group committed; throws what the send is refused with. */
    SendStore.Result send(SendStore.Request request) {
        Pending p = new Pending(request, new CompletableFuture<>());
        boolean start;
        lock.lock();
        try {
            queue.addLast(p);
            start = active < committers;
            if (start) {
                active++;
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            Thread.ofVirtual().name("messenger-send-committer").start(this::drain);
        }
        try {
            return p.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void drain() {
        boolean idle = false;
        Set<Long> chats = Set.of();
        try {
            while (true) {
                List<Pending> group;
                lock.lock();
                try {
                    busyChats.removeAll(chats);
                    chats = Set.of();
                    group = take();
                    if (group.isEmpty()) {
                        // Under the lock: a send queued after this sees one committer fewer and starts one.
                        active--;
                        idle = true;
                        return;
                    }
                    chats = new HashSet<>();
                    for (Pending p : group) {
                        chats.add(p.request().conversationId());
                    }
                    busyChats.addAll(chats);
                } finally {
                    lock.unlock();
                }
                commit(group);
            }
        } finally {
            if (!idle) {
                lock.lock();
                try {
                    busyChats.removeAll(chats);
                    active--;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Up to {@code cap} queued sends in queue order, but none into a busy chat. A second send with a
     * (sender, client id) already in the group stays queued for a later group, where it is answered
     * as a retry.
     */
    private List<Pending> take() {
        List<Pending> group = new ArrayList<>();
        Set<List<Object>> keys = new HashSet<>();
        for (Iterator<Pending> it = queue.iterator(); it.hasNext() && group.size() < cap; ) {
            Pending p = it.next();
            SendStore.Request r = p.request();
            if (busyChats.contains(r.conversationId())) {
                continue;
            }
            if (r.clientId() == null || keys.add(List.of(r.senderId(), r.clientId()))) {
                group.add(p);
                it.remove();
            }
        }
        return group;
    }

    private void commit(List<Pending> group) {
        List<Object> outcomes;
        try {
            outcomes = db.inTransaction(c -> store.write(c, group.stream().map(Pending::request).toList()));
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).answer().completeExceptionally(e);
                return;
            }
            LOG.log(Level.WARNING, "A group of " + group.size() + " sends failed, writing them one by one: " + e);
            for (Pending p : group) {
                commit(List.of(p));
            }
            return;
        } catch (Error e) {
            group.forEach(p -> p.answer().completeExceptionally(e));
            throw e;
        }
        for (int i = 0; i < group.size(); i++) {
            Object o = outcomes.get(i);
            if (o instanceof SendStore.Result r) {
                group.get(i).answer().complete(r);
            } else {
                group.get(i).answer().completeExceptionally((RuntimeException) o);
            }
        }
    }
}
