package statefun.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;

/**
 * Reads what the runtime logs in this JVM (log4j 1.x, as statefun-flink-distribution binds it):
 * the job's restarts (ExecutionGraph "switched from state RESTARTING to RUNNING") and the async
 * transport's failed attempts to reach the function service and its retries (NettyRequest
 * "Exception caught while trying to deliver a message" and "Retry #N"). In the Kafka scenarios,
 * where no source of ours sees the restore, each restart is written to OUT/restores.txt.
 */
final class RuntimeLog extends AppenderSkeleton {
  private final Path restores;
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();

  private RuntimeLog(Path restores) {
    this.restores = restores;
  }

  /**
   * Attaches to the root logger. {@code restoresFile} null: count only (the sources write the
   * restores file themselves).
   */
  static RuntimeLog install(Path restoresFile) {
    RuntimeLog log = new RuntimeLog(restoresFile);
    log.setName("e2e-runtime-log");
    Logger.getRootLogger().addAppender(log);
    return log;
  }

  long failedAttempts() {
    return failedAttempts.get();
  }

  long retries() {
    return retries.get();
  }

  long restarts() {
    return restarts.get();
  }

  String summary() {
    return String.format(
        "runtime (async transport): %d failed attempts to reach the function service, %d retries;"
            + " job restarts: %d",
        failedAttempts(), retries(), restarts());
  }

  @Override
  protected void append(LoggingEvent event) {
    String m = event.getRenderedMessage();
    if (m == null) {
      return;
    }
    if (m.startsWith("Exception caught while trying to deliver a message")) {
      failedAttempts.incrementAndGet();
    } else if (m.startsWith("Retry #")) {
      retries.incrementAndGet();
    } else if (m.contains("switched from state RESTARTING to RUNNING")) {
      long n = restarts.incrementAndGet();
      if (restores != null) {
        try {
          Files.write(
              restores,
              String.format("restored: the job runs again after restart %d%n", n)
                  .getBytes(StandardCharsets.UTF_8),
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  @Override
  public void close() {}

  @Override
  public boolean requiresLayout() {
    return false;
  }
}
