package io.truststram.platform.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceSelectionTest {

  private static final Set<String> PRESENT = Set.of("identity", "federation", "gateway");

  @Test
  void allSelectsEveryServicePresent() {
    ServiceSelection selection = ServiceSelection.resolve(List.of("all"), PRESENT);
    assertThat(selection.selected()).containsExactly("federation", "gateway", "identity");
    assertThat(selection.isMonolith()).isTrue();
  }

  @Test
  void aListSelectsThoseServicesIgnoringCaseAndSpaces() {
    ServiceSelection selection =
        ServiceSelection.resolve(List.of(" Gateway", "identity "), PRESENT);
    assertThat(selection.selected()).containsExactly("gateway", "identity");
    assertThat(selection.isMonolith()).isFalse();
  }

  @Test
  void excludesOnlyClassesOfServicesPresentButNotSelected() {
    ServiceSelection selection = ServiceSelection.resolve(List.of("gateway"), PRESENT);
    assertThat(selection.excludes("io.truststram.federation.internal.Coordinator")).isTrue();
    assertThat(selection.excludes("io.truststram.identity.Tenants")).isTrue();
    assertThat(selection.excludes("io.truststram.gateway.Routes")).isFalse();
    assertThat(selection.excludes("io.truststram.platform.web.Problems")).isFalse();
    assertThat(selection.excludes("io.truststram.common.tenant.TenantId")).isFalse();
    assertThat(selection.excludes("io.truststram.TrustStram")).isFalse();
    assertThat(selection.excludes("org.springframework.Foo")).isFalse();
  }

  @Test
  void infrastructureIsNeverAService() {
    ServiceSelection selection =
        ServiceSelection.resolve(List.of("all"), Set.of("identity", "platform", "common"));
    assertThat(selection.available()).containsExactly("identity");
  }

  @Test
  void refusesUnknownServicesNamingWhatIsAvailable() {
    assertThatThrownBy(() -> ServiceSelection.resolve(List.of("gateway", "gatway"), PRESENT))
        .isInstanceOf(InvalidServiceSelectionException.class)
        .hasMessageContaining("[gatway]")
        .hasMessageContaining("[federation, gateway, identity]");
  }

  @Test
  void refusesAnEmptySelectionAndAllMixedWithNames() {
    assertThatThrownBy(() -> ServiceSelection.resolve(List.of(" ", ""), PRESENT))
        .isInstanceOf(InvalidServiceSelectionException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ServiceSelection.resolve(List.of("all", "gateway"), PRESENT))
        .isInstanceOf(InvalidServiceSelectionException.class)
        .hasMessageContaining("mixes");
  }
}
