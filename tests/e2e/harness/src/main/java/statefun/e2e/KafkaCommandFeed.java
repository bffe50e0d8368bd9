package statefun.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import statefun.e2e.generated.Commands;

/**
 * The user's producer in the Kafka exactly-once scenario: writes the {@link Workload} to the
 * commands topic (key: the instance id, value: the Commands), then asks every instance to report,
 * in rounds, until the run ends. Meanwhile it follows the job's progress through the offsets that
 * the job's consumer group commits on each completed checkpoint, writes them to OUT/progress.txt
 * (run.sh times its replica kills by it) and, once a completed checkpoint covers a quarter of the
 * input, writes the control record that makes {@link Failer} fail the job. The report rounds start
 * once a completed checkpoint covers the whole input and, if given, the file {@code
 * holdReportsUntil} exists (run.sh writes it once its replica failures are done), or after a
 * minute regardless. In the dead-letters scenario it also writes the {@link Poison} records, each
 * right after the workload message it follows (the notes topic's to that topic); they count as
 * input in the progress.
 */
final class KafkaCommandFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommandFeed.class);

  /** The topics and consumer group of one run. */
  static final class Topics {
    final String commands;
    final String control;
    final String reports;
    final String discards;
    final String notes;
    final String group;

    Topics(String prefix) {
      commands = prefix + "commands";
      control = prefix + "control";
      reports = prefix + "reports";
      discards = prefix + "discards";
      notes = prefix + "notes";
      group = prefix + "statefun";
    }
  }

  /** Messages written before the paced input waits for the job's first checkpoint. */
  static final int START_BATCH = 100;

  private final String bootstrap;
  private final Topics topics;
  private final Workload workload;
  private final Path out;
  private final boolean induceFailure;
  private final int ratePerSecond;
  private final long reportIntervalMs;
  private final Path holdReportsUntil;
  private final List<Poison.Record> poison;
  /** Records of the commands topic before the reports: the workload and its poison there. */
  private final long inputRecords;
  private final Thread producerThread;
  private final Thread progressThread;
  private volatile boolean running = true;
  private volatile long committed;

  KafkaCommandFeed(
      String bootstrap,
      Topics topics,
      Workload workload,
      Path out,
      boolean induceFailure,
      int ratePerSecond,
      long reportIntervalMs,
      Path holdReportsUntil,
      List<Poison.Record> poison) {
    this.bootstrap = bootstrap;
    this.topics = topics;
    this.workload = workload;
    this.out = out;
    this.induceFailure = induceFailure;
    this.ratePerSecond = ratePerSecond;
    this.reportIntervalMs = reportIntervalMs;
    this.holdReportsUntil = holdReportsUntil;
    this.poison = poison;
    this.inputRecords = workload.messages + Poison.onCommandsTopic(poison);
    this.producerThread = new Thread(this::produce, "e2e-kafka-feed");
    this.progressThread = new Thread(this::followProgress, "e2e-kafka-progress");
    producerThread.setDaemon(true);
    progressThread.setDaemon(true);
  }

  static Path notes(Path out) {
    return out.resolve("notes.txt");
  }

  static Path progress(Path out) {
    return out.resolve("progress.txt");
  }

  void start() {
    progressThread.start();
    producerThread.start();
  }

  private void produce() {
    try (KafkaProducer<byte[], byte[]> producer = KafkaIo.producer(bootstrap)) {
      long[] expected = new long[workload.instances];
      long started = System.nanoTime();
      boolean failureRequested = !induceFailure;
      int nextPoison = 0;
      for (int i = 0; i < workload.messages && running; i++) {
        if (i == START_BATCH && ratePerSecond > 0) {
          // The job takes seconds to start: hold the paced input back until it has checkpointed
          // its first records, so that its progress follows the pace from then on.
          producer.flush();
          while (running && committed == 0) {
            Thread.sleep(20);
          }
          started = System.nanoTime() - (long) i * 1_000_000_000L / ratePerSecond;
        }
        Workload.Message m = workload.message(i);
        Workload.apply(expected, m.target, m.commands, null);
        producer.send(
            new ProducerRecord<>(
                topics.commands,
                KafkaIo.utf8(Workload.instanceId(m.target)),
                m.commands.toByteArray()));
        for (; nextPoison < poison.size() && poison.get(nextPoison).after == i; nextPoison++) {
          Poison.Record p = poison.get(nextPoison);
          producer.send(
              new ProducerRecord<>(
                  p.notesTopic ? topics.notes : topics.commands,
                  KafkaIo.utf8(Workload.instanceId(p.target)),
                  p.value));
        }
        if (ratePerSecond > 0) {
          long due = started + (long) (i + 1) * 1_000_000_000L / ratePerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        if (!failureRequested && i % 50 == 0) {
          failureRequested = maybeRequestFailure(producer);
        }
      }
      producer.flush();
      LOG.info(
          "e2e feed: all {} messages and {} poison records written",
          workload.messages,
          nextPoison);
      while (running && !failureRequested) {
        failureRequested = maybeRequestFailure(producer);
        Thread.sleep(50);
      }
      // Report once a completed checkpoint covers the whole input (as the harness scenario's
      // source reports once it has sent everything), or after a minute regardless.
      long waitUntil = System.nanoTime() + 60_000_000_000L;
      while (running && committed < inputRecords && System.nanoTime() < waitUntil) {
        Thread.sleep(50);
      }
      // run.sh's replica failures must happen while the job works, not after the verdict.
      while (running
          && holdReportsUntil != null
          && !Files.exists(holdReportsUntil)
          && System.nanoTime() < waitUntil) {
        Thread.sleep(50);
      }
      int round = 0;
      while (running) {
        round++;
        for (int i = 0; i < workload.instances; i++) {
          Commands report = Workload.report(expected[i], round, topics.reports);
          producer.send(
              new ProducerRecord<>(
                  topics.commands, KafkaIo.utf8(Workload.instanceId(i)), report.toByteArray()));
        }
        producer.flush();
        Thread.sleep(reportIntervalMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.error("e2e feed failed", t);
      note("the Kafka feed failed: " + t);
    }
  }

  /** Writes the control record once a completed checkpoint covers a quarter of the input. */
  private boolean maybeRequestFailure(KafkaProducer<byte[], byte[]> producer) {
    long c = committed;
    if (c < inputRecords / 4) {
      return false;
    }
    producer.send(
        new ProducerRecord<>(topics.control, KafkaIo.utf8("once"), KafkaIo.utf8("fail")));
    producer.flush();
    note(
        String.format(
            "failure requested when the job's committed offsets (its last completed checkpoint)"
                + " covered %d of %d input records",
            c, inputRecords));
    return true;
  }

  private void followProgress() {
    try (AdminClient admin = KafkaIo.admin(bootstrap)) {
      Path file = progress(out);
      Path tmp = out.resolve("progress.txt.tmp");
      while (running) {
        try {
          committed = KafkaIo.committed(admin, topics.group, topics.commands);
          Files.write(
              tmp,
              String.format("committed %d of %d%n", committed, inputRecords)
                  .getBytes(StandardCharsets.UTF_8));
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
          LOG.warn("e2e progress: {}", e.toString());
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void note(String line) {
    try {
      Files.write(
          notes(out),
          (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (Exception e) {
      LOG.warn("e2e note: {}", e.toString());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    producerThread.join(5000);
    progressThread.join(5000);
  }
}
