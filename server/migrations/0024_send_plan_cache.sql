-- wa_mark_accepted (0020) runs its UPDATE with the ids and wamids of a group of sends. PL/pgSQL keeps
-- a statement's plan for the session and, after five calls, may switch to a generic plan made without
-- the arrays' contents: for `unnest(ids, wamids)` of unknown length that is a hash join over a
-- sequential scan of wa_messages, which grows with the table (on PGlite, 3.3 ms instead of 0.9 ms for
-- a group of 16 sends over a few thousand messages). A custom plan looks each id up by primary key.
ALTER FUNCTION wa_mark_accepted(uuid[], text[]) SET plan_cache_mode = force_custom_plan;
