package io.vibstream.cli;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;

/**
 * This process's memory, as a soak samples it: the heap in use, the heap still in use after the
 * last collection (what a leak makes grow), the heap the JVM has committed (RSS steps up with it), NIO direct buffers, native memory JavaCPP allocated
 * (OpenCV, FFmpeg, TFLite tensors) and the resident set size the kernel counts (everything,
 * DJL/PyTorch and RocksDB included).
 */
final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** One sample, in bytes; {@code rssBytes} is -1 where {@code /proc} is missing. */
  record Sample(long heapUsedBytes, long heapAfterGcBytes, long heapCommittedBytes, long directBytes,
      long javacppBytes, long rssBytes) {}

  private ProcessMemory() {}

  static Sample sample() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long afterGc = heapAfterLastGc();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    return new Sample(heap.getUsed(), afterGc, heap.getCommitted(), direct, Pointer.totalBytes(), rss());
  }

  /**
   * The heap in use right after the most recent collection of any collector (young ones included,
   * so it follows the old generation too without waiting for a full or mixed collection), or the
   * heap in use now before the first collection.
   */
  private static long heapAfterLastGc() {
    GcInfo last = null;
    for (GarbageCollectorMXBean gc : ManagementFactory.getPlatformMXBeans(GarbageCollectorMXBean.class)) {
      GcInfo info = gc.getLastGcInfo();
      if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
        last = info;
      }
    }
    if (last == null) {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : last.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    return used;
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
