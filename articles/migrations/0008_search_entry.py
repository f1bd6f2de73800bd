import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Each translation's SearchEntry, kept by triggers whatever writes the rows (a save, an
# update, a COPY): written with the translation, deleted with it, and given its article's
# status and publish_at again whenever those change.
TRIGGERS = [
    """
    CREATE FUNCTION articles_search_entry_of_translation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM articles_searchentry WHERE translation_id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO articles_searchentry (translation_id, article_id, language_code, status, publish_at, title, vector)
        SELECT NEW.id, article.id, NEW.language_code, article.status, article.publish_at, NEW.search_title,
               to_tsvector('pg_catalog.arabic', NEW.search_document)
        FROM articles_article article WHERE article.id = NEW.master_id
        ON CONFLICT (translation_id) DO UPDATE SET
            article_id = EXCLUDED.article_id, language_code = EXCLUDED.language_code,
            status = EXCLUDED.status, publish_at = EXCLUDED.publish_at,
            title = EXCLUDED.title, vector = EXCLUDED.vector;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER articletranslation_search_entry
    AFTER INSERT OR DELETE OR UPDATE OF master_id, language_code, search_title, search_document
    ON articles_articletranslation
    FOR EACH ROW EXECUTE FUNCTION articles_search_entry_of_translation()
    """,
    """
    CREATE FUNCTION articles_search_entry_of_article() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE articles_searchentry SET status = NEW.status, publish_at = NEW.publish_at
        WHERE article_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER article_search_entry
    AFTER UPDATE OF status, publish_at ON articles_article
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.publish_at IS DISTINCT FROM NEW.publish_at)
    EXECUTE FUNCTION articles_search_entry_of_article()
    """,
]
DROP_TRIGGERS = [
    "DROP TRIGGER article_search_entry ON articles_article",
    "DROP FUNCTION articles_search_entry_of_article()",
    "DROP TRIGGER articletranslation_search_entry ON articles_articletranslation",
    "DROP FUNCTION articles_search_entry_of_translation()",
]
# The stored vector is copied, not computed again.
BACKFILL = """
    INSERT INTO articles_searchentry (translation_id, article_id, language_code, status, publish_at, title, vector)
    SELECT translation.id, article.id, translation.language_code, article.status, article.publish_at,
           translation.search_title,
           COALESCE(translation.search_vector, to_tsvector('pg_catalog.arabic', translation.search_document))
    FROM articles_articletranslation translation
    JOIN articles_article article ON article.id = translation.master_id
"""
# Migration 0007's trigger, dropped here, and given back on the way back.
OLD_TRIGGER = """
    CREATE TRIGGER articletranslation_search_vector
    BEFORE INSERT OR UPDATE OF search_document, search_vector ON articles_articletranslation
    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.arabic', search_document)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_stored_search_vector"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "translation",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.articletranslation",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                ("language_code", models.CharField(max_length=15)),
                ("status", models.CharField(max_length=12)),
                ("publish_at", models.DateTimeField(null=True)),
                ("title", models.CharField(max_length=250)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunSQL(
            # Every vector but the smallest out of line, and never a title: a search reads the
            # other columns of thousands of rows, the vectors of far fewer.
            "ALTER TABLE articles_searchentry SET (toast_tuple_target = 128), ALTER COLUMN title SET STORAGE PLAIN",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL([BACKFILL, *TRIGGERS], reverse_sql=DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_entry_vector_idx"),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("title", name="gin_trgm_ops"),
                name="search_entry_title_trgm_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["language_code", "status", "publish_at"], name="search_entry_newest_idx"),
        ),
        migrations.RunSQL("ANALYZE articles_searchentry", reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            "DROP TRIGGER articletranslation_search_vector ON articles_articletranslation",
            reverse_sql=[
                OLD_TRIGGER,
                "UPDATE articles_articletranslation SET search_vector = to_tsvector('pg_catalog.arabic', search_document)",
            ],
        ),
        migrations.RemoveIndex(
            model_name="articletranslation",
            name="article_search_title_trgm_idx",
        ),
        migrations.RemoveIndex(
            model_name="articletranslation",
            name="article_search_vector_idx",
        ),
        migrations.RemoveField(
            model_name="articletranslation",
            name="search_vector",
        ),
    ]
