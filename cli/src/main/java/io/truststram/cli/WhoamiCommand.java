package io.truststram.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram whoami}: who the kept token belongs to, as the server sees it. */
@Command(
    name = "whoami",
    mixinStandardHelpOptions = true,
    description = "Show who you are signed in as: subject, tenant, roles.")
final class WhoamiCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config-dir", hidden = true)
  Path configDir;

  @Override
  public Integer call() throws IOException, InterruptedException {
    LoginCommand.Credentials credentials =
        LoginCommand.Credentials.load(LoginCommand.Credentials.directory(configDir));
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(credentials.server() + "/api/v1/identity/me"))
                  .header("Authorization", "Bearer " + credentials.accessToken())
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        throw new IOException(
            "the server no longer accepts the token; run 'truststram login' again");
      }
      if (response.statusCode() != 200) {
        throw new IOException("the server answered HTTP " + response.statusCode());
      }
      JsonNode me = JsonMapper.builder().build().readTree(response.body());
      var out = spec.commandLine().getOut();
      out.println("subject: " + me.path("subject").asString());
      out.println("tenant:  " + me.path("tenantId").asString());
      out.println("roles:   " + me.path("roles").toString());
      out.println("server:  " + credentials.server());
      return 0;
    }
  }
}
