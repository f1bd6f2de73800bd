from django.core.management.base import BaseCommand

from newsroom.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the newsroom's permission groups (also runs after every migrate)."

    def handle(self, *args, **options):
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
