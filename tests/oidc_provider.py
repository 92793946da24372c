"""A real OpenID provider for the tests: oidc-provider-mock served on a free loopback port.

It has discovery, JWKS, authorize, token, userinfo and end-session endpoints; the tests set a
person's claims with PUT /users/<sub> and pick the person on its authorize page, as a user would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

TIMEOUT = 10


@dataclass
class Provider:
    url: str

    def set_person(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=TIMEOUT)
        assert response.status_code == 204, response.text

    def answer(self, authorize_url: str, sub: str | None = None, *, deny: bool = False) -> str:
        """Open the provider's authorize page and choose a person (or deny); returns the
        address the provider sends the browser back to."""
        assert authorize_url.startswith(f"{self.url}/oauth2/authorize"), authorize_url
        page = requests.get(authorize_url, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:500]
        form = {"action": "deny"} if deny else {"sub": sub}
        answer = requests.post(authorize_url, data=form, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]


@contextmanager
def running_provider() -> Iterator[Provider]:
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        yield Provider(url=f"http://localhost:{server.server_port}")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def local_path(url: str) -> str:
    """The app's own address from an absolute callback URL, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
