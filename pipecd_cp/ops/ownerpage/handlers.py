"""The owner page's handlers: PipeCD's pages (list and add projects, reset a static admin's
password, application counts) behind the owner credential, with CSRF tokens on every form.

CSRF: every POST must carry the `_xsrf` form token matching its cookie (Tornado's double-submit
check), except requests authenticated by `Authorization: Bearer TOKEN`, which carry no ambient
credential. Every value is HTML-escaped by the templates; pages showing credentials are
`Cache-Control: no-store`.
"""
from __future__ import annotations

import datetime
import logging
import re
from typing import Any
from urllib.parse import quote

import tornado.web

from pipecd_cp.bootstrap import create_project, generate_password, hash_password
from pipecd_cp.domain.insights import KIND_LABEL, STATUS_LABEL, application_counts
from pipecd_cp.errors import AlreadyExists, InvalidArgument, NotFound
from pipecd_cp.ops.ownerpage.auth import COOKIE, SESSION_DAYS, STATE_KEY, OwnerAuth
from pipecd_cp.ops.ownerpage.templates import loader
from pipecd_cp.proto.model import project_pb2
from pipecd_cp.server.http.base import BaseHandler

log = logging.getLogger("pipecd_cp.ops.ownerpage")
PROJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
TEMPLATE_KEY = "pipecd_cp.ops.ownerpage"


def _iso(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if ts else ""


class OwnerHandler(BaseHandler):
    """Base: authentication, CSRF, templates and HTML errors."""

    public = False  # True for the login page

    # templates (cached by Tornado under our own key, never shared with other handlers)
    def get_template_path(self) -> str:
        return TEMPLATE_KEY

    def create_template_loader(self, template_path: str) -> Any:
        return loader()

    @property
    def owner(self) -> OwnerAuth | None:
        return self.host.state.get(STATE_KEY)

    def get_template_namespace(self) -> dict[str, Any]:
        ns = super().get_template_namespace()
        ns["signed_in"] = getattr(self, "_signed_in", False)
        return ns

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                                                   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

    def _bearer(self) -> str:
        header = self.request.headers.get("Authorization", "")
        return header[7:].strip() if header[:7].lower() == "bearer " else ""

    def _session_ok(self, owner: OwnerAuth) -> bool:
        raw = self.get_signed_cookie(COOKIE, max_age_days=SESSION_DAYS)
        return raw is not None and raw.decode(errors="replace") == owner.fingerprint

    async def prepare(self) -> None:
        super().prepare()
        owner = self.owner
        if owner is None:
            self.set_status(503)
            self.render("not_configured.html")
            return
        bearer = self._bearer()
        if bearer:
            if not owner.token_ok(bearer):
                raise tornado.web.HTTPError(401, "the bearer token is not the owner token")
            self._signed_in, self._by_header = True, True
        else:
            self._signed_in, self._by_header = self._session_ok(owner), False
        if self.request.method not in ("GET", "HEAD") and not self._by_header:
            self.check_xsrf_cookie()
        if not self._signed_in and not self.public:
            if self.request.method in ("GET", "HEAD"):
                self.redirect("/login?next=" + quote(self.request.uri or "/", safe=""))
                return
            raise tornado.web.HTTPError(401, "sign in first")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        status_code, message = self.error_answer(status_code, kwargs)
        self.render("error.html", code=status_code, reason=self._reason, message=message)

    def no_store(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Pragma", "no-cache")


def _safe_next(value: str) -> str:
    """Only same-site paths (no scheme, no host, no `//`)."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


class LoginHandler(OwnerHandler):
    public = True

    def get(self) -> None:
        if self._signed_in:
            self.redirect(_safe_next(self.get_argument("next", "/")))
            return
        self.render("login.html", error="", next_url=_safe_next(self.get_argument("next", "/")))

    async def post(self) -> None:
        owner = self.owner
        assert owner is not None
        client = self.request.remote_ip or "?"
        next_url = _safe_next(self.get_body_argument("next", "/"))
        if owner.throttled(client):
            self.set_status(429)
            self.render("login.html", error="Too many failed attempts; try again in a few minutes.", next_url=next_url)
            return
        secret = self.get_body_argument("secret", "")
        ok = owner.token_ok(secret) or await self.host.runner.run(owner.password_ok, secret)
        if not ok:
            owner.failed(client)
            log.warning("ownerpage | failed sign-in from %s", client)
            self.set_status(401)
            self.render("login.html", error="Wrong password or token.", next_url=next_url)
            return
        owner.succeeded(client)
        self.set_signed_cookie(COOKIE, owner.fingerprint, expires_days=SESSION_DAYS, httponly=True,
                               samesite="Strict", secure=self.request.protocol == "https", path="/")
        log.info("ownerpage | owner signed in from %s", client)
        self.redirect(next_url)


class LogoutHandler(OwnerHandler):
    public = True

    def post(self) -> None:
        self.clear_cookie(COOKIE, path="/")
        self.redirect("/login")


class TopHandler(OwnerHandler):
    def get(self) -> None:
        self.render("top.html")


class ProjectsHandler(OwnerHandler):
    async def get(self) -> None:
        projects = await self.host.stores.projects.find_all()
        rows = [{"id": p.id, "desc": p.desc, "static_admin_disabled": str(p.static_admin_disabled).lower(),
                 "shared_sso_name": p.shared_sso_name, "created_at": _iso(p.created_at)}
                for p in sorted(projects, key=lambda p: p.id)]
        self.render("projects.html", projects=rows)


class AddProjectHandler(OwnerHandler):
    def _shared_sso(self) -> list[str]:
        return [s.name for s in self.host.config.spec.shared_sso_configs]

    def get(self) -> None:
        self.render("add_project.html", error="", form={}, shared_sso=self._shared_sso())

    async def post(self) -> None:
        form = {k: self.get_body_argument(k, "").strip() for k in ("ID", "Description", "SharedSSO")}
        allow_stray = self.get_body_argument("AllowStrayAsViewer", "") == "on"
        error = ""
        if not PROJECT_ID.match(form["ID"]):
            error = "The ID must be 1-50 letters, digits, '.', '_' or '-', starting with a letter or digit."
        elif form["SharedSSO"] and form["SharedSSO"] not in self._shared_sso():
            error = f"SharedSSOConfig {form['SharedSSO']!r} is not in the control-plane configuration."
        elif self.host.config.spec.project(form["ID"]) is not None:
            error = f"Project {form['ID']!r} is defined in the control-plane configuration file."
        if not error:
            try:
                username, password = await create_project(self.host, form["ID"], form["Description"],
                                                          shared_sso_name=form["SharedSSO"],
                                                          allow_stray_as_viewer=allow_stray)
            except AlreadyExists:
                error = f"Project {form['ID']!r} already exists."
            except InvalidArgument as exc:
                error = f"The project is not valid: {exc.message}"
        if error:
            self.set_status(409 if "already exists" in error else 400)
            self.render("add_project.html", error=error, form=form, shared_sso=self._shared_sso())
            return
        log.info("ownerpage | project %s added", form["ID"])
        self.no_store()
        self.render("credentials.html", heading="Project added", project_id=form["ID"], desc=form["Description"],
                    username=username, password=password)


class ResetPasswordHandler(OwnerHandler):
    async def _project(self, project_id: str) -> project_pb2.Project:
        try:
            return await self.host.stores.projects.get(project_id)
        except NotFound:
            raise tornado.web.HTTPError(404, f"no datastore project {project_id!r}") from None

    async def get(self) -> None:
        project = await self._project(self.get_argument("ID", ""))
        self.render("reset_password.html", error="", project_id=project.id)

    async def post(self) -> None:
        project_id = self.get_body_argument("ID", "")
        confirmation = self.get_body_argument("confirmationID", "")
        project = await self._project(project_id)
        if confirmation != project_id:
            self.set_status(400)
            self.render("reset_password.html", error="The confirmation does not match the project ID.",
                        project_id=project.id)
            return
        password = generate_password()
        digest = await self.host.runner.run(hash_password, password)
        username_holder: list[str] = []

        def change(p: project_pb2.Project) -> None:
            p.static_admin.username = p.static_admin.username or generate_password(10).lower()
            p.static_admin.password_hash = digest
            username_holder[:] = [p.static_admin.username]
        await self.host.stores.projects.update(project_id, change)
        await self.host.stores.projects.credentials_changed(project_id)
        log.info("ownerpage | static admin password of project %s reset", project_id)
        self.no_store()
        self.render("credentials.html", heading="Password reset", project_id=project_id, desc="",
                    username=username_holder[0], password=password)


class ApplicationCountsHandler(OwnerHandler):
    async def get(self) -> None:
        rows = []
        for project in sorted(await self.host.stores.projects.find_all(), key=lambda p: p.id):
            updated_at, counts = await application_counts(self.host.stores, project.id)
            kinds: dict[str, int] = {}
            statuses: dict[str, int] = {}
            for c in counts:
                kinds[c.labels[KIND_LABEL]] = kinds.get(c.labels[KIND_LABEL], 0) + c.count
                statuses[c.labels[STATUS_LABEL]] = statuses.get(c.labels[STATUS_LABEL], 0) + c.count
            rows.append({"project": project.id, "total": sum(kinds.values()), "kinds": sorted(kinds.items()),
                         "statuses": sorted(statuses.items()), "updated_at": _iso(updated_at) or "never"})
        self.render("counts.html", rows=rows)
