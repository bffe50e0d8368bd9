package statefun.runtime;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;

/**
 * Reads what the runtime logs in this JVM (log4j 1.x, which statefun-flink-distribution binds
 * slf4j to): the job's restarts ("switched from state RESTARTING to RUNNING"), the checkpoints it
 * completes, the cause of the last task failure, and the async transport's failed attempts to reach
 * the function service and its retries.
 */
final class RuntimeLog extends AppenderSkeleton {
  /** Logs "Completed checkpoint N ..." at INFO; the log4j configuration keeps that out of the file. */
  private static final String CHECKPOINTS = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator";

  private final AtomicLong restarts = new AtomicLong();
  private final AtomicLong checkpoints = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private volatile long checkpointsAtRestart;
  private volatile long lastRestartNanos;
  private volatile String lastFailure;

  static RuntimeLog install() {
    RuntimeLog log = new RuntimeLog();
    log.setName("statefun-runtime-log");
    Logger.getRootLogger().addAppender(log);
    Logger checkpoints = Logger.getLogger(CHECKPOINTS);
    if (!checkpoints.getAdditivity()) {
      checkpoints.addAppender(log);
    }
    return log;
  }

  long restarts() {
    return restarts.get();
  }

  long checkpoints() {
    return checkpoints.get();
  }

  /** Checkpoints completed since the last restart (since the start before any). */
  long checkpointsSinceRestart() {
    return checkpoints.get() - checkpointsAtRestart;
  }

  long lastRestartNanos() {
    return lastRestartNanos;
  }

  /** The root cause of the last task failure, or null. */
  String lastFailure() {
    return lastFailure;
  }

  String transportSummary() {
    return String.format(
        "%d failed attempts to reach the function service, %d retries",
        failedAttempts.get(), retries.get());
  }

  @Override
  protected void append(LoggingEvent event) {
    String m = event.getRenderedMessage();
    if (m == null) {
      return;
    }
    if (m.startsWith("Completed checkpoint ")) {
      checkpoints.incrementAndGet();
    } else if (m.contains("switched from state RESTARTING to RUNNING")) {
      checkpointsAtRestart = checkpoints.get();
      lastRestartNanos = System.nanoTime();
      restarts.incrementAndGet();
    } else if (m.startsWith("Exception caught while trying to deliver a message")) {
      failedAttempts.incrementAndGet();
    } else if (m.startsWith("Retry #")) {
      retries.incrementAndGet();
    } else if (m.contains(" switched from RUNNING to FAILED")) {
      ThrowableInformation t = event.getThrowableInformation();
      if (t != null && t.getThrowable() != null) {
        Throwable root = t.getThrowable();
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        lastFailure = root.toString();
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
