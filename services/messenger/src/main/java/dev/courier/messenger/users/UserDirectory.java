package dev.courier.messenger.users;

/** Answers whether a user exists; backed by auth (its gRPC UserDirectory or its HTTP profile). */
public interface UserDirectory {

    /**
     * @param bearer the caller's access token, forwarded where auth wants an authenticated caller
     * @throws dev.courier.platform.http.ProblemException 503 when auth cannot be asked
     */
    boolean exists(long userId, String bearer);
}
