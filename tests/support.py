"""Small helpers for tests: free ports, CSRF tokens, logging in with the test client."""

import re
import socket

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(client, path: str = "/employer/login") -> str:
    """The CSRF token of a page, read from its meta tag as the browser's script does."""
    html = client.get(path).get_data(as_text=True)
    return CSRF_META.search(html).group(1)


def login(client, email: str, password: str, **extra_headers):
    """Both steps of the login form; returns the response of the password step."""
    token = csrf_token(client)
    client.post("/employer/login", data={"csrf_token": token, "step": "email", "email": email})
    return client.post("/employer/login", data={"csrf_token": token, "step": "password", "email": email,
                                                "password": password}, headers=extra_headers)
