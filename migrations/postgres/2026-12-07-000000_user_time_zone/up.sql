-- The IANA time zone a person's browser reported (`Europe/Madrid`): pages show times in it.
ALTER TABLE users ADD COLUMN time_zone TEXT;
