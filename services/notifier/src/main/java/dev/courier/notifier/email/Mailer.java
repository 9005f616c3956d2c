package dev.courier.notifier.email;

import java.util.Map;
import java.util.Properties;

import io.helidon.config.Config;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Sends plain-text mail through the SMTP server in {@code courier.smtp} ({@code host}, {@code port}, optional {@code user}, {@code password}, {@code starttls}). */
public final class Mailer {

    private final Session session;
    private final InternetAddress from;

    public Mailer(Config smtp, String from) {
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.get("host").asString().orElse("127.0.0.1"));
        p.put("mail.smtp.port", Integer.toString(smtp.get("port").asInt().orElse(25)));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        boolean starttls = smtp.get("starttls").asBoolean().orElse(false);
        p.put("mail.smtp.starttls.enable", Boolean.toString(starttls));
        p.put("mail.smtp.starttls.required", Boolean.toString(starttls));
        var user = smtp.get("user").asString().filter(s -> !s.isBlank());
        String password = smtp.get("password").asString().orElse("");
        Authenticator auth = null;
        if (user.isPresent()) {
            p.put("mail.smtp.auth", "true");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user.get(), password);
                }
            };
        }
        this.session = Session.getInstance(p, auth);
        try {
            this.from = new InternetAddress(from);
        } catch (MessagingException e) {
            throw new IllegalStateException("courier.notifier.email.from is not an address: " + from, e);
        }
    }

    public void send(String to, String subject, String text, Map<String, String> headers) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to, true));
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        for (var h : headers.entrySet()) {
            m.setHeader(h.getKey(), h.getValue());
        }
        Transport.send(m);
    }
}
