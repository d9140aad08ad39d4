"""Services: the only code that touches both the database and the engine or the mailer."""
