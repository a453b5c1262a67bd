package io.vibstream.connectors.kafka;

import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.RetrainStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The project's Kafka topics: name, default partitions, cleanup policy, key and value type. The
 * broker, {@code tail}, the jobs' wiring, the local stack and the tests all read this one table.
 * Dead-letter topics hold the original record (its bytes, which may not decode) with the reason in
 * headers.
 */
public enum Topic {
  /** Camera frames (JPEG in Avro), keyed by camera id so a camera's frames keep their order. */
  FRAMES("frames", 4, false, "camera id", Frame.class),
  /** Action events, keyed by camera id. */
  EVENTS("events", 4, false, "camera id", ActionEvent.class),
  /** Model releases, keyed by version ({@code v000042}); compacted, so every version stays. */
  MODELS("models", 1, true, "version", ModelRelease.class),
  /** What each inference subtask did with each release, keyed by version. */
  MODEL_STATUS("model-status", 1, false, "version", ModelStatus.class),
  /** Frames the inference job could not use, as they arrived. */
  FRAMES_DEAD_LETTER("frames-dead-letter", 1, false, "as the original", Frame.class),
  /** Labeled clips for the retrain job, unkeyed. */
  TRAINING_CLIPS("training-clips", 1, false, "none", LabeledClip.class),
  /** Clips the retrain job could not use, as they arrived. */
  TRAINING_CLIPS_DEAD_LETTER("training-clips-dead-letter", 1, false, "as the original", LabeledClip.class),
  /** One record per retraining: the candidate's metrics and whether it was published. */
  RETRAIN_STATUS("retrain-status", 1, false, "none", RetrainStatus.class);

  private final String topicName;
  private final int partitions;
  private final boolean compacted;
  private final String key;
  private final Class<? extends SpecificRecord> valueType;

  Topic(String topicName, int partitions, boolean compacted, String key, Class<? extends SpecificRecord> valueType) {
    this.topicName = topicName;
    this.partitions = partitions;
    this.compacted = compacted;
    this.key = key;
    this.valueType = valueType;
  }

  /** The name on the broker. */
  public String topicName() {
    return topicName;
  }

  /** Partitions the broker command creates it with. */
  public int partitions() {
    return partitions;
  }

  /** Whether the cleanup policy is compact (else delete). */
  public boolean compacted() {
    return compacted;
  }

  /** What the record key holds. */
  public String key() {
    return key;
  }

  /** The Avro type of the values (of a dead-letter topic: of the records that were refused). */
  public Class<? extends SpecificRecord> valueType() {
    return valueType;
  }

  /** The record key of a model version on {@link #MODELS} and {@link #MODEL_STATUS}: {@code v000042}. */
  public static String versionKey(long version) {
    return String.format(Locale.ROOT, "v%06d", version);
  }

  /** The topic of that name, if it is one of the project's. */
  public static Optional<Topic> named(String name) {
    return Arrays.stream(values()).filter(t -> t.topicName.equals(name)).findFirst();
  }
}
