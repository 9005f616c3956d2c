package dev.courier.notifier.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import dev.courier.platform.testing.Http;

/** Mail the shared GreenMail received, read through its REST API ({@code /api/user/{email}/messages/INBOX}). */
public final class Mailbox {

    private final Http api;

    public Mailbox(String mailApiUrl) {
        this.api = new Http(mailApiUrl);
    }

    /** The notifier's mails to {@code email} (auth's verification mail left out). */
    public List<MimeMessage> messages(String email) {
        return allMessages(email).stream().filter(m -> {
            try {
                return !String.valueOf(m.getSubject()).startsWith("Confirm your Courier email");
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Every mail to {@code email}. */
    public List<MimeMessage> allMessages(String email) {
        Http.Response r = api.get("/api/user/" + email + "/messages/INBOX");
        JsonNode json = r.json();
        List<MimeMessage> out = new ArrayList<>();
        if (!json.isArray()) {
            // GreenMail answers {"message": "User ... not found"} until the first mail arrives.
            return out;
        }
        Session session = Session.getInstance(new Properties());
        for (JsonNode m : json) {
            try {
                out.add(new MimeMessage(session, new ByteArrayInputStream(m.get("mimeMessage").asText().getBytes(StandardCharsets.UTF_8))));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Waits until {@code email} has at least {@code count} messages and returns them all. */
    public List<MimeMessage> await(String email, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<MimeMessage> got = messages(email);
        while (got.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
            got = messages(email);
        }
        if (got.size() < count) {
            throw new AssertionError(email + " has " + got.size() + " messages, expected " + count + " within " + timeout);
        }
        return got;
    }

    public static String text(MimeMessage m) {
        try {
            return String.valueOf(m.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
