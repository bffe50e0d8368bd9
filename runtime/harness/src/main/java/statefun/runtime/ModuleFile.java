package statefun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * The user's module.yaml: its documents read the way the runtime reads them (Flink's shaded
 * Jackson YAML, one value per {@code ---} document), checked for what this runner supports, and
 * rewritten for the local run: every endpoint's {@code urlPathTemplate} points at the local
 * service, every Kafka {@code address} at the local broker, and every Kafka ingress starts from the
 * earliest offset (the driver writes the input before the job's consumer starts). An ingress
 * without a consumer group gets one, as the driver follows the group's committed offsets.
 * Everything else is passed on unchanged.
 */
final class ModuleFile {
  static final String ENDPOINT_V1 = "io.statefun.endpoints.v1/http";
  static final String ENDPOINT_V2 = "io.statefun.endpoints.v2/http";
  static final String KAFKA_INGRESS = "io.statefun.kafka.v1/ingress";
  static final String KAFKA_EGRESS = "io.statefun.kafka.v1/egress";

  /** A Kafka ingress of the module: the consumer group it commits its offsets under, its topics. */
  static final class Ingress {
    final String id;
    final String group;
    final List<String> topics;

    Ingress(String id, String group, List<String> topics) {
      this.id = id;
      this.group = group;
      this.topics = topics;
    }
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.SPLIT_LINES));

  private final String name;
  private final List<ObjectNode> documents = new ArrayList<>();
  private final List<Integer> positions = new ArrayList<>();
  private final List<Ingress> ingresses = new ArrayList<>();
  private final List<String> kafkaEgresses = new ArrayList<>();
  private final List<String> endpointTemplates = new ArrayList<>();

  private ModuleFile(String name) {
    this.name = name;
  }

  List<Ingress> ingresses() {
    return Collections.unmodifiableList(ingresses);
  }

  List<String> kafkaEgresses() {
    return Collections.unmodifiableList(kafkaEgresses);
  }

  /** The urlPathTemplate of every endpoint, in order. */
  List<String> endpointTemplates() {
    return Collections.unmodifiableList(endpointTemplates);
  }

  /** Every topic some Kafka ingress of the module reads. */
  Set<String> ingressTopics() {
    Set<String> topics = new LinkedHashSet<>();
    for (Ingress i : ingresses) {
      topics.addAll(i.topics);
    }
    return topics;
  }

  static ModuleFile read(Path file) throws UsageError {
    ModuleFile m = new ModuleFile(file.getFileName().toString());
    List<JsonNode> all;
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      all = YAML.readValues(parser, JsonNode.class).readAll();
    } catch (IOException e) {
      throw new UsageError(m.name + " is not valid YAML: " + e.getMessage());
    }
    for (int i = 0; i < all.size(); i++) {
      JsonNode doc = all.get(i);
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue; // an empty document, which the runtime skips too
      }
      m.check(i + 1, doc);
    }
    if (m.endpointTemplates.isEmpty()) {
      throw new UsageError(
          m.name + " declares no function endpoint (kind " + ENDPOINT_V2 + " or " + ENDPOINT_V1 + ")");
    }
    if (m.ingresses.isEmpty()) {
      throw new UsageError(
          m.name
              + " declares no Kafka ingress (kind "
              + KAFKA_INGRESS
              + "): on this runner input reaches the functions only through the module's Kafka"
              + " ingresses");
    }
    return m;
  }

  private void check(int position, JsonNode doc) throws UsageError {
    String where = name + " document " + position;
    if (!doc.isObject()) {
      throw new UsageError(where + " is not a mapping with kind and spec");
    }
    if (doc.has("version") && doc.has("module")) {
      throw new UsageError(
          where
              + " is in the legacy format (version: \"3.0\", module: ...), which this runner does"
              + " not rewrite: write the module as kind/spec documents");
    }
    JsonNode kindNode = doc.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw new UsageError(where + " has no kind");
    }
    String kind = kindNode.asText();
    JsonNode spec = doc.get("spec");
    if (spec == null || !spec.isObject()) {
      throw new UsageError(where + " (kind " + kind + ") has no spec mapping");
    }
    String described = where + " (kind " + kind + idOf(spec) + ")";
    if (kind.startsWith("io.statefun.kinesis.")) {
      throw new UsageError(
          described
              + ": Kinesis ingresses and egresses are not supported by this runner, which starts a"
              + " Kafka broker only; remove the document to run the module here");
    }
    ObjectNode s = (ObjectNode) spec;
    switch (kind) {
      case ENDPOINT_V1:
      case ENDPOINT_V2:
        endpointTemplates.add(requireText(s, "urlPathTemplate", described));
        break;
      case KAFKA_INGRESS:
        ingresses.add(ingress(s, described));
        break;
      case KAFKA_EGRESS:
        kafkaEgresses.add(requireText(s, "id", described) + " (" + semantic(s) + ")");
        break;
      default:
        break; // passed to the runtime as it is
    }
    documents.add((ObjectNode) doc);
    positions.add(position);
  }

  private static Ingress ingress(ObjectNode spec, String described) throws UsageError {
    String id = requireText(spec, "id", described);
    JsonNode topicsNode = spec.get("topics");
    if (topicsNode == null || !topicsNode.isArray() || topicsNode.size() == 0) {
      throw new UsageError(described + ": spec.topics must list the ingress's topics");
    }
    List<String> topics = new ArrayList<>();
    for (JsonNode t : topicsNode) {
      JsonNode topic = t.get("topic");
      if (topic == null || !topic.isTextual()) {
        throw new UsageError(described + ": every entry of spec.topics needs a topic");
      }
      topics.add(topic.asText());
    }
    String group = spec.hasNonNull("consumerGroupId") ? spec.get("consumerGroupId").asText() : null;
    if (group == null) {
      group = groupIdProperty(spec.get("properties"));
    }
    return new Ingress(id, group, topics);
  }

  /** group.id in the ingress's properties (a list of one-entry mappings), or null. */
  private static String groupIdProperty(JsonNode properties) {
    if (properties == null || !properties.isArray()) {
      return null;
    }
    for (JsonNode p : properties) {
      if (p.isObject() && p.hasNonNull("group.id")) {
        return p.get("group.id").asText();
      }
    }
    return null;
  }

  /**
   * Writes the rewritten module to {@code file}.
   *
   * @param endpointUrl maps an endpoint's urlPathTemplate to the one of this run
   * @return the ingresses as the runtime will see them (a consumer group filled in where none was)
   */
  List<Ingress> writeRewritten(Path file, String bootstrap, UnaryOperator<String> endpointUrl)
      throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("# Written by statefun runtime/run.sh from ")
        .append(name)
        .append(": urlPathTemplate, Kafka addresses and startup positions rewritten for the local")
        .append(" run\n");
    List<Ingress> result = new ArrayList<>();
    int ingress = 0;
    for (int i = 0; i < documents.size(); i++) {
      ObjectNode doc = documents.get(i).deepCopy();
      ObjectNode spec = (ObjectNode) doc.get("spec");
      switch (doc.get("kind").asText()) {
        case ENDPOINT_V1:
        case ENDPOINT_V2:
          spec.put("urlPathTemplate", endpointUrl.apply(spec.get("urlPathTemplate").asText()));
          break;
        case KAFKA_INGRESS:
          {
            Ingress in = ingresses.get(ingress++);
            spec.put("address", bootstrap);
            spec.putObject("startupPosition").put("type", "earliest");
            String group = in.group;
            if (group == null) {
              group = "statefun-runtime-" + in.id.replaceAll("[^A-Za-z0-9._-]", "-");
              spec.put("consumerGroupId", group);
            }
            result.add(new Ingress(in.id, group, in.topics));
            break;
          }
        case KAFKA_EGRESS:
          spec.put("address", bootstrap);
          break;
        default:
          break;
      }
      text.append("# document ").append(positions.get(i)).append(" of ").append(name).append('\n');
      text.append(YAML.writeValueAsString(doc));
    }
    Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    return result;
  }

  /**
   * The URL of an endpoint served on {@code base} (http://127.0.0.1:PORT): the base followed by
   * the template's path, {function.name} placeholders kept.
   */
  static String onBase(String template, String base) throws UsageError {
    int scheme = template.indexOf("://");
    if (scheme < 0) {
      throw new UsageError("urlPathTemplate " + template + " has no scheme (http://...)");
    }
    if (template.startsWith("http+unix")) {
      throw new UsageError(
          "urlPathTemplate "
              + template
              + " is a Unix domain socket; run.sh --service serves on a TCP port: give an http://"
              + " template, or start the service yourself and pass --url");
    }
    int path = template.indexOf('/', scheme + 3);
    return base + (path < 0 ? "" : template.substring(path));
  }

  /** The egress's delivery semantic; at-least-once when none is given, as in the runtime. */
  private static String semantic(ObjectNode spec) {
    JsonNode t = spec.at("/deliverySemantic/type");
    return t.isTextual() ? t.asText() : "at-least-once";
  }

  private static String idOf(JsonNode spec) {
    JsonNode id = spec.get("id");
    if (id != null && id.isTextual()) {
      return ", id " + id.asText();
    }
    JsonNode functions = spec.get("functions");
    return functions != null && functions.isTextual() ? ", functions " + functions.asText() : "";
  }

  private static String requireText(ObjectNode spec, String field, String described)
      throws UsageError {
    JsonNode v = spec.get(field);
    if (v == null || !v.isTextual()) {
      throw new UsageError(described + ": spec." + field + " is missing");
    }
    return v.asText();
  }
}
