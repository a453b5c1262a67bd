package io.vibstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraTrackingTest {
  private static final PersonTracker.Settings DEFAULTS = PersonTracker.Settings.defaults();

  private static long onlyId(CameraTracking.Step step) {
    assertThat(step.persons()).hasSize(1);
    return step.persons().get(0).trackId();
  }

  @Test
  void skipsLateFramesAndEndsTracksAfterAGap() {
    CameraTracking camera = new CameraTracking(DEFAULTS, 2000);
    long id = -1;
    for (int f = 0; f < 5; f++) {
      CameraTracking.Step s = camera.update(f, 100L * f, List.of(PersonTrackerTest.person(100 + 10 * f, 300, 200)));
      if (f >= 2) {
        id = onlyId(s);
      }
    }
    assertThat(camera.update(3, 300, List.of())).as("a repeated sequence number").isNull();
    assertThat(camera.update(5, 350, List.of())).as("an earlier capture time").isNull();
    assertThat(camera.cursor()).isEqualTo(new CameraTracking.Cursor(4, 400));

    // 5 s later the same person is a new track: the old one ended at this frame.
    CameraTracking.Step after = camera.update(5, 5400, List.of(PersonTrackerTest.person(150, 300, 200)));
    assertThat(after.endedTrackIds()).containsExactly(id);
    assertThat(after.persons()).isEmpty(); // tentative until confirmed
  }

  @Test
  void restoredCameraContinuesAsTheOriginal() {
    CameraTracking original = new CameraTracking(DEFAULTS, 2000);
    for (int f = 0; f < 4; f++) {
      original.update(f, 100L * f, List.of(PersonTrackerTest.person(100 + 10 * f, 300, 200)));
    }
    CameraTracking restored = CameraTracking.restore(DEFAULTS, 2000, original.snapshot(), original.cursor());
    assertThat(restored.update(3, 300, List.of())).isNull();
    PersonPose next = PersonTrackerTest.person(140, 300, 200);
    assertThat(onlyId(restored.update(4, 400, List.of(next)))).isEqualTo(onlyId(original.update(4, 400, List.of(next))));
    assertThat(restored.snapshot()).isEqualTo(original.snapshot());
  }
}
