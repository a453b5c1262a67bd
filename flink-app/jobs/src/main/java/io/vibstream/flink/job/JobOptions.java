package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.model.signing.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The inference job's options in one dialect for both entry points: {@code flink run} of the job
 * jar ({@link ActionRecognitionJob#main}, parsed here without picocli) and {@code vibstream job}
 * (picocli, by these names and defaults). Values follow their names ({@code --bootstrap HOST:PORT});
 * {@code --unaligned-checkpoints} is a flag (an explicit {@code true} or {@code false} after it is
 * read too); {@code --bootstrap-servers} and {@code --max-clock-skew-ms} are accepted as the older
 * spellings of {@code --bootstrap} and {@code --max-clock-skew}.
 */
public final class JobOptions {
  public static final String BOOTSTRAP = "--bootstrap";
  public static final String BACKBONE = "--backbone";
  public static final String PARALLELISM = "--parallelism";
  public static final String MAX_BATCH = "--max-batch";
  public static final String MAX_BATCH_WAIT_MS = "--max-batch-wait-ms";
  public static final String FLUSH_INTERVAL_MS = "--flush-interval-ms";
  public static final String STRIDE = "--stride";
  public static final String UNSURE_BELOW = "--unsure-below";
  public static final String CHECKPOINT_INTERVAL_MS = "--checkpoint-interval-ms";
  public static final String UNALIGNED_CHECKPOINTS = "--unaligned-checkpoints";
  public static final String GROUP_ID = "--group-id";
  public static final String TRANSACTIONAL_ID_PREFIX = "--transactional-id-prefix";
  public static final String MAX_FRAME_BYTES = "--max-frame-bytes";
  public static final String ALLOWED_CAMERAS = "--allowed-cameras";
  public static final String MAX_CLOCK_SKEW = "--max-clock-skew";
  public static final String TRUSTED_KEY = "--trusted-key";
  public static final String KAFKA_CONFIG = "--kafka-config";
  public static final String FRAMES_TOPIC = "--frames-topic";
  public static final String MODELS_TOPIC = "--models-topic";
  public static final String EVENTS_TOPIC = "--events-topic";
  public static final String DEAD_LETTER_TOPIC = "--dead-letter-topic";
  public static final String MODEL_STATUS_TOPIC = "--model-status-topic";
  /** The frames' consumer group, and the prefix of the sinks' transactional ids. */
  public static final String DEFAULT_GROUP_ID = "vibstream-actions";
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 5000;
  private static final Map<String, String> OLDER_SPELLINGS = Map.of("--bootstrap-servers", BOOTSTRAP,
      "--max-clock-skew-ms", MAX_CLOCK_SKEW);

  private static final Pattern AMOUNT = Pattern.compile("(\\d+)(ms|s|m|h)?");
  private final Map<String, String> values;

  private JobOptions(Map<String, String> values) {
    this.values = values;
  }

  /** The options of {@code args}; one-line errors for what is not an option or lacks its value. */
  public static JobOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + name + "'");
      }
      boolean flag = name.equals(UNALIGNED_CHECKPOINTS);
      if (flag && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        values.put(name, "true");
      } else if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      } else if (name.equals("--max-clock-skew-ms")) {
        values.put(MAX_CLOCK_SKEW, args[++i] + "ms");
      } else {
        values.put(OLDER_SPELLINGS.getOrDefault(name, name), args[++i]);
      }
    }
    return new JobOptions(values);
  }

  /** The Kafka wiring of the options (default topics, group {@value #DEFAULT_GROUP_ID}). */
  public KafkaWiring wiring() throws IOException {
    String group = get(GROUP_ID, DEFAULT_GROUP_ID);
    return KafkaWiring.of(required(BOOTSTRAP))
        .withTopics(get(FRAMES_TOPIC, Topic.FRAMES.topicName()), get(MODELS_TOPIC, Topic.MODELS.topicName()),
            get(EVENTS_TOPIC, Topic.EVENTS.topicName()), get(DEAD_LETTER_TOPIC, Topic.FRAMES_DEAD_LETTER.topicName()))
        .withModelStatusTopic(get(MODEL_STATUS_TOPIC, Topic.MODEL_STATUS.topicName()))
        .withIds(group, get(TRANSACTIONAL_ID_PREFIX, group))
        .withClient(values.containsKey(KAFKA_CONFIG) ? KafkaClientConfig.load(Path.of(values.get(KAFKA_CONFIG)))
            : KafkaClientConfig.NONE);
  }

  /** The job's settings; what is not given keeps {@link ActionRecognitionJob.Settings#defaults}. */
  public ActionRecognitionJob.Settings config() {
    ActionRecognitionJob.Settings d = ActionRecognitionJob.Settings.defaults(required(BACKBONE));
    ActionRecognitionJob.Settings config = d
        .withParallelism(Integer.parseInt(get(PARALLELISM, String.valueOf(d.parallelism()))))
        .withBatching(Integer.parseInt(get(MAX_BATCH, String.valueOf(d.maxBatchSize()))),
            Long.parseLong(get(MAX_BATCH_WAIT_MS, String.valueOf(d.maxBatchWaitMs()))))
        .withFlushInterval(Long.parseLong(get(FLUSH_INTERVAL_MS, String.valueOf(d.flushIntervalMs()))))
        .withStride(Integer.parseInt(get(STRIDE, String.valueOf(d.strideFrames()))))
        .withUnsureBelow(Float.parseFloat(get(UNSURE_BELOW, String.valueOf(d.unsureBelow()))))
        .withMaxFrameBytes(Long.parseLong(get(MAX_FRAME_BYTES, "0")))
        .withAllowedCameras(cameras(get(ALLOWED_CAMERAS, "")));
    String skew = values.get(MAX_CLOCK_SKEW);
    return skew == null ? config : config.withLimits(config.limits().withMaxClockSkew(duration(skew)));
  }

  public long checkpointIntervalMs() {
    return Long.parseLong(get(CHECKPOINT_INTERVAL_MS, String.valueOf(DEFAULT_CHECKPOINT_INTERVAL_MS)));
  }

  public boolean unalignedCheckpoints() {
    String unaligned = get(UNALIGNED_CHECKPOINTS, "false");
    if (!unaligned.equals("true") && !unaligned.equals("false")) {
      throw new IllegalArgumentException(UNALIGNED_CHECKPOINTS + " must be true or false, got '" + unaligned + "'");
    }
    return Boolean.parseBoolean(unaligned);
  }

  /** The keys of {@value #TRUSTED_KEY} (comma-separated files); none: unsigned releases are accepted too. */
  public TrustedKeys trustedKeys() throws IOException {
    return TrustedKeys.load(Arrays.stream(get(TRUSTED_KEY, "").split(",")).map(String::trim)
        .filter(f -> !f.isEmpty()).map(Path::of).toList());
  }

  /** Comma-separated camera ids, blanks ignored. */
  private static Set<String> cameras(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(c -> !c.isEmpty()).collect(Collectors.toSet());
  }

  /** {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h} or seconds without a unit, as {@code vibstream job} reads. */
  static Duration duration(String text) {
    Matcher m = AMOUNT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 1m or 2h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  private String required(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }
}
