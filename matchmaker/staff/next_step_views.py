"""A lead's next steps (add, complete) and the signed-in staff member's day."""

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.forms import BaseForm
from matchmaker.labels import NEXT_STEP_LABELS
from matchmaker.services.leads import detail, next_steps
from matchmaker.staff import bp
from matchmaker.staff.next_step_forms import NextStepForm
from matchmaker.staff.views import UNPROCESSABLE, _apply, _checked, _detail_page


@bp.get("/my-day")
def my_day():
    return render_template("staff/my_day.html", day=next_steps.my_day(current_user))


@bp.post("/leads/<int:inquiry_id>/next-steps")
def next_step_add(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = NextStepForm()
    if not form.validate_on_submit():
        return _detail_page(inquiry, UNPROCESSABLE, step_form=form)

    def change() -> str:
        step = next_steps.add_step(inquiry, current_user, form.kind.data, form.due_on.data,
                                   form.note.data or "")  # fmt: skip
        return _("%(kind)s planned for %(name)s.", kind=NEXT_STEP_LABELS[step.kind],
                 name=step.owner.name)  # fmt: skip

    return _apply(inquiry_id, change, "next-steps")


@bp.post("/leads/<int:inquiry_id>/next-steps/<int:step_id>/done")
def next_step_done(inquiry_id: int, step_id: int):
    inquiry = detail.get_lead(inquiry_id)
    _checked(BaseForm())

    def change() -> str | None:
        if next_steps.complete_step(inquiry, current_user, step_id):
            return _("Step marked done.")
        return None

    return _apply(inquiry_id, change, "next-steps")
