package io.vibstream.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneLineTest {
  @Test
  void escapesLineBreaksAndControlCharacters() {
    assertThat(OneLine.of("a\nb\r\tc\u0000d\u2028e")).isEqualTo("a\\nb\\r\\tc\\u0000d\\u2028e");
    assertThat(OneLine.of("plain: 'ok'")).isEqualTo("plain: 'ok'");
    assertThat(OneLine.of(null)).isNull();
  }

  @Test
  void cutsLongMessages() {
    assertThat(OneLine.of("x".repeat(OneLine.MAX_CHARS))).hasSize(OneLine.MAX_CHARS);
    assertThat(OneLine.of("x".repeat(5000))).isEqualTo("x".repeat(OneLine.MAX_CHARS) + "...");
  }
}
