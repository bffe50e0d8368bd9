package statefun.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kafka record as a JSON line, the format of input.jsonl, expected.jsonl and egress.jsonl:
 * {@code {"topic": T, "key": K, "value": JSON}}, or {@code "text": "..."} (the UTF-8 bytes of the
 * string) or {@code "base64": "..."} instead of {@code "value"}. As a record's bytes, a {@code
 * value} is the compact JSON text of that value. A record read from Kafka is written as {@code
 * value} when its bytes are UTF-8 JSON, else as {@code text} when they are UTF-8, else as {@code
 * base64}; a record without a key gets {@code "key": null} (and {@code "key_base64"} stands for a
 * key that is not UTF-8). Two lines are the same record when topic, key and the value so classified
 * are equal, JSON values compared as JSON (object keys in any order, 1.0 equal to 1).
 */
final class RecordLine {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> FIELDS =
      Set.of("topic", "key", "key_base64", "value", "text", "base64");

  final String topic;
  /** The key as written, or null when the record has none. */
  final byte[] key;

  final byte[] value;
  /** The value as JSON, or null when its bytes are no UTF-8 JSON text. */
  private final JsonNode json;

  private RecordLine(String topic, byte[] key, byte[] value, JsonNode json) {
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.json = json;
  }

  /** A record read from Kafka. */
  static RecordLine ofRecord(String topic, byte[] key, byte[] value) {
    byte[] v = value == null ? new byte[0] : value;
    return new RecordLine(topic, key, v, parseJson(v));
  }

  /**
   * The record of a line object ({@code where} names the line in messages).
   *
   * @param keyRequired reject a line without a key (input lines: the Kafka ingress needs one)
   */
  static RecordLine parse(ObjectNode line, boolean keyRequired, String where) throws UsageError {
    for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
      String f = names.next();
      if (!FIELDS.contains(f)) {
        throw new UsageError(
            where + ": unknown field \"" + f + "\" (a record line has topic, key and one of"
                + " value, text, base64)");
      }
    }
    JsonNode topic = line.get("topic");
    if (topic == null || !topic.isTextual() || topic.asText().isEmpty()) {
      throw new UsageError(where + ": \"topic\" must be a topic name");
    }
    byte[] key = null;
    JsonNode k = line.get("key");
    JsonNode kb = line.get("key_base64");
    if (k != null && !k.isNull()) {
      if (!k.isTextual()) {
        throw new UsageError(where + ": \"key\" must be a string (the target function's id)");
      }
      key = k.asText().getBytes(StandardCharsets.UTF_8);
    } else if (kb != null && !kb.isNull()) {
      key = base64(kb, where, "key_base64");
    }
    if (key == null && keyRequired) {
      throw new UsageError(
          where
              + ": the record has no key; StateFun's Kafka ingress fails the job on a record"
              + " without one (the key is the id of the function it goes to): add \"key\": \"...\"");
    }
    int forms = (line.has("value") ? 1 : 0) + (line.has("text") ? 1 : 0) + (line.has("base64") ? 1 : 0);
    if (forms != 1) {
      throw new UsageError(
          where + ": give exactly one of \"value\" (JSON), \"text\" (a string) and \"base64\"");
    }
    if (line.has("value")) {
      JsonNode v = line.get("value");
      try {
        return new RecordLine(topic.asText(), key, JSON.writeValueAsBytes(v), v);
      } catch (JsonProcessingException e) {
        throw new UsageError(where + ": " + e.getMessage());
      }
    }
    byte[] bytes;
    if (line.has("text")) {
      JsonNode t = line.get("text");
      if (!t.isTextual()) {
        throw new UsageError(where + ": \"text\" must be a string");
      }
      bytes = t.asText().getBytes(StandardCharsets.UTF_8);
    } else {
      bytes = base64(line.get("base64"), where, "base64");
    }
    return ofRecord(topic.asText(), key, bytes);
  }

  /** The line as written to egress.jsonl: topic, key, then value, text or base64. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("topic", topic);
    String k = key == null ? null : utf8(key);
    if (key == null || k != null) {
      o.put("key", k);
    } else {
      o.put("key_base64", Base64.getEncoder().encodeToString(key));
    }
    String text;
    if (json != null) {
      o.set("value", json);
    } else if ((text = utf8(value)) != null) {
      o.put("text", text);
    } else {
      o.put("base64", Base64.getEncoder().encodeToString(value));
    }
    return o;
  }

  String render() {
    try {
      return JSON.writeValueAsString(toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The identity of the record for comparisons: equal for records that are the same. */
  String identity() {
    StringBuilder b = new StringBuilder();
    b.append(topic).append('\u0000');
    b.append(key == null ? "-" : "k" + Base64.getEncoder().encodeToString(key)).append('\u0000');
    if (json != null) {
      canonical(json, b.append('j'));
    } else {
      b.append('b').append(Base64.getEncoder().encodeToString(value));
    }
    return b.toString();
  }

  /** JSON text with object keys sorted and numbers in one form, so equal JSON is equal text. */
  private static void canonical(JsonNode n, StringBuilder b) {
    if (n.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      n.fields().forEachRemaining(fields::add);
      fields.sort(Map.Entry.comparingByKey());
      b.append('{');
      for (Map.Entry<String, JsonNode> f : fields) {
        b.append(JsonNodeFactory.instance.textNode(f.getKey())).append(':');
        canonical(f.getValue(), b);
        b.append(',');
      }
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      for (JsonNode e : n) {
        canonical(e, b);
        b.append(',');
      }
      b.append(']');
    } else if (n.isNumber()) {
      b.append(n.decimalValue().stripTrailingZeros().toString());
    } else {
      b.append(n.toString());
    }
  }

  private static JsonNode parseJson(byte[] bytes) {
    if (utf8(bytes) == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      return n == null || n.isMissingNode() ? null : n;
    } catch (IOException e) {
      return null;
    }
  }

  /** The bytes as a string if they are valid UTF-8, else null. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static byte[] base64(JsonNode n, String where, String field) throws UsageError {
    if (n == null || !n.isTextual()) {
      throw new UsageError(where + ": \"" + field + "\" must be a base64 string");
    }
    try {
      return Base64.getDecoder().decode(n.asText());
    } catch (IllegalArgumentException e) {
      throw new UsageError(where + ": \"" + field + "\" is not valid base64: " + e.getMessage());
    }
  }
}
