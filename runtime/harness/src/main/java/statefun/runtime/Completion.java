package statefun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * When the run is over, and how it went. With an expectation: passed once the egress equals it (a
 * multiset) and has stayed equal for 1.5 s; failed at once when a record came more often than
 * expected (records never leave a topic, so that cannot become right), or with the difference when
 * the time is up. Without one: over once the job has consumed all input and no egress record
 * arrived for 3 s. Either way only after all input was written and, with {@code
 * --induce-failure}, after the restart. Meanwhile it requests the induced failure once a completed
 * checkpoint covers at least half of the input.
 */
final class Completion {
  static final long STABLE_NANOS = 1_500_000_000L;
  static final long QUIET_NANOS = 3_000_000_000L;

  /** The outcome and the lines that explain it. */
  static final class Verdict {
    final boolean passed;
    final List<String> lines;

    Verdict(boolean passed, List<String> lines) {
      this.passed = passed;
      this.lines = lines;
    }
  }

  private final Expectation expectation;
  private final InputFeed feed;
  private final EgressReader egress;
  private final Progress progress;
  private final RuntimeLog runtime;
  private final Path failureTrigger;
  private volatile String failureNote;

  /**
   * @param expectation null without --expected
   * @param failureTrigger the file that makes the {@link FailureSource} throw, null without
   *     --induce-failure
   */
  Completion(
      Expectation expectation,
      InputFeed feed,
      EgressReader egress,
      Progress progress,
      RuntimeLog runtime,
      Path failureTrigger) {
    this.expectation = expectation;
    this.feed = feed;
    this.egress = egress;
    this.progress = progress;
    this.runtime = runtime;
    this.failureTrigger = failureTrigger;
  }

  /**
   * From the failure request until the restarted job has completed a checkpoint: the input feed
   * holds its records meanwhile, so that only the records after the restored checkpoint come in a
   * burst, not also those of the restart's pause.
   */
  boolean restarting() {
    return failureNote != null && (runtime.restarts() == 0 || runtime.checkpointsSinceRestart() == 0);
  }

  /** How the failure was requested, or null. */
  String failureNote() {
    return failureNote;
  }

  Verdict await(long deadlineNanos, Supplier<Throwable> jobError) throws Exception {
    long equalSince = 0;
    while (true) {
      long now = System.nanoTime();
      Throwable broken = jobError.get();
      if (broken == null) {
        broken = feed.error() != null ? feed.error() : egress.error();
      }
      if (broken != null) {
        return fail("the job failed: " + broken);
      }
      maybeRequestFailure();
      boolean restarted = failureTrigger == null || runtime.restarts() > 0;
      boolean ready = feed.done() && restarted;
      long settledSince = Math.max(feed.doneNanos(), runtime.lastRestartNanos());
      EgressReader.Snapshot s = egress.snapshot();
      if (expectation != null) {
        Expectation.Diff d = expectation.compare(s.counts, s.display);
        if (d.excess()) {
          List<String> lines = new ArrayList<>();
          lines.add("the egress has records more often than expected (they cannot go away):");
          lines.addAll(d.describe());
          return new Verdict(false, lines);
        }
        equalSince = d.equal() ? (equalSince == 0 ? now : equalSince) : 0;
        if (ready && equalSince != 0 && now - Math.max(equalSince, settledSince) >= STABLE_NANOS) {
          return pass(
              String.format(
                  "the egress equals the %d expected lines (as a multiset) and stayed so for 1.5 s",
                  expectation.lines()));
        }
        if (now > deadlineNanos) {
          List<String> lines = new ArrayList<>(timeoutLines(restarted));
          lines.addAll(d.describe());
          return new Verdict(false, lines);
        }
      } else {
        long quietSince = Math.max(Math.max(s.lastArrivalNanos, progress.caughtUpNanos()), settledSince);
        if (ready && progress.caughtUp() && now - quietSince >= QUIET_NANOS) {
          return pass("the job consumed all input and no egress record came for 3 s");
        }
        if (now > deadlineNanos) {
          return new Verdict(false, timeoutLines(restarted));
        }
      }
      Thread.sleep(100);
    }
  }

  private List<String> timeoutLines(boolean restarted) {
    List<String> lines = new ArrayList<>();
    lines.add("timed out (--timeout-s)");
    if (!feed.done()) {
      lines.add("the input was not all written yet (" + feed.written() + " records so far)");
    }
    lines.add(
        String.format(
            "a completed checkpoint covers %d of %d input records",
            progress.consumed(), progress.total()));
    if (!restarted) {
      lines.add(
          failureNote == null
              ? "--induce-failure: no failure was induced (a completed checkpoint must cover half"
                  + " of the input first)"
              : "--induce-failure: the failure was requested but the job did not restart");
    }
    return lines;
  }

  private void maybeRequestFailure() throws IOException {
    if (failureTrigger == null || failureNote != null) {
      return;
    }
    long consumed = progress.consumed();
    long total = progress.total();
    boolean half = total == 0 ? runtime.checkpoints() > 0 : 2 * consumed >= total;
    if (!half) {
      return;
    }
    failureNote =
        String.format(
            "the failure was induced when a completed checkpoint covered %d of %d input records",
            consumed, total);
    Files.write(failureTrigger, (failureNote + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static Verdict pass(String line) {
    List<String> lines = new ArrayList<>();
    lines.add(line);
    return new Verdict(true, lines);
  }

  private static Verdict fail(String line) {
    List<String> lines = new ArrayList<>();
    lines.add(line);
    return new Verdict(false, lines);
  }
}
