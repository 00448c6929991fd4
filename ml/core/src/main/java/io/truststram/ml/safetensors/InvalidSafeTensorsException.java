package io.truststram.ml.safetensors;

/** A safetensors file or stream that breaks the format; the message says where and how. */
public final class InvalidSafeTensorsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidSafeTensorsException(String message) {
    super(message);
  }

  InvalidSafeTensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
