package io.vibstream.local;

import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.flink.job.RetrainKafkaWiring;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.ModelRelease;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;

/**
 * The whole system on one machine: an in-JVM Kafka broker on 127.0.0.1 with the project's topics,
 * an in-process Flink cluster, and a throwaway signing key that the jobs started here trust. The
 * demo, the benches, {@code recognize}, {@code soak} and the Kafka tests start one instead of
 * wiring a broker and a cluster by hand. {@link #close()} stops the cluster, then the broker.
 */
public final class LocalStack implements AutoCloseable {
  /**
   * What to start.
   *
   * @param slots task slots of the Flink cluster
   * @param partitions partitions of the frames and events topics (the job's parallelism is a good choice)
   * @param flink extra Flink settings for the cluster and every job built on it
   * @param security TLS, SASL and ACLs of the broker, or null for plaintext; {@link #publishModel}
   *     and {@link #outputs()} speak plaintext only, clients of a secured broker bring their credentials
   */
  public record Settings(int slots, int partitions, Configuration flink, EmbeddedKafka.Security security) {
    public Settings {
      if (slots < 1 || partitions < 1) {
        throw new IllegalArgumentException("slots and partitions must be >= 1, got " + slots + " and " + partitions);
      }
      flink = new Configuration(flink);
    }

    /** Plaintext. */
    public Settings(int slots, int partitions, Configuration flink) {
      this(slots, partitions, flink, null);
    }

    /** {@code slots} slots, at least two partitions of frames and events, no extra Flink settings, plaintext. */
    public static Settings of(int slots) {
      return new Settings(slots, Math.max(2, slots), new Configuration());
    }

    public Settings withPartitions(int n) {
      return new Settings(slots, n, flink, security);
    }

    public Settings withFlink(Configuration extra) {
      Configuration c = new Configuration(flink);
      c.addAll(extra);
      return new Settings(slots, partitions, c, security);
    }

    /** A broker with TLS, SASL/SCRAM and ACLs ({@link EmbeddedKafka#startSecured}). */
    public Settings withSecurity(EmbeddedKafka.Security brokerSecurity) {
      return new Settings(slots, partitions, flink, brokerSecurity);
    }
  }

  private final EmbeddedKafka kafka;
  private final LocalFlink flink;
  private final ReleaseSigner signer = ReleaseSigner.generate();

  private LocalStack(EmbeddedKafka kafka, LocalFlink flink) {
    this.kafka = kafka;
    this.flink = flink;
  }

  /** Starts a stack with {@code slots} slots; see {@link Settings#of}. */
  public static LocalStack start(int slots) throws Exception {
    return start(Settings.of(slots));
  }

  /** Starts the broker, creates every project topic, then starts the Flink cluster. */
  public static LocalStack start(Settings settings) throws Exception {
    EmbeddedKafka kafka = settings.security() == null ? EmbeddedKafka.start()
        : EmbeddedKafka.startSecured(settings.security());
    try {
      for (Topic topic : Topic.values()) {
        boolean scaled = topic == Topic.FRAMES || topic == Topic.EVENTS;
        kafka.createTopic(topic, scaled ? settings.partitions() : topic.partitions());
      }
      return new LocalStack(kafka, LocalFlink.start(settings.slots(), settings.flink()));
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** The broker's {@code host:port}. */
  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  public LocalFlink flink() {
    return flink;
  }

  /** The throwaway key that signs what {@link #publishModel} publishes; jobs from {@link #job} trust it. */
  public ReleaseSigner signer() {
    return signer;
  }

  /** The Kafka wiring of this broker under fresh consumer-group and transactional ids. */
  public KafkaWiring wiring() {
    String id = "local-" + UUID.randomUUID();
    return KafkaWiring.of(bootstrap()).withIds(id, id);
  }

  /** The retrain job's Kafka wiring of this broker under fresh consumer-group and transactional ids. */
  public RetrainKafkaWiring retrainWiring() {
    String id = "local-retrain-" + UUID.randomUUID();
    return RetrainKafkaWiring.of(bootstrap()).withIds(id, id);
  }

  /** The inference job on this stack's topics, trusting this stack's signer. */
  public ActionRecognitionJob job(ActionRecognitionJob.Settings config) {
    return wiring().job(config).trustedKeys(signer.trustedKeys());
  }

  /**
   * Publishes the model file {@code vib} on the models topic, signed by {@link #signer()}: as
   * {@code version}, or null for the manifest's (see {@link ModelRegistry#publish(Path, Long, ReleaseSigner)}).
   */
  public ModelRelease publishModel(Path vib, Long version) throws Exception {
    return ModelRegistry.publish(bootstrap(), Topic.MODELS.topicName(), vib, version, signer);
  }

  /** A read_committed reader of the events, model-status and retrain-status topics, from the beginning. */
  public CommittedOutputs outputs() {
    return new CommittedOutputs(bootstrap());
  }

  @Override
  public void close() throws Exception {
    try {
      flink.close();
    } finally {
      kafka.close();
    }
  }
}
