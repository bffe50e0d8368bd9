package statefun.runtime;

import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, read_committed, every topic but the ingress topics and Kafka's internal ones (subscribed
 * by pattern: the egress topics exist only once functions write to them, and the broker creates
 * them then) and writes each record as one JSON line to OUT/egress.jsonl and to stdout. A second
 * consumer, read_uncommitted, only counts: what it sees beyond the first are records of
 * transactions that were aborted, the output a restore rolled back.
 */
final class EgressReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EgressReader.class);

  /** What the egress topics held at one moment. */
  static final class Snapshot {
    final Map<String, Integer> counts;
    final Map<String, String> display;
    final long total;
    final TreeMap<String, Integer> perTopic;
    final long lastArrivalNanos;

    Snapshot(EgressReader r) {
      counts = new HashMap<>(r.counts);
      display = new HashMap<>(r.display);
      total = r.total;
      perTopic = new TreeMap<>(r.perTopic);
      lastArrivalNanos = r.lastArrivalNanos;
    }

    String describe() {
      StringBuilder b = new StringBuilder();
      perTopic.forEach((t, n) -> b.append(b.length() == 0 ? "" : ", ").append(t).append(' ').append(n));
      return String.format("%d records%s", total, perTopic.isEmpty() ? "" : " (" + b + ")");
    }
  }

  /** What to do with each record read, and after each poll. */
  private interface Sink {
    void accept(ConsumerRecord<byte[], byte[]> r) throws Exception;

    default void polled() throws Exception {}
  }

  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, String> display = new HashMap<>();
  private final TreeMap<String, Integer> perTopic = new TreeMap<>();
  private long total;
  private long lastArrivalNanos;
  private volatile long uncommittedTotal;
  private volatile Throwable error;
  private volatile boolean running = true;
  private final List<Thread> threads = new ArrayList<>();

  EgressReader(String bootstrap, Set<String> ingressTopics, Path file, PrintStream console)
      throws Exception {
    StringBuilder skip = new StringBuilder();
    for (String t : ingressTopics) {
      skip.append(skip.length() == 0 ? "" : "|").append(Pattern.quote(t));
    }
    Pattern topics = Pattern.compile("(?!__)(?!(?:" + skip + ")$).+");
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    follow(
        bootstrap,
        topics,
        true,
        new Sink() {
          @Override
          public void accept(ConsumerRecord<byte[], byte[]> r) throws Exception {
            RecordLine line = RecordLine.ofRecord(r.topic(), r.key(), r.value());
            String text = line.render();
            out.write(text);
            out.write('\n');
            console.println(text);
            add(line, text);
          }

          @Override
          public void polled() throws Exception {
            out.flush();
          }
        });
    follow(bootstrap, topics, false, r -> uncommittedTotal++);
  }

  private void follow(String bootstrap, Pattern topics, boolean committed, Sink sink) {
    Thread thread =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.reader(bootstrap, committed)) {
                Map<TopicPartition, Long> next = new HashMap<>();
                consumer.subscribe(topics, new KeepPositions(consumer, next));
                while (running) {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                    sink.accept(r);
                  }
                  sink.polled();
                }
              } catch (Throwable t) {
                LOG.error("statefun runtime: reading the egress topics failed", t);
                error = t;
              }
            },
            committed ? "statefun-runtime-egress-reader" : "statefun-runtime-uncommitted-reader");
    thread.setDaemon(true);
    thread.start();
    threads.add(thread);
  }

  /**
   * Each new egress topic changes the subscription and so rebalances the reader's group; the
   * reader commits no offsets, so it goes on from the positions it has read to itself, and reads
   * a partition it has not seen from its beginning.
   */
  private static final class KeepPositions implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> next;

    KeepPositions(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> next) {
      this.consumer = consumer;
      this.next = next;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      List<TopicPartition> fresh = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        Long offset = next.get(tp);
        if (offset == null) {
          fresh.add(tp);
        } else {
          consumer.seek(tp, offset);
        }
      }
      consumer.seekToBeginning(fresh);
    }
  }

  private synchronized void add(RecordLine line, String text) {
    counts.merge(line.identity(), 1, Integer::sum);
    display.putIfAbsent(line.identity(), text);
    perTopic.merge(line.topic, 1, Integer::sum);
    total++;
    lastArrivalNanos = System.nanoTime();
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(this);
  }

  /** Records a read_uncommitted consumer has seen in the same topics (committed and aborted). */
  long uncommittedTotal() {
    return uncommittedTotal;
  }

  Throwable error() {
    return error;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(5000);
    }
  }
}
