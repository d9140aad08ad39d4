"""Walloon Matchmaker: investor inquiries matched to Wallonia's organizations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands.

    Flask is imported here, not at module level, so that the pure matching engine
    (matchmaker.matching) can be used without the web stack.
    """
    from flask import Flask

    from matchmaker import (
        audit,
        cli,
        database,
        errors,
        health,
        i18n,
        labels,
        security,
        staff,
        templating,
    )
    from matchmaker.api import bp as api_bp
    from matchmaker.config import load_config
    from matchmaker.extensions import csrf, limiter, login_manager
    from matchmaker.public.consent_views import bp as consent_bp
    from matchmaker.public.introduction_views import bp as introductions_bp
    from matchmaker.public.profile_views import bp as profiles_bp
    from matchmaker.public.views import bp as public_bp
    from matchmaker.services import outbox, search

    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    load_config(app, config)
    database.init_app(app)
    security.init_app(app)
    audit.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    templating.init_app(app)
    outbox.init_app(app)
    search.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(introductions_bp, url_prefix="/introductions")
    app.register_blueprint(consent_bp, url_prefix="/consent")
    app.register_blueprint(profiles_bp, url_prefix="/profiles")
    app.register_blueprint(health.bp)
    staff.init_app(app, url_prefix="/staff", admin_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    errors.init_app(app)
    cli.init_app(app)
    return app
