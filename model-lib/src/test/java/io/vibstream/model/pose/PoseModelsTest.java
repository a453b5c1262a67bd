package io.vibstream.model.pose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoseModelsTest {
  @Test
  void theFetchedModelsVerify() {
    PoseModels models = PoseModels.locate();
    assertEquals(3, PoseModels.pinnedSha256().size());
    assertTrue(Files.isRegularFile(models.detection()));
    assertTrue(Files.isRegularFile(models.landmark(PoseModels.Landmark.LITE)));
    assertTrue(Files.isRegularFile(models.landmark(PoseModels.Landmark.FULL)));
  }

  @Test
  void aMissingFileFailsWithOneLineNamingFileFolderAndFix(@TempDir Path dir) {
    var e = assertThrows(PoseModels.PoseModelException.class,
        () -> PoseModels.in(dir).landmark(PoseModels.Landmark.LITE));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains("pose_landmark_lite.tflite"), m);
    assertTrue(m.contains(dir.toString()), m);
    assertTrue(m.contains("run bin/setup") && m.contains(PoseModels.ENV), m);
  }

  @Test
  void anAlteredFileFailsWithOneLineNamingFileAndFix(@TempDir Path dir) throws Exception {
    Path good = PoseModels.locate().detection();
    Path copy = dir.resolve(PoseModels.DETECTION);
    Files.copy(good, copy);
    assertEquals(copy, PoseModels.in(dir).detection());
    Files.write(copy, new byte[] {0}, StandardOpenOption.APPEND);
    var e = assertThrows(PoseModels.PoseModelException.class, () -> PoseModels.in(dir).detection());
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(copy.toString()) && m.contains("SHA-256"), m);
    assertTrue(m.contains(PoseModels.pinnedSha256().get(PoseModels.DETECTION)), m);
    assertTrue(m.contains("run bin/setup") && m.contains(PoseModels.ENV), m);
  }

  @Test
  void theSystemPropertyOverridesTheFolder(@TempDir Path dir) {
    String before = System.getProperty(PoseModels.PROPERTY);
    System.setProperty(PoseModels.PROPERTY, dir.toString());
    try {
      assertEquals(dir.toAbsolutePath().normalize(), PoseModels.locate().folder());
    } finally {
      if (before == null) {
        System.clearProperty(PoseModels.PROPERTY);
      } else {
        System.setProperty(PoseModels.PROPERTY, before);
      }
    }
  }
}
