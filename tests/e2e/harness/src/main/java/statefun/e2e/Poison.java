package statefun.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import statefun.e2e.generated.Command;
import statefun.e2e.generated.Commands;
import statefun.e2e.generated.Discard;
import statefun.e2e.generated.Increment;
import statefun.e2e.generated.Reject;
import statefun.e2e.generated.Send;
import statefun.e2e.generated.SendDelayed;

/**
 * The dead-letters scenario's poison: extra input records, among the exactly-once {@link
 * Workload}, that e2e/cmd can never process, and the dead letter each must give. They change no
 * count of the workload: under a dead-letter policy their effects are dropped, and none of them is
 * a good message.
 *
 * <p>Where: {@link #IN_BURST} of them go into the first {@link KafkaCommandFeed#START_BATCH}
 * records, which the feed writes before the job has started and the job then reads at once, so
 * that they land in batches together with good messages for the same instance (the first message
 * of every instance goes alone, as the runtime registers its state; the rest queue behind it and go
 * as one batch): each after the second of the first three or more messages of an instance there.
 * {@link #SPREAD} more follow evenly over the rest of the input, each right after a good message
 * for the same instance; some of them fall between the checkpoint and the induced failure, so the
 * restored job meets them again.
 *
 * <p>What, by number k, in turn:
 *
 * <ul>
 *   <li>UNDECODABLE: bytes that are no {@code Commands} (a truncated length-delimited field, or a
 *       wire type 7), on the commands topic;
 *   <li>UNACCEPTED_TYPE: a valid {@code Commands} on the notes topic, whose {@code valueType} is
 *       {@link #NOTE}, a typename e2e/cmd does not take;
 *   <li>REJECTED: a {@code Commands} that increments, discards, sends and sends delayed, then
 *       {@code Reject}s: every one of those effects must be dropped;
 *   <li>REJECTED (sent): a good ingress message whose one command sends such a message to its own
 *       instance: the dead letter names e2e/cmd as its caller, and its value is what the function
 *       sent.
 * </ul>
 *
 * <p>tests/e2e/expected/dead-letters.txt is this list for the default workload ({@link #lines});
 * the local runtime's test feeds it from there, so both runtimes get the same poison.
 */
final class Poison {
  private Poison() {}

  static final String NOTE = "e2e/Note";
  static final int IN_BURST = 12;
  static final int SPREAD = 28;

  enum Kind {
    UNDECODABLE,
    UNACCEPTED_TYPE,
    REJECTED,
    REJECTED_SENT
  }

  /** One poison record and the dead letter it must give. */
  static final class Record {
    final int number;
    final Kind kind;
    /** Written right after the workload's message of this index. */
    final int after;
    /** The notes topic (valueType {@link #NOTE}), else the commands topic. */
    final boolean notesTopic;
    /** The target instance: the record's key. */
    final int target;
    final byte[] value;
    /** The dead letter: its typename, reason, caller ("-" for none) and value. */
    final String typename;
    final String reason;
    final String caller;
    final byte[] letterValue;

    Record(int number, Kind kind, int after, int target, Workload w) {
      this.number = number;
      this.kind = kind;
      this.after = after;
      this.target = target;
      String id = Workload.instanceId(target);
      String other = Workload.instanceId((target + 1) % w.instances);
      String discardTopic = w.discardTopic;
      notesTopic = kind == Kind.UNACCEPTED_TYPE;
      typename = notesTopic ? NOTE : Ids.COMMANDS;
      reason = kind == Kind.REJECTED_SENT ? "REJECTED" : kind.name();
      caller = kind == Kind.REJECTED_SENT ? "e2e/cmd/" + id : "-";
      Commands rejected =
          Commands.newBuilder()
              .addCommands(increment())
              .addCommands(discard(discardTopic))
              .addCommands(
                  Command.newBuilder()
                      .setSend(Send.newBuilder().setTarget(other).setCommands(just(increment()))))
              .addCommands(
                  Command.newBuilder()
                      .setSendDelayed(
                          SendDelayed.newBuilder()
                              .setTarget(other)
                              .setDelayMs(1 + number % 50)
                              .setCommands(just(increment()))))
              .addCommands(increment())
              .addCommands(reject("poison " + number + " for " + id))
              .build();
      switch (kind) {
        case UNDECODABLE:
          {
            byte[] text = ("poison " + number + " for " + id).getBytes(StandardCharsets.UTF_8);
            // field 1 with 127 bytes announced and fewer there; or field 1, wire type 7
            byte[] head = (number / 4) % 2 == 0 ? new byte[] {0x0a, 0x7f} : new byte[] {0x0f};
            value = new byte[head.length + text.length];
            System.arraycopy(head, 0, value, 0, head.length);
            System.arraycopy(text, 0, value, head.length, text.length);
            letterValue = value;
            break;
          }
        case UNACCEPTED_TYPE:
          value =
              Commands.newBuilder()
                  .addCommands(increment())
                  .addCommands(increment())
                  .addCommands(discard(discardTopic))
                  .addCommands(reject("note " + number + " for " + id + ": not for e2e/cmd"))
                  .build()
                  .toByteArray();
          letterValue = value;
          break;
        case REJECTED:
          value = rejected.toByteArray();
          letterValue = value;
          break;
        default:
          Commands sent =
              Commands.newBuilder()
                  .addCommands(increment())
                  .addCommands(discard(discardTopic))
                  .addCommands(reject("poison " + number + " sent by " + id))
                  .build();
          value =
              just(Command.newBuilder().setSend(Send.newBuilder().setTarget(id).setCommands(sent)))
                  .toByteArray();
          letterValue = sent.toByteArray();
          break;
      }
    }

    /** The dead letter it must give, as {@link DeadLetterCheck#line} renders one. */
    String letter() {
      return DeadLetterCheck.line(
          "e2e/cmd/" + Workload.instanceId(target), typename, reason, caller, letterValue);
    }
  }

  static List<Record> records(Workload w) {
    List<Record> list = new ArrayList<>();
    int burst = Math.min(KafkaCommandFeed.START_BATCH, w.messages);
    int[] seen = new int[w.instances];
    int[] second = new int[w.instances];
    for (int i = 0; i < burst; i++) {
      int t = w.message(i).target;
      if (++seen[t] == 2) {
        second[t] = i;
      }
    }
    List<int[]> places = new ArrayList<>(); // {after, target}
    for (int i = 0; i < burst && places.size() < IN_BURST; i++) {
      int t = w.message(i).target;
      if (seen[t] >= 3 && second[t] == i) {
        places.add(new int[] {i, t});
      }
    }
    int rest = w.messages - burst;
    for (int j = 0; rest > 0 && j < SPREAD; j++) {
      int after = burst + (int) ((long) j * rest / SPREAD) + rest / (2 * SPREAD);
      places.add(new int[] {after, w.message(after).target});
    }
    Kind[] kinds = Kind.values();
    for (int k = 0; k < places.size(); k++) {
      int[] p = places.get(k);
      list.add(new Record(k, kinds[k % kinds.length], p[0], p[1], w));
    }
    return list;
  }

  /** How many of them go to the commands topic. */
  static int onCommandsTopic(List<Record> records) {
    int n = 0;
    for (Record r : records) {
      n += r.notesTopic ? 0 : 1;
    }
    return n;
  }

  /**
   * tests/e2e/expected/dead-letters.txt: the workload, then one line per record: number, kind,
   * after, topic, key, value (base64), and the dead letter it must give.
   */
  static List<String> lines(Workload w, List<Record> records) {
    List<String> l = new ArrayList<>();
    l.add("seed " + w.seed);
    l.add("instances " + w.instances);
    l.add("messages " + w.messages);
    l.add("discards " + w.discardTopic);
    Base64.Encoder b64 = Base64.getEncoder();
    for (Record r : records) {
      l.add(
          String.format(
              "%d %s after=%d topic=%s key=%s value=%s => %s",
              r.number,
              r.kind,
              r.after,
              r.notesTopic ? "notes" : "commands",
              Workload.instanceId(r.target),
              b64.encodeToString(r.value),
              r.letter()));
    }
    return l;
  }

  private static Command.Builder increment() {
    return Command.newBuilder().setIncrement(Increment.getDefaultInstance());
  }

  private static Command.Builder discard(String topic) {
    return Command.newBuilder().setDiscard(Discard.newBuilder().setTopic(topic));
  }

  private static Command.Builder reject(String reason) {
    return Command.newBuilder().setReject(Reject.newBuilder().setReason(reason));
  }

  private static Commands just(Command.Builder command) {
    return Commands.newBuilder().addCommands(command).build();
  }
}
