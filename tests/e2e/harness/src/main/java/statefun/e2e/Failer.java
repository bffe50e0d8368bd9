package statefun.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.apache.flink.statefun.sdk.Context;
import org.apache.flink.statefun.sdk.FunctionType;
import org.apache.flink.statefun.sdk.StatefulFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault injector of the Kafka exactly-once scenario: an embedded (Java) function that the
 * module.yaml's Kafka ingress feeds from the control topic. The first record it sees makes it
 * throw, which fails the task, so Flink restarts the job from the last completed checkpoint
 * (sources, function state, pending delayed messages and the Kafka egress transactions rewind). A
 * marker file keeps it from throwing again when the restored job reads the record a second time.
 * The driver writes the record once a completed checkpoint covers a quarter of the input.
 */
final class Failer implements StatefulFunction {
  static final FunctionType TYPE = new FunctionType("e2e-fault", "failer");
  private static final Logger LOG = LoggerFactory.getLogger(Failer.class);

  private final String outDir;

  Failer(String outDir) {
    this.outDir = outDir;
  }

  @Override
  public void invoke(Context context, Object input) {
    Path marker = CommandSource.failureMarker(Paths.get(outDir));
    if (Files.exists(marker)) {
      LOG.info("e2e failer: the control record again (read again after the restore); no failure");
      return;
    }
    try {
      Files.write(
          marker,
          "induced failure: the control record reached e2e-fault/failer, which threw\n"
              .getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.info("e2e failer: throwing (the induced failure)");
    throw new RuntimeException("e2e: induced failure (this is expected once per run)");
  }
}
