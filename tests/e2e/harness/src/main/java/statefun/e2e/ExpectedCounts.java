package statefun.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed figures of the default exactly-once workload (tests/e2e/expected/exactly-once.txt):
 * totals and the count every instance must end with. The Java verifier recomputes them from the
 * seed and checks them against the file; the Rust test tests/e2e_local runs the same workload
 * through the local runtime and checks its counts against the same file. So both runtimes are held
 * to one set of numbers.
 */
final class ExpectedCounts {
  private ExpectedCounts() {}

  /** The file's content lines (comments aside) for workload {@code w}. */
  static List<String> lines(Workload w, Workload.Totals t) {
    List<String> l = new ArrayList<>();
    l.add("seed " + w.seed);
    l.add("instances " + w.instances);
    l.add("messages " + w.messages);
    l.add("sends " + t.sends);
    l.add("delayed " + t.delayed);
    l.add("increments " + t.increments);
    l.add("discards " + t.discards);
    for (int i = 0; i < w.instances; i++) {
      l.add(Workload.instanceId(i) + " " + t.expected[i]);
    }
    return l;
  }

  /**
   * Null when the file matches, or was written for another workload (other seed or size); else
   * what differs.
   */
  static String mismatch(Path file, Workload w, Workload.Totals t) throws IOException {
    return mismatch(file, lines(w, t));
  }

  /**
   * Null when the file's content lines (comments aside) are {@code computed}, or when the file was
   * written for another workload (its first three lines, seed, instances and messages, differ);
   * else the first line that differs. Also for tests/e2e/expected/dead-letters.txt.
   */
  static String mismatch(Path file, List<String> computed) throws IOException {
    List<String> inFile = new ArrayList<>();
    for (String line : Check.lines(file)) {
      if (!line.startsWith("#")) {
        inFile.add(line.trim());
      }
    }
    if (inFile.size() < 3 || !inFile.subList(0, 3).equals(computed.subList(0, 3))) {
      return null;
    }
    for (int i = 0; i < Math.max(inFile.size(), computed.size()); i++) {
      String a = i < inFile.size() ? inFile.get(i) : "<nothing>";
      String b = i < computed.size() ? computed.get(i) : "<nothing>";
      if (!a.equals(b)) {
        return String.format("%s says `%s`, the workload gives `%s`", file, a, b);
      }
    }
    return null;
  }
}
