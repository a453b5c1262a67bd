package io.vibstream.cli;

import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.video.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench camera}: single-thread camera pipeline throughput on a video file
 * (default vtest.avi from bin/fetch-media): decode only, decode + FFmpeg scale to WxH, and
 * decode + scale + JPEG with each encoder (FFmpeg mjpeg, javax.imageio), plus JPEG encoding
 * alone on already scaled frames (interleaved rounds, median). FFmpeg decodes with one thread. Each row is warmed up on
 * the first frames, then timed over the whole clip, in wall time and in the thread's CPU time.
 * Thread CPU time is steadier on a shared machine but leaves out garbage collection on other
 * threads (javax.imageio allocates much more than FFmpeg), wall time includes it but also
 * other processes' load; the table gives both. The last line is
 * {@code pipeline_fps=X fastest_jpeg_cpu=NAME fastest_jpeg_wall=NAME} (pipeline_fps: CPU-time
 * frames/s of decode + scale + the CPU-time fastest encoder).
 */
@Command(
    name = "camera",
    description = "Times decode + scale + JPEG encode of a video file, single thread, and compares JPEG encoders.",
    mixinStandardHelpOptions = true)
public final class CameraBenchCommand implements Callable<Integer> {
  private static final List<Path> VTEST = List.of(Path.of(".media/vtest.avi"), Path.of("../.media/vtest.avi"),
      Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi"));

  @Spec CommandSpec spec;

  @Option(names = "--file", description = "Video file (default: vtest.avi under .media/ or opencv-doc).")
  Path file;

  @Option(names = "--size", description = "Scaled size (default: ${DEFAULT-VALUE}).")
  String size = "224x224";

  @Option(names = "--quality", description = "JPEG quality (default: ${DEFAULT-VALUE}).")
  int quality = 80;

  @Option(names = "--rounds", description = "Interleaved timed rounds of the encoder-only rows (default: ${DEFAULT-VALUE}).")
  int rounds = 5;

  @Option(names = "--warmup", description = "Frames decoded/encoded before timing each row (default: ${DEFAULT-VALUE}).")
  int warmup = 100;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One measured stage: wall and thread-CPU seconds. */
  private record Row(String stage, int frames, double seconds, double cpuSeconds, long bytes) {
    double fps() {
      return frames / seconds;
    }

    double cpuFps() {
      return frames / cpuSeconds;
    }
  }

  @Override
  public Integer call() throws Exception {
    int[] wh;
    try {
      wh = CameraSettings.parseSize(size);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path video = file != null ? file : VTEST.stream().filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new IOException("vtest.avi not found (run bin/fetch-media) and no --file given"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    CameraSettings scaled = CameraSettings.defaults().withSize(wh[0], wh[1]);

    List<Row> rows = new ArrayList<>();
    rows.add(decode(video, CameraSettings.defaults(), null, "decode (native size)"));
    progress.println("measured decode");
    rows.add(decode(video, scaled, null, "decode + scale " + size));
    progress.println("measured decode + scale");
    String[] encoders = {"ffmpeg", "imageio"};
    for (String name : encoders) {
      try (ImageEncoder encoder = ImageEncoder.jpeg(name, quality)) {
        rows.add(decode(video, scaled, encoder, "decode + scale + JPEG " + name));
      }
      progress.println("measured pipeline with " + name);
    }
    List<BufferedImage> frames = new ArrayList<>();
    try (CameraSource source = CameraSource.open(video.toString(), scaled)) {
      for (VideoFrame f = source.next(); f != null; f = source.next()) {
        frames.add(f.image());
      }
    }
    // Encoders alone: interleaved rounds, the median round per encoder (the machine may be shared).
    Map<String, List<Row>> samples = new LinkedHashMap<>();
    try (ImageEncoder ffmpeg = ImageEncoder.jpeg("ffmpeg", quality);
        ImageEncoder imageio = ImageEncoder.jpeg("imageio", quality)) {
      for (ImageEncoder encoder : List.of(ffmpeg, imageio)) {
        for (int i = 0; i < Math.min(warmup, frames.size()); i++) {
          encoder.encode(frames.get(i));
        }
      }
      for (int round = 0; round < rounds; round++) {
        for (ImageEncoder encoder : List.of(ffmpeg, imageio)) {
          long bytes = 0;
          long t0 = System.nanoTime();
          long c0 = THREADS.getCurrentThreadCpuTime();
          for (BufferedImage image : frames) {
            bytes += encoder.encode(image).length;
          }
          samples.computeIfAbsent(encoder.name(), k -> new ArrayList<>()).add(new Row(
              "JPEG encode only, " + encoder.name() + " (median of " + rounds + ")", frames.size(),
              (System.nanoTime() - t0) / 1e9, (THREADS.getCurrentThreadCpuTime() - c0) / 1e9, bytes));
        }
      }
    }
    progress.println("measured encoders");
    Row bestCpu = null;
    Row bestWall = null;
    for (List<Row> runs : samples.values()) {
      List<Row> byCpu = new ArrayList<>(runs);
      byCpu.sort(Comparator.comparingDouble(Row::cpuSeconds));
      List<Row> byWall = new ArrayList<>(runs);
      byWall.sort(Comparator.comparingDouble(Row::seconds));
      Row cpu = byCpu.get(byCpu.size() / 2);
      Row wall = byWall.get(byWall.size() / 2);
      // One row: the median of each clock.
      Row median = new Row(cpu.stage(), cpu.frames(), wall.seconds(), cpu.cpuSeconds(), cpu.bytes());
      rows.add(median);
      if (bestCpu == null || median.cpuFps() > bestCpu.cpuFps()) {
        bestCpu = median;
      }
      if (bestWall == null || median.fps() > bestWall.fps()) {
        bestWall = median;
      }
    }
    out.printf(Locale.ROOT, "%s, %d frames, %s, JPEG quality %d, single thread%n", video.getFileName(),
        rows.get(0).frames(), size, quality);
    out.println("| stage | frames | frames/s (wall) | frames/s (cpu) | cpu ms/frame | avg JPEG bytes |");
    out.println("|---|---|---|---|---|---|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %s |%n", r.stage(), r.frames(), r.fps(), r.cpuFps(),
          1000 * r.cpuSeconds() / r.frames(), r.bytes() > 0 ? Long.toString(r.bytes() / r.frames()) : "-");
    }
    String fastestCpu = encoderOf(bestCpu);
    String fastestWall = encoderOf(bestWall);
    Row pipeline = rows.stream().filter(r -> r.stage().endsWith("JPEG " + fastestCpu)).findFirst().orElseThrow();
    out.printf(Locale.ROOT, "pipeline_fps=%.0f fastest_jpeg_cpu=%s fastest_jpeg_wall=%s%n", pipeline.cpuFps(),
        fastestCpu, fastestWall);
    out.flush();
    return 0;
  }

  private static String encoderOf(Row row) {
    return row.stage().startsWith("JPEG encode only, ffmpeg") ? "ffmpeg" : "imageio";
  }

  /** Warm-up pass over the first frames, then one timed pass over the whole file. */
  private Row decode(Path video, CameraSettings options, ImageEncoder encoder, String stage) throws IOException {
    try (CameraSource source = CameraSource.open(video.toString(), options)) {
      for (int i = 0; i < warmup; i++) {
        VideoFrame f = source.next();
        if (f == null) {
          break;
        }
        if (encoder != null) {
          encoder.encode(f.image());
        }
      }
    }
    try (CameraSource source = CameraSource.open(video.toString(), options)) {
      int n = 0;
      long bytes = 0;
      long t0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      for (VideoFrame f = source.next(); f != null; f = source.next()) {
        if (encoder != null) {
          bytes += encoder.encode(f.image()).length;
        }
        n++;
      }
      return new Row(stage, n, (System.nanoTime() - t0) / 1e9, (THREADS.getCurrentThreadCpuTime() - c0) / 1e9, bytes);
    }
  }
}
