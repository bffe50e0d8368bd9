package statefun.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Scenario 1: the egress records, rendered one per line (see {@link Render}), must equal the
 * expected file as a multiset (the runtime orders records only per emitting address), and stay
 * equal for a grace period (so a late extra record, e.g. a cancelled delayed message that fires
 * anyway, or a duplicate after an unexpected restart, is caught). The job must not restart.
 */
final class FeaturesCheck implements Check {
  private static final long GRACE_MS = 1500;

  /**
   * A wrong set of records that has not changed for this long is final: the last record of the
   * scenario (the delayed "check") is due 3.5 s after the start.
   */
  private static final long SETTLED_MS = 8000;

  private final Path out;
  private final Path expectedFile;

  FeaturesCheck(Path out, Path expectedFile) {
    this.out = out;
    this.expectedFile = expectedFile;
  }

  @Override
  public Verdict await(long startedNanos, long deadlineNanos, Supplier<Throwable> jobError)
      throws Exception {
    List<String> expected = new ArrayList<>();
    for (String l : Check.lines(expectedFile)) {
      if (!l.startsWith("#")) {
        expected.add(l);
      }
    }
    Collections.sort(expected);
    long matchedSince = 0;
    long changedAt = System.nanoTime();
    List<String> actual = List.of();
    while (System.nanoTime() < deadlineNanos) {
      if (jobError.get() != null) {
        return diff("the job stopped", expected, actual);
      }
      List<String> restores = Check.lines(CommandSource.restoresLog(out));
      if (!restores.isEmpty()) {
        return diff("the job restarted (a task failed; see the JVM log)", expected, actual);
      }
      List<String> previous = actual;
      actual = actual();
      if (!actual.equals(previous)) {
        changedAt = System.nanoTime();
      }
      if (actual.equals(expected)) {
        long now = System.nanoTime();
        if (matchedSince == 0) {
          matchedSince = now;
        } else if (now - matchedSince >= GRACE_MS * 1_000_000L) {
          List<String> lines = new ArrayList<>();
          lines.add(
              String.format(
                  "ingress messages: %d; egress records: %d, all as expected",
                  FeaturesSource.script().size(), actual.size()));
          lines.add("failures: 0 induced, 0 restarts");
          return Verdict.pass(lines);
        }
      } else {
        matchedSince = 0;
        if (actual.size() > expected.size()) {
          return diff("more egress records than expected", expected, actual);
        }
        if (!actual.isEmpty() && System.nanoTime() - changedAt > SETTLED_MS * 1_000_000L) {
          return diff(
              "the egress records differ from the expected ones and have not changed for "
                  + SETTLED_MS / 1000
                  + " s",
              expected,
              actual);
        }
      }
      Check.sleep(100);
    }
    return diff("timed out waiting for the expected egress records", expected, actual);
  }

  private List<String> actual() throws Exception {
    List<String> all = new ArrayList<>();
    for (String egress : Ids.EGRESSES) {
      all.addAll(Check.lines(EgressFile.file(out, egress)));
    }
    Collections.sort(all);
    return all;
  }

  private static Verdict diff(String reason, List<String> expected, List<String> actual) {
    List<String> missing = new ArrayList<>(expected);
    List<String> unexpected = new ArrayList<>();
    for (String a : actual) {
      if (!missing.remove(a)) {
        unexpected.add(a);
      }
    }
    List<String> details = new ArrayList<>();
    for (String m : missing) {
      details.add("missing:    " + m);
    }
    for (String u : unexpected) {
      details.add("unexpected: " + u);
    }
    return Verdict.fail(reason, details);
  }
}
