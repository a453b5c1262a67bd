package io.vibstream.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parse limits of {@link JsonFields}: hostile documents are one-line format errors, never a stack overflow or a huge allocation. */
class JsonFieldsTest {

  @Test
  void parsesWithinTheLimits() {
    JsonFields json = parse("{\"a\": {\"b\": [1, 2]}, \"s\": \"" + "x".repeat(1000) + "\"}");
    assertThat(json.object("a").integers("b")).containsExactly(1, 2);
    assertThat(json.string("s")).hasSize(1000);
  }

  @Test
  void tenThousandLevelsOfNestingAreRefused() {
    String deep = "{\"a\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    assertRefused(deep, "malformed test JSON: Document nesting depth (65) exceeds the maximum allowed (64");
  }

  @Test
  void aStringLongerThanOneMebicharacterizRefused() {
    assertRefused("{\"a\": \"" + "x".repeat(JsonFields.MAX_STRING_CHARS + 1) + "\"}",
        "malformed test JSON: String value length (1048577) exceeds the maximum allowed (1048576");
    assertRefused("{\"" + "k".repeat(JsonFields.MAX_STRING_CHARS + 1) + "\": 1}",
        "malformed test JSON: Name length (1048577) exceeds the maximum allowed (1048576");
  }

  @Test
  void aNumberOfMoreThanAHundredDigitsIsRefused() {
    assertRefused("{\"a\": " + "9".repeat(101) + "}", "malformed test JSON: Number value length (101) exceeds");
  }

  @Test
  void aDocumentAboveTheLimitIsRefusedUnparsed() {
    byte[] huge = new byte[JsonFields.MAX_DOCUMENT_BYTES + 1];
    assertThatThrownBy(() -> JsonFields.parse(huge, 0, huge.length, "manifest JSON"))
        .isInstanceOf(FormatException.class)
        .hasMessage("manifest JSON of 67108865 bytes is longer than the 67108864 bytes this reader accepts");
  }

  @Test
  void aMistypedFieldShowsNoMoreThanItsShape() {
    JsonFields json = parse("{\"a\": [" + "1,".repeat(100_000) + "1], \"b\": {\"x\": 1}}");
    assertThatThrownBy(() -> json.string("a")).hasMessage("field 'a' must be a string, found an array of 100001 elements");
    assertThatThrownBy(() -> json.integer("b")).hasMessage("field 'b' must be an integer (32-bit), found an object of 1 fields");
  }

  @Test
  void quotedContentStaysOnOneLine() {
    JsonFields json = parse("{\"a\": \"two\\nlines\"}");
    assertThatThrownBy(() -> json.integer("a")).hasMessage("field 'a' must be an integer (32-bit), found \"two\\nlines\"");
  }

  private static JsonFields parse(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return JsonFields.parse(bytes, 0, bytes.length, "test JSON");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
