package dev.courier.stats.api;

import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/** Who may see what: a user their own numbers; totals, chats and other users need the admin role. */
final class Access {

    private Access() {
    }

    static void requireSelfOrAdmin(Caller caller, long userId) {
        if (caller.userId() != userId && !caller.isAdmin()) {
            throw ProblemException.forbidden("Only your own numbers, unless you have the admin role.");
        }
    }

    static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw ProblemException.forbidden("These numbers need the admin role.");
        }
    }
}
