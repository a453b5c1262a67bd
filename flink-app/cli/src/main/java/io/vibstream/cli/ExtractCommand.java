package io.vibstream.cli;

import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.data.FeatureSequences;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream extract}: decodes every clip of a labeled video data set, runs the backbone on
 * its frames in batches and writes a feature data set ({@link FeatureSequences}) with the
 * backbone's id and dimension and the data set's labels and splits.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Extract per-frame CNN features of a video data set into a feature data set directory.")
final class ExtractCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "labeled video data set: a directory (synthetic, UCF11, UCF101 or HMDB51 layout) or ucf11:DIR, ucf101:DIR[:split], hmdb51:DIR[:split], synth:DIR")
  String dataset;

  @Option(names = "--backbone", required = true, paramLabel = "SPEC",
      description = "builtin:FILE, MODEL.pt or MODEL.onnx (with MODEL.json beside it)")
  String backbone;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "feature data set directory to create")
  Path out;

  @Option(names = "--batch", description = "frames per backbone call (default: ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--frames", description = "at most this many frames from the start of each clip (default: ${DEFAULT-VALUE})")
  int frames = 64;

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || frames < 1) {
      throw new IllegalArgumentException("--batch and --frames must be >= 1");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    VideoDataset data = BackboneData.openDataset(dataset);
    List<VideoClip> clips = data.clips();
    long extracted = 0;
    int written = 0;
    int empty = 0;
    long nanos = 0;
    try (FeatureExtractor extractor = FeatureExtractors.open(backbone);
        FeatureSequences.Writer writer = FeatureSequences.Writer.create(out, extractor.id(), extractor.dimension(),
            data.labels())) {
      ProgressLine bar = new ProgressLine(System.err, "extract", "clips");
      for (int i = 0; i < clips.size(); i++) {
        VideoClip clip = clips.get(i);
        List<BufferedImage> images = VideoFiles.readFrames(clip.path(), extractor.inputWidth(),
            extractor.inputHeight(), frames);
        if (images.isEmpty()) {
          empty++;
        } else {
          long t0 = System.nanoTime();
          float[][] features = extractor.extract(images, batch);
          nanos += System.nanoTime() - t0;
          writer.add(features, clip.label(), clip.split(), source(clip.path()));
          extracted += images.size();
          written++;
        }
        bar.update(i + 1, clips.size(), String.format(Locale.ROOT, "%d frames  %.0f frames/s (backbone)", extracted,
            extracted / Math.max(nanos / 1e9, 1e-9)));
      }
      stdout.printf(Locale.ROOT, "wrote %d clips (%d frames) to %s: backbone %s, dimension %d, %.0f frames/s "
          + "(backbone only, batch %d)%s%n", written, extracted, out, extractor.id(), extractor.dimension(),
          extracted / Math.max(nanos / 1e9, 1e-9), batch, empty == 0 ? "" : ", skipped " + empty + " clips without frames");
    }
    stdout.flush();
    return 0;
  }

  private String source(Path clip) {
    Path abs = clip.toAbsolutePath().normalize();
    String dir = dataset.contains(":") ? dataset.split(":", 3)[1] : dataset;
    Path root = Path.of(dir).toAbsolutePath().normalize();
    return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
  }
}
