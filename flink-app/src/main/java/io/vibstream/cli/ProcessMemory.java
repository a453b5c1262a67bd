package io.vibstream.cli;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * This process's memory, as a soak samples it: the heap in use, the heap still in use after the
 * last collection (what a leak makes grow), NIO direct buffers, native memory JavaCPP allocated
 * (OpenCV, FFmpeg, TFLite tensors) and the resident set size the kernel counts (everything,
 * DJL/PyTorch and RocksDB included).
 */
final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** One sample, in bytes; {@code rssBytes} is -1 where {@code /proc} is missing. */
  record Sample(long heapUsedBytes, long heapAfterGcBytes, long directBytes, long javacppBytes, long rssBytes) {}

  private ProcessMemory() {}

  static Sample sample() {
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage u = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && u != null) {
        afterGc += u.getUsed();
      }
    }
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    return new Sample(heap, afterGc, direct, Pointer.totalBytes(), rss());
  }

  /** {@code VmRSS} of {@code /proc/self/status} in bytes, or -1. */
  static long rss() {
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
