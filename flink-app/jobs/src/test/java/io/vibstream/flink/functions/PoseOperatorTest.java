package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The pose stage with the real BlazePose estimator on vtest.avi frames of two cameras. */
class PoseOperatorTest {
  private static final AtomicInteger CALLS = new AtomicInteger();
  /** Records the operator had emitted when each estimate call began. */
  private static final List<Integer> EMITTED_AT_CALL = new ArrayList<>();
  private static final AtomicReference<OneInputStreamOperatorTestHarness<?, ?>> HARNESS = new AtomicReference<>();

  /** The real estimator, its {@link #estimate} calls counted. */
  private record Counted(PoseEstimator estimator) implements PoseEstimator {
    @Override
    public List<List<PersonPose>> estimate(List<PoseFrame> frames) {
      CALLS.incrementAndGet();
      EMITTED_AT_CALL.add(HARNESS.get().getOutput().size());
      return estimator.estimate(frames);
    }

    @Override
    public void close() {
      estimator.close();
    }
  }

  @Test
  void eachImageFrameEstimatedAndEmittedBeforeTheNextOne() throws Exception {
    List<BufferedImage> clip = VtestClip.read(0, 239);
    List<FrameBatch> batches = new ArrayList<>();
    for (int s = 0; s < 40; s += 2) { // batches of 4: two frames of each camera
      List<DecodedFrame> batch = new ArrayList<>();
      for (int k = s; k < s + 2; k++) {
        batch.add(DecodedFrame.of("a", k, 1000 + 100L * k, clip.get(k)));
        batch.add(DecodedFrame.of("b", k, 1000 + 100L * k, clip.get(200 + k)));
      }
      if (s == 20) {
        batch.add(DecodedFrame.ofFeatures("c", 0, 3000, 768, 576, new float[53])); // no image: dropped
      }
      batches.add(new FrameBatch(batch.toArray(new DecodedFrame[0])));
    }

    PoseEstimatorFactory lite = PoseEstimatorFactory.spec("pose:lite");
    CALLS.set(0);
    EMITTED_AT_CALL.clear();
    List<PersonDetections> out;
    try (var h = new OneInputStreamOperatorTestHarness<>(new PoseOperator(() -> new Counted(lite.open())))) {
      HARNESS.set(h);
      h.open();
      for (FrameBatch b : batches) {
        h.processElement(b, b.frames()[b.size() - 1].captureTimestamp());
      }
      out = h.extractOutputValues();
      assertThat(h.extractOutputStreamRecords()).allSatisfy(r -> assertThat(r.getTimestamp())
          .isEqualTo(r.getValue().captureTimestamp()));
    }
    assertThat(CALLS.get()).isEqualTo(80);
    // A frame's persons leave before the next frame is looked at, not after the whole batch.
    assertThat(EMITTED_AT_CALL).isEqualTo(IntStream.range(0, 80).boxed().toList());
    assertThat(out).hasSize(80).extracting(PersonDetections::cameraId).containsOnly("a", "b");

    // The same frames, batched the same way, straight through another estimator: the same frames
    // in the same order, about as many people (the estimator is not bit-for-bit repeatable: OpenCV
    // and TFLite run multithreaded).
    List<String> expected = new ArrayList<>();
    int referencePeople = 0;
    try (PoseEstimator reference = lite.open()) {
      for (FrameBatch b : batches) {
        List<PoseFrame> frames = Arrays.stream(b.frames()).filter(f -> !f.hasFeatures())
            .map(f -> new PoseFrame(f.cameraId(), f.sequenceNumber(), f.captureTimestamp(), f.width(), f.height(),
                f.bgr())).toList();
        List<List<PersonPose>> people = reference.estimate(frames);
        for (int i = 0; i < frames.size(); i++) {
          expected.add(frames.get(i).cameraId() + "#" + frames.get(i).sequenceNumber());
          referencePeople += people.get(i).size();
        }
      }
    }
    assertThat(out).extracting(d -> d.cameraId() + "#" + d.sequenceNumber()).containsExactlyElementsOf(expected);
    int people = out.stream().mapToInt(d -> d.persons().length).sum();
    assertThat(people).as("people found in 2 x 20 frames after the background is learned").isGreaterThan(40)
        .isBetween((int) (0.85 * referencePeople), (int) Math.ceil(1.15 * referencePeople));
    System.out.printf("pose operator: %d people in %d frames (the estimator alone: %d)%n", people, out.size(),
        referencePeople);
  }
}
