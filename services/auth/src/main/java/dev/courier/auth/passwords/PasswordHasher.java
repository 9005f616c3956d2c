package dev.courier.auth.passwords;

import java.util.concurrent.Semaphore;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import dev.courier.platform.http.ProblemException;

/**
 * Argon2id hashing. Each hash needs {@code memoryKiB} of memory and tens of milliseconds of CPU, so
 * at most {@code concurrency} run at once; the rest wait briefly, then get a 503 rather than
 * exhausting the heap. Parameters travel in the PHC string, so stored hashes with weaker
 * parameters are recognised and upgraded at their owner's next login.
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final Argon2Function function;
    private final Semaphore permits;
    /** Verified when the user does not exist, so an unknown name costs as much as a wrong password. */
    private final String decoy;

    public PasswordHasher(int memoryKiB, int iterations, int parallelism, int concurrency) {
        if (memoryKiB < 19456 || iterations < 2 || parallelism < 1) {
            throw new IllegalArgumentException("Argon2id parameters below OWASP's minimum (19456 KiB, t=2, p=1)");
        }
        this.function = Argon2Function.getInstance(memoryKiB, iterations, parallelism, HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
        this.permits = new Semaphore(concurrency > 0 ? concurrency : Runtime.getRuntime().availableProcessors(), true);
        this.decoy = hash("courier-decoy-password");
    }

    public String hash(CharSequence password) {
        return bounded(() -> Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult());
    }

    /** True when {@code password} matches {@code phc}; never throws on a malformed stored hash. */
    public boolean verify(CharSequence password, String phc) {
        return bounded(() -> {
            try {
                return Argon2Function.getInstanceFromHash(phc).check(password, phc);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** Burns the same work as a real verification, for a login whose user does not exist. */
    public void verifyDecoy(CharSequence password) {
        verify(password, decoy);
    }

    /** True when {@code phc} was made with weaker parameters than the configured ones. */
    public boolean needsRehash(String phc) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(phc);
            return stored.getVariant() != Argon2.ID
                    || stored.getMemory() < function.getMemory()
                    || stored.getIterations() < function.getIterations()
                    || stored.getParallelism() < function.getParallelism()
                    || stored.getVersion() < function.getVersion();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private <T> T bounded(java.util.function.Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while waiting to hash.");
        }
        if (!acquired) {
            throw ProblemException.unavailable("Too many password checks in progress; retry shortly.");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
