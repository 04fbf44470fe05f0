"""The month in a minute (issue 13): a draft's line can hold the wages declared for the employee in the last
submitted month (shown, not counted) until the employer accepts them with SAME AS LAST MONTH."""

from peewee import BigIntegerField, BooleanField, Check, DateField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column("submission_line", "carried_wages",
                                BigIntegerField(null=True, constraints=[Check("carried_wages >= 0")])),
            migrator.add_column("submission_line", "carried_from", DateField(null=True)),
            migrator.add_column("submission_line", "carried_accepted", BooleanField(default=False)))
