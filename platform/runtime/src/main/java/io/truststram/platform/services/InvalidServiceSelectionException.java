package io.truststram.platform.services;

/** {@code truststram.services} does not name a set of services this build can run. */
public class InvalidServiceSelectionException extends RuntimeException {

  public InvalidServiceSelectionException(String message) {
    super(message);
  }
}
