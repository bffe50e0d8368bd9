package statefun.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expected egress as a multiset of records (the runtime orders records only per address, so
 * the order of lines does not count) and its comparison with what the egress topics hold.
 */
final class Expectation {
  private final Map<String, Integer> expected = new LinkedHashMap<>();
  private final Map<String, String> display = new HashMap<>();
  private final int lines;

  Expectation(List<RecordLine> records) {
    for (RecordLine r : records) {
      expected.merge(r.identity(), 1, Integer::sum);
      display.putIfAbsent(r.identity(), r.render());
    }
    lines = records.size();
  }

  int lines() {
    return lines;
  }

  /** What the egress holds against what was expected. */
  static final class Diff {
    final List<String> missing = new ArrayList<>();
    final List<String> unexpected = new ArrayList<>();

    boolean equal() {
      return missing.isEmpty() && unexpected.isEmpty();
    }

    /** Some record came more often than expected: no later record can make that right. */
    boolean excess() {
      return !unexpected.isEmpty();
    }

    List<String> describe() {
      List<String> out = new ArrayList<>();
      if (!missing.isEmpty()) {
        out.add("missing (expected, not or not as often in the egress):");
        missing.forEach(l -> out.add("  " + l));
      }
      if (!unexpected.isEmpty()) {
        out.add("unexpected (in the egress, not or not as often expected):");
        unexpected.forEach(l -> out.add("  " + l));
      }
      return out;
    }
  }

  /**
   * @param actual record identity to count
   * @param actualDisplay record identity to its line
   */
  Diff compare(Map<String, Integer> actual, Map<String, String> actualDisplay) {
    Diff d = new Diff();
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int got = actual.getOrDefault(e.getKey(), 0);
      if (got < e.getValue()) {
        d.missing.add(counted(display.get(e.getKey()), e.getValue(), got));
      }
    }
    for (Map.Entry<String, Integer> e : actual.entrySet()) {
      int want = expected.getOrDefault(e.getKey(), 0);
      if (e.getValue() > want) {
        d.unexpected.add(counted(actualDisplay.get(e.getKey()), want, e.getValue()));
      }
    }
    return d;
  }

  private static String counted(String line, int expected, int got) {
    return line + "   (expected " + expected + "x, got " + got + "x)";
  }
}
