package io.truststram.platform.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.stereotype.Component;

/**
 * How a failing asynchronous listener is logged: a {@link DeliveryDeferredException} (try again
 * later) as one warning line, anything else as an error with its stack trace.
 */
@Component
class ListenerFailureLogging implements AsyncConfigurer {

  private static final Logger log = LoggerFactory.getLogger(ListenerFailureLogging.class);

  @Override
  public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
    return (failure, method, arguments) -> {
      String listener = method.getDeclaringClass().getSimpleName() + "." + method.getName();
      if (failure instanceof DeliveryDeferredException deferred) {
        log.warn(
            "{} deferred an event ({}); it will be delivered again",
            listener,
            deferred.getMessage());
      } else {
        log.error("{} failed on an event; it will be delivered again", listener, failure);
      }
    };
  }
}
