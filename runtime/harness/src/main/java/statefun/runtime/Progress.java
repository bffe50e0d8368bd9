package statefun.runtime;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows how far the job has consumed its input: the offsets each Kafka ingress's consumer group
 * commits, which Flink's Kafka consumer does when a checkpoint completes. So a committed offset
 * means a completed checkpoint covers the records before it.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  /** One consumer group reading one topic. */
  private static final class Reader {
    final String group;
    final String topic;
    final long records;

    Reader(String group, String topic, long records) {
      this.group = group;
      this.topic = topic;
      this.records = records;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reader && ((Reader) o).group.equals(group) && ((Reader) o).topic.equals(topic);
    }

    @Override
    public int hashCode() {
      return group.hashCode() * 31 + topic.hashCode();
    }
  }

  private final Set<Reader> readers = new LinkedHashSet<>();
  private final Set<String> topics = new LinkedHashSet<>();
  private final long total;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long consumed;
  private volatile boolean caughtUp;
  private volatile long caughtUpNanos;

  Progress(String bootstrap, List<ModuleFile.Ingress> ingresses, InputFile input) {
    long sum = 0;
    for (ModuleFile.Ingress in : ingresses) {
      for (String t : in.topics) {
        Reader r = new Reader(in.group, t, input.perTopic.getOrDefault(t, 0));
        if (readers.add(r)) {
          sum += r.records;
        }
        topics.add(t);
      }
    }
    total = sum;
    thread = new Thread(() -> follow(bootstrap), "statefun-runtime-progress");
    thread.setDaemon(true);
    thread.start();
  }

  /** Input records a completed checkpoint covers, counted once per consumer group reading them. */
  long consumed() {
    return consumed;
  }

  /** Input records to consume, counted once per consumer group reading them. */
  long total() {
    return total;
  }

  /** Whether every group has committed up to the end of every topic it reads; since when. */
  boolean caughtUp() {
    return caughtUp;
  }

  long caughtUpNanos() {
    return caughtUpNanos;
  }

  private void follow(String bootstrap) {
    try (AdminClient admin = KafkaClients.admin(bootstrap)) {
      while (running) {
        try {
          Map<String, Map<String, Long>> committed = new HashMap<>();
          for (Reader r : readers) {
            if (!committed.containsKey(r.group)) {
              committed.put(r.group, KafkaClients.committed(admin, r.group));
            }
          }
          Map<String, Long> ends = KafkaClients.endOffsets(admin, topics);
          long c = 0;
          boolean all = true;
          for (Reader r : readers) {
            long offset = committed.get(r.group).getOrDefault(r.topic, 0L);
            c += Math.min(offset, r.records);
            all &= offset >= ends.getOrDefault(r.topic, 0L);
          }
          consumed = c;
          if (all && !caughtUp) {
            caughtUpNanos = System.nanoTime();
          }
          caughtUp = all;
        } catch (Exception e) {
          LOG.warn("statefun runtime: reading the committed offsets: {}", e.toString());
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
  }
}
