package dev.courier.auth.recovery;

import java.util.Properties;

import io.helidon.config.Config;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Plain-text mail through the SMTP server of {@code courier.smtp} (host, port, from). */
public final class Mailer {

    private final Session session;
    private final InternetAddress from;

    public Mailer(Config smtp) {
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.get("host").asString().orElse("127.0.0.1"));
        p.put("mail.smtp.port", Integer.toString(smtp.get("port").asInt().orElse(25)));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        smtp.get("starttls").asBoolean().ifPresent(tls -> p.put("mail.smtp.starttls.enable", Boolean.toString(tls)));
        this.session = Session.getInstance(p);
        try {
            this.from = new InternetAddress(smtp.get("from").asString().orElse("Courier <no-reply@courier.local>"));
        } catch (MessagingException e) {
            throw new IllegalStateException("courier.smtp.from is not an email address", e);
        }
    }

    public void send(String to, String subject, String text) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        Transport.send(m);
    }
}
