package io.truststram.identity.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final Policy MFA_FOR_DEPLOY =
      new Policy(
          "deploy-needs-mfa",
          Policy.Effect.REQUIRE,
          List.of("model:deploy"),
          List.of(new Condition("principal.mfa", "equals", true)),
          "");
  private static final Policy EU_ONLY =
      new Policy(
          "eu-only",
          Policy.Effect.DENY,
          List.of("model:*", "federation:*"),
          List.of(new Condition("resource.region", "notIn", List.of("eu-west", "eu-central"))),
          "");
  private static final Policy OFFICE_HOURS =
      new Policy(
          "office-hours",
          Policy.Effect.REQUIRE,
          List.of("key:*"),
          List.of(new Condition("request.time", "hourBetween", List.of("08:00", "18:00"))),
          "");
  private static final Policy OWN_TENANT =
      new Policy(
          "own-tenant",
          Policy.Effect.REQUIRE,
          List.of("*"),
          List.of(new Condition("resource.tenant", "sameAs", "principal.tenant")),
          "");

  private static Map<String, @Nullable Object> attributes(Object... pairs) {
    Map<String, @Nullable Object> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void aRequireRuleRefusesWhenItsConditionFailsAndSaysWhy() {
    var denied =
        PolicyEngine.decide(
            List.of(MFA_FOR_DEPLOY), "model:deploy", attributes("principal.mfa", false));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.refusedBy()).containsExactly("deploy-needs-mfa");
    assertThat(denied.rules().getFirst().conditions().getFirst().actual()).isEqualTo(false);
    assertThat(
            PolicyEngine.decide(
                    List.of(MFA_FOR_DEPLOY), "model:deploy", attributes("principal.mfa", true))
                .allowed())
        .isTrue();
    assertThat(PolicyEngine.decide(List.of(MFA_FOR_DEPLOY), "model:read", attributes()).rules())
        .as("a rule for another action does not apply")
        .isEmpty();
  }

  @Test
  void aDenyRuleRefusesWhenItsConditionsHoldAndWildcardsMatchActions() {
    assertThat(
            PolicyEngine.decide(
                    List.of(EU_ONLY), "federation:create", attributes("resource.region", "us-east"))
                .refusedBy())
        .containsExactly("eu-only");
    assertThat(
            PolicyEngine.decide(
                    List.of(EU_ONLY), "model:deploy", attributes("resource.region", "eu-west"))
                .allowed())
        .isTrue();
    assertThat(PolicyEngine.decide(List.of(EU_ONLY), "model:deploy", attributes()).allowed())
        .as("a missing region is not in the list")
        .isFalse();
  }

  @Test
  void timeOfDayWindowsWorkAcrossMidnightToo() {
    assertThat(
            PolicyEngine.decide(
                    List.of(OFFICE_HOURS),
                    "key:use",
                    attributes("request.time", "2026-11-26T09:30:00Z"))
                .allowed())
        .isTrue();
    assertThat(
            PolicyEngine.decide(
                    List.of(OFFICE_HOURS),
                    "key:use",
                    attributes("request.time", "2026-11-26T18:00:00Z"))
                .allowed())
        .isFalse();
    Condition night = new Condition("request.time", "hourBetween", List.of("22:00", "06:00"));
    assertThat(night.holds(attributes("request.time", "2026-11-26T23:10:00Z"))).isTrue();
    assertThat(night.holds(attributes("request.time", "2026-11-26T05:59:59Z"))).isTrue();
    assertThat(night.holds(attributes("request.time", "2026-11-26T12:00:00Z"))).isFalse();
  }

  @Test
  void sameAsComparesTwoAttributesAndEveryRuleMustAllow() {
    var decision =
        PolicyEngine.decide(
            List.of(OWN_TENANT, MFA_FOR_DEPLOY),
            "model:deploy",
            attributes("resource.tenant", "b", "principal.tenant", "a", "principal.mfa", true));
    assertThat(decision.refusedBy()).containsExactly("own-tenant");
    assertThat(decision.rules()).hasSize(2);
  }

  @Test
  void malformedRulesAreRefusedWhenWritten() {
    assertThatThrownBy(() -> new Condition("user.mfa", "equals", true))
        .hasMessageContaining("principal.<name>");
    assertThatThrownBy(() -> new Condition("principal.mfa", "matches", true))
        .hasMessageContaining("operator");
    assertThatThrownBy(() -> new Condition("resource.region", "in", "eu"))
        .hasMessageContaining("list");
    assertThatThrownBy(() -> new Condition("request.time", "hourBetween", List.of("8", "18:00")))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(
            () -> new Policy("Bad Id", Policy.Effect.DENY, List.of("model:deploy"), List.of(), ""))
        .hasMessageContaining("policy id");
    assertThatThrownBy(
            () ->
                new Policy(
                    "x",
                    Policy.Effect.DENY,
                    List.of("deploy everything"),
                    List.of(new Condition("principal.mfa", "equals", true)),
                    ""))
        .hasMessageContaining("actions");
  }
}
