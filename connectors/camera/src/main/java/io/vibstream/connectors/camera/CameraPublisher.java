package io.vibstream.connectors.camera;

import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a camera's frames as {@link Frame} records (JPEG) to a topic, keyed by camera id.
 *
 * <p>Each frame taken from the source (after {@link #maxFps} decimation) gets the next
 * sequence number from 0 and the wall-clock capture time, so a consumer sees a gap in the
 * sequence for every frame lost on the way. The publisher never waits for Kafka for long:
 * with {@link #producerConfig}'s small {@code max.block.ms}, a full producer buffer fails the
 * send at once, and a frame still unsent after {@code delivery.timeout.ms} expires; both
 * count as {@link #dropped()} instead of stalling the camera. Other send errors count as
 * {@link #failed()}. Counters are logged every {@link #logEvery} interval and at the end, at
 * WARN when frames were lost since the previous line, else at INFO.
 *
 * <p>Not thread-safe except {@link #stop()} and the counters.
 */
public final class CameraPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CameraPublisher.class);

  /** Counters at one moment. {@code captured = published + dropped + failed + in flight}. */
  public record Stats(long captured, long published, long dropped, long failed, long corrupt) {}

  private final Producer<String, Frame> producer;
  private final String topic;
  private final String cameraId;
  private final ImageEncoder encoder;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
  private long captured;
  private long corrupt;
  private double maxFps;
  private boolean realtime;
  private int width;
  private int height;
  private Duration logEvery = Duration.ofSeconds(10);
  private Duration connectTimeout = Duration.ofSeconds(30);
  private volatile boolean stopped;
  private long lossesLogged;

  /**
   * @param producer the producer (closed by {@link #close()}); see {@link #producerConfig}
   * @param encoder JPEG encoder (closed by {@link #close()})
   */
  public CameraPublisher(Producer<String, Frame> producer, String topic, String cameraId, ImageEncoder encoder) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.cameraId = Objects.requireNonNull(cameraId, "cameraId");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /** A publisher with its own producer ({@link #producerConfig}) and the default JPEG encoder at quality 80. */
  public static CameraPublisher create(String bootstrapServers, String topic, String cameraId) {
    return create(bootstrapServers, KafkaClientConfig.NONE, topic, cameraId);
  }

  /** As {@link #create(String, String, String)}, the producer with {@code client}'s TLS and SASL settings. */
  public static CameraPublisher create(String bootstrapServers, KafkaClientConfig client, String topic,
      String cameraId) {
    KafkaProducer<String, Frame> producer = new KafkaProducer<>(producerConfig(bootstrapServers, client),
        new StringSerializer(), new AvroSerializer<>());
    return new CameraPublisher(producer, topic, cameraId, ImageEncoder.defaultJpeg(80));
  }

  /** {@link #producerConfig(String, KafkaClientConfig)} of a plaintext, unauthenticated producer. */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return producerConfig(bootstrapServers, KafkaClientConfig.NONE);
  }

  /**
   * Producer settings for real-time frames: acks=1, linger 5 ms, {@code max.block.ms} 50
   * (a full buffer drops instead of blocking), 8 MB buffer, frames older than 5 s
   * ({@code delivery.timeout.ms}) dropped, not idempotent (no cluster or transactional rights
   * needed: WRITE on the topic is enough), plus {@code client}'s TLS and SASL settings. Modify the
   * returned map to taste.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers, KafkaClientConfig client) {
    Map<String, Object> config = new HashMap<>(client.settings());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * 1024 * 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 50);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
    return config;
  }

  /** Publishes at most {@code fps} frames per second of source time (0 = every frame); returns this. */
  public CameraPublisher maxFps(double fps) {
    if (fps < 0) {
      throw new IllegalArgumentException("fps must be >= 0");
    }
    this.maxFps = fps;
    return this;
  }

  /** Paces a file at its own frame times, like a camera (live sources pace themselves); returns this. */
  public CameraPublisher realtime(boolean on) {
    this.realtime = on;
    return this;
  }

  /** Scales frames that a source delivers at another size (Java2D, bilinear); returns this. */
  public CameraPublisher resizeTo(int w, int h) {
    this.width = w;
    this.height = h;
    return this;
  }

  /** Interval of the progress log line; returns this. */
  public CameraPublisher logEvery(Duration interval) {
    this.logEvery = interval;
    return this;
  }

  /** How long {@link #run} waits for the topic's metadata before failing; returns this. */
  public CameraPublisher connectTimeout(Duration timeout) {
    this.connectTimeout = timeout;
    return this;
  }

  /**
   * Reads the source until its end, {@code maxFrames} published-or-dropped frames (0 = no
   * limit) or {@link #stop()}, publishing each frame; then flushes. Returns the counters.
   *
   * @throws IOException when the source fails for good, or Kafka / the topic is unreachable at start
   */
  public Stats run(VideoSource source, long maxFrames) throws IOException {
    awaitTopic();
    long startNanos = System.nanoTime();
    long nextLog = startNanos + logEvery.toNanos();
    long firstTimestamp = Long.MIN_VALUE;
    long nextDueMicros = Long.MIN_VALUE;
    try {
      while (!stopped && (maxFrames <= 0 || captured < maxFrames)) {
        VideoFrame frame = source.next();
        if (frame == null) {
          break;
        }
        long ts = frame.timestampMicros();
        if (maxFps > 0) {
          if (nextDueMicros != Long.MIN_VALUE && ts < nextDueMicros) {
            continue;
          }
          nextDueMicros = (nextDueMicros == Long.MIN_VALUE ? ts : nextDueMicros) + (long) (1e6 / maxFps);
          if (nextDueMicros <= ts) {
            nextDueMicros = ts + (long) (1e6 / maxFps);
          }
        }
        if (realtime) {
          if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = ts;
          }
          long dueNanos = startNanos + (ts - firstTimestamp) * 1000;
          long sleepMs = (dueNanos - System.nanoTime()) / 1_000_000;
          if (sleepMs > 0) {
            Thread.sleep(sleepMs);
          }
        }
        publish(frame);
        if (source instanceof CorruptFrameCounter c) {
          corrupt = c.corruptFrames();
        }
        if (System.nanoTime() >= nextLog) {
          logStats("publishing");
          nextLog = System.nanoTime() + logEvery.toNanos();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("camera " + cameraId + ": interrupted", e);
    } finally {
      if (source instanceof CorruptFrameCounter c) {
        corrupt = c.corruptFrames();
      }
    }
    producer.flush();
    logStats("done");
    return stats();
  }

  private void awaitTopic() throws IOException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    while (true) {
      try {
        if (!producer.partitionsFor(topic).isEmpty()) {
          return;
        }
      } catch (TimeoutException e) {
        // not reachable yet, or the topic does not exist
      } catch (RuntimeException e) {
        throw new IOException("camera " + cameraId + ": Kafka error for topic '" + topic + "': " + e.getMessage(), e);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("camera " + cameraId + ": no metadata for topic '" + topic + "' within "
            + seconds(connectTimeout) + " (Kafka unreachable, or the topic does not exist)");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("camera " + cameraId + ": interrupted while waiting for Kafka", e);
      }
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private void publish(VideoFrame frame) throws IOException {
    BufferedImage image = frame.image();
    if (width > 0 && (image.getWidth() != width || image.getHeight() != height)) {
      image = scale(image, width, height);
    }
    byte[] jpeg = encoder.encode(image);
    Frame record = Frame.newBuilder()
        .setCameraId(cameraId)
        .setSequenceNumber(captured++)
        .setCaptureTimestamp(Instant.ofEpochMilli(System.currentTimeMillis()))
        .setWidth(image.getWidth())
        .setHeight(image.getHeight())
        .setEncoding(ImageEncoding.JPEG)
        .setImage(ByteBuffer.wrap(jpeg))
        .setGroundTruthLabel(frame.groundTruth())
        .build();
    producer.send(new ProducerRecord<>(topic, cameraId, record), (metadata, e) -> {
      if (e == null) {
        published.incrementAndGet();
      } else if (e instanceof TimeoutException || isForcedClose(e)) {
        dropped.incrementAndGet();
      } else {
        failed.incrementAndGet();
        lastFailure.set(e);
      }
    });
  }

  private static boolean isForcedClose(Exception e) {
    return e instanceof org.apache.kafka.common.KafkaException && String.valueOf(e.getMessage()).contains("closed forcefully");
  }

  private static BufferedImage scale(BufferedImage src, int w, int h) {
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  /** INFO normally; WARN when frames were dropped, failed or corrupt since the last line. */
  private void logStats(String phase) {
    Stats s = stats();
    Exception failure = lastFailure.get();
    long losses = s.dropped() + s.failed() + s.corrupt();
    boolean worse = losses > lossesLogged;
    lossesLogged = losses;
    String line = String.format(java.util.Locale.ROOT,
        "camera %s %s: captured %d, published %d, dropped %d, failed %d, corrupt %d%s", cameraId, phase,
        s.captured(), s.published(), s.dropped(), s.failed(), s.corrupt(),
        failure != null ? " (last failure: " + failure.getMessage() + ")" : "");
    if (worse) {
      LOG.warn(line);
    } else {
      LOG.info(line);
    }
  }

  /** Asks {@link #run} to return after the current frame. Thread-safe. */
  public void stop() {
    stopped = true;
  }

  /** Current counters. */
  public Stats stats() {
    return new Stats(captured, published.get(), dropped.get(), failed.get(), corrupt);
  }

  /** Frames acknowledged by Kafka. */
  public long published() {
    return published.get();
  }

  /** Frames given up because Kafka could not keep up (buffer full or delivery timeout). */
  public long dropped() {
    return dropped.get();
  }

  /** Frames that failed for other reasons. */
  public long failed() {
    return failed.get();
  }

  /** Closes the producer (waiting up to 5 s for frames in flight; the rest count as dropped) and the encoder. */
  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(5));
    } finally {
      encoder.close();
    }
  }
}
