package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A lean WebSocket load client: R rooms of M members, each member on its own socket (spread over
 * one or more messenger replicas), each sending at a rate; measures the time from a send to its
 * delivery on the other members' sockets, and delivered messages per second. Virtual threads,
 * java.net.http for set-up, plain sockets for the WebSockets ({@link BenchSocket}) and a keep-alive
 * connection per member for timed HTTP sends ({@link RawHttp}), HDR histograms; writes a text report, the histograms and PNG plots to {@code out}.
 *
 * <pre>java -cp ... dev.courier.loadtest.delivery.DeliveryBench mode=deliver url=http://127.0.0.1:8080 rooms=100 members=10 rate=1</pre>
 *
 * <p>Modes: {@code deliver} (default), {@code sends} (closed-loop durable sends: throughput and
 * latency of the 2xx, which arrives after the commit), {@code idle} (open and hold sockets, for the
 * server's memory per connection, measured from outside with jcmd).
 */
public final class DeliveryBench {

    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Options o;
    private final HttpClient http;
    private final Api api;
    private final Recorder sameReplica = new Recorder(MAX_NANOS, 3);
    private final Recorder crossReplica = new Recorder(MAX_NANOS, 3);
    private final Recorder sendLatency = new Recorder(MAX_NANOS, 3);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    // Delivered-% by send time: sends made inside the measured window (acknowledged by the end of
    // the drain after it) against their deliveries, so the window's edges cannot move it.
    private volatile long windowFrom = Long.MAX_VALUE;
    private volatile long windowTo = Long.MAX_VALUE;
    private final AtomicLong sentInWindow = new AtomicLong();
    private final AtomicLong deliveredInWindow = new AtomicLong();
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong connectErrors = new AtomicLong();
    /** Join latency by the room's size at the join: tenth 0 is the first joins into an empty room, tenth 9 the last. */
    private final Histogram[] joinsByTenth = new Histogram[10];
    private String joinReport = "";
    private String costReport = "";
    private volatile List<BenchSocket> memberSockets = List.of();
    /** Each socket's reading thread. */
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    /** Each member's own keep-alive connection for HTTP sends (a member's sends are sequential). */
    private final ConcurrentHashMap<Integer, RawHttp> senders = new ConcurrentHashMap<>();

    private DeliveryBench(Options o) {
        this.o = o;
        // One client for the set-up requests; its callbacks run on virtual threads.
        this.http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        this.api = new Api(http, o.url(), o.authUrl());
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Files.createDirectories(o.out());
        new DeliveryBench(o).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int users = o.mode().equals("sends") ? 2 * o.senders() : o.rooms() * o.members();
        long t0 = System.nanoTime();
        List<Api.Account> accounts = AccountPool.ensure(api, users, o.accounts(), o.setupConcurrency());
        log("%d accounts ready in %.1f s", users, secondsSince(t0));
        switch (o.mode()) {
            case "deliver" -> rooms(accounts);
            case "sends" -> sends(accounts);
            case "idle" -> idle(accounts);
            default -> throw new IllegalArgumentException("mode is deliver, sends or idle, not " + o.mode());
        }
    }

    /**
     * Closed-loop durable sends: sender s (account 2s) writes to a room shared with one pal (account
     * 2s+1), the same two-member fan-out as a direct chat without the user-directory lookup.
     */
    private void sends(List<Api.Account> accounts) throws Exception {
        long[] chats = new long[o.senders()];
        for (int s = 0; s < o.senders(); s++) {
            chats[s] = api.createRoom(accounts.get(2 * s).token(), "bench-" + UUID.randomUUID().toString().substring(0, 13));
            api.join(accounts.get(2 * s + 1).token(), chats[s]);
        }
        measure(List.of(), running -> {
            List<Runnable> loops = new ArrayList<>();
            for (int s = 0; s < o.senders(); s++) {
                int sender = s;
                loops.add(() -> sendClosedLoop(2 * sender, accounts.get(2 * sender).token(), chats[sender], running));
            }
            return loops;
        });
    }

    /**
     * Rooms of M members; member i of room r is account r*M+i; member 0 creates the room, the others
     * join it, {@code joinConcurrency} at a time per room, each join timed by how full the room was.
     */
    private void rooms(List<Api.Account> accounts) throws Exception {
        long t0 = System.nanoTime();
        long[] roomIds = new long[o.rooms()];
        for (int i = 0; i < joinsByTenth.length; i++) {
            joinsByTenth[i] = new Histogram(MAX_NANOS, 3);
        }
        Map<String, long[]> rowsBefore = ServerCost.rowsSettled(o.pg(), o.pgSchema());
        long cpuBefore = ServerCost.cpuNanos(o.cpuPid());
        AtomicLong joins = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> filling = new ArrayList<>();
            for (int r = 0; r < o.rooms(); r++) {
                int room = r;
                Api.Account owner = accounts.get(room * o.members());
                roomIds[room] = api.createRoom(owner.token(), "bench-" + UUID.randomUUID().toString().substring(0, 13));
                AtomicLong next = new AtomicLong(1);
                for (int w = 0; w < o.joinConcurrency(); w++) {
                    filling.add(CompletableFuture.runAsync(() -> {
                        for (long i = next.getAndIncrement(); i < o.members(); i = next.getAndIncrement()) {
                            long t = System.nanoTime();
                            api.join(accounts.get(room * o.members() + (int) i).token(), roomIds[room]);
                            long took = System.nanoTime() - t;
                            Histogram h = joinsByTenth[(int) ((i - 1) * 10 / Math.max(1, o.members() - 1))];
                            synchronized (h) {
                                h.recordValue(Math.min(took, MAX_NANOS));
                            }
                            joins.incrementAndGet();
                        }
                    }, pool));
                }
            }
            CompletableFuture.allOf(filling.toArray(CompletableFuture[]::new)).join();
        }
        double seconds = secondsSince(t0);
        long cpu = ServerCost.cpuNanos(o.cpuPid()) - cpuBefore;
        log("%d rooms of %d members in %.1f s (%.0f joins/s)", o.rooms(), o.members(), seconds, joins.get() / seconds);
        StringBuilder j = new StringBuilder(String.format("joins: %d in %.1f s (%.0f/s, %d at a time per room)%s%n", joins.get(), seconds,
                joins.get() / seconds, o.joinConcurrency(),
                cpu > 0 ? String.format(", server CPU %.0f us per join", cpu / 1e3 / joins.get()) : ""));
        for (int i = 0; i < joinsByTenth.length; i++) {
            Histogram h = joinsByTenth[i];
            if (h.getTotalCount() > 0) {
                j.append(String.format("join into a room of %d-%d members: n=%d ms p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
                        1 + (long) i * (o.members() - 1) / 10, 1 + (long) (i + 1) * (o.members() - 1) / 10 - 1, h.getTotalCount(),
                        ms(h, 50), ms(h, 90), ms(h, 99), h.getMaxValue() / 1e6));
            }
        }
        j.append(ServerCost.perUnit("join (room creations included)", rowsBefore, ServerCost.rowsSettled(o.pg(), o.pgSchema()), joins.get()));
        joinReport = j.toString();
        System.out.print(joinReport);

        List<BenchSocket> sockets = connect(accounts, 1);
        memberSockets = sockets;
        measure(sockets, running -> {
            List<Runnable> loops = new ArrayList<>();
            if (o.roomRate() > 0) {
                for (int r = 0; r < o.rooms(); r++) {
                    int room = r;
                    loops.add(() -> sendRoomAtRate(room, accounts, roomIds[room], running));
                }
                return loops;
            }
            for (int m = 0; m < accounts.size(); m++) {
                int member = m;
                loops.add(() -> sendAtRate(member, accounts.get(member).token(), roomIds[member / o.members()], running));
            }
            return loops;
        });
    }

    private void measure(List<BenchSocket> sockets, java.util.function.Function<AtomicBoolean, List<Runnable>> load) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Histogram> perSecond = new ArrayList<>();
        Histogram total = new Histogram(MAX_NANOS, 3);
        Histogram totalCross = new Histogram(MAX_NANOS, 3);
        Histogram totalSend = new Histogram(MAX_NANOS, 3);
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            load.apply(running).forEach(senders::submit);
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup());
            long end = measureFrom + TimeUnit.SECONDS.toNanos(o.duration());
            windowFrom = measureFrom;
            windowTo = end;
            long deliveredAtStart = 0;
            long sentAtStart = 0;
            long cpuAtStart = 0;
            Map<String, long[]> rowsAtStart = Map.of();
            boolean measuring = false;
            Histogram interval = null;
            Histogram intervalCross = null;
            Histogram intervalSend = null;
            for (long tick = start + TimeUnit.SECONDS.toNanos(1); tick <= end; tick += TimeUnit.SECONDS.toNanos(1)) {
                LockSupport.parkNanos(tick - System.nanoTime());
                interval = sameReplica.getIntervalHistogram(interval);
                intervalCross = crossReplica.getIntervalHistogram(intervalCross);
                intervalSend = sendLatency.getIntervalHistogram(intervalSend);
                if (!measuring && tick >= measureFrom) {
                    measuring = true;
                    deliveredAtStart = delivered.get();
                    sentAtStart = sent.get();
                    cpuAtStart = ServerCost.cpuNanos(o.cpuPid());
                    rowsAtStart = ServerCost.rows(o.pg(), o.pgSchema());
                    log("warm-up done; measuring for %d s", o.duration());
                    continue;
                }
                if (measuring) {
                    Histogram both = interval.copy();
                    both.add(intervalCross);
                    perSecond.add(o.mode().equals("deliver") ? both : intervalSend.copy());
                    total.add(interval);
                    totalCross.add(intervalCross);
                    totalSend.add(intervalSend);
                }
            }
            running.set(false);
            long cpu = ServerCost.cpuNanos(o.cpuPid()) - cpuAtStart;
            long deliveredCount = delivered.get() - deliveredAtStart;
            long sentCount = sent.get() - sentAtStart;
            if (o.mode().equals("deliver")) {
                // The window's last sends are still being acknowledged and delivered.
                long drainUntil = System.nanoTime() + DRAIN_NANOS;
                while (System.nanoTime() < drainUntil && deliveredInWindow.get() < sentInWindow.get() * (o.members() - 1L)) {
                    Thread.sleep(50);
                }
            }
            StringBuilder cost = new StringBuilder();
            if (o.cpuPid() > 0) {
                long ops = o.mode().equals("deliver") ? deliveredCount : sentCount;
                cost.append(String.format("server CPU over the window: %.3f cores, %.1f us per %s, %.1f us per message%n",
                        cpu / 1e9 / o.duration(), ops == 0 ? 0 : cpu / 1e3 / ops, o.mode().equals("deliver") ? "delivery" : "send",
                        sentCount == 0 ? 0 : cpu / 1e3 / sentCount));
            }
            // Every send acknowledged since the window opened, the drain's included: their rows are in the count.
            cost.append(ServerCost.perUnit("message", rowsAtStart, ServerCost.rowsSettled(o.pg(), o.pgSchema()), sent.get() - sentAtStart));
            costReport = cost.toString();
            report(total, totalCross, totalSend, perSecond, sentCount, deliveredCount, sockets.size());
        }
        for (BenchSocket s : sockets) {
            s.close();
        }
    }

    private static long closed(List<BenchSocket> sockets) {
        return sockets.stream().filter(s -> !s.isOpen()).count();
    }

    private void sendAtRate(int member, String token, long conversationId, AtomicBoolean running) {
        long periodNanos = (long) (1e9 / o.rate());
        // A random phase, so members do not all send in the same millisecond.
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
        long seq = 0;
        while (running.get()) {
            LockSupport.parkNanos(next - System.nanoTime());
            sendOne(member, token, conversationId, seq++);
            next += periodNanos;
        }
    }

    /** {@code roomRate} messages a second into one room, its members taking turns. */
    private void sendRoomAtRate(int room, List<Api.Account> accounts, long conversationId, AtomicBoolean running) {
        long periodNanos = (long) (1e9 / o.roomRate());
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
        long seq = 0;
        int turn = ThreadLocalRandom.current().nextInt(o.members());
        while (running.get()) {
            LockSupport.parkNanos(next - System.nanoTime());
            int member = room * o.members() + turn;
            sendOne(member, accounts.get(member).token(), conversationId, seq++);
            turn = (turn + 1) % o.members();
            next += periodNanos;
        }
    }

    private void sendClosedLoop(int member, String token, long conversationId, AtomicBoolean running) {
        long seq = 0;
        while (running.get()) {
            sendOne(member, token, conversationId, seq++);
        }
    }

    private void sendOne(int member, String token, long conversationId, long seq) {
        long t = System.nanoTime();
        String text = "bench:" + t + ":" + member + ":" + seq;
        if (o.sendVia().equals("ws")) {
            // Counted and timed when the ack arrives (BenchSocket sees the marker in the ack's result).
            BenchSocket socket = memberSockets.get(member);
            if (!socket.isOpen()) {
                if (sendErrors.incrementAndGet() <= 5) {
                    System.err.println("send skipped: the socket of member " + member + " is not open");
                }
                return;
            }
            try {
                socket.send("{\"type\":\"send\",\"requestId\":\"" + member + "-" + seq
                        + "\",\"conversationId\":" + conversationId + ",\"clientId\":\"" + UUID.randomUUID()
                        + "\",\"text\":\"" + text + "\"}");
            } catch (IllegalStateException e) {
                if (sendErrors.incrementAndGet() <= 5) {
                    System.err.println(e.getMessage());
                }
            }
            return;
        }
        RawHttp http = senders.computeIfAbsent(member, m -> new RawHttp(URI.create(o.url())));
        String path = URI.create(o.url()).getPath().replaceAll("/$", "") + "/api/v1/chats/" + conversationId + "/messages";
        try {
            RawHttp.Answer a = http.post(path, token, "{\"clientId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + text + "\"}");
            if (a.status() != 201 && a.status() != 200) {
                throw new IOException("send answered " + a.status() + ": " + a.body());
            }
            sendLatency.recordValue(Math.min(System.nanoTime() - t, MAX_NANOS));
            sent.incrementAndGet();
            countIfInWindow(t, sentInWindow);
        } catch (IOException | RuntimeException e) {
            if (sendErrors.incrementAndGet() <= 5) {
                System.err.println("send failed: " + e.getMessage());
            }
        }
    }

    private List<BenchSocket> connect(List<Api.Account> accounts, int perUser) throws Exception {
        long t0 = System.nanoTime();
        int[] replicaOfMember = new int[accounts.size()];
        for (int m = 0; m < accounts.size(); m++) {
            replicaOfMember[m] = m % o.wsUrls().size();
        }
        List<BenchSocket> sockets = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int m = 0; m < accounts.size(); m++) {
            for (int k = 0; k < perUser; k++) {
                int replica = (m * perUser + k) % o.wsUrls().size();
                BenchSocket socket = new BenchSocket(m, replica, replicaOfMember, new BenchSocket.Sink() {
                    @Override
                    public void delivered(long sentNanos, long latencyNanos, int sender, int receiver, boolean crossReplica) {
                        DeliveryBench.this.delivered(sentNanos, latencyNanos, crossReplica);
                    }

                    @Override
                    public void acknowledged(long sentNanos, long latencyNanos) {
                        sendLatency.recordValue(Math.min(Math.max(latencyNanos, 0), MAX_NANOS));
                        sent.incrementAndGet();
                        countIfInWindow(sentNanos, sentInWindow);
                    }

                    @Override
                    public void failed(String frame) {
                        if (sendErrors.incrementAndGet() <= 5) {
                            System.err.println("error frame: " + frame);
                        }
                    }
                });
                sockets.add(socket);
                if (o.openRate() > 0) {
                    LockSupport.parkNanos(t0 + (long) (sockets.size() * 1e9 / o.openRate()) - System.nanoTime());
                }
                String local = o.bind().isEmpty() ? null : o.bind().get(sockets.size() % o.bind().size());
                pending.add(socket.connect(readers, o.wsUrls().get(replica), accounts.get(m).token(), local)
                        .exceptionally(e -> {
                            // Counted and reported (a socket that never opened is an error of the run, not its end).
                            if (connectErrors.incrementAndGet() <= 5) {
                                System.err.println("connect failed: " + e);
                            }
                            return null;
                        }));
                // Bounded bursts, so the server's accept queue never overflows.
                if (pending.size() % 200 == 0) {
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                }
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        log("%d sockets open in %.1f s (%d failed to open), from %s", sockets.size() - connectErrors.get(), secondsSince(t0),
                connectErrors.get(), o.bind().isEmpty() ? "the default address" : String.join(",", o.bind()));
        return sockets;
    }

    private void delivered(long sentNanos, long latencyNanos, boolean cross) {
        (cross ? crossReplica : sameReplica).recordValue(Math.min(Math.max(latencyNanos, 0), MAX_NANOS));
        delivered.incrementAndGet();
        countIfInWindow(sentNanos, deliveredInWindow);
    }

    private void countIfInWindow(long sentAtNanos, AtomicLong counter) {
        if (sentAtNanos - windowFrom >= 0 && sentAtNanos - windowTo < 0) {
            counter.incrementAndGet();
        }
    }

    /** Opens rooms x members x socketsPerUser sockets and holds them idle for the duration. */
    private void idle(List<Api.Account> accounts) throws Exception {
        List<BenchSocket> sockets = connect(accounts, o.socketsPerUser());
        log("HOLDING %d sockets for %d s (client heap %d MB)", sockets.size(), o.duration(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
        Thread.sleep(TimeUnit.SECONDS.toMillis(o.duration()));
        long open = sockets.stream().filter(BenchSocket::isOpen).count();
        log("still open after %d s: %d of %d", o.duration(), open, sockets.size());
        try (PrintStream out = new PrintStream(Files.newOutputStream(o.out().resolve("report.txt")))) {
            out.printf("mode=idle sockets=%d stillOpen=%d connectErrors=%d heldSeconds=%d bind=%s date=%s%n", sockets.size(), open,
                    connectErrors.get(), o.duration(), String.join(",", o.bind()), Instant.now());
        }
        for (BenchSocket s : sockets) {
            s.close();
        }
    }

    private void report(Histogram same, Histogram cross, Histogram send, List<Histogram> perSecond,
                        long sentCount, long deliveredCount, int sockets) throws Exception {
        Histogram all = same.copy();
        all.add(cross);
        long expected = sentInWindow.get() * (o.members() - 1L);
        long deliveredOfWindow = deliveredInWindow.get();
        StringBuilder r = new StringBuilder();
        r.append(String.format("mode=%s sendVia=%s rooms=%d members=%d rate=%s senders=%d sockets=%d replicas=%d warmup=%ds duration=%ds date=%s%n",
                o.mode(), o.sendVia(), o.rooms(), o.members(),
                o.roomRate() > 0 ? String.format("%.2f/s/room", o.roomRate()) : String.format("%.2f/s/member", o.rate()), o.senders(), sockets, o.wsUrls().size(), o.warmup(), o.duration(), Instant.now()));
        r.append(String.format("sends: %d (%.1f/s), errors %d; send acknowledged (HTTP 2xx or ws ack) latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
                sentCount, sentCount / (double) o.duration(), sendErrors.get(), ms(send, 50), ms(send, 90), ms(send, 99), ms(send, 99.9), send.getMaxValue() / 1e6));
        if (o.mode().equals("deliver")) {
            r.append(String.format("deliveries: %d (%.1f/s); of the window's %d sends' %d deliveries, %d arrived (%.3f%%)%n",
                    deliveredCount, deliveredCount / (double) o.duration(), sentInWindow.get(), expected, deliveredOfWindow,
                    expected == 0 ? 0 : 100.0 * deliveredOfWindow / expected));
            r.append(line("send->deliver all", all));
            if (o.wsUrls().size() > 1) {
                r.append(line("send->deliver same replica", same));
                r.append(line("send->deliver cross replica", cross));
            }
        }
        if (connectErrors.get() > 0 || closed(memberSockets) > 0) {
            r.append(String.format("sockets that failed to open: %d; closed (by the server or a failure) by the end: %d of %d%n",
                    connectErrors.get(), closed(memberSockets), memberSockets.size()));
        }
        r.append(costReport);
        r.append(joinReport);
        System.out.print(r);
        Files.writeString(o.out().resolve("report.txt"), r.toString());
        Histogram plotted = o.mode().equals("deliver") ? all : send;
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(o.out().resolve("latency.hgrm")))) {
            plotted.outputPercentileDistribution(hgrm, 1e6);
        }
        String what = o.mode().equals("deliver") ? "send -> delivery" : "durable send (HTTP 2xx)";
        Plot.percentilesOverTime(perSecond, what + " latency per second (ms), " + describe(), o.out().resolve("latency-over-time.png"));
        Plot.percentileDistribution(plotted, what + " latency distribution (ms), " + describe(), o.out().resolve("latency-distribution.png"));
        log("report in %s", o.out().toAbsolutePath());
    }

    private String describe() {
        return o.mode().equals("deliver")
                ? String.format("%d rooms x %d members, %.1f msg/s %s, %d replica(s)", o.rooms(), o.members(),
                        o.roomRate() > 0 ? o.roomRate() : o.rate(), o.roomRate() > 0 ? "per room" : "each", o.wsUrls().size())
                : String.format("%d closed-loop senders", o.senders());
    }

    private static String line(String name, Histogram h) {
        return String.format("%s: n=%d ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f%n", name, h.getTotalCount(),
                ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1e6);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    }
}
