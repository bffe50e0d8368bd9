package statefun.runtime;

/**
 * A mistake in what the user gave: the command line, module.yaml, the input or expected lines.
 * The driver prints the message and exits with status 2 before it starts anything.
 */
final class UsageError extends Exception {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
