"""``guidebuild check``: is the guidance ready to publish? Every problem at once."""
