package statefun.e2e;

import java.io.Serializable;
import java.util.SplittableRandom;
import statefun.e2e.generated.Command;
import statefun.e2e.generated.Commands;
import statefun.e2e.generated.Discard;
import statefun.e2e.generated.Increment;
import statefun.e2e.generated.Report;
import statefun.e2e.generated.Send;
import statefun.e2e.generated.SendDelayed;

/**
 * Scenario 2's random command trees. Message {@code i} depends only on (seed, i), so a source
 * restored from a checkpoint regenerates exactly the messages it had not sent yet, and the
 * verifier can recompute every expected count on its own.
 */
final class Workload implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int MAX_DEPTH = 3;
  static final int MAX_DELAY_MS = 250;

  final long seed;
  final int instances;
  final int messages;

  /**
   * The Kafka topic of every Discard command ("" in the harness scenarios: the function then
   * writes to the e2e/discard egress). It changes no random draw, so the trees and counts are the
   * same either way.
   */
  final String discardTopic;

  Workload(long seed, int instances, int messages) {
    this(seed, instances, messages, "");
  }

  Workload(long seed, int instances, int messages, String discardTopic) {
    this.seed = seed;
    this.instances = instances;
    this.messages = messages;
    this.discardTopic = discardTopic;
  }

  static String instanceId(int i) {
    return String.format("n%03d", i);
  }

  /** Ingress message {@code index}: its target instance and command tree. */
  static final class Message {
    final int target;
    final Commands commands;

    Message(int target, Commands commands) {
      this.target = target;
      this.commands = commands;
    }
  }

  Message message(int index) {
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + index);
    int target = rnd.nextInt(instances);
    return new Message(target, tree(rnd, rnd.nextInt(MAX_DEPTH + 1)));
  }

  private Commands tree(SplittableRandom rnd, int depth) {
    Commands.Builder b = Commands.newBuilder();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      int p = rnd.nextInt(100);
      if (p < 45 || (depth == 0 && p < 80)) {
        b.addCommands(Command.newBuilder().setIncrement(Increment.getDefaultInstance()));
      } else if (depth == 0 || p >= 90) {
        b.addCommands(Command.newBuilder().setDiscard(Discard.newBuilder().setTopic(discardTopic)));
      } else if (p < 75) {
        b.addCommands(
            Command.newBuilder()
                .setSend(
                    Send.newBuilder()
                        .setTarget(instanceId(rnd.nextInt(instances)))
                        .setCommands(tree(rnd, depth - 1))));
      } else {
        b.addCommands(
            Command.newBuilder()
                .setSendDelayed(
                    SendDelayed.newBuilder()
                        .setTarget(instanceId(rnd.nextInt(instances)))
                        .setDelayMs(1 + rnd.nextInt(MAX_DELAY_MS))
                        .setCommands(tree(rnd, depth - 1))));
      }
    }
    return b.build();
  }

  /** What running {@code commands} at instance {@code target} adds to each instance's counter. */
  static void apply(long[] expected, int target, Commands commands, Totals totals) {
    for (Command c : commands.getCommandsList()) {
      switch (c.getKindCase()) {
        case INCREMENT:
          expected[target]++;
          if (totals != null) totals.increments++;
          break;
        case SEND:
          if (totals != null) totals.sends++;
          apply(expected, index(c.getSend().getTarget()), c.getSend().getCommands(), totals);
          break;
        case SEND_DELAYED:
          if (totals != null) totals.delayed++;
          apply(
              expected,
              index(c.getSendDelayed().getTarget()),
              c.getSendDelayed().getCommands(),
              totals);
          break;
        case DISCARD:
          if (totals != null) totals.discards++;
          break;
        default:
          break;
      }
    }
  }

  /**
   * The request to report a counter: {@code expected} is what the instance must have counted;
   * {@code topic} ("" in the harness scenarios) is the Kafka topic the report goes to.
   */
  static Commands report(long expected, int round, String topic) {
    return Commands.newBuilder()
        .addCommands(
            Command.newBuilder()
                .setReport(
                    Report.newBuilder().setExpected(expected).setRound(round).setTopic(topic)))
        .build();
  }

  static int index(String instanceId) {
    return Integer.parseInt(instanceId.substring(1));
  }

  /** Totals of the whole run, recomputed from the seed. */
  static final class Totals {
    long ingress;
    long sends;
    long delayed;
    long increments;
    long discards;
    long[] expected;

    /** Messages the functions receive before the report rounds. */
    long functionMessages() {
      return ingress + sends + delayed;
    }
  }

  Totals totals() {
    Totals t = new Totals();
    t.expected = new long[instances];
    for (int i = 0; i < messages; i++) {
      Message m = message(i);
      t.ingress++;
      apply(t.expected, m.target, m.commands, t);
    }
    return t;
  }
}
