package dev.courier.loadtest.delivery;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's parameters, as {@code key=value} arguments.
 *
 * @param mode      {@code deliver} (rooms send at a rate; send-to-delivery latency), {@code sends}
 *                  (closed-loop durable sends as fast as they commit), {@code idle} (hold many sockets)
 * @param url       the HTTP base (gateway, ingress or a messenger) for rooms and sends
 * @param authUrl   the HTTP base for sign-up and login ({@code auth=}, default: {@code url})
 * @param wsUrls    WebSocket URLs; members are spread over them round-robin (two messenger replicas)
 * @param rooms     R rooms
 * @param members   M members per room, one socket each ({@code idle}: sockets = rooms x members x socketsPerUser)
 * @param rate      messages per second sent by each member ({@code deliver})
 * @param senders   concurrent closed-loop senders ({@code sends})
 * @param socketsPerUser sockets each user opens ({@code idle})
 * @param warmup    seconds of load before measuring
 * @param duration  seconds measured
 * @param out       folder for the report, histogram and plots
 * @param sendVia   {@code http} (POST /api/v1/chats/{id}/messages, a JWT verified per request) or
 *                  {@code ws} (a send frame on the member's own socket, acknowledged after the commit)
 * @param roomRate  when above 0, messages per second per room in all ({@code roomRate=2}: a big room's
 *                  members take turns), instead of {@code rate} per member
 * @param joinConcurrency concurrent joins into one room while rooms fill (their latency is reported
 *                  per tenth of the room, from the first joins to the last)
 * @param pg        a JDBC URL of the server's PostgreSQL ({@code jdbc:postgresql://127.0.0.1:PORT/courier});
 *                  when given, rows inserted, updated and deleted in schema {@code pgSchema} are counted
 *                  per join and per message ({@code pg_stat_user_tables} deltas)
 * @param pgSchema  the schema counted ({@code messenger})
 * @param cpuPid    the server's pid: its CPU time over the measured window, per delivery (Linux /proc)
 * @param bind      local addresses the client's sockets are bound to in turn ({@code 127.0.0.2,127.0.0.3}),
 *                  so many sockets are not limited by one source address's ephemeral ports
 * @param openRate  sockets opened per second at most (0: as fast as the server upgrades them, 200 at a time)
 */
record Options(String mode, String url, String authUrl, List<String> wsUrls, int rooms, int members, double rate, int senders,
               int socketsPerUser, int warmup, int duration, Path out, Path accounts, int setupConcurrency, String sendVia,
               double roomRate, int joinConcurrency, String pg, String pgSchema, long cpuPid, List<String> bind, double openRate) {

    static Options parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Arguments are key=value, not " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String mode = a.getOrDefault("mode", "deliver");
        String url = a.getOrDefault("url", "http://127.0.0.1:8080").replaceAll("/$", "");
        List<String> ws = Arrays.stream(a.getOrDefault("ws", url.replaceFirst("^http", "ws") + "/ws").split(","))
                .map(String::strip).toList();
        Path out = Path.of(a.getOrDefault("out", "target/bench/" + mode + "-" + System.currentTimeMillis() / 1000));
        return new Options(mode, url, a.getOrDefault("auth", url).replaceAll("/$", ""), ws,
                Integer.parseInt(a.getOrDefault("rooms", "100")),
                Integer.parseInt(a.getOrDefault("members", "10")),
                Double.parseDouble(a.getOrDefault("rate", "1")),
                Integer.parseInt(a.getOrDefault("senders", "10")),
                Integer.parseInt(a.getOrDefault("socketsPerUser", "1")),
                Integer.parseInt(a.getOrDefault("warmup", "30")),
                Integer.parseInt(a.getOrDefault("duration", "60")),
                out,
                Path.of(a.getOrDefault("accounts", "target/bench/accounts.csv")),
                Integer.parseInt(a.getOrDefault("setupConcurrency", "4")),
                a.getOrDefault("sendVia", "http"),
                Double.parseDouble(a.getOrDefault("roomRate", "0")),
                Integer.parseInt(a.getOrDefault("joinConcurrency", "1")),
                a.getOrDefault("pg", ""),
                a.getOrDefault("pgSchema", "messenger"),
                Long.parseLong(a.getOrDefault("cpuPid", "0")),
                a.getOrDefault("bind", "").isBlank() ? List.of()
                        : Arrays.stream(a.get("bind").split(",")).map(String::strip).toList(),
                Double.parseDouble(a.getOrDefault("openRate", "0")));
    }
}
