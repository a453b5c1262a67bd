package io.vibstream.local;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The model releases on the compacted models topic, which is their history. Each release is keyed
 * by its version ({@link Topic#versionKey}, e.g. {@code v000042}), so compaction keeps every
 * version and nothing is ever overwritten: a rollback is a new release with a higher version.
 * Jobs read the whole topic and serve the highest version that passes validation, whatever the
 * keys (releases that older publishers wrote under the key {@code current} count too).
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  /** Longest wait for transactions still being completed before reading the committed end. */
  private static final Duration SETTLE = Duration.ofSeconds(5);

  /**
   * One record of the topic, oldest first.
   *
   * @param release the decoded release, or null if the value is not a {@code ModelRelease}
   * @param verified the checked artifact (checksum, format), or null with {@code problem} saying why not
   */
  public record Entry(long offset, String key, ModelRelease release, ModelReleases.Verified verified, String problem) {
    public boolean valid() {
      return verified != null;
    }
  }

  private final String bootstrap;
  private final KafkaClientConfig client;
  private final String topic;
  private KafkaProducer<String, ModelRelease> producer;

  public ModelRegistry(String bootstrap, String topic) {
    this(bootstrap, KafkaClientConfig.NONE, topic);
  }

  /** The registry on {@code topic}, its clients with {@code client}'s TLS and SASL settings. */
  public ModelRegistry(String bootstrap, KafkaClientConfig client, String topic) {
    this.bootstrap = bootstrap;
    this.client = client;
    this.topic = topic;
  }

  public String topic() {
    return topic;
  }

  /** Every committed record of the topic from its beginning (read_committed), each checked. */
  public List<Entry> history() {
    Map<String, Object> config = client.merge(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "vibstream-models-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
    AvroDeserializer<ModelRelease> values = new AvroDeserializer<>(ModelRelease.class);
    List<Entry> entries = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, TIMEOUT);
      } catch (TimeoutException e) {
        throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within " + TIMEOUT.toSeconds() + " s");
      }
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrap);
      }
      List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = settledEnd(consumer, assigned);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (assigned.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read topic '" + topic + "' to its end within "
              + TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            entries.add(entry(r, values));
          }
        }
      }
    }
    entries.sort(Comparator.comparingLong(Entry::offset));
    return entries;
  }

  /**
   * The committed end of {@code partitions}, once the transactions written before this call are
   * complete (waiting at most {@link #SETTLE}): a producer's commitTransaction returns before its
   * commit markers reach the partitions, so a release published just before (e.g. by rollback)
   * would otherwise be missing from the list.
   */
  private Map<TopicPartition, Long> settledEnd(KafkaConsumer<?, ?> committed, List<TopicPartition> partitions) {
    Map<String, Object> config = client.merge(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
    Map<TopicPartition, Long> written;
    try (KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      written = all.endOffsets(partitions);
    }
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      Map<TopicPartition, Long> end = committed.endOffsets(partitions);
      if (partitions.stream().allMatch(p -> end.get(p) >= written.get(p)) || System.nanoTime() > deadline) {
        return new HashMap<>(end);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new HashMap<>(end);
      }
    }
  }

  private Entry entry(ConsumerRecord<String, byte[]> r, AvroDeserializer<ModelRelease> values) {
    ModelRelease release;
    try {
      release = values.deserialize(topic, r.value());
    } catch (SerializationException e) {
      return new Entry(r.offset(), r.key(), null, null, e.getMessage());
    }
    try {
      return new Entry(r.offset(), r.key(), release, ModelReleases.verify(release), null);
    } catch (ModelReleases.RefusedException e) {
      return new Entry(r.offset(), r.key(), release, null, e.getMessage());
    }
  }

  /**
   * What a job on the artifact's backbone serves: the highest valid version (the first record of
   * that version, as a job refuses the later ones as not newer).
   */
  public static Optional<Entry> current(List<Entry> history) {
    Entry best = null;
    for (Entry e : history) {
      if (e.valid() && (best == null || e.release().getVersion() > best.release().getVersion())) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The highest version in {@code history}, valid or not, or 0. */
  public static long maxVersion(List<Entry> history) {
    return history.stream().filter(e -> e.release() != null).mapToLong(e -> e.release().getVersion()).max()
        .orElse(0);
  }

  /** Publishes {@code release} under its version key in one transaction (idempotent, acks=all). */
  public void publish(ModelRelease release) throws Exception {
    if (producer == null) {
      producer = new KafkaProducer<>(client.merge(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vibstream-models-publish-" + UUID.randomUUID(),
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
          ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis() * 2)), new StringSerializer(),
          new AvroSerializer<>());
      producer.initTransactions();
    }
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(topic, Topic.versionKey(release.getVersion()), release)).get();
    producer.commitTransaction();
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
  }

  /** Publishes {@code file} to {@code topic} on {@code bootstrap}; see {@link #publish(Path, Long, ReleaseSigner)}. */
  public static ModelRelease publish(String bootstrap, String topic, Path file, Long version, ReleaseSigner signer)
      throws Exception {
    try (ModelRegistry registry = new ModelRegistry(bootstrap, topic)) {
      return registry.publish(file, version, signer);
    }
  }

  /**
   * Publishes {@code file} as a new release: version {@code version}, or by default the manifest's
   * (one past the highest on the topic if that is not newer), signed by {@code signer} (null:
   * unsigned). A version that is not above every version on the topic is refused (running jobs
   * would refuse it too).
   */
  public ModelRelease publish(Path file, Long version, ReleaseSigner signer)
      throws Exception {
    byte[] bytes;
    try {
      bytes = ModelArtifacts.readBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such model file: " + file);
    }
    ModelArtifact artifact = ModelArtifacts.fromBytes(bytes, file.toString());
    long highest = maxVersion(history());
    long v = version != null ? version : Math.max(artifact.manifest().version(), highest + 1);
    if (v <= highest) {
      throw new IllegalArgumentException("version " + v + " is not above version " + highest + " on '"
          + topic() + "' (running jobs would refuse it); give --version " + (highest + 1) + " or more");
    }
    ModelRelease release = release(artifact.manifest(), bytes, v, signer);
    publish(release);
    return release;
  }

  /**
   * Republishes release {@code to} (its artifact, checksum, metrics and lineage data) as version
   * highest + 1 with lineage parent {@code to}, signed by {@code signer} for that version (null:
   * unsigned; the old signature covers the old version only).
   */
  public ModelRelease rollback(long to, ReleaseSigner signer) throws Exception {
    List<Entry> history = history();
    List<Entry> matching = history.stream()
        .filter(e -> e.release() != null && e.release().getVersion() == to).toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no release with version " + to + " on '" + topic()
          + "' (versions: " + history.stream().filter(e -> e.release() != null)
              .map(e -> Long.toString(e.release().getVersion())).distinct().collect(Collectors.joining(", ")) + ")");
    }
    Entry target = matching.get(0);
    if (!target.valid()) {
      throw new IllegalArgumentException("release " + to + " cannot be served: " + target.problem());
    }
    Optional<Entry> current = current(history);
    if (current.isPresent() && current.get().release().getVersion() == to) {
      throw new IllegalArgumentException("version " + to + " is already the current release");
    }
    ModelRelease old = target.release();
    Lineage lineage = Lineage.newBuilder(old.getLineage())
        .setParentVersion(to)
        .setTraining(old.getLineage().getTraining().isEmpty() ? "rollback to v" + to
            : "rollback to v" + to + "; " + old.getLineage().getTraining())
        .build();
    long version = maxVersion(history) + 1;
    ModelRelease release = ModelRelease.newBuilder(old)
        .setVersion(version)
        .setSignature(ModelReleases.signature(signer, version, old.getSha256()))
        .setLineage(lineage)
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .build();
    publish(release);
    return release;
  }

  /**
   * The release of an artifact's bytes as version {@code version}, lineage from its manifest,
   * signed by {@code signer} (null: unsigned).
   */
  public static ModelRelease release(ModelManifest m, byte[] bytes, long version, ReleaseSigner signer) {
    return ModelReleases.inline(version, bytes, m, Instant.now().truncatedTo(ChronoUnit.MILLIS), signer);
  }
}
