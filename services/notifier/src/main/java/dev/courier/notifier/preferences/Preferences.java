package dev.courier.notifier.preferences;

/**
 * A user's notification settings.
 *
 * @param push     Web Push to the user's subscribed browsers
 * @param email    email digests when push does not reach them
 * @param previews include the message text (never for end-to-end encrypted messages)
 */
public record Preferences(boolean push, boolean email, boolean previews) {

    public static final Preferences DEFAULT = new Preferences(true, true, true);
}
