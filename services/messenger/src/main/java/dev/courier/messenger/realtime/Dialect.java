package dev.courier.messenger.realtime;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * Another system's protocol spoken on {@code /ws} (the seeds' clients, see the dialects package):
 * one per socket, chosen by what the client sends ({@link Chooser}). The socket stays a
 * {@link Connection} in every other respect (the same authentication, expiry, revocation, frame
 * size limit, queue and heartbeat); the dialect reads the client's frames, and every frame the
 * connection would send goes through {@link #translate} first, so a dialect's client is never
 * shown one of Courier's own frames.
 */
public interface Dialect {

    /** Picks the protocol of a socket; null keeps Courier's. */
    interface Chooser {

        /** For a socket opened with this token (whether or not it is valid: a refusal speaks the dialect too). */
        Dialect byToken(String token, Socket socket);

        /** For the first frame of a socket not authenticated at the upgrade. */
        Dialect byFirstFrame(JsonNode frame, Socket socket);
    }

    /** What a dialect may do with its socket. */
    interface Socket {

        /** The authenticated user, or null. */
        Caller caller();

        /** The access token the socket is authenticated with, or null. */
        String token();

        /**
         * Authenticates the socket with a token, as Courier's {@code auth} frame does: the first time
         * the socket joins the hub; later a token of the same user renews it (and its expiry).
         *
         * @throws ProblemException 401 for an invalid, expired or revoked token, 403 for another user's
         */
        Caller authenticate(String token);

        /** Queues a frame of the dialect's, as it is. */
        void send(String frame);

        /** Sends a last frame (if any) and closes the socket. */
        void close(String lastFrame, int code, String reason);
    }

    /** A text frame from the client (within the size limit). */
    void received(String frame);

    /** The dialect's frame for a Courier frame (a control frame or a stored event), or null to send nothing. */
    String translate(String courierFrame);
}
