package io.truststram.identity.internal.user;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.common.problem.ProblemException;
import io.truststram.identity.IdentityProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {

  private final PasswordPolicy policy = new PasswordPolicy(12, 128);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "correct horse battery staple",
        "Tr0ub4dor&3xyz",
        "ünïcödé pässwörd",
        "a1b2c3d4e5f6g7"
      })
  void acceptsLongVariedPasswords(String password) {
    assertThatCode(() -> policy.check(password, "ada@example.org")).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "short1!",
        "password1234",
        "Password1234",
        "aaaaaaaaaaaaaaaa",
        "ababababababab",
        "abcdefghijklmnop",
        "zyxwvutsrqponm",
        "my-ada-password-is-long"
      })
  void rejectsShortCommonRepetitiveSequentialOrNameBearingPasswords(String password) {
    assertThatThrownBy(() -> policy.check(password, "ada@example.org"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.type())
                    .isEqualTo(IdentityProblems.PASSWORD_REJECTED))
        .message()
        .doesNotContain(password);
  }

  @Test
  void countsCharactersNotBytesAndCapsTheLength() {
    assertThatCode(() -> policy.check("éàüöäëïîôûç1", "x")).doesNotThrowAnyException();
    assertThatThrownBy(() -> policy.check("x".repeat(60) + "y".repeat(69), "ada"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("at most 128");
  }
}
