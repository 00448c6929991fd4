package io.truststram.common.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CursorsTest {

  @Property
  void decodeInvertsEncode(@ForAll @StringLength(min = 1, max = 200) String position) {
    assertThat(Cursors.decode(Cursors.encode(position))).isEqualTo(position);
  }

  @Property
  void arbitraryTextEitherDecodesOrFailsWithAProblem(@ForAll String text) {
    try {
      Cursors.decode(text);
    } catch (ProblemException e) {
      assertThat(e.type()).isEqualTo(ProblemTypes.INVALID_PARAMETER);
    }
  }

  @Test
  void rejectsTokensItDidNotMake() {
    for (String bad : List.of("", "!!!", "djI6eA", "eA", "x".repeat(2000))) {
      assertThatThrownBy(() -> Cursors.decode(bad))
          .isInstanceOf(ProblemException.class)
          .hasMessageContaining("cursor");
    }
  }

  @Test
  void pageFromLookaheadDropsTheExtraRowAndPointsPastTheLastItem() {
    PageRequest request = new PageRequest(2, null);
    Page<String> page = Page.fromLookahead(List.of("a", "b", "c"), request, s -> s);
    assertThat(page.items()).containsExactly("a", "b");
    assertThat(page.nextCursor()).isNotNull();
    assertThat(Cursors.decode(page.nextCursor())).isEqualTo("b");

    Page<String> last = Page.fromLookahead(List.of("c"), request, s -> s);
    assertThat(last.items()).containsExactly("c");
    assertThat(last.nextCursor()).isNull();
  }

  @Test
  void pageRequestBoundsTheLimit() {
    assertThat(PageRequest.of(null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
    assertThatThrownBy(() -> PageRequest.of(0, null)).isInstanceOf(ProblemException.class);
    assertThatThrownBy(() -> PageRequest.of(PageRequest.MAX_LIMIT + 1, null))
        .isInstanceOf(ProblemException.class);
    assertThat(PageRequest.of(10, Cursors.encode("x")).after()).isEqualTo("x");
  }
}
