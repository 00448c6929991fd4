package io.truststram.platform.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.truststram.platform.PlatformProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The HTTP edge shared by every service. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      PlatformProperties properties) {
    var registration =
        new FilterRegistrationBean<>(
            new RequestBodyLimitFilter(properties.http().maxRequestBody().toBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    registration.addUrlPatterns("/*");
    return registration;
  }

  @Bean
  ApiConventionsOpenApiCustomizer apiConventionsOpenApiCustomizer() {
    return new ApiConventionsOpenApiCustomizer();
  }

  @Bean
  OpenAPI trustStramOpenApi(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    return new OpenAPI()
        .info(
            new Info()
                .title("TrustStram API")
                .version(properties == null ? "development" : properties.getVersion())
                .description(
                    "Trustworthy federated AI. Errors are RFC 9457 problem documents whose type"
                        + " URIs are listed in docs/problems.md.")
                .license(new License().name("Apache-2.0")));
  }
}
