package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.ml.data.CsvTable;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowsTest {

  private static CsvTable table(String csv) throws Exception {
    return CsvTable.read(new StringReader(csv), CsvTable.Format.CSV, List.of());
  }

  @Test
  void namedFeaturesAreMatchedByNameInAnyOrder() throws Exception {
    double[][] rows =
        Rows.read(table("b,label,a\n2,1,NA\n4,0,3\n"), List.of("a", "b"), "d", Set.of("label"));
    assertThat(rows[0][0]).isNaN();
    assertThat(rows[0][1]).isEqualTo(2);
    assertThat(rows[1]).containsExactly(3, 4);
  }

  /** A model without names takes its columns by position, skipping the ignored ones. */
  @Test
  void generatedNamesTakeColumnsByPositionAroundIgnoredOnes() throws Exception {
    double[][] rows =
        Rows.read(table("label,x,y\n1,5,6\n"), List.of("f0", "f1"), "d", Set.of("label"));
    assertThat(rows[0]).containsExactly(5, 6);
    assertThatThrownBy(() -> Rows.read(table("x\n1\n"), List.of("f0", "f1"), "d"))
        .hasMessageContaining("d has 1 columns; the model takes 2 features");
    assertThatThrownBy(() -> Rows.read(table("a,b\n1,x\n"), List.of("a", "b"), "d"))
        .hasMessageContaining("d, row 1, 'b': 'x' is not a number");
  }
}
