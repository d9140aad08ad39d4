"""A staff member's own second factor: set it up, make new recovery codes, turn it off."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker import audit
from matchmaker.extensions import db
from matchmaker.services import two_factor
from matchmaker.staff import bp, session_policy
from matchmaker.staff.two_factor_forms import CodeForm


@bp.get("/account/two-factor")
def two_factor_settings():
    return _settings_page()


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
def two_factor_enrol():
    """The QR code and the typed key; a right code from the app turns the second factor on and
    shows the recovery codes, once."""
    if two_factor.enabled(current_user):
        return redirect(url_for(".two_factor_settings"))
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(current_user, form.code.data)
        if codes is not None:
            db.session.commit()
            session_policy.second_factor_set_up()
            audit.event("two_factor.enrolled")
            return render_template("staff/two_factor_recovery_codes.html", codes=codes,
                                   enrolled=True)  # fmt: skip
        form.code.errors.append(_wrong_code())
    secret = two_factor.start_enrolment(current_user)
    db.session.commit()
    return render_template(
        "staff/two_factor_enrol.html", form=form, key=two_factor.grouped(secret),
        qr_code=two_factor.qr_code(current_user, secret),
        required=two_factor.required(current_user),
    )  # fmt: skip


@bp.post("/account/two-factor/recovery-codes")
def two_factor_regenerate():
    """New recovery codes, confirmed by a code; the old ones stop working."""
    form = CodeForm(prefix="regenerate")
    if not _confirmed(form):
        return _settings_page(regenerate=form), 422
    codes = two_factor.regenerate_recovery_codes(current_user)
    db.session.commit()
    audit.event("two_factor.recovery_codes_regenerated")
    return render_template("staff/two_factor_recovery_codes.html", codes=codes, enrolled=False)


@bp.post("/account/two-factor/off")
def two_factor_disable():
    """Turn the second factor off, confirmed by a code; only when it is not required."""
    form = CodeForm(prefix="off")
    if two_factor.required(current_user):
        flash(_("Your account must use two-factor sign-in: it cannot be turned off."), "error")
        return redirect(url_for(".two_factor_settings"))
    if not _confirmed(form):
        return _settings_page(turn_off=form), 422
    two_factor.remove(current_user)
    db.session.commit()
    audit.event("two_factor.disabled")
    flash(_("Two-factor sign-in is off: you sign in with your password alone."), "success")
    return redirect(url_for(".two_factor_settings"))


def _confirmed(form: CodeForm) -> bool:
    """The form carries a right code (failures are throttled like sign-ins)."""
    if not (two_factor.enabled(current_user) and form.validate_on_submit()):
        return False
    check = two_factor.check_code(current_user, form.code.data, request.remote_addr)
    db.session.commit()  # a failure's count and delay, or the code used up
    if check.method is None:
        audit.event("two_factor.failure", account=current_user.id, throttled=bool(check.wait))
        form.code.errors.append(
            _("Too many failed attempts. Please wait %(num)d seconds and try again.",
              num=check.wait) if check.wait else _wrong_code()
        )  # fmt: skip
    return check.method is not None


def _settings_page(regenerate: CodeForm | None = None, turn_off: CodeForm | None = None):
    found = two_factor.authenticator(current_user)
    return render_template(
        "staff/two_factor.html",
        enabled=two_factor.enabled(current_user),
        since=found.confirmed_at if found else None,
        codes_left=two_factor.recovery_codes_left(current_user),
        required=two_factor.required(current_user),
        regenerate=regenerate or CodeForm(prefix="regenerate", formdata=None),
        turn_off=turn_off or CodeForm(prefix="off", formdata=None),
    )


def _wrong_code() -> str:
    return _("That code is not right. Enter the code your app shows now.")
