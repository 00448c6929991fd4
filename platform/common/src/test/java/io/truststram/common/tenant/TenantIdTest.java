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
    // 36 characters that UUID.fromString would accept, but not the canonical form.
    assertThatThrownBy(() -> TenantId.parse("+1234567-1234-1234-1234-123456789012"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TenantId.parse("0192f0c1-0000-7000-8000-0000000000000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsUpperCaseAndPrintsLowerCase() {
    TenantId id = TenantId.parse("0192F0C1-0000-7000-8000-00000000000A");
    assertThat(id.toString()).isEqualTo("0192f0c1-0000-7000-8000-00000000000a");
  }

  @Test
  void ordersAsUnsignedBytesLikeItsTextAndTheDatabases() {
    TenantId low = TenantId.parse("00000000-0000-7000-8000-000000000001");
    TenantId high = TenantId.parse("f0000000-0000-7000-8000-000000000001");
    assertThat(low).isLessThan(high);
    assertThat(low.toString()).isLessThan(high.toString());
    TenantId lowTail = TenantId.parse("00000000-0000-7000-0000-000000000001");
    TenantId highTail = TenantId.parse("00000000-0000-7000-f000-000000000001");
    assertThat(lowTail).isLessThan(highTail);
  }

  @Test
  void ordersByCreationTime() {
    TenantId first = TenantId.newId();
    TenantId second = TenantId.newId();
    assertThat(first).isLessThan(second);
  }
}
