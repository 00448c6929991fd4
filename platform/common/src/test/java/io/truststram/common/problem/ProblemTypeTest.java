package io.truststram.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ProblemTypeTest {

  @Test
  void uriIsTheBaseFollowedByTheSlug() {
    assertThat(ProblemTypes.NOT_FOUND.uri().toString())
        .isEqualTo("https://truststram.io/problems/not-found");
  }

  @Test
  void genericSlugsAreUnique() {
    assertThat(new HashSet<>(ProblemTypes.ALL.stream().map(ProblemType::slug).toList()))
        .hasSize(ProblemTypes.ALL.size());
  }

  @Test
  void rejectsSlugsThatAreNotKebabCaseAndStatusesThatAreNotErrors() {
    assertThatThrownBy(() -> new ProblemType("Not Found", 404, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProblemType("ok", 200, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mapsBareStatusesToGenericTypes() {
    assertThat(ProblemTypes.forStatus(413)).isEqualTo(ProblemTypes.PAYLOAD_TOO_LARGE);
    assertThat(ProblemTypes.forStatus(401)).isEqualTo(ProblemTypes.UNAUTHORIZED);
    assertThat(ProblemTypes.forStatus(500)).isEqualTo(ProblemTypes.INTERNAL_ERROR);
  }

  @Test
  void statusesWithoutATypeOfTheirOwnGetOneThatAgreesWithTheStatus() {
    for (int status : new int[] {408, 418, 422, 502, 504}) {
      ProblemType type = ProblemTypes.forStatus(status);
      assertThat(type.status()).isEqualTo(status);
      assertThat(type.slug()).isEqualTo("http-" + status);
    }
  }

  @Test
  void exceptionCarriesTypeDetailAndProperties() {
    var e =
        new ProblemException(ProblemTypes.CONFLICT, "slug taken", java.util.Map.of("slug", "acme"));
    assertThat(e.type()).isEqualTo(ProblemTypes.CONFLICT);
    assertThat(e.detail()).isEqualTo("slug taken");
    assertThat(e.properties()).containsEntry("slug", "acme");
  }
}
