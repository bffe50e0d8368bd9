package statefun.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The dead-letters scenario's verdict, with the dead-letter policy: the good workload's counts
 * exactly as in the exactly-once scenario ({@link ExactlyOnceCheck}: every instance its exact
 * count, one discard record per Discard command, the induced failure and its restore and no other
 * restart), and the dead-letter topic, read read_committed, holding exactly the {@link Poison}
 * records' dead letters: each once, with its target, typename, value, reason and caller, a
 * non-empty error, and the target address as its key. It waits for the dead letters until they
 * are all there and stay so for {@link #STABLE_MS} (a late duplicate is caught), at most {@link
 * #WAIT_MS} after the counts passed, and checks the job's restarts once more at the end.
 */
final class DeadLetterCheck implements Check {
  static final long STABLE_MS = 2000;
  static final long WAIT_MS = 30_000;
  private static final int MAX_LINES = 12;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REASON = Pattern.compile(" reason=(\\S+)");

  private final Path out;
  private final ExactlyOnceCheck counts;
  private final List<Poison.Record> poison;
  private final RuntimeLog runtimeLog;

  DeadLetterCheck(
      Path out, ExactlyOnceCheck counts, List<Poison.Record> poison, RuntimeLog runtimeLog) {
    this.out = out;
    this.counts = counts;
    this.poison = poison;
    this.runtimeLog = runtimeLog;
  }

  /** The egress file the dead-letter topic's records are rendered to. */
  static Path file(Path out) {
    return EgressFile.file(out, "dead-letters");
  }

  /** A dead letter as one line; {@link #record} renders a record of the topic the same way. */
  static String line(String target, String typename, String reason, String caller, byte[] value) {
    return String.format(
        "target=%s typename=%s reason=%s caller=%s value=%s",
        target, typename, reason, caller, Base64.getEncoder().encodeToString(value));
  }

  /** Separates a rendered record from its error text, which the comparison leaves out. */
  static final String ERROR = "\terror: ";

  /**
   * A record of the dead-letter topic: its JSON decoded (time_ms ignored), with what is wrong
   * about it appended (a key other than the target address, no value, an empty error), then
   * {@link #ERROR} and its error text.
   */
  static String record(ConsumerRecord<byte[], byte[]> r) {
    try {
      JsonNode j = JSON.readTree(r.value());
      String target = address(j.get("target"));
      JsonNode from = j.get("caller");
      String caller = from == null || from.isNull() ? "-" : address(from);
      String l =
          line(
              target,
              j.get("typename").asText(),
              j.get("reason").asText(),
              caller,
              Base64.getDecoder().decode(j.get("value").asText()));
      String key = r.key() == null ? "<none>" : new String(r.key(), StandardCharsets.UTF_8);
      if (!key.equals(target)) {
        l += " WRONG-KEY=" + key;
      }
      if (!j.path("has_value").asBoolean(false)) {
        l += " NO-VALUE";
      }
      String error = j.path("error").asText("");
      if (error.isEmpty()) {
        l += " EMPTY-ERROR";
      }
      return l + ERROR + error.replace('\n', ' ');
    } catch (Exception e) {
      return "UNREADABLE " + Base64.getEncoder().encodeToString(r.value()) + " (" + e + ")";
    }
  }

  private static String address(JsonNode a) {
    return a.get("namespace").asText() + "/" + a.get("type").asText() + "/" + a.get("id").asText();
  }

  @Override
  public Verdict await(long startedNanos, long deadlineNanos, Supplier<Throwable> jobError)
      throws Exception {
    // A batch that failed the job (the runtime gave up on a 500) is a restart loop in the
    // making: say so at once instead of waiting for the restart strategy to give up.
    Supplier<Throwable> stopped =
        () ->
            jobError.get() != null
                ? jobError.get()
                : runtimeLog.failedAddresses().isEmpty()
                    ? null
                    : new IllegalStateException("a batch failed the job");
    Verdict good = counts.await(startedNanos, deadlineNanos, stopped);
    if (!good.passed) {
      if (!runtimeLog.failedAddresses().isEmpty()) {
        return Verdict.fail(
            "batches at "
                + runtimeLog.failedAddresses()
                + " failed the job (the runtime gave up retrying them): no dead letters, a"
                + " restart loop",
            good.lines);
      }
      return good;
    }
    List<String> lines = new ArrayList<>(good.lines);
    TreeMap<String, Integer> expected = new TreeMap<>();
    for (Poison.Record p : poison) {
      expected.merge(p.letter(), 1, Integer::sum);
    }
    long countsPassed = System.nanoTime();
    long until = Math.min(deadlineNanos, countsPassed + WAIT_MS * 1_000_000L);
    long equalSince = -1;
    List<String> problems = new ArrayList<>();
    Map<String, String> errors = new TreeMap<>();
    while (true) {
      TreeMap<String, Integer> actual = new TreeMap<>();
      errors.clear();
      for (String l : Check.lines(file(out))) {
        int at = l.indexOf(ERROR);
        actual.merge(at < 0 ? l : l.substring(0, at), 1, Integer::sum);
        Matcher m = REASON.matcher(l);
        if (at >= 0 && m.find()) {
          errors.putIfAbsent(m.group(1), l.substring(at + ERROR.length()));
        }
      }
      problems = differences(expected, actual);
      long now = System.nanoTime();
      if (problems.isEmpty()) {
        if (equalSince < 0) {
          equalSince = now;
        }
        if (now - equalSince >= STABLE_MS * 1_000_000L) {
          break;
        }
      } else {
        equalSince = -1;
        // more dead letters than poison, or one twice: no later record can undo that
        if (actual.values().stream().mapToInt(Integer::intValue).sum() > poison.size()) {
          return Verdict.fail(
              "the dead-letter topic holds more than the poison's dead letters", problems);
        }
      }
      if (now > until || jobError.get() != null) {
        lines.addAll(0, problems);
        return Verdict.fail(
            "the dead-letter topic does not hold exactly the poison's dead letters", lines);
      }
      Check.sleep(200);
    }
    int[] byKind = new int[Poison.Kind.values().length];
    for (Poison.Record p : poison) {
      byKind[p.kind.ordinal()]++;
    }
    lines.add(
        String.format(
            "dead letters: %d on the topic, read_committed, exactly the %d poison records' (%d"
                + " UNDECODABLE, %d UNACCEPTED_TYPE, %d REJECTED, %d REJECTED sent by e2e/cmd),"
                + " each once, target, typename, value, reason and caller as expected; complete"
                + " %.1f s after the counts",
            poison.size(),
            poison.size(),
            byKind[0],
            byKind[1],
            byKind[2],
            byKind[3],
            (equalSince - countsPassed) / 1e9));
    errors.forEach((reason, error) -> lines.add("  error of a " + reason + ": " + error));
    if (runtimeLog.restarts() != 1 || !runtimeLog.failedAddresses().isEmpty()) {
      return Verdict.fail(
          String.format(
              "the job restarted %d times (the induced failure is 1), failures at %s",
              runtimeLog.restarts(), runtimeLog.failedAddresses()),
          lines);
    }
    return Verdict.pass(lines);
  }

  private static List<String> differences(
      TreeMap<String, Integer> expected, TreeMap<String, Integer> actual) {
    List<String> p = new ArrayList<>();
    int n = 0;
    for (var e : expected.entrySet()) {
      int got = actual.getOrDefault(e.getKey(), 0);
      if (got != e.getValue() && n++ < MAX_LINES) {
        p.add(
            String.format(
                "%s %dx, expected %dx: %s",
                got < e.getValue() ? "MISSING" : "DUPLICATED", got, e.getValue(), e.getKey()));
      }
    }
    for (var e : actual.entrySet()) {
      if (!expected.containsKey(e.getKey()) && n++ < MAX_LINES) {
        p.add(String.format("UNEXPECTED %dx: %s", e.getValue(), e.getKey()));
      }
    }
    if (n > MAX_LINES) {
      p.add(String.format("... %d differences in all", n));
    }
    return p;
  }
}
