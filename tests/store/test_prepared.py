"""webapp.db.Prepared: the SQL built once, peewee's column work done once, the build's constants written in."""

from peewee import Value

from tests.conftest import make_user
from webapp.db import Prepared, _constants_written_in, _Slot, database, is_sqlite
from webapp.models import AuthSession, User
from webapp.services import sessions

by_name = Prepared(lambda name: User.select().where((User.name == name) & (User.role == "employer")))
sessions_of = Prepared(lambda user_id: AuthSession.select(AuthSession, User).join(User)
                       .where(AuthSession.user == user_id).order_by(AuthSession.id))


def test_each_call_reads_its_own_rows_after_the_first_has_set_the_columns_up(app):
    """The second call reuses what peewee worked out from the first call's columns, not its rows."""
    first, second = make_user("a@example.com", name="Siti"), make_user("b@example.com", name="Ah Kow")
    with database.connection_context():
        assert by_name("Nobody") == []  # an empty first run sets nothing up: the next one still works
        assert [u.email for u in by_name("Siti")] == ["a@example.com"]
        assert [u.email for u in by_name("Ah Kow")] == ["b@example.com"]
        assert by_name.layouts  # the column work was kept
        sessions.start(first, kiosk=False, user_agent="t")
        sessions.start(second, kiosk=False, user_agent="t")
        sessions.start(second, kiosk=True, user_agent="t")
        for user, count in ((first, 1), (second, 2), (first, 1)):
            rows = sessions_of(user.id)
            assert len(rows) == count
            assert {row.user.email for row in rows} == {user.email}  # the joined model is each row's own
            assert all(isinstance(row.created_at, type(rows[0].created_at)) and not isinstance(row.created_at, str)
                       for row in rows)  # converters kept: datetimes, not the driver's text


def test_a_quote_in_a_constant_or_an_argument_is_kept_as_it_is(app):
    make_user("c@example.com", name="D'Cruz")
    quoted = Prepared(lambda email: User.select().where((User.email == email) & (User.name == "D'Cruz")))
    with database.connection_context():
        assert [u.email for u in quoted("c@example.com")] == ["c@example.com"]
        assert [u.name for u in by_name("D'Cruz")] == ["D'Cruz"]
        assert quoted("c@example.com' OR '1'='1") == []


def test_only_the_builds_plain_constants_are_written_into_sqlite_sql(app):
    slot = Value(_Slot(0), converter=False)
    with database.connection_context():
        sql, params = _constants_written_in("a = ? AND b = ? AND c = ? AND d = ? AND e = -?",
                                            ["it's", slot, 3, True, -2])
        if is_sqlite():
            assert sql == "a = 'it''s' AND b = ? AND c = 3 AND d = ? AND e = -(-2)"
            assert params == [slot, True]
        else:  # PostgreSQL plans a bound value once: the SQL stays as peewee wrote it
            assert params == ["it's", slot, 3, True, -2] and "?" in sql
        assert _constants_written_in("a = '?' AND b = ?", ["x"]) == ("a = '?' AND b = ?", ["x"])
