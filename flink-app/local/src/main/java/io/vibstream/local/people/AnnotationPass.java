package io.vibstream.local.people;

import io.vibstream.connectors.annotate.AnnotatedVideoWriter;
import io.vibstream.connectors.annotate.FrameAnnotator;
import io.vibstream.connectors.annotate.Montage;
import io.vibstream.connectors.annotate.PersonAnnotation;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.model.pose.CameraTracking;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.BoundingBox;
import io.vibstream.schemas.Frame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code recognize}'s drawing pass: the frames the job read, from the {@code frames} topic in order
 * (the same JPEG bytes, sequence numbers and capture times), through the job's estimator and
 * per-camera tracking, drawn with the events' labels into a video and a montage. Tracking is
 * deterministic and two estimator instances find the same people (joints equal up to float
 * rounding), so the track ids drawn are the job's; each event's box is checked against this pass's
 * box of its track in the event's last frame.
 *
 * @param estimators the job's pose estimator
 * @param tracking the job's per-camera tracking, a fresh one per pass
 * @param out the annotated video, or null
 * @param montage the montage PNG, or null
 */
public record AnnotationPass(PoseEstimatorFactory estimators, Supplier<CameraTracking> tracking, Path out,
    Path montage, int montageFrames, int montageWidth) {
  /**
   * What a pass drew.
   *
   * @param codec the annotated video's codec, or null without one
   * @param montageTiles the tiles in the montage, 0 when none was written
   * @param montageFrames the frames the montage sampled
   * @param agreeing events whose box equals this pass's box of their track in their last frame
   * @param undecodable frames skipped as the job drops them
   */
  public record Drawing(long frames, int tracks, int agreeing, long undecodable, String codec, int montageTiles,
      long[] montageFrames, double seconds) {}

  /**
   * Draws {@code frames} frames of {@code camera} (the video is {@code width}x{@code height} at
   * {@code fps}) with {@code personEvents}' labels.
   */
  public Drawing run(String bootstrap, String camera, List<ActionEvent> personEvents, long frames, int width,
      int height, double fps) throws Exception {
    long started = System.nanoTime();
    TrackLabels labels = new TrackLabels(personEvents);
    Map<String, ActionEvent> byLastFrame = new HashMap<>();
    for (ActionEvent e : personEvents) {
      byLastFrame.put(e.getTrackId() + "@" + e.getLastSequenceNumber(), e);
    }
    Montage grid = montage == null ? null : new Montage(frames, montageFrames, montageWidth);
    Set<Long> tracks = new TreeSet<>();
    int agreeing = 0;
    long drawn = 0;
    long undecodable = 0;
    String codec = null;
    TopicPartition partition = new TopicPartition(Topic.FRAMES.topicName(), 0);
    try (KafkaConsumer<String, Frame> reader = frameReader(bootstrap);
        PoseEstimator estimator = estimators.open();
        AnnotatedVideoWriter writer = out == null ? null : AnnotatedVideoWriter.open(out, width, height, fps)) {
      CameraTracking cameraTracking = tracking.get();
      reader.assign(List.of(partition));
      reader.seekToBeginning(List.of(partition));
      long end = reader.endOffsets(List.of(partition)).get(partition);
      while (reader.position(partition) < end) {
        for (ConsumerRecord<String, Frame> r : reader.poll(Duration.ofMillis(500))) {
          DecodedFrame d;
          try {
            d = DecodeFunction.decode(r.value(), PersonFeatures.DIMENSION);
          } catch (IOException e) {
            undecodable++; // a dead letter in the job too
            continue;
          }
          if (!d.cameraId().equals(camera) || d.hasFeatures()) {
            continue;
          }
          PoseFrame frame = new PoseFrame(d.cameraId(), d.sequenceNumber(), d.captureTimestamp(), d.width(),
              d.height(), d.bgr());
          List<PersonPose> found = estimator.estimate(List.of(frame)).get(0);
          CameraTracking.Step step = cameraTracking.update(d.sequenceNumber(), d.captureTimestamp(), found);
          List<PersonAnnotation> people = new ArrayList<>();
          for (PersonTracker.TrackedPerson p : step == null ? List.<PersonTracker.TrackedPerson>of() : step.persons()) {
            tracks.add(p.trackId());
            ActionEvent e = labels.at(camera, p.trackId(), d.sequenceNumber());
            people.add(e == null ? PersonAnnotation.unlabeled(p.trackId(), p.pose())
                : new PersonAnnotation(p.trackId(), p.pose(), e.getLabel(), e.getConfidence(), e.getUnsure()));
            ActionEvent ending = byLastFrame.get(p.trackId() + "@" + d.sequenceNumber());
            if (ending != null && sameBox(ending.getBox(), p.pose().box())) {
              agreeing++;
            }
          }
          BufferedImage image = d.toImage();
          FrameAnnotator.draw(image, people);
          if (writer != null) {
            writer.write(image);
          }
          if (grid != null) {
            grid.offer(d.sequenceNumber(), image);
          }
          drawn++;
        }
      }
      codec = writer == null ? null : writer.codec();
    }
    int tiles = grid == null ? 0 : grid.size();
    if (tiles > 0) {
      grid.write(montage);
    }
    return new Drawing(drawn, tracks.size(), agreeing, undecodable, codec, tiles,
        grid == null ? new long[0] : grid.sampledFrames(), (System.nanoTime() - started) / 1e9);
  }

  private static boolean sameBox(BoundingBox event, PersonBox local) {
    return event != null && Math.abs(event.getX() - local.x()) < 0.01f && Math.abs(event.getY() - local.y()) < 0.01f
        && Math.abs(event.getWidth() - local.width()) < 0.01f && Math.abs(event.getHeight() - local.height()) < 0.01f;
  }

  private static KafkaConsumer<String, Frame> frameReader(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50), new StringDeserializer(), new AvroDeserializer<>(Frame.class));
  }

  /** The label of each track over each frame: the latest-starting event whose window holds the frame. */
  private static final class TrackLabels {
    private final Map<String, List<ActionEvent>> byTrack = new HashMap<>();

    TrackLabels(List<ActionEvent> personEvents) {
      for (ActionEvent e : personEvents) {
        byTrack.computeIfAbsent(e.getCameraId() + "\u0000" + e.getTrackId(), k -> new ArrayList<>()).add(e);
      }
      byTrack.values().forEach(l -> l.sort(Comparator.comparingLong(ActionEvent::getFirstSequenceNumber)));
    }

    /** The event to show for {@code track} at frame {@code sequence}, or null. */
    ActionEvent at(String camera, long track, long sequence) {
      List<ActionEvent> list = byTrack.get(camera + "\u0000" + track);
      if (list == null) {
        return null;
      }
      ActionEvent best = null;
      for (ActionEvent e : list) {
        if (e.getFirstSequenceNumber() > sequence) {
          break;
        }
        if (e.getLastSequenceNumber() >= sequence) {
          best = e;
        }
      }
      return best;
    }
  }
}
