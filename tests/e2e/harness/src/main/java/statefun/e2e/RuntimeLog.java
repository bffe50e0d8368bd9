package statefun.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;

/**
 * Reads what the runtime logs in this JVM (log4j 1.x, as statefun-flink-distribution binds it):
 * the job's restarts (ExecutionGraph "switched from state RESTARTING to RUNNING") and the async
 * transport's failed attempts to reach the function service and its retries (NettyRequest
 * "Exception caught while trying to deliver a message" and "Retry #N"), and the addresses whose
 * batch failed the job (RequestReplyFunction's "Failure forwarding a message to a remote function
 * Address(ns, type, id)", found in the exceptions logged). In the Kafka scenarios, where no source
 * of ours sees the restore, each restart is written to OUT/restores.txt.
 */
final class RuntimeLog extends AppenderSkeleton {
  private final Path restores;
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private final long installedNanos = System.nanoTime();
  private final List<Double> restartSeconds = new CopyOnWriteArrayList<>();
  private final Set<String> failedAddresses = new ConcurrentSkipListSet<>();
  private static final Pattern FORWARDING =
      Pattern.compile("Failure forwarding a message to a remote function (Address\\([^)]*\\))");

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

  /** When each restart happened, in seconds since the log was installed (the JVM's start). */
  List<Double> restartSeconds() {
    return restartSeconds;
  }

  /** The addresses whose batch failed the job, as StateFun prints them: Address(ns, type, id). */
  Set<String> failedAddresses() {
    return failedAddresses;
  }

  String summary() {
    return String.format(
        "runtime (async transport): %d failed attempts to reach the function service, %d retries;"
            + " job restarts: %d",
        failedAttempts(), retries(), restarts());
  }

  @Override
  protected void append(LoggingEvent event) {
    ThrowableInformation thrown = event.getThrowableInformation();
    for (Throwable t = thrown == null ? null : thrown.getThrowable(); t != null; t = t.getCause()) {
      Matcher f = t.getMessage() == null ? null : FORWARDING.matcher(t.getMessage());
      if (f != null && f.find()) {
        failedAddresses.add(f.group(1));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String m = event.getRenderedMessage();
    if (m == null) {
      return;
    }
    if (m.startsWith("Exception caught while trying to deliver a message")) {
      failedAttempts.incrementAndGet();
    } else if (m.startsWith("Retry #")) {
      retries.incrementAndGet();
    } else if (m.contains("switched from state RESTARTING to RUNNING")) {
      restartSeconds.add((System.nanoTime() - installedNanos) / 1e9);
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
