package io.vibstream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The JVMs an integration test starts: each one's stdout and stderr go to its own log file, every
 * one gets DJL's offline settings in its environment, and all are stopped by {@link #close()} or,
 * if the test JVM itself goes down first, by a shutdown hook.
 */
final class ChildProcesses implements AutoCloseable {
  /** A started child JVM. */
  record Child(String name, Process process, Path log) {
    long pid() {
      return process.pid();
    }
  }

  private final Path logDir;
  private final List<Child> children = new CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::killAll, "it-children-shutdown");

  ChildProcesses(Path logDir) throws IOException {
    this.logDir = Files.createDirectories(logDir);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code java jvmArgs -cp classpath mainClass args}, output to {@code LOGDIR/name.log}. */
  Child startJava(String name, List<String> jvmArgs, String classpath, String mainClass, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    Files.writeString(log, "# " + String.join(" ", command).replace(classpath, "<classpath>") + "\n",
        StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.put("DJL_OFFLINE", "true");
    env.put("OPT_OUT_TRACKING", "true");
    Child child = new Child(name, pb.start(), log);
    children.add(child);
    return child;
  }

  List<Child> all() {
    return List.copyOf(children);
  }

  /** Resident set size now and its peak (VmRSS, VmHWM from /proc) in MiB, or "?" where unreadable. */
  static String memory(Child child) {
    try {
      long rss = -1;
      long hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
      return String.format("%s rss %d MiB (peak %d MiB)", child.name(), rss / 1024, hwm / 1024);
    } catch (IOException | UncheckedIOException e) {
      return child.name() + " rss ?";
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  /** The last {@code lines} lines of every child's log, for a failure report. */
  String tails(int lines) {
    StringBuilder out = new StringBuilder();
    for (Child child : children) {
      out.append("\n===== ").append(child.log()).append(" (last ").append(lines).append(" lines) =====\n");
      try {
        List<String> all = Files.readAllLines(child.log(), StandardCharsets.UTF_8);
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
          out.append(line).append('\n');
        }
      } catch (IOException | UncheckedIOException e) {
        out.append("(unreadable: ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  /** SIGTERM to every child, SIGKILL to any still alive after {@code graceSeconds}; returns those left alive. */
  List<Child> stopAll(long graceSeconds) {
    for (Child child : children) {
      child.process().destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
    for (Child child : children) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !child.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          child.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        child.process().destroyForcibly();
      }
    }
    return children.stream().filter(c -> c.process().isAlive()).toList();
  }

  private void killAll() {
    for (Child child : children) {
      child.process().destroyForcibly();
    }
  }

  @Override
  public void close() {
    stopAll(15);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }
}
