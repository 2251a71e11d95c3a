/**
 * A span's searchable text on PostgreSQL: its schema name and summary split into words at every
 * character that is not a letter or digit, as SQLite's FTS5 tokenizer splits them, lowercased.
 * The GIN index is on this expression, so queries must use it unchanged.
 */
export const SPAN_SEARCH_DOCUMENT = "to_tsvector('simple', regexp_replace(schema_name || ' ' || coalesce(summary, ''), '[^[:alnum:]]+', ' ', 'g'))";

/** Words that must all prefix a word of one span's text (see `searchWords`), as a tsquery. */
export const tsquery = (words: readonly string[]) => words.map((word) => `${word}:*`).join(' & ');
