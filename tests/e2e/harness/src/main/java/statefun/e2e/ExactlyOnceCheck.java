package statefun.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 2: every e2e/cmd instance must report exactly the count that the workload implies.
 *
 * <p>The expected counts are recomputed here from the seed, independently of the source's
 * checkpointed tracker, and the tracker's value (carried in each report) must agree. A report above
 * the expected count is a duplication and fails at once (counters only grow, and reports are
 * sent after the last message). The run passes on the first report round in which every instance
 * reports its exact count, and fails as lost messages once {@link #STABLE_ROUNDS} complete rounds
 * in a row report the same wrong counts (nothing is in flight any more: delays are at most 250
 * ms, rounds are 1 s apart), or after {@link #ROUNDS} rounds. An induced failure and a restore
 * must have happened, and the discard egress must have received at least one record per Discard
 * command when it is an at-least-once sink (the harness's file egress), exactly one when it is the
 * exactly-once Kafka egress read with read_committed. The recomputed totals must also equal the
 * committed tests/e2e/expected/exactly-once.txt (for the default workload), which the local
 * runtime's test (tests/e2e_local) is held to as well.
 */
final class ExactlyOnceCheck implements Check {
  static final int ROUNDS = 30;
  static final int STABLE_ROUNDS = 5;
  private static final int MAX_LINES = 12;
  private static final Pattern REPORTED =
      Pattern.compile(
          "^e2e/verify \\S+ id=(\\S+) expected=(-?\\d+) actual=(-?\\d+) round=(\\d+)$");

  private final Path out;
  private final Workload workload;
  private final boolean induceFailure;
  private final boolean exactlyOnceSinks;
  private final Path expectedFile;

  ExactlyOnceCheck(
      Path out, Workload workload, boolean induceFailure, boolean exactlyOnceSinks, Path expectedFile) {
    this.out = out;
    this.workload = workload;
    this.induceFailure = induceFailure;
    this.exactlyOnceSinks = exactlyOnceSinks;
    this.expectedFile = expectedFile;
  }

  @Override
  public Verdict await(long startedNanos, long deadlineNanos, Supplier<Throwable> jobError)
      throws Exception {
    Workload.Totals totals = workload.totals();
    long[] expected = totals.expected;
    int n = workload.instances;
    if (expectedFile != null) {
      String mismatch = ExpectedCounts.mismatch(expectedFile, workload, totals);
      if (mismatch != null) {
        return Verdict.fail("the workload no longer gives the committed figures: " + mismatch);
      }
    }
    List<String> lastProblems = new ArrayList<>();
    while (System.nanoTime() < deadlineNanos) {
      if (jobError.get() != null) {
        return Verdict.fail("the job stopped", lastProblems);
      }
      // round -> actual count per instance (the latest line wins: the sink is at-least-once)
      TreeMap<Integer, long[]> rounds = new TreeMap<>();
      TreeMap<Integer, Integer> reportsPerRound = new TreeMap<>();
      List<String> verifyLines = Check.lines(EgressFile.file(out, "verify"));
      for (String line : verifyLines) {
        Matcher m = REPORTED.matcher(line);
        if (!m.matches()) {
          return Verdict.fail("unreadable report: " + line);
        }
        int i = Workload.index(m.group(1));
        long trackerExpected = Long.parseLong(m.group(2));
        long actual = Long.parseLong(m.group(3));
        int round = Integer.parseInt(m.group(4));
        if (trackerExpected != expected[i]) {
          return Verdict.fail(
              String.format(
                  "the source's checkpointed tracker says %s expects %d, the workload says %d",
                  m.group(1), trackerExpected, expected[i]));
        }
        if (actual > expected[i]) {
          return Verdict.fail(
              String.format(
                  "DUPLICATION: %s counted %d, expected %d (round %d)",
                  m.group(1), actual, expected[i], round));
        }
        long[] r = rounds.computeIfAbsent(round, k -> filled(n, -1));
        if (r[i] < 0) {
          reportsPerRound.merge(round, 1, Integer::sum);
        }
        r[i] = actual;
      }
      for (var e : rounds.entrySet()) {
        if (reportsPerRound.get(e.getKey()) == n && java.util.Arrays.equals(e.getValue(), expected)) {
          return finish(totals, e.getKey(), startedNanos);
        }
      }
      // complete rounds, newest first
      List<long[]> complete = new ArrayList<>();
      int newest = -1;
      for (var e : rounds.descendingMap().entrySet()) {
        if (reportsPerRound.get(e.getKey()) == n) {
          complete.add(e.getValue());
          newest = Math.max(newest, e.getKey());
        }
      }
      if (!complete.isEmpty()) {
        long[] latest = complete.get(0);
        lastProblems = new ArrayList<>();
        int wrong = 0;
        for (int i = 0; i < n; i++) {
          if (latest[i] < expected[i]) {
            if (++wrong <= MAX_LINES) {
              lastProblems.add(
                  String.format(
                      "LOSS: %s counted %d, expected %d (round %d)",
                      Workload.instanceId(i), latest[i], expected[i], newest));
            }
          }
        }
        if (wrong > MAX_LINES) {
          lastProblems.add(String.format("... %d instances below their count in all", wrong));
        }
        boolean stable = complete.size() >= STABLE_ROUNDS;
        for (int k = 1; stable && k < STABLE_ROUNDS; k++) {
          stable = java.util.Arrays.equals(complete.get(k), latest);
        }
        if (stable) {
          return Verdict.fail(
              "the counts stayed wrong for " + STABLE_ROUNDS + " report rounds", lastProblems);
        }
        if (newest >= ROUNDS) {
          return Verdict.fail(
              "no report round had every count right after " + ROUNDS + " rounds", lastProblems);
        }
      }
      Check.sleep(200);
    }
    return Verdict.fail("timed out", lastProblems);
  }

  private Verdict finish(Workload.Totals t, int round, long startedNanos) throws Exception {
    List<String> failures = Check.lines(CommandSource.failureMarker(out));
    List<String> restores = Check.lines(CommandSource.restoresLog(out));
    long discarded = Check.lines(EgressFile.file(out, "discard")).size();
    long reports = Check.lines(EgressFile.file(out, "verify")).size();
    long total = 0;
    for (long x : t.expected) {
      total += x;
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "instances: %d; ingress messages: %d; function messages: %d"
                + " (%d ingress + %d sends + %d delayed) + %d report requests",
            workload.instances, t.ingress, t.functionMessages(), t.ingress, t.sends, t.delayed,
            (long) round * workload.instances));
    lines.add(
        String.format(
            "increments: %d, all counted exactly once: every instance reported its exact count"
                + " in round %d",
            total, round));
    lines.add(
        String.format(
            "failures induced: %d; restores from a checkpoint: %d", failures.size(), restores.size()));
    for (String f : failures) {
      lines.add("  " + f);
    }
    for (String r : restores) {
      lines.add("  " + r);
    }
    lines.add(
        String.format(
            "discard egress: %d records for %d Discard commands (%s)",
            discarded,
            t.discards,
            exactlyOnceSinks
                ? "exactly-once Kafka egress, read_committed"
                : "at-least-once sink"));
    for (String note : Check.lines(KafkaCommandFeed.notes(out))) {
      lines.add(note);
    }
    lines.add(String.format("verify egress: %d report records", reports));
    if (induceFailure && (failures.size() != 1 || restores.isEmpty())) {
      return Verdict.fail("the induced failure or the restore did not happen", lines);
    }
    if (restores.size() != failures.size()) {
      return Verdict.fail("the job restarted without an induced failure (see the JVM log)", lines);
    }
    if (discarded < t.discards) {
      return Verdict.fail("LOSS on the discard egress", lines);
    }
    if (exactlyOnceSinks && discarded > t.discards) {
      return Verdict.fail("DUPLICATION on the exactly-once discard egress", lines);
    }
    return Verdict.pass(lines);
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
