package dev.courier.auth.seed;

import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.courier.auth.profiles.Profile;
import dev.courier.auth.profiles.Profiles;
import dev.courier.platform.grpc.PublicGrpc;
import dev.courier.platform.http.Params;
import dev.courier.platform.seed002.users.GetUserRequest;
import dev.courier.platform.seed002.users.GetUserResponse;
import dev.courier.platform.seed002.users.RegisterUserRequest;
import dev.courier.platform.seed002.users.RegisterUserResponse;
import dev.courier.platform.seed002.users.User;
import dev.courier.platform.seed002.users.UserServiceGrpc;

/**
 * Seed 002's gRPC {@code users.UserService} on auth's public gRPC listener: {@code RegisterUser} is
 * {@code POST /users/register} ({@link UsersServiceEndpoints#register}), {@code GetUser} is the public
 * profile. Errors are gRPC statuses naming the field ({@link PublicGrpc#status}).
 */
public final class UsersGrpc extends UserServiceGrpc.UserServiceImplBase {

    private final UsersServiceEndpoints endpoints;
    private final Profiles profiles;

    public UsersGrpc(UsersServiceEndpoints endpoints, Profiles profiles) {
        this.endpoints = endpoints;
        this.profiles = profiles;
    }

    @Override
    public void registerUser(RegisterUserRequest request, StreamObserver<RegisterUserResponse> responses) {
        UsersServiceEndpoints.Registered r;
        try {
            // Helidon's gRPC server does not tell the peer's address: gRPC registrations share one rate-limit bucket.
            r = endpoints.register(request.getUsername(), "grpc", "grpc", "grpc");
        } catch (RuntimeException e) {
            responses.onError(PublicGrpc.status(e));
            return;
        }
        responses.onNext(RegisterUserResponse.newBuilder()
                .setUser(User.newBuilder().setId(r.id()).setUsername(r.username()).setCreatedAt(timestamp(r.createdAt())))
                .setAccessToken(r.accessToken()).setRefreshToken(r.refreshToken()).build());
        responses.onCompleted();
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> responses) {
        Profile p;
        try {
            long id = Params.positiveId("id", request.getId());
            p = profiles.get(id).orElseThrow(() -> Status.NOT_FOUND.withDescription("No such user.").asRuntimeException());
        } catch (RuntimeException e) {
            responses.onError(PublicGrpc.status(e));
            return;
        }
        responses.onNext(GetUserResponse.newBuilder().setUser(User.newBuilder().setId(Long.toString(p.id()))
                .setUsername(p.username()).setCreatedAt(timestamp(p.createdAt()))).build());
        responses.onCompleted();
    }

    static Timestamp timestamp(java.time.Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
