package dev.courier.notifier.users;

/** What notifications need to know about a user. {@code email} may be null when the directory does not share it. */
public record UserInfo(long id, String username, String displayName, String email) {

    /** The name shown as a notification's sender. */
    public String name() {
        return displayName != null && !displayName.isBlank() ? displayName : username;
    }
}
