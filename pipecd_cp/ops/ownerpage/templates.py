"""The owner page's HTML (Tornado templates: every `{{ }}` is HTML-escaped)."""
from __future__ import annotations

import tornado.template

_BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}pipecd-cp owner page{% end %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
nav a{margin-right:1rem}.secret{font-family:monospace;background:#fff6d5;padding:.2rem .4rem}
.error{color:#a00}label{display:block;margin:.5rem 0}
</style></head><body>
<nav>{% if signed_in %}<a href="/">Top</a><a href="/projects">List Projects</a><a href="/projects/add">Add Project</a>
<a href="/applicationcounts">Application Counts</a>
<form method="post" action="/logout" style="display:inline">{% raw xsrf_form_html() %}<button id="logout">Sign out</button></form>{% end %}</nav>
<main>{% block body %}{% end %}</main></body></html>"""

PAGES = {
    "base.html": _BASE,
    "top.html": """{% extends "base.html" %}{% block body %}<h1>pipecd-cp owner page</h1>
<ul><li><a href="/projects">List Projects</a></li><li><a href="/projects/add">Add Project</a></li>
<li><a href="/applicationcounts">Application Counts</a></li></ul>{% end %}""",
    "login.html": """{% extends "base.html" %}{% block body %}<h1>Sign in</h1>
{% if error %}<p class="error" id="error">{{ error }}</p>{% end %}
<form method="post" action="/login">{% raw xsrf_form_html() %}
<input type="hidden" name="next" value="{{ next_url }}">
<label>Owner password or token <input type="password" name="secret" id="secret" autocomplete="current-password" autofocus></label>
<button type="submit" id="login">Sign in</button></form>{% end %}""",
    "not_configured.html": """{% extends "base.html" %}{% block body %}<h1>The owner page is not configured</h1>
<p id="not-configured">Start <code>pipecd-cp ops</code> with <code>--owner-password-file FILE</code> (a bcrypt hash made
with <code>pipecd-cp ops hash-password</code>) or <code>--owner-token-file FILE</code> (a random secret of at least 32
characters) to use this page. Scheduled tasks and <code>/metrics</code> run without it.</p>{% end %}""",
    "projects.html": """{% extends "base.html" %}{% block body %}<h1>Projects</h1>
<table id="projects"><tr><th>ID</th><th>Description</th><th>StaticAdminDisabled</th><th>SharedSSOName</th><th>CreatedAt</th><th></th></tr>
{% for p in projects %}<tr><td class="id">{{ p["id"] }}</td><td class="desc">{{ p["desc"] }}</td><td>{{ p["static_admin_disabled"] }}</td>
<td>{{ p["shared_sso_name"] }}</td><td>{{ p["created_at"] }}</td>
<td><a href="/projects/reset-password?ID={{ url_escape(p["id"]) }}">Reset static admin password</a></td></tr>{% end %}
</table>{% if not projects %}<p>No projects in the datastore.</p>{% end %}{% end %}""",
    "add_project.html": """{% extends "base.html" %}{% block body %}<h1>Add Project</h1>
{% if error %}<p class="error" id="error">{{ error }}</p>{% end %}
<form method="post" action="/projects/add">{% raw xsrf_form_html() %}
<label>ID <input name="ID" id="project-id" required value="{{ form.get("ID", "") }}"></label>
<label>Description <input name="Description" id="project-desc" value="{{ form.get("Description", "") }}"></label>
<label>Shared SSO <select name="SharedSSO" id="shared-sso"><option value="">(none)</option>
{% for name in shared_sso %}<option value="{{ name }}">{{ name }}</option>{% end %}</select></label>
<label><input type="checkbox" name="AllowStrayAsViewer" id="allow-stray"> Allow stray users as viewers</label>
<button type="submit" id="add">Add</button></form>{% end %}""",
    "credentials.html": """{% extends "base.html" %}{% block body %}<h1>{{ heading }}</h1>
<p>Project <b id="project">{{ project_id }}</b>{% if desc %} ({{ desc }}){% end %}.</p>
<p>The static admin's credentials are shown only this once:</p>
<p>Username: <span class="secret" id="username">{{ username }}</span></p>
<p>Password: <span class="secret" id="password">{{ password }}</span></p>{% end %}""",
    "reset_password.html": """{% extends "base.html" %}{% block body %}<h1>Reset the static admin password</h1>
{% if error %}<p class="error" id="error">{{ error }}</p>{% end %}
<p>This replaces the password of project <b id="project">{{ project_id }}</b>'s static admin.
Type the project ID again to confirm.</p>
<form method="post" action="/projects/reset-password">{% raw xsrf_form_html() %}
<input type="hidden" name="ID" value="{{ project_id }}">
<label>Project ID <input name="confirmationID" id="confirm-id" required></label>
<button type="submit" id="reset">Reset password</button></form>{% end %}""",
    "counts.html": """{% extends "base.html" %}{% block body %}<h1>Application Counts</h1>
<table id="counts"><tr><th>Project</th><th>Total</th><th>By kind</th><th>By status</th><th>Updated at</th></tr>
{% for row in rows %}<tr><td>{{ row["project"] }}</td><td class="total">{{ row["total"] }}</td>
<td>{{ ", ".join(f"{k}: {v}" for k, v in row["kinds"]) }}</td><td>{{ ", ".join(f"{k}: {v}" for k, v in row["statuses"]) }}</td>
<td>{{ row["updated_at"] }}</td></tr>{% end %}</table>{% end %}""",
    "error.html": """{% extends "base.html" %}{% block body %}<h1>{{ code }} {{ reason }}</h1>
<p class="error" id="error">{{ message }}</p>{% end %}""",
}


def loader() -> tornado.template.DictLoader:
    """A loader over `PAGES` with HTML autoescaping (the default)."""
    return tornado.template.DictLoader(PAGES, autoescape="xhtml_escape")
