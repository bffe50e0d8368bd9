package statefun.e2e;

import java.util.List;
import org.apache.flink.statefun.sdk.io.EgressIdentifier;
import org.apache.flink.statefun.sdk.io.IngressIdentifier;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;

/** Names shared by the driver, the module and the verifier. */
final class Ids {
  private Ids() {}

  /** Namespace of every function, ingress and egress of the suite. */
  static final String NS = "e2e";

  /** The one ingress: both scenarios' sources emit {@link Envelope}s into it. */
  static final IngressIdentifier<Envelope> INGRESS =
      new IngressIdentifier<>(Envelope.class, NS, "source");

  /** Egresses a function may address as "e2e/NAME"; each is written to OUT_DIR/egress-NAME.txt. */
  static final List<String> EGRESSES = List.of("out", "kafka", "kinesis", "discard", "verify");

  static EgressIdentifier<TypedValue> egress(String name) {
    return new EgressIdentifier<>(NS, name, TypedValue.class);
  }

  /** Typename prefix of protobuf messages, as the official SDKs use it. */
  static final String PROTO = "type.googleapis.com/";

  static final String COMMANDS = PROTO + "e2e.commands.Commands";
  static final String REPORTED = PROTO + "e2e.commands.Reported";
  static final String GREETING = PROTO + "e2e.commands.Greeting";
}
