package statefun.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the Kafka scenarios: topics, a producer for the input, the consumer group
 * offsets the job commits on every completed checkpoint, and read_committed consumers for the
 * output. The job itself reads and writes Kafka through the module.yaml ingress and egress; these
 * clients (kafka-clients 3.2.3, the version inside StateFun 3.3.0's Flink connector) play the
 * user's producer and consumer.
 */
final class KafkaIo {
  private KafkaIo() {}

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIo.class);

  static AdminClient admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "e2e-admin");
    return AdminClient.create(p);
  }

  /** Creates the topics (name to partition count), replication factor 1. */
  static void createTopics(String bootstrap, Map<String, Integer> topics) throws Exception {
    try (AdminClient admin = admin(bootstrap)) {
      List<NewTopic> list = new ArrayList<>();
      topics.forEach((name, partitions) -> list.add(new NewTopic(name, partitions, (short) 1)));
      admin.createTopics(list).all().get();
    }
  }

  static boolean topicExists(String bootstrap, String topic) throws Exception {
    try (AdminClient admin = admin(bootstrap)) {
      return admin.listTopics().names().get().contains(topic);
    }
  }

  /** An idempotent producer that waits for the broker's acknowledgement of every record. */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "e2e-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The sum of the offsets that consumer group {@code group} committed on {@code topic}. */
  static long committed(AdminClient admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      if (e.getKey().topic().equals(topic) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads output topics from the beginning with isolation.level=read_committed (so it sees only
   * what the exactly-once egress committed on completed checkpoints) and appends one rendered line
   * per record to OUT/egress-NAME.txt, the files the verifiers read.
   */
  static final class Tail implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param renderers topic to (egress file name, record to line)
     */
    Tail(
        String bootstrap,
        Path out,
        Map<String, Map.Entry<String, Function<ConsumerRecord<byte[], byte[]>, String>>> renderers) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-output-reader");
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                  List<TopicPartition> partitions = new ArrayList<>();
                  for (String topic : renderers.keySet()) {
                    for (PartitionInfo info : consumer.partitionsFor(topic)) {
                      partitions.add(new TopicPartition(topic, info.partition()));
                    }
                  }
                  consumer.assign(partitions);
                  consumer.seekToBeginning(partitions);
                  while (running) {
                    Map<String, StringBuilder> lines = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                      var renderer = renderers.get(r.topic());
                      lines
                          .computeIfAbsent(renderer.getKey(), k -> new StringBuilder())
                          .append(renderer.getValue().apply(r))
                          .append('\n');
                    }
                    for (var e : lines.entrySet()) {
                      Files.write(
                          EgressFile.file(out, e.getKey()),
                          utf8(e.getValue().toString()),
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND);
                    }
                  }
                } catch (Throwable t) {
                  LOG.error("e2e: the output reader failed", t);
                }
              },
              "e2e-kafka-output-reader");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5000);
    }
  }
}
