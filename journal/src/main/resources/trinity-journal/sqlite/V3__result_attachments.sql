-- Trinity journal, schema 3 (SQLite): a succeeded task's result attachments, so a result read after
-- a restart has them too. Keep in step with ../postgresql/V4__result_attachments.sql.
-- Each name maps to {"mediaType": ..., "base64": ...} (Attachment.toPlainData); NULL for none.
ALTER TABLE tasks ADD COLUMN result_attachments_json TEXT;
