package io.truststram.cli;

import io.truststram.ml.data.AdultDataset;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code truststram datasets}: standard data sets, downloaded and verified. */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "Download standard data sets and verify their checksums.",
    subcommands = {DatasetsCommand.Fetch.class})
final class DatasetsCommand extends CommandGroup {

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = "Download a data set (adult) and verify it before it is kept.")
  static final class Fetch implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The data set: adult (UCI Adult, CC BY 4.0).")
    String name;

    @Option(
        names = "--from",
        description = "Where to download from (a mirror, or a file: directory); default: UCI.")
    URI from = AdultDataset.UCI;

    @Option(names = "--to", description = "Directory to keep it in; default: ${DEFAULT-VALUE}.")
    Path to = Path.of("data", "datasets", "adult");

    @Override
    public Integer call() throws IOException {
      if (!name.equals("adult")) {
        throw new IllegalArgumentException("unknown data set '" + name + "'; known: adult");
      }
      String base = from.toString().endsWith("/") ? from.toString() : from + "/";
      AdultDataset.fetch(URI.create(base), to);
      spec.commandLine()
          .getOut()
          .println(
              "adult: adult.data, adult.test and adult.names verified and kept in "
                  + to.toAbsolutePath()
                  + " (UCI Adult, Becker and Kohavi 1996, CC BY 4.0)");
      return 0;
    }
  }
}
