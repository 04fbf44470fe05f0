"""SHORT CONTRIBUTION may top up a month more than once (issue 8 review): the index that allowed one live
SHORT ACR/ECR per month goes; each top-up charges the difference with everything still live."""

from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.drop_index("acknowledgement", "acknowledgement_live_short"))
