package dev.courier.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the local servers listen. {@link #config()} gives the service configuration keys (the
 * same keys the Helm chart sets through environment variables such as {@code COURIER_DB_URL}).
 */
public record Endpoints(String dbUrl,
                        String dbUser,
                        String dbPassword,
                        String redisUrl,
                        String kafkaBootstrap,
                        String smtpHost,
                        int smtpPort,
                        String mailApiUrl) {

    public Map<String, String> config() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("courier.db.url", dbUrl);
        c.put("courier.db.user", dbUser);
        c.put("courier.db.password", dbPassword);
        c.put("courier.redis.url", redisUrl);
        c.put("courier.kafka.bootstrap", kafkaBootstrap);
        c.put("courier.smtp.host", smtpHost);
        c.put("courier.smtp.port", Integer.toString(smtpPort));
        return c;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + dbUrl + "\nRedis      " + redisUrl + "\nKafka      " + kafkaBootstrap
                + "\nSMTP       " + smtpHost + ":" + smtpPort + (mailApiUrl == null ? "" : "  (read mail: " + mailApiUrl + "/api/user)");
    }
}
