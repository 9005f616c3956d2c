package dev.courier.notifier.users;

import java.util.Collection;
import java.util.Map;

/** Looks users up in auth's directory; unknown ids are simply absent from the answer. */
@FunctionalInterface
public interface Users {

    Map<Long, UserInfo> find(Collection<Long> ids);
}
