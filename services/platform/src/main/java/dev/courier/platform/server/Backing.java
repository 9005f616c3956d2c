package dev.courier.platform.server;

import java.util.List;

import org.apache.kafka.clients.admin.Admin;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.Migrations;
import dev.courier.platform.events.Topics;
import dev.courier.platform.health.Checks;
import dev.courier.platform.kafka.KafkaSettings;
import dev.courier.platform.redis.RedisSettings;

/**
 * The backing servers of one service: its PostgreSQL schema (migrated on open), Redis and Kafka
 * (topics created on open). Opening fails fast with one clear message per unreachable server.
 */
public record Backing(Database db, JedisPooled redis, KafkaSettings kafka, Admin admin) implements AutoCloseable {

    public static Backing open(Config config, String schema, Class<?> anchor) {
        Config courier = config.get("courier");
        Database db = Database.open(courier.get("db"), schema);
        JedisPooled redis = null;
        Admin admin = null;
        try {
            Migrations.apply(db, anchor.getClassLoader());
            redis = RedisSettings.connect(courier.get("redis"));
            KafkaSettings kafka = KafkaSettings.from(courier.get("kafka"));
            admin = kafka.admin();
            kafka.ensureTopics(admin, Topics.ALL);
            return new Backing(db, redis, kafka, admin);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            if (redis != null) {
                redis.close();
            }
            db.close();
            throw e;
        }
    }

    public List<HealthCheck> healthChecks() {
        return List.of(Checks.database(db), Checks.redis(redis), Checks.kafka(admin));
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
        redis.close();
        db.close();
    }
}
