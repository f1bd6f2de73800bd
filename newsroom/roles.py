"""The newsroom's roles as permission groups, kept in sync after every `migrate`.

Admins are superusers. A codename listed here that does not exist yet (an app not
migrated) is skipped and picked up on the next migrate.
"""

from django.contrib.auth.models import Group, Permission

ROLE_PERMISSIONS = {
    "Journalist": {
        "articles": [
            "add_article", "change_article", "view_article",
            "view_section", "view_tag", "view_authorprofile",
            "add_mediaimage", "change_mediaimage", "view_mediaimage",
        ],
        "live": ["view_livecoverage", "add_liveentry", "change_liveentry", "view_liveentry"],
    },
    "Editor": {
        "articles": [
            "add_article", "change_article", "delete_article", "view_article", "publish_article",
            "add_section", "change_section", "delete_section", "view_section",
            "add_tag", "change_tag", "delete_tag", "view_tag",
            "add_authorprofile", "change_authorprofile", "view_authorprofile",
            "add_mediaimage", "change_mediaimage", "delete_mediaimage", "view_mediaimage",
        ],
        "newsroom": ["view_sitesettings", "change_sitesettings"],
        "live": [
            "add_livecoverage", "change_livecoverage", "view_livecoverage", "manage_coverage",
            "add_liveentry", "change_liveentry", "delete_liveentry", "view_liveentry",
        ],
    },
    "Moderator": {
        "comments": [
            "view_comment", "change_comment", "moderate_comment",
            "view_moderationsettings", "change_moderationsettings",
            "add_blockedcommenter", "change_blockedcommenter", "delete_blockedcommenter", "view_blockedcommenter",
        ],
    },
}  # fmt: skip


def sync_roles() -> dict[str, int]:
    """Create each role's group and give it exactly its permissions; return counts."""
    counts = {}
    for role, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = [
            permission
            for app_label, codenames in apps.items()
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        ]
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts
