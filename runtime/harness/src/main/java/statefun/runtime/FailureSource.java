package statefun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.statefun.sdk.io.IngressIdentifier;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * The induced failure of {@code --induce-failure}: a source of the job (an extra ingress that emits
 * nothing, bound by the driver next to the module's own) that throws once the driver has written
 * the trigger file. The task fails, so Flink restarts the whole job from its last completed
 * checkpoint: the Kafka ingresses' offsets, the functions' state and the exactly-once egress's
 * transactions rewind. A marker file keeps the restored source from throwing again.
 */
final class FailureSource implements SourceFunction<String> {
  private static final long serialVersionUID = 1L;

  static final IngressIdentifier<String> INGRESS =
      new IngressIdentifier<>(String.class, "statefun-runtime", "induced-failure");

  private final String trigger;
  private final String marker;
  private volatile boolean running = true;

  FailureSource(Path out) {
    this.trigger = trigger(out).toString();
    this.marker = out.resolve("failure-induced").toString();
  }

  /** The file the driver writes to request the failure. */
  static Path trigger(Path out) {
    return out.resolve("failure-requested");
  }

  @Override
  public void run(SourceContext<String> ctx) throws Exception {
    while (running) {
      if (Files.exists(Paths.get(trigger)) && !Files.exists(Paths.get(marker))) {
        write(marker, "the induced failure: the driver's failure source threw\n");
        throw new RuntimeException(
            "statefun runtime: induced failure (--induce-failure; this happens once per run)");
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void cancel() {
    running = false;
  }

  private static void write(String file, String text) throws IOException {
    Files.write(Paths.get(file), text.getBytes(StandardCharsets.UTF_8));
  }
}
