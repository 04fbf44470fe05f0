"""SALARY SPREADSHEET (issue 13): the employer's choice of identification-number and wages columns is
remembered (by heading) for the next upload."""

from peewee import CharField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column("employer", "sheet_id_column", CharField(max_length=100, null=True)),
            migrator.add_column("employer", "sheet_wages_column", CharField(max_length=100, null=True)))
