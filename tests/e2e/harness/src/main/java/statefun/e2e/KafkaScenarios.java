package statefun.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.statefun.sdk.egress.generated.KafkaProducerRecord;
import org.apache.flink.statefun.sdk.reqreply.generated.TypedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import statefun.e2e.generated.Reported;

/**
 * The topics of the Kafka scenarios, their input, and how their output records become the lines
 * the verifiers read (the same lines as the harness scenarios' file egresses, so that one expected
 * file serves both).
 */
final class KafkaScenarios {
  private KafkaScenarios() {}

  /** Kafka features: the topic each function's ingress records go to (module.yaml routes them). */
  static final Map<String, String> FEATURE_TOPICS = Map.of("greeter", "greet", "keeper", "keeper");

  /** The topic the e2e/greeter function writes its Kafka egress records to. */
  static final String GREETINGS = "greetings";

  /**
   * Creates the features topics, writes scenario 1's six ingress messages to them (key: the
   * function id, value: the message bytes; the ingress's valueType gives the typename), and tails
   * the greetings topic into OUT/egress-kafka.txt.
   */
  static KafkaIo.Tail features(String bootstrap, Path out) throws Exception {
    KafkaIo.createTopics(bootstrap, Map.of("greet", 1, "keeper", 1, GREETINGS, 1));
    try (KafkaProducer<byte[], byte[]> producer = KafkaIo.producer(bootstrap)) {
      for (Envelope e : FeaturesSource.script()) {
        String topic = FEATURE_TOPICS.get(e.type);
        producer.send(new ProducerRecord<>(topic, KafkaIo.utf8(e.id), e.value)).get();
      }
    }
    return new KafkaIo.Tail(
        bootstrap, out, Map.of(GREETINGS, Map.entry("kafka", KafkaScenarios::kafkaLine)));
  }

  /** The topic of the dead-letters scenario's dead letters (the service's policy names it). */
  static final String DEAD_LETTERS = "dead-letters";

  /**
   * Creates the exactly-once topics (the commands topic with 4 partitions) and tails the reports
   * and discards topics into OUT/egress-verify.txt and OUT/egress-discard.txt. With {@code
   * notes}, also the notes topic (the dead-letters scenario and its control); with {@code
   * deadLetters}, also the dead-letter topic (unless it exists), tailed into
   * OUT/egress-dead-letters.txt.
   */
  static KafkaIo.Tail commands(
      String bootstrap, Path out, KafkaCommandFeed.Topics t, boolean notes, boolean deadLetters)
      throws Exception {
    Map<String, Integer> topics =
        new HashMap<>(Map.of(t.commands, 4, t.control, 1, t.reports, 1, t.discards, 1));
    Map<String, Map.Entry<String, Function<ConsumerRecord<byte[], byte[]>, String>>> tails =
        new HashMap<>();
    tails.put(t.reports, Map.entry("verify", KafkaScenarios::reportLine));
    tails.put(t.discards, Map.entry("discard", KafkaScenarios::discardLine));
    if (notes) {
      topics.put(t.notes, 2);
    }
    if (deadLetters) {
      if (!KafkaIo.topicExists(bootstrap, DEAD_LETTERS)) {
        topics.put(DEAD_LETTERS, 2);
      }
      tails.put(DEAD_LETTERS, Map.entry("dead-letters", DeadLetterCheck::record));
    }
    KafkaIo.createTopics(bootstrap, topics);
    return new KafkaIo.Tail(bootstrap, out, tails);
  }

  /** A Kafka record as the harness renders a KafkaProducerRecord sent to e2e/kafka. */
  static String kafkaLine(ConsumerRecord<byte[], byte[]> r) {
    KafkaProducerRecord record =
        KafkaProducerRecord.newBuilder()
            .setTopic(r.topic())
            .setKey(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8))
            .setValueBytes(ByteString.copyFrom(r.value()))
            .build();
    return "e2e/kafka "
        + Render.typedValue(
            TypedValue.newBuilder()
                .setTypename(Ids.PROTO + "io.statefun.sdk.egress.KafkaProducerRecord")
                .setHasValue(true)
                .setValue(record.toByteString())
                .build());
  }

  /** A report record as the harness renders a Reported sent to e2e/verify; the key must be the id. */
  static String reportLine(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? "<none>" : new String(r.key(), StandardCharsets.UTF_8);
    try {
      Reported reported = Reported.parseFrom(r.value());
      if (!reported.getId().equals(key)) {
        return "e2e/verify wrong key " + key + " for " + reported.getId();
      }
    } catch (InvalidProtocolBufferException e) {
      return "e2e/verify undecodable " + Arrays.toString(r.value());
    }
    return "e2e/verify "
        + Render.typedValue(
            TypedValue.newBuilder()
                .setTypename(Ids.REPORTED)
                .setHasValue(true)
                .setValue(ByteString.copyFrom(r.value()))
                .build());
  }

  /** A discard record: key and value are the discarding instance's id. */
  static String discardLine(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? "<none>" : new String(r.key(), StandardCharsets.UTF_8);
    return "e2e/discard key=" + key + " value=" + new String(r.value(), StandardCharsets.UTF_8);
  }
}
