package statefun.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.apache.flink.statefun.flink.harness.io.SerializableConsumer;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;

/**
 * A consuming egress that appends one rendered line per record to OUT_DIR/egress-NAME.txt. Like
 * any non-transactional sink it is at-least-once: after a restart from a checkpoint, records
 * emitted after that checkpoint are written again.
 */
final class EgressFile implements SerializableConsumer<TypedValue> {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String egress;

  EgressFile(Path outDir, String egress) {
    this.path = file(outDir, egress).toString();
    this.egress = "e2e/" + egress;
  }

  static Path file(Path outDir, String egress) {
    return outDir.resolve("egress-" + egress + ".txt");
  }

  @Override
  public void accept(TypedValue value) {
    String line = egress + " " + Render.typedValue(value) + "\n";
    synchronized (EgressFile.class) {
      try {
        Files.write(
            Paths.get(path),
            line.getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
