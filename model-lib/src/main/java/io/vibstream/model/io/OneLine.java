package io.vibstream.model.io;

/**
 * Error messages that quote untrusted content (a label, a field value, a file name from a
 * manifest) kept to one readable line: line breaks and other control characters are escaped as
 * in Java source (a line feed becomes backslash-n) and the message is cut at {@value #MAX_CHARS}
 * characters.
 */
public final class OneLine {
  /** The longest message kept, in characters. */
  public static final int MAX_CHARS = 1000;

  private OneLine() {}

  /** {@code text} as one line of at most {@link #MAX_CHARS} characters (and "..."); null stays null. */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
    int i = 0;
    for (; i < text.length() && out.length() < MAX_CHARS; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return i < text.length() ? out.append("...").toString() : out.toString();
  }
}
