package statefun.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The dead-letters scenario's control: the same input with the default policy
 * ({@code DeadLetters::fail()}) must put the job into a restart loop. Passes once the job has
 * restarted {@code restarts} times (RuntimeLog) within {@code boundMs} of the start, every failure
 * at the address of a {@link Poison} record (StateFun's "Failure forwarding a message to a remote
 * function Address(e2e, cmd, nXXX)": the runtime gave up retrying a batch the service answered
 * 500) and never elsewhere; Main then stops the run. Fails if the loop does not show within the
 * bound, or a failure names another address.
 */
final class RestartLoopCheck implements Check {
  private final RuntimeLog runtimeLog;
  private final Set<String> poisonTargets = new TreeSet<>();
  private final int restarts;
  private final long boundMs;

  RestartLoopCheck(RuntimeLog runtimeLog, List<Poison.Record> poison, int restarts, long boundMs) {
    this.runtimeLog = runtimeLog;
    for (Poison.Record p : poison) {
      poisonTargets.add(String.format("Address(e2e, cmd, %s)", Workload.instanceId(p.target)));
    }
    this.restarts = restarts;
    this.boundMs = boundMs;
  }

  @Override
  public Verdict await(long startedNanos, long deadlineNanos, Supplier<Throwable> jobError) {
    long until = Math.min(deadlineNanos, startedNanos + boundMs * 1_000_000L);
    while (System.nanoTime() < until && jobError.get() == null) {
      if (runtimeLog.restarts() >= restarts) {
        break;
      }
      Check.sleep(100);
    }
    List<String> lines = new ArrayList<>();
    Set<String> failed = new TreeSet<>(runtimeLog.failedAddresses());
    Set<String> elsewhere = new TreeSet<>(failed);
    elsewhere.removeAll(poisonTargets);
    List<String> at = new ArrayList<>();
    for (double s : runtimeLog.restartSeconds()) {
      at.add(String.format("%.1f s", s));
    }
    lines.add(
        String.format(
            "restart loop: %d restarts (running again at %s after the JVM's start), within %d s;"
                + " the batches that failed the job: %s, all poison targets: %s",
            runtimeLog.restarts(),
            at,
            boundMs / 1000,
            failed,
            elsewhere.isEmpty() && !failed.isEmpty()));
    if (runtimeLog.restarts() < restarts) {
      return Verdict.fail(
          String.format(
              "no restart loop: %d restarts, expected at least %d within %d s",
              runtimeLog.restarts(), restarts, boundMs / 1000),
          lines);
    }
    if (failed.isEmpty() || !elsewhere.isEmpty()) {
      return Verdict.fail(
          "the job failed at an address without poison, or no failure named one", lines);
    }
    lines.add(
        "control: the default policy makes the job fail and restart; the run is stopped here");
    return Verdict.pass(lines);
  }
}
