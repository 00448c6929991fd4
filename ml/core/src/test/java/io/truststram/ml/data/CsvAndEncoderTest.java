package io.truststram.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CsvAndEncoderTest {

  private static final TabularEncoder.Schema SCHEMA =
      new TabularEncoder.Schema(
          List.of(
              new TabularEncoder.Numeric("height"),
              new TabularEncoder.Categorical("colour"),
              new TabularEncoder.Ignored("id"),
              new TabularEncoder.Label("kind", ".")),
          Set.of("?", ""));

  @Test
  void readsQuotedTrimmedFieldsAndSkipsCommentsAndBlankLines() throws IOException {
    CsvTable table =
        CsvTable.read(
            new StringReader(
                "id, height ,colour,kind\n# a comment\n1, 2.5 , \"red, dark\",a\n\n2,3,\"say \"\"hi\"\"\",b\n"),
            new CsvTable.Format(',', true, "#"),
            List.of());
    assertThat(table.columns()).containsExactly("id", "height", "colour", "kind");
    assertThat(table.rows()).hasSize(2);
    assertThat(table.column("colour")).containsExactly("red, dark", "say \"hi\"");
    assertThat(table.column("height")).containsExactly("2.5", "3");
  }

  @Test
  void rowsOfTheWrongWidthAndUnclosedQuotesNameTheirLine() {
    assertThatThrownBy(
            () -> CsvTable.read(new StringReader("a,b\n1,2\n3\n"), CsvTable.Format.CSV, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("line 3 has 1 fields; expected 2");
    assertThatThrownBy(
            () -> CsvTable.read(new StringReader("a,b\n\"1,2\n"), CsvTable.Format.CSV, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2: a quote is never closed");
  }

  @Test
  void statisticsComeFromTheTrainingTableOnly() throws IOException {
    CsvTable train = table("1,10,red,a\n2,20,blue,b\n3,?,red,a\n4,30,green,b.\n");
    CsvTable test = table("5,40,purple,a.\n6,?,blue,b\n");
    TabularEncoder encoder = TabularEncoder.fit(SCHEMA, train);

    assertThat(encoder.featureNames())
        .containsExactly("height", "colour=blue", "colour=green", "colour=red");
    assertThat(encoder.classes()).containsExactly("a", "b");

    Dataset encoded = encoder.transform(test);
    assertThat(encoded.rows()).isEqualTo(2);
    // Training heights 10, 20, 30: mean 20, sample standard deviation 10.
    assertThat(encoded.row(0)[0]).isCloseTo(2f, within(1e-6f));
    // A missing height is the training mean: 0 once standardised.
    assertThat(encoded.row(1)[0]).isZero();
    // An unseen colour sets no indicator; a known one sets its own.
    assertThat(encoded.row(0)).containsExactly(2f, 0f, 0f, 0f);
    assertThat(encoded.row(1)).containsExactly(0f, 1f, 0f, 0f);
    assertThat(encoded.labels()).containsExactly(0, 1);
  }

  @Test
  void unusableRowsAreRefusedWithTheReason() throws IOException {
    TabularEncoder encoder = TabularEncoder.fit(SCHEMA, table("1,10,red,a\n2,20,blue,b\n"));
    assertThatThrownBy(() -> encoder.transform(table("3,15,red,c\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 1: label 'c' was not seen in training");
    assertThatThrownBy(() -> encoder.transform(table("3,tall,red,a\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column height: 'tall' is not a finite number");
    assertThatThrownBy(() -> encoder.transform(table("3,NaN,red,a\n")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TabularEncoder.fit(SCHEMA, table("1,10,red,a\n2,20,blue,a\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fewer than two classes");
  }

  @Test
  void subsetsAndClassCounts() throws IOException {
    Dataset data =
        TabularEncoder.fit(SCHEMA, table("1,10,red,a\n2,20,blue,b\n3,30,red,a\n"))
            .transform(table("1,10,red,a\n2,20,blue,b\n3,30,red,a\n"));
    assertThat(data.classCounts()).containsExactly(2, 1);
    Dataset subset = data.subset(new int[] {2, 1});
    assertThat(subset.labels()).containsExactly(0, 1);
    assertThat(subset.row(0)).containsExactly(data.row(2));
  }

  private static CsvTable table(String rows) throws IOException {
    return CsvTable.read(
        new StringReader(rows),
        new CsvTable.Format(',', false, ""),
        List.of("id", "height", "colour", "kind"));
  }
}
