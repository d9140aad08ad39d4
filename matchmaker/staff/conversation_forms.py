"""Forms of a lead's conversation (the template chooser, the message) and of the unmatched
mail list."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.labels import LANGUAGE_LABELS, MESSAGE_TEMPLATE_LABELS
from matchmaker.services.leads.conversation import TEMPLATES

SUBJECT_MAX = 200
BODY_MAX = 20_000


class ComposeForm(BaseForm):
    """Which template and language a message starts from (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    template = SelectField(_l("Template"))
    lang = SelectField(_l("Language"))

    def __init__(self, *args, templates: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template.choices = [(name, MESSAGE_TEMPLATE_LABELS[name]) for name in templates]
        self.lang.choices = list(LANGUAGE_LABELS.items())


class MessageForm(BaseForm):
    template = HiddenField(validators=[AnyOf(TEMPLATES)])
    lang = HiddenField(validators=[AnyOf(list(LANGUAGE_LABELS))])
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Write a subject.")), Length(max=SUBJECT_MAX)])  # fmt: skip
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write your message.")), Length(max=BODY_MAX)])  # fmt: skip


class AttachMailForm(BaseForm):
    code = StringField(_l("Lead code"), validators=[
        DataRequired(_l("Give the code of the lead, e.g. WM-K7P2XQ.")), Length(max=16)])
