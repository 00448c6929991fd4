package io.truststram.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code truststram}: the command line. The launcher script runs it for its non-server commands.
 */
@Command(
    name = "truststram",
    mixinStandardHelpOptions = true,
    versionProvider = TrustStramCli.Version.class,
    description = "TrustStram: trustworthy federated learning.",
    subcommands = {
      LoginCommand.class,
      WhoamiCommand.class,
      FlCommand.class,
      DatasetsCommand.class,
      CryptoCommand.class,
      AuditCommand.class,
      PrivacyCommand.class,
      SecAggCommand.class,
      ExplainCommand.class,
      FairnessCommand.class,
      TrustCommand.class
    })
public final class TrustStramCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with TrustStram's handling of bad input: a message and exit code 2. */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new TrustStramCli());
    line.setExecutionExceptionHandler(
        (error, cmd, parsed) -> {
          if (error instanceof IllegalArgumentException) {
            cmd.getErr().println("truststram: " + error.getMessage());
            return 2;
          }
          if (error instanceof java.io.IOException) {
            cmd.getErr().println("truststram: " + error.getMessage());
            return 1;
          }
          throw error;
        });
    return line;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrustStramCli.class.getPackage().getImplementationVersion();
      return new String[] {"truststram " + (version == null ? "development" : version)};
    }
  }
}
