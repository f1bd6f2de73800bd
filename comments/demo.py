"""Demo comments: a lively thread under a few articles, and something for moderators."""

from django.contrib.auth import get_user_model
from django.db import transaction

from articles.models import Article
from comments.models import Comment, ip_hash, refresh_comment_count

# (article position among the newest, name, email, text, status, reply to the comment at index)
THREAD = [
    (
        0,
        "أحمد السيد",
        "ahmed@demo.midad.invalid",
        "خطوة ممتازة لاقتصاد المدينة، نتمنى أن تُحترم المواعيد هذه المرة.",
        "approved",
        None,
    ),
    (
        0,
        "Maya K.",
        "maya@demo.midad.invalid",
        "هل هناك تقدير لعدد الوظائف المخصصة لأبناء الأحياء القريبة من الميناء؟",
        "approved",
        None,
    ),
    (
        0,
        "سلمى الحداد",
        "editor@demo.midad.invalid",
        "شكراً على سؤالك: التقرير يذكر 4,500 وظيفة مباشرة، وسنتابع التفاصيل.",
        "approved",
        1,
    ),
    (0, "يوسف", "yousef@demo.midad.invalid", "أتمنى أن تنشروا خريطة المرحلة الثانية.", "pending", None),
    (
        1,
        "نور الهدى",
        "noor@demo.midad.invalid",
        "معلومات مفيدة، شكراً لفريق مداد على التغطية المتوازنة.",
        "approved",
        None,
    ),
    (
        2,
        "كريم",
        "karim@demo.midad.invalid",
        "اشترِ الآن!!! عروض لا تُصدق http://spam.example http://spam.example/2 http://spam.example/3",
        "spam",
        None,
    ),
]


@transaction.atomic
def ensure_demo_comments() -> int:
    """Create the demo thread once (skipped when the articles already have comments)."""
    newest = list(Article.objects.published().order_by("-publish_at")[:3])
    if len(newest) < 3 or Comment.objects.filter(article__in=newest).exists():
        return 0
    editor = get_user_model().objects.filter(username="editor").first()
    created = []
    for position, name, email, text, status, reply_to in THREAD:
        staff = editor if email.startswith("editor@") else None
        created.append(
            Comment.objects.create(
                article=newest[position], name=name, email=email, text=text, status=status,
                parent=created[reply_to] if reply_to is not None else None, staff_author=staff,
                is_featured=name == "نور الهدى", ip_hash=ip_hash(f"192.0.2.{len(created) + 1}"),
                held_reason="" if status == "approved" else "كل التعليقات تُراجع",
            )
        )  # fmt: skip
    for article in newest:
        refresh_comment_count(article.pk)
    return len(created)
