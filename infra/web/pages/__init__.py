"""The web pages: server-rendered Jinja templates over the application services and read models,
under each tenant's brand, in five languages, with HTMX where swapping part of a page helps.

Each area of the product is one module here with its templates in `templates/<area>/`: `public`
(landing, sign-up and -in, password reset) and the others; each feature declares its areas'
pages (`Feature.pages`).
Tenant pages are mounted like the tenant API (at the root, resolved by host, and under
`/t/{slug}`), behind `TenantMiddleware` and the pages' guard (`guard.authorize_page`). Static
files (`static/`: the style sheet and htmx) are served at `/static` for every host.

Security, for every page: CSRF tokens on every form and HTMX request, bound to the session
(Litestar's CSRF middleware and `infra.web.csrf.SessionBoundCsrf`; the API checks the same token
itself when it is called with the session cookie, see `infra.web.csrf`), session cookies that
are Secure, HttpOnly and SameSite=Lax, and a Content-Security-Policy with no inline script or
style (`CONTENT_SECURITY_POLICY`).
"""
