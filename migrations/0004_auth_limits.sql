-- Issue 8: usernames unique whatever their case; lockouts per username and
-- client address, so that wrong passwords from one address lock only that
-- address out; and a limit on login and sign-up attempts per address.
-- A name that differs only in case from an older account's is renamed to
-- <name>#<id> ('#' is not allowed in new usernames); the older account keeps it.
UPDATE users AS u SET username = u.username || '#' || u.id
WHERE EXISTS (SELECT 1 FROM users AS o WHERE lower(o.username) = lower(u.username) AND o.id < u.id);
--> statement-breakpoint
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
--> statement-breakpoint
DROP TABLE login_throttle;
--> statement-breakpoint
CREATE TABLE login_throttle (
  username text NOT NULL,
  address text NOT NULL,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (username, address)
);
--> statement-breakpoint
CREATE TABLE address_throttle (
  address text PRIMARY KEY,
  attempts integer NOT NULL,
  window_started_at timestamptz NOT NULL
);
