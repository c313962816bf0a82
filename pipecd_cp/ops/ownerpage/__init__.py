"""Built-in plugin: the owner page on the ops process's HTTP port (server `ops`).

PipeCD's internal page for whoever runs the control plane: list projects, add a project (its
random static admin is shown once), reset a static admin's password, application counts. Unlike
PipeCD's it needs the owner credential (`pipecd_cp.ops.ownerpage.auth`) and has CSRF tokens on
every form (`pipecd_cp.ops.ownerpage.handlers`).
"""
from __future__ import annotations

from pipecd_cp.contributions import HttpRoute
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.ops.ownerpage.handlers import (AddProjectHandler, ApplicationCountsHandler, LoginHandler,
                                              LogoutHandler, ProjectsHandler, ResetPasswordHandler, TopHandler)


@hookimpl
def register_http_routes() -> list[HttpRoute]:
    return [
        HttpRoute(r"/", TopHandler, "ops", name="/"),
        HttpRoute(r"/login", LoginHandler, "ops", name="/login"),
        HttpRoute(r"/logout", LogoutHandler, "ops", name="/logout"),
        HttpRoute(r"/projects", ProjectsHandler, "ops", name="/projects"),
        HttpRoute(r"/projects/add", AddProjectHandler, "ops", name="/projects/add"),
        HttpRoute(r"/projects/reset-password", ResetPasswordHandler, "ops", name="/projects/reset-password"),
        HttpRoute(r"/applicationcounts", ApplicationCountsHandler, "ops", name="/applicationcounts"),
    ]
