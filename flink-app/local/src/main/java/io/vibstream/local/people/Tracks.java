package io.vibstream.local.people;

import io.vibstream.connectors.video.LabeledClips;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.schemas.LabeledClip;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The people a {@link TrackPass} saw in frames {@code first..last} of a video: per track id (the
 * ids {@code vibstream recognize} gives), what the track was seen as in each frame, in frame order.
 */
public record Tracks(Path video, int first, int last, Map<Long, List<Seen>> byTrack) {
  /** One tracked person in one frame: the job's per-person features, box and pose. */
  public record Seen(long frame, long timestampMs, float[] features, PersonBox box, PersonPose pose) {}

  /**
   * The clip the recognizer would see for {@code track} over the range, labeled {@code label}:
   * its {@link PersonFeatures} vectors, timed at the video's last-modified time plus the frames'
   * video time; fails in one line when the track is not in the range.
   */
  public LabeledClip clip(long track, String camera, String label) throws Exception {
    List<Seen> seen = byTrack.get(track);
    if (seen == null) {
      throw new IllegalArgumentException("track " + track + " is not in frames " + first + ".." + last + " of "
          + video + " (tracks there: " + (byTrack.isEmpty() ? "none" : byTrack.keySet()) + ")");
    }
    float[][] features = new float[seen.size()][];
    for (int i = 0; i < features.length; i++) {
      features[i] = seen.get(i).features();
    }
    Instant modified = LabeledClips.modified(video);
    LabeledClip clip = LabeledClips.of(camera, modified, label, features, PersonFeatures.ID);
    clip.setStartTimestamp(modified.plusMillis(seen.get(0).timestampMs()));
    clip.setEndTimestamp(modified.plusMillis(seen.get(seen.size() - 1).timestampMs()));
    return clip;
  }

  /** The mean box of {@code seen}: x, y, width, height. */
  public static double[] meanBox(List<Seen> seen) {
    double[] mean = new double[4];
    for (Seen s : seen) {
      mean[0] += s.box().x();
      mean[1] += s.box().y();
      mean[2] += s.box().width();
      mean[3] += s.box().height();
    }
    for (int i = 0; i < mean.length; i++) {
      mean[i] /= seen.size();
    }
    return mean;
  }
}
