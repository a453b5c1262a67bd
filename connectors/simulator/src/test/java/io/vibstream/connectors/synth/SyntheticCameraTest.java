package io.vibstream.connectors.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.video.VideoFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticCameraTest {
  @Test
  void playsTheScriptWithGroundTruthAndTimestamps() throws IOException {
    List<VideoFrame> frames = new ArrayList<>();
    try (SyntheticCamera cam = SyntheticCamera.open(
        "synth://cam1?seed=7&fps=10&size=40x30&script=walk:0.5,wave:0.3,fall:0.2&realtime=false&loop=false")) {
      assertThat(cam.frameRate()).isEqualTo(10);
      VideoFrame f;
      while ((f = cam.next()) != null) {
        frames.add(f);
      }
    }
    assertThat(frames).hasSize(10);
    assertThat(frames).extracting(VideoFrame::groundTruth).containsExactly("walk", "walk", "walk", "walk", "walk",
        "wave", "wave", "wave", "fall", "fall");
    assertThat(frames.get(3).timestampMicros()).isEqualTo(300_000);
    assertThat(frames.get(0).image().getWidth()).isEqualTo(40);
    assertThat(frames.get(0).image().getHeight()).isEqualTo(30);
  }

  @Test
  void sameUrlSameFramesAndTheDefaultScriptLoops() throws IOException {
    String url = "synth://lobby?size=32x32&realtime=false";
    try (SyntheticCamera a = SyntheticCamera.open(url); SyntheticCamera b = SyntheticCamera.open(url)) {
      for (int i = 0; i < 5; i++) {
        assertThat(SyntheticVideosTest.pixels(a.next().image())).isEqualTo(SyntheticVideosTest.pixels(b.next().image()));
      }
    }
    try (SyntheticCamera cam = SyntheticCamera.open("synth://x?fps=2&size=16x16&realtime=false&script=clap:1,kick:1")) {
      List<String> truth = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        truth.add(cam.next().groundTruth());
      }
      assertThat(truth).containsExactly("clap", "clap", "kick", "kick", "clap", "clap", "kick", "kick", "clap");
    }
  }

  @Test
  void aSceneParameterFilmsThatGroupsSceneWhateverTheCameraSeed() throws IOException {
    String a = "synth://a?seed=1&size=32x32&realtime=false&script=walk:5";
    String b = "synth://b?seed=1&size=32x32&realtime=false&script=walk:5";
    try (SyntheticCamera plain = SyntheticCamera.open(a); SyntheticCamera group3 = SyntheticCamera.open(a + "&scene=7:3");
        SyntheticCamera group3Again = SyntheticCamera.open(b + "&scene=7:3");
        SyntheticCamera group4 = SyntheticCamera.open(a + "&scene=7:4")) {
      int[] p = SyntheticVideosTest.pixels(plain.next().image());
      int[] g3 = SyntheticVideosTest.pixels(group3.next().image());
      assertThat(g3).isNotEqualTo(p).isEqualTo(SyntheticVideosTest.pixels(group3Again.next().image()))
          .isNotEqualTo(SyntheticVideosTest.pixels(group4.next().image()));
    }
    assertThatThrownBy(() -> SyntheticCamera.open("synth://c?scene=7")).hasMessageContaining("SEED:GROUP");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://c?scene=7:0")).hasMessageContaining("group must be >= 1");
  }

  @Test
  void realtimePacesToTheFrameRate() throws IOException {
    try (SyntheticCamera cam = SyntheticCamera.open("synth://rt?fps=50&size=16x16")) {
      long start = System.nanoTime();
      for (int i = 0; i < 6; i++) {
        cam.next();
      }
      assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(95);
    }
  }

  @Test
  void malformedUrlsFailInOneLine() {
    assertThatThrownBy(() -> SyntheticCamera.open("rtsp://cam1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("synth://");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://cam1?script=walk:2,dance:3"))
        .hasMessageContaining("unknown action 'dance'").message().doesNotContain("\n");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://cam1?script=walk")).hasMessageContaining("action:seconds");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://cam1?size=big")).hasMessageContaining("WxH");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://cam1?fps=0")).hasMessageContaining("fps");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://cam1?colour=red")).hasMessageContaining("unknown parameter");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://?fps=3")).hasMessageContaining("camera name");
    assertThatThrownBy(() -> SyntheticCamera.open("synth://a b")).isInstanceOf(IllegalArgumentException.class);
  }
}
