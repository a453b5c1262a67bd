package io.vibstream.connectors.camera;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.SharedKafka;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraPublisherTest {
  static List<ConsumerRecord<String, Frame>> consume(EmbeddedKafka kafka, String topic, int expected) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    List<ConsumerRecord<String, Frame>> got = new ArrayList<>();
    try (KafkaConsumer<String, Frame> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new AvroDeserializer<>(Frame.class))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      // Anything beyond the expected count would be a duplicate.
      consumer.poll(Duration.ofMillis(300)).forEach(got::add);
    }
    return got;
  }

  static BufferedImage decode(Frame f) throws Exception {
    ByteBuffer b = f.getImage().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void theRealClipArrivesCompleteAndInOrder() throws Exception {
    EmbeddedKafka kafka = SharedKafka.get();
    kafka.createTopic("frames-vtest", 2, false);
    CameraPublisher.Stats stats;
    long t0 = System.nanoTime();
    try (VideoSource source = VideoSources.defaults().open(TestMedia.vtest().toString(),
            CameraSettings.defaults().withSize(224, 224));
        CameraPublisher publisher = CameraPublisher.create(kafka.bootstrapServers(), "frames-vtest", "vtest")) {
      stats = publisher.run(source, 0);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("vtest.avi -> Kafka: %d frames in %.2f s (%.0f frames/s incl. producer start)%n",
        stats.captured(), seconds, stats.captured() / seconds);
    assertThat(stats).isEqualTo(new CameraPublisher.Stats(TestMedia.VTEST_FRAMES, TestMedia.VTEST_FRAMES, 0, 0, 0));

    List<ConsumerRecord<String, Frame>> got = consume(kafka, "frames-vtest", TestMedia.VTEST_FRAMES);
    assertThat(got).hasSize(TestMedia.VTEST_FRAMES);
    assertThat(got).extracting(ConsumerRecord::key).containsOnly("vtest");
    assertThat(got).extracting(r -> r.value().getSequenceNumber())
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, TestMedia.VTEST_FRAMES).boxed().toList());
    assertThat(got).extracting(ConsumerRecord::partition).containsOnly(got.get(0).partition());
    for (int i : new int[] {0, 400, 794}) {
      Frame f = got.get(i).value();
      assertThat(f.getEncoding()).isEqualTo(ImageEncoding.JPEG);
      assertThat(f.getWidth()).isEqualTo(224);
      assertThat(decode(f).getHeight()).isEqualTo(224);
      assertThat(f.getGroundTruthLabel()).isNull();
    }
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i).value().getCaptureTimestamp()).isAfterOrEqualTo(got.get(i - 1).value().getCaptureTimestamp());
    }
  }

  @Test
  void aLiveUdpStreamFromAnotherProcessIsPublishedAndReconnectedAfterADrop() throws Exception {
    EmbeddedKafka kafka = SharedKafka.get();
    kafka.createTopic("frames-udp", 1, false);
    int port = CameraSourceTest.freePort();
    int total = 60;
    Process first = streamer(port, 50);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Process second = null;
    try {
      awaitStreaming(first);
      CameraSettings options = CameraSettings.defaults().withSize(160, 120).withTimeout(Duration.ofSeconds(1))
          .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(2), 10);
      ReconnectingVideoSource source = (ReconnectingVideoSource) VideoSources.defaults()
          .open("udp://127.0.0.1:" + port, options);
      CameraPublisher publisher = CameraPublisher.create(kafka.bootstrapServers(), "frames-udp", "udp-cam");
      Future<CameraPublisher.Stats> run = pool.submit(() -> {
        try (source; publisher) {
          return publisher.run(source, total);
        }
      });
      // The first camera stops after 2 s of frames; after a pause longer than the 1 s read timeout
      // (the stream has dropped) a second one takes over the same address.
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(2500);
      second = streamer(port, 250);
      CameraPublisher.Stats stats = run.get(60, TimeUnit.SECONDS);
      System.out.printf("udp: %s, reconnects %d%n", stats, source.reconnects());
      assertThat(stats.captured()).isEqualTo(total);
      assertThat(stats.published()).isEqualTo(total);
      assertThat(source.reconnects()).isGreaterThanOrEqualTo(1);

      List<ConsumerRecord<String, Frame>> got = consume(kafka, "frames-udp", total);
      assertThat(got).extracting(r -> r.value().getSequenceNumber())
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, total).boxed().toList());
      assertThat(decode(got.get(total - 1).value()).getWidth()).isEqualTo(160);
    } finally {
      pool.shutdownNow();
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly();
        second.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void framesAreDroppedNotBlockedWhenKafkaCannotKeepUp(@TempDir Path dir) throws Exception {
    // A 100 fps clip paced in real time (6 s); Kafka goes away shortly after the start.
    Path clip = dir.resolve("fast.avi");
    TestMedia.writeMjpegAvi(clip, 64, 48, 600, 100);
    EmbeddedKafka doomed = EmbeddedKafka.start();
    doomed.createTopic("frames-slow", 1, false);
    Map<String, Object> config = CameraPublisher.producerConfig(doomed.bootstrapServers());
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64 * 1024L);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5);
    KafkaProducer<String, Frame> producer =
        new KafkaProducer<>(config, new StringSerializer(), new AvroSerializer<>());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CameraPublisher publisher = new CameraPublisher(producer, "frames-slow", "slow", ImageEncoder.defaultJpeg(80))
        .realtime(true).logEvery(Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    try (VideoSource source = CameraSource.open(clip.toString(), CameraSettings.defaults())) {
      Future<CameraPublisher.Stats> run = pool.submit(() -> publisher.run(source, 0));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (publisher.published() < 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(publisher.published()).isGreaterThanOrEqualTo(20);
      doomed.close(); // nothing drains the producer's buffer any more
      CameraPublisher.Stats stats = run.get(60, TimeUnit.SECONDS);
      publisher.close();
      CameraPublisher.Stats closed = publisher.stats();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("broker gone mid-run: %s after run, %s after close, %.1f s%n", stats, closed, seconds);
      assertThat(stats.captured()).isEqualTo(600);
      assertThat(closed.dropped()).isGreaterThan(300);
      assertThat(closed.published() + closed.dropped() + closed.failed()).isEqualTo(600);
      // Real time is 6 s; the rest is bounded by delivery.timeout.ms and close's 5 s, never a hang.
      assertThat(seconds).isLessThan(25);
    } finally {
      pool.shutdownNow();
      publisher.close();
    }
  }

  private static Process streamer(int port, int frames) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        UdpStreamer.class.getName(), Integer.toString(port), Integer.toString(frames), "25", "320", "240");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    return pb.start();
  }

  private static void awaitStreaming(Process p) throws Exception {
    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    String line = reader.readLine();
    assertThat(line).as("streamer process output").isEqualTo("streaming");
  }

}
