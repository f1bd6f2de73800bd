from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.demo import ensure_demo_content
from comments.demo import ensure_demo_comments
from live.demo import ensure_demo_coverages
from newsroom import planner
from newsroom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and demo content. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts share a public password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to create demo accounts with DEBUG off; pass --allow-production.")
        with transaction.atomic():
            created = ensure_demo_accounts()
            articles = ensure_demo_content()
            comments = ensure_demo_comments()
            coverages = ensure_demo_coverages()
        planner.analyze()
        self.stdout.write(
            f"Demo articles: {articles} created; demo comments: {comments} created; "
            f"demo live coverages: {coverages} created."
        )
        self.stdout.write(f"Demo accounts: {len(created)} created, {len(DEMO_ACCOUNTS) - len(created)} kept.")
        self.stdout.write(self.style.SUCCESS("Log in at http://127.0.0.1:8000/admin/ with:"))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role or 'Admin':<11} {account.username} / {DEMO_PASSWORD}")
