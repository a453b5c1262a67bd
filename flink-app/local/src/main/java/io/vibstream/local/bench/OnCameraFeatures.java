package io.vibstream.local.bench;

import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Cameras that computed their features themselves ({@code F32_FEATURES} frames: no JPEG decode, no
 * backbone call), so that a run measures the job's plumbing alone; and the model they feed, shaped
 * like a VIB-compressed one (27 of 51 inputs kept, hidden 22, clip 32).
 */
public final class OnCameraFeatures {
  /** Backbone id of the cameras' features. */
  public static final String BACKBONE = "bench-on-camera-features";
  public static final int DIMENSION = 51;
  public static final int KEPT = 27;
  public static final int HIDDEN = 22;
  public static final int CLIP = 32;
  /** Capture time of every camera's frame 0. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private OnCameraFeatures() {}

  /** The backbone the job is given: the cameras' identity (their frames never reach it). */
  public static BackboneFactory backbone() {
    return new PrecomputedFeatures(BACKBONE, DIMENSION);
  }

  /** The model: random, shaped like a VIB-compressed one (27 of 51 inputs kept, hidden 22, clip 32). */
  public static byte[] model() {
    int[] kept = new int[KEPT];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = i * DIMENSION / KEPT;
    }
    return SyntheticModels.random(BACKBONE, DIMENSION, CLIP, kept, HIDDEN, 7);
  }

  /**
   * Preloads {@code frames} frames of each of {@code cameras} cameras with one idempotent producer
   * (acks=all, linger 5 ms, 256 KB batches), keyed by camera id, cameras interleaved: sequence
   * numbers 0..n-1, capture times 40 ms apart from {@link #START}, deterministic feature values;
   * camera ids from {@link BalancedCameras#ids}. Returns the number of frames written.
   */
  public static long preload(String bootstrap, String topic, int partitions, int parallelism, int cameras, int frames)
      throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_RECORD_BYTES);
    // One request in flight: on a loaded machine the first batch to a just-created partition can fail
    // transiently while later ones are accepted, and its retry (sequence 0) is then refused forever with
    // OutOfOrderSequenceException. In order, it simply succeeds on retry; as fast here (~75,000 frames/s).
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    String[] ids = BalancedCameras.ids(cameras, partitions, parallelism);
    long written = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>())) {
      for (int seq = 0; seq < frames; seq++) {
        Instant captured = START.plusMillis(40L * seq);
        for (int c = 0; c < ids.length; c++) {
          ByteBuffer vector = ByteBuffer.allocate(DIMENSION * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < DIMENSION; i++) {
            vector.putFloat(((c * 31 + seq * 7 + i * 13) % 101) / 101f - 0.5f);
          }
          vector.flip();
          Frame frame = new Frame(ids[c], (long) seq, captured, 112, 112, ImageEncoding.F32_FEATURES, vector, null);
          producer.send(new ProducerRecord<>(topic, ids[c], frame), (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
          written++;
        }
        if (failure.get() != null) {
          break;
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("preloading " + topic + " failed: " + failure.get(), failure.get());
    }
    return written;
  }
}
