from django import forms
from django.contrib.admin.widgets import AutocompleteSelect

# What the rich-text editor needs wherever staff write (the article form, the live desk): its
# menus in the admin's language (from the admin's JavaScript catalogue, admin:jsi18n) and
# names that screen readers announce.
EDITOR_SCRIPTS = [
    forms.Script("articles/admin/editor-i18n.js", type="module"),
    forms.Script("articles/admin/field-names.js", type="module"),
]


class PickerSelect(AutocompleteSelect):
    """The admin's autocomplete picker as valid HTML: its <select> always starts with an empty
    choice that has text. HTML wants one first in a required <select> (Django leaves it out),
    and no empty <option>. The picker shows it as its placeholder, so nothing changes on screen."""

    EMPTY_LABEL = "—"

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = self.EMPTY_LABEL
        else:
            options.insert(0, self.create_option(name, "", self.EMPTY_LABEL, False, 0))
        return groups
