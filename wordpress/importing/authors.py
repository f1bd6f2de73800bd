"""WordPress authors → inactive Midad users, each with an author profile."""

import re
from dataclasses import asdict

from django.contrib.auth import get_user_model

from articles.models import AuthorProfile
from wordpress import wxr
from wordpress.importing.context import Context, checksum
from wordpress.importing.report import ItemProblem, Kind

FALLBACK_AUTHOR = wxr.Author(login="wordpress", display_name="ووردبريس")


class Authors:
    def __init__(self, context: Context):
        self.context = context
        self.declared = {author.login: author for author in context.export.authors}
        self._profiles = context.cache()  # login → author profile id

    def save(self, author: wxr.Author) -> tuple[str, int]:
        """Import one author: the outcome, and the user's id."""
        if not author.login:
            raise ItemProblem("an author without a login")
        digest = checksum(asdict(author))
        mapping, user_id = self.context.memory.find(Kind.AUTHOR, author.login)
        full_name = " ".join(filter(None, (author.first_name, author.last_name)))
        display_name = (author.display_name or full_name or author.login)[:120]
        if user_id is not None:
            if mapping.checksum == digest:
                return "unchanged", user_id
            profile = AuthorProfile.objects.filter(user_id=user_id).first()
            if profile is None:
                AuthorProfile.objects.create(user_id=user_id, display_name=display_name)
            elif profile.display_name != display_name:
                profile.display_name = display_name
                profile.save()
            outcome = "updated"
        else:
            user_id, outcome = self._new_or_same_user(author)
            if not AuthorProfile.objects.filter(user_id=user_id).exists():
                AuthorProfile.objects.create(user_id=user_id, display_name=display_name)
        self.context.memory.remember(Kind.AUTHOR, author.login, user_id, digest=digest)
        return outcome, user_id

    @staticmethod
    def _new_or_same_user(author: wxr.Author) -> tuple[int, str]:
        """The Midad user for a WordPress author: the same person if the username and email
        match, else a new inactive user without a password (a taken username gets a number)."""
        User = get_user_model()
        base = re.sub(r"[^\w.@+-]", "-", author.login)[:140].strip("-") or "author"
        existing = User.objects.filter(username=base).first()
        if existing and author.email and existing.email.lower() == author.email.lower():
            return existing.pk, "linked"
        username, number = base, 2
        while User.objects.filter(username=username).exists():
            username, number = f"{base}-{number}", number + 1
        user = User(
            username=username,
            email=author.email[:254],
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_active=False,  # until the newsroom invites them
        )
        user.set_unusable_password()
        user.save()
        return user.pk, "created"

    def profile_id(self, login: str) -> int:
        """The author profile id of a post's dc:creator (an undeclared author is imported on the way)."""
        login = login or FALLBACK_AUTHOR.login
        if (profile_id := self._profiles.get(login)) is not None:
            return profile_id
        author = self.declared.get(login) or (
            FALLBACK_AUTHOR if login == FALLBACK_AUTHOR.login else wxr.Author(login=login)
        )
        user_id = self.context.imported_id(Kind.AUTHOR, login, lambda: self.save(author))
        profile = AuthorProfile.objects.filter(user_id=user_id).first()
        if profile is None:  # removed in the newsroom since
            user = get_user_model().objects.get(pk=user_id)
            profile = AuthorProfile.objects.create(
                user=user, display_name=(user.get_full_name() or user.username)[:120]
            )
        self._profiles.put(login, profile.pk)
        return profile.pk
