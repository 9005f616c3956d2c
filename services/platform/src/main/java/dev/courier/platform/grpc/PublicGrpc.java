package dev.courier.platform.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * What a public gRPC service (seed 002's) shares: the caller from the request's token, and
 * Courier's problems as gRPC statuses.
 *
 * <p>The token travels in the request message, not in "authorization" metadata: Helidon 4.1.2's gRPC
 * server hands interceptors metadata whose values are the header names (GrpcHeadersUtil.toMetadata),
 * so a bearer header never arrives.
 */
public final class PublicGrpc {

    private PublicGrpc() {
    }

    /** The verified caller, or UNAUTHENTICATED. */
    public static Caller caller(TokenVerifier verifier, String accessToken) {
        return java.util.Optional.ofNullable(accessToken).filter(t -> !t.isBlank()).flatMap(verifier::verify)
                .orElseThrow(() -> Status.UNAUTHENTICATED.withDescription("access_token: a valid access token is required.")
                        .asRuntimeException());
    }

    /** A Courier problem as the gRPC status a client expects, its field named in the description. */
    public static StatusRuntimeException status(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (!(e instanceof ProblemException pe)) {
            return Status.INTERNAL.withDescription("Internal error.").withCause(e).asRuntimeException();
        }
        Problem p = pe.problem();
        Status status = switch (p.status()) {
            case 400, 413 -> Status.INVALID_ARGUMENT;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ALREADY_EXISTS;
            case 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            default -> Status.INTERNAL;
        };
        String detail = p.detail() == null ? p.title() : p.detail();
        return status.withDescription(p.field() == null ? detail : p.field() + ": " + detail).asRuntimeException();
    }
}
