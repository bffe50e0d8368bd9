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
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Runs one e2e scenario against a remote function service: the StateFun runtime in this JVM (a
 * Flink MiniCluster through statefun-flink-harness), the module.yaml pointing at the service, a
 * non-parallel source, file-writing egresses; then waits for the scenario's verdict and exits 0
 * (pass) or 1 (fail). Usage:
 *
 * <pre>
 *   --scenario features|exactly-once  --function-url http://127.0.0.1:PORT/statefun  --out DIR
 *   [--expected FILE] (features)  [--instances 64] [--messages 10000] [--seed 7]
 *   [--induce-failure true] (exactly-once)  [--timeout-s 300]
 * </pre>
 */
public final class Main {
  private Main() {}

  private static volatile Throwable jobError;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if (a.containsKey("help") || !a.containsKey("scenario")) {
      System.err.println(
          "usage: --scenario features|exactly-once --function-url URL --out DIR [options]"
              + " (see tests/e2e/README.md)");
      System.exit(2);
    }
    String scenario = a.get("scenario");
    String url = require(a, "function-url");
    Path out = Paths.get(require(a, "out")).toAbsolutePath();
    Files.createDirectories(out);
    long timeoutMs = 1000L * Long.parseLong(a.getOrDefault("timeout-s", "300"));

    Harness harness =
        new Harness()
            .withFlinkJobName("statefun-e2e-" + scenario)
            .withParallelism(1)
            .withConfiguration("statefun.remote.module-name", moduleYaml(out, url).toUri().toString())
            .withConfiguration("execution.checkpointing.interval", "500ms")
            .withConfiguration("execution.checkpointing.mode", "EXACTLY_ONCE")
            .withConfiguration("execution.checkpointing.min-pause", "100ms")
            .withConfiguration("restart-strategy", "fixed-delay")
            .withConfiguration("restart-strategy.fixed-delay.attempts", "3")
            .withConfiguration("restart-strategy.fixed-delay.delay", "1s")
            // everything the MiniCluster listens on stays on the loopback interface
            .withConfiguration("jobmanager.bind-host", "127.0.0.1")
            .withConfiguration("taskmanager.bind-host", "127.0.0.1")
            .withConfiguration("taskmanager.host", "127.0.0.1")
            .withConfiguration("rest.bind-address", "127.0.0.1")
            .withConfiguration("rest.address", "127.0.0.1")
            .withConfiguration("state.checkpoints.dir", out.resolve("checkpoints").toUri().toString());
    for (String egress : Ids.EGRESSES) {
      harness.withConsumingEgress(Ids.egress(egress), new EgressFile(out, egress));
    }

    final SourceFunction<Envelope> source;
    final Check check;
    switch (scenario) {
      case "features":
        source = new FeaturesSource(out);
        check = new FeaturesCheck(out, Paths.get(require(a, "expected")));
        break;
      case "exactly-once":
        {
          Workload w =
              new Workload(
                  Long.parseLong(a.getOrDefault("seed", "7")),
                  Integer.parseInt(a.getOrDefault("instances", "64")),
                  Integer.parseInt(a.getOrDefault("messages", "10000")));
          boolean fail = Boolean.parseBoolean(a.getOrDefault("induce-failure", "true"));
          source = new CommandSource(w, out, fail, 1000);
          check = new ExactlyOnceCheck(out, w, fail);
          break;
        }
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    harness.withFlinkSourceFunction(Ids.INGRESS, source);

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
    exit(verdict.passed ? 0 : 1);
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

  /** Writes OUT/module.yaml from the e2e-module.yaml.in resource. */
  private static Path moduleYaml(Path out, String functionUrl) throws IOException {
    String template;
    try (InputStream in = Main.class.getResourceAsStream("/e2e-module.yaml.in")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path file = out.resolve("module.yaml");
    Files.write(file, template.replace("@FUNCTION_URL@", functionUrl).getBytes(StandardCharsets.UTF_8));
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

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }
}
