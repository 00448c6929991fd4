package io.truststram.identity.internal.web;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * The few server-rendered pages of sign-in (second factor, password change, account): plain HTML
 * with every dynamic value escaped, the CSRF token in every form. The only script is the passkey
 * script, served as a file ({@link #withPasskeys}).
 */
final class Html {

  private Html() {}

  /** {@code text} escaped for HTML text and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A whole page titled {@code title} around {@code body} (already HTML). */
  static String page(String title, String body) {
    return page(title, "", body);
  }

  /**
   * A whole page that uses passkeys: it loads the passkey script and gives it the CSRF token, and
   * {@code body} has an element {@code #passkey-error} for its messages.
   */
  static String withPasskeys(HttpServletRequest request, String title, String body) {
    String head = "<script src=\"/login/passkeys.js\" defer></script>";
    if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken csrf) {
      head +=
          "<meta name=\"csrf-header\" content=\""
              + escape(csrf.getHeaderName())
              + "\"><meta name=\"csrf-token\" content=\""
              + escape(csrf.getToken())
              + "\">";
    }
    return page(
        title, head, body + "<p id=\"passkey-error\" class=\"error\" role=\"alert\" hidden></p>");
  }

  private static String page(String title, String head, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + head
        + "<title>"
        + escape(title)
        + " · TrustStram</title><style>"
        + "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}"
        + "label{display:block;margin:.8rem 0 .2rem}input{font-size:1rem;padding:.4rem;width:100%}"
        + "button{margin-top:1rem;font-size:1rem;padding:.5rem 1.2rem}"
        + ".error{color:#a00}.codes{font-family:monospace;font-size:1.1rem}"
        + "</style></head><body><h1>"
        + escape(title)
        + "</h1>"
        + body
        + "</body></html>";
  }

  /** The hidden CSRF field for forms posted in this request's session. */
  static String csrf(HttpServletRequest request) {
    Object token = request.getAttribute(CsrfToken.class.getName());
    if (token instanceof CsrfToken csrf) {
      return "<input type=\"hidden\" name=\""
          + escape(csrf.getParameterName())
          + "\" value=\""
          + escape(csrf.getToken())
          + "\">";
    }
    return "";
  }

  /** A QR code of {@code text} as an inline SVG image. */
  static String qrSvg(String text) {
    try {
      BitMatrix matrix =
          new QRCodeWriter()
              .encode(
                  text,
                  BarcodeFormat.QR_CODE,
                  0,
                  0,
                  Map.of(
                      EncodeHintType.ERROR_CORRECTION,
                      ErrorCorrectionLevel.M,
                      EncodeHintType.MARGIN,
                      4));
      int size = matrix.getWidth();
      StringBuilder svg =
          new StringBuilder(
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"240\" viewBox=\"0 0 "
                  + size
                  + " "
                  + size
                  + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
                  + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          if (matrix.get(x, y)) {
            svg.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
          }
        }
      }
      return svg.append("\"/></svg>").toString();
    } catch (WriterException e) {
      throw new IllegalStateException("cannot encode a QR code", e);
    }
  }
}
