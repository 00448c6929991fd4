package io.truststram.probe;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The probe service's only endpoint. */
@RestController
class ProbeController {

  @GetMapping("/api/v1/probe")
  Map<String, String> probe() {
    return Map.of("service", "probe");
  }
}
