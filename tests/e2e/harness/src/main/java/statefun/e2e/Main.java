package statefun.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.statefun.flink.harness.Harness;

/**
 * Runs one e2e scenario against a remote function service: the StateFun runtime in this JVM (a
 * Flink MiniCluster through statefun-flink-harness) with the scenario's module.yaml pointing at the
 * service; then waits for the scenario's verdict and exits 0 (pass) or 1 (fail). Usage:
 *
 * <pre>
 *   --scenario features|exactly-once|kafka-features|kafka-exactly-once|dead-letters
 *              |dead-letters-control
 *   --function-url http://127.0.0.1:PORT/statefun  --out DIR
 *   [--expected FILE] (features)  [--expected-counts FILE] (exactly-once)
 *   [--instances 64] [--messages 10000] [--seed 7] [--induce-failure true] (exactly-once)
 *   [--kafka 127.0.0.1:PORT] [--topic-prefix eo-] [--rate 0] [--hold-reports-until FILE] (Kafka)
 *   [--expected-dead-letters FILE] (dead-letters)
 *   [--timeout-s 300] [--restart-attempts 3]
 *   --scenario print-expected|print-dead-letters [--instances 64] [--messages 10000] [--seed 7]
 * </pre>
 *
 * The harness scenarios feed the job from a Java source and observe it through file-writing
 * egresses. The Kafka scenarios give the runtime the module.yaml a user deploys (Kafka ingress,
 * exactly-once Kafka egress): a producer writes the input topics, read_committed consumers read
 * the output topics. The dead-letters scenarios are Kafka scenarios too ({@link
 * DeadLetterScenario}).
 */
public final class Main {
  private Main() {}

  private static volatile Throwable jobError;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if (a.containsKey("help") || !a.containsKey("scenario")) {
      System.err.println(
          "usage: --scenario features|exactly-once|kafka-features|kafka-exactly-once"
              + " --function-url URL --out DIR [options] (see tests/e2e/README.md)");
      System.exit(2);
    }
    String scenario = a.get("scenario");
    if (scenario.equals("print-expected")) {
      Workload w = workload(a, "");
      for (String line : ExpectedCounts.lines(w, w.totals())) {
        System.out.println(line);
      }
      return;
    }
    if (scenario.equals("print-dead-letters")) {
      Workload w = workload(a, "dl-discards");
      for (String line : Poison.lines(w, Poison.records(w))) {
        System.out.println(line);
      }
      return;
    }
    String url = require(a, "function-url");
    Path out = Paths.get(require(a, "out")).toAbsolutePath();
    Files.createDirectories(out);
    long timeoutMs = 1000L * Long.parseLong(a.getOrDefault("timeout-s", "300"));
    boolean deadLetters = scenario.startsWith("dead-letters");
    boolean kafka = scenario.startsWith("kafka-") || deadLetters;
    // In the Kafka scenarios no source of ours sees a restore: the runtime's log tells.
    RuntimeLog runtimeLog = RuntimeLog.install(kafka ? CommandSource.restoresLog(out) : null);

    Harness harness =
        new Harness()
            .withFlinkJobName("statefun-e2e-" + scenario)
            .withParallelism(1)
            .withConfiguration("execution.checkpointing.interval", "500ms")
            .withConfiguration("execution.checkpointing.mode", "EXACTLY_ONCE")
            .withConfiguration("execution.checkpointing.min-pause", "100ms")
            .withConfiguration("restart-strategy", "fixed-delay")
            .withConfiguration(
                "restart-strategy.fixed-delay.attempts", a.getOrDefault("restart-attempts", "3"))
            .withConfiguration("restart-strategy.fixed-delay.delay", "1s")
            // everything the MiniCluster listens on stays on the loopback interface
            .withConfiguration("jobmanager.bind-host", "127.0.0.1")
            .withConfiguration("taskmanager.bind-host", "127.0.0.1")
            .withConfiguration("taskmanager.host", "127.0.0.1")
            .withConfiguration("rest.bind-address", "127.0.0.1")
            .withConfiguration("rest.address", "127.0.0.1")
            .withConfiguration("state.checkpoints.dir", out.resolve("checkpoints").toUri().toString())
            .withGlobalConfiguration(E2eModule.INGRESS_KEY, kafka ? "kafka" : "harness")
            .withGlobalConfiguration(E2eModule.OUT_KEY, out.toString());

    Map<String, String> yaml = new HashMap<>();
    yaml.put("FUNCTION_URL", url);
    final Check check;
    final List<AutoCloseable> closeLater = new ArrayList<>();
    Runnable afterStart = () -> {};
    switch (scenario) {
      case "features":
        bindFileEgresses(harness, out, Ids.EGRESSES);
        harness.withFlinkSourceFunction(Ids.INGRESS, new FeaturesSource(out));
        check = new FeaturesCheck(out, Paths.get(require(a, "expected")));
        break;
      case "exactly-once":
        {
          bindFileEgresses(harness, out, Ids.EGRESSES);
          Workload w = workload(a, "");
          boolean fail = Boolean.parseBoolean(a.getOrDefault("induce-failure", "true"));
          harness.withFlinkSourceFunction(Ids.INGRESS, new CommandSource(w, out, fail, 1000));
          check = new ExactlyOnceCheck(out, w, fail, false, expectedCounts(a));
          break;
        }
      case "kafka-features":
        {
          String bootstrap = require(a, "kafka");
          yaml.put("KAFKA", bootstrap);
          // e2e/kafka is the real Kafka egress of module.yaml; the generic e2e/out and the
          // Kinesis egress (no AWS here) are the harness's file egresses.
          bindFileEgresses(harness, out, List.of("out", "kinesis"));
          closeLater.add(KafkaScenarios.features(bootstrap, out));
          check = new FeaturesCheck(out, Paths.get(require(a, "expected")));
          break;
        }
      case "kafka-exactly-once":
        {
          String bootstrap = require(a, "kafka");
          KafkaCommandFeed.Topics topics =
              new KafkaCommandFeed.Topics(a.getOrDefault("topic-prefix", "eo-"));
          yaml.put("KAFKA", bootstrap);
          yaml.put("COMMANDS", topics.commands);
          yaml.put("CONTROL", topics.control);
          yaml.put("GROUP", topics.group);
          Workload w = workload(a, topics.discards);
          boolean fail = Boolean.parseBoolean(a.getOrDefault("induce-failure", "true"));
          closeLater.add(KafkaScenarios.commands(bootstrap, out, topics, false, false));
          KafkaCommandFeed feed =
              new KafkaCommandFeed(
                  bootstrap,
                  topics,
                  w,
                  out,
                  fail,
                  Integer.parseInt(a.getOrDefault("rate", "0")),
                  1000,
                  a.containsKey("hold-reports-until")
                      ? Paths.get(a.get("hold-reports-until"))
                      : null,
                  List.of());
          closeLater.add(feed);
          afterStart = feed::start;
          check = new ExactlyOnceCheck(out, w, fail, true, expectedCounts(a));
          break;
        }
      case "dead-letters":
      case "dead-letters-control":
        {
          DeadLetterScenario.Setup setup =
              DeadLetterScenario.setup(
                  a, out, yaml, runtimeLog, closeLater, scenario.equals("dead-letters-control"));
          check = setup.check;
          afterStart = setup.afterStart;
          break;
        }
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    String template =
        deadLetters
            ? "/dead-letters-module.yaml.in"
            : kafka ? "/" + scenario + "-module.yaml.in" : "/e2e-module.yaml.in";
    harness.withConfiguration(
        "statefun.remote.module-name", moduleYaml(out, template, yaml).toUri().toString());

    long started = System.nanoTime();
    Thread job =
        new Thread(
            () -> {
              try {
                harness.start();
                jobError = new IllegalStateException("the job finished on its own");
              } catch (Throwable t) {
                jobError = t;
              }
            },
            "e2e-harness");
    job.setDaemon(true);
    job.start();
    afterStart.run();

    Check.Verdict verdict;
    try {
      verdict = check.await(started, started + timeoutMs * 1_000_000L, () -> jobError);
    } catch (Throwable t) {
      verdict = Check.Verdict.fail("verifier crashed: " + t);
      t.printStackTrace(System.out);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder summary = new StringBuilder();
    summary.append(String.format("scenario %s: %s in %.1f s%n", scenario, verdict.passed ? "PASS" : "FAIL", seconds));
    for (String line : verdict.lines) {
      summary.append("  ").append(line).append(System.lineSeparator());
    }
    summary.append("  ").append(runtimeLog.summary()).append(System.lineSeparator());
    if (jobError != null && !verdict.passed) {
      summary.append("  job error: ").append(jobError).append(System.lineSeparator());
      Throwable root = jobError;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root != jobError) {
        summary.append("  root cause: ").append(root).append(System.lineSeparator());
      }
      jobError.printStackTrace(System.out);
    }
    Files.write(out.resolve("summary.txt"), summary.toString().getBytes(StandardCharsets.UTF_8));
    System.out.print(summary);
    System.out.flush();
    for (AutoCloseable c : closeLater) {
      try {
        c.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }
    exit(verdict.passed ? 0 : 1);
  }

  private static void bindFileEgresses(Harness harness, Path out, List<String> names) {
    for (String egress : names) {
      harness.withConsumingEgress(Ids.egress(egress), new EgressFile(out, egress));
    }
  }

  static Workload workload(Map<String, String> a, String discardTopic) {
    return new Workload(
        Long.parseLong(a.getOrDefault("seed", "7")),
        Integer.parseInt(a.getOrDefault("instances", "64")),
        Integer.parseInt(a.getOrDefault("messages", "10000")),
        discardTopic);
  }

  static Path expectedCounts(Map<String, String> a) {
    String file = a.get("expected-counts");
    return file == null ? null : Paths.get(file);
  }

  /** Exits without waiting for the MiniCluster to wind down; halts if shutdown hooks hang. */
  private static void exit(int code) {
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException ignored) {
                // fall through
              }
              Runtime.getRuntime().halt(code);
            });
    halt.setDaemon(true);
    halt.start();
    System.exit(code);
  }

  /** Writes OUT/module.yaml from a template resource, filling in its @NAME@ placeholders. */
  private static Path moduleYaml(Path out, String resource, Map<String, String> values)
      throws IOException {
    String text;
    try (InputStream in = Main.class.getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      text = text.replace("@" + e.getKey() + "@", e.getValue());
    }
    if (text.matches("(?s).*@[A-Z_]+@.*")) {
      throw new IllegalStateException(resource + ": a placeholder was not filled in");
    }
    Path file = out.resolve("module.yaml");
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    List<String> rest = new ArrayList<>(List.of(args));
    for (int i = 0; i < rest.size(); i++) {
      String k = rest.get(i);
      if (!k.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + k);
      }
      if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
        m.put(k.substring(2), rest.get(++i));
      } else {
        m.put(k.substring(2), "true");
      }
    }
    return m;
  }

  static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }
}
