#!/usr/bin/env python3
"""Signs the bootstrap admin in (code + PKCE, changing the one-time password) and creates a
platform-admin API client through /account/clients. Prints "<client id> <secret>".

Usage: signin.py BASE_URL ONE_TIME_PASSWORD NEW_PASSWORD
Benchmark helper only: the product's own tests do the same in Java (BrowserLogin)."""
import base64, hashlib, http.cookiejar, os, re, sys, urllib.parse, urllib.request

base, one_time, chosen = sys.argv[1], sys.argv[2], sys.argv[3]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def call(method, url, fields=None):
    url = url if url.startswith("http") else base + url
    data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "text/html"})
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, response.headers.get("Location"), response.read().decode()


def csrf(page):
    return re.search(r'name="_csrf"[^>]*value="([^"]+)"', page).group(1)


verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
call("GET", "/oauth2/authorize?" + urllib.parse.urlencode(dict(
    response_type="code", client_id="truststram-cli", redirect_uri="http://127.0.0.1/callback",
    scope="openid", code_challenge=challenge, code_challenge_method="S256")))
_, _, page = call("GET", "/login")
_, location, _ = call("POST", "/login", dict(username="admin", password=one_time, _csrf=csrf(page)))
for _ in range(10):
    if location is None or location.startswith("http://127.0.0.1/callback"):
        break
    status, location, page = call("GET", location)
    if status == 200 and 'action="/account/password"' in page:
        status, location, page = call("POST", "/account/password", dict(
            current=one_time, password=chosen, confirm=chosen, _csrf=csrf(page)))
_, _, page = call("GET", "/account/clients")
_, _, page = call("POST", "/account/clients", dict(
    name="bench", roles=["platform-admin"], _csrf=csrf(page)))
client = re.search(r"Client id: <code>([^<]+)</code>", page).group(1)
secret = re.search(r"Secret: <code>([^<]+)</code>", page).group(1)
print(client, secret)
