package io.vibstream.local.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameRangeTest {
  @Test
  void timesBecomeTheFramesInsideTheRangeAtTheFrameRate() {
    FrameRange range = new FrameRange(null, null, 3.05, 6.0);
    assertThat(range.first(10)).isEqualTo(31);
    assertThat(range.last(10)).isEqualTo(60);
    assertThat(new FrameRange(null, null, 3.0, null).first(10)).as("a time on a frame keeps it").isEqualTo(30);
  }

  @Test
  void framesAreTakenAsGivenAndNothingMeansTheWholeVideo() {
    assertThat(new FrameRange(5, 9, null, null).first(25)).isEqualTo(5);
    assertThat(new FrameRange(5, 9, null, null).last(25)).isEqualTo(9);
    assertThat(FrameRange.ALL.first(25)).isZero();
    assertThat(FrameRange.ALL.last(25)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void anEmptyRangeSaysWhichFramesInOneLine() {
    assertThatThrownBy(() -> new FrameRange(null, null, 8.0, 3.0).last(10))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the range is empty: frames 80..30 at 10.00 fps");
  }
}
