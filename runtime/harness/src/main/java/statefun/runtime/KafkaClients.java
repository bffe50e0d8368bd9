package statefun.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The driver's Kafka clients (kafka-clients 3.2.3, the version of StateFun 3.3.0's connector),
 * playing the user's producer and consumer next to the job: topics, a producer, a read_committed
 * consumer, and the offsets the job's consumer groups commit.
 */
final class KafkaClients {
  private KafkaClients() {}

  static AdminClient admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "statefun-runtime-admin");
    return AdminClient.create(p);
  }

  /** Creates the topics with one partition each (replication factor 1); existing ones stay. */
  static void createTopics(String bootstrap, Set<String> topics) throws Exception {
    try (AdminClient admin = admin(bootstrap)) {
      List<NewTopic> list = new ArrayList<>();
      topics.forEach(t -> list.add(new NewTopic(t, 1, (short) 1)));
      try {
        admin.createTopics(list).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /** An idempotent producer (records of a topic keep their order) acknowledged by the broker. */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "statefun-runtime-input");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A consumer from the start of every topic, finding new topics within half a second. {@code
   * committed}: it sees only what transactions committed (isolation.level=read_committed; the
   * exactly-once egress commits on completed checkpoints); else also what they aborted.
   */
  static KafkaConsumer<byte[], byte[]> reader(String bootstrap, boolean committed) {
    String name = committed ? "statefun-runtime-egress-reader" : "statefun-runtime-uncommitted-reader";
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, name);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The offset consumer group {@code group} committed per topic (summed over partitions). */
  static Map<String, Long> committed(AdminClient admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<String, Long> perTopic = new HashMap<>();
    offsets.forEach(
        (tp, o) -> {
          if (o != null) {
            perTopic.merge(tp.topic(), o.offset(), Long::sum);
          }
        });
    return perTopic;
  }

  /** The end offset of each topic's partition 0 (the driver creates one partition per topic). */
  static Map<String, Long> endOffsets(AdminClient admin, Set<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    topics.forEach(t -> request.put(new TopicPartition(t, 0), OffsetSpec.latest()));
    Map<String, Long> ends = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
        admin.listOffsets(request).all().get().entrySet()) {
      ends.put(e.getKey().topic(), e.getValue().offset());
    }
    return ends;
  }
}
