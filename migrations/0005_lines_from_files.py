"""Text files never drop an employee (issue 10): a draft's line remembers whether the uploaded file had the
employee, so the preview can list those it left out for the employer to decide."""

from peewee import BooleanField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column("submission_line", "in_file", BooleanField(null=True)))
