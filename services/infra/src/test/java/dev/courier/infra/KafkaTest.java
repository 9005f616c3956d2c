package dev.courier.infra;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class KafkaTest {

    @Test
    void clusterIdsNeverLookLikeACommandLineOption() {
        // A leading '-' made `kafka-storage format -t <id>` fail on about one fresh start in 64.
        for (int i = 0; i < 5_000; i++) {
            String id = Kafka.clusterId();
            assertThat(id, not(org.hamcrest.Matchers.startsWith("-")));
            assertThat(id.length(), is(22));
        }
    }
}
