package statefun.e2e;

import com.google.protobuf.ByteString;
import java.util.Map;
import org.apache.flink.statefun.sdk.Address;
import org.apache.flink.statefun.sdk.FunctionType;
import org.apache.flink.statefun.sdk.io.Router;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;
import org.apache.flink.statefun.sdk.spi.StatefulFunctionModule;

/**
 * Routes every {@link Envelope} of the e2e ingress to the remote function it names. The remote
 * functions themselves come from module.yaml; the ingress and egress specs from the harness.
 * Loaded through META-INF/services.
 */
public final class E2eModule implements StatefulFunctionModule {

  @Override
  public void configure(Map<String, String> globalConfiguration, Binder binder) {
    binder.bindIngressRouter(Ids.INGRESS, new EnvelopeRouter());
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
