package dev.courier.auth.directory;

import java.util.List;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.courier.auth.users.User;
import dev.courier.auth.users.UserStore;
import dev.courier.platform.users.v1.GetUsersRequest;
import dev.courier.platform.users.v1.GetUsersResponse;
import dev.courier.platform.users.v1.UserDirectoryGrpc;

/**
 * gRPC {@code courier.users.v1.UserDirectory} on auth's internal listener: other services resolve
 * user ids to profile and email. It is not on the public ingress; the chart's network policy keeps
 * it to the cluster; every call carries the calling service's credential ({@link DirectoryCallers}),
 * and only a service allowed to mail (the notifier) gets addresses, and only verified ones.
 */
public final class UserDirectoryService extends UserDirectoryGrpc.UserDirectoryImplBase {

    /** A request for more ids than this is refused rather than turned into one huge query. */
    public static final int MAX_IDS = 1000;

    private final UserStore users;
    private final DirectoryCallers callers;

    public UserDirectoryService(UserStore users, DirectoryCallers callers) {
        this.users = users;
        this.callers = callers;
    }

    @Override
    public void getUsers(GetUsersRequest request, StreamObserver<GetUsersResponse> responses) {
        java.util.Optional<DirectoryCallers.Caller> caller = callers.identify(request.getCredential());
        if (caller.isEmpty()) {
            responses.onError(Status.UNAUTHENTICATED.withDescription("A service credential is required").asRuntimeException());
            return;
        }
        if (request.getIdsCount() > MAX_IDS) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("At most " + MAX_IDS + " ids per call").asRuntimeException());
            return;
        }
        List<Long> ids = request.getIdsList().stream().filter(id -> id > 0).distinct().toList();
        GetUsersResponse.Builder out = GetUsersResponse.newBuilder();
        boolean emails = caller.get().emails();
        try {
            for (User u : users.byIds(ids)) {
                out.addUsers(dev.courier.platform.users.v1.User.newBuilder().setId(u.id()).setUsername(u.username())
                        .setDisplayName(u.displayName()).setEmail(emails && u.emailVerified() ? u.email() : ""));
            }
        } catch (RuntimeException e) {
            responses.onError(Status.UNAVAILABLE.withDescription("The user store is unavailable").withCause(e).asRuntimeException());
            return;
        }
        responses.onNext(out.build());
        responses.onCompleted();
    }
}
