package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.kafka.Topic;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The job jar's options read as {@code vibstream job} names them, the older spellings too. */
class JobOptionsTest {
  @Test
  void readsTheJobCommandsDialect() throws Exception {
    JobOptions o = JobOptions.parse("--bootstrap", "k:9092", "--backbone", "builtin:x", "--max-batch", "4",
        "--unaligned-checkpoints", "--max-clock-skew", "30s", "--group-id", "g", "--allowed-cameras", "a, b");
    KafkaWiring wiring = o.wiring();
    assertThat(wiring.bootstrapServers()).isEqualTo("k:9092");
    assertThat(wiring.framesTopic()).isEqualTo(Topic.FRAMES.topicName());
    assertThat(wiring.groupId()).isEqualTo("g");
    assertThat(wiring.transactionalIdPrefix()).isEqualTo("g");
    ActionRecognitionJob.Settings config = o.config();
    assertThat(config.maxBatchSize()).isEqualTo(4);
    assertThat(config.maxBatchWaitMs()).isEqualTo(20);
    assertThat(config.limits().maxClockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.limits().allowedCameras()).containsExactlyInAnyOrder("a", "b");
    assertThat(o.unalignedCheckpoints()).isTrue();
    assertThat(o.checkpointIntervalMs()).isEqualTo(JobOptions.DEFAULT_CHECKPOINT_INTERVAL_MS);
  }

  @Test
  void readsTheOlderSpellings() throws Exception {
    JobOptions o = JobOptions.parse("--bootstrap-servers", "k:9092", "--backbone", "builtin:x",
        "--unaligned-checkpoints", "false", "--max-clock-skew-ms", "1500");
    assertThat(o.wiring().bootstrapServers()).isEqualTo("k:9092");
    assertThat(o.wiring().groupId()).isEqualTo(JobOptions.DEFAULT_GROUP_ID);
    assertThat(o.unalignedCheckpoints()).isFalse();
    assertThat(o.config().limits().maxClockSkew()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void saysWhatIsWrongInOneLine() {
    assertThatThrownBy(() -> JobOptions.parse("--backbone", "builtin:x").wiring())
        .hasMessage("--bootstrap is required");
    assertThatThrownBy(() -> JobOptions.parse("--bootstrap")).hasMessage("--bootstrap needs a value");
    assertThatThrownBy(() -> JobOptions.parse("k:9092")).hasMessage("expected --name value pairs, got 'k:9092'");
    assertThatThrownBy(() -> JobOptions.parse("--backbone", "b", "--max-clock-skew", "soon").config())
        .hasMessage("'soon' is not a duration such as 500ms, 30s, 1m or 2h");
  }
}
