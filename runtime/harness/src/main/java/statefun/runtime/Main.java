package statefun.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.statefun.flink.harness.Harness;

/**
 * The driver of runtime/run.sh: runs the user's module.yaml on the StateFun 3.3.0 runtime in this
 * JVM (a Flink 1.16.2 MiniCluster through statefun-flink-harness) against a function service that
 * is already listening, feeds the module's Kafka ingresses from input.jsonl, reads what the
 * egresses write and judges the run (see {@link Completion}). Exit status: 0 passed, 1 failed, 2 a
 * mistake in the arguments, module.yaml or the input/expected lines (see {@link Options}).
 *
 * <p>stdout carries the egress lines and the summary; everything else (the runtime's log) goes to
 * stderr, which run.sh keeps in OUT/jvm.log.
 */
public final class Main {
  private Main() {}

  private static volatile Throwable jobError;

  public static void main(String[] args) {
    PrintStream console =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    int code;
    try {
      code = run(Options.parse(args), console);
    } catch (UsageError e) {
      console.println("error: " + e.getMessage());
      code = 2;
    } catch (Throwable t) {
      t.printStackTrace();
      console.println("error: the driver failed: " + t);
      code = 1;
    }
    console.flush();
    exit(code);
  }

  private static int run(Options o, PrintStream console) throws Exception {
    ModuleFile module = ModuleFile.read(o.module);
    InputFile input = InputFile.readInput(o.input, module.ingressTopics());
    Expectation expectation =
        o.expected == null
            ? null
            : new Expectation(InputFile.readExpected(o.expected, module.ingressTopics()));
    Map<String, String> urls = new HashMap<>();
    for (String template : module.endpointTemplates()) {
      urls.put(
          template,
          o.url != null
              ? o.url
              : ModuleFile.onBase(template, o.serviceBase == null ? "http://127.0.0.1:PORT" : o.serviceBase));
    }
    if (o.check) {
      console.println(describe(o, module, input, expectation));
      return 0;
    }
    if (o.kafka == null) {
      throw new UsageError("missing --kafka (the broker's 127.0.0.1:PORT)");
    }
    Path out = o.out;
    Files.createDirectories(out);
    List<ModuleFile.Ingress> ingresses =
        module.writeRewritten(out.resolve("module.yaml"), o.kafka, urls::get);
    RuntimeLog runtime = RuntimeLog.install();

    Harness harness =
        new Harness()
            .withFlinkJobName("statefun-runtime")
            .withParallelism(1)
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
            .withConfiguration("state.checkpoints.dir", out.resolve("checkpoints").toUri().toString())
            .withConfiguration(
                "statefun.remote.module-name", out.resolve("module.yaml").toUri().toString());
    Path trigger = null;
    if (o.induceFailure) {
      trigger = FailureSource.trigger(out);
      Files.deleteIfExists(trigger);
      Files.deleteIfExists(out.resolve("failure-induced"));
      harness
          .withFlinkSourceFunction(FailureSource.INGRESS, new FailureSource(out))
          .withGlobalConfiguration(RunnerModule.INDUCE_FAILURE_KEY, "true");
    }

    console.println("input: " + InputFeed.describe(input));
    KafkaClients.createTopics(o.kafka, module.ingressTopics());
    List<AutoCloseable> close = new ArrayList<>();
    InputFeed feed = new InputFeed(o.kafka, input);
    close.add(feed);
    feed.writeFirst();
    EgressReader egress =
        new EgressReader(o.kafka, module.ingressTopics(), out.resolve("egress.jsonl"), console);
    close.add(egress);
    Progress progress = new Progress(o.kafka, ingresses, input);
    close.add(progress);

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
            "statefun-runtime-job");
    job.setDaemon(true);
    job.start();
    Completion completion = new Completion(expectation, feed, egress, progress, runtime, trigger);
    feed.start(() -> runtime.checkpoints() > 0, completion::restarting);
    console.println("job started; egress records as they are committed:");
    Completion.Verdict verdict;
    try {
      verdict = completion.await(started + o.timeoutS * 1_000_000_000L, () -> jobError);
    } catch (Exception e) {
      e.printStackTrace();
      List<String> lines = new ArrayList<>();
      lines.add("the driver failed: " + e);
      verdict = new Completion.Verdict(false, lines);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    EgressReader.Snapshot s = egress.snapshot();
    List<String> summary = new ArrayList<>();
    summary.add(
        String.format("statefun runtime: %s (job start to verdict %.1f s)",
            verdict.passed ? "PASS" : "FAIL", seconds));
    verdict.lines.forEach(l -> summary.add("  " + l));
    summary.add("  records in: " + InputFeed.describe(input) + "; written " + feed.written()
        + "; a completed checkpoint covers " + progress.consumed() + " of " + progress.total());
    summary.add("  egress records out: " + s.describe() + " (egress.jsonl)");
    long aborted = egress.uncommittedTotal() - s.total;
    if (aborted > 0) {
      summary.add(
          String.format(
              "  not committed: %d more records in the egress topics belong to aborted (or still"
                  + " open) transactions (a read_uncommitted consumer saw %d): output a restore"
                  + " rolled back, which read_committed consumers never see",
              aborted, egress.uncommittedTotal()));
    }
    String restarts = "  restarts: " + runtime.restarts();
    if (completion.failureNote() != null) {
      restarts += " (" + completion.failureNote() + ")";
    }
    if (runtime.lastFailure() != null) {
      restarts += "; last task failure: " + runtime.lastFailure();
    }
    summary.add(restarts);
    summary.add("  runtime: " + runtime.transportSummary());
    if (jobError != null && !verdict.passed) {
      summary.add("  job error: " + jobError);
      jobError.printStackTrace();
    }
    String text = String.join(System.lineSeparator(), summary) + System.lineSeparator();
    Files.write(out.resolve("summary.txt"), text.getBytes(StandardCharsets.UTF_8));
    console.print(text);
    console.flush();
    for (AutoCloseable c : close) {
      try {
        c.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }
    return verdict.passed ? 0 : 1;
  }

  private static String describe(
      Options o, ModuleFile module, InputFile input, Expectation expectation) {
    StringBuilder b = new StringBuilder();
    b.append(o.module.getFileName())
        .append(": ")
        .append(module.endpointTemplates().size())
        .append(" endpoint(s), Kafka ingress(es) ")
        .append(module.ingresses().stream().map(i -> i.id).collect(Collectors.joining(", ")))
        .append(" reading ")
        .append(String.join(", ", module.ingressTopics()))
        .append(", Kafka egress(es) ")
        .append(module.kafkaEgresses().isEmpty() ? "none" : String.join(", ", module.kafkaEgresses()))
        .append("; ")
        .append(o.input.getFileName())
        .append(": ")
        .append(InputFeed.describe(input));
    if (expectation != null) {
      b.append("; ").append(o.expected.getFileName()).append(": ").append(expectation.lines())
          .append(" lines");
    }
    return b.toString();
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
}
