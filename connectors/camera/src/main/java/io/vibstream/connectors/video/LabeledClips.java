package io.vibstream.connectors.video;

import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.schemas.LabeledClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the retrain job's {@link LabeledClip}s from files: a video's frames run through a
 * backbone, or the clips of a feature data set directory. Files carry no capture clock, so a
 * clip's timestamps are its file's last-modified time: building the same clip again gives the
 * same record.
 */
public final class LabeledClips {
  private static final int BACKBONE_BATCH = 32;

  private LabeledClips() {}

  /** One clip of {@code frames} feature vectors (all of one dimension), starting and ending at {@code time}. */
  public static LabeledClip of(String camera, Instant time, String label, float[][] frames, String backboneId) {
    List<Float> features = new ArrayList<>(frames.length * frames[0].length);
    for (float[] frame : frames) {
      for (float f : frame) {
        features.add(f);
      }
    }
    return LabeledClip.newBuilder().setCameraId(camera).setStartTimestamp(time).setEndTimestamp(time).setLabel(label)
        .setFeatureDim(frames[0].length).setFeatures(features).setFrames(null).setBackboneId(backboneId).build();
  }

  /** The file's last-modified time in milliseconds: the timestamp of the clips built from it. */
  public static Instant modified(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Frames {@code from..to} (inclusive; {@code to} null for the last) of {@code video} run through
   * the backbone {@code spec}, as one clip labeled {@code label} from {@code camera} (null: the
   * video's file name).
   */
  public static LabeledClip fromVideo(Path video, String spec, String label, String camera, int from, Integer to)
      throws Exception {
    if (!Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + ": no such video file");
    }
    Instant modified = modified(video);
    try (FeatureExtractor extractor = FeatureExtractors.open(spec)) {
      List<BufferedImage> frames = VideoFiles.readFrames(video, extractor.inputWidth(), extractor.inputHeight(),
          to == null ? 0 : to + 1);
      if (frames.size() <= from) {
        throw new IllegalArgumentException(video + " has " + frames.size() + " frames, --from-frame " + from
            + " is past its end");
      }
      float[][] features = extractor.extract(frames.subList(from, frames.size()), BACKBONE_BATCH);
      return of(camera != null ? camera : video.getFileName().toString(), modified, label, features, extractor.id());
    }
  }

  /**
   * Frames {@code from..to} of each clip of the feature data set {@code dir} (only those labeled
   * {@code label} unless it is null), each from {@code camera}, else the clip's source, else
   * {@code DIR#n}.
   */
  public static List<LabeledClip> fromFeatures(Path dir, String label, String camera, int from, Integer to)
      throws Exception {
    FeatureSequences.Info info = FeatureSequences.readInfo(dir);
    if (label != null && !info.labels().contains(label)) {
      throw new IllegalArgumentException(dir + " has no clips labeled '" + label + "' (labels: " + info.labels() + ")");
    }
    Instant modified = modified(dir.resolve(FeatureSequences.INDEX_FILE));
    List<FeatureSequences.StoredClip> stored = FeatureSequences.clips(dir);
    List<LabeledClip> clips = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      FeatureSequences.StoredClip s = stored.get(i);
      float[][] frames = s.frames();
      if ((label == null || label.equals(s.label())) && frames.length > from) {
        int end = to == null ? frames.length : Math.min(frames.length, to + 1);
        String source = camera != null ? camera : s.source() != null ? s.source() : dir.getFileName() + "#" + i;
        clips.add(of(source, modified, s.label(), Arrays.copyOfRange(frames, from, end), info.backboneId()));
      }
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException(dir + " has no clip " + (label == null ? "" : "labeled '" + label + "' ")
          + "longer than --from-frame " + from);
    }
    return clips;
  }
}
