package dev.courier.infra;

/** A local server could not be started or reached; the message says what to do. */
public class InfraException extends RuntimeException {
    public InfraException(String message) {
        super(message);
    }
}
