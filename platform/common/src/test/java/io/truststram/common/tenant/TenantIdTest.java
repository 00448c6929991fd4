package io.truststram.common.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantIdTest {

  @Test
  void parsesItsOwnTextForm() {
    TenantId id = TenantId.newId();
    assertThat(TenantId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void rejectsTextThatIsNotACanonicalUuid() {
    assertThatThrownBy(() -> TenantId.parse("acme")).isInstanceOf(IllegalArgumentException.class);
    // UUID.fromString accepts short groups such as "1-1-1-1-1"; a tenant id does not.
    assertThatThrownBy(() -> TenantId.parse("1-1-1-1-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TenantId.parse("0192f0c1-0000-7000-8000-00000000000g"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordersByCreationTime() {
    TenantId first = TenantId.newId();
    TenantId second = TenantId.newId();
    assertThat(first).isLessThan(second);
  }
}
