package statefun.e2e;

import java.util.Objects;

/**
 * One ingress record: the function address it goes to and the TypedValue it carries. A Flink POJO
 * (public fields, no-arg constructor), so it needs no custom serializer.
 */
public final class Envelope {
  public String namespace;
  public String type;
  public String id;
  public String typename;
  public byte[] value;

  public Envelope() {}

  static Envelope to(String functionType, String id, String typename, byte[] value) {
    String[] parts = functionType.split("/", 2);
    Envelope e = new Envelope();
    e.namespace = parts[0];
    e.type = parts[1];
    e.id = Objects.requireNonNull(id);
    e.typename = Objects.requireNonNull(typename);
    e.value = Objects.requireNonNull(value);
    return e;
  }
}
