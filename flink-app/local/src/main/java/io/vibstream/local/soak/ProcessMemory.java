package io.vibstream.local.soak;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * This process's memory, as a soak samples it: the heap in use, the live heap (what is left after
 * a full collection forced for the sample: a leak makes it grow, where the heap after a young
 * collection also grows with dead objects promoted to the old generation until the next marking
 * cycle), the heap the JVM has committed (the resident set steps up with it), NIO direct buffers,
 * native memory JavaCPP allocated (OpenCV, FFmpeg, TFLite tensors) and the resident set size the
 * kernel counts (everything, DJL/PyTorch and RocksDB included).
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** One sample, in bytes; {@code rssBytes} is -1 where {@code /proc} is missing. */
  public record Sample(long heapUsedBytes, long heapLiveBytes, long heapCommittedBytes, long directBytes,
      long javacppBytes, long rssBytes) {}

  private ProcessMemory() {}

  /** A sample; forces a full collection (a pause of some 100 ms on a few hundred MB of heap). */
  public static Sample sample() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = memory.getHeapMemoryUsage().getUsed();
    memory.gc();
    long live = memory.getHeapMemoryUsage().getUsed();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    return new Sample(used, live, memory.getHeapMemoryUsage().getCommitted(), direct, Pointer.totalBytes(), rss());
  }

  /** {@code VmRSS} of {@code /proc/self/status} in bytes, or -1. */
  public static long rss() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
