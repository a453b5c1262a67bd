package io.vibstream.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFilesTest {
  @TempDir
  Path dir;

  @Test
  void readsAFileUpToTheLimit() throws IOException {
    Path file = Files.write(dir.resolve("small"), new byte[] {1, 2, 3});
    assertThat(BoundedFiles.read(file, 3, "a test file")).containsExactly(1, 2, 3);
  }

  @Test
  void refusesALargerFileUnreadWithOneLine() throws IOException {
    Path file = dir.resolve("huge");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(3L << 30);
    }
    assertThatThrownBy(() -> BoundedFiles.read(file, 256 << 20, "a .vib model file"))
        .isInstanceOf(FileLimitException.class)
        .hasMessage("3221225472 bytes, more than the 256 MiB a .vib model file may have");
    Path four = Files.write(dir.resolve("four"), new byte[4]);
    assertThatThrownBy(() -> BoundedFiles.read(four, 3, "a test file"))
        .isInstanceOf(FileLimitException.class)
        .hasMessage("4 bytes, more than the 3 bytes a test file may have");
  }

  @Test
  void refusesDevicesAndDirectoriesInsteadOfReadingForever() {
    assertThatThrownBy(() -> BoundedFiles.read(Path.of("/dev/zero"), 1 << 20, "a clip file"))
        .isInstanceOf(FileLimitException.class)
        .hasMessage("not a regular file (a clip file must be one)");
    assertThatThrownBy(() -> BoundedFiles.read(dir, 1 << 20, "a clip file"))
        .isInstanceOf(FileLimitException.class)
        .hasMessage("not a regular file (a clip file must be one)");
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    assertThatThrownBy(() -> BoundedFiles.read(dir.resolve("absent"), 10, "a test file"))
        .isInstanceOf(NoSuchFileException.class);
  }
}
