package io.truststram.crypto.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.crypto.CryptoProblems;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key manager's outputs as text: {@code ts:v<version>:<base64>}, so that every ciphertext,
 * signature, encapsulation and HMAC says which key version made it.
 */
final class Ciphertexts {

  private static final Pattern FORMAT = Pattern.compile("ts:v([1-9][0-9]{0,8}):([A-Za-z0-9+/=]+)");

  /** A parsed output: the version and the bytes. */
  record Versioned(int version, byte[] bytes) {}

  private Ciphertexts() {}

  static String format(int version, byte[] bytes) {
    return "ts:v" + version + ":" + Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Parses {@code text} given as {@code field}.
   *
   * @throws ProblemException {@link CryptoProblems#INVALID_INPUT} when it is not one
   */
  static Versioned parse(String field, String text) {
    Matcher matcher = FORMAT.matcher(text.strip());
    if (!matcher.matches()) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT, field + " must look like ts:v<version>:<base64>");
    }
    return new Versioned(Integer.parseInt(matcher.group(1)), base64(field, matcher.group(2)));
  }

  /**
   * Decodes standard base64.
   *
   * @throws ProblemException {@link CryptoProblems#INVALID_INPUT} when it is not
   */
  static byte[] base64(String field, String value) {
    try {
      return Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, field + " is not valid base64");
    }
  }
}
