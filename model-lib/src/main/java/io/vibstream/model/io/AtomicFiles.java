package io.vibstream.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Whole-file writes that readers never see half done. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code content} to a temporary file in the target's directory, forces it to disk and
   * renames it onto {@code target} in one atomic step, replacing any existing file. Missing parent
   * directories are created. The temporary file is removed if anything fails.
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
