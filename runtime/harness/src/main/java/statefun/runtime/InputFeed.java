package statefun.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes input.jsonl to the ingress topics, in file order, each record with its key. The records
 * before the first {@code advance_ms} line go out before the job starts (the job's Kafka consumers
 * start from the earliest offset); the rest in a thread, where the first wait counts from the job's
 * first completed checkpoint (by then all its tasks run) and each later one from the record
 * before it.
 */
final class InputFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InputFeed.class);

  private final InputFile input;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();
  private int next;
  private Thread thread;
  private volatile boolean running = true;
  private volatile long written;
  private volatile long doneNanos;
  private volatile Throwable error;

  InputFeed(String bootstrap, InputFile input) {
    this.input = input;
    this.producer = KafkaClients.producer(bootstrap);
  }

  /** Records written and acknowledged so far. */
  long written() {
    return written;
  }

  boolean done() {
    return doneNanos != 0;
  }

  /** When the last record was acknowledged (System.nanoTime), 0 before. */
  long doneNanos() {
    return doneNanos;
  }

  Throwable error() {
    return error;
  }

  /** Writes the records up to the first advance_ms line (all of them if there is none). */
  void writeFirst() throws Exception {
    while (next < input.steps.size() && input.steps.get(next).record != null) {
      send(input.steps.get(next++).record);
    }
    flush();
    if (next == input.steps.size()) {
      doneNanos = System.nanoTime();
    }
  }

  /**
   * Writes the rest in a thread once {@code jobCheckpointed} holds, holding each record back while
   * {@code hold} does.
   */
  void start(BooleanSupplier jobCheckpointed, BooleanSupplier hold) {
    if (done()) {
      return;
    }
    thread =
        new Thread(
            () -> {
              try {
                while (running && !jobCheckpointed.getAsBoolean()) {
                  Thread.sleep(20);
                }
                LOG.info("statefun runtime: the job checkpointed; writing the rest of the input");
                for (; next < input.steps.size() && running; next++) {
                  InputFile.Step s = input.steps.get(next);
                  while (running && hold.getAsBoolean()) {
                    Thread.sleep(20);
                  }
                  if (s.record == null) {
                    flush();
                    Thread.sleep(s.advanceMs);
                  } else {
                    send(s.record);
                  }
                }
                flush();
                if (running) {
                  doneNanos = System.nanoTime();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Throwable t) {
                LOG.error("statefun runtime: writing the input failed", t);
                error = t;
              }
            },
            "statefun-runtime-input");
    thread.setDaemon(true);
    thread.start();
  }

  private void send(RecordLine r) {
    pending.add(producer.send(new ProducerRecord<>(r.topic, r.key, r.value)));
  }

  private void flush() throws Exception {
    producer.flush();
    for (Future<RecordMetadata> f : pending) {
      f.get();
      written++;
    }
    pending.clear();
  }

  /** A one-line account of the input, e.g. "11 records (topic-a 2, topic-b 9)". */
  static String describe(InputFile input) {
    StringBuilder b = new StringBuilder();
    input.perTopic.forEach((t, n) -> b.append(b.length() == 0 ? "" : ", ").append(t).append(' ').append(n));
    return String.format("%d records%s", input.records(), b.length() == 0 ? "" : " (" + b + ")");
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5000);
    }
    producer.close(java.time.Duration.ofSeconds(2));
  }
}
