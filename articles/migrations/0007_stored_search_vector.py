import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

# to_tsvector('arabic', search_document) in a column, kept by PostgreSQL's own trigger
# function, whatever writes the row (a save, an update, a COPY).
TRIGGER = """
    CREATE TRIGGER articletranslation_search_vector
    BEFORE INSERT OR UPDATE OF search_document, search_vector ON articles_articletranslation
    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.arabic', search_document)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_review_notes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="articletranslation",
            name="article_search_vector_idx",
        ),
        migrations.AddField(
            model_name="articletranslation",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunSQL(
            [
                "UPDATE articles_articletranslation SET search_vector = to_tsvector('pg_catalog.arabic', search_document)",
                TRIGGER,
            ],
            reverse_sql="DROP TRIGGER articletranslation_search_vector ON articles_articletranslation",
        ),
        migrations.AddIndex(
            model_name="articletranslation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_vector_idx"
            ),
        ),
    ]
