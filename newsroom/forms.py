"""The admin's login form, hardened (see urls.py)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, with the username's length checked. Django sets the field's
    max_length after creating it, which adds no validator: a username of thousands of
    characters reached authenticate(), and django-axes failed to record the failure
    (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
