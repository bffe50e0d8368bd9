package statefun.e2e;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The dead-letters scenario and its control, set up for {@link Main}: the Kafka exactly-once
 * scenario's workload with {@link Poison} records among it, fed through Kafka
 * (dead-letters-module.yaml.in).
 *
 * <ul>
 *   <li>{@code dead-letters}: the service runs with the dead-letter policy (run.sh starts it with
 *       E2E_DEAD_LETTERS=kafka); a Flink failure is induced after a checkpoint; {@link
 *       DeadLetterCheck} judges (exact counts, exactly the poison's dead letters, no other
 *       restart).
 *   <li>{@code dead-letters-control}: the service runs with the default policy, the endpoint's
 *       call timeout is 5 s, no failure is induced and the job restarts without limit; {@link
 *       RestartLoopCheck} judges (the job restarts again and again, at the poison's targets).
 * </ul>
 */
final class DeadLetterScenario {
  private DeadLetterScenario() {}

  /** Restarts of the control's loop the verdict waits for, and within how long. */
  static final int CONTROL_RESTARTS = 2;

  static final long CONTROL_BOUND_MS = 60_000;

  /** What Main runs: the verdict, and what starts the feed once the job is starting. */
  static final class Setup {
    final Check check;
    final Runnable afterStart;

    Setup(Check check, Runnable afterStart) {
      this.check = check;
      this.afterStart = afterStart;
    }
  }

  static Setup setup(
      Map<String, String> a,
      Path out,
      Map<String, String> yaml,
      RuntimeLog runtimeLog,
      List<AutoCloseable> closeLater,
      boolean control)
      throws Exception {
    String bootstrap = Main.require(a, "kafka");
    KafkaCommandFeed.Topics topics =
        new KafkaCommandFeed.Topics(a.getOrDefault("topic-prefix", control ? "dlc-" : "dl-"));
    yaml.put("KAFKA", bootstrap);
    yaml.put("COMMANDS", topics.commands);
    yaml.put("NOTES", topics.notes);
    yaml.put("CONTROL", topics.control);
    yaml.put("GROUP", topics.group);
    yaml.put("CALL", control ? "5s" : "60s");
    Workload w = Main.workload(a, topics.discards);
    List<Poison.Record> poison = Poison.records(w);
    String expectedFile = a.get("expected-dead-letters");
    if (!control && expectedFile != null) {
      String mismatch = ExpectedCounts.mismatch(Paths.get(expectedFile), Poison.lines(w, poison));
      if (mismatch != null) {
        throw new IllegalStateException("the poison is no longer the committed one: " + mismatch);
      }
    }
    boolean fail = !control && Boolean.parseBoolean(a.getOrDefault("induce-failure", "true"));
    closeLater.add(KafkaScenarios.commands(bootstrap, out, topics, true, !control));
    KafkaCommandFeed feed =
        new KafkaCommandFeed(
            bootstrap,
            topics,
            w,
            out,
            fail,
            Integer.parseInt(a.getOrDefault("rate", "0")),
            1000,
            null,
            poison);
    closeLater.add(feed);
    Check check =
        control
            ? new RestartLoopCheck(runtimeLog, poison, CONTROL_RESTARTS, CONTROL_BOUND_MS)
            : new DeadLetterCheck(
                out,
                new ExactlyOnceCheck(out, w, fail, true, Main.expectedCounts(a)),
                poison,
                runtimeLog);
    return new Setup(check, feed::start);
  }
}
