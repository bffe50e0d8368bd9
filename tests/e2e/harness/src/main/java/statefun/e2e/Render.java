package statefun.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.statefun.sdk.egress.generated.KafkaProducerRecord;
import org.apache.flink.statefun.sdk.egress.generated.KinesisEgressRecord;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;
import statefun.e2e.generated.Commands;
import statefun.e2e.generated.Greeting;
import statefun.e2e.generated.Reported;

/**
 * Renders an egress TypedValue as one deterministic line of text, decoding what the suite knows:
 * the io.statefun.types primitives (strictly: only field 1 with its exact wire type), Kafka and
 * Kinesis egress records, the suite's protobuf messages, and JSON (keys sorted, compact). Anything
 * else is shown as UTF-8 text or, failing that, hex.
 */
final class Render {
  private Render() {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  static String typedValue(TypedValue v) {
    String t = v.getTypename();
    if (!v.getHasValue()) {
      return t + " <no value>";
    }
    try {
      return t + " " + value(t, v.getValue());
    } catch (IOException | RuntimeException e) {
      return t + " <undecodable: " + e.getMessage() + "> hex:" + hex(v.getValue());
    }
  }

  private static String value(String typename, ByteString b) throws IOException {
    switch (typename) {
      case "io.statefun.types/int":
        return String.valueOf(wrapper(b, 0x0d) ? CodedInputStream.newInstance(body(b)).readSFixed32() : 0);
      case "io.statefun.types/long":
        return String.valueOf(wrapper(b, 0x09) ? CodedInputStream.newInstance(body(b)).readSFixed64() : 0L);
      case "io.statefun.types/float":
        return String.valueOf(wrapper(b, 0x0d) ? CodedInputStream.newInstance(body(b)).readFloat() : 0f);
      case "io.statefun.types/double":
        return String.valueOf(wrapper(b, 0x09) ? CodedInputStream.newInstance(body(b)).readDouble() : 0d);
      case "io.statefun.types/bool":
        return String.valueOf(wrapper(b, 0x08) && CodedInputStream.newInstance(body(b)).readBool());
      case "io.statefun.types/string":
        return wrapper(b, 0x0a) ? CodedInputStream.newInstance(body(b)).readString() : "";
      case Ids.PROTO + "io.statefun.sdk.egress.KafkaProducerRecord":
        {
          KafkaProducerRecord r = KafkaProducerRecord.parseFrom(b);
          return "topic=" + r.getTopic() + " key=" + r.getKey() + " value=" + text(r.getValueBytes());
        }
      case Ids.PROTO + "io.statefun.sdk.egress.KinesisEgressRecord":
        {
          KinesisEgressRecord r = KinesisEgressRecord.parseFrom(b);
          return "stream="
              + r.getStream()
              + " partition_key="
              + r.getPartitionKey()
              + " explicit_hash_key="
              + r.getExplicitHashKey()
              + " value="
              + text(r.getValueBytes());
        }
      case Ids.REPORTED:
        {
          Reported r = Reported.parseFrom(b);
          return "id=" + r.getId() + " expected=" + r.getExpected() + " actual=" + r.getActual()
              + " round=" + r.getRound();
        }
      case Ids.GREETING:
        return "{" + TextFormat.shortDebugString(Greeting.parseFrom(b)) + "}";
      case Ids.COMMANDS:
        return "{" + TextFormat.shortDebugString(Commands.parseFrom(b)) + "}";
      default:
        return text(b);
    }
  }

  /**
   * A primitive wrapper holds at most field 1 with the given tag, written once. Returns false for
   * the empty (default) encoding; throws on anything non-canonical.
   */
  private static boolean wrapper(ByteString b, int tag) throws IOException {
    if (b.isEmpty()) {
      return false;
    }
    CodedInputStream in = CodedInputStream.newInstance(b.toByteArray());
    if (in.readTag() != tag) {
      throw new InvalidProtocolBufferException("unexpected tag in primitive wrapper");
    }
    in.skipField(tag);
    if (!in.isAtEnd()) {
      throw new InvalidProtocolBufferException("trailing bytes in primitive wrapper");
    }
    return true;
  }

  /** The wrapper without its one-byte tag. */
  private static byte[] body(ByteString b) {
    return b.substring(1).toByteArray();
  }

  /** JSON is canonicalised (sorted keys, compact); other UTF-8 as is; otherwise hex. */
  static String text(ByteString b) {
    String s;
    try {
      s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      return "hex:" + hex(b);
    }
    String trimmed = s.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.writeValueAsString(JSON.readValue(trimmed, Object.class));
      } catch (IOException notJson) {
        // fall through: show the text
      }
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return "hex:" + hex(b);
      }
    }
    return s;
  }

  static String hex(ByteString b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b.toByteArray()) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }
}
