package statefun.e2e;

import com.google.protobuf.StringValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichSourceFunction;

/**
 * Scenario 1 (features): emits {@link #script()} once, then idles until the job is cancelled. A
 * checkpointed flag keeps a restarted job from emitting the script twice. Non-parallel.
 */
final class FeaturesSource extends RichSourceFunction<Envelope> implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final String outDir;

  private transient ListState<Boolean> emittedState;
  private transient boolean emitted;
  private transient volatile boolean running;

  FeaturesSource(Path outDir) {
    this.outDir = outDir.toString();
  }

  /** The ingress messages of scenario 1, in emission order. See tests/e2e/README.md. */
  static List<Envelope> script() {
    return List.of(
        json("e2e/greeter", "alice", "e2e/Greet", "{\"name\":\"Alice\"}"),
        json("e2e/greeter", "bob", "e2e/Greet", "{\"name\":\"Bob\"}"),
        json("e2e/greeter", "alice", "e2e/Greet", "{\"name\":\"Alice\"}"),
        string("e2e/keeper", "k1", "put"),
        string("e2e/keeper", "k1", "cancel"),
        string("e2e/keeper", "k1", "delete"));
  }

  private static Envelope json(String fn, String id, String typename, String json) {
    return Envelope.to(fn, id, typename, json.getBytes(StandardCharsets.UTF_8));
  }

  private static Envelope string(String fn, String id, String s) {
    return Envelope.to(fn, id, "io.statefun.types/string", StringValue.of(s).toByteArray());
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    emittedState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("emitted", Boolean.class));
    emitted = emittedState.get().iterator().hasNext();
    if (context.isRestored()) {
      Files.write(
          CommandSource.restoresLog(Paths.get(outDir)),
          String.format("restored: script emitted=%s%n", emitted)
              .getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    emittedState.update(emitted ? List.of(true) : Collections.emptyList());
  }

  @Override
  public void run(SourceContext<Envelope> ctx) throws Exception {
    running = true;
    synchronized (ctx.getCheckpointLock()) {
      if (!emitted) {
        for (Envelope e : script()) {
          ctx.collect(e);
        }
        emitted = true;
      }
    }
    while (running) {
      Thread.sleep(100);
    }
  }

  @Override
  public void cancel() {
    running = false;
  }
}
