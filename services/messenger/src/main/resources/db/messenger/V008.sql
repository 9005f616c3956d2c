-- Room names are unique (case-insensitively) among public rooms only. A unique key over every
-- room let anyone learn a private room's name by trying to create a room with it; a private
-- room's name now never stops anyone else from naming their room the same.
ALTER TABLE conversations DROP CONSTRAINT IF EXISTS conversations_name_key_key;
CREATE UNIQUE INDEX IF NOT EXISTS conversations_public_name_key ON conversations (name_key) WHERE NOT private;
