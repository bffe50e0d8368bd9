package statefun.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichSourceFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import statefun.e2e.generated.Commands;

/**
 * Scenario 2 (exactly-once under failure): sends {@link Workload} messages to the e2e/cmd
 * instances and keeps, in checkpointed operator state, how many it has sent and what every
 * instance's counter must be once they have all been processed.
 *
 * <p>Once half of the messages are out, a checkpoint holding at least a quarter of them has
 * completed and {@link #REPLAYED} more have gone out since, it throws, once per run (a marker file
 * in the output directory remembers that it did), so that Flink restarts the job from that
 * checkpoint: the source rewinds, the functions' state and pending delayed messages rewind, and
 * the messages sent after the checkpoint are sent again.
 *
 * <p>After the last message it asks every instance to report its counter, in rounds, until the
 * job is cancelled: a round's reports are complete once every delayed message has fired.
 * Non-parallel.
 */
final class CommandSource extends RichSourceFunction<Envelope>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CommandSource.class);

  /** Messages sent after the last completed checkpoint when the failure is induced (at least). */
  static final int REPLAYED = 200;

  private final Workload workload;
  private final String outDir;
  private final boolean induceFailure;
  private final long reportIntervalMs;

  /** [sent, round, expected[0], ..., expected[instances - 1]]. */
  private transient ListState<long[]> progressState;

  private transient long[] expected;
  private transient int sent;
  private transient int round;
  private transient TreeMap<Long, Integer> sentAtCheckpoint;
  private transient volatile int sentInCompletedCheckpoint;
  private transient volatile boolean running;

  CommandSource(Workload workload, Path outDir, boolean induceFailure, long reportIntervalMs) {
    this.workload = workload;
    this.outDir = outDir.toString();
    this.induceFailure = induceFailure;
    this.reportIntervalMs = reportIntervalMs;
  }

  static Path failureMarker(Path outDir) {
    return outDir.resolve("failure-induced.txt");
  }

  static Path restoresLog(Path outDir) {
    return outDir.resolve("restores.txt");
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    progressState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("progress", long[].class));
    expected = new long[workload.instances];
    sent = 0;
    round = 0;
    sentAtCheckpoint = new TreeMap<>();
    sentInCompletedCheckpoint = -1;
    Iterator<long[]> it = progressState.get().iterator();
    if (it.hasNext()) {
      long[] p = it.next();
      sent = (int) p[0];
      round = (int) p[1];
      System.arraycopy(p, 2, expected, 0, workload.instances);
    }
    if (context.isRestored()) {
      String line =
          String.format(
              "restored: %d of %d messages sent, report round %d%n",
              sent, workload.messages, round);
      LOG.info("e2e source {}", line.trim());
      append(restoresLog(Paths.get(outDir)), line);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    long[] p = new long[workload.instances + 2];
    p[0] = sent;
    p[1] = round;
    System.arraycopy(expected, 0, p, 2, workload.instances);
    progressState.update(List.of(p));
    synchronized (sentAtCheckpoint) {
      sentAtCheckpoint.put(context.getCheckpointId(), sent);
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    synchronized (sentAtCheckpoint) {
      Integer s = sentAtCheckpoint.get(checkpointId);
      if (s != null) {
        sentInCompletedCheckpoint = Math.max(sentInCompletedCheckpoint, s);
      }
      sentAtCheckpoint.headMap(checkpointId, true).clear();
    }
  }

  @Override
  public void run(SourceContext<Envelope> ctx) throws Exception {
    running = true;
    final Path out = Paths.get(outDir);
    final int failAt = workload.messages / 2;
    while (running && sent < workload.messages) {
      if (induceFailure && sent >= failAt && timeToFail(out, failAt)) {
        fail(out);
      }
      Workload.Message m = workload.message(sent);
      synchronized (ctx.getCheckpointLock()) {
        Workload.apply(expected, m.target, m.commands, null);
        ctx.collect(cmd(m.target, m.commands));
        sent++;
      }
    }
    // Ran out of messages before a suitable checkpoint: fail after the next one instead.
    while (running && induceFailure && !Files.exists(failureMarker(out))) {
      if (sentInCompletedCheckpoint >= failAt / 2) {
        fail(out);
      }
      Thread.sleep(20);
    }
    LOG.info("e2e source: all {} messages sent, reporting", workload.messages);
    while (running) {
      synchronized (ctx.getCheckpointLock()) {
        round++;
        for (int i = 0; i < workload.instances; i++) {
          ctx.collect(cmd(i, Workload.report(expected[i], round, "")));
        }
      }
      Thread.sleep(reportIntervalMs);
    }
  }

  /**
   * Fail once a completed checkpoint holds at least a quarter of the messages and at least
   * {@link #REPLAYED} messages went out after it (they are sent again after the restore).
   */
  private boolean timeToFail(Path out, int failAt) {
    int checkpointed = sentInCompletedCheckpoint;
    return checkpointed >= failAt / 2
        && sent - checkpointed >= REPLAYED
        && !Files.exists(failureMarker(out));
  }

  private void fail(Path out) throws IOException {
    String why =
        String.format(
            "induced failure: %d messages sent, %d of them in the last completed"
                + " checkpoint%n",
            sent, sentInCompletedCheckpoint);
    append(failureMarker(out), why);
    LOG.info("e2e source {}", why.trim());
    throw new RuntimeException("e2e: induced failure (this is expected once per run)");
  }

  private static Envelope cmd(int target, Commands commands) {
    return Envelope.to(
        "e2e/cmd", Workload.instanceId(target), Ids.COMMANDS, commands.toByteArray());
  }

  private static void append(Path file, String line) throws IOException {
    Files.write(
        file,
        line.getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Override
  public void cancel() {
    running = false;
  }
}
