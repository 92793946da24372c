"""gunicorn settings, read automatically when gunicorn starts in this directory
(`gunicorn wsgi:app`), or with `gunicorn -c gunicorn.conf.py wsgi:app` from elsewhere.

gunicorn answers some requests itself before the app sees them: a request line longer than
`limit_request_line` (414), too many or too long header fields (431), a malformed request (400).
Its own pages carry none of the product's security headers; `community.server_errors`
replaces them with the product's error page and headers.
"""

from community import server_errors

limit_request_line = 8190  # long what-if and filter URLs fit; longer lines get the product's 414
limit_request_fields = 100
limit_request_field_size = 8190

server_errors.install()
