package io.vibstream.local.people;

import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.model.pose.CameraTracking;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import io.vibstream.model.pose.TrackedFeatures;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the people of a video file as the pose-mode job sees the file as a camera: every frame
 * from the first, JPEG-encoded as the camera publishes it and decoded as the job decodes it,
 * through the job's estimator, tracker and per-person feature step ({@link TrackedFeatures}), so
 * track ids and features are the ones {@code vibstream recognize} gets. Offline passes (labeling
 * a person, evaluating recognize's events) start from its {@link Tracks}.
 */
public final class TrackPass {
  private static final int JPEG_QUALITY = 80; // the camera publisher's

  private TrackPass() {}

  /**
   * Runs {@code video} from its first frame to the range's end, as camera {@code camera}, and
   * keeps what every confirmed track was seen as in the range.
   *
   * @param estimators the job's pose estimator
   * @param tracking the job's per-camera tracking
   */
  public static Tracks run(Path video, String camera, FrameRange range, PoseEstimatorFactory estimators,
      CameraTracking tracking) throws Exception {
    if (!Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + ": no such video file");
    }
    Map<Long, List<Tracks.Seen>> byTrack = new TreeMap<>();
    try (CameraSource source = CameraSource.open(video.toString(), CameraSettings.defaults());
        ImageEncoder jpeg = ImageEncoder.defaultJpeg(JPEG_QUALITY);
        PoseEstimator estimator = estimators.open()) {
      double fps = source.frameRate() > 0 && source.frameRate() < 1000 ? source.frameRate() : 25;
      int first = range.first(fps);
      int last = range.last(fps);
      if (first > 0 && first >= VideoFiles.frameCount(video)) { // before minutes of pose estimation
        throw new IllegalArgumentException(video + " has " + VideoFiles.frameCount(video) + " frames, the range's "
            + "first frame " + first + " is past its end");
      }
      long previousMs = Long.MIN_VALUE;
      int n = 0;
      for (VideoFrame f; n <= last && (f = source.next()) != null; n++) {
        long ms = f.timestampMicros() / 1000;
        long ts = previousMs == Long.MIN_VALUE ? Math.max(0, ms)
            : ms > previousMs ? ms : previousMs + Math.round(1000 / fps);
        previousMs = ts;
        DecodedFrame d = DecodeFunction.decode(Frame.newBuilder().setCameraId(camera).setSequenceNumber(n)
            .setCaptureTimestamp(Instant.ofEpochMilli(ts)).setWidth(f.image().getWidth())
            .setHeight(f.image().getHeight()).setEncoding(ImageEncoding.JPEG)
            .setImage(ByteBuffer.wrap(jpeg.encode(f.image()))).setGroundTruthLabel(null).build(),
            PersonFeatures.DIMENSION);
        PoseFrame frame = new PoseFrame(camera, n, ts, d.width(), d.height(), d.bgr());
        List<PersonPose> found = estimator.estimate(List.of(frame)).get(0);
        CameraTracking.Step step = tracking.update(n, ts, found);
        if (n >= first && step != null) {
          for (PersonTracker.TrackedPerson p : step.persons()) {
            byTrack.computeIfAbsent(p.trackId(), k -> new ArrayList<>())
                .add(new Tracks.Seen(n, ts, TrackedFeatures.of(p), p.pose().box(), p.pose()));
          }
        }
      }
      if (n <= first) {
        throw new IllegalArgumentException(video + " has " + n + " frames, the range's first frame " + first
            + " is past its end");
      }
      return new Tracks(video, first, Math.min(last, n - 1), byTrack);
    }
  }
}
