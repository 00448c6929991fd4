package io.truststram.platform.audit;

import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Records requests for the audit trail in every service role. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration implements WebMvcConfigurer {

  /** Before the security filters (at -100), after the body limit (at HIGHEST_PRECEDENCE + 10). */
  static final int ORDER = -110;

  @Bean
  FilterRegistrationBean<RequestAuditFilter> requestAuditFilter(
      ApplicationEventPublisher events, PlatformTransactionManager transactions, Clock clock) {
    var registration =
        new FilterRegistrationBean<>(
            new RequestAuditFilter(events, new TransactionTemplate(transactions), clock));
    registration.setOrder(ORDER);
    registration.addUrlPatterns("/*");
    return registration;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new AuditInterceptor());
  }
}
