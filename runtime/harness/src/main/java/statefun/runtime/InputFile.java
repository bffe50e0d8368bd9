package statefun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * input.jsonl: Kafka records for the module's ingress topics, in the order they are written, and
 * {@code {"advance_ms": N}} lines that make the driver wait N ms before the next record. Blank
 * lines are skipped. Every other shape is an error naming its line: the real runtime takes input
 * only through the module's ingresses, so there are no direct messages to functions, and this
 * runner has no Kinesis. expected.jsonl has the record lines only, with any topic but an ingress
 * topic (the driver reads every other topic).
 */
final class InputFile {
  /** A record to write, or a wait ({@code record} null). */
  static final class Step {
    final int line;
    final RecordLine record;
    final long advanceMs;

    Step(int line, RecordLine record, long advanceMs) {
      this.line = line;
      this.record = record;
      this.advanceMs = advanceMs;
    }
  }

  final List<Step> steps;
  /** Records per topic. */
  final TreeMap<String, Integer> perTopic = new TreeMap<>();

  private InputFile(List<Step> steps) {
    this.steps = Collections.unmodifiableList(steps);
    for (Step s : steps) {
      if (s.record != null) {
        perTopic.merge(s.record.topic, 1, Integer::sum);
      }
    }
  }

  int records() {
    return perTopic.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Reads input.jsonl; every record's topic must be one of {@code ingressTopics}. */
  static InputFile readInput(Path file, Set<String> ingressTopics) throws UsageError {
    List<Step> steps = new ArrayList<>();
    for (Line l : lines(file)) {
      ObjectNode o = l.object;
      if (o.has("advance_ms")) {
        JsonNode ms = o.get("advance_ms");
        if (o.size() != 1 || !ms.canConvertToLong() || !ms.isIntegralNumber() || ms.asLong() < 0) {
          throw new UsageError(
              l.where + ": an advance line is {\"advance_ms\": N} with N a whole number >= 0");
        }
        steps.add(new Step(l.number, null, ms.asLong()));
        continue;
      }
      rejectOtherShapes(l);
      RecordLine r = RecordLine.parse(o, true, l.where);
      if (!ingressTopics.contains(r.topic)) {
        throw new UsageError(
            l.where
                + ": topic \""
                + r.topic
                + "\" is read by no Kafka ingress of the module (its ingress topics: "
                + String.join(", ", ingressTopics)
                + ")");
      }
      steps.add(new Step(l.number, r, 0));
    }
    return new InputFile(steps);
  }

  /** Reads expected.jsonl: record lines, none of them for an ingress topic. */
  static List<RecordLine> readExpected(Path file, Set<String> ingressTopics) throws UsageError {
    List<RecordLine> records = new ArrayList<>();
    for (Line l : lines(file)) {
      if (l.object.has("advance_ms")) {
        throw new UsageError(l.where + ": expected lines are records; advance_ms is for the input");
      }
      rejectOtherShapes(l);
      RecordLine r = RecordLine.parse(l.object, false, l.where);
      if (ingressTopics.contains(r.topic)) {
        throw new UsageError(
            l.where
                + ": topic \""
                + r.topic
                + "\" is an ingress topic of the module; the runner reads only the other topics,"
                + " where the egresses write");
      }
      records.add(r);
    }
    return records;
  }

  private static void rejectOtherShapes(Line l) throws UsageError {
    ObjectNode o = l.object;
    if (o.has("target") || o.has("typename")) {
      throw new UsageError(
          l.where
              + ": a message addressed to a function (target, typename); on the real runtime"
              + " input arrives only through the module's ingresses: write it as a Kafka record,"
              + " {\"topic\": ..., \"key\": ..., \"value\": ...}, for a topic an ingress reads");
    }
    if (o.has("stream")) {
      throw new UsageError(
          l.where + ": a Kinesis record; this runner has no Kinesis, only Kafka ingresses");
    }
    if (!o.has("topic")) {
      throw new UsageError(
          l.where
              + ": neither a record line {\"topic\": ..., \"key\": ..., \"value\": ...} nor"
              + " {\"advance_ms\": N}");
    }
  }

  /** A non-blank line of the file, parsed as a JSON object. */
  private static final class Line {
    final int number;
    final String where;
    final ObjectNode object;

    Line(int number, String where, ObjectNode object) {
      this.number = number;
      this.where = where;
      this.object = object;
    }
  }

  private static List<Line> lines(Path file) throws UsageError {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageError("cannot read " + file + ": " + e);
    }
    List<Line> lines = new ArrayList<>();
    String name = file.getFileName().toString();
    for (int i = 0; i < text.size(); i++) {
      String s = text.get(i);
      if (s.trim().isEmpty()) {
        continue;
      }
      String where = name + " line " + (i + 1);
      JsonNode n;
      try {
        n = RecordLine.JSON.readTree(s);
      } catch (JsonProcessingException e) {
        throw new UsageError(where + ": not JSON: " + e.getOriginalMessage());
      }
      if (n == null || !n.isObject()) {
        throw new UsageError(where + ": not a JSON object");
      }
      lines.add(new Line(i + 1, where, (ObjectNode) n));
    }
    return lines;
  }
}
