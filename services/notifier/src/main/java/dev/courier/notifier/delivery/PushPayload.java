package dev.courier.notifier.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the service worker receives (decrypted) and shows: {@code title} and {@code body} ready to
 * display, the chat's URL to open on click and a tag, so a newer message of a chat replaces the
 * notification of the older one.
 *
 * @param preview the message text, absent for end-to-end encrypted messages or when previews are off
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushPayload(String type, long chatId, long messageId, long senderId, String senderName,
                          String preview, String title, String body, String url, String tag) {

    /** Long texts are cut so that the encrypted body stays far below the 4 KiB push limit. */
    public static final int MAX_PREVIEW = 140;

    public static PushPayload of(long chatId, long messageId, long senderId, String senderName, String preview, boolean encrypted) {
        String cut = preview == null ? null : cut(preview);
        String body = cut != null ? cut : encrypted ? "New encrypted message" : "New message";
        // url and tag are strings built here: JavaScript numbers lose 64-bit ids above 2^53.
        return new PushPayload("message", chatId, messageId, senderId, senderName, cut, senderName, body,
                "/app/chats/" + chatId, "chat-" + chatId);
    }

    static String cut(String text) {
        if (text.codePointCount(0, text.length()) <= MAX_PREVIEW) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, MAX_PREVIEW - 1)) + "…";
    }
}
