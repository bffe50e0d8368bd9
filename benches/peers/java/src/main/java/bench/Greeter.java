package bench;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.statefun.sdk.java.Context;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctionSpec;
import org.apache.flink.statefun.sdk.java.StatefulFunctions;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.ValueSpec;
import org.apache.flink.statefun.sdk.java.handler.RequestReplyHandler;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.slice.Slice;
import org.apache.flink.statefun.sdk.java.slice.Slices;

/**
 * The load test's greeter with the official Java SDK behind Undertow, served the way the SDK
 * docs show. Same function as ours: read the argument as a string, seen = seen + 1. Serves
 * 127.0.0.1:$PORT (any path; the runner posts to /statefun).
 */
public final class Greeter implements StatefulFunction {
  static final TypeName TYPE = TypeName.typeNameFromString("demo/greeter");
  static final ValueSpec<Integer> SEEN = ValueSpec.named("seen").withIntType();

  @Override
  public CompletableFuture<Void> apply(Context context, Message message) {
    message.asUtf8String();
    var storage = context.storage();
    storage.set(SEEN, storage.get(SEEN).orElse(0) + 1);
    return context.done();
  }

  public static void main(String... args) {
    StatefulFunctions functions = new StatefulFunctions();
    functions.withStatefulFunction(
        StatefulFunctionSpec.builder(TYPE).withValueSpec(SEEN).withSupplier(Greeter::new).build());
    RequestReplyHandler handler = functions.requestReplyHandler();
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8005"));
    Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setHandler(new Handler(handler))
        .build()
        .start();
  }

  private static final class Handler implements HttpHandler {
    private final RequestReplyHandler handler;

    Handler(RequestReplyHandler handler) {
      this.handler = handler;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
      exchange.getRequestReceiver().receiveFullBytes(this::onRequestBody);
    }

    private void onRequestBody(HttpServerExchange exchange, byte[] body) {
      exchange.dispatch();
      handler
          .handle(Slices.wrap(body))
          .whenComplete((answer, error) -> onComplete(exchange, answer, error));
    }

    private void onComplete(HttpServerExchange exchange, Slice answer, Throwable error) {
      if (error != null) {
        error.printStackTrace(System.err);
        exchange.setStatusCode(500);
        exchange.endExchange();
        return;
      }
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
      exchange.getResponseSender().send(answer.asReadOnlyByteBuffer());
    }
  }
}
