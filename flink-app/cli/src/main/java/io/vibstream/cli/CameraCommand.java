package io.vibstream.cli;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.camera.VideoSources;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.schemas.Frame;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream camera}: reads a camera, stream or video file and publishes its frames as
 * Avro {@code Frame} records (JPEG) to Kafka, keyed by camera id, with sequence numbers and
 * capture times. Live streams reconnect with exponential backoff; frames Kafka cannot take
 * in time are dropped and counted. The last line is
 * {@code captured=N published=N dropped=N failed=N corrupt=N}.
 */
@Command(
    name = "camera",
    description = "Publishes a camera's frames (JPEG, Avro Frame records) to Kafka.",
    mixinStandardHelpOptions = true)
public final class CameraCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--url", required = true,
      description = "File, rtsp://, udp://, http://, tcp:// URL or lavfi:GRAPH (e.g. lavfi:testsrc2=size=320x240:rate=25).")
  String url;

  @Option(names = "--camera-id", required = true, description = "Camera id: the Kafka key and Frame.cameraId.")
  String cameraId;

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT[,...].")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--fps", description = "Publish at most N frames per second of video (default: every frame).")
  double fps;

  @Option(names = "--size", description = "Scale frames to WxH, e.g. 224x224 (default: the source's size).")
  String size;

  @Option(names = "--topic", description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic = Topic.FRAMES.topicName();

  @Option(names = "--max-frames", description = "Stop after N frames (default: until the source ends).")
  long maxFrames;

  @Option(names = "--timeout-ms", description = "Live-input read timeout (default: ${DEFAULT-VALUE}).")
  long timeoutMs = 5000;

  @Option(names = "--quality", description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}).")
  int quality = 80;

  @Option(names = "--encoder", description = "JPEG encoder: ffmpeg or imageio (default: ${DEFAULT-VALUE}).")
  String encoder = "ffmpeg";

  @Option(names = "--realtime", description = "Pace files at their own frame rate, like a camera.")
  boolean realtime;

  @Option(names = "--kafka-timeout-ms", description = "How long to wait for Kafka and the topic at start (default: ${DEFAULT-VALUE}).")
  long kafkaTimeoutMs = 30_000;

  /** URL schemes the command knows; other VideoSource kinds are registered here. */
  static VideoSources videoSources() {
    return VideoSources.defaults().register("synth", (url, options) -> SyntheticCamera.open(url));
  }

  @Override
  public Integer call() throws Exception {
    CameraSettings options = CameraSettings.defaults().withTimeout(Duration.ofMillis(timeoutMs));
    int[] wh = null;
    try {
      if (size != null) {
        wh = CameraSettings.parseSize(size);
        options = options.withSize(wh[0], wh[1]);
      }
      if (fps < 0 || maxFrames < 0 || timeoutMs <= 0 || kafkaTimeoutMs <= 0) {
        throw new IllegalArgumentException("--fps and --max-frames must be >= 0, --timeout-ms and --kafka-timeout-ms > 0");
      }
      ImageEncoder.jpeg(encoder, quality).close();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (VideoSource source = videoSources().open(url, options);
        CameraPublisher publisher = new CameraPublisher(
            new KafkaProducer<>(CameraPublisher.producerConfig(bootstrap, kafka.config), new StringSerializer(),
                new AvroSerializer<Frame>()),
            topic, cameraId, ImageEncoder.jpeg(encoder, quality))) {
      publisher.maxFps(fps).realtime(realtime).connectTimeout(Duration.ofMillis(kafkaTimeoutMs));
      if (wh != null) {
        publisher.resizeTo(wh[0], wh[1]);
      }
      // Ctrl-C: stop after the current frame and let run() flush before the JVM exits.
      CountDownLatch finished = new CountDownLatch(1);
      Thread stopper = new Thread(() -> {
        publisher.stop();
        try {
          finished.await(timeoutMs + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "camera-stop");
      Runtime.getRuntime().addShutdownHook(stopper);
      CameraPublisher.Stats s;
      try {
        s = publisher.run(source, maxFrames);
      } finally {
        finished.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting; the hook has run
        }
      }
      out.printf(Locale.ROOT, "captured=%d published=%d dropped=%d failed=%d corrupt=%d%n",
          s.captured(), s.published(), s.dropped(), s.failed(), s.corrupt());
      out.flush();
    }
    return 0;
  }
}
