package io.vibstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.schemas.ActionEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shaded job jar on a real standalone Flink cluster: a Kafka broker ({@code vibstream broker}), a
 * JobManager and two TaskManagers (1 slot each), each its own JVM started from Maven jars as Flink's
 * scripts would start it; the jar goes in through the REST API as {@code flink run} sends it. Synthetic
 * cameras publish frames; one TaskManager is killed with SIGKILL while they do and a replacement is
 * started; the committed events must show every camera's windows exactly once, one stride apart, from
 * the first frame to the last, across the failure.
 *
 * <p>Logs of every process: {@code it-tests/target/it-logs/}. Timings and memory are printed at the end.
 */
class FlinkClusterIT {
  private static final List<String> CAMERAS = List.of("cam-0", "cam-1", "cam-2");
  private static final int CAMERA_FPS = 10;
  /** The demo model's clip length and the job's default stride (clip / 4). */
  private static final int CLIP = 32;
  private static final int STRIDE = 8;
  private static final long MODEL_VERSION = 1;
  private static final String TM_MEMORY = "1024m";
  private static final String JM_MEMORY = "768m";

  private final Path jobJar = Path.of(property("vibstream.it.jobJar"));
  private final Path repo = Path.of(property("vibstream.it.repoRoot")).toAbsolutePath().normalize();
  private final Path target = Path.of(property("vibstream.it.workDir")).toAbsolutePath().getParent();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private final List<String> memory = new ArrayList<>();
  private final List<String> peakMemory = new ArrayList<>();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void exactlyOnceAcrossTaskManagerKill() throws Exception {
    long testStart = System.nanoTime();
    Path work = Files.createDirectories(Path.of(property("vibstream.it.workDir")))
        .resolve("run-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(work);
    String appClasspath = Files.readString(Path.of(property("vibstream.it.appClasspath"))).trim();
    String clusterClasspath = Files.readString(Path.of(property("vibstream.it.clusterClasspath"))).trim();
    // the job's code, the Kafka connector and kafka-clients come only with the job jar
    assertThat(Arrays.asList(clusterClasspath.split(":")))
        .noneMatch(p -> p.contains("/io/vibstream/") || p.contains("kafka-clients") || p.contains("flink-connector-kafka")
            || p.contains("/ai/djl/") || p.contains("/org/apache/avro/"));
    assertThat(jobJar).isRegularFile();

    ChildProcesses children = new ChildProcesses(target.resolve("it-logs"));
    ExecutorService pool = Executors.newCachedThreadPool();
    AtomicBoolean stopReading = new AtomicBoolean();
    List<CameraPublisher> publishers = new CopyOnWriteArrayList<>();
    FlinkRest rest = null;
    String jobId = null;
    boolean passed = false;
    try {
      int kafkaPort = freePort();
      int restPort = freePort();
      int rpcPort = freePort();
      String bootstrap = "127.0.0.1:" + kafkaPort;

      // 1. the broker, in its own JVM, as `./vibstream broker` runs it
      long t0 = System.nanoTime();
      children.startJava("kafka-broker", cliJvmArgs(), appClasspath, "io.vibstream.cli.Vibstream",
          List.of("broker", "--port", Integer.toString(kafkaPort), "--dir", work.resolve("kafka").toString()));

      // 2. the Flink cluster: config.yaml, memory flags from BashJavaUtils, a JobManager, two TaskManagers
      Path conf = writeFlinkConf(work, restPort, rpcPort);
      List<String> jmMemory = javaUtils(clusterClasspath, conf, "GET_JM_RESOURCE_PARAMS");
      List<String> tmMemory = javaUtils(clusterClasspath, conf, "GET_TM_RESOURCE_PARAMS");
      long clusterStart = System.nanoTime();
      children.startJava("jobmanager", flinkJvmArgs(jmMemory.get(0), "jobmanager"), clusterClasspath,
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
          dynamicArgs(conf, jmMemory));
      List<ChildProcesses.Child> taskManagers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        taskManagers.add(startTaskManager(children, clusterClasspath, conf, tmMemory, "taskmanager-" + i));
      }
      rest = new FlinkRest(restPort);
      FlinkRest api = rest;
      await("Kafka broker up with its topics", Duration.ofSeconds(90), () -> topicsExist(bootstrap));
      timings.put("broker_start_ms", ms(t0));

      // the model release, as `vibstream models publish` sends it (meanwhile the cluster starts)
      ChildProcesses.Child publish = children.startJava("models-publish", cliJvmArgs(), appClasspath,
          "io.vibstream.cli.Vibstream", List.of("models", "publish", repo.resolve("models/demo/model.vib").toString(),
              "--bootstrap", bootstrap, "--version", Long.toString(MODEL_VERSION)));
      assertThat(publish.process().waitFor(90, TimeUnit.SECONDS)).as("models publish finished").isTrue();
      assertThat(publish.process().exitValue()).as("models publish exit code").isZero();

      await("2 TaskManagers registered", Duration.ofSeconds(120), () -> registeredTaskManagers(api) == 2);
      timings.put("cluster_start_ms", ms(clusterStart));

      // 3. the job jar through the REST API, as `flink run` submits it
      long submit = System.nanoTime();
      String jarId = rest.upload(jobJar);
      timings.put("jar_upload_ms", ms(submit));
      jobId = rest.run(jarId, List.of(
          "--bootstrap", bootstrap,
          "--backbone", "builtin:" + repo.resolve("models/demo/backbone.cnn"),
          "--parallelism", "2",
          "--checkpoint-interval-ms", "1000",
          "--frames-topic", Topic.FRAMES.topicName(), "--models-topic", Topic.MODELS.topicName(),
          "--events-topic", Topic.EVENTS.topicName(), "--dead-letter-topic", Topic.FRAMES_DEAD_LETTER.topicName(),
          "--model-status-topic", Topic.MODEL_STATUS.topicName()), 2);
      String job = jobId;
      await("job RUNNING with all tasks running", Duration.ofSeconds(120), () -> api.job(job).fullyRunning());
      timings.put("job_start_ms", ms(submit));
      JsonTaskManagers spread = taskManagerSlots(rest);
      assertThat(spread.freeSlots()).as("both slots in use (one subtask per TaskManager)").isZero();

      // 4. committed events, read all along; cameras publishing in real time
      Map<String, List<ActionEvent>> events = new ConcurrentHashMap<>();
      Future<?> reader = pool.submit(() -> readEvents(bootstrap, events, stopReading));
      List<Future<CameraPublisher.Stats>> runs = new ArrayList<>();
      long camerasStart = System.nanoTime();
      for (int i = 0; i < CAMERAS.size(); i++) {
        String camera = CAMERAS.get(i);
        String url = "synth://" + camera + "?seed=" + (i + 1) + "&fps=" + CAMERA_FPS + "&size=64x64&realtime=false&loop=true";
        CameraPublisher publisher = CameraPublisher.create(bootstrap, Topic.FRAMES.topicName(), camera).realtime(true);
        publishers.add(publisher);
        runs.add(pool.submit(() -> {
          try (publisher; SyntheticCamera source = SyntheticCamera.open(url)) {
            return publisher.run(source, 0);
          }
        }));
      }
      await("3 committed events for every camera", Duration.ofSeconds(90),
          () -> CAMERAS.stream().allMatch(c -> events.getOrDefault(c, List.of()).size() >= 3));
      timings.put("first_events_after_cameras_ms", ms(camerasStart));
      for (ChildProcesses.Child child : children.all()) {
        if (child.process().isAlive()) {
          memory.add(ChildProcesses.memory(child));
        }
      }

      // 5. kill -9 one TaskManager while the cameras publish; a replacement takes its place
      ChildProcesses.Child victim = taskManagers.get(1);
      Map<String, Long> lastBeforeKill = lastFirstSequence(events);
      Set<String> oldTaskManagers = taskManagerIds(rest);
      long kill = System.nanoTime();
      victim.process().destroyForcibly();
      assertThat(victim.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      taskManagers.add(startTaskManager(children, clusterClasspath, conf, tmMemory, "taskmanager-2"));
      await("job failure noticed", Duration.ofSeconds(30), () -> !api.job(job).fullyRunning());
      timings.put("failure_detected_ms", ms(kill));
      await("the replacement TaskManager registered", Duration.ofSeconds(120),
          () -> !oldTaskManagers.containsAll(taskManagerIds(api)));
      timings.put("replacement_tm_registered_ms", ms(kill));
      await("job RUNNING again with all tasks running", Duration.ofSeconds(120), () -> api.job(job).fullyRunning());
      timings.put("recovery_running_ms", ms(kill));
      await("new committed events for every camera after the recovery", Duration.ofSeconds(90),
          () -> CAMERAS.stream().allMatch(c -> lastFirstSequence(events).getOrDefault(c, -1L)
              >= lastBeforeKill.getOrDefault(c, -1L) + 3L * STRIDE));
      timings.put("recovery_events_ms", ms(kill));

      // stop the cameras, then read until every frame they published is in a committed window
      publishers.forEach(CameraPublisher::stop);
      Map<String, CameraPublisher.Stats> stats = new HashMap<>();
      for (int i = 0; i < CAMERAS.size(); i++) {
        stats.put(CAMERAS.get(i), runs.get(i).get(60, TimeUnit.SECONDS));
      }
      for (Map.Entry<String, CameraPublisher.Stats> s : stats.entrySet()) {
        assertThat(s.getValue().dropped() + s.getValue().failed()).as("frames lost by camera %s", s.getKey()).isZero();
      }
      Map<String, Long> expectedLastFirst = new HashMap<>();
      stats.forEach((camera, s) -> expectedLastFirst.put(camera, (s.published() - CLIP) / STRIDE * STRIDE));
      await("the windows up to every camera's last frame committed", Duration.ofSeconds(90),
          () -> CAMERAS.stream().allMatch(c -> lastFirstSequence(events).getOrDefault(c, -1L) >= expectedLastFirst.get(c)));
      Thread.sleep(2500); // two more checkpoints: anything duplicated late would show now
      stopReading.set(true);
      reader.get(30, TimeUnit.SECONDS);
      for (ChildProcesses.Child child : children.all()) {
        if (child.process().isAlive()) {
          peakMemory.add(ChildProcesses.memory(child));
        }
      }

      // exactly once: per camera, windows 0, STRIDE, 2*STRIDE, ... each exactly once, all with the model
      long lost = 0;
      long duplicated = 0;
      StringBuilder problems = new StringBuilder();
      for (String camera : CAMERAS) {
        List<ActionEvent> mine = new ArrayList<>(events.getOrDefault(camera, List.of()));
        mine.sort(Comparator.comparingLong(ActionEvent::getFirstSequenceNumber));
        Map<Long, Long> counts = mine.stream()
            .collect(Collectors.groupingBy(ActionEvent::getFirstSequenceNumber, Collectors.counting()));
        long expected = expectedLastFirst.get(camera) / STRIDE + 1;
        for (long first = 0; first <= expectedLastFirst.get(camera); first += STRIDE) {
          long n = counts.getOrDefault(first, 0L);
          if (n == 0) {
            lost++;
            problems.append(camera).append(" missing window ").append(first).append('\n');
          } else if (n > 1) {
            duplicated += n - 1;
            problems.append(camera).append(" window ").append(first).append(" x").append(n).append('\n');
          }
        }
        for (ActionEvent e : mine) {
          assertThat(e.getModelVersion()).as("model version of %s", camera).isEqualTo(MODEL_VERSION);
          assertThat(e.getLastSequenceNumber() - e.getFirstSequenceNumber()).isEqualTo(CLIP - 1);
          assertThat(e.getFirstSequenceNumber() % STRIDE).as("window start of %s", camera).isZero();
        }
        for (int i = 1; i < mine.size(); i++) {
          assertThat(mine.get(i).getFirstSequenceNumber() - mine.get(i - 1).getFirstSequenceNumber())
              .as("stride of %s at %d (%s)", camera, mine.get(i).getFirstSequenceNumber(), problems)
              .isEqualTo(STRIDE);
        }
        assertThat(mine).as("events of %s", camera).hasSize((int) expected);
        assertThat(lastBeforeKill.getOrDefault(camera, -1L)).as("%s had events before the kill", camera)
            .isGreaterThanOrEqualTo(0);
      }
      assertThat(problems.toString()).isEmpty();
      timings.put("events_lost", lost);
      timings.put("events_duplicated", duplicated);
      timings.put("events_total", events.values().stream().mapToLong(List::size).sum());
      timings.put("frames_published", stats.values().stream().mapToLong(CameraPublisher.Stats::published).sum());
      // what the transactions hid: records of aborted transactions, visible to read_uncommitted only
      timings.put("aborted_records_hidden", countRecords(bootstrap, "read_uncommitted") - countRecords(bootstrap,
          "read_committed"));

      // the job was restored from a checkpoint, not started afresh
      String jobManagerLog = Files.readString(children.all().stream().filter(c -> c.name().equals("jobmanager"))
          .findFirst().orElseThrow().log(), StandardCharsets.UTF_8);
      assertThat(jobManagerLog).containsPattern("Restoring job " + job + " from Checkpoint \\d+");
      // restarts: the first may still pick the dead TaskManager's slot before it is declared lost
      timings.put("restores_from_checkpoint",
          jobManagerLog.lines().filter(l -> l.contains("Restoring job " + job + " from Checkpoint")).count());

      // DJL in the surviving TaskManager: a backbone subtask restarted in the same JVM (attempt #1 or later) and ran
      // (the chain's name ends in "backbone" or, when the chain is bracketed, "backbone)")
      String survivor = Files.readString(taskManagers.get(0).log(), StandardCharsets.UTF_8);
      assertThat(survivor).containsPattern("backbone\\)? \\(\\d/2\\)#[1-9]\\d* \\(\\S+\\) switched from INITIALIZING to RUNNING");
      assertThat(survivor).doesNotContain("already loaded in another classloader");
      assertThat(api.job(job).state()).isEqualTo("RUNNING");
      passed = true;
    } finally {
      publishers.forEach(CameraPublisher::stop);
      stopReading.set(true);
      pool.shutdownNow();
      // 6. cancel the job, stop every process, delete the work directory
      if (rest != null && jobId != null) {
        try {
          rest.cancel(jobId);
          String job = jobId;
          FlinkRest api = rest;
          awaitQuietly(Duration.ofSeconds(20), () -> "CANCELED".equals(api.job(job).state()));
        } catch (IOException | RuntimeException e) {
          System.err.println("cancel failed: " + e);
        }
      }
      if (!passed) {
        System.err.println("FlinkClusterIT failed; logs under " + target.resolve("it-logs") + children.tails(60));
      }
      List<ChildProcesses.Child> alive = children.stopAll(15);
      children.close();
      deleteTree(work);
      timings.put("it_total_ms", ms(testStart));
      System.out.println("FlinkClusterIT timings: " + timings);
      System.out.println("FlinkClusterIT memory (before the kill): " + memory);
      System.out.println("FlinkClusterIT memory (at the end): " + peakMemory);
      List<String> left = children.all().stream().filter(c -> c.process().isAlive())
          .map(c -> c.name() + " (pid " + c.pid() + ")").toList();
      if (passed) { // else the test's own failure is the one to report
        assertThat(alive).as("processes left alive").isEmpty();
        assertThat(left).as("processes left alive").isEmpty();
      } else if (!left.isEmpty()) {
        System.err.println("FlinkClusterIT: processes left alive: " + left);
      }
    }
  }

  private ChildProcesses.Child startTaskManager(ChildProcesses children, String classpath, Path conf,
      List<String> memoryParams, String name) throws IOException {
    return children.startJava(name, flinkJvmArgs(memoryParams.get(0), name), classpath,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", dynamicArgs(conf, memoryParams));
  }

  private Path writeFlinkConf(Path work, int restPort, int rpcPort) throws IOException {
    Path dir = Files.createDirectories(work.resolve("flink-conf"));
    Path tmp = Files.createDirectories(work.resolve("flink-tmp"));
    Path checkpoints = Files.createDirectories(work.resolve("checkpoints"));
    String yaml = String.join("\n",
        "# written by FlinkClusterIT",
        "jobmanager.rpc.address: 127.0.0.1",
        "jobmanager.rpc.port: " + rpcPort,
        "jobmanager.bind-host: 127.0.0.1",
        "jobmanager.memory.process.size: " + JM_MEMORY,
        "taskmanager.bind-host: 127.0.0.1",
        "taskmanager.host: 127.0.0.1",
        "taskmanager.numberOfTaskSlots: 1",
        "taskmanager.memory.process.size: " + TM_MEMORY,
        "taskmanager.memory.managed.size: 16m",
        "taskmanager.load-balance.mode: SLOTS",
        "rest.address: 127.0.0.1",
        "rest.bind-address: 127.0.0.1",
        "rest.port: " + restPort,
        "web.refresh-interval: 100 ms", // how stale the REST API's job views may be (default 3 s)
        "heartbeat.interval: 1000",
        "heartbeat.timeout: 5000",
        "parallelism.default: 2",
        "state.backend.type: hashmap",
        "execution.checkpointing.dir: " + checkpoints.toUri(),
        "restart-strategy.type: fixed-delay",
        "restart-strategy.fixed-delay.attempts: 30",
        "restart-strategy.fixed-delay.delay: 1 s",
        "classloader.parent-first-patterns.additional: ai.djl",
        "env.java.opts.all: --add-modules=jdk.incubator.vector -Dai.djl.offline=true",
        "io.tmp.dirs: " + tmp,
        "web.tmpdir: " + tmp.resolve("web"),
        "web.upload.dir: " + tmp.resolve("upload"),
        "");
    Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    return dir;
  }

  /** BashJavaUtils' results (JVM memory flags, then dynamic -D settings), as Flink's scripts use them. */
  private List<String> javaUtils(String classpath, Path conf, String command) throws Exception {
    Process p = new ProcessBuilder(ChildProcesses.java(), "-Xmx128m", "-cp", classpath,
        "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", conf.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> results = out.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim()).toList();
    assertThat(results).as("BashJavaUtils %s output:%n%s", command, out).isNotEmpty();
    return results;
  }

  private static List<String> dynamicArgs(Path conf, List<String> javaUtils) {
    List<String> args = new ArrayList<>(List.of("--configDir", conf.toString()));
    if (javaUtils.size() > 1 && !javaUtils.get(1).isBlank()) {
      args.addAll(Arrays.asList(javaUtils.get(1).trim().split("\\s+")));
    }
    return args;
  }

  private List<String> flinkJvmArgs(String memoryFlags, String name) {
    List<String> args = new ArrayList<>(Arrays.asList(memoryFlags.trim().split("\\s+")));
    args.addAll(Arrays.asList(property("vibstream.it.flinkJvmArgs").trim().split("\\s+")));
    args.addAll(List.of("--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
        "-Dlog.file=" + target.resolve("it-logs").resolve(name + ".log")));
    return args;
  }

  private static List<String> cliJvmArgs() {
    return List.of("-Xmx256m", "--add-modules=jdk.incubator.vector", "-Djava.awt.headless=true",
        "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  }

  private static boolean topicsExist(String bootstrap) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
      Set<String> names = admin.listTopics().names().get(4, TimeUnit.SECONDS);
      return names.containsAll(List.of(Topic.FRAMES.topicName(), Topic.MODELS.topicName(), Topic.EVENTS.topicName(),
          Topic.FRAMES_DEAD_LETTER.topicName(), Topic.MODEL_STATUS.topicName()));
    } catch (Exception e) {
      return false;
    }
  }

  private static int registeredTaskManagers(FlinkRest rest) throws InterruptedException {
    var tms = rest.tryGet("/taskmanagers");
    return tms == null ? -1 : tms.path("taskmanagers").size();
  }

  private static Set<String> taskManagerIds(FlinkRest rest) throws InterruptedException {
    var tms = rest.tryGet("/taskmanagers");
    Set<String> ids = new java.util.HashSet<>();
    if (tms != null) {
      tms.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
    }
    return ids;
  }

  /** Slots of the registered TaskManagers. */
  record JsonTaskManagers(int taskManagers, int freeSlots) {}

  private static JsonTaskManagers taskManagerSlots(FlinkRest rest) throws InterruptedException {
    var tms = rest.tryGet("/taskmanagers");
    if (tms == null) {
      return new JsonTaskManagers(-1, -1);
    }
    int free = 0;
    for (var tm : tms.path("taskmanagers")) {
      free += tm.path("freeSlots").asInt();
    }
    return new JsonTaskManagers(tms.path("taskmanagers").size(), free);
  }

  private static void readEvents(String bootstrap, Map<String, List<ActionEvent>> events, AtomicBoolean stop) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, ActionEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new AvroDeserializer<>(ActionEvent.class))) {
      consumer.subscribe(List.of(Topic.EVENTS.topicName()));
      while (!stop.get()) {
        for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
          ActionEvent e = r.value();
          events.computeIfAbsent(e.getCameraId(), c -> new CopyOnWriteArrayList<>()).add(e);
        }
      }
    }
  }

  /** Records on the events topic, from the start to its end, as a consumer of {@code isolation} level sees them. */
  private static long countRecords(String bootstrap, String isolation) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topic.EVENTS.topicName()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + Topic.EVENTS.topicName() + " to its end (" + isolation + ")");
        }
        n += consumer.poll(Duration.ofMillis(200)).count();
      }
    }
    return n;
  }

  /** Per camera, the highest first sequence number among its committed events. */
  private static Map<String, Long> lastFirstSequence(Map<String, List<ActionEvent>> events) {
    Map<String, Long> out = new HashMap<>();
    events.forEach((camera, list) -> out.put(camera,
        list.stream().mapToLong(ActionEvent::getFirstSequenceNumber).max().orElse(-1)));
    return out;
  }

  /** Condition that may throw. */
  @FunctionalInterface
  interface Check {
    boolean test() throws Exception;
  }

  private static void await(String what, Duration timeout, Check check) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!check.test()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static void awaitQuietly(Duration timeout, Check check) {
    try {
      await("", timeout, check);
    } catch (Exception | AssertionError e) {
      // best effort during cleanup
    }
  }

  private static long ms(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + name + " not set (run through Maven failsafe)");
    }
    return v;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // left for mvn clean
        }
      });
    } catch (IOException e) {
      // left for mvn clean
    }
  }
}
