package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.HttpTestClient;

/** What tests in other packages use of {@link ExplanationApiIntegrationTest}'s fixtures. */
public final class ExplanationApiIntegrationTestAccess {

  private ExplanationApiIntegrationTestAccess() {}

  /** Uploads the example model and explains its first rows under one decision id; the id. */
  public static String explainExample(HttpTestClient client, String decisionId) throws Exception {
    String model = ExplanationApiIntegrationTest.upload(client);
    var response =
        client.postJson(
            ExplanationApiIntegrationTest.API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"tree-path-dependent\",\"rows\":"
                + "[[39,13,2174,0,40,1,0,77516]],\"decisionIds\":[\""
                + decisionId
                + "\"]}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().path("explanation").path("id").asString();
  }

  /** Uploads the example XGBoost model; its id. */
  public static String upload(HttpTestClient client) throws Exception {
    return ExplanationApiIntegrationTest.upload(client);
  }

  /** The rows of an example CSV file, {@code copies} times, as a JSON array of arrays. */
  public static String rows(String file, int copies) throws Exception {
    return ExplanationApiIntegrationTest.rows(file, copies);
  }
}
