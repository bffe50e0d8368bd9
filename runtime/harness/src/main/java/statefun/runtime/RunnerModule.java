package statefun.runtime;

import java.util.Map;
import org.apache.flink.statefun.sdk.spi.StatefulFunctionModule;

/**
 * The driver's own part of the job, next to the user's module.yaml (loaded through
 * META-INF/services): with {@code --induce-failure} it routes the {@link FailureSource}'s ingress,
 * which emits nothing, so that the runtime accepts the extra source. Otherwise it binds nothing.
 */
public final class RunnerModule implements StatefulFunctionModule {
  static final String INDUCE_FAILURE_KEY = "statefun.runtime.induce-failure";

  @Override
  public void configure(Map<String, String> globalConfiguration, Binder binder) {
    if ("true".equals(globalConfiguration.get(INDUCE_FAILURE_KEY))) {
      binder.bindIngressRouter(FailureSource.INGRESS, (message, downstream) -> {});
    }
  }
}
