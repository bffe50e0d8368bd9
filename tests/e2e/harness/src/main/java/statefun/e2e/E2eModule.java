package statefun.e2e;

import com.google.protobuf.ByteString;
import java.util.Map;
import org.apache.flink.statefun.sdk.Address;
import org.apache.flink.statefun.sdk.FunctionType;
import org.apache.flink.statefun.sdk.io.Router;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;
import org.apache.flink.statefun.sdk.spi.StatefulFunctionModule;

/**
 * The Java part of the job, next to module.yaml (loaded through META-INF/services). In the harness
 * scenarios it routes every {@link Envelope} of the e2e ingress to the remote function it names; in
 * the Kafka scenarios (global configuration {@code e2e.ingress=kafka}) the module.yaml's Kafka
 * ingress routes by itself, and this module only binds the fault injector {@link Failer}.
 */
public final class E2eModule implements StatefulFunctionModule {
  static final String INGRESS_KEY = "e2e.ingress";
  static final String OUT_KEY = "e2e.out";

  @Override
  public void configure(Map<String, String> globalConfiguration, Binder binder) {
    if ("kafka".equals(globalConfiguration.get(INGRESS_KEY))) {
      String out = globalConfiguration.get(OUT_KEY);
      binder.bindFunctionProvider(Failer.TYPE, type -> new Failer(out));
    } else {
      binder.bindIngressRouter(Ids.INGRESS, new EnvelopeRouter());
    }
  }

  /**
   * Remote functions take a TypedValue, while {@code Downstream} is typed by the ingress record
   * (Envelope); the runtime carries any payload object, so the raw forward is safe.
   */
  static final class EnvelopeRouter implements Router<Envelope> {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void route(Envelope e, Downstream<Envelope> downstream) {
      TypedValue value =
          TypedValue.newBuilder()
              .setTypename(e.typename)
              .setHasValue(true)
              .setValue(ByteString.copyFrom(e.value))
              .build();
      ((Downstream) downstream).forward(new Address(new FunctionType(e.namespace, e.type), e.id), value);
    }
  }
}
