"""Demo accounts, one per newsroom role, for trying Midad out locally."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_PASSWORD = "midad-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # the permission group, empty for the superuser
    first_name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "", "مدير الموقع"),
    DemoAccount("editor", "Editor", "سلمى الحداد"),
    DemoAccount("journalist", "Journalist", "يوسف النجار"),
    DemoAccount("moderator", "Moderator", "ليلى منصور"),
)


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that are missing; return the ones created."""
    User = get_user_model()
    created = []
    for account in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "email": f"{account.username}@demo.midad.invalid",
                "is_staff": True,
                "is_superuser": not account.role,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(account)
        if account.role:
            group = Group.objects.filter(name=account.role).first()
            if group:
                user.groups.add(group)
    return created
