package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Benchmark accounts, kept in a CSV between runs. Each sign-up and login costs an Argon2id hash
 * (tens of ms of server CPU), so a second run within the access token's lifetime reuses the
 * tokens, and later runs only log in again: setup stays out of the measurement and off the CPU.
 */
final class AccountPool {

    /** Reuse a token younger than this ({@code -Dbench.tokenReuseSeconds}; bench/stack.sh issues 2-hour tokens). */
    private static final long TOKEN_REUSE_SECONDS = Long.getLong("bench.tokenReuseSeconds", 600);

    private AccountPool() {
    }

    static List<Api.Account> ensure(Api api, int count, Path file, int concurrency) throws Exception {
        List<String[]> rows = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    rows.add(line.split(",", 4));
                }
            }
        }
        long now = System.currentTimeMillis() / 1000;
        List<Api.Account> accounts = new ArrayList<>(count);
        List<Future<Api.Account>> pending = new ArrayList<>();
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String[] row = i < rows.size() ? rows.get(i) : null;
                pending.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        if (row == null) {
                            return api.signUp("bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
                        }
                        long id = Long.parseLong(row[0]);
                        if (now - Long.parseLong(row[2]) < TOKEN_REUSE_SECONDS) {
                            return new Api.Account(id, row[1], row[3]);
                        }
                        return api.logIn(id, row[1]);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<Api.Account> f : pending) {
                accounts.add(f.get());
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            Api.Account a = accounts.get(i);
            String[] old = i < rows.size() ? rows.get(i) : null;
            boolean reused = old != null && old[3].equals(a.token());
            lines.add(a.id() + "," + a.username() + "," + (reused ? old[2] : Long.toString(now)) + "," + a.token());
        }
        for (int i = accounts.size(); i < rows.size(); i++) {
            lines.add(String.join(",", rows.get(i)));
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return accounts;
    }
}
