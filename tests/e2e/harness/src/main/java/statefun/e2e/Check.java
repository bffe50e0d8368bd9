package statefun.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** Waits for a scenario's outcome by reading what the egresses wrote. */
interface Check {

  /**
   * Polls until the scenario passed or failed or {@code deadlineNanos} passed; fails at once when
   * the job died ({@code jobError} non-null).
   */
  Verdict await(long startedNanos, long deadlineNanos, Supplier<Throwable> jobError)
      throws Exception;

  final class Verdict {
    final boolean passed;
    final List<String> lines;

    private Verdict(boolean passed, List<String> lines) {
      this.passed = passed;
      this.lines = lines;
    }

    static Verdict pass(List<String> lines) {
      return new Verdict(true, lines);
    }

    static Verdict fail(String reason, List<String> details) {
      List<String> l = new ArrayList<>();
      l.add(reason);
      l.addAll(details);
      return new Verdict(false, l);
    }

    static Verdict fail(String reason) {
      return fail(reason, Collections.emptyList());
    }
  }

  static List<String> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String l : all) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }
}
