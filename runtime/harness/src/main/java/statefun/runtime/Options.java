package statefun.runtime;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The driver's command line (run.sh builds it from its own options):
 *
 * <pre>
 *   --module FILE --input FILE [--expected FILE]
 *   (--service-base http://127.0.0.1:PORT | --url URL)
 *   [--kafka 127.0.0.1:PORT] [--out DIR] [--induce-failure] [--timeout-s N] [--check]
 * </pre>
 *
 * {@code --check} validates module.yaml, the input and the expected lines and exits: 0, or 2 with
 * the first mistake.
 */
final class Options {
  private static final Set<String> FLAGS = Set.of("induce-failure", "check");
  private static final Set<String> VALUED =
      Set.of(
          "module", "input", "expected", "service-base", "url", "kafka", "out", "timeout-s");

  final Path module;
  final Path input;
  final Path expected;
  final String serviceBase;
  final String url;
  final String kafka;
  final Path out;
  final boolean induceFailure;
  final boolean check;
  final long timeoutS;

  private Options(Map<String, String> a) throws UsageError {
    module = path(require(a, "module"));
    input = path(require(a, "input"));
    expected = a.containsKey("expected") ? path(a.get("expected")) : null;
    serviceBase = a.get("service-base");
    url = a.get("url");
    kafka = a.get("kafka");
    out = a.containsKey("out") ? path(a.get("out")) : null;
    induceFailure = a.containsKey("induce-failure");
    check = a.containsKey("check");
    try {
      timeoutS = Long.parseLong(a.getOrDefault("timeout-s", "120"));
    } catch (NumberFormatException e) {
      throw new UsageError("--timeout-s takes a number of seconds, not " + a.get("timeout-s"));
    }
    if (timeoutS <= 0) {
      throw new UsageError("--timeout-s must be positive");
    }
    if (!check) {
      if ((serviceBase == null) == (url == null)) {
        throw new UsageError("give exactly one of --service-base and --url");
      }
      if (out == null) {
        throw new UsageError("missing --out");
      }
    }
  }

  static Options parse(String[] args) throws UsageError {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.startsWith("--") ? arg.substring(2) : null;
      if (name != null && FLAGS.contains(name)) {
        a.put(name, "true");
      } else if (name != null && VALUED.contains(name)) {
        if (i + 1 >= args.length) {
          throw new UsageError(arg + " needs a value");
        }
        a.put(name, args[++i]);
      } else {
        throw new UsageError("unknown argument " + arg);
      }
    }
    return new Options(a);
  }

  private static String require(Map<String, String> a, String key) throws UsageError {
    String v = a.get(key);
    if (v == null) {
      throw new UsageError("missing --" + key);
    }
    return v;
  }

  private static Path path(String p) {
    return Paths.get(p).toAbsolutePath().normalize();
  }
}
