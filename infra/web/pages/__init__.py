"""The web pages: server-rendered Jinja templates over the application services and read models,
under each tenant's brand, in five languages, with HTMX where swapping part of a page helps.

Each area of the product is one module here with its templates in `templates/<area>/`: `public`
(landing, sign-up and -in, password reset) and the others `site.TENANT_PAGES` lists.
Tenant pages are mounted like the tenant API (at the root, resolved by host, and under
`/t/{slug}`), behind `TenantMiddleware` and the pages' guard (`guard.authorize_page`). Static
files (`static/`: the style sheet and htmx) are served at `/static` for every host.

Security, for every page: CSRF tokens on every form and HTMX request (Litestar's CSRF
middleware; the API, which takes bearer tokens or SameSite=Lax cookies, is exempt), session
cookies that are Secure, HttpOnly and SameSite=Lax, and a Content-Security-Policy with no inline
script or style (`CONTENT_SECURITY_POLICY`).
"""
